package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/mutants"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestContractAgainstServe: `bsskit contract --endpoint` alone against `bsskit serve` runs every
// case (orders included, products from the fake's catalogue) and exits 0.
func TestContractAgainstServe(t *testing.T) {
	url, _, _ := startServe(t, "--addr", "127.0.0.1:0", "--seed", "1")
	code, out, errOut := runCLI(t, "contract", "--endpoint", url, "--seed", "1")
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "RESULT: conformant")
	assert.Contains(t, out, "0 failed")
	assert.NotContains(t, out, "== coverage by error code ==", "a passing run's coverage is one line")
	assert.Contains(t, out, "catalogued error codes provoked")
	assert.Contains(t, out, "== ledger: ")
	assert.Contains(t, out, "placed order(s) not listed; --verbose")
	assert.Contains(t, out, "products: rtc, sas, ddos")

	code, out, _ = runCLI(t, "contract", "--endpoint", url, "--seed", "1", "--verbose")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "== coverage by error code ==")
	assert.Contains(t, out, "- placed OrderId ")
	assert.NotContains(t, out, "not listed")

	dir := t.TempDir()
	file := filepath.Join(dir, "contract.xml")
	code, out, errOut = runCLI(t, "contract", "--endpoint", url, "--seed", "2", "--signature", "v3", "--report", "junit", "--out", file)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "conformant")
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	require.NoError(t, xml.Unmarshal(b, &doc))
	assert.Positive(t, doc.Tests)
	assert.Zero(t, doc.Failures)

	code, out, _ = runCLI(t, "contract", "--endpoint", url, "--seed", "3", "--report", "json", "--generated", "0", "--run", "^missing/")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, `"name": "missing/ProductCode"`)
}

// TestContractAgainstServeVerifying: with credentials in the environment and a verifying fake, the
// authentication cases run and pass.
func TestContractAgainstServeVerifying(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIcliTestKey")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "cli-test-secret-never-printed")
	url, _, _ := startServe(t, "--addr", "127.0.0.1:0")
	code, out, errOut := runCLI(t, "contract", "--endpoint", url, "--generated", "3")
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "verifiesSignatures=true")
	// Every case runs but the one the default catalogue has no product for (a commodity channel).
	assert.Contains(t, out, "== not applicable: 1 case(s) ==\n- business/commodity-invalid-component: ")
	assert.NotContains(t, out+errOut, "cli-test-secret-never-printed")
}

// TestContractAgainstMutants: the CLI fails every mutant (exit 1) and its report names the check
// the deviation breaks.
func TestContractAgainstMutants(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", mutants.AccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", mutants.AccessKeySecret)
	for _, m := range mutants.All() {
		t.Run(m.Name, func(t *testing.T) {
			m := m
			m.Credentials = true // the CLI signs with the environment's key
			ts, _, err := mutants.Start(m, fake.WithSeed(1))
			require.NoError(t, err)
			defer ts.Close()
			code, out, errOut := runCLI(t, "contract", "--endpoint", ts.URL, "--seed", "1", "--generated", "5")
			require.Equal(t, exitFail, code, "mutant %s (%s) passed:\n%s\n%s", m.Name, m.Deviation, out, errOut)
			assert.Contains(t, out, "RESULT: NOT conformant")
			assert.Contains(t, out, "== "+string(m.Expect)+":", "the report names the deviation's check")
			assert.NotContains(t, out, mutants.AccessKeySecret)
		})
	}
}

// TestContractCompare: --compare reports drift and exits 1; the same fake twice exits 0.
func TestContractCompare(t *testing.T) {
	t.Parallel()
	a := fake.NewServer(t, fake.WithSeed(1))
	b := fake.NewServer(t, fake.WithSeed(2))
	code, out, errOut := runCLI(t, "contract", "--endpoint", a.URL(), "--compare", b.URL(), "--seed", "4", "--generated", "3")
	require.Equal(t, exitOK, code, "%s\n%s", out, errOut)
	assert.Contains(t, out, "RESULT: 0 difference(s)")

	m, ok := mutants.ByName("missing-parameter-404")
	require.True(t, ok, "no mutant %q", "missing-parameter-404")
	ts, _, err := mutants.Start(m, fake.WithSeed(1))
	require.NoError(t, err)
	defer ts.Close()
	code, out, _ = runCLI(t, "contract", "--endpoint", a.URL(), "--compare", ts.URL, "--seed", "4", "--generated", "3")
	assert.Equal(t, exitFail, code)
	assert.Contains(t, out, "missing/ProductCode [exchange 0] status:")
}

