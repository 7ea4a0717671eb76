package signing

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	akCred     = Credentials{AccessKeyID: testAK, AccessKeySecret: testSecret}
	stsCred    = Credentials{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: stsToken}
	bearerCred = Credentials{BearerToken: bearerTok}
)

func TestSignV1Verify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cred Credentials
		want Identity
	}{
		{"AccessKey", akCred, Identity{Scheme: SchemeV1, AccessKeyID: testAK, Principal: testAK, Nonce: "n1", Time: testNow}},
		{"STS", stsCred, Identity{Scheme: SchemeV1, AccessKeyID: stsAK, Principal: stsAK, SecurityToken: stsToken, Nonce: "n1", Time: testNow}},
		{"Bearer", bearerCred, Identity{Scheme: SchemeBearer, Principal: "bearer-user", Nonce: "n1", Time: testNow}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := signedV1(tt.cred, testNow, "n1")
			assert.Equal(t, "2026-01-02T03:04:05Z", r.Query.Get("Timestamp"))
			require.Contains(t, r.Query, "SignatureType", "signed even when empty")
			id, err := newTestVerifier(testNow).Verify(r)
			require.NoError(t, err)
			assert.Equal(t, tt.want, id)
		})
	}
}

func TestSignV1CommonParams(t *testing.T) {
	t.Parallel()
	p := url.Values{"Signature": {"old"}}
	SignV1("GET", p, stsCred, testNow.In(time.FixedZone("X", 3600)), "nonce")
	assert.Equal(t, url.Values{
		"Timestamp": {"2026-01-02T03:04:05Z"}, "SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"},
		"SignatureType": {""}, "SignatureNonce": {"nonce"}, "AccessKeyId": {stsAK}, "SecurityToken": {stsToken},
		"Signature": p["Signature"],
	}, p)
	assert.Equal(t, V1Signature(V1StringToSign("GET", p), stsSecret), p.Get("Signature"))

	b := url.Values{}
	SignV1("POST", b, bearerCred, testNow, "nonce")
	assert.Equal(t, "BEARERTOKEN", b.Get("SignatureType"))
	assert.Equal(t, bearerTok, b.Get("BearerToken"))
	assert.Equal(t, []string{""}, b["AccessKeyId"])
	assert.Equal(t, V1Signature(V1StringToSign("POST", b), ""), b.Get("Signature"), "bearer signs with the key \"&\"")
}

