package fake

import (
	"context"
	"log/slog"

	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/spec"
)

// checkCompiled runs the compiled response check (internal/check) on an answer. A failure goes to
// the report [NewServer] installs (t.Errorf), else it is logged at error level: a fake that answers
// outside its own spec is a bug worth seeing in `bsskit serve`'s log.
func (s *Server) checkCompiled(ex *exchange) {
	v := s.validator
	if ex.op != nil && ex.req.Action != spec.ActionCreateInstance {
		if rv, err := check.SharedFor(ex.req.Action); err == nil {
			v = rv // the read operation's own responses
		}
	}
	err := v.Response(ex.status, ex.w.Header(), ex.body)
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
