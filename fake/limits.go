package fake

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/internal/wire"
	"github.com/bsskit/bsskit/spec"
)

// Limits bounds what one client can make the fake hold: request sizes, how long a connection may
// take, and how many connections are open at once. A zero field takes its default ([DefaultLimits]);
// a negative field turns that limit off.
//
// A request over a size limit is answered InvalidParameter (HTTP 400, the real error shape) with a
// message naming the limit; a connection over MaxConns is answered ServiceUnavailable (HTTP 503) and
// closed. MaxHeaderBytes is enforced by net/http itself, which answers "431 Request Header Fields Too
// Large" in plain text before the fake sees the request (the request line counts too).
type Limits struct {
	// MaxBodyBytes bounds a request body (default 1 MiB).
	MaxBodyBytes int64
	// MaxQueryBytes bounds the raw query string (default 32 KiB).
	MaxQueryBytes int
	// MaxHeaderBytes bounds the request line and headers (default 64 KiB; net/http answers 431).
	MaxHeaderBytes int
	// MaxParams bounds the number of query and form parameters, counting repeats (default 1024;
	// a full CreateInstance with 100 Parameter.n elements and a signature has about 240).
	MaxParams int
	// ReadHeaderTimeout bounds reading the request line and headers (default 10s).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included (default 1m).
	ReadTimeout time.Duration
	// WriteTimeout bounds writing an answer, from the end of the request headers (default 2m). A
	// latency or slowBody fault rule longer than this loses its answer.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection idle this long (default 2m).
	IdleTimeout time.Duration
	// MaxConns bounds the connections open at once (default 1024). Connections past it are answered
	// ServiceUnavailable and closed.
	MaxConns int
}

// DefaultLimits returns the limits a server has unless [WithLimits] changes them.
func DefaultLimits() Limits {
	return Limits{
		MaxBodyBytes:      1 << 20,
		MaxQueryBytes:     32 << 10,
		MaxHeaderBytes:    64 << 10,
		MaxParams:         1024,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxConns:          1024,
	}
}

// resolved fills zero fields with the defaults.
func (l Limits) resolved() Limits {
	d := DefaultLimits()
	pick := func(v, def int) int {
		if v == 0 {
			return def
		}
		return v
	}
	pickD := func(v, def time.Duration) time.Duration {
		if v == 0 {
			return def
		}
		return v
	}
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	l.MaxQueryBytes = pick(l.MaxQueryBytes, d.MaxQueryBytes)
	l.MaxHeaderBytes = pick(l.MaxHeaderBytes, d.MaxHeaderBytes)
	l.MaxParams = pick(l.MaxParams, d.MaxParams)
	l.MaxConns = pick(l.MaxConns, d.MaxConns)
	l.ReadHeaderTimeout = pickD(l.ReadHeaderTimeout, d.ReadHeaderTimeout)
	l.ReadTimeout = pickD(l.ReadTimeout, d.ReadTimeout)
	l.WriteTimeout = pickD(l.WriteTimeout, d.WriteTimeout)
	l.IdleTimeout = pickD(l.IdleTimeout, d.IdleTimeout)
	return l
}

// off maps a negative limit to the value net/http reads as "none".
func off[T int | time.Duration](v T) T {
	if v < 0 {
		return 0
	}
	return v
}

// applyTimeouts sets the server's timeouts and header limit on hs.
func (l Limits) applyTimeouts(hs *http.Server) {
	hs.ReadHeaderTimeout = off(l.ReadHeaderTimeout)
	hs.ReadTimeout = off(l.ReadTimeout)
	hs.WriteTimeout = off(l.WriteTimeout)
	hs.IdleTimeout = off(l.IdleTimeout)
	hs.MaxHeaderBytes = off(l.MaxHeaderBytes)
	if l.MaxHeaderBytes < 0 {
		hs.MaxHeaderBytes = 1 << 30
	}
	if l.ReadHeaderTimeout < 0 {
		hs.ReadHeaderTimeout = -1 // net/http: negative is none; zero would mean ReadTimeout
	}
}

// readBody reads the body under the server's MaxBodyBytes. It returns a *limitError for a body over
// the limit or one that cannot be read (the client was too slow for ReadTimeout, or went away).
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *limitError) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	limit := s.limits.MaxBodyBytes
	var rd io.Reader = r.Body
	if limit > 0 {
		rd = http.MaxBytesReader(w, r.Body, limit)
	}
	b, err := io.ReadAll(rd)
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return b, nil
	case errors.As(err, &mbe):
		return nil, &limitError{param: "body", detail: fmt.Sprintf("the request body is over the fake's limit of %d bytes (Limits.MaxBodyBytes)", limit)}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, &limitError{param: "body", detail: fmt.Sprintf("the request body did not arrive within the fake's read timeout of %s (Limits.ReadTimeout)", s.limits.ReadTimeout)}
	default:
		return nil, &limitError{param: "body", detail: "the request body could not be read: " + err.Error()}
	}
}

