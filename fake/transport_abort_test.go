package fake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
)

// wrapWriter is a middleware's ResponseWriter: it hides Hijack (and Flush unless flusher).
type wrapWriter struct {
	http.ResponseWriter
	status int
}

func (w *wrapWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// flushWriter is a middleware's ResponseWriter that can flush but not hijack, as many logging
// middlewares are.
type flushWriter struct{ wrapWriter }

func (w *flushWriter) Flush() { w.ResponseWriter.(http.Flusher).Flush() }

// transportPath is one way a client reaches the fake.
type transportPath struct {
	name string
	// start serves srv and returns its base URL and a client for it.
	start func(t *testing.T, srv *fake.Server) (string, *http.Client)
	// headersReach reports whether a truncated answer's status line reaches the client.
	headersReach bool
}

func transportPaths() []transportPath {
	plain := func(t *testing.T, h http.Handler) (string, *http.Client) {
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		return ts.URL, &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	}
	return []transportPath{
		{name: "HTTP/1 hijack", headersReach: true, start: func(t *testing.T, srv *fake.Server) (string, *http.Client) {
			require.NoError(t, srv.Start())
			t.Cleanup(srv.Close)
			return srv.URL(), &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		}},
		{name: "HTTP/2", headersReach: true, start: func(t *testing.T, srv *fake.Server) (string, *http.Client) {
			ts := httptest.NewUnstartedServer(srv.Handler())
			ts.EnableHTTP2 = true
			ts.StartTLS()
			t.Cleanup(ts.Close)
			t.Cleanup(srv.Close) // before ts.Close: releases hangs
			c := *ts.Client()
			c.Timeout = 5 * time.Second
			return ts.URL, &c
		}},
		{name: "HTTP/1 middleware", start: func(t *testing.T, srv *fake.Server) (string, *http.Client) {
			t.Cleanup(srv.Close)
			return plain(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				srv.Handler().ServeHTTP(&wrapWriter{ResponseWriter: w}, r)
			}))
		}},
		{name: "HTTP/1 flushing middleware", headersReach: true, start: func(t *testing.T, srv *fake.Server) (string, *http.Client) {
			t.Cleanup(srv.Close)
			return plain(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				srv.Handler().ServeHTTP(&flushWriter{wrapWriter{ResponseWriter: w}}, r)
			}))
		}},
	}
}

// parseableSuccess reports whether r is an answer a client would take for a placed order.
func parseableSuccess(r rawResult) bool {
	if r.err != nil || r.readErr != nil || r.status != http.StatusOK {
		return false
	}
	var m map[string]any
	return json.Unmarshal(r.body, &m) == nil && m["Success"] == true
}

func post(c *http.Client, base string) rawResult {
	resp, err := c.Post(base+"/?"+faultParams().Encode(), "application/x-www-form-urlencoded", nil)
	if err != nil {
		return rawResult{err: err}
	}
	defer resp.Body.Close()
	body, rerr := io.ReadAll(resp.Body)
	return rawResult{status: resp.StatusCode, body: body, readErr: rerr}
}

