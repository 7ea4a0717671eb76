package fake_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/sdkcall"
	"github.com/bsskit/bsskit/spec"
)

// capture sits in front of a fake and keeps the last raw request, so a test can replay it byte for
// byte.
type capture struct {
	srv  *fake.Server
	mu   sync.Mutex
	last *http.Request
	body []byte
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.last, c.body = r.Clone(context.Background()), body
	c.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	c.srv.Handler().ServeHTTP(w, r)
}

// replay sends the captured request again, unchanged.
func (c *capture) replay(t *testing.T, base string) *http.Response {
	t.Helper()
	c.mu.Lock()
	last, body := c.last, c.body
	c.mu.Unlock()
	r, err := http.NewRequest(last.Method, base+last.URL.RequestURI(), bytes.NewReader(body))
	require.NoError(t, err)
	r.Header = last.Header.Clone()
	r.Host = last.Host
	resp, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	return resp
}

func signedServer(t *testing.T, opts ...fake.Option) (*fake.Server, *capture, string) {
	t.Helper()
	srv := fake.NewServer(t, append([]fake.Option{fake.WithCredentials("testAKID", "testSecret")}, opts...)...)
	c := &capture{srv: srv}
	front := httptest.NewServer(c)
	t.Cleanup(front.Close)
	return srv, c, strings.TrimPrefix(front.URL, "http://")
}

func wantErr(t *testing.T, c sdkcall.Client, out sdkcall.Outcome, code spec.Code) {
	t.Helper()
	require.False(t, out.OK, "%+v", out)
	kind := sdkcall.SDKError
	if c == sdkcall.ACS {
		kind = sdkcall.ServerError
	}
	assert.Equal(t, kind, out.ErrKind, "%+v", out)
	assert.Equal(t, string(code), out.ErrCode)
	assert.Equal(t, spec.MustLookup(code).HTTPStatus, out.ErrStatus)
}

// TestSignatureVerification: every SDK shape (old SDK V1, darabonba V3 and V1) succeeds with the
// right key and meets the real gateway's error with a wrong secret, an unknown key, an old
// timestamp and a replayed request.
func TestSignatureVerification(t *testing.T) {
	t.Parallel()
	for _, c := range sdkcall.Clients() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			t.Run("right key", func(t *testing.T) {
				t.Parallel()
				srv, _, ep := signedServer(t)
				out := sdkcall.Call(ctx, c, ep, testCreds, rtcRequest())
				require.True(t, out.OK, "%+v", out)
				assert.Len(t, srv.Orders(), 1)
				assert.Equal(t, "testAKID", srv.Orders()[0].AccessKeyID)
			})
			t.Run("wrong secret", func(t *testing.T) {
				t.Parallel()
				srv, _, ep := signedServer(t)
				out := sdkcall.Call(ctx, c, ep, sdkcall.Credentials{AccessKeyID: "testAKID", AccessKeySecret: "wrong"}, rtcRequest())
				wantErr(t, c, out, spec.CodeSignatureDoesNotMatch)
				assert.Contains(t, out.ErrMessage, "Specified signature is not matched with our calculation. server string to sign is:")
				if c == sdkcall.ACS {
					// The old SDK compares our StringToSign with its own: equal means a wrong secret.
					assert.Equal(t, "InvalidAccessKeySecret: Please check you AccessKeySecret", out.ErrRecommend)
				}
				assert.Empty(t, srv.Orders())
			})
			t.Run("unknown key", func(t *testing.T) {
				t.Parallel()
				_, _, ep := signedServer(t)
				out := sdkcall.Call(ctx, c, ep, sdkcall.Credentials{AccessKeyID: "nobody", AccessKeySecret: "testSecret"}, rtcRequest())
				wantErr(t, c, out, spec.CodeInvalidAccessKeyIdNotFound)
				assert.Contains(t, out.ErrMessage, "Specified access key is not found.")
			})
			t.Run("old timestamp", func(t *testing.T) {
				t.Parallel()
				clock := fake.NewManualClock(time.Now().Add(16 * time.Minute))
				_, _, ep := signedServer(t, fake.WithClock(clock))
				out := sdkcall.Call(ctx, c, ep, testCreds, rtcRequest())
				wantErr(t, c, out, spec.CodeInvalidTimeStampExpired)
				clock.Set(time.Now().Add(14 * time.Minute))
				assert.True(t, sdkcall.Call(ctx, c, ep, testCreds, rtcRequest()).OK, "14 minutes is within the window")
			})
			t.Run("replayed request", func(t *testing.T) {
				t.Parallel()
				srv, cp, ep := signedServer(t)
				require.True(t, sdkcall.Call(ctx, c, ep, testCreds, rtcRequest()).OK)
				resp := cp.replay(t, "http://"+ep)
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				assert.Equal(t, 400, resp.StatusCode)
				assert.Contains(t, string(body), `"Code":"SignatureNonceUsed"`)
				assert.Contains(t, string(body), "Specified signature nonce was used already.")
				assert.Len(t, srv.Orders(), 1, "the replay placed no order")
			})
		})
	}
}

