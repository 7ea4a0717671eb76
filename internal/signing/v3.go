package signing

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// V3Algorithm is the only V3 signature algorithm this package implements.
const V3Algorithm = "ACS3-HMAC-SHA256"

// V3 header names, lower case as they appear in SignedHeaders.
const (
	hHost          = "host"
	hContentType   = "content-type"
	hAction        = "x-acs-action"
	hVersion       = "x-acs-version"
	hDate          = "x-acs-date"
	hNonce         = "x-acs-signature-nonce"
	hContentSHA256 = "x-acs-content-sha256"
	hSecurityToken = "x-acs-security-token"
	hAccessKeyID   = "x-acs-accesskey-id"
	hBearerToken   = "x-acs-bearer-token"
	acsPrefix      = "x-acs-"
)

// The same names in net/http's canonical form, for direct http.Header lookups.
const (
	chAuthorization = "Authorization"
	chDate          = "X-Acs-Date"
	chNonce         = "X-Acs-Signature-Nonce"
	chContentSHA256 = "X-Acs-Content-Sha256"
	chSecurityToken = "X-Acs-Security-Token"
	chAccessKeyID   = "X-Acs-Accesskey-Id"
	chBearerToken   = "X-Acs-Bearer-Token"
	chContentType   = "Content-Type"
)

// V3Authorization is a parsed V3 Authorization header:
//
//	ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b;c>,Signature=<hex>
type V3Authorization struct {
	// Algorithm is the word before the first space, e.g. "ACS3-HMAC-SHA256".
	Algorithm string
	// Credential is the AccessKey ID.
	Credential string
	// SignedHeaders are the lower-case header names the client signed, in its order.
	SignedHeaders []string
	// Signature is the signature as sent (lower-case hex for ACS3-HMAC-SHA256).
	Signature string
}

// ParseAuthorization parses a V3 Authorization header. Spaces after the algorithm and around the
// comma-separated fields are tolerated; the fields Credential, SignedHeaders and Signature must each
// appear exactly once, non-empty, and header names must be lower-case tokens. Any other input yields
// an [*Error] of [KindIncompleteSignature] wrapping [ErrMalformedAuthorization]. The algorithm is
// not checked here.
func ParseAuthorization(h string) (V3Authorization, error) {
	p, err := parseAuthorization(h)
	if err != nil {
		return V3Authorization{}, err
	}
	return V3Authorization{
		Algorithm:     p.algorithm,
		Credential:    p.credential,
		SignedHeaders: strings.Split(p.signedHeaders, ";"),
		Signature:     p.signature,
	}, nil
}

type parsedAuth struct {
	algorithm, credential, signedHeaders, signature string
}

func malformed(detail string) *Error {
	return &Error{Kind: KindIncompleteSignature, Param: "Authorization", Detail: detail, Err: ErrMalformedAuthorization}
}

// parseAuthorization is ParseAuthorization without allocating the SignedHeaders slice.
func parseAuthorization(h string) (parsedAuth, *Error) {
	var p parsedAuth
	h = strings.TrimSpace(h)
	sp := strings.IndexAny(h, " \t")
	if sp <= 0 {
		return p, malformed("want \"<algorithm> Credential=...,SignedHeaders=...,Signature=...\"")
	}
	p.algorithm = h[:sp]
	if !isToken(p.algorithm, false) {
		return p, malformed("invalid algorithm")
	}
	rest := h[sp+1:]
	var seenCred, seenSigned, seenSig bool
	for more := true; more; {
		var field string
		field, rest, more = strings.Cut(rest, ",")
		field = strings.TrimSpace(field)
		name, value, ok := strings.Cut(field, "=")
		if !ok || name == "" {
			return p, malformed("field without '='")
		}
		var seen *bool
		switch name {
		case "Credential":
			p.credential, seen = value, &seenCred
		case "SignedHeaders":
			p.signedHeaders, seen = value, &seenSigned
		case "Signature":
			p.signature, seen = value, &seenSig
		default:
			return p, malformed("unknown field")
		}
		if *seen {
			return p, malformed("duplicate field " + name)
		}
		*seen = true
		if value == "" {
			return p, malformed("empty " + name)
		}
	}
	switch {
	case !seenCred:
		return p, malformed("missing Credential")
	case !seenSigned:
		return p, malformed("missing SignedHeaders")
	case !seenSig:
		return p, malformed("missing Signature")
	}
	for name := range strings.SplitSeq(p.signedHeaders, ";") {
		if !isToken(name, true) {
			return p, malformed("SignedHeaders must be lower-case header names separated by ';'")
		}
	}
	if strings.ContainsAny(p.signature, " \t") || strings.ContainsAny(p.credential, " \t") {
		return p, malformed("space inside a field")
	}
	return p, nil
}

