package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeRefusesNonLoopbackWithoutToken: a non-loopback --addr without an admin token is refused
// before anything binds, and the message says what to do.
func TestServeRefusesNonLoopbackWithoutToken(t *testing.T) {
	t.Parallel()
	tests := []usageCase{
		{"all interfaces", []string{"serve", "--addr", "0.0.0.0:0"}, "--admin-token"},
		{"no host", []string{"serve", "--addr", ":0"}, "is not a loopback address"},
		{"a LAN address", []string{"serve", "--addr", "10.1.2.3:8080"}, "BSSKIT_ADMIN_TOKEN"},
		{"a host name", []string{"serve", "--addr", "fake.internal:8080"}, "--admin-token"},
		{"repair without a state file", []string{"serve", "--state-repair"}, "--state-repair needs --state"},
	}
	assertUsageErrors(t, tests)
}

func TestServeAdminTokenFromTheEnvironment(t *testing.T) {
	// Not parallel: it sets an environment variable.
	t.Setenv("BSSKIT_ADMIN_TOKEN", "env-admin-token")
	cfg, err := parseServeFlags([]string{"--addr", "0.0.0.0:0"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "env-admin-token", cfg.adminToken)
	cfg, err = parseServeFlags([]string{"--admin-token", "flag-token"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "flag-token", cfg.adminToken, "the flag wins")
}

func TestServeLimitFlags(t *testing.T) {
	t.Parallel()
	cfg, err := parseServeFlags([]string{"--max-body-bytes", "10", "--max-query-bytes", "20", "--max-header-bytes", "4096", "--max-params", "30",
		"--max-conns", "40", "--read-header-timeout", "1s", "--read-timeout", "2s", "--write-timeout", "3s", "--idle-timeout", "4s"}, io.Discard)
	require.NoError(t, err)
	l := cfg.limits
	assert.Equal(t, []int64{10, 20, 4096, 30, 40}, []int64{l.MaxBodyBytes, int64(l.MaxQueryBytes), int64(l.MaxHeaderBytes), int64(l.MaxParams), int64(l.MaxConns)})
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second}, []time.Duration{l.ReadHeaderTimeout, l.ReadTimeout, l.WriteTimeout, l.IdleTimeout})

	base, stop, _ := startServe(t, "--addr", "127.0.0.1:0", "--max-query-bytes", "50")
	resp, err := http.Post(base+"/?Format=JSON&ProductCode="+strings.Repeat("x", 60), "", nil)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode)
	assert.Contains(t, string(body), "Limits.MaxQueryBytes")
	assert.Equal(t, 0, stop())
}

// TestServeAdminToken: with --admin-token the admin API needs it, start-up says so, and the token
// appears in no log line (debug level) or answer.
func TestServeAdminToken(t *testing.T) {
	t.Parallel()
	const token = "T0ken-never-in-logs"
	base, stop, stderr := startServe(t, "--addr", "127.0.0.1:0", "--admin-token", token, "--log-level", "debug")
	get := func(hdr, val string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, base+"/__admin/requests", nil)
		if hdr != "" {
			req.Header.Set(hdr, val)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get("", "")
	assert.Equal(t, 401, status)
	assert.NotContains(t, body, token)
	status, _ = get("Authorization", "Bearer wrong-"+token)
	assert.Equal(t, 401, status)

	req, _ := http.NewRequest(http.MethodPost, base+"/?"+url.Values{"Action": {"CreateInstance"}, "Version": {"2017-12-14"}, "Format": {"JSON"},
		"ProductCode": {"rtc"}, "SubscriptionType": {"PayAsYouGo"}, "Parameter.1.Code": {"ServiceType"}, "Parameter.1.Value": {"universal"}}.Encode(), nil)
	req.Header.Set("X-Bsskit-Admin-Token", token)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)

	status, body = get("X-Bsskit-Admin-Token", token)
	require.Equal(t, 200, status)
	assert.NotContains(t, body, token, "the journal redacts the token")
	assert.Contains(t, body, "REDACTED")
	assert.Equal(t, 0, stop())
	assert.Contains(t, stderr.String(), "admin API requires the admin token")
	assert.NotContains(t, stderr.String(), token)
}
