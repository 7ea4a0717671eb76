package fake

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/bsskit/bsskit/internal/loopback"
)

// checkBind refuses a non-loopback address without an admin token.
func (s *Server) checkBind(addr string) error {
	if s.cfg.adminToken == "" && !loopback.Addr(addr) {
		return ErrAdminTokenRequired
	}
	return nil
}

// adminGate authorises an admin request: the token when one is set, and for requests that change
// state, a guard against cross-site browser requests. false means it answered.
func (s *Server) adminGate(w http.ResponseWriter, r *http.Request) bool {
	if s.cfg.adminToken != "" && !s.adminTokenOK(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="bsskit admin"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "the admin API needs the admin token: send \"Authorization: Bearer <token>\" or \"" + AdminTokenHeader + ": <token>\""})
		return false
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	if reason := crossSite(r); reason != "" {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "cross-site request refused: " + reason})
		return false
	}
	return true
}

// adminTokenOK compares the presented token with the configured one in constant time (over
// SHA-256 digests, so that the length does not leak either).
func (s *Server) adminTokenOK(r *http.Request) bool {
	got := r.Header.Get(AdminTokenHeader)
	if got == "" {
		if auth := r.Header.Get("Authorization"); len(auth) > 7 && strings.EqualFold(auth[:7], "Bearer ") {
			got = strings.TrimSpace(auth[7:])
		}
	}
	if got == "" {
		return false
	}
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(s.cfg.adminToken))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// crossSite returns why a state-changing admin request looks like it came from another site's page
// in a browser, or "" if it does not. Browsers mark such requests: Sec-Fetch-Site ("cross-site",
// "same-site") and an Origin that is not this server ("null" from sandboxed pages and some
// redirects). Tools such as curl and Go clients send neither and pass whatever their content type,
// so "curl -d" (a form content type) works as pasted.
func crossSite(r *http.Request) string {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return "Sec-Fetch-Site is " + site
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if origin == "null" || err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
			return "Origin " + origin + " is not this server"
		}
	}
	return ""
}
