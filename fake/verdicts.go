package fake

import (
	"net/http"

	"github.com/bsskit/bsskit/fake/verdict"
)

// adminVerdicts answers GET /__admin/verdicts: {"thresholds": ..., "findings": [...]}, the
// verdicts on the journal with the thresholds of [WithThresholds].
func (s *Server) adminVerdicts(w http.ResponseWriter, _ *http.Request) {
	th := s.cfg.thresholds.WithDefaults()
	fs := verdict.Judge(s.Journal(), th)
	if fs == nil {
		fs = []verdict.Finding{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"thresholds": th, "findings": fs})
}
