package fake

import (
	"context"
	"log/slog"
)

// checkCompiled runs the compiled response check (internal/check) on an answer. A failure goes to
// the report [NewServer] installs (t.Errorf), else it is logged at error level: a fake that answers
// outside its own spec is a bug worth seeing in `bsskit serve`'s log.
func (s *Server) checkCompiled(ex *exchange) {
	err := s.validator.Response(ex.status, ex.w.Header(), ex.body)
	if err == nil {
		return
	}
	if s.cfg.checkReport != nil {
		s.cfg.checkReport(err)
		return
	}
	s.log.LogAttrs(context.Background(), slog.LevelError, "response does not conform to the spec",
		slog.String("requestId", ex.entry.RequestID), slog.String("err", err.Error()))
}