// TestTransportFaultsNeverAnswerSuccess sends every transport fault, before and after commit,
// through each way a client reaches the fake: the client never gets a parseable success, the faults
// that break the answer off give it a transport error, the order exists only after a commit, and the
// journal says what the client saw.
func TestTransportFaultsNeverAnswerSuccess(t *testing.T) {
	t.Parallel()
	aborts := map[faults.Fault]bool{faults.FaultHang: true, faults.FaultReset: true, faults.FaultEmpty: true, faults.FaultTruncate: true}
	commits := map[faults.Fault]bool{faults.FaultTruncate: true, faults.FaultMalformed: true, faults.FaultSlowBody: true}
	for _, p := range transportPaths() {
		for _, f := range faults.All() {
			for _, after := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s/afterCommit=%v", p.name, f, after)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					o := faults.Outcome{Fault: f, AfterCommit: after}
					if f == faults.FaultSlowBody {
						o.ChunkBytes, o.ChunkDelay = 64, time.Millisecond
					}
					srv, err := fake.New(fake.WithHangLimit(20*time.Millisecond), fake.WithRules(faults.Rule{ID: "r", Times: 1, Outcome: &o}))
					require.NoError(t, err)
					base, client := p.start(t, srv)

					r := post(client, base)
					if f != faults.FaultSlowBody { // slow, not broken: a patient client gets the whole answer
						assert.False(t, parseableSuccess(r), "status %d body %q", r.status, r.body)
					}
					if aborts[f] {
						assert.True(t, r.err != nil || r.readErr != nil, "a broken answer, not status %d body %q", r.status, r.body)
					}
					wantOrders := 0
					if after || commits[f] {
						wantOrders = 1
					}
					assert.Len(t, srv.Orders(), wantOrders)

					j := waitJournal(srv, 1)
					require.Len(t, j, 1)
					e := j[0]
					assert.Equal(t, string(f), e.Fault)
					assert.Equal(t, aborts[f], e.Aborted)
					switch {
					case f == faults.FaultTruncate && p.headersReach:
						assert.Equal(t, 200, e.Status, "the status line reached the client")
						assert.Equal(t, 200, r.status)
					case aborts[f]:
						assert.Equal(t, 0, e.Status, "no status line reached the client")
					}
					if wantOrders == 1 {
						assert.Equal(t, srv.Orders()[0].OrderID, e.OrderID)
					}

					// The next call is answered normally: the abort broke one answer only.
					require.True(t, parseableSuccess(post(client, base)))
				})
			}
		}
	}
}

// TestTransportFaultsWithARecorder: with an httptest.ResponseRecorder, the faults that break the
// answer off panic with http.ErrAbortHandler (net/http's own signal), after writing what they can.
func TestTransportFaultsWithARecorder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault     faults.Fault
		wantPanic bool
		wantBody  bool // part of the answer is in the recorder
	}{
		{faults.FaultReset, true, false},
		{faults.FaultEmpty, true, false},
		{faults.FaultHang, true, false},
		{faults.FaultTruncate, true, true},
		{faults.FaultMalformed, false, true},
		{faults.FaultEmptyBody, false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			t.Parallel()
			logs := &syncBuf{}
			srv, err := fake.New(fake.WithHangLimit(time.Millisecond), fake.WithLogger(slog.New(slog.NewTextHandler(logs, nil))),
				fake.WithRules(faults.Rule{Outcome: &faults.Outcome{Fault: tt.fault}}))
			require.NoError(t, err)
			t.Cleanup(srv.Close)
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/?"+faultParams().Encode(), nil)
			var got any
			func() {
				defer func() { got = recover() }()
				srv.Handler().ServeHTTP(rec, req)
			}()
			if tt.wantPanic {
				assert.Equal(t, http.ErrAbortHandler, got)
			} else {
				assert.Nil(t, got)
			}
			if tt.fault == faults.FaultTruncate {
				n := rec.Header().Get("Content-Length")
				assert.NotEqual(t, fmt.Sprint(rec.Body.Len()), n, "the body is shorter than its Content-Length")
				assert.True(t, bytes.HasPrefix(rec.Body.Bytes(), []byte(`{"RequestId":`)), "%q", rec.Body)
			}
			assert.Equal(t, tt.wantBody, rec.Body.Len() > 0, "%q", rec.Body)
			assert.NotContains(t, logs.String(), "panic", "an abort is no crash")
			require.Len(t, srv.Journal(), 1)
		})
	}
}

// TestAbortIsNotLoggedAsACrash: over HTTP/2 the abort goes through the fake's recover and net/http
// without an error log.
func TestAbortIsNotLoggedAsACrash(t *testing.T) {
	t.Parallel()
	logs := &syncBuf{}
	srv, err := fake.New(fake.WithLogger(slog.New(slog.NewTextHandler(logs, nil))),
		fake.WithRules(faults.Rule{Outcome: &faults.Outcome{Fault: faults.FaultReset}}))
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	srvLog := &syncBuf{}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.EnableHTTP2 = true
	ts.Config.ErrorLog = slog.NewLogLogger(slog.NewTextHandler(srvLog, nil), slog.LevelError)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	resp, err := ts.Client().Post(ts.URL+"/?"+faultParams().Encode(), "", nil)
	if err == nil {
		resp.Body.Close()
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stream error", "HTTP/2: the stream was reset")
	assert.Empty(t, logs.String())
	assert.NotContains(t, srvLog.String(), "panic")
}

// logTB is a testing.TB whose log the test can read, to see what NewServer writes there.
type logTB struct {
	testing.TB
	deadline time.Time
	mu       sync.Mutex
	lines    []string
}

func (l *logTB) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logTB) logLines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}

