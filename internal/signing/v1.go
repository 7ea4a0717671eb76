package signing

import (
	"encoding/base64"
	"net/url"
	"slices"
	"time"
)

// TimestampLayout is the format of the V1 Timestamp parameter and the V3 x-acs-date header
// (always UTC).
const TimestampLayout = "2006-01-02T15:04:05Z"

// V1 parameter names and values.
const (
	v1Signature        = "Signature"
	v1SignatureMethod  = "SignatureMethod"
	v1SignatureVersion = "SignatureVersion"
	v1SignatureNonce   = "SignatureNonce"
	v1SignatureType    = "SignatureType"
	v1Timestamp        = "Timestamp"
	v1AccessKeyID      = "AccessKeyId"
	v1SecurityToken    = "SecurityToken"
	v1BearerToken      = "BearerToken"

	v1Method       = "HMAC-SHA1"
	v1Version      = "1.0"
	bearerSigType  = "BEARERTOKEN"
	v1STSSeparator = "&%2F&"
)

// V1StringToSign returns the V1 StringToSign of a request:
//
//	METHOD + "&%2F&" + PercentEncode(canonicalized query)
//
// where the canonicalized query is every parameter except Signature, empty values included,
// sorted by name in byte order, each as PercentEncode(name)=PercentEncode(value), joined by "&".
//
// A name that has several values (the SDKs never send one) contributes one name=value pair per
// value, the values sorted in byte order, so the result does not depend on their order on the wire.
// params may be nil.
func V1StringToSign(method string, params url.Values) string {
	s := getScratch()
	defer putScratch(s)
	return string(s.v1StringToSign(method, params, nil)[macPrefix:])
}

// V1Signature returns base64(HMAC-SHA1(secret + "&", stringToSign)), the V1 Signature parameter.
// For bearer tokens the SDK signs with an empty secret, i.e. the key "&".
func V1Signature(stringToSign, secret string) string {
	s := getScratch()
	defer putScratch(s)
	s.b = append(s.b[:0], zeroPrefix[:]...)
	s.b = append(s.b, stringToSign...)
	mac := v1MAC(s, secret)
	return base64.StdEncoding.EncodeToString(mac[:])
}

// v1MAC computes the V1 HMAC over s.b[macPrefix:] with the key secret + "&".
func v1MAC(s *scratch, secret string) [20]byte {
	// The key is secret+"&"; build it on the stack when it fits.
	var kb [macPrefix]byte
	if len(secret) < macPrefix {
		n := copy(kb[:], secret)
		kb[n] = '&'
		return hmacSHA1(kb[:n+1], s.b)
	}
	return hmacSHA1(secret+"&", s.b)
}

// v1StringToSign builds the StringToSign of the parameters of q and f (merged; both may be nil)
// into s.b after a macPrefix gap and returns s.b.
func (s *scratch) v1StringToSign(method string, q, f url.Values) []byte {
	s.keys = s.keys[:0]
	for k := range q {
		if k != v1Signature {
			s.keys = append(s.keys, k)
		}
	}
	for k := range f {
		if _, dup := q[k]; !dup && k != v1Signature {
			s.keys = append(s.keys, k)
		}
	}
	slices.Sort(s.keys)

	a := s.a[:0]
	for i, k := range s.keys {
		qv, fv := q[k], f[k]
		vals, own := qv, false
		switch {
		case len(fv) == 0:
		case len(qv) == 0:
			vals = fv
		default:
			s.vals = append(append(s.vals[:0], qv...), fv...)
			vals, own = s.vals, true
		}
		if len(vals) > 1 && !slices.IsSorted(vals) {
			if !own { // never reorder the caller's slice
				s.vals = append(s.vals[:0], vals...)
				vals = s.vals
			}
			slices.Sort(vals)
		}
		if len(vals) == 0 { // a name with no value at all still takes part, as name=
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
	s.a = a

	b := append(s.b[:0], zeroPrefix[:]...)
	b = append(b, method...)
	b = append(b, v1STSSeparator...)
	b = appendPercentEncode(b, a)
	s.b = b
	return b
}

var emptyValue = []string{""}

// SignV1 adds the V1 common parameters to params, exactly like the old SDK
// (github.com/aliyun/alibaba-cloud-sdk-go), and then the Signature:
//
//	Timestamp         now in UTC, [TimestampLayout]
//	SignatureMethod   HMAC-SHA1
//	SignatureVersion  1.0
//	SignatureType     "" (present and empty), or BEARERTOKEN for bearer credentials
//	SignatureNonce    nonce
//	AccessKeyId       cred.AccessKeyID ("" for bearer credentials, as the SDK sends it)
//	SecurityToken     cred.SecurityToken, when set (STS)
//	BearerToken       cred.BearerToken, when set (bearer credentials take precedence)
//
// Action, Version, Format and RegionId are the caller's. An old Signature is replaced. params
// must not be nil; the method must be the HTTP method the request will use.
func SignV1(method string, params url.Values, cred Credentials, now time.Time, nonce string) {
	params.Del(v1Signature)
	params.Set(v1Timestamp, now.UTC().Format(TimestampLayout))
	params.Set(v1SignatureMethod, v1Method)
	params.Set(v1SignatureVersion, v1Version)
	params.Set(v1SignatureNonce, nonce)
	params.Set(v1AccessKeyID, cred.AccessKeyID)
	if cred.SecurityToken != "" {
		params.Set(v1SecurityToken, cred.SecurityToken)
	}
	if cred.BearerToken != "" {
		params.Set(v1BearerToken, cred.BearerToken)
		params.Set(v1SignatureType, bearerSigType)
	} else {
		params.Set(v1SignatureType, "")
	}

	s := getScratch()
	defer putScratch(s)
	s.v1StringToSign(method, params, nil)
	mac := v1MAC(s, cred.AccessKeySecret)
	params.Set(v1Signature, base64.StdEncoding.EncodeToString(mac[:]))
}
