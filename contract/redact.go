package contract

import (
	"net/url"
	"sort"
	"strings"

	"github.com/bsskit/bsskit/internal/redact"
)

// Redacted replaces every secret in reports.
const Redacted = redact.Marker

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.User = nil
	u.RawQuery = redact.Query(u.RawQuery)
	return u.String()
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
		body = redactText(redact.Query(string(p.body)), c)
	}
	return ExchangeRequest{Method: p.method, URL: redactText(redactURL(p.url), c), Header: redact.Header(p.header), Body: body}
}

// curl renders p as a one-line curl command, signature and tokens redacted.
func curl(p *prepared, c Credentials) string {
	var b strings.Builder
	b.WriteString("curl -sS -X ")
	b.WriteString(p.method)
	h := redact.Header(p.header)
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
		b.WriteString(shellQuote(redact.Query(string(p.body))))
	}
	b.WriteString(" ")
	b.WriteString(shellQuote(redactURL(p.url)))
	return redactText(b.String(), c)
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
