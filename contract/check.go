package contract

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bsskit/bsskit/spec"
)

// NoSuchProduct is the ProductCode of every request the suite sends that must not place an order:
// no endpoint has such a product, so even an endpoint that skips the check a case is about rejects
// the request (with ProductNotFind) instead of buying something.
const NoSuchProduct = "bsskit-contract-no-such-product"

// maxBody bounds the answers the suite reads.
const maxBody = 1 << 20

// ErrUsage wraps the errors of [Check] that are the caller's: a bad URL, a negative order budget, an
// order budget for a non-loopback endpoint without products, missing credentials.
var ErrUsage = errors.New("contract: usage")

// validatorOnce loads the spec validator once for every run: it is read-only and safe for
// concurrent use.
var validatorOnce = sync.OnceValues(spec.NewValidator)

func sharedValidator() (*spec.Validator, error) { return validatorOnce() }

// errBudget stops a run.
var errBudget = errors.New("order budget exhausted")

// runner is one run against one target.
type runner struct {
	ctx       context.Context
	target    Target
	base      *url.URL
	opts      config
	client    *http.Client
	validator *spec.Validator
	report    *Report
	runID     string
	tokens    int

	ordersAllowed bool
	writesAllowed bool     // the cases of writes other than the lifecycle's may be sent (cases_ops.go)
	unserved      []string // the operations the endpoint answered InvalidAction.NotFound (cases_ops.go)
	maxOrders     int      // the budget when limited
	limited       bool
	products      []Product
	notApplicable *catalogProduct // a product marked not applicable, from the catalogue
	verifyUnknown bool            // whether the target verifies signatures cannot be known: the auth cases do not apply
	adminRefused  int             // the status (401, 403) of the first refused admin request; 0 if none

	requestIDs map[string]string // RequestId -> first case
	ledger     map[string]int    // OrderId (or a stand-in) -> index in report.Ledger
	provoked   map[spec.Code][]string
	seen       map[spec.Code]int
	stopped    error
	pending    []pendingOrder // requests whose answer was lost, to resolve (ledger.go)
}

// Check runs the suite against target and returns the report. The error is non-nil only when the
// run could not start (see [ErrUsage]) or the context ended; an endpoint that does not conform is
// a report with findings ([Report.OK] false), not an error.
func Check(ctx context.Context, target Target, opts ...Option) (*Report, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	return check(ctx, target, cfg)
}

// check is [Check] with the options resolved.
func check(ctx context.Context, target Target, opts config) (*Report, error) {
	r, err := newRunner(ctx, target, opts)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	cases := r.plan()
	for _, c := range cases {
		if opts.Run != nil && !opts.Run.MatchString(c.name) {
			continue
		}
		r.runCase(c)
	}
	r.resolve()
	r.finish()
	r.report.Duration = time.Since(start)
	if err := ctx.Err(); err != nil {
		return r.report, fmt.Errorf("contract: %w", err)
	}
	return r.report, nil
}