func TestVerifyV1Failures(t *testing.T) {
	t.Parallel()
	del := func(name string) func(*Request) { return func(r *Request) { r.Query.Del(name) } }
	set := func(name, value string) func(*Request) { return func(r *Request) { r.Query.Set(name, value) } }
	resign := func(secret string, f func(url.Values)) func(*Request) {
		return func(r *Request) {
			f(r.Query)
			r.Query.Set("Signature", V1Signature(V1StringToSign(r.Method, r.Query), secret))
		}
	}
	tests := []struct {
		name   string
		cred   Credentials
		signAt time.Duration // offset of the signing time from the verifier's clock
		tamper func(*Request)
		kind   Kind
		param  string
	}{
		{name: "changed param", tamper: set("ProductCode", "ecs"), kind: KindSignatureDoesNotMatch, param: "Signature"},
		{name: "added param", tamper: set("OwnerId", "1"), kind: KindSignatureDoesNotMatch, param: "Signature"},
		{name: "changed method", tamper: func(r *Request) { r.Method = "GET" }, kind: KindSignatureDoesNotMatch, param: "Signature"},
		{name: "bad base64", tamper: set("Signature", "!!!"), kind: KindSignatureDoesNotMatch, param: "Signature"},
		{name: "wrong secret", cred: Credentials{AccessKeyID: testAK, AccessKeySecret: "wrong"}, kind: KindSignatureDoesNotMatch, param: "Signature"},
		{name: "unknown key", cred: Credentials{AccessKeyID: "nobody", AccessKeySecret: testSecret}, kind: KindAccessKeyNotFound, param: "AccessKeyId"},
		{name: "16 min old", signAt: -16 * time.Minute, kind: KindTimestampExpired, param: "Timestamp"},
		{name: "16 min ahead", signAt: 16 * time.Minute, kind: KindTimestampExpired, param: "Timestamp"},
		{name: "unparsable timestamp", tamper: resign(testSecret, func(p url.Values) { p.Set("Timestamp", "yesterday") }), kind: KindIllegalTimestamp, param: "Timestamp"},
		{name: "unsigned unparsable timestamp", tamper: set("Timestamp", "yesterday"), kind: KindSignatureDoesNotMatch, param: "Signature"},
		{name: "missing Signature", tamper: del("Signature"), kind: KindMissingParameter, param: "Signature"},
		{name: "empty Signature", tamper: set("Signature", ""), kind: KindMissingParameter, param: "Signature"},
		{name: "missing SignatureNonce", tamper: del("SignatureNonce"), kind: KindMissingParameter, param: "SignatureNonce"},
		{name: "missing Timestamp", tamper: del("Timestamp"), kind: KindMissingParameter, param: "Timestamp"},
		{name: "missing AccessKeyId", tamper: del("AccessKeyId"), kind: KindMissingParameter, param: "AccessKeyId"},
		{name: "missing SignatureMethod", tamper: del("SignatureMethod"), kind: KindMissingParameter, param: "SignatureMethod"},
		{name: "missing SignatureVersion", tamper: del("SignatureVersion"), kind: KindMissingParameter, param: "SignatureVersion"},
		{name: "unsupported method", tamper: set("SignatureMethod", "HMAC-SHA256"), kind: KindIncompleteSignature, param: "SignatureMethod"},
		{name: "unsupported version", tamper: set("SignatureVersion", "2.0"), kind: KindIncompleteSignature, param: "SignatureVersion"},
		{name: "expired STS token", cred: Credentials{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: "STS.expired"}, kind: KindSecurityTokenExpired, param: "SecurityToken"},
		{name: "malformed STS token", cred: Credentials{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: "junk"}, kind: KindSecurityTokenMalformed, param: "SecurityToken"},
		{name: "changed STS token", cred: stsCred, tamper: set("SecurityToken", "other"), kind: KindSignatureDoesNotMatch, param: "Signature"},
		{name: "unknown bearer token", cred: Credentials{BearerToken: "nope"}, kind: KindBearerTokenInvalid, param: "BearerToken"},
		{name: "bearer 16 min old", cred: bearerCred, signAt: -16 * time.Minute, kind: KindTimestampExpired, param: "Timestamp"},
		{name: "no credentials", tamper: func(r *Request) {
			for _, k := range []string{"Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "AccessKeyId"} {
				r.Query.Del(k)
			}
		}, kind: KindMissingCredentials, param: "AccessKeyId"},
		{name: "foreign Authorization", tamper: func(r *Request) {
			r.Query = url.Values{"Action": {"CreateInstance"}}
			r.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
		}, kind: KindIncompleteSignature, param: "Authorization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cred := tt.cred
			if cred == (Credentials{}) {
				cred = akCred
			}
			r := signedV1(cred, testNow.Add(tt.signAt), "nonce-1")
			if tt.tamper != nil {
				tt.tamper(&r)
			}
			v := newTestVerifier(testNow)
			_, err := v.Verify(r)
			se := requireKind(t, err, tt.kind, tt.param)
			if tt.kind == KindSignatureDoesNotMatch {
				assert.Equal(t, V1StringToSign(r.Method, r.Query), se.StringToSign)
			}
			// A rejected request never uses up its nonce.
			assert.Zero(t, v.Nonces.Len())
		})
	}
}

func TestVerifyV1Accepted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		signAt time.Duration
		tamper func(*Request)
	}{
		{name: "14 min old", signAt: -14 * time.Minute},
		{name: "exactly 15 min ahead", signAt: 15 * time.Minute},
		{name: "unsigned header changed", tamper: func(r *Request) { r.Header.Set("User-Agent", "x") }},
		{name: "parameters in a form body", tamper: func(r *Request) {
			r.Form, r.Query = r.Query, url.Values{"Action": r.Query["Action"]}
			r.Form.Del("Action")
		}},
		{name: "parameter repeated in query and form", tamper: func(r *Request) {
			r.Query.Add("Extra", "1")
			r.Form = url.Values{"Extra": {"2"}}
			merged := cloneValues(r.Query)
			merged["Extra"] = []string{"2", "1"}
			r.Query.Set("Signature", V1Signature(V1StringToSign(r.Method, merged), testSecret))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := signedV1(akCred, testNow.Add(tt.signAt), "nonce-1")
			if tt.tamper != nil {
				tt.tamper(&r)
			}
			_, err := newTestVerifier(testNow).Verify(r)
			require.NoError(t, err)
		})
	}
}

