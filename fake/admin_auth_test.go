package fake_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/internal/redact"
)

// TestNonLoopbackNeedsAdminToken: Start refuses a non-loopback address without an admin token,
// before binding; with one it serves (bound to 0.0.0.0, spoken to on 127.0.0.1 only).
func TestNonLoopbackNeedsAdminToken(t *testing.T) {
	t.Parallel()
	srv, err := fake.New(fake.WithAddr("0.0.0.0:0"))
	require.NoError(t, err)
	require.ErrorIs(t, srv.Start(), fake.ErrAdminTokenRequired)
	srv.Close()

	l, err := net.Listen("tcp", "0.0.0.0:0")
	require.NoError(t, err)
	srv, err = fake.New()
	require.NoError(t, err)
	require.ErrorIs(t, srv.Serve(l), fake.ErrAdminTokenRequired, "Serve checks the listener's address too")
	srv.Close()

	srv, err = fake.New(fake.WithAddr("0.0.0.0:0"), fake.WithAdminToken("tok-0123456789"))
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(srv.Endpoint())
	require.NoError(t, err)
	base := "http://127.0.0.1:" + port
	resp, err := http.Get(base + "/__admin/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	req, _ := http.NewRequest(http.MethodGet, base+"/__admin/health", nil)
	req.Header.Set("Authorization", "Bearer tok-0123456789")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func adminReq(t *testing.T, srv *fake.Server, method, path string, hdr map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), "admin answers are JSON")
	return resp.StatusCode, string(raw)
}

func TestAdminToken(t *testing.T) {
	t.Parallel()
	const token = "s3cret-admin-token-xyz"
	srv := fake.NewServer(t, fake.WithAdminToken(token))
	tests := []struct {
		name   string
		hdr    map[string]string
		status int
	}{
		{"no token", nil, 401},
		{"wrong token", map[string]string{"Authorization": "Bearer nope"}, 401},
		{"a prefix of the token", map[string]string{fake.AdminTokenHeader: token[:5]}, 401},
		{"basic auth is not the token", map[string]string{"Authorization": "Basic " + token}, 401},
		{"bearer", map[string]string{"Authorization": "Bearer " + token}, 200},
		{"bearer, any case", map[string]string{"Authorization": "bearer " + token}, 200},
		{"token header", map[string]string{fake.AdminTokenHeader: token}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/__admin/health", "/__admin/requests", "/__admin/orders", "/__admin/faults"} {
				t.Run(path, func(t *testing.T) {
					status, body := adminReq(t, srv, http.MethodGet, path, tc.hdr, "")
					assert.Equal(t, tc.status, status, "%s: %s", path, body)
					assert.NotContains(t, body, token)
				})
			}
			status, body := adminReq(t, srv, http.MethodPost, "/__admin/reset", tc.hdr, "")
			assert.Equal(t, tc.status, status, body)
		})
	}
	// The CreateInstance API itself needs no admin token.
	assert.Equal(t, 200, call(t, srv, valid()).Status)
}

