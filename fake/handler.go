package fake

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"

	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/internal/wire"
	"github.com/bsskit/bsskit/spec"
)

// exchange is one request on its way through the fake: decode, route, authenticate, fault rules,
// the Action's handler (dispatch.go), answer, journal.
type exchange struct {
	s           *Server
	site        spec.Site // the site the request came to (sites.go): its host is every body's HostId
	vars        []string  // more placeholder pairs for the message of a state-produced error (payment.go)
	w           http.ResponseWriter
	r           *http.Request
	req         *wire.Request
	entry       rawEntry
	accessKeyID string
	// bearerAccount is the account a verified bearer token stands for.
	bearerAccount string

	status  int
	code    string
	body    []byte
	written bool
	noSpec  bool       // a fault rule shaped the answer on purpose: skip the spec check
	stdHdr  *[3]string // the header values answer set, to tell an untouched header (journal.go)

	epoch uint64 // Server.journalEpoch when entry.Seq was assigned: a reset in between drops the entry
	// recorded is set once the exchange is in the journal.
	recorded bool
	// op answers the request's Action; route sets it.
	op *operation // the table's entry for the Action (dispatch.go)
	// refund is set by a rule whose outcome is a refunded duplicate ([faults.Outcome.Refund]).
	refund bool
	// nonceKey and nonceParam: with a shared store, the verified signature's nonce, recorded (or
	// refused) by the rule stage's script in the same round trip (shared.go).
	nonceKey, nonceParam string
	// ruleDeferred: with a shared store, the rule stage of a CreateInstance that no rule of
	// version ruleVer matches is left to the order's script (or settleRules): shared.go.
	ruleDeferred bool
	ruleVer      int64
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// serveHTTP answers one request like business.aliyuncs.com would. Paths under /__admin/ are the
// admin API. [Server.Handler] returns it.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	var ex *exchange
	defer func() {
		if p := recover(); p != nil {
			s.recovered(w, r, ex, p) // recover.go
		}
	}()
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.serveAdmin(w, r)
		return
	}
	ex = &exchange{s: s, w: w, r: r}
	ex.site, ex.entry.Endpoint = s.siteOf(r) // sites.go
	ex.entry.Site = ex.site.Name
	s.number(ex)
	ex.entry.Time = s.clock.Now()
	ex.entry.Method, ex.entry.Path, ex.entry.rawQuery, ex.entry.header = r.Method, r.URL.Path, r.URL.RawQuery, r.Header

	body, lerr := s.readBody(w, r) // limits.go
	req, perr := wire.Parse(r, body)
	if lerr == nil {
		lerr = s.checkLimits(r, req)
	}
	ex.req = req
	ex.entry.body, ex.entry.formBody = body, req.Form != nil
	ex.entry.Action, ex.entry.Version, ex.entry.Format = req.Action, req.Version, req.Format.String()
	ex.accessKeyID = accessKeyIDOf(req)
	ex.entry.AccessKeyID = ex.accessKeyID
	ex.entry.ProductCode, ex.entry.ClientToken = req.Params.Get("ProductCode"), req.Params.Get("ClientToken")

	switch {
	case lerr != nil:
		ex.failLimit(lerr)
	case perr != nil:
		ex.fail(perr.Code, perr.Param)
	case !ex.route():
	case !s.authenticate(ex):
	case s.keep.ruleStage() && s.applyRules(ex): // faults.go, keeper.go
	default:
		ex.op.serve(s, ex) // dispatch.go: one handler per Action
	}
	ex.finish()
}

// accessKeyIDOf returns the access key a request claims: the V1 AccessKeyId parameter, the V3
// x-acs-accesskey-id header (STS) or the Credential of a V3 Authorization header.
func accessKeyIDOf(req *wire.Request) string {
	if id := req.Params.Get("AccessKeyId"); id != "" {
		return id
	}
	if id := req.Header.Get("x-acs-accesskey-id"); id != "" {
		return id
	}
	auth := req.Header.Get("Authorization")
	if i := strings.Index(auth, "Credential="); i >= 0 {
		rest := auth[i+len("Credential="):]
		if j := strings.IndexAny(rest, ", "); j >= 0 {
			rest = rest[:j]
		}
		return rest
	}
	return ""
}

// route checks the method, path, action and version; false means an error was answered.
func (ex *exchange) route() bool {
	req := ex.req
	switch {
	case req.Path != "/":
		ex.fail(spec.CodeInvalidActionNotFound, "")
	case req.Method != http.MethodPost && req.Method != http.MethodGet:
		ex.fail(spec.CodeUnsupportedHTTPMethod, "")
	case req.Action == "":
		ex.fail(spec.CodeMissingParameter, "Action")
	case !ex.lookupOp():
		ex.fail(spec.CodeInvalidActionNotFound, "")
	case req.Version == "":
		ex.fail(spec.CodeMissingParameter, "Version")
	case req.Version != spec.Version:
		ex.fail(spec.CodeInvalidVersion, "")
	default:
		return true
	}
	return false
}

// fail answers the catalogued error code; param names the offending parameter in the message.
func (ex *exchange) fail(code spec.Code, param string) {
	def, ok := spec.Lookup(code)
	if !ok {
		def = spec.MustLookup(spec.CodeInternalError)
	}
	ex.failWith(def, def.HTTPStatus, def.Render(append([]string{"param", param}, ex.vars...)...))
}