func TestVerifyV1FormTampered(t *testing.T) {
	t.Parallel()
	r := signedV1(akCred, testNow, "n")
	r.Form, r.Query = r.Query, url.Values{}
	r.Form.Set("Period", "24")
	_, err := newTestVerifier(testNow).Verify(r)
	requireKind(t, err, KindSignatureDoesNotMatch, "Signature")
}

func TestVerifyNonces(t *testing.T) {
	t.Parallel()
	v := newTestVerifier(testNow)

	// A forged request does not burn the nonce.
	_, err := v.Verify(signedV1(Credentials{AccessKeyID: testAK, AccessKeySecret: "forged"}, testNow, "n1"))
	requireKind(t, err, KindSignatureDoesNotMatch, "Signature")
	_, err = v.Verify(signedV1(akCred, testNow, "n1"))
	require.NoError(t, err)

	// A replay is rejected, V1 and V3 alike.
	_, err = v.Verify(signedV1(akCred, testNow, "n1"))
	requireKind(t, err, KindSignatureNonceUsed, "SignatureNonce")
	_, err = v.Verify(signedV3(t, nil, akCred, testNow, "n1"))
	requireKind(t, err, KindSignatureNonceUsed, "x-acs-signature-nonce")

	// Nonces are scoped per AccessKey ID.
	_, err = v.Verify(signedV1(stsCred, testNow, "n1"))
	require.NoError(t, err)
	_, err = v.Verify(signedV1(bearerCred, testNow, "n1"))
	require.NoError(t, err)
	_, err = v.Verify(signedV1(bearerCred, testNow, "n1"))
	requireKind(t, err, KindSignatureNonceUsed, "SignatureNonce")

	// Without a cache replays pass.
	v.Nonces = nil
	_, err = v.Verify(signedV1(akCred, testNow, "n1"))
	require.NoError(t, err)
}

func TestSignV3Verify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cred Credentials
		body []byte
		want Identity
	}{
		{"AccessKey", akCred, nil, Identity{Scheme: SchemeV3, AccessKeyID: testAK, Principal: testAK, Nonce: "n1", Time: testNow}},
		{"AccessKey with body", akCred, []byte("ProductCode=rds&Period=12"), Identity{Scheme: SchemeV3, AccessKeyID: testAK, Principal: testAK, Nonce: "n1", Time: testNow}},
		{"STS", stsCred, nil, Identity{Scheme: SchemeV3, AccessKeyID: stsAK, Principal: stsAK, SecurityToken: stsToken, Nonce: "n1", Time: testNow}},
		{"Bearer", bearerCred, nil, Identity{Scheme: SchemeBearer, Principal: "bearer-user", Nonce: "n1", Time: testNow}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := signedV3(t, tt.body, tt.cred, testNow, "n1")
			id, err := newTestVerifier(testNow).Verify(r)
			require.NoError(t, err)
			assert.Equal(t, tt.want, id)
		})
	}
}