// TestAdminCrossSite: state changes a browser marks as cross-site (Sec-Fetch-Site, a foreign or
// null Origin) are refused and change nothing; tools that send neither header pass whatever their
// content type (curl -d sends a form content type, --data-binary too), and so do same-origin pages.
func TestAdminCrossSite(t *testing.T) {
	t.Parallel()
	const (
		ruleJSON = `{"id":"down","calls":{"first":2},"outcome":{"error":"ServiceUnavailable"}}`
		ruleYAML = "id: down\ncalls: {first: 2}\noutcome: {error: ServiceUnavailable}\n"
		curlForm = "application/x-www-form-urlencoded" // what curl -d and --data-binary send
	)
	scenario, err := os.ReadFile("../testdata/scenarios/server-5xx.yaml")
	require.NoError(t, err)
	tests := []struct {
		name      string
		method    string
		path      string
		hdr       map[string]string // "Origin: self" stands for the server's own origin
		body      string
		status    int
		wantRules int // rules after the call (the server starts with one, "seeded")
	}{
		{"curl -d JSON (form content type)", "POST", "/__admin/faults", map[string]string{"Content-Type": curlForm}, ruleJSON, 201, 2},
		{"curl --data-binary YAML (form content type)", "POST", "/__admin/faults", map[string]string{"Content-Type": curlForm}, ruleYAML, 201, 2},
		{"curl --data-binary a scenario file", "POST", "/__admin/faults", map[string]string{"Content-Type": curlForm}, string(scenario), 201, -1},
		{"curl JSON content type", "POST", "/__admin/faults", map[string]string{"Content-Type": "application/json"}, ruleJSON, 201, 2},
		{"curl YAML content type", "POST", "/__admin/faults", map[string]string{"Content-Type": "application/yaml"}, ruleYAML, 201, 2},
		{"curl text/plain", "POST", "/__admin/faults", map[string]string{"Content-Type": "text/plain"}, ruleYAML, 201, 2},
		{"curl DELETE, no headers", "DELETE", "/__admin/faults/seeded", nil, "", 200, 0},
		{"curl reset, no headers", "POST", "/__admin/faults/reset", nil, "", 200, 0},
		{"same-origin fetch", "POST", "/__admin/faults", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "self", "Content-Type": "application/json"}, ruleJSON, 201, 2},
		{"typed in the address bar", "POST", "/__admin/faults/reset", map[string]string{"Sec-Fetch-Site": "none"}, "", 200, 0},
		{"browser form post from another origin", "POST", "/__admin/faults", map[string]string{"Content-Type": curlForm, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, ruleJSON, 403, 1},
		{"form post from another origin, older browser (Origin only)", "POST", "/__admin/faults/reset", map[string]string{"Content-Type": curlForm, "Origin": "http://evil.example"}, "", 403, 1},
		{"cross-site fetch without Origin", "DELETE", "/__admin/faults/seeded", map[string]string{"Sec-Fetch-Site": "cross-site"}, "", 403, 1},
		{"same-site fetch (another port)", "POST", "/__admin/faults/reset", map[string]string{"Sec-Fetch-Site": "same-site"}, "", 403, 1},
		{"null Origin (sandboxed page)", "POST", "/__admin/faults", map[string]string{"Origin": "null", "Content-Type": "text/plain"}, ruleYAML, 403, 1},
		{"same-origin header but foreign Origin", "POST", "/__admin/faults/reset", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:1"}, "", 403, 1},
		{"cross-site read is harmless (no CORS headers)", "GET", "/__admin/health", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}, "", 200, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t)
			_, err := srv.Faults().Add(faults.Rule{ID: "seeded", Outcome: &faults.Outcome{Fault: faults.FaultEmpty}})
			require.NoError(t, err)
			hdr := map[string]string{}
			for k, v := range tc.hdr {
				if v == "self" {
					v = srv.URL()
				}
				hdr[k] = v
			}
			status, body := adminReq(t, srv, tc.method, tc.path, hdr, tc.body)
			require.Equal(t, tc.status, status, body)
			if tc.status == 403 {
				var got map[string]any
				require.NoError(t, json.Unmarshal([]byte(body), &got), body)
				assert.Contains(t, got["error"], "cross-site request refused")
			}
			if tc.wantRules >= 0 {
				assert.Len(t, rulesOf(t, srv), tc.wantRules)
			} else {
				assert.Greater(t, len(rulesOf(t, srv)), 1, "the scenario's rules were added")
			}
		})
	}
}

// syncBuf is a log destination safe for the server's goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNoSecretLeaks: the admin token and access key secrets never reach the logs (debug level),
// the journal or any answer, whichever header they are sent in.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	const token, secret = "tok-SHOULD-NOT-LEAK-1", "sk-SHOULD-NOT-LEAK-2"
	logs := &syncBuf{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := fake.NewServer(t, fake.WithSpecCheck(nil), fake.WithLogger(log), fake.WithAdminToken(token))
	var answers strings.Builder
	send := func(method, path string, hdr map[string]string, body string) {
		req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
		require.NoError(t, err)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answers.Write(raw)
		for k, vs := range resp.Header {
			answers.WriteString(k + strings.Join(vs, ","))
		}
	}
	q := "/?" + with(valid(), "AccessKeySecret", secret, "SecurityToken", token).Encode()
	send("POST", q, map[string]string{fake.AdminTokenHeader: token, "Authorization": "Bearer " + token, "X-Acs-Security-Token": secret}, "")
	send("POST", "/?Format=JSON", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "AccessKeySecret="+secret+"&Signature="+token)
	send("GET", "/__admin/health", map[string]string{"Authorization": "Bearer " + token + "x"}, "") // wrong token
	send("GET", "/__admin/health", map[string]string{fake.AdminTokenHeader: secret}, "")
	send("GET", "/__admin/requests", map[string]string{fake.AdminTokenHeader: token}, "")
	send("POST", "/__admin/faults", map[string]string{fake.AdminTokenHeader: token, "Origin": "http://evil.example"}, "")

	journal, err := json.Marshal(srv.Journal())
	require.NoError(t, err)
	require.Len(t, srv.Journal(), 2)
	for where, text := range map[string]string{"logs": logs.String(), "journal": string(journal), "answers": answers.String()} {
		assert.NotContains(t, text, token, where)
		assert.NotContains(t, text, secret, where)
	}
	assert.Contains(t, string(journal), redact.Marker)
	assert.True(t, strings.Contains(logs.String(), `"msg":"request"`), "debug logging is on")
}
