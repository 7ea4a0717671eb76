package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/mutants"
)

// TestPreflightCredentials: the run first checks its credentials with one signed read; credentials
// the endpoint rejects stop the run before any case, with ErrCredentials and one line that names
// the code and what to check. The secret is never in it. A run of chosen cases (WithRun) sends
// only their requests.
func TestPreflightCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		cred      contract.Credentials
		sig       contract.SignatureVersion
		code      string
		check     string
		wantUsage bool
	}{
		{"wrong secret v1", contract.Credentials{AccessKeyID: testKeyID, AccessKeySecret: "wrong-" + testSecret}, contract.V1, "SignatureDoesNotMatch", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", false},
		{"wrong secret v3", contract.Credentials{AccessKeyID: testKeyID, AccessKeySecret: "wrong-" + testSecret}, contract.V3, "SignatureDoesNotMatch", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", false},
		{"unknown key", contract.Credentials{AccessKeyID: "LTAIrotatedAway", AccessKeySecret: testSecret}, contract.V1, "InvalidAccessKeyId.NotFound", "ALIBABA_CLOUD_ACCESS_KEY_ID", false},
		{"no credentials, assumed verifying", contract.Credentials{}, contract.V1, "InvalidAccessKeyId.NotFound", "ALIBABA_CLOUD_ACCESS_KEY_ID", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithSeed(3), fake.WithCredentials(testKeyID, testSecret))
			rep, err := contract.Check(context.Background(), contract.Target{URL: srv.URL(), Credentials: tc.cred, Signature: tc.sig},
				contract.WithSeed(3), contract.WithVerification(contract.VerifyNo)) // VerifyNo: the preflight does not depend on the admin API
			require.Error(t, err)
			assert.Nil(t, rep, "no case ran")
			if tc.wantUsage {
				assert.ErrorIs(t, err, contract.ErrUsage, "no credentials at all is the caller's mistake")
			} else {
				assert.ErrorIs(t, err, contract.ErrCredentials)
			}
			msg := err.Error()
			assert.NotContains(t, msg, "\n", "one line")
			assert.Contains(t, msg, tc.code)
			assert.Contains(t, msg, tc.check)
			assert.NotContains(t, msg, testSecret)
			assert.Equal(t, uint64(1), srv.RequestCount(), "one signed read, then nothing")
		})
	}

	t.Run("chosen cases only", func(t *testing.T) {
		t.Parallel()
		srv := fake.NewServer(t, fake.WithSeed(3), fake.WithCredentials(testKeyID, testSecret))
		rep, err := contract.Check(context.Background(), contract.Target{URL: srv.URL(), Credentials: creds},
			contract.WithSeed(3), contract.WithGenerated(0), contract.WithRun(regexp.MustCompile(`^missing/ProductCode$`)))
		require.NoError(t, err)
		assert.True(t, rep.OK(), "%v", rep.Findings())
		assert.Equal(t, uint64(1), srv.RequestCount(), "the case's one request, no preflight")
	})
}

// TestPreflightUnreachable: a closed port, a socket that does not speak HTTP and an HTTP server that
// hangs up are one ErrUnreachable error of one line, not a failure per case.
func TestPreflightUnreachable(t *testing.T) {
	t.Parallel()
	closed := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		return "http://" + addr
	}
	garbage := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				_, _ = c.Write([]byte("-ERR unknown command, this is not HTTP\r\n"))
				c.Close()
			}
		}()
		return "http://" + l.Addr().String()
	}
	for _, tc := range []struct {
		name string
		url  func(t *testing.T) string
		want string
	}{
		{"closed port", closed, "connection refused"},
		{"not HTTP", garbage, "HTTP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := tc.url(t)
			rep, err := contract.Check(context.Background(), contract.Target{URL: url}, contract.WithSeed(1))
			require.Error(t, err)
			assert.Nil(t, rep)
			assert.ErrorIs(t, err, contract.ErrUnreachable)
			msg := err.Error()
			assert.NotContains(t, msg, "\n", "one line")
			assert.Contains(t, msg, tc.want)
			assert.Contains(t, msg, url, "names the endpoint")
			assert.NotContains(t, msg, "Signature=", "not the signed URL")
		})
	}
}