func newRunner(ctx context.Context, target Target, opts config) (*runner, error) {
	base, err := parseBase(target.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if target.Signature == "" {
		target.Signature = V1
	}
	if target.Signature != V1 && target.Signature != V3 {
		return nil, fmt.Errorf("%w: signature %q: want v1 or v3", ErrUsage, target.Signature)
	}
	limit, explicit := opts.Orders.Limit()
	client := target.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	v, err := sharedValidator()
	if err != nil {
		return nil, err
	}
	runID := opts.RunID
	if runID == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		runID = hex.EncodeToString(b[:])
	}
	r := &runner{
		ctx: ctx, target: target, base: base, opts: opts, client: client, validator: v,
		runID:      runID,
		requestIDs: map[string]string{}, ledger: map[string]int{},
		provoked: map[spec.Code][]string{}, seen: map[spec.Code]int{},
		report: &Report{Endpoint: redactURL(base.String()), Seed: opts.Seed, Signature: target.Signature, Started: time.Now().UTC(), Cases: []CaseResult{}, Ledger: []LedgerEntry{}},
	}
	rep := r.report
	rep.Loopback, rep.LoopbackReason = isLoopback(ctx, base.Hostname(), opts.Resolver)

	// Orders.
	switch {
	case explicit && limit == 0:
		rep.OrdersReason = "the order budget is 0 (WithMaxOrders(0), --max-orders 0): only requests that are rejected before an order can exist are sent"
	case rep.Loopback:
		r.ordersAllowed = true
		rep.OrdersReason = "the endpoint is loopback (a fake): orders are allowed"
		if explicit {
			rep.OrdersReason += fmt.Sprintf(", at most %d", limit)
		}
	case !explicit:
		rep.OrdersReason = "the endpoint is not loopback and no order budget was given: only requests that are rejected before an order can exist are sent"
	case len(opts.Products) == 0 && len(opts.Catalog.Products()) == 0:
		return nil, fmt.Errorf("%w: orders against a non-loopback endpoint need the products to order (WithProducts, --product CODE, or WithCatalog, --catalog FILE)", ErrUsage)
	default:
		r.ordersAllowed = true
		rep.OrdersReason = fmt.Sprintf("an explicit order budget: at most %d", limit)
	}
	if explicit {
		r.maxOrders, r.limited = limit, true
		rep.MaxOrders = &limit
	}
	rep.OrdersAllowed = r.ordersAllowed

	// Writes other than the lifecycle's (cases_ops.go).
	switch allow, explicit := opts.Writes.allowed(); {
	case explicit && allow:
		r.writesAllowed = true
		rep.WritesReason = "writes allowed explicitly (WithWrites(true), --allow-writes): the negative cases of every write are sent"
	case explicit:
		rep.WritesReason = "writes not allowed (WithWrites(false), --allow-writes=false): the cases of writes other than the lifecycle's are not sent"
	case rep.Loopback:
		r.writesAllowed = true
		rep.WritesReason = "the endpoint is loopback (a fake): the negative cases of every write are sent"
	default:
		rep.WritesReason = "the endpoint is not loopback and writes were not allowed (WithWrites(true), --allow-writes): the cases of writes other than the lifecycle's are not sent, since an endpoint that skipped the check a case is about would carry the write out"
	}
	rep.WritesAllowed = r.writesAllowed

	noCredentials := target.Credentials.AccessKeyID == "" || target.Credentials.AccessKeySecret == ""
	if noCredentials && !rep.Loopback {
		return nil, fmt.Errorf("%w: no credentials for a non-loopback endpoint: set %s and %s", ErrUsage, EnvAccessKeyID, EnvAccessKeySecret)
	}
	// One signed read first (preflight.go): an endpoint that does not answer, or rejects the
	// credentials, stops the run here with one line instead of failing every case alike. A run of
	// chosen cases (WithRun, --run: what a report's reproduce line runs) sends only their requests.
	if opts.Run == nil {
		if err := r.preflight(noCredentials); err != nil {
			return nil, err
		}
	}

	// Verification.
	health := r.health()
	switch opts.Verification {
	case VerifyYes:
		rep.Verifies, rep.VerifiesReason = true, "verification expected (option)"
	case VerifyNo:
		rep.Verifies, rep.VerifiesReason = false, "verification not expected (option)"
	default:
		if health != nil && health.VerifiesSignatures != nil {
			rep.Verifies = *health.VerifiesSignatures
			rep.VerifiesReason = fmt.Sprintf("GET /__admin/health says verifiesSignatures=%v", rep.Verifies)
		} else if why := r.adminRefusal(); why != "" {
			// A fake that refused to say: expecting either would give false failures.
			r.verifyUnknown = true
			rep.Verifies, rep.VerifiesReason = false, "unknown: "+why+"; or set --verify-signatures"
		} else {
			rep.Verifies, rep.VerifiesReason = true, "an assumption: no admin API answered (GET /__admin/health), so the endpoint is taken to verify signatures as the real gateway does; if it does not, say so with --verify-signatures no (WithVerification(VerifyNo))"
		}
	}
	if noCredentials && rep.Verifies {
		return nil, fmt.Errorf("%w: the endpoint verifies signatures but no credentials were given: set %s and %s", ErrUsage, EnvAccessKeyID, EnvAccessKeySecret)
	}

	// Products.
	if r.ordersAllowed {
		r.products = append([]Product(nil), opts.Products...)
		if len(opts.Products) == 0 || opts.Catalog != nil {
			cat, na := r.catalogProducts() // catalog.go: WithCatalog, else the fake's
			r.products, r.notApplicable = append(r.products, cat...), na
		}
		for _, p := range r.products {
			if p.Code == NoSuchProduct || strings.HasPrefix(p.Code, NoSuchProduct) {
				return nil, fmt.Errorf("%w: product %q is the suite's sentinel", ErrUsage, p.Code)
			}
			rep.Products = append(rep.Products, p.Code)
		}
		if len(r.products) == 0 {
			r.ordersAllowed = false
			rep.OrdersAllowed = false
			if why := r.adminRefusal(); len(opts.Products) == 0 && opts.Catalog == nil && why != "" {
				rep.OrdersReason += "; but no product to order is known: the catalogue could not be read: " + why
			} else if len(opts.Products) == 0 {
				rep.OrdersReason += "; but no product to order is known: no products (WithProducts, --product) were given and the endpoint has no usable GET /__admin/catalog, and the suite has no built-in catalogue"
			} else {
				rep.OrdersReason += "; but no product to order is known"
			}
		}
	}
	if health != nil {
		if w := r.faultsWarning(); w != "" {
			rep.Warnings = append(rep.Warnings, w)
		}
	}
	if why := r.adminRefusal(); why != "" {
		rep.Warnings = append(rep.Warnings, why+": the run could not learn the fake's catalogue or whether it verifies signatures, so those cases are not applicable")
	}
	return r, nil
}

