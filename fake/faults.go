package fake

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/spec"
)

// applyRules is the rule stage of ServeHTTP, after authentication and before CreateInstance. It
// returns true when a rule answered the call (or took its connection), false when the call goes on
// to CreateInstance.
func (s *Server) applyRules(ex *exchange) bool {
	v := ex.view()
	return s.applyDecision(ex, s.keep.decide(ex, &v)) // keeper.go
}

// applyDecision answers the call as the rule stage decided (d nil: no rule fired). It returns true
// when a rule answered the call (or took its connection), false when the call goes on.
func (s *Server) applyDecision(ex *exchange, d *faults.Decision) bool {
	if d == nil {
		return false
	}
	ex.entry.Rule = d.RuleID
	o := d.Outcome
	if d.Latency > 0 && !s.pause(ex.r.Context(), d.Latency) {
		// The client gave up or the server is closing: drop the connection.
		ex.entry.Fault = "latency"
		ex.status, ex.code = 0, ""
		ex.entry.Aborted = true
		ex.entry.Note = "the client gave up, or the server closed, during the latency"
		ex.noSpec = true
		ex.record()
		ex.abort(false) // transport.go
		return true
	}
	if o.Refund {
		ex.refund = true // create.go: the order is placed as a refunded duplicate
	}
	if o.Error == "" && o.Fault == "" {
		return false // Pass, Refund, or Latency only: answer normally
	}
	ex.noSpec = o.Fault != "" || (o.Status != 0 && o.Status != http.StatusOK)
	if o.AfterCommit || o.Fault.Commits() {
		s.commitCaptured(ex)
	}
	if o.Error != "" {
		ex.answerRuleError(&o)
		return true
	}
	s.applyFault(ex, &o)
	return true
}

// view returns the request fields rules match on.
func (ex *exchange) view() faults.Request {
	p, h := ex.req.Params, ex.req.Header
	return faults.Request{
		Action:      ex.req.Action,
		Method:      ex.r.Method,
		Format:      ex.req.Format.String(),
		AccessKeyID: ex.accessKeyID,
		Places:      ex.op.places, // dispatch.go
		Reads:       ex.op.reads,
		Param:       p.Get,
		Header:      h.Get,
		ParamKeys:   func() []string { return slices.Sorted(maps.Keys(p)) },
	}
}

// pause waits d of real time; false means the request's context ended or the server is closing.
func (s *Server) pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		return false
	}
}

// commitCaptured runs the Action's handler with its answer captured instead of sent: the order is stored
// (for CreateInstance) and ex.status, ex.code and ex.body hold the answer the fault then replaces or mangles.
func (s *Server) commitCaptured(ex *exchange) {
	real := ex.w
	cw := &captureWriter{header: http.Header{}}
	ex.w = cw
	ex.op.serve(s, ex)
	ex.w = real
	h := real.Header()
	for k, v := range cw.header {
		h[k] = v
	}
}

// captureWriter is an http.ResponseWriter that keeps what is written.
type captureWriter struct {
	header http.Header
	status int
	body   []byte
}

func (c *captureWriter) Header() http.Header { return c.header }

func (c *captureWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.body = append(c.body, b...)
	return len(b), nil
}

// answerRuleError answers o.Error with the catalogue's (or o's) status and message; status 200
// gives a Success=false body.
func (ex *exchange) answerRuleError(o *faults.Outcome) {
	def, status := o.ErrorDef()
	msg := o.Message
	if msg == "" {
		msg = renderBare(def, "requestId", ex.entry.RequestID)
	}
	ex.written = false // replaces a committed answer
	h := ex.w.Header()
	for k := range h {
		delete(h, k)
	}
	ex.failWith(def, status, msg)
}

// renderBare renders a catalogue message with the given placeholder pairs and every other
// placeholder empty: an injected error names no parameter.
func renderBare(def spec.ErrorDef, vars ...string) string {
	msg := def.Render(append(vars, "param", "", "stringToSign", "", "instanceId", "", "accountId", "", "requestId", "")...)
	for strings.Contains(msg, "  ") {
		msg = strings.ReplaceAll(msg, "  ", " ")
	}
	return msg
}
