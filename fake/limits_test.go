package fake_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
)

// TestSizeLimits: each size limit is answered InvalidParameter in the real shape, naming the limit;
// the header limit is net/http's own 431.
func TestSizeLimits(t *testing.T) {
	t.Parallel()
	many := valid()
	for i := 0; i < 20; i++ {
		many.Set(fmt.Sprintf("Extra%d", i), "x")
	}
	tests := []struct {
		name    string
		limits  fake.Limits
		opts    []fake.Option // after WithLimits
		target  string
		body    string
		header  string
		status  int
		message string
	}{
		{name: "body", limits: fake.Limits{MaxBodyBytes: 100}, target: "/?Format=JSON", body: url.Values{"Logistics": {"{" + strings.Repeat("x", 200) + "}"}}.Encode(),
			status: 400, message: "The specified parameter body is not valid: the request body is over the fake's limit of 100 bytes (Limits.MaxBodyBytes)."},
		{name: "body: a later WithLimits wins", limits: fake.Limits{MaxBodyBytes: 1000}, opts: []fake.Option{fake.WithLimits(fake.Limits{MaxBodyBytes: 99})},
			target: "/?Format=JSON", body: url.Values{"Logistics": {"{" + strings.Repeat("x", 200) + "}"}}.Encode(),
			status: 400, message: "over the fake's limit of 99 bytes (Limits.MaxBodyBytes)."},
		{name: "body: negative turns the limit off", limits: fake.Limits{MaxBodyBytes: -1}, target: "/?" + valid().Encode(),
			body: "Pad=" + strings.Repeat("x", 2<<20), status: 200},
		{name: "query", limits: fake.Limits{MaxQueryBytes: 64}, target: "/?" + valid().Encode(),
			status: 400, message: "The specified parameter query string is not valid: the query string is"},
		{name: "params", limits: fake.Limits{MaxParams: 10}, target: "/?" + many.Encode(),
			status: 400, message: "The specified parameter parameters is not valid: the request has 27 parameters, over the fake's limit of 10 (Limits.MaxParams)."},
		{name: "params in form and query", limits: fake.Limits{MaxParams: 5}, target: "/?Format=JSON&Action=CreateInstance&Version=2017-12-14", body: "A=1&B=2&C=3",
			status: 400, message: "the request has 6 parameters"},
		{name: "within every limit", limits: fake.Limits{MaxParams: 7, MaxQueryBytes: 4096, MaxBodyBytes: 4096}, target: "/?" + valid().Encode(), status: 200},
		{name: "header bytes: net/http answers 431", limits: fake.Limits{MaxHeaderBytes: 1024}, target: "/?" + valid().Encode(), header: strings.Repeat("y", 8<<10), status: 431},
		{name: "header bytes: the same header within the default limit", target: "/?" + valid().Encode(), header: strings.Repeat("y", 8<<10), status: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, append([]fake.Option{fake.WithLimits(tc.limits)}, tc.opts...)...)
			req, err := http.NewRequest(http.MethodPost, srv.URL()+tc.target, strings.NewReader(tc.body))
			require.NoError(t, err)
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if tc.header != "" {
				req.Header.Set("X-Big", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			require.Equal(t, tc.status, resp.StatusCode, "%s", raw)
			if tc.status == 431 {
				assert.Equal(t, "431 Request Header Fields Too Large", string(raw))
				assert.Zero(t, srv.RequestCount(), "net/http answers before the fake sees the request")
			}
			if tc.status != 400 {
				return
			}
			var body map[string]string
			require.NoError(t, jsonUnmarshal(string(raw), &body), "%s", raw)
			assert.Equal(t, "InvalidParameter", body["Code"])
			assert.Contains(t, body["Message"], tc.message)
			assert.NotEmpty(t, body["RequestId"])
			assert.Equal(t, "business.aliyuncs.com", body["HostId"])
			assert.Empty(t, srv.Orders())
		})
	}
}

// rawConn dials the server and returns the connection with a reader. The connection's deadline
// bounds a test whose server never closes it.
func rawConn(t *testing.T, srv *fake.Server) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", srv.Endpoint())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(5*time.Second)))
	return c, bufio.NewReader(c)
}

// closedAfter waits for the server to close c (a read returns EOF or a reset, not the test's own
// deadline) and returns how long after since that happened.
func closedAfter(t *testing.T, br *bufio.Reader, since time.Time) time.Duration {
	t.Helper()
	for {
		_, err := br.ReadByte()
		if err != nil {
			var ne net.Error
			require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server did not close the connection: %v", err)
			return time.Since(since)
		}
	}
}