// TestEndpointHostPort: a target URL given as host:port, as fake.Server.Endpoint and the SDKs'
// endpoint settings write it, is http://host:port.
func TestEndpointHostPort(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(2))
	rep, err := contract.Check(context.Background(), contract.Target{URL: srv.Endpoint()},
		contract.WithSeed(2), contract.WithGenerated(0), contract.WithRun(regexp.MustCompile(`^missing/ProductCode$`)))
	require.NoError(t, err)
	assert.Equal(t, "http://"+srv.Endpoint(), rep.Endpoint)
	assert.True(t, rep.OK(), "%v", rep.Findings())
}

// noAdminMutant is the fake without its admin API, as the real service: /__admin/ answers 404.
func noAdminMutant() mutants.Mutant {
	return mutants.Mutant{Name: "no-admin", Credentials: true, Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/__admin/") {
				http.NotFound(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}}
}

// TestVerificationAssumed: against an endpoint without an admin API the report says that "the
// endpoint verifies signatures" is an assumption, and how to say otherwise; against a fake that
// says so in /__admin/health it is not.
func TestVerificationAssumed(t *testing.T) {
	t.Parallel()
	noAdmin := noAdminMutant()
	ts, _, err := mutants.Start(noAdmin, fake.WithSeed(4))
	require.NoError(t, err)
	defer ts.Close()
	rep, err := contract.Check(context.Background(), noAdmin.Target(ts.URL), contract.WithSeed(4), contract.WithGenerated(0),
		contract.WithRun(regexp.MustCompile(`^auth/bad-signature$`)))
	require.NoError(t, err)
	assert.True(t, rep.Verifies)
	assert.Contains(t, rep.VerifiesReason, "assumption")
	assert.Contains(t, rep.VerifiesReason, "--verify-signatures")
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Regexp(t, `(?m)^  signatures: an assumption: `, text.String())

	srv := fake.NewServer(t, fake.WithSeed(4))
	rep, err = contract.Check(context.Background(), contract.Target{URL: srv.URL()}, contract.WithSeed(4), contract.WithGenerated(0),
		contract.WithRun(regexp.MustCompile(`^auth/bad-signature$`)))
	require.NoError(t, err)
	assert.NotContains(t, rep.VerifiesReason, "assumption", "a fake's /__admin/health says")
}

// TestTransportErrorsRedacted: a transport error (the connection closed before an answer) is
// reported without the signed URL's Signature and SignatureNonce, in text and JUnit.
func TestTransportErrorsRedacted(t *testing.T) {
	t.Parallel()
	hangUp := mutants.Mutant{Name: "hang-up", Credentials: true, Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("ProductCode") == "" {
				next.ServeHTTP(w, r)
				return
			}
			c, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				c.Close()
			}
		})
	}}
	ts, _, err := mutants.Start(hangUp, fake.WithSeed(7))
	require.NoError(t, err)
	defer ts.Close()
	target := hangUp.Target(ts.URL)
	rep, err := contract.Check(context.Background(), target, contract.WithSeed(7), contract.WithGenerated(0),
		contract.WithRun(regexp.MustCompile(`^missing/SubscriptionType$`)))
	require.NoError(t, err)
	c, ok := rep.Case("missing/SubscriptionType")
	require.True(t, ok)
	require.Equal(t, contract.StatusFail, c.Status)
	require.NotEmpty(t, c.Exchanges)
	ex := c.Exchanges[0]
	require.NotEmpty(t, ex.Err, "the connection was closed: a transport error")
	nonce := regexp.MustCompile(`SignatureNonce=([^&]+)`).FindStringSubmatch(ex.Request.URL)
	require.Len(t, nonce, 2, ex.Request.URL)

	var text, junit bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	require.NoError(t, rep.WriteJUnit(&junit))
	var doc struct {
		Suites []struct {
			Cases []struct {
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(junit.Bytes(), &doc))
	var failures strings.Builder
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil {
				failures.WriteString(c.Failure.Message + "\n" + c.Failure.Text + "\n")
			}
		}
	}
	for name, out := range map[string]string{"text": text.String(), "junit": failures.String()} {
		var errLines []string
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "transport") || strings.Contains(line, "< error:") || strings.Contains(line, "EOF") {
				errLines = append(errLines, line)
			}
		}
		require.NotEmpty(t, errLines, "%s: the transport error is reported", name)
		for _, line := range errLines {
			assert.NotContains(t, line, nonce[1], "%s: %s", name, line)
			assert.NotRegexp(t, `Signature=[^R&]`, line, "%s: %s", name, line)
		}
	}
	var js bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js))
	var back contract.Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	got, _ := back.Case("missing/SubscriptionType")
	assert.NotContains(t, got.Exchanges[0].Err, nonce[1])
}
