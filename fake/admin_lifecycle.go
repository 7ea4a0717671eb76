package fake

import (
	"encoding/json"
	"net/http"
	"time"
)

// adminInstances answers GET /__admin/instances: the instances held now, with their status.
//
// POST /__admin/clock/advance (adminAdvance) takes {"by": "30s"} and moves the lifecycle forward (a
// standalone fake's wall clock cannot be advanced from outside; in Go use a ManualClock). Instances
// and orders placed later start from the moved time; the advance itself is not kept in the state
// file.
func (s *Server) adminInstances(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Instances())
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
	s.lifeOffset.Add(int64(d))
	writeJSON(w, http.StatusOK, map[string]string{"now": s.lifeNow().UTC().Format(time.RFC3339Nano)})
}

// lifeNow is the time the lifecycle is read at: the fake's clock, plus what POST
// /__admin/clock/advance added.
func (s *Server) lifeNow() time.Time {
	return s.clock.Now().Add(time.Duration(s.lifeOffset.Load()))
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }
