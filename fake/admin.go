package fake

import (
	"encoding/json"
	"net/http"
	"path"
	"strings"
)

const adminPrefix = "/__admin/"

func (s *Server) adminRequests(w http.ResponseWriter, _ *http.Request) {
	writeView(w, s.keep.entries) // keeper.go
}

func (s *Server) adminOrders(w http.ResponseWriter, _ *http.Request) {
	writeView(w, s.ordersE) // server.go
}

func (s *Server) adminCatalog(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Catalog())
}

// serveAdmin answers the admin API: the gate first (admin_auth.go: the token, and no cross-site
// state changes), then the routes (admin_index.go). A path no route knows is answered 404 and a method its routes
// do not take 405 with an Allow header, as http.ServeMux decides, in the admin error shape.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if !s.adminGate(w, r) {
		return
	}
	if !cleanPath(r.URL.Path) {
		// ServeMux would redirect to the clean path; the admin API names its endpoints exactly.
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no admin endpoint " + r.URL.Path})
		return
	}
	// Most servers in unit tests never see an admin request: the routes are built on the first.
	s.adminOnce.Do(func() { s.admin = s.newAdminMux() })
	if h, pattern := s.admin.Handler(r); pattern == "" {
		// No route: let the mux say which (405 and its Allow, or 404), then answer in the admin shape.
		var rec headerRecorder
		h.ServeHTTP(&rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": r.Method + " is not allowed on " + r.URL.Path})
			return
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no admin endpoint " + r.URL.Path})
		return
	}
	s.admin.ServeHTTP(w, r)
}

// cleanPath reports whether p is in the canonical form ServeMux routes without redirecting: no
// "." or ".." elements and no repeated slashes (a trailing slash is kept).
func cleanPath(p string) bool {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c == p
}

// headerRecorder keeps the status and header of an answer and drops its body.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header {
	if h.header == nil {
		h.header = http.Header{}
	}
	return h.header
}

func (h *headerRecorder) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	return len(b), nil
}

func (h *headerRecorder) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (s *Server) adminHealth(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	body := map[string]any{
		"status":             "ok",
		"seed":               s.seed,
		"verifiesSignatures": s.verify,
	}
	s.mu.Unlock()
	addSiteHealth(body, s)        // sites.go: the international endpoint
	status := s.keep.health(body) // keeper.go
	addRuntimeHealth(body)        // limits.go: goroutines, heapBytes
	writeJSON(w, status, body)
}

func (s *Server) adminReset(w http.ResponseWriter, _ *http.Request) {
	if err := s.resetE(); err != nil { // shared.go
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	if err := s.stateErr(); err != nil { // state.go
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "reset is not durable: see the fake's log"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "reset"})
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
