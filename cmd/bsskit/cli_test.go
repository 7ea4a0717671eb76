package main

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bsskit/bsskit/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An unknown flag: the error once, the synopsis and where the flags are; not the whole flag list.
func TestUnknownFlagPrintsTheErrorOnceAndAShortUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cmd      string
		synopsis string
	}{
		{"serve", serveSynopsis},
		{"contract", contractSynopsis},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tt.cmd, "--nope")
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout)
			want := fmt.Sprintf("bsskit %s: flag provided but not defined: -nope\n%s\nRun 'bsskit %s -h' for every flag.\n", tt.cmd, tt.synopsis, tt.cmd)
			assert.Equal(t, want, stderr)
		})
	}
}

// -h: help on standard output, synopsis first, then every flag; exit 0.
func TestHelpStartsWithASynopsis(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		synopsis string
		flag     string
	}{
		{[]string{"serve", "-h"}, serveSynopsis, "-addr string"},
		{[]string{"serve", "--help"}, serveSynopsis, "-state string"},
		{[]string{"contract", "-h"}, contractSynopsis, "-endpoint string"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tt.args...)
			assert.Equal(t, exitOK, code)
			assert.Empty(t, stderr)
			assert.True(t, strings.HasPrefix(stdout, tt.synopsis+"\n"), "help starts with the synopsis:\n%s", stdout)
			assert.Contains(t, stdout, "\nflags:\n")
			assert.Contains(t, stdout, tt.flag)
		})
	}
}

// Error lines name the command once: no "bsskit contract: contract: usage: ...".
func TestErrorsHaveNoStutteringPrefix(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, "contract", "--endpoint", "ftp://127.0.0.1:1")
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "bsskit contract: target URL \"ftp://127.0.0.1:1\": the scheme must be http or https\n", stderr)

	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("%w: MaxOrders -1 is negative", contract.ErrUsage), "MaxOrders -1 is negative"},
		{fmt.Errorf("contract: probe: %w", errors.New("refused")), "probe: refused"},
		{errors.New("fake: listen on x: boom"), "listen on x: boom"},
		{errors.New("--seed \"x\": not an unsigned integer"), "--seed \"x\": not an unsigned integer"},
	} {
		assert.Equal(t, tt.want, cliMessage(tt.err))
	}
}

// A port in use says so and suggests --addr 127.0.0.1:0.
func TestServePortInUseSuggestsAFreePort(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	code, _, stderr := runCLI(t, "serve", "--addr", l.Addr().String())
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr, "bsskit serve: "+l.Addr().String()+" is already in use")
	assert.Contains(t, stderr, "--addr 127.0.0.1:0")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %s", stderr)
}

// A server listening on every interface prints a URL a client on this host can open.
func TestReachableURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		listen, want string
		note         bool
	}{
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", false},
		{"http://0.0.0.0:8080", "http://127.0.0.1:8080", true},
		{"http://[::]:9000", "http://[::1]:9000", true},
		{"http://10.1.2.3:8080", "http://10.1.2.3:8080", false},
		{"http://fake.internal:8080", "http://fake.internal:8080", false},
		{"not a url", "not a url", false},
	}
	for _, tt := range tests {
		t.Run(tt.listen, func(t *testing.T) {
			t.Parallel()
			got, note := reachableURL(tt.listen)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.note, note != "", note)
			if tt.note {
				assert.Contains(t, note, "every interface")
			}
		})
	}
}

// With --addr 127.0.0.1:0 the start-up log shows the port that was picked, not ":0".
func TestServeStartupLogShowsTheRealPort(t *testing.T) {
	t.Parallel()
	url, stop, stderr := startServe(t, "--addr", "127.0.0.1:0")
	assert.Equal(t, 0, stop())
	port := url[strings.LastIndex(url, ":")+1:]
	logs := stderr.String()
	assert.Regexp(t, regexp.MustCompile(`addr=127\.0\.0\.1:`+port+`\b`), logs)
	assert.NotRegexp(t, regexp.MustCompile(`127\.0\.0\.1:0\b`), logs, "the configured :0 is not the address")
}

// --state in a directory that does not exist: a usage error that says so, before anything starts.
func TestServeStateInAMissingDirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "no", "such")
	code, stdout, stderr := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--state", filepath.Join(dir, "orders.jsonl"))
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout, "nothing started")
	assert.Contains(t, stderr, "directory "+dir+" does not exist")
	assert.Contains(t, stderr, "mkdir -p "+dir)
}