func TestSignV3Headers(t *testing.T) {
	t.Parallel()
	req := newV3Request(t, nil)
	require.NoError(t, SignV3(req, nil, stsCred, testNow, "nonce"))
	assert.Equal(t, "2026-01-02T03:04:05Z", req.Header.Get("x-acs-date"))
	assert.Equal(t, "nonce", req.Header.Get("x-acs-signature-nonce"))
	assert.Equal(t, emptySHA256, req.Header.Get("x-acs-content-sha256"))
	assert.Equal(t, stsAK, req.Header.Get("x-acs-accesskey-id"))
	assert.Equal(t, stsToken, req.Header.Get("x-acs-security-token"))
	auth, err := ParseAuthorization(req.Header.Get("Authorization"))
	require.NoError(t, err)
	assert.Equal(t, []string{"host", "x-acs-accesskey-id", "x-acs-action", "x-acs-content-sha256", "x-acs-credentials-provider",
		"x-acs-date", "x-acs-security-token", "x-acs-signature-nonce", "x-acs-version"}, auth.SignedHeaders)

	b := newV3Request(t, nil)
	b.Header.Set("Authorization", "stale")
	require.NoError(t, SignV3(b, nil, bearerCred, testNow, "nonce"))
	assert.Empty(t, b.Header.Get("Authorization"))
	assert.Equal(t, bearerTok, b.Header.Get("x-acs-bearer-token"))
	assert.Equal(t, "BEARERTOKEN", b.URL.Query().Get("SignatureType"))

	require.Error(t, SignV3(nil, nil, akCred, testNow, "n"))
	require.Error(t, SignV3(newV3Request(t, nil), nil, Credentials{}, testNow, "n"))
	bad := newV3Request(t, nil)
	bad.URL.RawQuery = "%zz"
	require.Error(t, SignV3(bad, nil, akCred, testNow, "n"))
}

// resignV3 rewrites the Authorization of r with the given signed header list and a correct
// signature over it.
func resignV3(r *Request, signed []string) {
	cr := V3CanonicalRequest(r.Method, r.Path, r.Query, r.Header, r.Host, signed, HashPayload(r.Body))
	r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+testAK+",SignedHeaders="+strings.Join(signed, ";")+
		",Signature="+V3Signature(V3StringToSign(cr), testSecret))
}