// TestContractUsage: usage errors exit 2 and send nothing.
func TestContractUsage(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIcliTestKey")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "cli-test-secret")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no endpoint", nil, "--endpoint is required"},
		{"bad report", []string{"--endpoint", "http://127.0.0.1:1", "--report", "html"}, "--report"},
		{"bad signature", []string{"--endpoint", "http://127.0.0.1:1", "--signature", "v2"}, "--signature"},
		{"bad seed", []string{"--endpoint", "http://127.0.0.1:1", "--seed", "x"}, "--seed"},
		{"bad product", []string{"--endpoint", "http://127.0.0.1:1", "--product", "?Period=1"}, "no product code"},
		{"stray argument", []string{"--endpoint", "http://127.0.0.1:1", "extra"}, "unexpected arguments"},
		{"bad scheme", []string{"--endpoint", "ftp://127.0.0.1:1"}, "scheme"},
		{"negative budget", []string{"--endpoint", "http://127.0.0.1:1", "--max-orders", "-1"}, "must not be negative"},
		{"budget not a number", []string{"--endpoint", "http://127.0.0.1:1", "--max-orders", "2x"}, "not an integer"},
		{"orders without product", []string{"--endpoint", "http://203.0.113.1:9", "--max-orders", "2"}, "products"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{"contract"}, tc.args...)...)
			assert.Equal(t, exitUsage, code, errOut)
			assert.Contains(t, errOut, tc.want)
		})
	}
	t.Run("remote without credentials", func(t *testing.T) {
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
		code, _, errOut := runCLI(t, "contract", "--endpoint", "http://203.0.113.1:9")
		assert.Equal(t, exitUsage, code)
		assert.True(t, strings.Contains(errOut, "ALIBABA_CLOUD_ACCESS_KEY_ID"), errOut)
	})
	code, _, _ := runCLI(t, "contract", "-h")
	assert.Equal(t, exitOK, code)
}

// TestContractOrderBudget: --max-orders is the one order setting: unset, a fake gets orders without
// a limit; 0 sends none; N skips the cases that could place order N+1 (skipped, not failed).
func TestContractOrderBudget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		args      []string
		code      int
		maxOrders int // -1: no limit to check
		want      string
	}{
		{"unset", nil, exitOK, -1, "orders are allowed"},
		{"zero", []string{"--max-orders", "0"}, exitOK, 0, "the order budget is 0"},
		{"two", []string{"--max-orders", "2"}, exitOK, 2, "== skipped (order budget): "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithSeed(5))
			args := append([]string{"contract", "--endpoint", srv.URL(), "--seed", "5", "--generated", "2"}, tc.args...)
			code, out, errOut := runCLI(t, args...)
			require.Equal(t, tc.code, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Contains(t, out, tc.want)
			switch {
			case tc.maxOrders < 0:
				assert.NotEmpty(t, srv.Orders())
			default:
				assert.LessOrEqual(t, len(srv.Orders()), tc.maxOrders)
			}
			if tc.maxOrders == 0 {
				assert.Empty(t, srv.Orders())
			}
		})
	}
}

// TestContractAllowWrites: --allow-writes decides whether the negative cases of the writes other
// than the lifecycle's are sent: by default to a fake (loopback), with --allow-writes=false to none.
func TestContractAllowWrites(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    []string
		allowed bool
		reason  string
	}{
		{"default", nil, true, "the endpoint is loopback"},
		{"allowed", []string{"--allow-writes"}, true, "explicitly"},
		{"refused", []string{"--allow-writes=false"}, false, "--allow-writes=false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithSeed(5))
			args := append([]string{"contract", "--endpoint", srv.URL(), "--report", "json", "--run", "^operation/TagResources/"}, tc.args...)
			code, out, errOut := runCLI(t, args...)
			require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			var rep contract.Report
			require.NoError(t, json.Unmarshal([]byte(out), &rep))
			assert.Equal(t, tc.allowed, rep.WritesAllowed)
			assert.Contains(t, rep.WritesReason, tc.reason)
			require.NotEmpty(t, rep.Cases)
			for _, c := range rep.Cases {
				if !tc.allowed {
					assert.Equal(t, contract.StatusNotApplicable, c.Status, c.Name)
					assert.Contains(t, c.Reason, "writes are not allowed")
				}
			}
		})
	}
}
