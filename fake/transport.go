package fake

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/bsskit/bsskit/fake/faults"
)

// proxy502Body is what a Tengine load balancer in front of an Alibaba Cloud service answers when
// its upstream fails.
const proxy502Body = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"

// Defaults of FaultSlowBody.
const (
	defaultChunkBytes = 16
	defaultChunkDelay = 100 * time.Millisecond
)

// defaultHangLimit is how long a FaultHang holds a request by default (WithHangLimit): well under
// go test's default 10-minute deadline.
const defaultHangLimit = 30 * time.Second

// hangConfig is what bounds and reports a hang: WithHangLimit, and for NewServer the test's deadline
// and log.
type hangConfig struct {
	limit    time.Duration            // 0: defaultHangLimit
	deadline func() (time.Time, bool) // nil: none (testing.T.Deadline)
	logf     func(format string, args ...any)
}

// withTest gives the server the test's deadline and log (NewServer).
func withTest(t testing.TB, logf func(format string, args ...any)) Option {
	return func(o *config) {
		if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
			o.hang.deadline = d.Deadline
		}
		o.hang.logf = logf
	}
}

// hangLimit returns how long a hang may hold a request from now.
func (s *Server) hangLimit() time.Duration {
	limit := s.cfg.hang.limit
	if limit <= 0 {
		limit = defaultHangLimit
	}
	if s.cfg.hang.deadline != nil {
		if dl, ok := s.cfg.hang.deadline(); ok {
			if left := time.Until(dl) / 2; left < limit {
				limit = max(left, 0)
			}
		}
	}
	return limit
}

// applyFault sends o.Fault. Faults that mangle the real answer find it in ex.status, ex.body and
// ex.w.Header() (commitCaptured ran); the others ignore it.
func (s *Server) applyFault(ex *exchange, o *faults.Outcome) {
	ex.entry.Fault = string(o.Fault)
	switch o.Fault {
	case faults.FaultHang:
		s.hang(ex)
	case faults.FaultReset:
		ex.status, ex.code = 0, ""
		ex.entry.Aborted = true
		ex.record()
		ex.abort(true)
	case faults.FaultEmpty:
		ex.status, ex.code = 0, ""
		ex.entry.Aborted = true
		ex.record()
		ex.abort(false)
	case faults.FaultEmptyBody:
		ex.sendRaw(http.StatusOK, ex.req.Format.ContentType(), nil)
	case faults.FaultProxy502:
		ex.sendRaw(http.StatusBadGateway, "text/html", []byte(proxy502Body))
	case faults.FaultTruncate:
		ex.truncate()
	case faults.FaultMalformed:
		ex.malformed()
	case faults.FaultSlowBody:
		s.slowBody(ex, o)
	}
}

// hang holds the request until the client gives up, the server closes or the hang limit passes,
// then breaks the answer off. A client still waiting at the limit has no timeout: the journal and
// the test log say so.
func (s *Server) hang(ex *exchange) {
	ex.status, ex.code = 0, ""
	ex.entry.Aborted = true
	ex.record()
	limit := s.hangLimit()
	start := time.Now()
	t := time.NewTimer(limit)
	defer t.Stop()
	var note string
	select {
	case <-ex.r.Context().Done():
		note = "the client gave up after " + roundDur(time.Since(start))
	case <-s.closing:
		note = "released by Close or Shutdown after " + roundDur(time.Since(start))
	case <-t.C:
		note = "the client held a hung request for " + roundDur(time.Since(start)) + " without timing out: it has no timeout"
		msg := fmt.Sprintf("fake: request %d (rule %q): %s; the fake broke the answer off at its hang limit (%s)", ex.entry.Seq, ex.entry.Rule, note, limit)
		s.log.Warn(msg, "seq", ex.entry.Seq, "rule", ex.entry.Rule)
		if s.cfg.hang.logf != nil {
			s.cfg.hang.logf("%s", msg)
		}
	}
	ex.entry.Note, ex.entry.Held = note, time.Since(start)
	s.amend(ex)
	ex.abort(false)
}

// roundDur prints d to the millisecond.
func roundDur(d time.Duration) string { return d.Round(time.Millisecond).String() }

