package contract

import (
	"net/http"
	"sort"
	"time"

	"github.com/bsskit/bsskit/spec"
)

// Status is the outcome of a case.
type Status string

// The case outcomes.
const (
	// StatusPass: every check of every exchange passed.
	StatusPass Status = "pass"
	// StatusFail: at least one finding.
	StatusFail Status = "fail"
	// StatusNotApplicable: the case cannot apply to this target; Reason says why.
	StatusNotApplicable Status = "not-applicable"
	// StatusNotRun: the run stopped (a cancelled context, a case that spent more of the order
	// budget than it declared) before the case.
	StatusNotRun Status = "not-run"
	// StatusSkipped: the case could place more orders than the order budget ([WithMaxOrders]) had
	// left; Reason says how many. Not a failure: the cases that cannot buy still run.
	StatusSkipped Status = "skipped"
)

// Report is the result of a run.
type Report struct {
	// Endpoint is the target URL.
	Endpoint string `json:"endpoint"`
	// Seed is the seed of the run.
	Seed uint64 `json:"seed"`
	// Signature is the signature version used.
	Signature SignatureVersion `json:"signature"`
	// Loopback says whether the endpoint is loopback, and LoopbackReason how that was decided.
	Loopback       bool   `json:"loopback"`
	LoopbackReason string `json:"loopbackReason"`
	// OrdersAllowed says whether order-placing requests were allowed, and OrdersReason why.
	OrdersAllowed bool   `json:"ordersAllowed"`
	OrdersReason  string `json:"ordersReason"`
	// WritesAllowed says whether the cases of writes other than CreateInstance and the lifecycle's
	// were sent, and WritesReason why (see [WithWrites]).
	WritesAllowed bool   `json:"writesAllowed"`
	WritesReason  string `json:"writesReason"`
	// MaxOrders is the explicit order budget ([WithMaxOrders]); nil for the default budget.
	MaxOrders *int `json:"maxOrders,omitempty"`
	// Verifies says whether the suite expected signature verification, and VerifiesReason why.
	Verifies       bool   `json:"verifiesSignatures"`
	VerifiesReason string `json:"verifiesReason"`
	// Warnings are what the person reading the report should know before its results: an admin
	// API that refused the suite, fault rules active on the target fake.
	Warnings []string `json:"warnings,omitempty"`
	// Unserved, when set, is the one line that names the operations of the spec the endpoint
	// answered InvalidAction.NotFound, whose cases are therefore not applicable.
	Unserved string `json:"unserved,omitempty"`
	// Products are the product codes valid orders used.
	Products []string `json:"products,omitempty"`
	// Cases are the results, in run order.
	Cases []CaseResult `json:"cases"`
	// OrderRequests counts the requests sent that could have placed an order.
	OrderRequests int `json:"orderRequests"`
	// Ledger lists every order the run saw created (or replayed) and every request that may have
	// placed one but lost its answer, with what repeating it returned, in order. See
	// [Report.LedgerCounts].
	Ledger []LedgerEntry `json:"ledger"`
	// Stopped, when set, says why the run stopped early.
	Stopped string `json:"stopped,omitempty"`
	// Coverage says, per catalogued error code, which cases provoked it and how often it was seen.
	Coverage []CodeCoverage `json:"coverage"`
	// Started and Duration time the run.
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration"`
}

