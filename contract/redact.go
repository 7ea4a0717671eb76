package contract

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Redacted replaces every secret in reports.
const Redacted = "REDACTED"

// secretParams are query or form parameters whose values are secrets or signatures.
var secretParams = map[string]bool{"Signature": true, "SecurityToken": true, "BearerToken": true, "AccessKeySecret": true}

// secretHeaders are headers whose values are secrets (canonical form).
var secretHeaders = map[string]bool{"X-Acs-Security-Token": true, "X-Acs-Bearer-Token": true, "Cookie": true, "Proxy-Authorization": true}

// redactQuery replaces secret values in a raw query or form body.
func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, _, hasValue := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if hasValue && secretParams[key] {
			parts[i] = k + "=" + Redacted
		}
	}
	return strings.Join(parts, "&")
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.User = nil
	u.RawQuery = redactQuery(u.RawQuery)
	return u.String()
}

func redactHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		switch {
		case secretHeaders[ck]:
			out[ck] = []string{Redacted}
		case ck == "Authorization":
			red := make([]string, len(vs))
			for i, v := range vs {
				if j := strings.Index(v, "Signature="); j >= 0 && strings.HasPrefix(v, "ACS3-") {
					red[i] = v[:j] + "Signature=" + Redacted
				} else {
					red[i] = Redacted
				}
			}
			out[ck] = red
		default:
			out[ck] = append([]string(nil), vs...)
		}
	}
	return out
}

// redactText removes the secret from free text, should it ever appear (defence in depth).
func redactText(s string, c Credentials) string {
	for _, secret := range []string{c.AccessKeySecret, c.SecurityToken} {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, Redacted)
		}
	}
	return s
}

func redactRequest(p *prepared, c Credentials) ExchangeRequest {
	body := ""
	if p.body != nil {
		body = redactText(redactQuery(string(p.body)), c)
	}
	return ExchangeRequest{Method: p.method, URL: redactText(redactURL(p.url), c), Header: redactHeader(p.header), Body: body}
}

// curl renders p as a one-line curl command, signature and tokens redacted.
func curl(p *prepared, c Credentials) string {
	var b strings.Builder
	b.WriteString("curl -sS -X ")
	b.WriteString(p.method)
	h := redactHeader(p.header)
	keys := make([]string, 0, len(h))
	for k := range h {
		if k == "User-Agent" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			b.WriteString(" -H ")
			b.WriteString(shellQuote(k + ": " + v))
		}
	}
	if p.body != nil {
		b.WriteString(" --data-raw ")
		b.WriteString(shellQuote(redactQuery(string(p.body))))
	}
	b.WriteString(" ")
	b.WriteString(shellQuote(redactURL(p.url)))
	return redactText(b.String(), c)
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