type healthAnswer struct {
	VerifiesSignatures *bool `json:"verifiesSignatures"`
}

// health asks a fake's admin API; nil when there is none.
func (r *runner) health() *healthAnswer {
	var h healthAnswer
	if !r.admin("health", &h) {
		return nil
	}
	return &h
}

// faultsWarning asks a fake for its fault rules (GET /__admin/faults) and says, when it has any,
// that they may cause the run's failures; "" when it has none or does not say.
func (r *runner) faultsWarning() string {
	var f struct {
		Rules []struct {
			ID string `json:"id"`
		} `json:"rules"`
	}
	if !r.admin("faults", &f) || len(f.Rules) == 0 {
		return ""
	}
	ids := make([]string, len(f.Rules))
	for i, rule := range f.Rules {
		ids[i] = orDash(rule.ID)
	}
	return fmt.Sprintf("the target fake has %d active fault rule(s) (%s): failures may be the rules' doing, not the fake's; list them with GET /__admin/faults, remove them with POST /__admin/faults/reset", len(ids), strings.Join(ids, ", "))
}

// catalog returns a fake's catalogue (GET /__admin/catalog); ok is false when the endpoint has
// none or it lists no product.
func (r *runner) catalog() (*catalogAnswer, bool) {
	var c catalogAnswer
	if r.admin("catalog", &c) && len(c.Products) > 0 {
		return &c, true
	}
	return nil, false
}

// adminTokenHeader is the header a bsskit fake reads its admin token from (fake.AdminTokenHeader;
// the suite does not import the fake it judges, so the name is repeated here and a test of the
// contract against fake.WithAdminToken keeps the two equal).
const adminTokenHeader = "X-Bsskit-Admin-Token"

// admin GETs /__admin/<name> (with the admin token, if any) and decodes a 200 answer into out;
// admin requests never place orders. A 401 or 403 is remembered: the endpoint has an admin API
// that refused the suite, which the report says (see [runner.adminRefusal]).
func (r *runner) admin(name string, out any) bool {
	u := *r.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/__admin/" + name
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return false
	}
	req.Header.Set("User-Agent", UserAgent())
	if r.opts.AdminToken != "" {
		req.Header.Set(adminTokenHeader, r.opts.AdminToken)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		if r.adminRefused == 0 {
			r.adminRefused = resp.StatusCode
		}
		return false
	}
	if resp.StatusCode != http.StatusOK {
		return false
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return false
	}
	return json.Unmarshal(b, out) == nil
}

