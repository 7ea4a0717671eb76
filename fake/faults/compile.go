package faults

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/bsskit/bsskit/fake/internal/yamldoc"
	"github.com/bsskit/bsskit/spec"
)

var ruleIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Compiled is a validated rule with its matchers compiled. Only the engine (and a store that
// keeps the rules) changes it: its Rule's ID is assigned when it is added.
type Compiled struct {
	// Rule is the rule, with its defaults filled in (a RateLimit rule's outcome).
	Rule  Rule
	match []fieldMatcher
}

// fieldMatcher matches one request field.
type fieldMatcher struct {
	get func(v *Request) string
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

func compileStringMatch(sm *StringMatch, segs []string, errs *yamldoc.Errors) stringMatcher {
	if sm == nil {
		errs.Add(segs, "empty matcher: give a string, or one of exact, prefix, regexp")
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
			errs.Add(yamldoc.Sub(segs, "regexp"), "invalid regular expression: %v", err)
		}
		out = stringMatcher{kind: 'r', value: sm.Regexp, re: re}
	}
	if n > 1 {
		errs.Add(segs, "set only one of exact, prefix and regexp")
	}
	return out
}

// Request is what rules match on: one call, as the fake decoded it.
type Request struct {
	// Action, Method, Format and AccessKeyID are the fields of [Match] of those names.
	Action, Method, Format, AccessKeyID string
	// Places and Reads are what the fake's operation table says of the Action ([Match.Places]).
	Places, Reads string
	// Param returns a request parameter ("" when absent), Header a request header.
	Param  func(name string) string
	Header func(name string) string
	// ParamKeys returns the names of the request's parameters, sorted.
	ParamKeys func() []string
}

func (m Match) compile(segs []string, errs *yamldoc.Errors) []fieldMatcher {
	var out []fieldMatcher
	named := []struct {
		name string
		sm   *StringMatch
		get  func(v *Request) string
	}{
		{"action", m.Action, func(v *Request) string { return v.Action }},
		{"productCode", m.ProductCode, func(v *Request) string { return v.Param("ProductCode") }},
		{"productType", m.ProductType, func(v *Request) string { return v.Param("ProductType") }},
		{"subscriptionType", m.SubscriptionType, func(v *Request) string { return v.Param("SubscriptionType") }},
		{"clientToken", m.ClientToken, func(v *Request) string { return v.Param("ClientToken") }},
		{"accessKeyId", m.AccessKeyID, func(v *Request) string { return v.AccessKeyID }},
		{"method", m.Method, func(v *Request) string { return v.Method }},
		{"format", m.Format, func(v *Request) string { return v.Format }},
		{"places", m.Places, func(v *Request) string { return v.Places }},
		{"reads", m.Reads, func(v *Request) string { return v.Reads }},
	}
	for _, f := range named {
		if f.sm != nil {
			out = append(out, fieldMatcher{get: f.get, m: compileStringMatch(f.sm, yamldoc.Sub(segs, f.name), errs)})
		}
	}
	for _, k := range sortedKeys(m.Parameters) {
		if k == "" {
			errs.Add(yamldoc.Sub(segs, "parameters"), "empty module code")
		}
		out = append(out, fieldMatcher{param: k, m: compileStringMatch(m.Parameters[k], yamldoc.Sub(segs, "parameters", k), errs)})
	}
	for _, k := range sortedKeys(m.Params) {
		if k == "" {
			errs.Add(yamldoc.Sub(segs, "params"), "empty parameter name")
		}
		name := k
		out = append(out, fieldMatcher{get: func(v *Request) string { return v.Param(name) }, m: compileStringMatch(m.Params[k], yamldoc.Sub(segs, "params", k), errs)})
	}
	for _, k := range sortedKeys(m.Headers) {
		if k == "" {
			errs.Add(yamldoc.Sub(segs, "headers"), "empty header name")
		}
		name := k
		out = append(out, fieldMatcher{get: func(v *Request) string { return v.Header(name) }, m: compileStringMatch(m.Headers[k], yamldoc.Sub(segs, "headers", k), errs)})
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

// Matches reports whether the request satisfies every matcher.
func (c *Compiled) Matches(v *Request) bool {
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
func matchModule(v *Request, module string, m *stringMatcher) bool {
	for _, k := range v.ParamKeys() {
		rest, ok := strings.CutPrefix(k, "Parameter.")
		if !ok {
			continue
		}
		n, field, ok := strings.Cut(rest, ".")
		if !ok || field != "Code" || v.Param(k) != module {
			continue
		}
		if m.match(v.Param("Parameter." + n + ".Value")) {
			return true
		}
	}
	return false
}

// compileRule validates r and compiles its matchers. segs prefixes error paths.
func compileRule(r Rule, segs []string, errs *yamldoc.Errors) *Compiled {
	r = r.Clone()
	if r.ID != "" && !ruleIDPattern.MatchString(r.ID) {
		errs.Add(yamldoc.Sub(segs, "id"), "%q: use 1 to 64 letters, digits, '.', '_' or '-'", r.ID)
	}
	if r.ID == "reset" || r.ID == "scenario" {
		errs.Add(yamldoc.Sub(segs, "id"), "%q is reserved by the admin API", r.ID)
	}
	c := &Compiled{Rule: r, match: r.Match.compile(yamldoc.Sub(segs, "match"), errs)}
	cs := yamldoc.Sub(segs, "calls")
	for _, f := range []struct {
		name string
		n    int
	}{{"first", r.Calls.First}, {"nth", r.Calls.Nth}, {"after", r.Calls.After}, {"every", r.Calls.Every}} {
		if f.n < 0 {
			errs.Add(yamldoc.Sub(cs, f.name), "%d: must not be negative", f.n)
		}
	}
	if w := r.Window; w != nil {
		ws := yamldoc.Sub(segs, "window")
		if w.After < 0 || w.For < 0 {
			errs.Add(ws, "after and for must not be negative")
		}
		if !w.From.IsZero() && !w.Until.IsZero() && !w.Until.After(w.From) {
			errs.Add(yamldoc.Sub(ws, "until"), "must be after from")
		}
		if *w == (Window{}) {
			errs.Add(ws, "empty window: set from, until, after or for")
		}
	}
	if r.RateLimit != nil && r.RateLimit.PerSecond < 1 {
		errs.Add(yamldoc.Sub(segs, "rateLimit", "perSecond"), "%d: must be at least 1", r.RateLimit.PerSecond)
	}
	if p := r.Probability; p != nil && (*p < 0 || *p > 1 || *p != *p) {
		errs.Add(yamldoc.Sub(segs, "probability"), "%v: must be between 0 and 1", *p)
	}
	if r.Times < 0 {
		errs.Add(yamldoc.Sub(segs, "times"), "%d: must not be negative", r.Times)
	}
	switch {
	case r.Outcome != nil && len(r.Sequence) > 0:
		errs.Add(segs, "set outcome or sequence, not both")
	case r.Outcome != nil:
		r.Outcome.validate(yamldoc.Sub(segs, "outcome"), errs)
	case len(r.Sequence) > 0:
		for i := range r.Sequence {
			r.Sequence[i].validate(yamldoc.Sub(segs, "sequence", "["+strconv.Itoa(i)+"]"), errs)
		}
	case r.RateLimit != nil:
		c.Rule.Outcome = &Outcome{Error: spec.CodeThrottlingUser}
	case r.Sequence != nil:
		errs.Add(yamldoc.Sub(segs, "sequence"), "empty sequence")
	default:
		errs.Add(segs, "no outcome: set outcome or sequence")
	}
	checkActionCodes(&r, segs, errs) // actions.go
	return c
}

func (o *Outcome) validate(segs []string, errs *yamldoc.Errors) {
	kinds := 0
	if o.Pass {
		kinds++
	}
	if o.Refund {
		kinds++
	}
	if o.Error != "" {
		kinds++
		o.validateError(segs, errs)
	}
	if o.Fault != "" {
		kinds++
		if !slices.Contains(All(), o.Fault) {
			errs.Add(yamldoc.Sub(segs, "fault"), "%q is not a fault (want one of %s)", o.Fault, knownFaults())
		}
	}
	switch {
	case kinds > 1:
		errs.Add(segs, "set only one of pass, refund, error and fault")
	case kinds == 0 && o.Latency == nil:
		errs.Add(segs, "empty outcome: set pass, refund, error, fault or latency")
	}
	if o.Status != 0 {
		if o.Error == "" {
			errs.Add(yamldoc.Sub(segs, "status"), "status needs error")
		} else if o.Status != 200 && (o.Status < 400 || o.Status > 599) {
			errs.Add(yamldoc.Sub(segs, "status"), "%d: want 200 (Success false) or 400 to 599", o.Status)
		}
	}
	if o.Channel != "" && o.Error == "" {
		errs.Add(yamldoc.Sub(segs, "channel"), "channel needs error")
	}
	if o.Message != "" && o.Error == "" {
		errs.Add(yamldoc.Sub(segs, "message"), "message needs error")
	}
	if (o.ChunkBytes != 0 || o.ChunkDelay != 0) && o.Fault != FaultSlowBody {
		errs.Add(segs, "chunkBytes and chunkDelay need fault slowBody")
	}
	if o.ChunkBytes < 0 || o.ChunkDelay < 0 {
		errs.Add(segs, "chunkBytes and chunkDelay must not be negative")
	}
	if o.AfterCommit && o.Error == "" && o.Fault == "" {
		errs.Add(yamldoc.Sub(segs, "afterCommit"), "afterCommit needs error or fault")
	}
	if l := o.Latency; l != nil {
		ls := yamldoc.Sub(segs, "latency")
		switch {
		case l.Fixed < 0 || l.Min < 0 || l.Max < 0:
			errs.Add(ls, "must not be negative")
		case l.Fixed != 0 && (l.Min != 0 || l.Max != 0):
			errs.Add(ls, "set fixed, or min and max, not both")
		case l.Max < l.Min:
			errs.Add(ls, "max %v is less than min %v", l.Max, l.Min)
		case *l == (Latency{}):
			errs.Add(ls, "empty latency: set fixed, or min and max")
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
	fs := All()
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// Clone returns a deep copy.
func (r Rule) Clone() Rule {
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
		SubscriptionType: cp(m.SubscriptionType), ClientToken: cp(m.ClientToken), Places: cp(m.Places), Reads: cp(m.Reads),
		AccessKeyID: cp(m.AccessKeyID), Method: cp(m.Method), Format: cp(m.Format),
		Parameters: cpMap(m.Parameters), Params: cpMap(m.Params), Headers: cpMap(m.Headers),
	}
}

// ErrorDef returns the catalogue entry of a rule's error, or for a code outside the catalogue one
// made of the rule's channel and message, and the HTTP status to answer: the rule's Status, else
// 200 on the body channel, else the catalogue's status.
func (o *Outcome) ErrorDef() (spec.ErrorDef, int) {
	def, ok := spec.Lookup(o.Error)
	if !ok {
		def = spec.ErrorDef{Code: o.Error, Channel: o.Channel, Message: o.Message, Layer: spec.LayerBusiness}
	}
	switch {
	case o.Status != 0:
		return def, o.Status
	case o.Channel == spec.ChannelBody:
		return def, http.StatusOK
	case o.Channel == spec.ChannelHTTP && def.Channel == spec.ChannelBody:
		// A catalogued body-channel code moved to the http channel without a status: the
		// gateway's usual client error.
		return def, http.StatusBadRequest
	}
	return def, def.HTTPStatus
}

// validateError checks a rule's error code, channel, status and message together.
func (o *Outcome) validateError(segs []string, errs *yamldoc.Errors) {
	switch o.Channel {
	case "", spec.ChannelHTTP, spec.ChannelBody:
	default:
		errs.Add(yamldoc.Sub(segs, "channel"), "%q is neither %s nor %s", o.Channel, spec.ChannelHTTP, spec.ChannelBody)
	}
	if o.Status != 0 && o.Channel != "" && (o.Status == http.StatusOK) != (o.Channel == spec.ChannelBody) {
		errs.Add(yamldoc.Sub(segs, "status"), "status %d disagrees with channel %s: the body channel is HTTP 200, the http channel 400 to 599", o.Status, o.Channel)
	}
	if _, ok := spec.Lookup(o.Error); ok {
		return
	}
	if !validUncataloguedCode(string(o.Error)) {
		errs.Add(yamldoc.Sub(segs, "error"), "%q is not a catalogued error code (want one of %s), nor a code of printable ASCII without spaces, at most 64 characters", o.Error, knownCodes())
		return
	}
	if o.Channel == "" && o.Message == "" {
		// Most likely a misspelt catalogued code: say so first.
		errs.Add(yamldoc.Sub(segs, "error"), "%q is not a catalogued error code (want one of %s); for a code outside the catalogue set channel (http or body), message and, on http, status", o.Error, knownCodes())
		return
	}
	if o.Channel == "" {
		errs.Add(yamldoc.Sub(segs, "channel"), "error %q is not in the catalogue: set its channel (http or body), status (for http) and message", o.Error)
	}
	if o.Channel == spec.ChannelHTTP && o.Status == 0 {
		errs.Add(yamldoc.Sub(segs, "status"), "error %q is not in the catalogue: the http channel needs a status, 400 to 599", o.Error)
	}
	if strings.TrimSpace(o.Message) == "" {
		errs.Add(yamldoc.Sub(segs, "message"), "error %q is not in the catalogue: set its message (a body-channel error with an empty Message reads as success to real callers)", o.Error)
	}
}

// validUncataloguedCode reports whether code can travel as an error code: printable ASCII without
// spaces, 1 to 64 characters.
func validUncataloguedCode(code string) bool {
	if code == "" || len(code) > 64 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] <= ' ' || code[i] > '~' {
			return false
		}
	}
	return true
}

// Compile validates r and compiles its matchers. A bad rule is an error wrapping [RuleError]s.
func Compile(r Rule) (*Compiled, error) {
	cs, err := CompileAll([]Rule{r}, "")
	if err != nil {
		return nil, err
	}
	return cs[0], nil
}

// CompileAll validates and compiles every rule, reporting every problem at once; with list set
// (such as "rules") the problems' paths start "list[i]".
func CompileAll(rules []Rule, list string) ([]*Compiled, error) {
	errs := &yamldoc.Errors{}
	out := make([]*Compiled, len(rules))
	for i, r := range rules {
		out[i] = compileRule(r, listPath(list, i), errs)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// listPath is the path of element i of the list named list; nil without a list.
func listPath(list string, i int) []string {
	if list == "" {
		return nil
	}
	return []string{list, yamldoc.Index(i)}
}
