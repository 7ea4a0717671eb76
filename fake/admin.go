package fake

import (
	"encoding/json"
	"net/http"
	"strings"
)

const adminPrefix = "/__admin/"

// serveAdmin answers the admin API: read-only views of the journal, orders and catalogue, a health
// check, and reset. Admin answers are JSON; errors are {"error": "..."}.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if !s.adminGate(w, r) { // admin_auth.go: the token, and no cross-site state changes
		return
	}
	if r.URL.Path == adminFaults || strings.HasPrefix(r.URL.Path, adminFaults+"/") {
		s.serveFaults(w, r) // faults_admin.go
		return
	}
	switch r.URL.Path {
	case adminPrefix + "health":
		if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		s.mu.Lock()
		body := map[string]any{
			"status":             "ok",
			"orders":             len(s.store.orders),
			"requests":           s.journal.seq,
			"seed":               s.seed,
			"verifiesSignatures": s.verify,
		}
		s.mu.Unlock()
		addRuntimeHealth(body) // limits.go: goroutines, heapBytes
		writeJSON(w, http.StatusOK, body)
	case adminPrefix + "requests":
		if allowMethods(w, r, http.MethodGet) {
			writeJSON(w, http.StatusOK, s.Journal())
		}
	case adminPrefix + "orders":
		if allowMethods(w, r, http.MethodGet) {
			writeJSON(w, http.StatusOK, s.Orders())
		}
	case adminPrefix + "catalog":
		if allowMethods(w, r, http.MethodGet) {
			writeJSON(w, http.StatusOK, s.Catalog())
		}
	case adminPrefix + "reset":
		if allowMethods(w, r, http.MethodPost) {
			s.Reset()
			if err := s.stateErr(); err != nil { // state.go
				writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "reset is not durable: see the fake's log"})
				return
			}
			writeJSON(w, http.StatusOK, map[string]string{"status": "reset"})
		}
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no admin endpoint " + r.URL.Path})
	}
}

func allowMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", joinMethods(methods))
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": r.Method + " is not allowed on " + r.URL.Path})
	return false
}

func joinMethods(ms []string) string {
	out := ""
	for i, m := range ms {
		if i > 0 {
			out += ", "
		}
		out += m
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":"cannot encode the answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