// adminRefusal says why the admin API refused the suite, or "" when it did not.
func (r *runner) adminRefusal() string {
	if r.adminRefused == 0 {
		return ""
	}
	if r.opts.AdminToken != "" {
		return fmt.Sprintf("admin API present but refused (%d): the admin token given (--admin-token, WithAdminToken) is not the fake's", r.adminRefused)
	}
	return fmt.Sprintf("admin API present but refused (%d): pass --admin-token (or $BSSKIT_ADMIN_TOKEN; WithAdminToken in Go)", r.adminRefused)
}

// caseDef is a planned case.
type caseDef struct {
	name, doc string
	// orders is how many requests of the case could place an order (0: all are safe).
	orders int
	// needsVerify marks authentication cases.
	needsVerify bool
	// write marks the cases of a write that needs writes allowed (cases_ops.go).
	write bool
	// notApplicable, when set, is why the case cannot run against this target.
	notApplicable string
	run           func(c *caseRun)
}

// caseRun is a case being run.
type caseRun struct {
	r   *runner
	def *caseDef
	res *CaseResult
	// last holds the prepared request of the last exchange (for replays).
	last *prepared
	// skip, set by a case that finds at run time that it cannot apply, is why: the case is then
	// not applicable unless it has findings.
	skip string
}

func (r *runner) runCase(d *caseDef) {
	res := CaseResult{Name: d.name, Group: group(d.name), Doc: d.doc}
	switch {
	case r.stopped != nil:
		res.Status, res.Reason = StatusNotRun, "the run stopped: "+r.stopped.Error()
	case d.notApplicable != "":
		res.Status, res.Reason = StatusNotApplicable, d.notApplicable
	case d.orders > 0 && !r.ordersAllowed:
		res.Status, res.Reason = StatusNotApplicable, "places orders, which are not allowed: "+r.report.OrdersReason
	case d.orders > 0 && r.limited && r.report.OrderRequests+d.orders > r.maxOrders:
		res.Status, res.Reason = StatusSkipped, fmt.Sprintf("the case may place %d order(s) and the order budget (%d) has %d left", d.orders, r.maxOrders, r.maxOrders-r.report.OrderRequests)
	case d.write && !r.writesAllowed:
		res.Status, res.Reason = StatusNotApplicable, "a write, and writes are not allowed: "+r.report.WritesReason
	case d.needsVerify && r.verifyUnknown:
		res.Status, res.Reason = StatusNotApplicable, "cannot tell whether the target verifies signatures: "+r.adminRefusal()
	case d.needsVerify && !r.report.Verifies:
		res.Status, res.Reason = StatusNotApplicable, "the target does not verify signatures ("+r.report.VerifiesReason+")"
	case r.ctx.Err() != nil:
		res.Status, res.Reason = StatusNotRun, "cancelled: "+r.ctx.Err().Error()
	default:
		c := &caseRun{r: r, def: d, res: &res}
		d.run(c)
		if errors.Is(r.stopped, errBudget) {
			// The run stopped in this case: it fails here, so that every report counts it.
			c.finding(CheckBudget, -1, "the run stopped here: "+r.stopped.Error())
		}
		if len(res.Findings) > 0 {
			res.Status = StatusFail
			if res.Repro == "" {
				res.Repro = r.reproduction(d.name)
			}
		} else if c.skip != "" {
			res.Status, res.Reason = StatusNotApplicable, c.skip
		} else {
			res.Status = StatusPass
		}
	}
	r.report.Cases = append(r.report.Cases, res)
}

func group(name string) string {
	g, _, _ := strings.Cut(name, "/")
	return g
}

// expectation is what a request must get.
type expectation struct {
	success bool
	code    spec.Code
	// or, with success, is an error code that is as good as success (an opens-once product the
	// account opened before the run: cases_state.go).
	or spec.Code
}

func (e expectation) String() string {
	if e.success && e.or != "" {
		return "success or " + expectCode(e.or).String()
	}
	if e.success {
		return "success"
	}
	if def, ok := spec.Lookup(e.code); ok {
		return fmt.Sprintf("error %s (HTTP %d)", e.code, def.HTTPStatus)
	}
	return "error " + string(e.code)
}