// amend copies what a transport fault changes after the exchange was recorded (Status, Code and
// Note of ex.entry) into its journal entry. It takes no callback, so that ex, which the request
// path keeps on the stack, does not escape.
func (s *Server) amend(ex *exchange) {
	if !ex.recorded {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ex.epoch != s.journalEpoch {
		return
	}
	es := s.journal.entries
	for i := len(es) - 1; i >= 0; i-- { // the newest entries are usually last
		if es[i].Seq == ex.entry.Seq {
			es[i].Status, es[i].Code, es[i].Note, es[i].Held = ex.entry.Status, ex.entry.Code, ex.entry.Note, ex.entry.Held
			return
		}
	}
}

// abort breaks the answer off. With the connection taken from net/http it closes it (reset: with a
// TCP RST instead of a FIN). Without one (HTTP/2, a middleware that wraps the ResponseWriter, a
// recorder) it panics with http.ErrAbortHandler, which net/http turns into a stream reset (HTTP/2)
// or a closed connection (HTTP/1) after sending what was flushed, so the client never mistakes
// the answer for a complete one; ServeHTTP lets that panic through (recover.go).
func (ex *exchange) abort(reset bool) {
	conn, ok := ex.hijack()
	if !ok {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func (ex *exchange) hijack() (net.Conn, bool) {
	conn, _, err := http.NewResponseController(ex.w).Hijack()
	if err != nil {
		ex.s.log.Debug("fault: cannot take the connection: aborting the handler instead", "err", err)
		return nil, false
	}
	return conn, true
}

// sendRaw answers status with body under contentType: a response that is not the service's own.
func (ex *exchange) sendRaw(status int, contentType string, body []byte) {
	ex.written = false
	h := ex.w.Header()
	for k := range h {
		delete(h, k)
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	ex.status, ex.code, ex.body = status, "", append([]byte(nil), body...)
	ex.written = true
	ex.record()
	ex.w.WriteHeader(status)
	_, _ = ex.w.Write(body)
}

// truncate sends the real answer's status line and headers (its full Content-Length) and half of
// its body, then breaks the answer off. Without a connection to take it writes and flushes the same
// through the ResponseWriter and aborts the handler (abort).
func (ex *exchange) truncate() {
	ex.entry.Aborted = true
	ex.record()
	half := ex.body[:len(ex.body)/2]
	conn, ok := ex.hijack()
	if !ok {
		ex.w.Header().Set("Content-Length", strconv.Itoa(len(ex.body)))
		ex.w.WriteHeader(ex.status)
		_, _ = ex.w.Write(half)
		if err := http.NewResponseController(ex.w).Flush(); err != nil {
			// Nothing reaches the client: net/http drops the buffered answer on abort.
			ex.entry.Status, ex.entry.Code = 0, ""
			ex.s.amend(ex)
		}
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %03d %s\r\n", ex.status, http.StatusText(ex.status))
	h := ex.w.Header().Clone()
	h.Set("Content-Length", strconv.Itoa(len(ex.body)))
	h.Set("Connection", "close")
	_ = h.Write(&b)
	b.WriteString("\r\n")
	b.Write(half)
	_ = conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = conn.Write(b.Bytes())
}

// malformed answers the real status and headers with the first half of the real body as a
// complete response.
func (ex *exchange) malformed() {
	half := ex.body[:len(ex.body)/2]
	ex.record()
	ex.w.Header().Set("Content-Length", strconv.Itoa(len(half)))
	ex.w.WriteHeader(ex.status)
	_, _ = ex.w.Write(half)
}

// slowBody sends the real answer in chunks with a delay before each chunk after the first. If the
// client gives up or the server closes, the rest is not sent.
func (s *Server) slowBody(ex *exchange, o *faults.Outcome) {
	size, delay := o.ChunkBytes, o.ChunkDelay
	if size <= 0 {
		size = defaultChunkBytes
	}
	if delay <= 0 {
		delay = defaultChunkDelay
	}
	rc := http.NewResponseController(ex.w)
	ex.record()
	ex.w.WriteHeader(ex.status)
	body := ex.body
	for i := 0; i < len(body); i += size {
		if i > 0 && !s.pause(ex.r.Context(), delay) {
			return
		}
		_, _ = ex.w.Write(body[i:min(i+size, len(body))])
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
