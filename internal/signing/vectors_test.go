package signing

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // V1 is HMAC-SHA1.
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Reference §1.3: the query the old SDK sent, signed with testSecret.
const v1CapturedQuery = "AccessKeyId=testAKID&Action=CreateInstance&ClientToken=token-123&Format=JSON&Parameter.1.Code=Region&Parameter.1.Value=cn-hangzhou&Parameter.2.Code=Name&Parameter.2.Value=a+b%2Ac~d%2Fe%2Bf%3Dg%26h%E4%B8%AD&Period=12&ProductCode=rds&RegionId=cn-hangzhou&Signature=rHF7My%2BHsydJQ5bA30L0XaBaS38%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=f75ccf2f7983133b4a6cad2ff659fd4f&SignatureType=&SignatureVersion=1.0&SubscriptionType=Subscription&Timestamp=2026-11-25T18%3A11%3A59Z&Version=2017-12-14"

// Reference §2: the worked StringToSign and signature.
const (
	v1WorkedStringToSign = "POST&%2F&AccessKeyId%3DtestAKID%26Action%3DCreateInstance%26ClientToken%3Dtoken-123%26Format%3DJSON%26Parameter.1.Code%3DRegion%26Parameter.1.Value%3Dcn-hangzhou%26Parameter.2.Code%3DName%26Parameter.2.Value%3Da%2520b%252Ac~d%252Fe%252Bf%253Dg%2526h%25E4%25B8%25AD%26Period%3D12%26ProductCode%3Drds%26RegionId%3Dcn-hangzhou%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Df75ccf2f7983133b4a6cad2ff659fd4f%26SignatureType%3D%26SignatureVersion%3D1.0%26SubscriptionType%3DSubscription%26Timestamp%3D2026-11-25T18%253A11%253A59Z%26Version%3D2017-12-14"
	v1WorkedSignature    = "rHF7My+HsydJQ5bA30L0XaBaS38="
	v3CapturedSignature  = "8c794e187b39ef92ce496cefd462bab5b3518a28d85ddc7a0a86b4a1db33c8e0"
	emptySHA256          = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

func TestPercentEncode(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"AZaz09-_.~", "AZaz09-_.~"},
		{"a b", "a%20b"},
		{"*", "%2A"},
		{"+/=&", "%2B%2F%3D%26"},
		{"%", "%25"},
		{"中", "%E4%B8%AD"},
		{"\x00\xff", "%00%FF"},
		{"2026-11-25T18:11:59Z", "2026-11-25T18%3A11%3A59Z"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, PercentEncode(tt.in))
			assert.Equal(t, tt.want, string(appendPercentEncode(nil, tt.in)))
		})
	}
}

// TestPercentEncodeMatchesSDK checks the SDK's recipe (QueryEscape, then + -> %20, * -> %2A,
// %7E -> ~) on every single byte and on random strings.
func TestPercentEncodeMatchesSDK(t *testing.T) {
	t.Parallel()
	sdk := func(s string) string {
		return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
	}
	for c := range 256 {
		s := string([]byte{byte(c)})
		require.Equal(t, sdk(s), PercentEncode(s), "byte %#x", c)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		require.Equal(t, sdk(string(b)), PercentEncode(string(b)))
	}
}

func TestV1WorkedExample(t *testing.T) {
	t.Parallel()
	params, err := url.ParseQuery(v1CapturedQuery)
	require.NoError(t, err)

	sts := V1StringToSign(http.MethodPost, params)
	require.Equal(t, v1WorkedStringToSign, sts)
	require.Equal(t, v1WorkedSignature, V1Signature(sts, testSecret))
	require.Equal(t, params.Get("Signature"), V1Signature(sts, testSecret))
}

// TestV1CaptureVerifies verifies the raw captured request end to end.
func TestV1CaptureVerifies(t *testing.T) {
	t.Parallel()
	req, body := readCapture(t, "acs_v1_ak.http")
	v := newTestVerifier(v1CaptureTime)

	id, err := v.Verify(RequestFromHTTP(req, body))
	require.NoError(t, err)
	assert.Equal(t, Identity{
		Scheme: SchemeV1, AccessKeyID: testAK, Principal: testAK,
		Nonce: "f75ccf2f7983133b4a6cad2ff659fd4f", Time: v1CaptureTime,
	}, id)

	_, err = v.Verify(RequestFromHTTP(req, body))
	requireKind(t, err, KindSignatureNonceUsed, "SignatureNonce")
}

