package fake

import (
	"encoding/json"
	"net/http"
	"time"
)

// adminInstances answers GET /__admin/instances: the instances held now, with their status.
//
// POST /__admin/clock/advance (adminAdvance) takes {"by": "30s"} and moves the fake's one clock
// forward (a standalone fake's wall clock cannot be advanced from outside; in Go use a
// ManualClock): instances, payments, rule windows and the journal. The offset lives in the
// backend: with a shared store every replica reads it; it is not kept in the state file.
func (s *Server) adminInstances(w http.ResponseWriter, _ *http.Request) {
	writeView(w, s.instancesE) // lifecycle.go: 503 when the store cannot be reached
}

// advanceRequest is the body of POST /__admin/clock/advance.
type advanceRequest struct {
	// By is a positive Go duration string, such as "30s" or "5m".
	By string `json:"by"`
}

func (s *Server) adminAdvance(w http.ResponseWriter, r *http.Request) {
	var req advanceRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `want {"by": "<duration>"}: ` + err.Error()})
		return
	}
	d, err := time.ParseDuration(req.By)
	if err != nil || d <= 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `"by" must be a positive duration such as "30s", got ` + strconvQuote(req.By)})
		return
	}
	now, err := s.advanceClock(d) // backend.go: the offset lives in the store, for every replica
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"now": now.UTC().Format(time.RFC3339Nano)})
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }
