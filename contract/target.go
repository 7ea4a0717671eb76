package contract

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bsskit/bsskit/internal/signing"
	"github.com/bsskit/bsskit/spec"
)

// SignatureVersion selects how the suite signs its requests.
type SignatureVersion string

// The signature versions of the official SDKs.
const (
	// V1 is HMAC-SHA1 in the Signature query parameter, with Action and Version in the query (the
	// old SDK, github.com/aliyun/alibaba-cloud-sdk-go). The default.
	V1 SignatureVersion = "v1"
	// V3 is ACS3-HMAC-SHA256 in the Authorization header, with Action and Version only in the
	// x-acs-action and x-acs-version headers (darabonba-openapi's default).
	V3 SignatureVersion = "v3"
)

// Credentials are the AccessKey the suite signs with. [CredentialsFromEnv] reads them from the
// standard environment variables. The secret is never printed: reports redact every signature.
type Credentials struct {
	// AccessKeyID is the AccessKey ID.
	AccessKeyID string
	// AccessKeySecret is the AccessKey secret.
	AccessKeySecret string
	// SecurityToken is the STS token, if the key is temporary.
	SecurityToken string
}

// The standard environment variables of the Alibaba Cloud SDKs and CLI.
const (
	EnvAccessKeyID     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvSecurityToken   = "ALIBABA_CLOUD_SECURITY_TOKEN"
)

// CredentialsFromEnv returns the credentials of the standard environment variables, read through
// getenv (os.Getenv in a program). ok is false when the ID or the secret is missing.
func CredentialsFromEnv(getenv func(string) string) (c Credentials, ok bool) {
	c = Credentials{AccessKeyID: getenv(EnvAccessKeyID), AccessKeySecret: getenv(EnvAccessKeySecret), SecurityToken: getenv(EnvSecurityToken)}
	return c, c.AccessKeyID != "" && c.AccessKeySecret != ""
}

// String never shows the secret.
func (c Credentials) String() string {
	if c.AccessKeyID == "" {
		return "<no credentials>"
	}
	return "AccessKeyId " + c.AccessKeyID + " (secret redacted)"
}

// GoString never shows the secret either.
func (c Credentials) GoString() string { return "contract.Credentials{" + c.String() + "}" }

// placeholder credentials sign requests to a loopback endpoint that does not verify signatures
// when none were given.
var placeholder = Credentials{AccessKeyID: "bsskit-contract", AccessKeySecret: "bsskit-contract-secret"}

// Target is the endpoint under test.
type Target struct {
	// URL is the base URL, e.g. "http://127.0.0.1:8080" or "https://business.aliyuncs.com".
	URL string
	// Credentials sign every request. Empty credentials are allowed only for a loopback endpoint
	// that does not verify signatures.
	Credentials Credentials
	// Signature is V1 (default) or V3.
	Signature SignatureVersion
	// Client sends the requests; nil means a client with a 30-second timeout. Its transport
	// decides where connections go (tests dial a fake behind a made-up host name this way).
	Client *http.Client
}

// request is one request the suite sends, before signing.
type request struct {
	method string
	path   string
	// params are the business parameters (and for V1 Action and Version); their order does not
	// matter on the wire.
	params url.Values
	// inForm sends params (all but the signature's) in an application/x-www-form-urlencoded body.
	inForm bool
	// action and version; empty omits them. V1 puts them in the query and the x-acs-* headers,
	// V3 only in the headers.
	action, version string
	// format is "JSON", "XML" or "" (none: V3 then sends Accept: application/json unless accept
	// says otherwise).
	format string
	// accept, when set, is the Accept header.
	accept string
	// auth says how to sign.
	auth authMode
	// replayOf, when set, resends exactly that prepared request.
	replayOf *prepared
	// host, when set, is the Host header (a site's real host name, cases_site.go); V3 signs it.
	host string
}

type authMode int

const (
	authValid authMode = iota
	authBadSignature
	authUnknownKey
	authStale
	authIllegalTime
	authUnsigned   // no credentials at all
	authIncomplete // a signature the gateway cannot even check (method unsupported, date unsigned)
)

// prepared is a signed request, ready to send any number of times.
type prepared struct {
	method string
	url    string
	header http.Header
	body   []byte
	format spec.Format // the format the answer must have
	safe   bool        // the request cannot place an order
	params url.Values  // the business parameters sent (for the ledger of a replay)
	action string      // the Action sent ("" when none)
}

func (p *prepared) httpRequest(ctx context.Context) (*http.Request, error) {
	var body *bytes.Reader
	if p.body != nil {
		body = bytes.NewReader(p.body)
	}
	var r *http.Request
	var err error
	if body != nil {
		r, err = http.NewRequestWithContext(ctx, p.method, p.url, body)
	} else {
		r, err = http.NewRequestWithContext(ctx, p.method, p.url, nil)
	}
	if err != nil {
		return nil, err
	}
	r.Header = p.header.Clone()
	if h := r.Header.Get("Host"); h != "" {
		r.Host = h // net/http sends r.Host, not a Host entry of the header
		r.Header.Del("Host")
	}
	return r, nil
}

// unknownKeyID is an AccessKey ID no endpoint knows.
const unknownKeyID = "LTAIbsskitContractNoSuchKey0"

// prepare signs rq for the target. now is the client clock.
func prepare(t *Target, base *url.URL, rq *request, now time.Time) (*prepared, error) {
	if rq.replayOf != nil {
		cp := *rq.replayOf
		cp.header = rq.replayOf.header.Clone()
		return &cp, nil
	}
	cred := signing.Credentials{AccessKeyID: t.Credentials.AccessKeyID, AccessKeySecret: t.Credentials.AccessKeySecret, SecurityToken: t.Credentials.SecurityToken}
	if cred.AccessKeyID == "" {
		cred.AccessKeyID, cred.AccessKeySecret = placeholder.AccessKeyID, placeholder.AccessKeySecret
	}
	switch rq.auth {
	case authUnknownKey:
		cred = signing.Credentials{AccessKeyID: unknownKeyID, AccessKeySecret: "bsskit-contract-unknown-secret"}
	case authStale:
		now = now.Add(-time.Hour)
	}
	nonce := newNonce()
	method := rq.method
	path := rq.path
	if path == "" {
		path = "/"
	}
	header := http.Header{}
	header.Set("User-Agent", UserAgent()) // useragent.go
	if rq.action != "" {
		header.Set("x-acs-action", rq.action)
	}
	if rq.version != "" {
		header.Set("x-acs-version", rq.version)
	}
	params := cloneValues(rq.params)
	if params == nil {
		params = url.Values{}
	}
	accept := rq.accept
	if accept != "" {
		header.Set("Accept", accept)
	}
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + path
	var body []byte
	switch t.Signature {
	case V3:
		if rq.format != "" {
			params.Set("Format", rq.format)
		} else if accept == "" {
			accept = "application/json" // what darabonba-openapi sends
			header.Set("Accept", accept)
		}
		if rq.inForm {
			body = []byte(params.Encode())
			params = url.Values{}
			header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		u.RawQuery = params.Encode()
		hr, err := http.NewRequest(method, u.String(), nil)
		if err != nil {
			return nil, err
		}
		hr.Header = header
		hr.Host = rq.host
		if rq.auth != authUnsigned {
			if err := signing.SignV3(hr, body, cred, now, nonce); err != nil {
				return nil, fmt.Errorf("contract: sign V3: %w", err)
			}
		}
		u.RawQuery = hr.URL.RawQuery
		switch rq.auth {
		case authBadSignature:
			a := header.Get("Authorization")
			header.Set("Authorization", a[:len(a)-8]+flipHex(a[len(a)-8:]))
		case authIncomplete:
			// Leave x-acs-date out of the signed headers: the gateway requires it signed.
			auth, err := signing.ParseAuthorization(header.Get("Authorization"))
			if err != nil {
				return nil, fmt.Errorf("contract: sign V3: %w", err)
			}
			var signed []string
			for _, h := range auth.SignedHeaders {
				if h != "x-acs-date" {
					signed = append(signed, h)
				}
			}
			header.Set("Authorization", signing.V3Algorithm+" Credential="+auth.Credential+",SignedHeaders="+strings.Join(signed, ";")+",Signature="+auth.Signature)
		case authIllegalTime:
			// Re-sign over an unparsable date, so only the date is wrong.
			header.Set("x-acs-date", "yesterday")
			auth, err := signing.ParseAuthorization(header.Get("Authorization"))
			if err != nil {
				return nil, fmt.Errorf("contract: sign V3: %w", err)
			}
			q, _ := url.ParseQuery(u.RawQuery)
			cr := signing.V3CanonicalRequest(method, u.EscapedPath(), q, header, u.Host, auth.SignedHeaders, signing.HashPayload(body))
			sig := signing.V3Signature(signing.V3StringToSign(cr), cred.AccessKeySecret)
			header.Set("Authorization", signing.V3Algorithm+" Credential="+auth.Credential+",SignedHeaders="+strings.Join(auth.SignedHeaders, ";")+",Signature="+sig)
		}
	default:
		if rq.action != "" {
			params.Set("Action", rq.action)
		}
		if rq.version != "" {
			params.Set("Version", rq.version)
		}
		if rq.format != "" {
			params.Set("Format", rq.format)
		}
		if rq.auth == authIllegalTime {
			// Sign with an unparsable timestamp, so only the timestamp is wrong.
			signing.SignV1(method, params, cred, now, nonce)
			params.Set("Timestamp", "yesterday")
			params.Del("Signature")
			params.Set("Signature", signing.V1Signature(signing.V1StringToSign(method, params), cred.AccessKeySecret))
		} else if rq.auth != authUnsigned {
			signing.SignV1(method, params, cred, now, nonce)
		}
		if rq.auth == authIncomplete {
			params.Set("SignatureMethod", "HMAC-MD5") // not a method the gateway supports
		}
		if rq.auth == authBadSignature {
			sig := params.Get("Signature")
			params.Set("Signature", flipBase64(sig))
		}
		if rq.inForm {
			form := url.Values{}
			query := url.Values{}
			for k, v := range params {
				if isSignatureParam(k) {
					query[k] = v
				} else {
					form[k] = v
				}
			}
			body = []byte(form.Encode())
			u.RawQuery = query.Encode()
			header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			u.RawQuery = params.Encode()
		}
	}
	all := cloneValues(rq.params)
	if all == nil {
		all = url.Values{}
	}
	if rq.format != "" {
		all.Set("Format", rq.format)
	}
	if rq.host != "" {
		header.Set("Host", rq.host)
	}
	return &prepared{method: method, url: u.String(), header: header, body: body, format: spec.ResponseFormat(all.Get("Format"), accept), params: cloneValues(rq.params), action: rq.action}, nil
}

func isSignatureParam(k string) bool {
	switch k {
	case "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType", "Timestamp", "SecurityToken", "BearerToken":
		return true
	}
	return false
}

func flipBase64(s string) string {
	if s == "" {
		return "AAAA"
	}
	b := []byte(s)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

func flipHex(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == '0' {
			b[i] = '1'
		} else {
			b[i] = '0'
		}
	}
	return string(b)
}

func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// parseBase checks the target URL.
func parseBase(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("contract: the target has no URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("contract: target URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("contract: target URL %q: the scheme must be http or https", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("contract: target URL %q has no host", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("contract: target URL must not carry user information")
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// actionVersion are the routing values of a well-formed request.
var actionVersion = [2]string{spec.ActionCreateInstance, spec.Version}