func TestVerifyV3Failures(t *testing.T) {
	t.Parallel()
	hset := func(name, value string) func(*Request) { return func(r *Request) { r.Header.Set(name, value) } }
	hdel := func(name string) func(*Request) { return func(r *Request) { r.Header.Del(name) } }
	auth := func(value string) func(*Request) { return hset("Authorization", value) }
	withoutSigned := func(name string) func(*Request) {
		return func(r *Request) {
			a, err := ParseAuthorization(r.Header.Get("Authorization"))
			if err != nil {
				panic(err)
			}
			var keep []string
			for _, h := range a.SignedHeaders {
				if h != name {
					keep = append(keep, h)
				}
			}
			resignV3(r, keep)
		}
	}
	tests := []struct {
		name   string
		cred   Credentials
		body   string
		signAt time.Duration
		tamper func(*Request)
		kind   Kind
		param  string
	}{
		{name: "changed query param", tamper: func(r *Request) { r.Query.Set("ProductCode", "ecs") }, kind: KindSignatureDoesNotMatch, param: "Authorization"},
		{name: "added query param", tamper: func(r *Request) { r.Query.Set("SignatureType", "") }, kind: KindSignatureDoesNotMatch, param: "Authorization"},
		{name: "changed signed header", tamper: hset("X-Acs-Action", "DeleteInstance"), kind: KindSignatureDoesNotMatch, param: "Authorization"},
		{name: "changed provider header", tamper: hset("X-Acs-Credentials-Provider", "x"), kind: KindSignatureDoesNotMatch, param: "Authorization"},
		{name: "changed host", tamper: func(r *Request) { r.Host = "127.0.0.1:1" }, kind: KindSignatureDoesNotMatch, param: "Authorization"},
		{name: "changed path", tamper: func(r *Request) { r.Path = "/x" }, kind: KindSignatureDoesNotMatch, param: "Authorization"},
		{name: "changed body", body: "a=1", tamper: func(r *Request) { r.Body = []byte("a=2") }, kind: KindSignatureDoesNotMatch, param: "Authorization"},
		{name: "changed content hash", tamper: hset("X-Acs-Content-Sha256", strings.Repeat("0", 64)), kind: KindSignatureDoesNotMatch, param: "Authorization"},
		{name: "short signature", tamper: auth("ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=abcd"), kind: KindSignatureDoesNotMatch, param: "Authorization"},
		{name: "non-hex signature", tamper: auth("ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=" + strings.Repeat("zz", 32)), kind: KindSignatureDoesNotMatch, param: "Authorization"},
		{name: "wrong secret", cred: Credentials{AccessKeyID: testAK, AccessKeySecret: "wrong"}, kind: KindSignatureDoesNotMatch, param: "Authorization"},
		{name: "unknown key", cred: Credentials{AccessKeyID: "nobody", AccessKeySecret: "x"}, kind: KindAccessKeyNotFound, param: "Credential"},
		{name: "16 min old", signAt: -16 * time.Minute, kind: KindTimestampExpired, param: "x-acs-date"},
		{name: "16 min ahead", signAt: 16 * time.Minute, kind: KindTimestampExpired, param: "x-acs-date"},
		{name: "unparsable date", tamper: func(r *Request) {
			r.Header.Set("X-Acs-Date", "Tue, 1 Dec")
			withoutSigned("")(r)
		}, kind: KindIllegalTimestamp, param: "x-acs-date"},
		{name: "missing date", tamper: hdel("X-Acs-Date"), kind: KindMissingParameter, param: "x-acs-date"},
		{name: "missing nonce", tamper: hdel("X-Acs-Signature-Nonce"), kind: KindMissingParameter, param: "x-acs-signature-nonce"},
		{name: "missing content hash", tamper: hdel("X-Acs-Content-Sha256"), kind: KindMissingParameter, param: "x-acs-content-sha256"},
		{name: "host not signed", tamper: withoutSigned("host"), kind: KindIncompleteSignature, param: "host"},
		{name: "action not signed", tamper: withoutSigned("x-acs-action"), kind: KindIncompleteSignature, param: "x-acs-action"},
		{name: "version not signed", tamper: withoutSigned("x-acs-version"), kind: KindIncompleteSignature, param: "x-acs-version"},
		{name: "date not signed", tamper: withoutSigned("x-acs-date"), kind: KindIncompleteSignature, param: "x-acs-date"},
		{name: "nonce not signed", tamper: withoutSigned("x-acs-signature-nonce"), kind: KindIncompleteSignature, param: "x-acs-signature-nonce"},
		{name: "content hash not signed", tamper: withoutSigned("x-acs-content-sha256"), kind: KindIncompleteSignature, param: "x-acs-content-sha256"},
		{name: "STS token not signed", cred: stsCred, tamper: withoutSigned("x-acs-security-token"), kind: KindIncompleteSignature, param: "x-acs-security-token"},
		{name: "STS key id not signed", cred: stsCred, tamper: withoutSigned("x-acs-accesskey-id"), kind: KindIncompleteSignature, param: "x-acs-accesskey-id"},
		{name: "STS key id differs", cred: stsCred, tamper: hset("X-Acs-Accesskey-Id", "other"), kind: KindIncompleteSignature, param: "x-acs-accesskey-id"},
		{name: "expired STS token", cred: Credentials{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: "STS.expired"}, kind: KindSecurityTokenExpired, param: "SecurityToken"},
		{name: "malformed STS token", cred: Credentials{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: "junk"}, kind: KindSecurityTokenMalformed, param: "SecurityToken"},
		{name: "unsupported algorithm", tamper: func(r *Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "ACS3-HMAC-SHA256", "ACS3-HMAC-SM3", 1))
		}, kind: KindIncompleteSignature, param: "Authorization"},
		{name: "malformed: no fields", tamper: auth("ACS3-HMAC-SHA256"), kind: KindIncompleteSignature, param: "Authorization"},
		{name: "malformed: missing Signature", tamper: auth("ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=host"), kind: KindIncompleteSignature, param: "Authorization"},
		{name: "malformed: duplicate field", tamper: auth("ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=host,Signature=00"), kind: KindIncompleteSignature, param: "Authorization"},
		{name: "malformed: upper-case header", tamper: auth("ACS3-HMAC-SHA256 Credential=a,SignedHeaders=Host,Signature=00"), kind: KindIncompleteSignature, param: "Authorization"},
		{name: "malformed: empty header name", tamper: auth("ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host;;x,Signature=00"), kind: KindIncompleteSignature, param: "Authorization"},
		{name: "unknown bearer token", cred: Credentials{BearerToken: "nope"}, kind: KindBearerTokenInvalid, param: "BearerToken"},
		{name: "bearer 16 min ahead", cred: bearerCred, signAt: 16 * time.Minute, kind: KindTimestampExpired, param: "x-acs-date"},
		{name: "no credentials", tamper: hdel("Authorization"), kind: KindMissingCredentials, param: "AccessKeyId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cred := tt.cred
			if cred == (Credentials{}) {
				cred = akCred
			}
			r := signedV3(t, []byte(tt.body), cred, testNow.Add(tt.signAt), "nonce-1")
			r = cloneRequest(r)
			if tt.tamper != nil {
				tt.tamper(&r)
			}
			v := newTestVerifier(testNow)
			_, err := v.Verify(r)
			se := requireKind(t, err, tt.kind, tt.param)
			if tt.kind == KindSignatureDoesNotMatch && se.StringToSign != "" {
				a, perr := ParseAuthorization(r.Header.Get("Authorization"))
				require.NoError(t, perr)
				cr := V3CanonicalRequest(r.Method, r.Path, r.Query, r.Header, r.Host, a.SignedHeaders, HashPayload(r.Body))
				assert.Equal(t, V3StringToSign(cr), se.StringToSign)
			}
			assert.Zero(t, v.Nonces.Len())
		})
	}
}

