package fake_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
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
		target  string
		body    string
		header  string
		status  int
		message string
	}{
		{name: "body", limits: fake.Limits{MaxBodyBytes: 100}, target: "/?Format=JSON", body: url.Values{"Logistics": {strings.Repeat("x", 200)}}.Encode(),
			status: 400, message: "The specified parameter body is not valid: the request body is over the fake's limit of 100 bytes (Limits.MaxBodyBytes)."},
		{name: "query", limits: fake.Limits{MaxQueryBytes: 64}, target: "/?" + valid().Encode(),
			status: 400, message: "The specified parameter query string is not valid: the query string is"},
		{name: "params", limits: fake.Limits{MaxParams: 10}, target: "/?" + many.Encode(),
			status: 400, message: "The specified parameter parameters is not valid: the request has 27 parameters, over the fake's limit of 10 (Limits.MaxParams)."},
		{name: "params in form and query", limits: fake.Limits{MaxParams: 5}, target: "/?Format=JSON&Action=CreateInstance&Version=2017-12-14", body: "A=1&B=2&C=3",
			status: 400, message: "the request has 6 parameters"},
		{name: "within every limit", limits: fake.Limits{MaxParams: 7, MaxQueryBytes: 4096, MaxBodyBytes: 4096}, target: "/?" + valid().Encode(), status: 200},
		{name: "header bytes: net/http answers 431", limits: fake.Limits{MaxHeaderBytes: 1024}, target: "/?" + valid().Encode(), header: strings.Repeat("y", 8<<10), status: 431},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithLimits(tc.limits))
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

// rawConn dials the server and returns the connection with a reader.
func rawConn(t *testing.T, srv *fake.Server) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", srv.Endpoint())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
	return c, bufio.NewReader(c)
}

// closedWithin waits for the server to close c (a read returns EOF or a reset) and returns how long
// that took.
func closedWithin(t *testing.T, br *bufio.Reader) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		_, err := br.ReadByte()
		if err != nil {
			var ne net.Error
			require.False(t, asNetTimeout(err, &ne), "the server did not close the connection: %v", err)
			return time.Since(start)
		}
	}
}

func asNetTimeout(err error, ne *net.Error) bool {
	e, ok := err.(net.Error)
	if ok {
		*ne = e
	}
	return ok && e.Timeout()
}

const rawRequest = "POST /?Action=CreateInstance&Version=2017-12-14&Format=JSON&ProductCode=rtc&SubscriptionType=PayAsYouGo&Parameter.1.Code=ServiceType&Parameter.1.Value=universal HTTP/1.1\r\nHost: x\r\n"

// TestTimeouts: a client too slow with its headers or body, or idle too long, loses its
// connection (or gets InvalidParameter naming the timeout for a slow body); a slow answer is cut at
// the write timeout.
func TestTimeouts(t *testing.T) {
	t.Parallel()
	t.Run("read header timeout", func(t *testing.T) {
		t.Parallel()
		srv := fake.NewServer(t, fake.WithLimits(fake.Limits{ReadHeaderTimeout: 100 * time.Millisecond}))
		c, br := rawConn(t, srv)
		_, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\n") // never finishes its headers
		require.NoError(t, err)
		assert.Less(t, closedWithin(t, br), 5*time.Second)
	})
	t.Run("idle timeout", func(t *testing.T) {
		t.Parallel()
		srv := fake.NewServer(t, fake.WithLimits(fake.Limits{IdleTimeout: 100 * time.Millisecond}))
		c, br := rawConn(t, srv)
		_, err := io.WriteString(c, rawRequest+"\r\n")
		require.NoError(t, err)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		assert.Less(t, closedWithin(t, br), 5*time.Second)
	})
	t.Run("read timeout: a body too slow is answered InvalidParameter", func(t *testing.T) {
		t.Parallel()
		srv := fake.NewServer(t, fake.WithLimits(fake.Limits{ReadTimeout: 200 * time.Millisecond}))
		c, br := rawConn(t, srv)
		_, err := io.WriteString(c, rawRequest+"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nA=1")
		require.NoError(t, err)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, 400, resp.StatusCode)
		assert.Contains(t, string(raw), `"Code":"InvalidParameter"`)
		assert.Contains(t, string(raw), "Limits.ReadTimeout")
		assert.Empty(t, srv.Orders())
	})
	t.Run("write timeout cuts a slow answer", func(t *testing.T) {
		t.Parallel()
		srv := fake.NewServer(t, fake.WithSpecCheck(nil), fake.WithLimits(fake.Limits{WriteTimeout: 300 * time.Millisecond}))
		_, err := srv.Inject(fake.Rule{Outcome: &fake.Outcome{Fault: fake.FaultSlowBody, ChunkBytes: 8, ChunkDelay: 100 * time.Millisecond}})
		require.NoError(t, err)
		start := time.Now()
		resp, err := http.Post(srv.URL()+"/?"+valid().Encode(), "", nil)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		require.Error(t, err, "the answer needs about 2s of chunks; the write timeout is 300ms")
		assert.Less(t, time.Since(start), 1500*time.Millisecond)
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
	require.Eventually(t, func() bool {
		a := call(t, srv, valid())
		return a.Status == 200
	}, 10*time.Second, 10*time.Millisecond, "no connection slot came free")
}

// TestHealthReportsRuntime: /__admin/health reports the goroutines and live heap a soak watches.
func TestHealthReportsRuntime(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t)
	status, body := adminReq(t, srv, http.MethodGet, "/__admin/health", nil, "")
	require.Equal(t, 200, status)
	var h map[string]any
	require.NoError(t, jsonUnmarshal(body, &h))
	assert.Greater(t, h["goroutines"], 1.0)
	assert.Greater(t, h["heapBytes"], 1024.0)
}
