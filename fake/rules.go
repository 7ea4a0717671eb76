package fake

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

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
// The same model is reached three ways: [Server.Inject] in Go, scenario files ([ParseScenario],
// [WithScenario], bsskit serve --scenario) and the admin API (/__admin/faults). Its text form is
// YAML (or JSON, which is YAML); fake/scenario.schema.json is its JSON Schema.
type Rule struct {
	// ID names the rule in the journal ([Entry.Rule]), the admin API and [Server.RemoveRule]:
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
	// drawn from the server's seeded generator ([WithSeed]).
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

// Window is a time span on the fake's clock ([WithClock]). From and Until are absolute; After and
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
	// shuts down or [WithHangLimit] passes; then the connection is closed. net/http: a
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

// Faults returns every fault, in a stable order.
func Faults() []Fault {
	return []Fault{FaultHang, FaultReset, FaultEmpty, FaultEmptyBody, FaultTruncate, FaultMalformed, FaultProxy502, FaultSlowBody}
}

// commits reports whether the fault mangles the real answer, so CreateInstance runs first.
func (f Fault) commits() bool {
	return f == FaultTruncate || f == FaultMalformed || f == FaultSlowBody
}

// Outcome is what a firing rule does. Exactly one of Pass, Refund, Error and Fault is set, or only Latency
// (which then delays a normal answer).
type Outcome struct {
	// Pass lets the call through to CreateInstance ("succeed" in a sequence).
	Pass bool `yaml:"pass,omitempty"`
	// Refund lets a CreateInstance call through, answered with success, but places its order as a
	// duplicate that is refunded (reference, section 5): the instance stays Creating for
	// [WithRefundDelay], then disappears from QueryAvailableInstances and the order shows
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
var ErrNoRule = errors.New("fake: no such rule")

// RuleError is one problem with a rule or a scenario. Errors returned by [Server.Inject],
// [ParseScenario] and friends wrap one or more (errors.Join); use errors.As to get the first.
type RuleError struct {
	// Path is where the problem is, such as "rules[1].outcome.error".
	Path string
	// Line and Column locate it in scenario text (1-based); 0 for rules given in Go.
	Line, Column int
	// Msg says what is wrong.
	Msg string

	segs []string // Path split into keys and "[i]" indexes, for finding the line
}

// Error returns "line L:C: path: msg", or "path: msg" without a line.
func (e *RuleError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d:%d: ", e.Line, e.Column)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ruleErrors collects validation problems.
type ruleErrors struct {
	errs []*RuleError
}

func (r *ruleErrors) add(segs []string, format string, args ...any) {
	r.errs = append(r.errs, &RuleError{Path: joinPath(segs), Msg: fmt.Sprintf(format, args...), segs: slices.Clone(segs)})
}

func (r *ruleErrors) err() error {
	if len(r.errs) == 0 {
		return nil
	}
	out := make([]error, len(r.errs))
	for i, e := range r.errs {
		out[i] = e
	}
	return errors.Join(out...)
}

func joinPath(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		if strings.HasPrefix(s, "[") {
			b.WriteString(s)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		if strings.ContainsAny(s, ".[] ") {
			b.WriteString(strconv.Quote(s))
		} else {
			b.WriteString(s)
		}
	}
	return b.String()
}

func sub(segs []string, more ...string) []string {
	return append(slices.Clip(segs), more...)
}

var ruleIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// compiledRule is a validated rule with its matchers compiled; immutable.
type compiledRule struct {
	rule  Rule
	match []fieldMatcher
}

// fieldMatcher matches one request field.
type fieldMatcher struct {
	get func(v *requestView) string
	// param, when set, looks the value up among Parameter.n elements whose Code is param.
	param string
	m     stringMatcher
}

type stringMatcher struct {
	kind  byte // 'e' exact, 'p' prefix, 'r' regexp
	value string
	re    *regexp.Regexp
}

func (m *stringMatcher) match(v string) bool {
	switch m.kind {
	case 'p':
		return strings.HasPrefix(v, m.value)
	case 'r':
		return m.re.MatchString(v)
	}
	return v == m.value
}

func compileStringMatch(sm *StringMatch, segs []string, errs *ruleErrors) stringMatcher {
	if sm == nil {
		errs.add(segs, "empty matcher: give a string, or one of exact, prefix, regexp")
		return stringMatcher{kind: 'e'}
	}
	n := 0
	out := stringMatcher{kind: 'e'}
	if sm.Exact != "" {
		n++
		out = stringMatcher{kind: 'e', value: sm.Exact}
	}
	if sm.Prefix != "" {
		n++
		out = stringMatcher{kind: 'p', value: sm.Prefix}
	}
	if sm.Regexp != "" {
		n++
		re, err := regexp.Compile(sm.Regexp)
		if err != nil {
			errs.add(sub(segs, "regexp"), "invalid regular expression: %v", err)
		}
		out = stringMatcher{kind: 'r', value: sm.Regexp, re: re}
	}
	if n > 1 {
		errs.add(segs, "set only one of exact, prefix and regexp")
	}
	return out
}

// requestView is what rules match on.
type requestView struct {
	action, method, format, accessKeyID string
	params                              func(string) string
	header                              func(string) string
	paramKeys                           func() []string
}

func (m Match) compile(segs []string, errs *ruleErrors) []fieldMatcher {
	var out []fieldMatcher
	named := []struct {
		name string
		sm   *StringMatch
		get  func(v *requestView) string
	}{
		{"action", m.Action, func(v *requestView) string { return v.action }},
		{"productCode", m.ProductCode, func(v *requestView) string { return v.params("ProductCode") }},
		{"productType", m.ProductType, func(v *requestView) string { return v.params("ProductType") }},
		{"subscriptionType", m.SubscriptionType, func(v *requestView) string { return v.params("SubscriptionType") }},
		{"clientToken", m.ClientToken, func(v *requestView) string { return v.params("ClientToken") }},
		{"accessKeyId", m.AccessKeyID, func(v *requestView) string { return v.accessKeyID }},
		{"method", m.Method, func(v *requestView) string { return v.method }},
		{"format", m.Format, func(v *requestView) string { return v.format }},
	}
	for _, f := range named {
		if f.sm != nil {
			out = append(out, fieldMatcher{get: f.get, m: compileStringMatch(f.sm, sub(segs, f.name), errs)})
		}
	}
	for _, k := range sortedKeys(m.Parameters) {
		if k == "" {
			errs.add(sub(segs, "parameters"), "empty module code")
		}
		out = append(out, fieldMatcher{param: k, m: compileStringMatch(m.Parameters[k], sub(segs, "parameters", k), errs)})
	}
	for _, k := range sortedKeys(m.Params) {
		if k == "" {
			errs.add(sub(segs, "params"), "empty parameter name")
		}
		name := k
		out = append(out, fieldMatcher{get: func(v *requestView) string { return v.params(name) }, m: compileStringMatch(m.Params[k], sub(segs, "params", k), errs)})
	}
	for _, k := range sortedKeys(m.Headers) {
		if k == "" {
			errs.add(sub(segs, "headers"), "empty header name")
		}
		name := k
		out = append(out, fieldMatcher{get: func(v *requestView) string { return v.header(name) }, m: compileStringMatch(m.Headers[k], sub(segs, "headers", k), errs)})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// matches reports whether the request satisfies every matcher.
func (c *compiledRule) matches(v *requestView) bool {
	for i := range c.match {
		f := &c.match[i]
		if f.param != "" {
			if !matchModule(v, f.param, &f.m) {
				return false
			}
			continue
		}
		if !f.m.match(f.get(v)) {
			return false
		}
	}
	return true
}

// matchModule reports whether some Parameter.n with Code module has a Value the matcher accepts.
func matchModule(v *requestView, module string, m *stringMatcher) bool {
	for _, k := range v.paramKeys() {
		rest, ok := strings.CutPrefix(k, "Parameter.")
		if !ok {
			continue
		}
		n, field, ok := strings.Cut(rest, ".")
		if !ok || field != "Code" || v.params(k) != module {
			continue
		}
		if m.match(v.params("Parameter." + n + ".Value")) {
			return true
		}
	}
	return false
}

// compileRule validates r and compiles its matchers. segs prefixes error paths.
func compileRule(r Rule, segs []string, errs *ruleErrors) *compiledRule {
	r = r.clone()
	if r.ID != "" && !ruleIDPattern.MatchString(r.ID) {
		errs.add(sub(segs, "id"), "%q: use 1 to 64 letters, digits, '.', '_' or '-'", r.ID)
	}
	if r.ID == "reset" || r.ID == "scenario" {
		errs.add(sub(segs, "id"), "%q is reserved by the admin API", r.ID)
	}
	c := &compiledRule{rule: r, match: r.Match.compile(sub(segs, "match"), errs)}
	cs := sub(segs, "calls")
	for _, f := range []struct {
		name string
		n    int
	}{{"first", r.Calls.First}, {"nth", r.Calls.Nth}, {"after", r.Calls.After}, {"every", r.Calls.Every}} {
		if f.n < 0 {
			errs.add(sub(cs, f.name), "%d: must not be negative", f.n)
		}
	}
	if w := r.Window; w != nil {
		ws := sub(segs, "window")
		if w.After < 0 || w.For < 0 {
			errs.add(ws, "after and for must not be negative")
		}
		if !w.From.IsZero() && !w.Until.IsZero() && !w.Until.After(w.From) {
			errs.add(sub(ws, "until"), "must be after from")
		}
		if *w == (Window{}) {
			errs.add(ws, "empty window: set from, until, after or for")
		}
	}
	if r.RateLimit != nil && r.RateLimit.PerSecond < 1 {
		errs.add(sub(segs, "rateLimit", "perSecond"), "%d: must be at least 1", r.RateLimit.PerSecond)
	}
	if p := r.Probability; p != nil && (*p < 0 || *p > 1 || *p != *p) {
		errs.add(sub(segs, "probability"), "%v: must be between 0 and 1", *p)
	}
	if r.Times < 0 {
		errs.add(sub(segs, "times"), "%d: must not be negative", r.Times)
	}
	switch {
	case r.Outcome != nil && len(r.Sequence) > 0:
		errs.add(segs, "set outcome or sequence, not both")
	case r.Outcome != nil:
		r.Outcome.validate(sub(segs, "outcome"), errs)
	case len(r.Sequence) > 0:
		for i := range r.Sequence {
			r.Sequence[i].validate(sub(segs, "sequence", "["+strconv.Itoa(i)+"]"), errs)
		}
	case r.RateLimit != nil:
		c.rule.Outcome = &Outcome{Error: spec.CodeThrottlingUser}
	case r.Sequence != nil:
		errs.add(sub(segs, "sequence"), "empty sequence")
	default:
		errs.add(segs, "no outcome: set outcome or sequence")
	}
	return c
}

func (o *Outcome) validate(segs []string, errs *ruleErrors) {
	kinds := 0
	if o.Pass {
		kinds++
	}
	if o.Refund {
		kinds++
	}
	if o.Error != "" {
		kinds++
		o.validateError(segs, errs) // channels.go
	}
	if o.Fault != "" {
		kinds++
		if !slices.Contains(Faults(), o.Fault) {
			errs.add(sub(segs, "fault"), "%q is not a fault (want one of %s)", o.Fault, knownFaults())
		}
	}
	switch {
	case kinds > 1:
		errs.add(segs, "set only one of pass, refund, error and fault")
	case kinds == 0 && o.Latency == nil:
		errs.add(segs, "empty outcome: set pass, refund, error, fault or latency")
	}
	if o.Status != 0 {
		if o.Error == "" {
			errs.add(sub(segs, "status"), "status needs error")
		} else if o.Status != 200 && (o.Status < 400 || o.Status > 599) {
			errs.add(sub(segs, "status"), "%d: want 200 (Success false) or 400 to 599", o.Status)
		}
	}
	if o.Channel != "" && o.Error == "" {
		errs.add(sub(segs, "channel"), "channel needs error")
	}
	if o.Message != "" && o.Error == "" {
		errs.add(sub(segs, "message"), "message needs error")
	}
	if (o.ChunkBytes != 0 || o.ChunkDelay != 0) && o.Fault != FaultSlowBody {
		errs.add(segs, "chunkBytes and chunkDelay need fault slowBody")
	}
	if o.ChunkBytes < 0 || o.ChunkDelay < 0 {
		errs.add(segs, "chunkBytes and chunkDelay must not be negative")
	}
	if o.AfterCommit && o.Error == "" && o.Fault == "" {
		errs.add(sub(segs, "afterCommit"), "afterCommit needs error or fault")
	}
	if l := o.Latency; l != nil {
		ls := sub(segs, "latency")
		switch {
		case l.Fixed < 0 || l.Min < 0 || l.Max < 0:
			errs.add(ls, "must not be negative")
		case l.Fixed != 0 && (l.Min != 0 || l.Max != 0):
			errs.add(ls, "set fixed, or min and max, not both")
		case l.Max < l.Min:
			errs.add(ls, "max %v is less than min %v", l.Max, l.Min)
		case *l == (Latency{}):
			errs.add(ls, "empty latency: set fixed, or min and max")
		}
	}
}

func knownCodes() string {
	defs := spec.Errors()
	names := make([]string, len(defs))
	for i, d := range defs {
		names[i] = string(d.Code)
	}
	return strings.Join(names, ", ")
}

func knownFaults() string {
	fs := Faults()
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// clone returns a deep copy.
func (r Rule) clone() Rule {
	out := r
	out.Match = r.Match.clone()
	if r.Window != nil {
		w := *r.Window
		out.Window = &w
	}
	if r.RateLimit != nil {
		rl := *r.RateLimit
		out.RateLimit = &rl
	}
	if r.Probability != nil {
		p := *r.Probability
		out.Probability = &p
	}
	if r.Outcome != nil {
		o := r.Outcome.clone()
		out.Outcome = &o
	}
	if r.Sequence != nil {
		out.Sequence = make([]Outcome, len(r.Sequence))
		for i, o := range r.Sequence {
			out.Sequence[i] = o.clone()
		}
	}
	return out
}

func (o Outcome) clone() Outcome {
	if o.Latency != nil {
		l := *o.Latency
		o.Latency = &l
	}
	return o
}

func (m Match) clone() Match {
	cp := func(sm *StringMatch) *StringMatch {
		if sm == nil {
			return nil
		}
		c := *sm
		return &c
	}
	cpMap := func(in map[string]*StringMatch) map[string]*StringMatch {
		if in == nil {
			return nil
		}
		out := make(map[string]*StringMatch, len(in))
		for k, v := range in {
			out[k] = cp(v)
		}
		return out
	}
	return Match{
		Action: cp(m.Action), ProductCode: cp(m.ProductCode), ProductType: cp(m.ProductType),
		SubscriptionType: cp(m.SubscriptionType), ClientToken: cp(m.ClientToken),
		AccessKeyID: cp(m.AccessKeyID), Method: cp(m.Method), Format: cp(m.Format),
		Parameters: cpMap(m.Parameters), Params: cpMap(m.Params), Headers: cpMap(m.Headers),
	}
}