func TestVerifyV3Accepted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper func(*Request)
	}{
		{name: "unsigned header added", tamper: func(r *Request) { r.Header.Set("X-Acs-Trace-Id", "t") }},
		{name: "unsigned header changed", tamper: func(r *Request) { r.Header.Set("User-Agent", "x") }},
		{name: "spaces in Authorization", tamper: func(r *Request) {
			r.Header.Set("Authorization", strings.ReplaceAll(r.Header.Get("Authorization"), ",", ", "))
		}},
		{name: "header keys not canonical", tamper: func(r *Request) {
			v := r.Header["X-Acs-Credentials-Provider"]
			delete(r.Header, "X-Acs-Credentials-Provider")
			r.Header["x-acs-credentials-provider"] = v
		}},
		{name: "header value padded", tamper: func(r *Request) { r.Header.Set("X-Acs-Action", "  CreateInstance\t") }},
		{name: "query order", tamper: func(r *Request) { r.Query["ProductCode"] = []string{"rds"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cloneRequest(signedV3(t, nil, akCred, testNow, "nonce-1"))
			tt.tamper(&r)
			_, err := newTestVerifier(testNow).Verify(r)
			require.NoError(t, err)
		})
	}
}

func TestV3MultiValueHeaders(t *testing.T) {
	t.Parallel()
	req := newV3Request(t, nil)
	req.Header.Add("X-Acs-Extra", " b ")
	req.Header.Add("X-Acs-Extra", "a")
	require.NoError(t, SignV3(req, nil, akCred, testNow, "n"))
	r := RequestFromHTTP(req, nil)
	_, err := newTestVerifier(testNow).Verify(r)
	require.NoError(t, err)

	// Value order does not matter; values are sorted before joining with ",".
	r.Header["X-Acs-Extra"] = []string{"a", "b"}
	_, err = newTestVerifier(testNow).Verify(r)
	require.NoError(t, err)
	a, err := ParseAuthorization(r.Header.Get("Authorization"))
	require.NoError(t, err)
	assert.Contains(t, V3CanonicalRequest(r.Method, r.Path, r.Query, r.Header, r.Host, a.SignedHeaders, emptySHA256), "\nx-acs-extra:a,b\n")
}

