package faults

import (
	"errors"
	"strconv"
	"time"

	"github.com/bsskit/bsskit/fake/internal/yamldoc"
	"github.com/bsskit/bsskit/spec"
)

// Rule is one fault-injection rule: which calls it applies to ([Rule.Match], [Rule.Calls],
// [Rule.Window], [Rule.RateLimit], [Rule.Probability], [Rule.Times]) and what the caller gets
// instead of the normal answer ([Rule.Outcome], or one [Rule.Sequence] step per call).
//
// Rules are checked in the order they were added, after the request is decoded, routed and
// authenticated and before CreateInstance runs. Each rule counts the calls that reach it and match
// it; the first rule that fires shapes the answer and the rules after it do not see the call.
//
// The same model is reached three ways: srv.Faults().Add in Go, scenario files ([ParseScenario],
// fake.WithScenario, bsskit serve --scenario) and the admin API (/__admin/faults). Its text form is
// YAML (or JSON, which is YAML); fake/faults/scenario.schema.json is its JSON Schema.
type Rule struct {
	// ID names the rule in the journal (journal.Entry.Rule), the admin API and Faults.Remove:
	// letters, digits, '.', '_' and '-', at most 64. Empty: the server assigns "rule-N".
	ID string `yaml:"id,omitempty"`
	// Description is free text for people.
	Description string `yaml:"description,omitempty"`
	// Match selects requests by their fields; the zero Match selects every request.
	Match Match `yaml:"match,omitempty"`
	// Calls selects by the number of matching calls the rule has seen.
	Calls Calls `yaml:"calls,omitempty"`
	// Window limits the rule to a time span on the fake's clock.
	Window *Window `yaml:"window,omitempty"`
	// RateLimit makes the rule fire only for calls past a rate; its default outcome is
	// Throttling.User.
	RateLimit *RateLimit `yaml:"rateLimit,omitempty"`
	// Probability, when set, makes an otherwise firing rule fire with this probability (0 to 1),
	// drawn from the server's seeded generator (fake.WithSeed).
	Probability *float64 `yaml:"probability,omitempty"`
	// Times bounds how often the rule fires in total; 0 means no bound.
	Times int `yaml:"times,omitempty"`
	// Outcome is what a firing rule does. Exactly one of Outcome and Sequence is set (a RateLimit
	// rule may leave both empty).
	Outcome *Outcome `yaml:"outcome,omitempty"`
	// Sequence gives the outcomes of successive firings, such as "fail, fail, succeed"
	// ([Outcome.Pass] is "succeed"); once it is used up the rule no longer fires.
	Sequence []Outcome `yaml:"sequence,omitempty"`
}

// Match selects requests. Every field that is set must match; a nil field matches anything.
// A [StringMatch] with nothing set matches an absent or empty value.
type Match struct {
	// Action is the API action (query parameter or x-acs-action header).
	Action *StringMatch `yaml:"action,omitempty"`
	// ProductCode, ProductType, SubscriptionType and ClientToken are the request parameters.
	ProductCode      *StringMatch `yaml:"productCode,omitempty"`
	ProductType      *StringMatch `yaml:"productType,omitempty"`
	SubscriptionType *StringMatch `yaml:"subscriptionType,omitempty"`
	ClientToken      *StringMatch `yaml:"clientToken,omitempty"`
	// AccessKeyID is the access key the caller claims (V1 parameter, V3 credential or STS header).
	AccessKeyID *StringMatch `yaml:"accessKeyId,omitempty"`
	// Method is the HTTP method, upper case.
	Method *StringMatch `yaml:"method,omitempty"`
	// Format is the negotiated response format: "JSON" or "XML".
	Format *StringMatch `yaml:"format,omitempty"`
	// Places is the kind of order the call's Action places ("purchase" for CreateInstance, "" for
	// an Action that places none) and Reads the state it reads back ("instances" for
	// QueryAvailableInstances, "orders" for GetOrderDetail), as the fake's operation table says:
	// a rule selects the calls that buy, or the polls, without naming an Action.
	Places *StringMatch `yaml:"places,omitempty"`
	Reads  *StringMatch `yaml:"reads,omitempty"`
	// Parameters matches Parameter.n entries by module: the key is a Parameter.n.Code and the
	// matcher applies to that element's Value (any n).
	Parameters map[string]*StringMatch `yaml:"parameters,omitempty"`
	// Params matches any request parameter (query or form) by its exact name, such as
	// "Parameter.1.Code" or "Period".
	Params map[string]*StringMatch `yaml:"params,omitempty"`
	// Headers matches request headers by name (case-insensitive).
	Headers map[string]*StringMatch `yaml:"headers,omitempty"`
}

