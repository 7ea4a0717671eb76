package contract

import (
	"runtime/debug"
	"strings"
	"sync"
)

// UserAgentProduct is the product token of the User-Agent of every request the suite sends (the
// API's, the admin API's, the repeats that resolve lost answers): "bsskit-contract/VERSION" (see
// [UserAgent]). The suite's requests are deliberately wrong in every way a caller can be wrong; a
// server that judges its callers (the fake's verdicts, a gateway's logs) leaves out the requests
// whose User-Agent has a token "bsskit-contract/..." so that a contract run is not taken for a
// careless caller.
const UserAgentProduct = "bsskit-contract"

// UserAgent returns the User-Agent of the suite's requests: [UserAgentProduct] "/" the version of
// the bsskit module the program was built with ("devel" for a build from a work tree, as in go
// test).
func UserAgent() string { return userAgent() }

var userAgent = sync.OnceValue(func() string {
	version := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok {
		mods := append([]*debug.Module{&bi.Main}, bi.Deps...)
		for _, m := range mods {
			if m != nil && m.Path == "github.com/bsskit/bsskit" && m.Version != "" && m.Version != "(devel)" {
				version = strings.TrimPrefix(m.Version, "v")
			}
		}
	}
	return UserAgentProduct + "/" + version
})