func TestV3CanonicalURI(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"": "/", "/": "/", "/a+b*c%7Ed%7e": "/a%20b%2Ac~d~", "/%7": "/%7"} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, want, string(appendCanonicalURI(nil, in)), in)
		})
	}
}

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	valid := []struct {
		in   string
		want V3Authorization
	}{
		{"ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b;c,Signature=ff",
			V3Authorization{"ACS3-HMAC-SHA256", "AK", []string{"a", "b", "c"}, "ff"}},
		{"  ACS3-HMAC-SHA256   Credential=AK, SignedHeaders=host ,\tSignature=ff  ",
			V3Authorization{"ACS3-HMAC-SHA256", "AK", []string{"host"}, "ff"}},
		{"ACS3-HMAC-SM3 Signature=1,SignedHeaders=x-acs-date,Credential=STS.a/b=",
			V3Authorization{"ACS3-HMAC-SM3", "STS.a/b=", []string{"x-acs-date"}, "1"}},
	}
	for _, tt := range valid {
		t.Run("valid/"+tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseAuthorization(tt.in)
			require.NoError(t, err, tt.in)
			assert.Equal(t, tt.want, got, tt.in)
		})
	}
	for _, in := range []string{
		"", " ", "ACS3-HMAC-SHA256", "ACS3-HMAC-SHA256 ", "Credential=AK,SignedHeaders=a,Signature=f",
		"ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a", "ACS3-HMAC-SHA256 Credential=AK,Signature=f",
		"ACS3-HMAC-SHA256 SignedHeaders=a,Signature=f", "ACS3-HMAC-SHA256 Credential=,SignedHeaders=a,Signature=f",
		"ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a,Signature=f,", "ACS3-HMAC-SHA256 Credential=AK,,SignedHeaders=a,Signature=f",
		"ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a,Signature=f,Extra=1", "ACS3-HMAC-SHA256 Credential AK",
		"ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a b,Signature=f", "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=;,Signature=f",
		"ACS3-HMAC-SHA256 Credential=A K,SignedHeaders=a,Signature=f", "ACS3(x) Credential=AK,SignedHeaders=a,Signature=f",
		"ACS3-HMAC-SHA256 =x,Credential=AK,SignedHeaders=a,Signature=f",
	} {
		t.Run("malformed/"+in, func(t *testing.T) {
			t.Parallel()
			_, err := ParseAuthorization(in)
			require.Error(t, err, in)
			se := requireKind(t, err, KindIncompleteSignature, "Authorization")
			assert.ErrorIs(t, se, ErrMalformedAuthorization, in)
		})
	}
}

func TestErrorCodes(t *testing.T) {
	t.Parallel()
	want := map[Kind]string{
		KindMissingCredentials:     "MissingAccessKeyId",
		KindMissingParameter:       "MissingParameter",
		KindIncompleteSignature:    "IncompleteSignature",
		KindAccessKeyNotFound:      "InvalidAccessKeyId.NotFound",
		KindSignatureDoesNotMatch:  "SignatureDoesNotMatch",
		KindIllegalTimestamp:       "IllegalTimestamp",
		KindTimestampExpired:       "InvalidTimeStamp.Expired",
		KindSecurityTokenExpired:   "InvalidSecurityToken.Expired",
		KindSecurityTokenMalformed: "InvalidSecurityToken.MalFormed",
		KindBearerTokenInvalid:     "InvalidBearerToken",
		KindSignatureNonceUsed:     "SignatureNonceUsed",
	}
	require.Len(t, want, len(kindInfo)-1, "every Kind has a code")
	for k, code := range want {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, code, k.Code())
			assert.Equal(t, code, (&Error{Kind: k}).Code())
			assert.NotContains(t, k.String(), "invalid")
		})
	}
	assert.Empty(t, Kind(0).Code())
	assert.Empty(t, Kind(99).Code())
	assert.Equal(t, "Kind(invalid)", Kind(-1).String())

	e := &Error{Kind: KindSecurityTokenExpired, Param: "SecurityToken", Detail: "d", Err: ErrSecurityTokenExpired}
	assert.Equal(t, "signing: InvalidSecurityToken.Expired (SecurityToken): d: security token expired", e.Error())
	assert.ErrorIs(t, e, ErrSecurityTokenExpired)
	wrapped := errors.Join(os.ErrClosed, e)
	var se *Error
	require.ErrorAs(t, wrapped, &se)
	assert.Equal(t, "SignatureDoesNotMatch", (&Error{Kind: KindSignatureDoesNotMatch}).Code())
	assert.Equal(t, "V3", SchemeV3.String())
	assert.Equal(t, "Scheme(invalid)", Scheme(0).String())
}

func TestRequestFromHTTP(t *testing.T) {
	t.Parallel()
	req, err := http.NewRequest("POST", "http://h:1/p%2Fq?a=1+2&b=%zz&c=3", nil)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r := RequestFromHTTP(req, []byte("d=4&e=5%206"))
	assert.Equal(t, "h:1", r.Host)
	assert.Equal(t, "/p%2Fq", r.Path)
	assert.Equal(t, url.Values{"a": {"1 2"}, "c": {"3"}}, r.Query)
	assert.Equal(t, url.Values{"d": {"4"}, "e": {"5 6"}}, r.Form)

	req.Header.Set("Content-Type", "application/json")
	assert.Nil(t, RequestFromHTTP(req, []byte(`{"d":4}`)).Form)
}