// StringMatch matches one string value: at most one of Exact, Prefix and Regexp is set, and with
// none set it matches the empty string (an absent parameter). In YAML a plain string is Exact.
type StringMatch struct {
	// Exact is the whole value.
	Exact string `yaml:"exact,omitempty"`
	// Prefix is a prefix of the value.
	Prefix string `yaml:"prefix,omitempty"`
	// Regexp is an RE2 expression (package regexp) the value must contain a match of; anchor it
	// with ^ and $ for a full match.
	Regexp string `yaml:"regexp,omitempty"`
}

// Exact returns a matcher for exactly v.
func Exact(v string) *StringMatch { return &StringMatch{Exact: v} }

// Prefix returns a matcher for values starting with p.
func Prefix(p string) *StringMatch { return &StringMatch{Prefix: p} }

// Regexp returns a matcher for values containing a match of the RE2 expression re.
func Regexp(re string) *StringMatch { return &StringMatch{Regexp: re} }

// Calls selects by the count of matching calls the rule has seen (1 is the first). Every set field
// must hold.
type Calls struct {
	// First selects calls 1..First.
	First int `yaml:"first,omitempty"`
	// Nth selects call Nth only.
	Nth int `yaml:"nth,omitempty"`
	// After selects calls after the first After.
	After int `yaml:"after,omitempty"`
	// Every selects calls Every, 2*Every, 3*Every...
	Every int `yaml:"every,omitempty"`
}

// Window is a time span on the fake's clock (fake.WithClock). From and Until are absolute; After and
// For are relative to when the rule was added. Every set bound must hold.
type Window struct {
	// From is the first instant the rule applies.
	From time.Time `yaml:"from,omitempty"`
	// Until is the instant the rule stops applying.
	Until time.Time `yaml:"until,omitempty"`
	// After delays the start to this long after the rule was added.
	After time.Duration `yaml:"after,omitempty"`
	// For ends the rule this long after its start (the rule's addition plus After).
	For time.Duration `yaml:"for,omitempty"`
}

// RateLimit fires the rule for matching calls past PerSecond calls in any one second of the fake's
// clock (a sliding window over the calls it let through), like the gateway's flow control.
type RateLimit struct {
	// PerSecond is how many matching calls per second pass.
	PerSecond int `yaml:"perSecond"`
}

// Fault is a transport-level fault: what the caller's HTTP stack sees instead of a normal answer.
type Fault string

// The faults. "Commits" means CreateInstance runs first, so the order exists although the caller
// never learns of it. Where the fake cannot take the connection (HTTP/2, a middleware that wraps
// the ResponseWriter), the faults that close it abort the handler with http.ErrAbortHandler instead.
const (
	// FaultHang answers nothing until the client gives up (its timeout or context), the server
	// shuts down or fake.WithHangLimit passes; then the connection is closed. net/http: a
	// Client.Timeout error.
	FaultHang Fault = "hang"
	// FaultReset closes the connection with a TCP RST (SO_LINGER 0) before any byte of the answer.
	// net/http: "connection reset by peer" (syscall.ECONNRESET).
	FaultReset Fault = "reset"
	// FaultEmpty closes the connection cleanly (FIN) before any byte of the answer, what curl calls
	// "empty reply from server". net/http: io.EOF.
	FaultEmpty Fault = "empty"
	// FaultEmptyBody answers HTTP 200 with an empty body (Content-Length: 0). net/http: no error;
	// decoding the body fails.
	FaultEmptyBody Fault = "emptyBody"
	// FaultTruncate commits, sends the headers of the real answer with its full Content-Length and
	// half of its body, then closes the connection. net/http: io.ErrUnexpectedEOF reading the body.
	FaultTruncate Fault = "truncate"
	// FaultMalformed commits and answers the real status with the first half of the real body as a
	// complete response (Content-Length matches). net/http: no error; encoding/json: a
	// *json.SyntaxError ("unexpected end of JSON input").
	FaultMalformed Fault = "malformed"
	// FaultProxy502 answers HTTP 502 with an HTML page from a "proxy" (Tengine), as a load balancer
	// in front of the service does. net/http: no error; encoding/json: invalid character '<'.
	FaultProxy502 Fault = "proxy502"
	// FaultSlowBody commits and sends the real answer in chunks ([Outcome.ChunkBytes]) with a delay
	// ([Outcome.ChunkDelay]) before each after the first. net/http: a Client.Timeout error while
	// reading the body, if the delays add up past the timeout.
	FaultSlowBody Fault = "slowBody"
)

// All returns every fault, in a stable order.
func All() []Fault {
	return []Fault{FaultHang, FaultReset, FaultEmpty, FaultEmptyBody, FaultTruncate, FaultMalformed, FaultProxy502, FaultSlowBody}
}

// Commits reports whether the fault mangles the real answer, so the Action runs first (an order is
// placed although the caller never learns of it).
func (f Fault) Commits() bool {
	return f == FaultTruncate || f == FaultMalformed || f == FaultSlowBody
}

