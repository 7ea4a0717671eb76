package signing

import (
	"bufio"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Test credentials; the captures in testdata were signed with testAKID/testSecret.
const (
	testAK     = "testAKID"
	testSecret = "testSecret"
	stsAK      = "STS.testAKID"
	stsSecret  = "stsSecret"
	stsToken   = "STS.tok/en+="
	bearerTok  = "bearer-abc"
	testHost   = "127.0.0.1:35709"
)

// Capture times of the testdata requests.
var (
	v1CaptureTime = time.Date(2026, 11, 25, 18, 11, 59, 0, time.UTC)
	v3CaptureTime = time.Date(2026, 11, 25, 18, 14, 11, 0, time.UTC)
	// testNow is the clock of the round-trip tests.
	testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

func testKeys(ak string) (string, bool) {
	switch ak {
	case testAK:
		return testSecret, true
	case stsAK:
		return stsSecret, true
	}
	return "", false
}

// newTestVerifier returns a verifier with the test keys, a clock fixed at now and its own nonce
// cache.
func newTestVerifier(now time.Time) *Verifier {
	return &Verifier{
		Lookup: testKeys,
		CheckSecurityToken: func(token string, _ time.Time) error {
			switch token {
			case stsToken:
				return nil
			case "STS.expired":
				return ErrSecurityTokenExpired
			}
			return os.ErrInvalid
		},
		CheckBearerToken: func(token string) (string, bool) {
			if token == bearerTok {
				return "bearer-user", true
			}
			return "", false
		},
		Now:    func() time.Time { return now },
		Nonces: NewNonceCache(0, 0),
	}
}

// readCapture parses a raw HTTP request from testdata.
func readCapture(t testing.TB, name string) (*http.Request, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(string(raw))))
	require.NoError(t, err)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	return req, body
}

// businessParams are the CreateInstance parameters of the captures.
func businessParams() url.Values {
	return url.Values{
		"ClientToken":       {"token-123"},
		"Parameter.1.Code":  {"Region"},
		"Parameter.1.Value": {"cn-hangzhou"},
		"Parameter.2.Code":  {"Name"},
		"Parameter.2.Value": {"a b*c~d/e+f=g&h中"},
		"Period":            {"12"},
		"ProductCode":       {"rds"},
		"SubscriptionType":  {"Subscription"},
	}
}

// v1Params returns the business parameters plus what the old SDK adds before signing.
func v1Params() url.Values {
	p := businessParams()
	p.Set("Action", "CreateInstance")
	p.Set("Version", "2017-12-14")
	p.Set("Format", "JSON")
	p.Set("RegionId", "cn-hangzhou")
	return p
}

// signedV1 returns a V1-signed POST request (parameters in the query) for cred at now.
func signedV1(cred Credentials, now time.Time, nonce string) Request {
	p := v1Params()
	SignV1(http.MethodPost, p, cred, now, nonce)
	return Request{
		Method: http.MethodPost, Host: testHost, Path: "/", Query: p,
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
	}
}

// newV3Request builds the request darabonba-openapi sends for CreateInstance, unsigned.
func newV3Request(t testing.TB, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+testHost+"/?"+businessParams().Encode(), strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Acs-Action", "CreateInstance")
	req.Header.Set("X-Acs-Version", "2017-12-14")
	req.Header.Set("X-Acs-Credentials-Provider", "static_ak")
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

// signedV3 returns a V3-signed request for cred at now, as a server would see it.
func signedV3(t testing.TB, body []byte, cred Credentials, now time.Time, nonce string) Request {
	t.Helper()
	req := newV3Request(t, body)
	require.NoError(t, SignV3(req, body, cred, now, nonce))
	return RequestFromHTTP(req, body)
}

// cloneRequest deep-copies r so a test case can tamper with it.
func cloneRequest(r Request) Request {
	c := r
	c.Query = cloneValues(r.Query)
	c.Form = cloneValues(r.Form)
	c.Header = r.Header.Clone()
	c.Body = append([]byte(nil), r.Body...)
	return c
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	c := make(url.Values, len(v))
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// requireKind asserts err is an *Error of kind k with parameter param (if param is not "-").
func requireKind(t testing.TB, err error, k Kind, param string) *Error {
	t.Helper()
	require.Error(t, err)
	var se *Error
	require.ErrorAs(t, err, &se)
	require.Equal(t, k, se.Kind, "error: %v", err)
	if param != "-" {
		require.Equal(t, param, se.Param, "error: %v", err)
	}
	return se
}