func (l *logTB) log() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// deadlineTB is a logTB with a test deadline, as *testing.T has under go test -timeout.
type deadlineTB struct{ *logTB }

func (d deadlineTB) Deadline() (time.Time, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.deadline, !d.deadline.IsZero()
}

// TestHangLimit: a client without a timeout is released after the hang limit (or half the time left
// before the test's deadline) with a broken answer, and the journal and the test log say that it
// has no timeout.
func TestHangLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		tb    func(*logTB) testing.TB
		opts  []fake.Option
		dl    time.Duration // the test's deadline from the request on; 0: none
		limit time.Duration // at least
	}{
		{"WithHangLimit", func(l *logTB) testing.TB { return l }, []fake.Option{fake.WithHangLimit(50 * time.Millisecond)}, 0, 50 * time.Millisecond},
		{"test deadline", func(l *logTB) testing.TB { return deadlineTB{l} }, nil, 400 * time.Millisecond, 150 * time.Millisecond},
		{"test deadline and a shorter limit", func(l *logTB) testing.TB { return deadlineTB{l} }, []fake.Option{fake.WithHangLimit(20 * time.Millisecond)}, time.Minute, 20 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tb := &logTB{TB: t}
			opts := append([]fake.Option{fake.WithRules(faults.Rule{ID: "stuck", Outcome: &faults.Outcome{Fault: faults.FaultHang}})}, tt.opts...)
			srv := fake.NewServer(tt.tb(tb), opts...)
			start := time.Now()
			if tt.dl > 0 {
				tb.mu.Lock()
				tb.deadline = start.Add(tt.dl)
				tb.mu.Unlock()
			}
			r := send(srv, 0, faultParams()) // no client timeout at all
			took := time.Since(start)
			assert.Error(t, r.err, "a broken answer")
			assert.GreaterOrEqual(t, took, tt.limit)
			assert.Less(t, took, 5*time.Second, "released well before the default limit")

			j := waitJournal(srv, 1)
			require.Len(t, j, 1)
			assert.True(t, j[0].Aborted)
			assert.Equal(t, 0, j[0].Status)
			assert.Contains(t, j[0].Note, "the client held a hung request for ")
			assert.Contains(t, j[0].Note, " without timing out: it has no timeout")
			assert.Contains(t, tb.log(), `fake: request 1 (rule "stuck"): the client held a hung request for `)
			assert.Contains(t, tb.log(), "it has no timeout")
		})
	}
}

// TestHangEndsWithTheClient: a client that gives up or a Close ends the hang at once, with a
// journal note saying which; nothing is logged about a missing timeout.
func TestHangEndsWithTheClient(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"client timeout", "Close"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			tb := &logTB{TB: t}
			srv := fake.NewServer(tb, fake.WithRules(faults.Rule{ID: "stuck", Outcome: &faults.Outcome{Fault: faults.FaultHang}}))
			start := time.Now()
			if how == "Close" {
				done := make(chan rawResult, 1)
				go func() { done <- send(srv, 0, faultParams()) }()
				require.Eventually(t, func() bool { return len(srv.Journal()) == 1 }, 5*time.Second, time.Millisecond)
				srv.Close()
				assert.Error(t, (<-done).err)
			} else {
				assert.True(t, isTimeout(send(srv, 50*time.Millisecond, faultParams()).err))
			}
			assert.Less(t, time.Since(start), 5*time.Second)
			require.Eventually(t, func() bool { return srv.Journal()[0].Note != "" }, 5*time.Second, time.Millisecond)
			want := map[string]string{"client timeout": "the client gave up after ", "Close": "released by Close or Shutdown after "}[how]
			assert.Contains(t, srv.Journal()[0].Note, want)
			assert.NotContains(t, tb.log(), "no timeout")
		})
	}
}