// readAnswer reads one HTTP answer from br and returns its status and body.
func readAnswer(t *testing.T, br *bufio.Reader) (int, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode, string(raw)
}

const rawRequest = "POST /?Action=CreateInstance&Version=2017-12-14&Format=JSON&ProductCode=rtc&SubscriptionType=PayAsYouGo&Parameter.1.Code=ServiceType&Parameter.1.Value=universal HTTP/1.1\r\nHost: x\r\n"

// TestTimeouts: each timeout is enforced on the wire, no sooner than its limit and long before the
// defaults would act: a client trickling its headers (slowloris) loses its connection at
// ReadHeaderTimeout, a slow body is answered InvalidParameter at ReadTimeout, an idle keep-alive
// connection is closed at IdleTimeout (and kept until then), and a slow answer is cut at
// WriteTimeout. The lower bounds catch a timeout applied to the wrong field or not at all (the
// defaults are 10s and more, past the connection's 5s deadline).
func TestTimeouts(t *testing.T) {
	t.Parallel()
	const limit = 300 * time.Millisecond
	t.Run("read header timeout cuts a slowloris", func(t *testing.T) {
		t.Parallel()
		srv := fake.NewServer(t, fake.WithLimits(fake.Limits{ReadHeaderTimeout: limit}))
		start := time.Now()
		c, br := rawConn(t, srv)
		_, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\n")
		require.NoError(t, err)
		// Keep the headers trickling, a byte at a time, so that only a deadline on the whole
		// header (not an inactivity timer) can end the connection.
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if _, err := io.WriteString(c, "X"); err != nil {
						return
					}
				}
			}
		}()
		took := closedAfter(t, br, start)
		assert.GreaterOrEqual(t, took, limit, "closed before ReadHeaderTimeout")
		assert.Less(t, took, 3*time.Second)
	})
	t.Run("read timeout: a body too slow is answered InvalidParameter", func(t *testing.T) {
		t.Parallel()
		srv := fake.NewServer(t, fake.WithLimits(fake.Limits{ReadTimeout: limit}))
		start := time.Now()
		c, br := rawConn(t, srv)
		_, err := io.WriteString(c, rawRequest+"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nA=1")
		require.NoError(t, err)
		status, raw := readAnswer(t, br)
		took := time.Since(start)
		assert.Equal(t, 400, status)
		var body map[string]string
		require.NoError(t, jsonUnmarshal(raw, &body), "%s", raw)
		assert.Equal(t, "InvalidParameter", body["Code"])
		assert.Equal(t, "The specified parameter body is not valid: the request body did not arrive within the fake's read timeout of 300ms (Limits.ReadTimeout).", body["Message"])
		assert.Equal(t, "business.aliyuncs.com", body["HostId"])
		assert.GreaterOrEqual(t, took, limit, "answered before ReadTimeout")
		assert.Less(t, took, 3*time.Second)
		assert.Empty(t, srv.Orders())
	})
	t.Run("idle timeout closes a keep-alive connection, not sooner", func(t *testing.T) {
		t.Parallel()
		srv := fake.NewServer(t, fake.WithLimits(fake.Limits{IdleTimeout: limit}))
		c, br := rawConn(t, srv)
		var answered time.Time
		for i := range 2 { // the second request on the same connection: kept alive between answers
			_, err := io.WriteString(c, rawRequest+"\r\n")
			require.NoError(t, err)
			status, raw := readAnswer(t, br)
			require.Equal(t, 200, status, "request %d: %s", i+1, raw)
			answered = time.Now()
		}
		took := closedAfter(t, br, answered)
		// The server starts the idle timer just before the client has read the answer.
		assert.GreaterOrEqual(t, took, limit-50*time.Millisecond, "closed before IdleTimeout")
		assert.Less(t, took, 3*time.Second)
		assert.Len(t, srv.Orders(), 2)
	})
	t.Run("write timeout cuts a slow answer", func(t *testing.T) {
		t.Parallel()
		srv := fake.NewServer(t, fake.WithSpecCheck(nil), fake.WithLimits(fake.Limits{WriteTimeout: limit}))
		_, err := srv.Faults().Add(faults.Rule{Outcome: &faults.Outcome{Fault: faults.FaultSlowBody, ChunkBytes: 8, ChunkDelay: 100 * time.Millisecond}})
		require.NoError(t, err)
		start := time.Now()
		resp, err := http.Post(srv.URL()+"/?"+valid().Encode(), "", nil)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		took := time.Since(start)
		require.Error(t, err, "the answer needs about 2s of chunks; the write timeout is 300ms")
		assert.GreaterOrEqual(t, took, limit, "cut before WriteTimeout")
		assert.Less(t, took, 1500*time.Millisecond)
	})
}

