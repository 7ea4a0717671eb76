// Package redact removes secrets from what bsskit shows: the fake's journal, logs and admin API, and
// the contract suite's reports. One list of secret parameters and headers serves both.
package redact

import (
	"net/http"
	"net/url"
	"strings"
)

// Marker replaces every secret value.
const Marker = "REDACTED"

// secretParams are query or form parameters whose values are secrets or signatures.
var secretParams = map[string]bool{"Signature": true, "SecurityToken": true, "BearerToken": true, "AccessKeySecret": true}

// secretHeaders are headers whose values are secrets (canonical form).
var secretHeaders = map[string]bool{
	"X-Acs-Security-Token": true, "X-Acs-Bearer-Token": true, "Cookie": true, "X-Bsskit-Admin-Token": true,
	"Proxy-Authorization": true,
}

// Query replaces secret parameter values in a raw query or form body, keeping everything else byte
// for byte. A malformed query still has every value of a secret-looking key replaced.
func Query(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	changed := false
	for i, p := range parts {
		k, _, hasValue := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if hasValue && secretParams[key] {
			parts[i] = k + "=" + Marker
			changed = true
		}
	}
	if !changed {
		return raw
	}
	return strings.Join(parts, "&")
}

// Header returns a copy of h with secret values replaced; keys keep their spelling.
func Header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		switch {
		case secretHeaders[ck]:
			out[k] = []string{Marker}
		case ck == "Authorization":
			red := make([]string, len(vs))
			for i, v := range vs {
				red[i] = Authorization(v)
			}
			out[k] = red
		default:
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

// Authorization keeps the algorithm, credential and signed headers of a V3 Authorization header and
// replaces its signature; any other Authorization value is replaced whole.
func Authorization(v string) string {
	if !strings.HasPrefix(v, "ACS3-") {
		return Marker
	}
	i := strings.Index(v, "Signature=")
	if i < 0 {
		return v
	}
	return v[:i] + "Signature=" + Marker
}