func expectCode(c spec.Code) expectation { return expectation{code: c} }

var expectSuccess = expectation{success: true}

// result is what send returns.
type result struct {
	ex  *Exchange
	ans *answer
	idx int
	p   *prepared
}

// safeParams reports whether params cannot place an order: ProductCode is absent or names the
// sentinel product.
func safeParams(params url.Values) bool {
	for _, v := range params["ProductCode"] {
		if v != "" && !strings.HasPrefix(v, NoSuchProduct) {
			return false
		}
	}
	return true
}

// send signs and sends rq, runs the response checks and the expectation, and records the exchange.
// It refuses a request that could place an order unless orders are allowed and the budget has
// room; ok is false when nothing was sent or no answer came.
func (c *caseRun) send(rq *request, want expectation) (res result, ok bool) {
	r := c.r
	if r.stopped != nil {
		return res, false
	}
	safe := rq.isRead() || safeParams(rq.params) // cases_read.go: reads spend nothing
	if rq.replayOf != nil {
		safe = rq.replayOf.safe
	}
	if !safe {
		if !r.ordersAllowed {
			// A planning bug: never send it.
			c.finding(CheckBudget, -1, "refused to send a request that could place an order: orders are not allowed")
			return res, false
		}
		if r.limited && r.report.OrderRequests >= r.maxOrders {
			r.stopped = fmt.Errorf("%w: the next request could place order %d of at most %d", errBudget, r.report.OrderRequests+1, r.maxOrders)
			r.report.Stopped = r.stopped.Error()
			return res, false
		}
		r.report.OrderRequests++
	}
	p, err := prepare(&r.target, r.base, rq, r.opts.now())
	if err != nil {
		c.finding(CheckTransport, -1, err.Error())
		return res, false
	}
	p.safe = safe
	c.last = p
	if !want.success {
		r.provoked[want.code] = append(r.provoked[want.code], c.def.name)
	}
	ex := Exchange{Expect: want.String(), Request: redactRequest(p, r.target.Credentials), Curl: curl(p, r.target.Credentials)}
	idx := len(c.res.Exchanges)
	hr, err := p.httpRequest(r.ctx)
	if err != nil {
		ex.Err = err.Error()
		c.res.Exchanges = append(c.res.Exchanges, ex)
		c.finding(CheckTransport, idx, err.Error())
		return res, false
	}
	resp, err := r.client.Do(hr)
	if err != nil {
		ex.Err = transportError(err, r.target.Credentials)
		c.res.Exchanges = append(c.res.Exchanges, ex)
		c.finding(CheckTransport, idx, ex.Err)
		if !safe {
			// The request may have reached the endpoint: an order may exist that nobody saw.
			c.unknown(rq, "no answer: "+ex.Err, !want.success)
		}
		return res, false
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	ex.Response = ExchangeResponse{Status: resp.StatusCode, Header: resp.Header.Clone(), Body: redactText(string(body), r.target.Credentials), rawBody: body}
	c.res.Exchanges = append(c.res.Exchanges, ex)
	if rerr != nil {
		c.finding(CheckTransport, idx, "reading the body: "+redactText(rerr.Error(), r.target.Credentials))
	}
	a := decodeAnswer(body)
	code := a.code()
	c.res.Exchanges[idx].Code = code
	if code != "" && code != "Success" {
		r.seen[spec.Code(code)]++
	}
	for _, f := range r.responseChecks(&c.res.Exchanges[idx], p, a, c.def.name) {
		c.finding(f.check, idx, f.msg)
	}
	// Ledger.
	if rerr == nil && resp.StatusCode == http.StatusOK && a.success() && !rq.isRead() {
		r.placed(c.ledgerEntry(rq, OrderPlaced, "", "", "", !want.success), a)
	} else if lost := lostAnswer(resp.StatusCode, rerr, a); !safe && !rq.isRead() && lost != "" {
		c.unknown(rq, lost, !want.success)
	}
	// Expectation.
	switch {
	case a.err != nil:
		c.finding(CheckExpected, idx, fmt.Sprintf("expected %s, got HTTP %d with an undecodable body", want, resp.StatusCode))
	case want.success && !(resp.StatusCode == http.StatusOK && a.success()) && (want.or == "" || code != string(want.or)):
		c.finding(CheckExpected, idx, fmt.Sprintf("expected success, got HTTP %d %s: %s", resp.StatusCode, code, msgOf(a)))
	case !want.success && code != string(want.code):
		extra := ""
		if resp.StatusCode == http.StatusOK && a.success() {
			extra = " (AN ORDER WAS PLACED; see the ledger)"
		}
		c.finding(CheckExpected, idx, fmt.Sprintf("expected %s, got HTTP %d %s: %s%s", want, resp.StatusCode, orNone(code), msgOf(a), extra))
	}
	return result{ex: &c.res.Exchanges[idx], ans: a, idx: idx, p: p}, true
}

// placed records the order of a decoded success a in the ledger: e with the answer's OrderId,
// InstanceId and RequestId; it returns the ledger key.
func (r *runner) placed(e LedgerEntry, a *answer) string {
	oid, iid, _ := a.data()
	os, _ := oid.(string)
	is, _ := iid.(string)
	if os == "" && oid != nil {
		os = fmt.Sprint(oid)
	}
	rid, _ := a.str("RequestId")
	e.OrderID, e.InstanceID, e.RequestID = os, is, rid
	key := os
	if os == "" {
		// An accepted order without an OrderId still cost money: list it.
		e.Status, key = OrderPlacedWithoutID, "request:"+rid+":"+fmt.Sprint(len(r.report.Ledger))
	}
	r.record(key, e)
	return key
}

// ledgerEntry describes an order of rq as the ledger lists it.
func (c *caseRun) ledgerEntry(rq *request, status OrderStatus, orderID, instanceID, requestID string, unexpected bool) LedgerEntry {
	return LedgerEntry{
		Status: status, OrderID: orderID, InstanceID: instanceID,
		ProductCode: rq.paramsOrReplay("ProductCode"), ClientToken: rq.paramsOrReplay("ClientToken"),
		Case: c.def.name, RequestID: requestID, Unexpected: unexpected,
	}
}

// paramsOrReplay returns the business parameter name as rq sends it: from its own parameters, or,
// for a replay, from the parameters of the request it resends.
func (rq *request) paramsOrReplay(name string) string {
	if rq.replayOf != nil {
		return rq.replayOf.params.Get(name)
	}
	return rq.params.Get(name)
}

func orNone(s string) string {
	if s == "" {
		return "(no code)"
	}
	return s
}

func msgOf(a *answer) string {
	m, _ := a.str("Message")
	if len(m) > 200 {
		m = m[:200] + "..."
	}
	return fmt.Sprintf("%q", m)
}

func (c *caseRun) finding(check CheckName, exchange int, msg string) {
	c.res.Findings = append(c.res.Findings, Finding{Check: check, Case: c.def.name, Message: msg, Exchange: exchange})
}

func (r *runner) record(key string, e LedgerEntry) {
	if i, ok := r.ledger[key]; ok {
		if e.Unexpected {
			r.report.Ledger[i].Unexpected = true
		}
		return
	}
	r.ledger[key] = len(r.report.Ledger)
	r.report.Ledger = append(r.report.Ledger, e)
}

// token returns a fresh ClientToken of this run.
func (r *runner) token() string {
	r.tokens++
	return fmt.Sprintf("bsskit-%s-%d-%d", r.runID, r.opts.Seed%math.MaxUint32, r.tokens)
}

func (r *runner) finish() {
	r.report.Unserved = r.unservedWarning() // cases_ops.go
	for _, def := range spec.Errors() {
		r.report.Coverage = append(r.report.Coverage, CodeCoverage{
			Code: def.Code, HTTPStatus: def.HTTPStatus, Layer: string(def.Layer),
			Provoked: dedupe(r.provoked[def.Code]), Seen: r.seen[def.Code],
		})
	}
}

func dedupe(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