// TestConnLimit: past MaxConns a connection is answered ServiceUnavailable in the real shape and
// closed; once a connection closes, a new one is served.
func TestConnLimit(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithLimits(fake.Limits{MaxConns: 2}))
	held := make([]net.Conn, 2)
	for i := range held {
		c, br := rawConn(t, srv)
		_, err := io.WriteString(c, rawRequest+"\r\n") // keep-alive: the connection stays open
		require.NoError(t, err)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		held[i] = c
	}
	c, br := rawConn(t, srv)
	_, err := io.WriteString(c, rawRequest+"\r\n")
	require.NoError(t, err)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 503, resp.StatusCode)
	var body map[string]string
	require.NoError(t, jsonUnmarshal(string(raw), &body), "%s", raw)
	assert.Equal(t, "ServiceUnavailable", body["Code"])
	assert.Contains(t, body["Message"], "Limits.MaxConns")
	assert.NotEmpty(t, resp.Header.Get("X-Acs-Request-Id"))

	held[0].Close()
	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		resp, err := http.Post(srv.URL()+"/?"+valid().Encode(), "", nil)
		if !assert.NoError(c, err) {
			return
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		assert.Equal(c, 200, resp.StatusCode)
	}, 10*time.Second, 10*time.Millisecond, "no connection slot came free")
}

// health reads the goroutines and heapBytes numbers of /__admin/health.
func health(t *testing.T, srv *fake.Server) (goroutines, heapBytes float64) {
	t.Helper()
	status, body := adminReq(t, srv, http.MethodGet, "/__admin/health", nil, "")
	require.Equal(t, 200, status, body)
	var h map[string]any
	require.NoError(t, jsonUnmarshal(body, &h))
	g, ok := h["goroutines"].(float64)
	require.True(t, ok, "goroutines: %s", body)
	b, ok := h["heapBytes"].(float64)
	require.True(t, ok, "heapBytes: %s", body)
	return g, b
}

// TestHealthReportsRuntime: /__admin/health reports the process's goroutines and live heap, the
// numbers a soak watches for leaks: they agree with the runtime, rise with held connections and
// live memory, and come back down when those are released. Not parallel: the numbers are the
// whole process's, and parallel tests pause while a sequential test runs.
func TestHealthReportsRuntime(t *testing.T) {
	srv := fake.NewServer(t)

	t.Run("goroutines follow the connections held", func(t *testing.T) {
		before, _ := health(t, srv)
		assert.InDelta(t, float64(runtime.NumGoroutine()), before, 10, "health and runtime.NumGoroutine disagree")
		const n = 40
		conns := make([]net.Conn, n)
		for i := range conns {
			c, br := rawConn(t, srv)
			_, err := io.WriteString(c, "GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n") // keep-alive
			require.NoError(t, err)
			status, _ := readAnswer(t, br)
			require.Equal(t, 200, status)
			conns[i] = c
		}
		held, _ := health(t, srv)
		// One server goroutine per held connection. The slack covers "before" counting the
		// background reader net/http runs while it handles a request (the health request itself)
		// and goroutines that earlier tests left ending meanwhile.
		assert.GreaterOrEqual(t, held, before+n-8, "one server goroutine per held connection")
		for _, c := range conns {
			c.Close()
		}
		assert.EventuallyWithT(t, func(c *assert.CollectT) {
			resp, err := http.Get(srv.URL() + "/__admin/health")
			if !assert.NoError(c, err) {
				return
			}
			defer resp.Body.Close()
			var h map[string]any
			if !assert.Equal(c, 200, resp.StatusCode) || !assert.NoError(c, json.NewDecoder(resp.Body).Decode(&h)) {
				return
			}
			assert.Less(c, h["goroutines"], before+n/2, "the connections' goroutines are gone")
		}, 5*time.Second, 10*time.Millisecond)
	})

	t.Run("heapBytes follows live memory", func(t *testing.T) {
		const size = 64 << 20
		runtime.GC()
		_, before := health(t, srv)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(sample)
		assert.InDelta(t, float64(sample[0].Value.Uint64()), before, 16<<20, "health and runtime/metrics disagree")
		live := make([]byte, size)
		_, held := health(t, srv)
		assert.GreaterOrEqual(t, held, before+size/2, "64 MiB more live heap")
		runtime.KeepAlive(live)
		live = nil
		runtime.GC()
		_, after := health(t, srv)
		assert.Less(t, after, held-size/2, "the 64 MiB were freed")
	})
}