// Outcome is what a firing rule does. Exactly one of Pass, Refund, Error and Fault is set, or only Latency
// (which then delays a normal answer).
type Outcome struct {
	// Pass lets the call through to CreateInstance ("succeed" in a sequence).
	Pass bool `yaml:"pass,omitempty"`
	// Refund lets a CreateInstance call through, answered with success, but places its order as a
	// duplicate that is refunded (reference, section 5): the instance stays Creating for
	// fake.WithRefundDelay, then disappears from QueryAvailableInstances and the order shows
	// Cancelled. On other Actions it is Pass.
	Refund bool `yaml:"refund,omitempty"`
	// Error answers an error code on its channel: a catalogued code (spec.Errors) with the
	// catalogue's status, channel and message (an HTTP error in the gateway's error shape, or an
	// HTTP 200 with "Success": false, the code and a non-empty Message, which neither SDK raises).
	// A code outside the catalogue (printable ASCII, at most 64 characters) needs Channel and
	// Message, and Status on the http channel.
	Error spec.Code `yaml:"error,omitempty"`
	// Status overrides the catalogue's HTTP status of Error: 200 (the body channel), or 400 to 599.
	Status int `yaml:"status,omitempty"`
	// Channel overrides the catalogue's channel of Error: spec.ChannelHTTP or spec.ChannelBody
	// (HTTP 200). With Status it must agree: 200 is the body channel.
	Channel spec.Channel `yaml:"channel,omitempty"`
	// Message overrides the catalogue's message of Error.
	Message string `yaml:"message,omitempty"`
	// Fault is a transport fault.
	Fault Fault `yaml:"fault,omitempty"`
	// ChunkBytes and ChunkDelay shape FaultSlowBody (defaults 16 bytes and 100ms).
	ChunkBytes int           `yaml:"chunkBytes,omitempty"`
	ChunkDelay time.Duration `yaml:"chunkDelay,omitempty"`
	// Latency delays the answer (real time, not the fake's clock). In YAML a duration string is
	// Fixed.
	Latency *Latency `yaml:"latency,omitempty"`
	// AfterCommit runs CreateInstance first (the order is stored, a ClientToken is remembered) and
	// then answers Error or Fault instead of the result: the lost answer that ClientToken exists
	// for. Faults that mangle the real answer (truncate, malformed, slowBody) always commit.
	AfterCommit bool `yaml:"afterCommit,omitempty"`
}

// Latency is a delay: Fixed, or uniformly random in [Min, Max] from the server's seeded generator.
type Latency struct {
	// Fixed is a fixed delay.
	Fixed time.Duration `yaml:"fixed,omitempty"`
	// Min and Max bound a random delay.
	Min time.Duration `yaml:"min,omitempty"`
	Max time.Duration `yaml:"max,omitempty"`
}

// RuleStat is how much a rule has been used since it was added or the server was reset.
type RuleStat struct {
	// ID is the rule's ID.
	ID string `json:"id"`
	// Matched counts the calls that reached the rule and matched it.
	Matched uint64 `json:"matched"`
	// Fired counts the calls the rule shaped.
	Fired uint64 `json:"fired"`
	// Used is true once the rule has fired and, for a Sequence, every step has been used.
	Used bool `json:"used"`
}

// ErrNoRule is returned for a rule ID the server does not know.
var ErrNoRule = errors.New("faults: no such rule")

// RuleError is one problem with a rule, a scenario or another file people write (a catalogue, an
// accounts file): its Path, its Line and Column in the text (0 for values given in Go) and its Msg.
// Errors of [ParseScenario], Faults.Add and friends wrap one or more (errors.Join); use errors.As
// to get the first.
type RuleError = yamldoc.Error

// FailNext is the rule that makes the next call answer the catalogued error code (see
// [spec.Errors]).
func FailNext(code spec.Code) Rule {
	return Rule{Calls: Calls{First: 1}, Outcome: &Outcome{Error: code}}
}

// FailNextN is the rule that makes the next n calls answer the catalogued error code; n must be
// at least 1 ([FailAlways] fails every call): a smaller n makes a rule that does not validate.
func FailNextN(n int, code spec.Code) Rule {
	if n < 1 {
		return Rule{Description: "FailNextN: n is " + strconv.Itoa(n) + ", want at least 1", Calls: Calls{First: min(n, -1)}, Outcome: &Outcome{Error: code}}
	}
	return Rule{Calls: Calls{First: n}, Outcome: &Outcome{Error: code}}
}

// FailAlways is the rule that makes every call answer the catalogued error code, until it is
// removed.
func FailAlways(code spec.Code) Rule { return Rule{Outcome: &Outcome{Error: code}} }

// FaultNext is the rule that makes the next call suffer the transport fault f.
func FaultNext(f Fault) Rule { return Rule{Calls: Calls{First: 1}, Outcome: &Outcome{Fault: f}} }