// CaseResult is the outcome of one case.
type CaseResult struct {
	// Name is the case's name, "<group>/<...>", e.g. "invalid/Period/below-minimum".
	Name string `json:"name"`
	// Group is the first segment of Name: routing, missing, invalid, repeated, rule, method, format,
	// auth, business, order, idempotency, read, sites, operation, generated.
	Group string `json:"group"`
	// Doc says what the case sends and expects.
	Doc string `json:"doc"`
	// Status is the outcome; Reason explains not-applicable, skipped and not-run.
	Status Status `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Findings are the failed checks.
	Findings []Finding `json:"findings,omitempty"`
	// Exchanges are the requests sent and their answers, redacted.
	Exchanges []Exchange `json:"exchanges,omitempty"`
	// Repro is a one-line reproduction of a failed case: the bsskit contract command that runs it
	// alone (--run '^name$' --seed N); for a generated case also the shrunk request as curl.
	Repro string `json:"repro,omitempty"`
}

// Finding is one failed check.
type Finding struct {
	// Check names the check.
	Check CheckName `json:"check"`
	// Case names the case.
	Case string `json:"case"`
	// Message says what was wrong.
	Message string `json:"message"`
	// Exchange indexes the case's Exchanges (-1: the case as a whole).
	Exchange int `json:"exchange"`
}

// Exchange is one request and its answer, secrets redacted.
type Exchange struct {
	Request  ExchangeRequest  `json:"request"`
	Response ExchangeResponse `json:"response"`
	// Expect says what the case expected ("error MissingParameter (HTTP 400)", "success").
	Expect string `json:"expect"`
	// Err is the transport error, if any.
	Err string `json:"error,omitempty"`
	// Code is the answer's Code field.
	Code string `json:"code,omitempty"`
	// Curl is the request as a curl command line (signature redacted).
	Curl string `json:"curl"`
}

// ExchangeRequest is a sent request, redacted.
type ExchangeRequest struct {
	// Method is the HTTP method.
	Method string `json:"method"`
	// URL is the full URL, Signature, SecurityToken and BearerToken redacted.
	URL string `json:"url"`
	// Header is the request header, the Authorization signature and tokens redacted.
	Header http.Header `json:"header,omitempty"`
	// Body is the form body, if any, redacted like the URL.
	Body string `json:"body,omitempty"`
}

// ExchangeResponse is an answer, redacted.
type ExchangeResponse struct {
	// Status is the HTTP status.
	Status int `json:"status"`
	// Header is the response header.
	Header http.Header `json:"header,omitempty"`
	// Body is the response body (at most 1 MiB).
	Body    string `json:"body,omitempty"`
	rawBody []byte
}

// OrderStatus says what the run knows of an order in the ledger.
type OrderStatus string

// The order statuses.
const (
	// OrderPlaced: the endpoint answered success with an OrderId.
	OrderPlaced OrderStatus = "placed"
	// OrderPlacedWithoutID: the endpoint answered success without an OrderId; the order exists
	// (and may cost money) but cannot be named.
	OrderPlacedWithoutID OrderStatus = "placed-without-order-id"
	// OrderOutcomeUnknown: a request that could place an order lost its answer (no answer, a body
	// cut short or undecodable, a server error) and repeating it with its ClientToken did not tell
	// either; an order may exist.
	OrderOutcomeUnknown OrderStatus = "outcome-unknown"
	// OrderNotPlaced: a request whose answer was lost, repeated with its ClientToken, was rejected:
	// neither placed an order.
	OrderNotPlaced OrderStatus = "not-placed"
)

// LedgerEntry is an order the run saw, or may have caused.
type LedgerEntry struct {
	// Status says whether the order certainly exists and can be named.
	Status OrderStatus `json:"status"`
	// OrderID and InstanceID are what the endpoint answered (empty when it did not say).
	OrderID    string `json:"orderId"`
	InstanceID string `json:"instanceId"`
	// ProductCode and ClientToken are what the request sent.
	ProductCode string `json:"productCode"`
	ClientToken string `json:"clientToken,omitempty"`
	// Case is the case that sent the request; RequestID the answer's RequestId.
	Case      string `json:"case"`
	RequestID string `json:"requestId"`
	// Unexpected is true when the request should have been rejected: the endpoint placed an
	// order the suite did not ask for.
	Unexpected bool `json:"unexpected,omitempty"`
	// Lost says how the request's answer was lost ("" when it arrived).
	Lost string `json:"lost,omitempty"`
	// Resolution says what repeating the request with its ClientToken returned ("" when it was
	// not needed).
	Resolution string `json:"resolution,omitempty"`
}

// CodeCoverage is one row of the coverage table.
type CodeCoverage struct {
	// Code, HTTPStatus and Layer are the catalogue entry.
	Code       spec.Code `json:"code"`
	HTTPStatus int       `json:"httpStatus"`
	Layer      string    `json:"layer"`
	// Provoked lists the cases that expected the code.
	Provoked []string `json:"provoked,omitempty"`
	// Seen counts the answers that carried it.
	Seen int `json:"seen"`
}

// OK reports whether the endpoint conformed: no finding, no stop, no unexpected order.
func (r *Report) OK() bool {
	if r == nil || r.Stopped != "" {
		return false
	}
	for _, c := range r.Cases {
		if c.Status == StatusFail {
			return false
		}
	}
	for _, l := range r.Ledger {
		if l.Unexpected {
			return false
		}
	}
	return true
}

// Findings returns every finding of the run, in case order.
func (r *Report) Findings() []Finding {
	var out []Finding
	for _, c := range r.Cases {
		out = append(out, c.Findings...)
	}
	return out
}

// FailedChecks returns the names of the checks with findings, sorted.
func (r *Report) FailedChecks() []CheckName {
	set := map[CheckName]bool{}
	for _, f := range r.Findings() {
		set[f.Check] = true
	}
	out := make([]CheckName, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Counts returns how many cases had each status.
func (r *Report) Counts() map[Status]int {
	m := map[Status]int{}
	for _, c := range r.Cases {
		m[c.Status]++
	}
	return m
}

// Case returns the result of the named case.
func (r *Report) Case(name string) (CaseResult, bool) {
	for _, c := range r.Cases {
		if c.Name == name {
			return c, true
		}
	}
	return CaseResult{}, false
}