// failWith answers an error with an explicit status and message: HTTP 200 is the body channel
// (Success false), any other status the gateway error shape.
func (ex *exchange) failWith(def spec.ErrorDef, status int, message string) {
	if status == http.StatusOK {
		ex.failInBody(def, message)
		return
	}
	id := ex.entry.RequestID
	bp := bufPool.Get().(*[]byte)
	body := wire.AppendFailure((*bp)[:0], ex.req.Format, &generated.ErrorResponse{
		RequestId: id,
		HostId:    ex.site.Host,
		Code:      string(def.Code),
		Message:   message,
		Recommend: wire.Recommend(string(def.Code), id),
	})
	ex.answer(status, string(def.Code), body)
	*bp = body
	bufPool.Put(bp)
}

// succeed answers HTTP 200 with the order.
func (ex *exchange) succeed(o *store.Record, replayed bool) {
	bp := bufPool.Get().(*[]byte)
	body := ex.appendSuccess((*bp)[:0], o)
	ex.entry.OrderID, ex.entry.Replayed = o.OrderID, replayed
	ex.answer(http.StatusOK, "Success", body)
	*bp = body
	bufPool.Put(bp)
}

// appendSuccess appends the body of the answer that names o to dst. The shared store journals
// this body before the answer is sent (shared.go: journalAhead), so both use this one function.
func (ex *exchange) appendSuccess(dst []byte, o *store.Record) []byte {
	return wire.AppendSuccess(dst, ex.req.Format, &generated.CreateInstanceResponse{
		RequestId: ex.entry.RequestID,
		Success:   true,
		Code:      "Success",
		Message:   "Successful!",
		Data:      generated.CreateInstanceData{OrderId: o.OrderID, InstanceId: o.InstanceID},
	})
}

// answer writes the response. body is copied into the journal, so the caller may reuse it.
func (ex *exchange) answer(status int, code string, body []byte) {
	if ex.written {
		return
	}
	ex.written = true
	ex.status, ex.code = status, code
	h := ex.w.Header()
	hv := new([3]string) // one allocation for the three values (journal.go: stdHeader)
	hv[0], hv[1], hv[2] = ex.req.Format.ContentType(), ex.entry.RequestID, strconv.Itoa(len(body))
	h["Content-Type"], h["X-Acs-Request-Id"], h["Content-Length"] = hv[0:1:1], hv[1:2:2], hv[2:3:3]
	ex.stdHdr = hv
	ex.body = append([]byte(nil), body...)
	if _, capturing := ex.w.(*captureWriter); !capturing {
		ex.record() // before the client can see the answer, so the journal never lags behind it
	}
	ex.w.WriteHeader(status)
	_, _ = ex.w.Write(body)
}

// record adds the exchange to the journal, once. It runs just before the first byte of the answer
// (or the transport fault) reaches the client: a client that got its answer finds it journalled.
func (ex *exchange) record() {
	if ex.recorded {
		return
	}
	ex.recorded = true
	s := ex.s
	ex.entry.Status, ex.entry.Code = ex.status, ex.code
	ex.entry.respBody = ex.body
	if ex.written {
		ex.recordHeader() // journal.go
	}
	s.keep.record(ex) // keeper.go
}

// finish records the exchange in the journal if nothing did yet and runs the spec check.
func (ex *exchange) finish() {
	s := ex.s
	ex.record()
	if s.specV != nil && ex.written && !ex.noSpec {
		s.checkSpec(ex)
	} else if s.resp && ex.written && !ex.noSpec {
		s.checkCompiled(ex) // respcheck.go
	}
	if s.log.Enabled(context.Background(), slog.LevelDebug) {
		s.log.LogAttrs(context.Background(), slog.LevelDebug, "request",
			slog.Uint64("seq", ex.entry.Seq), slog.String("method", ex.entry.Method),
			slog.String("action", ex.entry.Action), slog.String("accessKeyId", ex.entry.AccessKeyID),
			slog.Int("status", ex.status), slog.String("code", ex.code),
			slog.String("requestId", ex.entry.RequestID), slog.String("orderId", ex.entry.OrderID))
	}
}

// checkSpec validates the answer against the spec. Requests the spec has no operation for (another
// path or method) are validated as if they were POST /, whose error responses they share.
func (s *Server) checkSpec(ex *exchange) {
	r := ex.r
	if r.URL.Path != "/" || (r.Method != http.MethodPost && r.Method != http.MethodGet) {
		r = httptest.NewRequest(http.MethodPost, "/", nil)
	}
	if err := s.specV.ValidateResponse(r.Context(), r, ex.status, ex.w.Header(), ex.body); err != nil {
		s.cfg.specCheck(err)
	}
}

// number gives an exchange its place in the journal and its RequestId: the one place requests
// are numbered (the request path and the recover middleware both call it). The caller allocates
// the exchange, so that on the request path it can stay on the stack.
func (s *Server) number(ex *exchange) {
	s.mu.Lock()
	s.journal.seq++
	ex.entry.Seq, ex.epoch = s.journal.seq, s.journalEpoch
	ex.entry.RequestID = s.newRequestIDLocked()
	s.mu.Unlock()
}
