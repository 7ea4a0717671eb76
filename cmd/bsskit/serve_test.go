package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is an io.Writer safe for the server's goroutines and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `bsskit serve args...` in process and returns its base URL, a stop function that
// returns the exit code, and its stderr.
func startServe(t *testing.T, args ...string) (url string, stop func() int, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr = &syncBuffer{}
	codeCh := make(chan int, 1)
	go func() {
		codeCh <- run(ctx, append([]string{"serve"}, args...), pw, stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err, "stderr: %s", stderr.String())
	m := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	require.NotEmpty(t, m, "start-up line %q has no base URL", line)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	var once sync.Once
	code := -1
	stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-codeCh:
			case <-time.After(15 * time.Second):
				t.Error("serve did not stop")
			}
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return m, stop, stderr
}

func TestServe(t *testing.T) {
	t.Parallel()
	url, stop, stderr := startServe(t, "--addr", "127.0.0.1:0", "--seed", "5", "--catalog", "../../testdata/catalogs/example.yaml", "--log-level", "debug", "--log-format", "json")
	// The README's curl example.
	resp, err := http.Post(url+"/?Action=CreateInstance&Version=2017-12-14&Format=JSON&ProductCode=rtc&SubscriptionType=PayAsYouGo&Parameter.1.Code=ServiceType&Parameter.1.Value=universal&ClientToken=readme-1", "", nil)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode, string(body))
	assert.Contains(t, string(body), `"Success":true`)
	resp, err = http.Get(url + "/__admin/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, 0, stop())
	assert.Contains(t, stderr.String(), `"msg":"request"`, "debug logs one JSON line per request")
	assert.Contains(t, stderr.String(), `"msg":"stopped"`)
}

func TestServeStartLineSaysWhetherSignaturesAreVerified(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "127.0.0.1:0"}, "signature verification off"},
		{[]string{"--addr", "127.0.0.1:0", "--access-key-id", "ak", "--access-key-secret", "S3cr3t-value"}, "signature verification on"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			pr, pw := io.Pipe()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int, 1)
			go func() { done <- run(ctx, append([]string{"serve"}, tt.args...), pw, io.Discard); pw.Close() }()
			line, err := bufio.NewReader(pr).ReadString('\n')
			require.NoError(t, err)
			assert.Contains(t, line, tt.want)
			assert.NotContains(t, line, "S3cr3t-value", "the secret is never printed")
			go func() { _, _ = io.Copy(io.Discard, pr) }()
			cancel()
			assert.Equal(t, 0, <-done)
		})
	}
}

func TestServeUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []usageCase{
		{"unknown flag", []string{"serve", "--nope"}, "flag provided but not defined"},
		{"key without secret", []string{"serve", "--access-key-id", "ak"}, "go together"},
		{"bad seed", []string{"serve", "--seed", "abc"}, "--seed"},
		{"bad log format", []string{"serve", "--log-format", "xml"}, "--log-format"},
		{"bad catalogue", []string{"serve", "--catalog", "does-not-exist.yaml"}, "does-not-exist.yaml"},
		{"stray argument", []string{"serve", "extra"}, "unexpected arguments"},
		{"unknown command", []string{"fly"}, "unknown command"},
	}
	assertUsageErrors(t, tests)
}

func TestServeReadsCredentialsFromTheEnvironment(t *testing.T) {
	// Not parallel: it sets environment variables.
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-ak")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
	cfg, err := parseServeFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "env-ak", cfg.accessKeyID)
	assert.Equal(t, "env-secret", cfg.secret)
}

// bsskit serve --scenario: the rules of the file answer the first calls; a bad file is a usage error
// naming its line.
func TestServeScenario(t *testing.T) {
	t.Parallel()
	url, stop, _ := startServe(t, "--addr", "127.0.0.1:0", "--scenario", "../../testdata/scenarios/retry-storm.yaml")
	q := "/?Action=CreateInstance&Version=2017-12-14&Format=JSON&ProductCode=rtc&SubscriptionType=PayAsYouGo"
	var codes []int
	for range 6 {
		resp, err := http.Post(url+q, "", nil)
		require.NoError(t, err)
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	assert.Equal(t, []int{503, 503, 503, 503, 503}, codes[:5], "the outage rule answers the first five calls")
	resp, err := http.Get(url + "/__admin/faults")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), `"outage"`)
	assert.Contains(t, string(body), "20261125", "the scenario's seed is the server's")
	assert.Equal(t, 0, stop())

	bad := t.TempDir() + "/bad.yaml"
	require.NoError(t, os.WriteFile(bad, []byte("rules:\n  - id: x\n    outcome: {error: NoSuchCode}\n"), 0o600))
	var stderr syncBuffer
	code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--scenario", bad}, io.Discard, &stderr)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), "line 3")
	assert.Contains(t, stderr.String(), "NoSuchCode")
}

// usageCase is a command line that must exit with a usage error mentioning want.
type usageCase struct {
	name string
	args []string
	want string
}

func assertUsageErrors(t *testing.T, tests []usageCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stderr syncBuffer
			code := run(context.Background(), tt.args, io.Discard, &stderr)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr.String(), tt.want)
		})
	}
}
