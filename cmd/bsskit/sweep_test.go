package main

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildExample builds examples/NAME into a temporary directory and returns the binary.
func buildExample(t *testing.T, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	out, err := exec.Command("go", "build", "-o", bin, "../../examples/"+name).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

type sweepReport struct {
	Passed bool `json:"passed"`
	Cases  []struct {
		Name       string   `json:"name"`
		Result     string   `json:"result"`
		ExitStatus int      `json:"exitStatus"`
		Orders     int      `json:"orders"`
		Findings   []string `json:"findings"`
		Problems   []string `json:"problems"`
		Passed     bool     `json:"passed"`
	} `json:"cases"`
}

// TestSweepCarefulExample: bsskit sweep runs the careful example once per case, every case passes,
// and the JSON report lists each case with its exit status, orders and findings.
func TestSweepCarefulExample(t *testing.T) {
	t.Parallel()
	bin := buildExample(t, "careful")
	out := filepath.Join(t.TempDir(), "report.json")
	var stdout, stderr strings.Builder
	code := run(t.Context(), []string{"sweep", "--report", "json", "--out", out, "--hang-bound", "2s", "--", bin}, &stdout, &stderr)
	require.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	assert.Empty(t, stdout.String(), "the report went to --out")
	assert.Regexp(t, `bsskit sweep: \d+ cases in .*: \d+ passed, 0 failed`, stderr.String())
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	var rep sweepReport
	require.NoError(t, json.Unmarshal(raw, &rep))
	assert.True(t, rep.Passed)
	require.Greater(t, len(rep.Cases), 20)
	byName := map[string]int{}
	for i, c := range rep.Cases {
		byName[c.Name] = i
		assert.True(t, c.Passed, "%s: %v", c.Name, c.Problems)
		assert.Empty(t, c.Findings, c.Name)
		assert.Equal(t, c.Result == "success", c.ExitStatus == 0, c.Name)
	}
	clean := rep.Cases[byName["clean"]]
	assert.Equal(t, 1, clean.Orders)
	// The international site reaches the command (BSSKIT_INTL_ENDPOINT): it buys there once.
	site := rep.Cases[byName["site/international-account"]]
	assert.Equal(t, 0, site.ExitStatus)
	assert.Equal(t, 1, site.Orders)
	final := rep.Cases[byName["final/NotApplicable"]]
	assert.Equal(t, 1, final.ExitStatus)
	assert.Equal(t, 0, final.Orders)
}

// TestSweepNaiveExample: the naive example fails the sweep, caught by duplicate-order,
// retried-non-retryable and no-backoff, in every report format.
func TestSweepNaiveExample(t *testing.T) {
	t.Parallel()
	bin := buildExample(t, "naive")
	// Several throttled cases, so that no-backoff does not hang on one gap on a loaded machine.
	cases := "^(retryable/Throttling.User|outage/Throttling.User|final/NotApplicable|after-commit/reset|clean)$"
	var stdout, stderr strings.Builder
	code := run(t.Context(), []string{"sweep", "--cases", cases, "--", bin}, &stdout, &stderr)
	require.Equal(t, exitFail, code, "stderr: %s", stderr.String())
	text := stdout.String()
	for _, want := range []string{"duplicate-order", "retried-non-retryable", "no-backoff", "2 orders exist, want 1"} {
		assert.Contains(t, text, want)
	}
	assert.Regexp(t, `(?m)^clean\s+success, 1 order\(s\)\s+success\s+0\s+1\s+-\s+ok$`, text)

	stdout.Reset()
	code = run(t.Context(), []string{"sweep", "--cases", cases, "--report", "junit", "--", bin}, &stdout, &stderr)
	require.Equal(t, exitFail, code)
	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Text string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	}
	require.NoError(t, xml.Unmarshal([]byte(stdout.String()), &suite), stdout.String())
	assert.Equal(t, 5, suite.Tests)
	assert.Equal(t, 4, suite.Failures)
	for _, c := range suite.Cases {
		assert.Equal(t, c.Name != "clean", c.Failure != nil, c.Name)
	}
}

// TestSweepTimeoutAndOverride: a command past --timeout fails its case; --expect overrides a case.
func TestSweepTimeoutAndOverride(t *testing.T) {
	t.Parallel()
	var stdout, stderr strings.Builder
	code := run(t.Context(), []string{"sweep", "--cases", "^clean$", "--timeout", "200ms", "--report", "json", "--", "sleep", "5"}, &stdout, &stderr)
	require.Equal(t, exitFail, code)
	var rep sweepReport
	require.NoError(t, json.Unmarshal([]byte(stdout.String()), &rep))
	require.Len(t, rep.Cases, 1)
	assert.Equal(t, -1, rep.Cases[0].ExitStatus)
	assert.Equal(t, "failure", rep.Cases[0].Result)

	stdout.Reset()
	code = run(t.Context(), []string{"sweep", "--cases", "^clean$", "--expect", "clean=failure:0", "--", "false"}, &stdout, &stderr)
	assert.Equal(t, exitOK, code, stdout.String())
}

func TestSweepUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep"}, "no COMMAND"},
		{[]string{"sweep", "--report", "xml", "--", "true"}, `--report "xml"`},
		{[]string{"sweep", "--cases", "(", "--", "true"}, "sweep cases"},
		{[]string{"sweep", "--cases", "^none$", "--", "true"}, "select no case"},
		{[]string{"sweep", "--expect", "clean", "--", "true"}, "NAME=success|failure|either:ORDERS"},
		{[]string{"sweep", "--expect", "nope=success:1", "--", "true"}, `no case "nope"`},
		{[]string{"sweep", "--timeout", "0s", "--", "true"}, "--timeout"},
		{[]string{"sweep", "--", "/no/such/command"}, "cannot run /no/such/command"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var stdout, stderr strings.Builder
			assert.Equal(t, exitUsage, run(t.Context(), tt.args, &stdout, &stderr))
			assert.Contains(t, stderr.String(), tt.want)
		})
	}
}

// TestServePrintsVerdictsAtShutdown: a standalone fake judges its callers when it stops.
func TestServePrintsVerdictsAtShutdown(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	codeCh := make(chan int, 1)
	go func() {
		codeCh <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--max-retries", "3"}, pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	require.True(t, lines.Scan())
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(lines.Text())
	require.NotEmpty(t, url, lines.Text())
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		rest <- b.String()
	}()
	resp, err := http.Get(url + "/__admin/verdicts")
	require.NoError(t, err)
	var th struct {
		Thresholds struct {
			MaxRetries int `json:"maxRetries"`
		} `json:"thresholds"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&th))
	resp.Body.Close()
	assert.Equal(t, 3, th.Thresholds.MaxRetries, "--max-retries reaches the server")
	bad := url + "/?Action=CreateInstance&Version=2017-12-14&Format=JSON&ProductCode=nosuchproduct&SubscriptionType=PayAsYouGo"
	for range 2 {
		resp, err := http.Post(bad, "", nil)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 400, resp.StatusCode)
	}
	cancel()
	select {
	case code := <-codeCh:
		assert.Equal(t, exitOK, code)
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	out := <-rest
	assert.Contains(t, out, "verdicts: 1 finding(s)")
	assert.Contains(t, out, "retried-non-retryable (error) requests 1,2")
}
