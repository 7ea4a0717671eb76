package fake

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/bsskit/bsskit/fake/faults"
	"gopkg.in/yaml.v3"
)

const adminFaults = adminPrefix + "faults"

// faultsList is the answer of GET /__admin/faults.
type faultsList struct {
	Seed  uint64            `json:"seed"`
	Rules []any             `json:"rules"`
	Stats []faults.RuleStat `json:"stats"`
}

// adminError is one problem in an admin request, as JSON.
type adminError struct {
	Path    string `json:"path,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// The fault rules' admin API (routes in admin_index.go): GET /__admin/faults gives the seed, the
// rules (as their YAML/JSON form) and their counters; GET /__admin/faults/scenario the same as a
// scenario file (YAML) that reproduces the run; POST /__admin/faults adds one rule or a scenario
// (YAML or JSON body), all or nothing (a scenario's seed is not applied: a warning says so);
// DELETE /__admin/faults/{id} removes one rule; POST /__admin/faults/reset removes every rule.

func (s *Server) adminClearFaults(w http.ResponseWriter, _ *http.Request) {
	if err := s.Faults().Clear(); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "cleared"})
}

func (s *Server) adminScenario(w http.ResponseWriter, _ *http.Request) {
	sc, err := s.Faults().Scenario()
	var text []byte
	if err == nil {
		text, err = sc.YAML()
	}
	if errors.Is(err, ErrStore) {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(text)
}

func (s *Server) adminRemoveFault(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.Faults().Remove(id); errors.Is(err, ErrStore) {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	} else if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no rule " + id})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"removed": id})
}

func (s *Server) adminListFaults(w http.ResponseWriter, _ *http.Request) {
	rules, err := s.Faults().Rules()
	var stats []faults.RuleStat
	if err == nil {
		stats, err = s.Faults().Stats()
	}
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	out := faultsList{Seed: s.seed, Rules: make([]any, len(rules)), Stats: stats}
	for i, rule := range rules {
		v, err := yamlForm(rule)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		out.Rules[i] = v
	}
	writeJSON(w, http.StatusOK, out)
}

// yamlForm returns v as the generic value of its YAML form, so durations read "200ms" in JSON too.
func yamlForm(v any) (any, error) {
	b, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := yaml.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Server) addFaults(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, faults.MaxScenarioBytes))
	if err != nil {
		writeAdminErrors(w, http.StatusRequestEntityTooLarge, err)
		return
	}
	sc, isScenario, err := faults.ParseAny(body)
	if err != nil {
		writeAdminErrors(w, http.StatusBadRequest, err)
		return
	}
	list := ""
	if isScenario {
		list = "rules"
	}
	ids, err := s.addRules(sc.Rules, list)
	if errors.Is(err, ErrStore) { // shared.go: Redis cannot be reached
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	if err != nil {
		writeAdminErrors(w, http.StatusBadRequest, err)
		return
	}
	ans := map[string]any{"ids": ids}
	if isScenario && sc.Seed != nil && *sc.Seed != s.seed {
		ans["warning"] = fmt.Sprintf("the scenario's seed %d is not applied: the server runs with seed %d (restart with --seed %d to reproduce it)", *sc.Seed, s.seed, *sc.Seed)
	}
	writeJSON(w, http.StatusCreated, ans)
}

// writeAdminErrors answers {"error": "...", "errors": [{path, line, column, message}...]}.
func writeAdminErrors(w http.ResponseWriter, status int, err error) {
	var list []adminError
	for _, e := range flattenErrors(err) {
		var re *faults.RuleError
		if errors.As(e, &re) {
			list = append(list, adminError{Path: re.Path, Line: re.Line, Column: re.Column, Message: re.Msg})
		} else {
			list = append(list, adminError{Message: e.Error()})
		}
	}
	writeJSON(w, status, map[string]any{"error": err.Error(), "errors": list})
}

// flattenErrors unpacks errors.Join trees.
func flattenErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flattenErrors(e)...)
		}
		return out
	}
	return []error{err}
}