// limitError is a request over one of the [Limits]: answered InvalidParameter naming the limit.
type limitError struct {
	param  string
	detail string
}

// checkLimits checks the query length and the parameter count; nil means within the limits.
func (s *Server) checkLimits(r *http.Request, req *wire.Request) *limitError {
	l := &s.limits
	if l.MaxQueryBytes > 0 && len(r.URL.RawQuery) > l.MaxQueryBytes {
		return &limitError{param: "query string", detail: fmt.Sprintf("the query string is %d bytes, over the fake's limit of %d bytes (Limits.MaxQueryBytes)", len(r.URL.RawQuery), l.MaxQueryBytes)}
	}
	if l.MaxParams > 0 {
		n := 0
		for _, vs := range req.Query {
			n += len(vs)
		}
		for _, vs := range req.Form {
			n += len(vs)
		}
		if n > l.MaxParams {
			return &limitError{param: "parameters", detail: fmt.Sprintf("the request has %d parameters, over the fake's limit of %d (Limits.MaxParams)", n, l.MaxParams)}
		}
	}
	return nil
}

// failLimit answers InvalidParameter with the catalogue's message and what limit was hit.
func (ex *exchange) failLimit(le *limitError) {
	def := spec.MustLookup(spec.CodeInvalidParameter)
	msg := def.Render("param", le.param)
	if len(msg) > 0 && msg[len(msg)-1] == '.' {
		msg = msg[:len(msg)-1]
	}
	ex.failWith(def, def.HTTPStatus, msg+": "+le.detail+".")
}

// connLimiter counts the connections the server holds, for MaxConns. The listener takes a slot
// when it accepts a connection; the server's ConnState hook gives it back when the connection is
// closed or hijacked (a fault rule closes hijacked connections itself).
type connLimiter struct {
	max       int64
	open      atomic.Int64
	rejecting chan struct{} // bounds the goroutines answering rejected connections
}

func newConnLimiter(max int) *connLimiter {
	if max <= 0 {
		return nil
	}
	return &connLimiter{max: int64(max), rejecting: make(chan struct{}, 32)}
}

// Open returns how many connections are counted.
func (cl *connLimiter) Open() int64 { return cl.open.Load() }

func (cl *connLimiter) track(state http.ConnState) {
	if cl != nil && (state == http.StateClosed || state == http.StateHijacked) {
		cl.open.Add(-1)
	}
}

// limitListener is a net.Listener that holds at most connLimiter.max connections: it answers one
// past the limit with ServiceUnavailable and closes it (golang.org/x/net/netutil.LimitListener
// would make it wait in the backlog instead, where a client only sees a timeout).
type limitListener struct {
	net.Listener
	s  *Server
	cl *connLimiter
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.cl.open.Add(1) <= l.cl.max {
			return c, nil
		}
		l.cl.open.Add(-1)
		select {
		case l.cl.rejecting <- struct{}{}:
			go func() {
				defer func() { <-l.cl.rejecting }()
				l.s.rejectConn(c)
			}()
		default:
			c.Close() // already answering many rejected connections: just close
		}
	}
}

// rejectConn reads the request on c (briefly) and answers ServiceUnavailable in the format it
// asked for, then closes c.
func (s *Server) rejectConn(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	format := spec.FormatJSON
	site := s.siteOfLocalAddr(c.LocalAddr()) // sites.go
	r, err := http.ReadRequest(bufio.NewReaderSize(io.LimitReader(c, 64<<10), 4096))
	if err == nil {
		if hs, ok := spec.SiteByHost(r.Host); ok {
			site = hs
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		r.Body.Close()
		if req, _ := wire.Parse(r, nil); req != nil {
			format = req.Format
		}
	}
	s.mu.Lock()
	id := s.newRequestIDLocked()
	s.mu.Unlock()
	def := spec.MustLookup(spec.CodeServiceUnavailable)
	body := wire.AppendFailure(nil, format, &generated.ErrorResponse{
		RequestId: id,
		HostId:    site.Host,
		Code:      string(def.Code),
		Message:   fmt.Sprintf("%s The fake holds %d connections, its limit (Limits.MaxConns); retry later.", def.Message, s.limits.MaxConns),
		Recommend: wire.Recommend(string(def.Code), id),
	})
	head := "HTTP/1.1 503 Service Unavailable\r\nContent-Type: " + format.ContentType() +
		"\r\nX-Acs-Request-Id: " + id + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n"
	_, _ = c.Write(append([]byte(head), body...))
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	s.log.Warn("connection limit reached: answered ServiceUnavailable", "limit", s.limits.MaxConns, "remote", c.RemoteAddr().String())
}

// addRuntimeHealth adds the process's goroutine count and live heap bytes to a health answer, what
// a soak watches for leaks.
func addRuntimeHealth(body map[string]any) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	body["goroutines"] = runtime.NumGoroutine()
	if sample[0].Value.Kind() == metrics.KindUint64 {
		body["heapBytes"] = sample[0].Value.Uint64()
	}
}
