package fake

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/bsskit/bsskit/internal/wire"
	"github.com/bsskit/bsskit/spec"
)

// recovered answers a request whose handling panicked: a bug of the fake. It logs the panic and its
// stack at error level and answers InternalError (HTTP 500, the gateway's own status for it) in the
// real error shape, without the stack; admin requests get {"error": ...}. The exchange, if any, is
// journalled as usual so that the journal's Seq stays contiguous. http.ErrAbortHandler is
// re-raised: it is net/http's way to abort a response on purpose.
func (s *Server) recovered(w http.ResponseWriter, r *http.Request, ex *exchange, p any) {
	if p == http.ErrAbortHandler { // a transport fault broke the answer off on purpose (transport.go)
		if ex != nil {
			ex.record()
		}
		panic(p)
	}
	s.log.Error("panic while answering a request: a bug in the fake, please report it",
		"panic", fmt.Sprint(p), "method", r.Method, "path", r.URL.Path, "stack", string(debug.Stack()))
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error (logged by the fake)"})
		return
	}
	if ex == nil {
		ex = &exchange{s: s, w: w, r: r}
		ex.site, ex.entry.Endpoint = s.siteOf(r)
		ex.entry.Site = ex.site.Name
		s.number(ex)
	}
	if ex.req == nil {
		ex.req = &wire.Request{Format: safeFormat(r)}
	}
	if !ex.written {
		def := spec.MustLookup(spec.CodeInternalError)
		ex.noSpec = false
		ex.failWith(def, http.StatusInternalServerError, def.Message)
	}
	func() {
		defer func() {
			if p2 := recover(); p2 != nil {
				s.log.Error("panic while journalling a failed request", "panic", fmt.Sprint(p2))
			}
		}()
		ex.finish()
	}()
}

// safeFormat negotiates the answer's format from r without trusting anything to parse.
func safeFormat(r *http.Request) (f spec.Format) {
	defer func() {
		if recover() != nil {
			f = spec.FormatJSON
		}
	}()
	req, _ := wire.Parse(r, nil)
	return req.Format
}
