// Package loopback says whether an address names only this machine. The fake (admin token rule),
// bsskit serve (its start-up messages) and the SDK helpers (which refuse anything else) share it,
// so the three cannot disagree on what "loopback" means.
package loopback

import (
	"net"
	"strings"
)

// Addr reports whether addr ("host:port", "[v6]:port" or a bare host) names only loopback
// interfaces: "localhost" (any case), 127.0.0.0/8 or ::1. An empty host, 0.0.0.0, :: and every
// other name or address are not loopback.
func Addr(addr string) bool {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