func TestSecurityTokens(t *testing.T) {
	t.Parallel()
	now := time.Now()
	acct := fake.Account{
		ID:         "1000000000000077",
		AccessKeys: []fake.AccessKey{{ID: "STS.tmpAK", Secret: "tmpSecret"}},
		SecurityTokens: []fake.SecurityToken{
			{Token: "good-token", Expires: now.Add(time.Hour)},
			{Token: "old-token", Expires: now.Add(-time.Minute)},
		},
	}
	tests := []struct {
		token string
		code  spec.Code
	}{
		{"good-token", ""},
		{"old-token", spec.CodeInvalidSecurityTokenExpired},
		{"forged-token", spec.CodeInvalidSecurityTokenMalFormed},
	}
	for _, c := range sdkcall.Clients() {
		for _, tt := range tests {
			t.Run(string(c)+"/"+tt.token, func(t *testing.T) {
				t.Parallel()
				srv := fake.NewServer(t, fake.WithAccounts(acct))
				out := sdkcall.Call(context.Background(), c, srv.Endpoint(), sdkcall.Credentials{AccessKeyID: "STS.tmpAK", AccessKeySecret: "tmpSecret", SecurityToken: tt.token}, rtcRequest())
				if tt.code == "" {
					require.True(t, out.OK, "%+v", out)
					assert.Equal(t, "1000000000000077", srv.Orders()[0].AccountID)
					assert.NotContains(t, srv.Journal()[0].Query+strings.Join(srv.Journal()[0].Header.Values("X-Acs-Security-Token"), ""), tt.token)
					return
				}
				wantErr(t, c, out, tt.code)
			})
		}
	}
}

func TestBearerTokens(t *testing.T) {
	t.Parallel()
	acct := fake.Account{ID: "1000000000000088", BearerTokens: []string{"bearer-ok"}}
	for _, c := range sdkcall.Clients() {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithAccounts(acct))
			require.True(t, srv.VerifiesSignatures())
			out := sdkcall.Call(context.Background(), c, srv.Endpoint(), sdkcall.Credentials{BearerToken: "bearer-ok"}, rtcRequest())
			require.True(t, out.OK, "%+v", out)
			assert.Equal(t, "1000000000000088", srv.Orders()[0].AccountID)
			bad := sdkcall.Call(context.Background(), c, srv.Endpoint(), sdkcall.Credentials{BearerToken: "bearer-forged"}, rtcRequest())
			wantErr(t, c, bad, spec.CodeInvalidBearerToken)
		})
	}
}

func TestUnsignedRequestWhenVerifying(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithCredentials("ak", "sk"))
	a := call(t, srv, valid())
	assert.Equal(t, 400, a.Status)
	assert.Equal(t, "MissingAccessKeyId", a.Body["Code"])
	a = call(t, srv, with(valid(), "AccessKeyId", "ak", "Signature", "bm90LWEtc2lnbmF0dXJl", "SignatureMethod", "HMAC-SHA1", "SignatureVersion", "1.0", "SignatureNonce", "n1"))
	assert.Equal(t, "MissingParameter", a.Body["Code"])
	assert.Equal(t, "The specified parameter Timestamp is mandatory for this request.", a.Body["Message"])
	a = call(t, srv, with(valid(), "AccessKeyId", "ak", "Signature", "x", "SignatureMethod", "HMAC-MD5", "SignatureVersion", "1.0", "SignatureNonce", "n1", "Timestamp", time.Now().UTC().Format("2006-01-02T15:04:05Z")))
	assert.Equal(t, "IncompleteSignature", a.Body["Code"])
	assert.Empty(t, srv.Orders())
	for _, e := range srv.Journal() {
		assert.NotContains(t, e.Query, "bm90LWEtc2lnbmF0dXJl", "signatures are redacted")
	}
}
