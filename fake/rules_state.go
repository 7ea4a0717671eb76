package fake

import (
	"errors"
	"strings"
	"testing"

	"github.com/bsskit/bsskit/fake/faults"
)

// Faults is the server's fault rules ([Server.Faults]): the one way to add rules from Go, and
// their usage. The rule language and its engine are package faults; scenario files come in with
// [WithScenario] and the admin API at /__admin/faults.
//
// A bad rule is an error; on a server made with [NewServer] it also fails the test (t.Errorf), so
// a one-line test need not check it:
//
//	srv.Faults().Add(faults.Faults().Add(faults.FailNextN(2, spec.CodeServiceUnavailable)))
type Faults struct{ s *Server }

// Faults returns the server's fault rules.
func (s *Server) Faults() *Faults { return &Faults{s: s} }

// Add validates every rule and adds them all after the existing ones, or none, and returns their
// IDs (each rule's ID, or "rule-N"). An invalid rule, or an ID in use, is an error wrapping
// [faults.RuleError]s, with paths "rules[i]" when several rules are given; on a server made with
// [NewServer] it also fails the test. A shared store that cannot be reached is an error wrapping
// [ErrStore].
func (f *Faults) Add(rules ...faults.Rule) ([]string, error) {
	s := f.s
	if s.tb != nil {
		s.tb.Helper()
	}
	list := ""
	if len(rules) > 1 {
		list = "rules"
	}
	ids, err := s.addRules(rules, list)
	var re *faults.RuleError
	if s.tb != nil && errors.As(err, &re) { // a bad rule, not a store that cannot be reached
		s.tb.Errorf("fake: fault rule not added: %v", err)
	}
	return ids, err
}

// Remove removes the rule with the given ID; it returns [faults.ErrNoRule] if there is none.
func (f *Faults) Remove(id string) error { return f.s.keep.removeRules(id) } // keeper.go

// Clear removes every rule.
func (f *Faults) Clear() error { return f.s.keep.removeRules("") }

// Rules returns copies of the rules, in the order they are checked, with their IDs filled in.
// Only a shared store ([WithStore]) can fail.
func (f *Faults) Rules() ([]faults.Rule, error) { return f.s.keep.rules() }

// Stats returns how much each rule has been used, in the order the rules are checked: the one
// view of rule usage. Only a shared store ([WithStore]) can fail.
func (f *Faults) Stats() ([]faults.RuleStat, error) { return f.s.keep.ruleStats() }

// AssertUsed fails t, naming them, if any rule is not fully used (its [faults.RuleStat.Used] is
// false: never fired, or with [faults.Rule.Sequence] steps left), and reports whether every rule
// was. A scenario whose every rule mattered passes.
func (f *Faults) AssertUsed(t testing.TB) bool {
	t.Helper()
	stats, err := f.Stats()
	if err != nil {
		t.Errorf("fake: rule usage: %v", err)
		return false
	}
	var unused []string
	for _, st := range stats {
		if !st.Used {
			unused = append(unused, st.ID)
		}
	}
	if len(unused) > 0 {
		t.Errorf("fake: rules not fully used: %s", strings.Join(unused, ", "))
		return false
	}
	return true
}

// Scenario returns the server's seed and current rules as a [faults.Scenario]: with
// [WithScenario] or bsskit serve --scenario, it reproduces the run.
func (f *Faults) Scenario() (*faults.Scenario, error) {
	rules, err := f.Rules()
	if err != nil {
		return nil, err
	}
	seed := f.s.seed
	return &faults.Scenario{Seed: &seed, Rules: rules}, nil
}

// initRules installs the configured rules; called by New.
func (s *Server) initRules() error {
	if len(s.cfg.rules) == 0 {
		return nil
	}
	return s.keep.installRules(s.cfg.rules) // keeper.go
}

// addRules validates and compiles every rule, then adds them all, or none. list, when set, names
// the list in error paths ("rules[i]").
func (s *Server) addRules(rules []faults.Rule, list string) ([]string, error) {
	return s.keep.addRules(rules, list) // keeper.go
}

// lockedRand is the server's seeded generator as the rule engine's random source: the engine draws
// from the same sequence as RequestIds and OrderIds, under the server's lock.
type lockedRand struct{ s *Server }

func (r lockedRand) Float64() float64 {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return r.s.rng.Float64()
}

func (r lockedRand) Int64N(n int64) int64 {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return r.s.rng.Int64N(n)
}

// logReproduction logs, if t failed, what reproduces the run: the seed and the rules as a
// scenario file.
func (s *Server) logReproduction(t testing.TB) {
	if !t.Failed() {
		return
	}
	sc, err := s.Faults().Scenario()
	var text []byte
	if err == nil {
		text, err = sc.YAML()
	}
	if err != nil {
		t.Logf("fake: seed %d (rules not printable: %v)", s.seed, err)
		return
	}
	t.Logf("fake: to reproduce, use fake.WithSeed(%d) and this scenario (bsskit serve --scenario):\n%s", s.seed, text)
}

// The replica's copy of a shared store's rules (rules_redis.go, shared.go), guarded by Server.mu.
type (
	faultState struct {
		list   []*ruleState
		nextID int
	}
	ruleState struct {
		c       *faults.Compiled
		removed bool
	}
)

// assignRuleIDs is [faults.AssignIDs] over a replica's list.
func assignRuleIDs(list []*ruleState, next int, compiled []*faults.Compiled, segs string) (int, error) {
	used := make([]string, len(list))
	for i, st := range list {
		used[i] = st.c.Rule.ID
	}
	return faults.AssignIDs(used, next, compiled, segs)
}