// isToken reports whether s is a non-empty RFC 7230 token (lower-case only if lower).
func isToken(s string, lower bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !tokenChar[c] || (lower && 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

var tokenChar = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// hasSigned reports whether name is in the ';'-separated list.
func hasSigned(list, name string) bool {
	for n := range strings.SplitSeq(list, ";") {
		if n == name {
			return true
		}
	}
	return false
}

// V3CanonicalRequest returns the V3 canonical request:
//
//	METHOD \n path \n canonical query \n canonical headers \n signed headers \n hashedPayload
//
// The path is the escaped path as sent ("" means "/"), with "+", "*" and "%7E" rewritten to
// "%20", "%2A" and "~" like the SDK. The canonical query is every query parameter sorted by name,
// PercentEncode(name)=PercentEncode(value), joined by "&" (a repeated name gives one pair per value,
// values sorted). The canonical headers are "name:value\n" for each name of signedHeaders in the
// given order, where the value of "host" is the host argument (r.Host on a server) and any other
// value comes from header (looked up case-insensitively; several values are trimmed, sorted and
// joined by ","). signedHeaders must be lower case. An empty method means GET.
func V3CanonicalRequest(method, path string, rawQuery url.Values, header http.Header, host string, signedHeaders []string, hashedPayload string) string {
	s := getScratch()
	defer putScratch(s)
	return string(v3CanonicalRequest(s, method, path, rawQuery, header, host, strings.Join(signedHeaders, ";"), hashedPayload))
}

// V3StringToSign returns "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonicalRequest)).
func V3StringToSign(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return V3Algorithm + "\n" + hex.EncodeToString(sum[:])
}

// V3Signature returns hex(HMAC-SHA256(secret, stringToSign)); unlike V1 the key has no "&".
func V3Signature(stringToSign, secret string) string {
	s := getScratch()
	defer putScratch(s)
	s.b = append(append(s.b[:0], zeroPrefix[:]...), stringToSign...)
	mac := hmacSHA256(secret, s.b)
	return hex.EncodeToString(mac[:])
}

// HashPayload returns hex(SHA-256(body)), the x-acs-content-sha256 value. An empty body gives
// "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".
func HashPayload(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// v3CanonicalRequest builds the canonical request into s.a and returns it. signed is the
// ';'-separated list of signed header names.
func v3CanonicalRequest[P string | []byte](s *scratch, method, path string, q url.Values, header http.Header, host, signed string, payload P) []byte {
	if method == "" {
		method = http.MethodGet // as net/http sends it
	}
	a := append(s.a[:0], method...)
	a = append(a, '\n')
	a = appendCanonicalURI(a, path)
	a = append(a, '\n')

	s.keys = s.keys[:0]
	for k := range q {
		s.keys = append(s.keys, k)
	}
	slices.Sort(s.keys)
	for i, k := range s.keys {
		vals := q[k]
		if len(vals) > 1 && !slices.IsSorted(vals) {
			s.vals = append(s.vals[:0], vals...)
			vals = s.vals
			slices.Sort(vals)
		}
		if len(vals) == 0 {
			vals = emptyValue
		}
		for j, v := range vals {
			if i > 0 || j > 0 {
				a = append(a, '&')
			}
			a = appendPercentEncode(a, k)
			a = append(a, '=')
			a = appendPercentEncode(a, v)
		}
	}
	a = append(a, '\n')

	for name := range strings.SplitSeq(signed, ";") {
		a = append(a, name...)
		a = append(a, ':')
		if name == hHost {
			a = append(a, strings.TrimSpace(host)...)
		} else {
			a = s.appendHeaderValue(a, header, name)
		}
		a = append(a, '\n')
	}
	a = append(a, '\n')
	a = append(a, signed...)
	a = append(a, '\n')
	a = append(a, payload...)
	s.a = a
	return a
}

// appendHeaderValue appends the canonical value of the header lname: its values trimmed, sorted
// and joined by ",".
func (s *scratch) appendHeaderValue(dst []byte, header http.Header, lname string) []byte {
	vals := headerValues(header, lname)
	switch len(vals) {
	case 0:
		return dst
	case 1:
		return append(dst, strings.TrimSpace(vals[0])...)
	}
	s.vals = s.vals[:0]
	for _, v := range vals {
		s.vals = append(s.vals, strings.TrimSpace(v))
	}
	slices.Sort(s.vals)
	for i, v := range s.vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, v...)
	}
	return dst
}

// appendCanonicalURI appends path ("/" if empty) with the SDK's rewrites.
func appendCanonicalURI(dst []byte, path string) []byte {
	if path == "" {
		return append(dst, '/')
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case c == '+':
			dst = append(dst, "%20"...)
		case c == '*':
			dst = append(dst, "%2A"...)
		case c == '%' && i+2 < len(path) && path[i+1] == '7' && (path[i+2] == 'E' || path[i+2] == 'e'):
			dst = append(dst, '~')
			i += 2
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// headerValues returns the values of the header whose lower-case name is lname: a direct lookup of
// the canonical form (what net/http stores), else the first key equal to lname ignoring case.
func headerValues(h http.Header, lname string) []string {
	if len(h) == 0 {
		return nil
	}
	var buf [128]byte
	if len(lname) <= len(buf) {
		if vs, ok := h[string(canonicalKey(buf[:0], lname))]; ok {
			return vs
		}
	}
	for k, vs := range h {
		if strings.EqualFold(k, lname) {
			return vs
		}
	}
	return nil
}

// canonicalKey appends the net/http canonical form of a header name (textproto rules: upper-case
// the first letter and each letter after '-'; names with non-token bytes are left as they are).
func canonicalKey(dst []byte, name string) []byte {
	if !isToken(name, false) {
		return append(dst, name...)
	}
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
		upper = c == '-'
	}
	return dst
}

// header1 returns the first value of a header given in canonical form, or "".
func header1(h http.Header, canonical string) string {
	if vs := h[canonical]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// SignV3 signs req with V3 (ACS3-HMAC-SHA256) like darabonba-openapi. It sets x-acs-date (now,
// UTC), x-acs-signature-nonce, x-acs-content-sha256 (of body, which must be exactly what req will
// send; SignV3 does not touch req.Body), for STS credentials x-acs-accesskey-id and
// x-acs-security-token, and finally Authorization, signing host (req.Host, else req.URL.Host),
// content-type and every x-acs-* header present (names that are not valid header tokens are
// skipped). The caller sets x-acs-action, x-acs-version and
// any other header before calling.
//
// For bearer credentials (cred.BearerToken set) it sets x-acs-bearer-token and the query parameter
// SignatureType=BEARERTOKEN instead, and removes any Authorization header.
func SignV3(req *http.Request, body []byte, cred Credentials, now time.Time, nonce string) error {
	if req == nil || req.URL == nil {
		return errors.New("signing: SignV3: nil request or URL")
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	h := req.Header
	h.Set(chDate, now.UTC().Format(TimestampLayout))
	h.Set(chNonce, nonce)
	h.Set(chContentSHA256, HashPayload(body))

	query, err := url.ParseQuery(req.URL.RawQuery)
	if err != nil {
		return errors.New("signing: SignV3: bad query: " + err.Error())
	}
	if cred.BearerToken != "" {
		h.Set(chBearerToken, cred.BearerToken)
		h.Del(chAuthorization)
		query.Set(v1SignatureType, bearerSigType)
		req.URL.RawQuery = query.Encode()
		return nil
	}
	if cred.AccessKeyID == "" {
		return errors.New("signing: SignV3: no AccessKeyID and no BearerToken")
	}
	if cred.SecurityToken != "" {
		h.Set(chAccessKeyID, cred.AccessKeyID)
		h.Set(chSecurityToken, cred.SecurityToken)
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	if host == "" {
		return errors.New("signing: SignV3: request has no host")
	}
	names := []string{hHost}
	for k := range h {
		if !strings.EqualFold(k, hContentType) && (len(k) < len(acsPrefix) || !strings.EqualFold(k[:len(acsPrefix)], acsPrefix)) {
			continue
		}
		lk := strings.ToLower(k)
		if !isToken(lk, true) {
			continue // not a valid header name; net/http would refuse to send it
		}
		if (lk == hContentType || strings.HasPrefix(lk, acsPrefix)) && !slices.Contains(names, lk) {
			names = append(names, lk)
		}
	}
	slices.Sort(names)
	signed := strings.Join(names, ";")

	s := getScratch()
	defer putScratch(s)
	cr := v3CanonicalRequest(s, req.Method, req.URL.EscapedPath(), query, h, host, signed, h.Get(chContentSHA256))
	mac := v3MAC(s, cr, cred.AccessKeySecret)
	h.Set(chAuthorization, V3Algorithm+" Credential="+cred.AccessKeyID+",SignedHeaders="+signed+",Signature="+hex.EncodeToString(mac[:]))
	return nil
}

// v3MAC hashes the canonical request cr, writes the StringToSign into s.b after the mac gap and
// returns its HMAC-SHA256 with secret.
func v3MAC(s *scratch, cr []byte, secret string) [sha256.Size]byte {
	sum := sha256.Sum256(cr)
	b := append(s.b[:0], zeroPrefix[:]...)
	b = append(b, V3Algorithm+"\n"...)
	b = hex.AppendEncode(b, sum[:])
	s.b = b
	return hmacSHA256(secret, b)
}