// TestV3CapturedSignature rebuilds the captured V3 request of reference §4.1.
func TestV3CapturedSignature(t *testing.T) {
	t.Parallel()
	query, err := url.ParseQuery("ClientToken=token-123&Parameter.1.Code=Region&Parameter.1.Value=cn-hangzhou&Parameter.2.Code=Name&Parameter.2.Value=a+b%2Ac~d%2Fe%2Bf%3Dg%26h%E4%B8%AD&Period=12&ProductCode=rds&SubscriptionType=Subscription")
	require.NoError(t, err)
	header := http.Header{
		"Accept":                     {"application/json"},
		"Accept-Encoding":            {"gzip"},
		"Content-Length":             {"0"},
		"User-Agent":                 {"AlibabaCloud (linux; amd64) Golang/1.26.8 Core/0.01 TeaDSL/2"},
		"X-Acs-Action":               {"CreateInstance"},
		"X-Acs-Content-Sha256":       {emptySHA256},
		"X-Acs-Credentials-Provider": {"static_ak"},
		"X-Acs-Date":                 {"2026-11-25T18:14:11Z"},
		"X-Acs-Signature-Nonce":      {"b2ad0f8c270e1abcc6e2a65ced039934"},
		"X-Acs-Version":              {"2017-12-14"},
	}
	signed := []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-credentials-provider", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"}

	require.Equal(t, emptySHA256, HashPayload(nil))
	cr := V3CanonicalRequest(http.MethodPost, "/", query, header, testHost, signed, HashPayload(nil))
	require.Equal(t, "POST\n/\n"+
		"ClientToken=token-123&Parameter.1.Code=Region&Parameter.1.Value=cn-hangzhou&Parameter.2.Code=Name&Parameter.2.Value=a%20b%2Ac~d%2Fe%2Bf%3Dg%26h%E4%B8%AD&Period=12&ProductCode=rds&SubscriptionType=Subscription\n"+
		"host:127.0.0.1:35709\nx-acs-action:CreateInstance\nx-acs-content-sha256:"+emptySHA256+"\n"+
		"x-acs-credentials-provider:static_ak\nx-acs-date:2026-11-25T18:14:11Z\n"+
		"x-acs-signature-nonce:b2ad0f8c270e1abcc6e2a65ced039934\nx-acs-version:2017-12-14\n\n"+
		strings.Join(signed, ";")+"\n"+emptySHA256, cr)

	sts := V3StringToSign(cr)
	require.True(t, strings.HasPrefix(sts, "ACS3-HMAC-SHA256\n23cec528"), sts)
	require.True(t, strings.HasSuffix(sts, "749c"), sts)
	require.Equal(t, v3CapturedSignature, V3Signature(sts, testSecret))
}

func TestV3CaptureVerifies(t *testing.T) {
	t.Parallel()
	req, body := readCapture(t, "doa_v3_ak.http")
	v := newTestVerifier(v3CaptureTime)

	id, err := v.Verify(RequestFromHTTP(req, body))
	require.NoError(t, err)
	assert.Equal(t, Identity{
		Scheme: SchemeV3, AccessKeyID: testAK, Principal: testAK,
		Nonce: "b2ad0f8c270e1abcc6e2a65ced039934", Time: v3CaptureTime,
	}, id)

	_, err = v.Verify(RequestFromHTTP(req, body))
	requireKind(t, err, KindSignatureNonceUsed, "x-acs-signature-nonce")
}

// TestHMACMatchesCryptoHMAC checks the allocation-free HMACs against crypto/hmac.
func TestHMACMatchesCryptoHMAC(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		key := make([]byte, r.IntN(150))
		msg := make([]byte, r.IntN(300))
		for i := range key {
			key[i] = byte(r.IntN(256))
		}
		for i := range msg {
			msg[i] = byte(r.IntN(256))
		}
		buf := append(make([]byte, macPrefix), msg...)

		m1 := hmac.New(sha1.New, key)
		m1.Write(msg)
		got1 := hmacSHA1(string(key), buf)
		require.Equal(t, hex.EncodeToString(m1.Sum(nil)), hex.EncodeToString(got1[:]), "key %d msg %d", len(key), len(msg))

		m256 := hmac.New(sha256.New, key)
		m256.Write(msg)
		got256 := hmacSHA256(key, buf)
		require.Equal(t, hex.EncodeToString(m256.Sum(nil)), hex.EncodeToString(got256[:]))
	}
}

func TestV1StringToSignRepeatedAndForm(t *testing.T) {
	t.Parallel()
	// Repeated names give one pair per value, values sorted; order on the wire does not matter.
	a := V1StringToSign("GET", url.Values{"b": {"2", "1"}, "a": {""}, "Signature": {"x"}})
	b := V1StringToSign("GET", url.Values{"b": {"1", "2"}, "a": {""}})
	require.Equal(t, "GET&%2F&a%3D%26b%3D1%26b%3D2", a)
	require.Equal(t, a, b)

	// Query and form parameters are merged.
	s := getScratch()
	defer putScratch(s)
	merged := string(s.v1StringToSign("POST", url.Values{"b": {"2"}, "a": {"1"}}, url.Values{"b": {"1"}, "c": {"3"}})[macPrefix:])
	require.Equal(t, V1StringToSign("POST", url.Values{"a": {"1"}, "b": {"1", "2"}, "c": {"3"}}), merged)

	// The caller's slice is never reordered.
	vals := url.Values{"k": {"z", "a"}}
	V1StringToSign("GET", vals)
	require.Equal(t, []string{"z", "a"}, vals["k"])
}
