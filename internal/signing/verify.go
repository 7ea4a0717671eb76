package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultSkew is the largest accepted distance between a request's signed time and the server's
// clock.
const DefaultSkew = 15 * time.Minute

// Scheme is how a request authenticated.
type Scheme int

// The authentication schemes [Verifier.Verify] recognises.
const (
	// SchemeV1 is the HMAC-SHA1 signature in the Signature parameter.
	SchemeV1 Scheme = iota + 1
	// SchemeV3 is the ACS3-HMAC-SHA256 Authorization header.
	SchemeV3
	// SchemeBearer is a bearer token (BearerToken parameter or x-acs-bearer-token header).
	SchemeBearer
)

// String returns "V1", "V3" or "Bearer".
func (s Scheme) String() string {
	switch s {
	case SchemeV1:
		return "V1"
	case SchemeV3:
		return "V3"
	case SchemeBearer:
		return "Bearer"
	}
	return "Scheme(invalid)"
}

// Request is the part of an HTTP request the signatures cover. [RequestFromHTTP] fills it from a
// server request.
type Request struct {
	// Method is the HTTP method, e.g. "POST".
	Method string
	// Host is the Host header (r.Host on a server).
	Host string
	// Path is the escaped path (r.URL.EscapedPath()); "" means "/".
	Path string
	// Query holds the URL query parameters only, decoded with form rules ("+" is a space).
	Query url.Values
	// Form holds the parameters of an application/x-www-form-urlencoded body; V1 signs them
	// together with Query.
	Form url.Values
	// Header holds the headers with keys in net/http's canonical form.
	Header http.Header
	// Body is the raw body; V3 signs its SHA-256.
	Body []byte
}

// RequestFromHTTP builds a [Request] from a server request (or a client request, whose URL host
// stands in for an empty r.Host) and its already read body. The query is
// parsed like r.URL.Query() (malformed pairs are skipped), and the body is parsed as form
// parameters when the Content-Type is application/x-www-form-urlencoded.
func RequestFromHTTP(r *http.Request, body []byte) Request {
	req := Request{Method: r.Method, Host: r.Host, Header: r.Header, Body: body}
	if r.URL != nil {
		req.Path = r.URL.EscapedPath()
		req.Query, _ = url.ParseQuery(r.URL.RawQuery)
		if req.Host == "" { // a client-side request
			req.Host = r.URL.Host
		}
	}
	if len(body) > 0 && IsForm(r.Header.Get(chContentType)) {
		req.Form, _ = url.ParseQuery(string(body))
	}
	return req
}

