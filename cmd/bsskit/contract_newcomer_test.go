package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
)

// closedPort returns the address of a loopback port nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// TestContractStopsInOneLine: rejected credentials and an endpoint that does not answer stop
// `bsskit contract` with one line on stderr naming the cause and what to check, exit status 2,
// nothing on stdout, and --out FILE left as it was (never a 0-byte report).
func TestContractStopsInOneLine(t *testing.T) {
	srv := fake.NewServer(t, fake.WithSeed(3), fake.WithCredentials("LTAIcliTestKey", "cli-test-secret"))
	for _, tc := range []struct {
		name, endpoint, secret string
		want                   []string
	}{
		{"wrong secret", srv.URL(), "rotated-secret", []string{"credentials rejected", "SignatureDoesNotMatch", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}},
		{"closed port", "http://" + closedPort(t), "cli-test-secret", []string{"does not answer", "connection refused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIcliTestKey")
			t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", tc.secret)
			for _, report := range []string{"text", "junit"} {
				code, out, errOut := runCLI(t, "contract", "--endpoint", tc.endpoint, "--report", report, "--seed", "3")
				assert.Equal(t, exitUsage, code, errOut)
				assert.Empty(t, out, "no report")
				assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
				assert.True(t, strings.HasPrefix(errOut, "bsskit contract: "), errOut)
				for _, w := range tc.want {
					assert.Contains(t, errOut, w)
				}
				assert.NotContains(t, errOut, "Signature=")
				assert.NotContains(t, errOut, "cli-test-secret")
			}

			dir := t.TempDir()
			file := filepath.Join(dir, "contract.xml")
			code, out, errOut := runCLI(t, "contract", "--endpoint", tc.endpoint, "--report", "junit", "--out", file)
			assert.Equal(t, exitUsage, code, errOut)
			assert.Empty(t, out)
			_, err := os.Stat(file)
			assert.True(t, errors.Is(err, os.ErrNotExist), "no report file: %v", err)

			require.NoError(t, os.WriteFile(file, []byte("<earlier report/>"), 0o644))
			code, _, _ = runCLI(t, "contract", "--endpoint", tc.endpoint, "--report", "junit", "--out", file)
			assert.Equal(t, exitUsage, code)
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			assert.Equal(t, "<earlier report/>", string(b), "the earlier report is left as it was")
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file left behind")
		})
	}
}

// TestContractOutWrittenWhole: a run that ends (exit 0 or 1) writes its report to --out, replacing
// an earlier one, and leaves no temporary file.
func TestContractOutWrittenWhole(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(5))
	dir := t.TempDir()
	file := filepath.Join(dir, "contract.xml")
	require.NoError(t, os.WriteFile(file, []byte("<earlier report/>"), 0o644))
	code, out, errOut := runCLI(t, "contract", "--endpoint", srv.URL(), "--seed", "5", "--generated", "1", "--report", "junit", "--out", file)
	require.Equal(t, exitOK, code, "%s\n%s", out, errOut)
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var doc struct {
		Tests int `xml:"tests,attr"`
	}
	require.NoError(t, xml.Unmarshal(b, &doc))
	assert.Positive(t, doc.Tests)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
	st, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
}

// TestContractEndpointHostPort: --endpoint host:port (what srv.Endpoint() and BSSKIT_ENDPOINT give)
// is http://host:port.
func TestContractEndpointHostPort(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(6))
	_, port, err := net.SplitHostPort(srv.Endpoint())
	require.NoError(t, err)
	for _, ep := range []string{srv.Endpoint(), "localhost:" + port} {
		t.Run(ep, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCLI(t, "contract", "--endpoint", ep, "--seed", "6", "--generated", "1")
			require.Equal(t, exitOK, code, "%s\n%s", out, errOut)
			assert.Contains(t, out, "bsskit contract: http://"+ep+" ")
			assert.Contains(t, out, "RESULT: conformant")
		})
	}
}

// TestContractReadmeBudget: the README's order budget against a non-loopback endpoint (a made-up
// host name that resolves to a documentation address, dialled to a loopback fake):
// `--max-orders 12 --product 'rtc?...'` passes, spends at most 12 orders and reports the cases
// beyond the budget as skipped in text and JUnit.
func TestContractReadmeBudget(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIcliTestKey")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "cli-test-secret")
	srv := fake.NewServer(t, fake.WithSeed(12), fake.WithCredentials("LTAIcliTestKey", "cli-test-secret"))
	dialer := &net.Dialer{}
	hooks := contractHooks{
		resolve: func(_ context.Context, host string) ([]netip.Addr, error) {
			if host == "staging.bsskit.test" {
				return []netip.Addr{netip.MustParseAddr("203.0.113.7")}, nil
			}
			return nil, errors.New("unknown host")
		},
		dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, srv.Endpoint())
		},
	}
	args := []string{"contract", "--endpoint", "http://staging.bsskit.test:8080", "--seed", "12",
		"--max-orders", "12", "--product", "rtc?SubscriptionType=PayAsYouGo&Parameter.1.Code=ServiceType&Parameter.1.Value=universal"}
	var out, errOut bytes.Buffer
	code := runContractWith(context.Background(), args[1:], &out, &errOut, hooks)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	assert.Contains(t, out.String(), "staging.bsskit.test resolves to 203.0.113.7, which is not loopback")
	assert.Contains(t, out.String(), "an explicit order budget: at most 12")
	assert.Contains(t, out.String(), "== skipped (order budget): ")
	assert.Contains(t, out.String(), "RESULT: conformant")
	assert.LessOrEqual(t, len(srv.Orders()), 12)
	assert.NotEmpty(t, srv.Orders())

	file := filepath.Join(t.TempDir(), "contract.xml")
	out.Reset()
	errOut.Reset()
	srv2 := fake.NewServer(t, fake.WithSeed(12), fake.WithCredentials("LTAIcliTestKey", "cli-test-secret"))
	hooks.dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, srv2.Endpoint())
	}
	code = runContractWith(context.Background(), append(args[1:], "--report", "junit", "--out", file), &out, &errOut, hooks)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	assert.Regexp(t, `conformant: \d+ passed, 0 failed, \d+ not applicable, [1-9]\d* skipped, 0 not run`, out.String())
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var doc struct {
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	require.NoError(t, xml.Unmarshal(b, &doc))
	assert.Zero(t, doc.Failures)
	assert.Positive(t, doc.Skipped)
	assert.LessOrEqual(t, len(srv2.Orders()), 12)
}
