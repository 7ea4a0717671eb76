package signing

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// requireTyped fails unless err is nil or an *Error with a gateway code.
func requireTyped(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var se *Error
	require.True(t, errors.As(err, &se), "untyped error %T: %v", err, err)
	require.NotEmpty(t, se.Code(), "%v", err)
}

func FuzzVerifyV1(f *testing.F) {
	req, _ := readCapture(f, "acs_v1_ak.http")
	f.Add(req.Method, req.URL.RawQuery, "", []byte(nil))
	f.Add("POST", "Action=CreateInstance&Version=2017-12-14", "application/x-www-form-urlencoded", []byte(req.URL.RawQuery))
	f.Add("GET", "Signature=&SignatureMethod=HMAC-SHA1&AccessKeyId=testAKID&Timestamp=x&SignatureNonce=1&SignatureVersion=1.0", "", []byte(nil))
	f.Add("POST", "BearerToken=bearer-abc&SignatureType=BEARERTOKEN&Timestamp=2026-11-25T18%3A11%3A59Z&SignatureNonce=n", "", []byte(nil))
	f.Add("POST", "a=1&a=2&%zz&=x&Signature=a&Signature=b", "application/x-www-form-urlencoded; charset=utf-8", []byte("a=3&Signature=c&+=%2B"))

	f.Fuzz(func(t *testing.T, method, rawQuery, contentType string, body []byte) {
		r := Request{Method: method, Host: testHost, Path: "/", Header: http.Header{"Content-Type": {contentType}}, Body: body}
		r.Query, _ = url.ParseQuery(rawQuery)
		if IsForm(contentType) {
			r.Form, _ = url.ParseQuery(string(body))
		}
		_, err := newTestVerifier(v1CaptureTime).Verify(r)
		requireTyped(t, err)

		// Whatever parameters arrive, signing them with SignV1 must verify.
		p := cloneValues(r.Query)
		if p == nil {
			p = url.Values{}
		}
		p.Del(v1BearerToken)
		p.Del(v1SecurityToken)
		SignV1(method, p, akCred, v1CaptureTime, "fuzz-nonce")
		signed := Request{Method: method, Host: testHost, Path: "/", Query: p}
		id, err := newTestVerifier(v1CaptureTime).Verify(signed)
		require.NoError(t, err, "query %q", rawQuery)
		require.Equal(t, SchemeV1, id.Scheme)
	})
}

// parseHeaderBlob reads "Name: value" lines.
func parseHeaderBlob(blob string) http.Header {
	h := http.Header{}
	for line := range strings.SplitSeq(blob, "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok {
			h.Add(name, value)
		}
	}
	return h
}

func FuzzVerifyV3(f *testing.F) {
	req, body := readCapture(f, "doa_v3_ak.http")
	var blob strings.Builder
	for k, vs := range req.Header {
		for _, v := range vs {
			if k != "Authorization" {
				blob.WriteString(k + ": " + v + "\n")
			}
		}
	}
	f.Add(req.Method, req.URL.RawQuery, blob.String(), req.Header.Get("Authorization"), body)
	f.Add("POST", "", "X-Acs-Date: 2026-11-25T18:14:11Z\nX-Acs-Signature-Nonce: n\nX-Acs-Content-Sha256: "+emptySHA256,
		"ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=00", []byte(nil))
	f.Add("GET", "SignatureType=BEARERTOKEN", "X-Acs-Bearer-Token: bearer-abc\nX-Acs-Date: 2026-11-25T18:14:11Z", "", []byte("x"))
	f.Add("", "a=%20&b", "x-acs-extra:  two \nX-ACS-EXTRA:one\nContent-Type: text/plain", "ACS3-HMAC-SHA256 Credential=,,", []byte("{}"))

	f.Fuzz(func(t *testing.T, method, rawQuery, headerBlob, auth string, body []byte) {
		h := parseHeaderBlob(headerBlob)
		if auth != "" {
			h.Set("Authorization", auth)
		}
		r := Request{Method: method, Host: testHost, Path: "/", Header: h, Body: body}
		r.Query, _ = url.ParseQuery(rawQuery)
		_, err := newTestVerifier(v3CaptureTime).Verify(r)
		requireTyped(t, err)
		_, _ = ParseAuthorization(auth)

		// Whatever headers, query and body arrive, signing them with SignV3 must verify.
		h = h.Clone()
		for _, k := range []string{chBearerToken, chSecurityToken, chAccessKeyID} {
			h.Del(k)
		}
		h.Set("X-Acs-Action", "CreateInstance")
		h.Set("X-Acs-Version", "2017-12-14")
		hr := &http.Request{Method: method, URL: &url.URL{Scheme: "http", Host: testHost, Path: "/", RawQuery: rawQuery}, Host: testHost, Header: h}
		if err := SignV3(hr, body, akCred, v3CaptureTime, "fuzz-nonce"); err != nil {
			_, perr := url.ParseQuery(rawQuery)
			require.Error(t, perr, "SignV3 failed: %v", err)
			return
		}
		id, err := newTestVerifier(v3CaptureTime).Verify(RequestFromHTTP(hr, body))
		require.NoError(t, err, "headers %q", headerBlob)
		require.Equal(t, SchemeV3, id.Scheme)
	})
}

func FuzzParseAuthorization(f *testing.F) {
	req, _ := readCapture(f, "doa_v3_ak.http")
	f.Add(req.Header.Get("Authorization"))
	f.Add("ACS3-HMAC-SHA256 Credential=AK, SignedHeaders=a;b, Signature=ff")
	f.Add("ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a,Signature=f,")
	f.Add("ACS3-HMAC-SHA256 Credential==,SignedHeaders=;,Signature==")
	f.Add("\tACS3 \t Credential=a\t,SignedHeaders=host ,Signature=x")

	f.Fuzz(func(t *testing.T, h string) {
		a, err := ParseAuthorization(h)
		if err != nil {
			var se *Error
			require.ErrorAs(t, err, &se)
			require.Equal(t, KindIncompleteSignature, se.Kind)
			require.ErrorIs(t, err, ErrMalformedAuthorization)
			return
		}
		require.NotEmpty(t, a.Algorithm)
		require.NotEmpty(t, a.Credential)
		require.NotEmpty(t, a.Signature)
		require.NotEmpty(t, a.SignedHeaders)
		for _, name := range a.SignedHeaders {
			require.True(t, isToken(name, true), "%q", name)
		}
		// Re-serialising gives the same parse.
		again, err := ParseAuthorization(a.Algorithm + " Credential=" + a.Credential + ",SignedHeaders=" +
			strings.Join(a.SignedHeaders, ";") + ",Signature=" + a.Signature)
		require.NoError(t, err)
		require.Equal(t, a, again)
	})
}