// IsForm reports whether contentType names a form body (application/x-www-form-urlencoded, with
// any parameters). The V1 signature covers a form body's parameters; internal/wire merges the same
// bodies into the request, so both use this one rule.
func IsForm(contentType string) bool {
	if contentType == formType {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == formType
}

const formType = "application/x-www-form-urlencoded"

// Identity is who a verified request came from.
type Identity struct {
	// Scheme is how the request authenticated.
	Scheme Scheme
	// AccessKeyID is the AccessKey ID that signed (empty for bearer tokens).
	AccessKeyID string
	// SecurityToken is the STS token, if any.
	SecurityToken string
	// Principal is the AccessKeyID, or for bearer tokens the identity returned by
	// [Verifier.CheckBearerToken].
	Principal string
	// Nonce is the signature nonce (may be empty for bearer tokens).
	Nonce string
	// Time is the signed time (zero for a bearer token sent without one).
	Time time.Time
}

// Verifier checks request signatures the way the Alibaba Cloud API gateway does. The zero value
// rejects every AccessKey and bearer token; set Lookup at least. A Verifier is safe for concurrent
// use when its functions are; do not change its fields while it is in use.
type Verifier struct {
	// Lookup returns the AccessKey secret of an AccessKey ID (for STS, of the temporary
	// AccessKey ID). nil rejects every key with KindAccessKeyNotFound.
	Lookup func(accessKeyID string) (secret string, ok bool)
	// CheckSecurityToken validates an STS token after the signature verified. Return an error
	// wrapping [ErrSecurityTokenExpired] for an expired token (KindSecurityTokenExpired); any
	// other error gives KindSecurityTokenMalformed. nil accepts every token.
	CheckSecurityToken func(token string, now time.Time) error
	// CheckBearerToken returns the identity a bearer token stands for. nil rejects every bearer
	// token with KindBearerTokenInvalid.
	CheckBearerToken func(token string) (identity string, ok bool)
	// Now is the server clock; nil means time.Now.
	Now func() time.Time
	// Skew is the largest accepted distance between the signed time and Now; zero means
	// DefaultSkew.
	Skew time.Duration
	// Nonces rejects reused nonces, scoped per AccessKey ID (per identity for bearer tokens).
	// nil disables the replay check.
	Nonces *NonceCache
}

// Verify authenticates r. It recognises, in this order: V3 (an Authorization header starting
// with "ACS3-"), a bearer token (x-acs-bearer-token header or BearerToken parameter), V1 (any of
// Signature, SignatureMethod, SignatureVersion, SignatureNonce or AccessKeyId in the query or form
// body) and otherwise reports KindMissingCredentials.
//
// Signed requests are checked in this order: required parameters or headers present
// (KindMissingParameter, KindIncompleteSignature), AccessKey known (KindAccessKeyNotFound),
// signature (KindSignatureDoesNotMatch, compared in constant time), timestamp parsable
// (KindIllegalTimestamp) and within the skew (KindTimestampExpired), STS token
// (KindSecurityToken*), and last the nonce (KindSignatureNonceUsed), so a request that fails any
// earlier check never uses up its nonce.
//
// Every error is an [*Error].
func (v *Verifier) Verify(r Request) (Identity, error) {
	auth := header1(r.Header, chAuthorization)
	if strings.HasPrefix(auth, "ACS3-") {
		return v.verifyV3(r, auth)
	}
	if tok := header1(r.Header, chBearerToken); tok != "" {
		return v.verifyBearer(r, tok, header1(r.Header, chDate), hDate, header1(r.Header, chNonce))
	}
	if tok := param(r, v1BearerToken); tok != "" {
		return v.verifyBearer(r, tok, param(r, v1Timestamp), v1Timestamp, param(r, v1SignatureNonce))
	}
	for _, k := range [...]string{v1Signature, v1SignatureMethod, v1SignatureVersion, v1SignatureNonce, v1AccessKeyID} {
		if hasParam(r, k) {
			return v.verifyV1(r)
		}
	}
	if auth != "" {
		return Identity{}, &Error{Kind: KindIncompleteSignature, Param: "Authorization", Detail: "unsupported Authorization scheme"}
	}
	return Identity{}, &Error{Kind: KindMissingCredentials, Param: v1AccessKeyID, Detail: "the request carries no credentials"}
}

// param returns the first value of name in the query, else in the form body.
func param(r Request, name string) string {
	if vs := r.Query[name]; len(vs) > 0 {
		return vs[0]
	}
	if vs := r.Form[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func hasParam(r Request, name string) bool {
	_, q := r.Query[name]
	_, f := r.Form[name]
	return q || f
}

func missing(name string) *Error {
	return &Error{Kind: KindMissingParameter, Param: name, Detail: "mandatory for signature verification"}
}

func (v *Verifier) verifyV1(r Request) (Identity, error) {
	var values [6]string
	for i, name := range [...]string{v1AccessKeyID, v1Signature, v1SignatureMethod, v1SignatureVersion, v1Timestamp, v1SignatureNonce} {
		if values[i] = param(r, name); values[i] == "" {
			return Identity{}, missing(name)
		}
	}
	ak, sig, method, version, ts, nonce := values[0], values[1], values[2], values[3], values[4], values[5]
	if method != v1Method {
		return Identity{}, &Error{Kind: KindIncompleteSignature, Param: v1SignatureMethod, Detail: "unsupported signature method " + method}
	}
	if version != v1Version {
		return Identity{}, &Error{Kind: KindIncompleteSignature, Param: v1SignatureVersion, Detail: "unsupported signature version " + version}
	}
	secret, ok := v.lookup(ak)
	if !ok {
		return Identity{}, &Error{Kind: KindAccessKeyNotFound, Param: v1AccessKeyID, Detail: "unknown AccessKey ID"}
	}

	s := getScratch()
	defer putScratch(s)
	s.v1StringToSign(r.Method, r.Query, r.Form)
	mac := v1MAC(s, secret)
	if !v1Equal(mac, sig) {
		return Identity{}, &Error{Kind: KindSignatureDoesNotMatch, Param: v1Signature, StringToSign: string(s.b[macPrefix:]), Detail: "V1 signature mismatch"}
	}

	id := Identity{Scheme: SchemeV1, AccessKeyID: ak, Principal: ak, Nonce: nonce, SecurityToken: param(r, v1SecurityToken)}
	return v.finish(id, ts, v1Timestamp, ak)
}

// v1Equal compares the computed MAC with the base64 Signature in constant time.
func v1Equal(mac [20]byte, sig string) bool {
	var want [28]byte
	base64.StdEncoding.Encode(want[:], mac[:])
	if len(sig) != len(want) {
		return false
	}
	var got [28]byte
	copy(got[:], sig)
	return hmac.Equal(want[:], got[:])
}

func (v *Verifier) verifyV3(r Request, auth string) (Identity, error) {
	p, perr := parseAuthorization(auth)
	if perr != nil {
		return Identity{}, perr
	}
	if p.algorithm != V3Algorithm {
		return Identity{}, &Error{Kind: KindIncompleteSignature, Param: "Authorization", Detail: "unsupported signature algorithm " + p.algorithm}
	}
	date := header1(r.Header, chDate)
	if date == "" {
		return Identity{}, missing(hDate)
	}
	nonce := header1(r.Header, chNonce)
	if nonce == "" {
		return Identity{}, missing(hNonce)
	}
	claimed := header1(r.Header, chContentSHA256)
	if claimed == "" {
		return Identity{}, missing(hContentSHA256)
	}
	for _, name := range [...]string{hHost, hAction, hVersion, hDate, hNonce, hContentSHA256} {
		if !hasSigned(p.signedHeaders, name) {
			return Identity{}, unsigned(name)
		}
	}
	token := header1(r.Header, chSecurityToken)
	if token != "" && !hasSigned(p.signedHeaders, hSecurityToken) {
		return Identity{}, unsigned(hSecurityToken)
	}
	if akh, ok := r.Header[chAccessKeyID]; ok {
		if !hasSigned(p.signedHeaders, hAccessKeyID) {
			return Identity{}, unsigned(hAccessKeyID)
		}
		if len(akh) != 1 || akh[0] != p.credential {
			return Identity{}, &Error{Kind: KindIncompleteSignature, Param: hAccessKeyID, Detail: "x-acs-accesskey-id differs from the Credential"}
		}
	}
	secret, ok := v.lookup(p.credential)
	if !ok {
		return Identity{}, &Error{Kind: KindAccessKeyNotFound, Param: "Credential", Detail: "unknown AccessKey ID"}
	}

	var payload [2 * sha256.Size]byte
	sum := sha256.Sum256(r.Body)
	hex.Encode(payload[:], sum[:])
	s := getScratch()
	defer putScratch(s)
	cr := v3CanonicalRequest(s, r.Method, r.Path, r.Query, r.Header, r.Host, p.signedHeaders, payload[:])
	mac := v3MAC(s, cr, secret)
	var got [32]byte
	if len(p.signature) != 2*len(got) || !hexDecode(got[:], p.signature) || !hmac.Equal(mac[:], got[:]) {
		e := &Error{Kind: KindSignatureDoesNotMatch, Param: "Authorization", StringToSign: string(s.b[macPrefix:]), Detail: "V3 signature mismatch"}
		if !strings.EqualFold(claimed, string(payload[:])) { // error path only
			e.Detail = "x-acs-content-sha256 does not match the body"
		}
		return Identity{}, e
	}

	id := Identity{Scheme: SchemeV3, AccessKeyID: p.credential, Principal: p.credential, Nonce: nonce, SecurityToken: token}
	return v.finish(id, date, hDate, p.credential)
}

func unsigned(name string) *Error {
	return &Error{Kind: KindIncompleteSignature, Param: name, Detail: "header must be in SignedHeaders"}
}

// verifyBearer authenticates by token alone and checks the time and nonce when they are present.
func (v *Verifier) verifyBearer(r Request, token, ts, tsParam, nonce string) (Identity, error) {
	principal, ok := "", false
	if v.CheckBearerToken != nil {
		principal, ok = v.CheckBearerToken(token)
	}
	if !ok {
		return Identity{}, &Error{Kind: KindBearerTokenInvalid, Param: v1BearerToken, Detail: "unknown bearer token"}
	}
	id := Identity{Scheme: SchemeBearer, Principal: principal, Nonce: nonce}
	now := v.now()
	if ts != "" {
		t, err := v.checkTime(ts, tsParam, now)
		if err != nil {
			return Identity{}, err
		}
		id.Time = t
	}
	if nonce != "" && v.Nonces != nil && v.Nonces.seenScoped("\x01"+principal, nonce, now) {
		return Identity{}, &Error{Kind: KindSignatureNonceUsed, Param: tsNonceParam(tsParam), Detail: "nonce already used"}
	}
	return id, nil
}

func tsNonceParam(tsParam string) string {
	if tsParam == hDate {
		return hNonce
	}
	return v1SignatureNonce
}

// finish runs the checks that follow a verified signature: time, STS token, nonce.
func (v *Verifier) finish(id Identity, ts, tsParam, ak string) (Identity, error) {
	now := v.now()
	t, err := v.checkTime(ts, tsParam, now)
	if err != nil {
		return Identity{}, err
	}
	id.Time = t
	if id.SecurityToken != "" && v.CheckSecurityToken != nil {
		if err := v.CheckSecurityToken(id.SecurityToken, now); err != nil {
			kind := KindSecurityTokenMalformed
			if isExpired(err) {
				kind = KindSecurityTokenExpired
			}
			return Identity{}, &Error{Kind: kind, Param: v1SecurityToken, Detail: "security token rejected", Err: err}
		}
	}
	if v.Nonces != nil && v.Nonces.seenScoped(ak, id.Nonce, now) {
		return Identity{}, &Error{Kind: KindSignatureNonceUsed, Param: tsNonceParam(tsParam), Detail: "nonce already used"}
	}
	return id, nil
}

func (v *Verifier) checkTime(ts, param string, now time.Time) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return time.Time{}, &Error{Kind: KindIllegalTimestamp, Param: param, Detail: "want " + TimestampLayout, Err: err}
	}
	skew := v.Skew
	if skew <= 0 {
		skew = DefaultSkew
	}
	if d := now.Sub(t); d > skew || d < -skew {
		return time.Time{}, &Error{Kind: KindTimestampExpired, Param: param, Detail: "outside the accepted clock skew"}
	}
	return t, nil
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) lookup(ak string) (string, bool) {
	if v.Lookup == nil {
		return "", false
	}
	return v.Lookup(ak)
}

func isExpired(err error) bool { return errors.Is(err, ErrSecurityTokenExpired) }

// hexDecode decodes the hex string s (either case) into dst, which must be len(s)/2 long.
func hexDecode(dst []byte, s string) bool {
	if len(s) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, ok1 := fromHex(s[2*i])
		lo, ok2 := fromHex(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
