package contract

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/bsskit/bsskit/spec"
)

// The cases of every operation of the spec (issue 21): for each operation other than the three with
// cases of their own (CreateInstance, QueryAvailableInstances, GetOrderDetail), the negative cases
// [violations] derives from its spec entry, each applied to a valid request built from the
// operation's required parameters, and for each read operation its answer, in JSON and in XML,
// held to the operation's response schema and decoded into its generated type.
//
// What may be sent where:
//   - reads spend and change nothing: their cases run against any endpoint;
//   - the lifecycle writes (issue 20: RefundInstance, SetRenewal, ModifyInstance, RenewInstance,
//     ReleaseInstance) act on instances by ID, and every ID the suite sends names an instance no
//     account holds (and every ProductCode the sentinel product), so an endpoint that skipped the
//     check a case is about still finds nothing to act on: their cases run like CreateInstance's;
//   - every other write (buying a resource package, setting a quota, ...) could be carried out by
//     an endpoint that skipped a check: its cases run only when writes are allowed ([WithWrites];
//     by default only against a loopback endpoint), and are reported as not applicable otherwise.
//
// An endpoint that answers InvalidAction.NotFound to an operation of the spec does not serve it: the
// case is not applicable, and the report says once which operations were answered so.

// lifecycleWrites are the writes of the lifecycle issue, whose requests name instances by ID.
var lifecycleWrites = map[string]bool{
	"RefundInstance": true, "SetRenewal": true, "ModifyInstance": true, "RenewInstance": true, "ReleaseInstance": true,
}

// ownCases are the operations whose cases live elsewhere (cases.go, cases_read.go).
var ownCases = map[string]bool{spec.ActionCreateInstance: true, spec.ActionQueryAvailableInstances: true, spec.ActionGetOrderDetail: true}

// handWrittenRead says whether action is one of the reads with hand-written answers, whose time
// fields the suite holds to YYYY-MM-DDThh:mm:ssZ (checks.go).
func handWrittenRead(action string) bool {
	return action == spec.ActionQueryAvailableInstances || action == spec.ActionGetOrderDetail
}

// gatedWrite says whether action is a write whose cases need writes allowed: a write of the spec
// other than CreateInstance and the lifecycle writes.
func gatedWrite(action string) bool {
	op, ok := spec.OperationFor(action)
	return ok && !op.ReadOnly && action != spec.ActionCreateInstance && !lifecycleWrites[action]
}

// operationCases plans the cases of every operation without cases of its own, in spec order.
func (r *runner) operationCases() []*caseDef {
	var cases []*caseDef
	for _, op := range spec.Operations() {
		if ownCases[op.Action] {
			continue
		}
		cases = append(cases, r.casesOf(op)...)
	}
	return cases
}

// casesOf plans one operation's cases.
func (r *runner) casesOf(op *spec.Operation) []*caseDef {
	action := op.Action
	base, why := validParams(op)
	kind := "a read: nothing is spent"
	switch {
	case lifecycleWrites[action]:
		kind = "a lifecycle write: every instance ID names an instance no account holds"
	case !op.ReadOnly:
		kind = "a write: sent only when writes are allowed"
	}
	var cases []*caseDef
	mk := func(name, doc string, run func(c *caseRun)) *caseDef {
		d := &caseDef{name: "operation/" + action + "/" + name, doc: fmt.Sprintf("%s %s. %s.", action, doc, kind), run: run, write: gatedWrite(action)}
		if why != "" {
			d.notApplicable = why
		}
		return d
	}
	if op.ReadOnly {
		cases = append(cases, mk("answer", "with its required parameters ("+describe(base)+"), in JSON and in XML; want success, an answer that conforms to the operation's response schema and decodes into generated."+action+"Response", func(c *caseRun) {
			for _, f := range []string{"JSON", "XML"} {
				if _, ok := c.sendOp(newRead(action, cloneValues(base), f), expectSuccess); !ok {
					return
				}
			}
		}))
	}
	for i, v := range violations(op) {
		if strings.HasPrefix(v.name, "routing/") {
			continue // routed before any operation: CreateInstance's cases cover them
		}
		format := []string{"JSON", "XML"}[i%2]
		cases = append(cases, mk(v.name, v.doc+"; want "+expectCode(v.code).String(), func(c *caseRun) {
			rq := newRead(action, cloneValues(base), format)
			v.apply(rq)
			c.sendOp(rq, expectCode(v.code))
		}))
	}
	return cases
}

// describe lists the parameters of a request for a case's documentation.
func describe(v url.Values) string {
	if len(v) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		keys[i] = k + "=" + shorten(v.Get(k))
	}
	return strings.Join(keys, " ")
}

// sendOp is send for a case of an operation the endpoint may not serve: an answer
// InvalidAction.NotFound (when the case did not want it) makes the case not applicable, and the
// report says once which operations were answered so (the operation's later cases are not sent);
// any other answer is judged as send judges it.
func (c *caseRun) sendOp(rq *request, want expectation) (result, bool) {
	r := c.r
	if rq.action != "" && gatedWrite(rq.action) && !r.writesAllowed {
		// A planning bug: runCase does not run these cases. Never send it.
		c.finding(CheckBudget, -1, "refused to send a write of "+rq.action+": "+r.report.WritesReason)
		return result{}, false
	}
	if slices.Contains(r.unserved, rq.action) {
		// Answered InvalidAction.NotFound before: not sent again.
		c.skip = "the endpoint answers " + string(spec.CodeInvalidActionNotFound) + " to " + rq.action + unservedSuffix
		return result{}, false
	}
	scratch := &caseRun{r: r, def: c.def, res: &CaseResult{}}
	res, ok := scratch.send(rq, want)
	if ok && res.ans != nil && res.ans.code() == string(spec.CodeInvalidActionNotFound) && want.code != spec.CodeInvalidActionNotFound {
		if !slices.Contains(r.unserved, rq.action) {
			r.unserved = append(r.unserved, rq.action)
		}
		if n := len(r.provoked[want.code]); !want.success && n > 0 && r.provoked[want.code][n-1] == c.def.name {
			r.provoked[want.code] = r.provoked[want.code][:n-1] // not provoked: the case did not apply
		}
		c.skip = "the endpoint answers " + string(spec.CodeInvalidActionNotFound) + " to " + rq.action + unservedSuffix
		return result{}, false
	}
	off := len(c.res.Exchanges)
	c.res.Exchanges = append(c.res.Exchanges, scratch.res.Exchanges...)
	for _, f := range scratch.res.Findings {
		if f.Exchange >= 0 {
			f.Exchange += off
		}
		c.res.Findings = append(c.res.Findings, f)
	}
	c.last = scratch.last
	if !ok {
		return result{}, false
	}
	res.idx += off
	res.ex = &c.res.Exchanges[res.idx]
	return res, true
}

// unservedSuffix ends the reason of a case of an operation the endpoint does not serve.
const unservedSuffix = ": it does not serve this operation"

// isUnservedReason says whether a not-applicable reason is that the endpoint does not serve the
// operation (the text report counts those cases instead of listing them).
func isUnservedReason(reason string) bool { return strings.HasSuffix(reason, unservedSuffix) }

// unservedWarning is the report's one line on the operations the endpoint does not serve.
func (r *runner) unservedWarning() string {
	if len(r.unserved) == 0 {
		return ""
	}
	return fmt.Sprintf("the endpoint answers %s to %d operation(s) of the spec, so their cases are not applicable: %s",
		spec.CodeInvalidActionNotFound, len(r.unserved), strings.Join(r.unserved, ", "))
}

// validParams builds a valid request of op from its required parameters (named and repeated), with
// values its schemas allow: an enumeration's first value, the smallest integer allowed, "false", the
// sentinels for what names a product, an instance or an order, and strings shaped by the name
// (dates for *Date, months for *Cycle, ...). why is set when some required parameter has no value
// the suite can make (the operation's cases are then not applicable).
func validParams(op *spec.Operation) (url.Values, string) {
	v := url.Values{}
	for _, p := range op.Params {
		if p.In != "query" || !p.Required || p.Error == "" || p.Name == "Action" || p.Name == "Version" || p.Name == "Format" {
			continue
		}
		val, ok := validValue(p.Name, p.Schema, p.Pattern, p.Style)
		if !ok {
			return v, fmt.Sprintf("no value of the required parameter %s is known to satisfy its schema", p.Name)
		}
		v.Set(p.Name, val)
	}
	for _, rp := range op.Repeated {
		if !rp.Required {
			continue
		}
		n := strconv.Itoa(max(rp.MinIndex, 1))
		if len(rp.Fields) == 0 {
			val, ok := validValue(rp.Prefix, rp.Items, "", "")
			if !ok {
				return v, fmt.Sprintf("no value of the required list %s.n is known to satisfy its schema", rp.Prefix)
			}
			v.Set(rp.Prefix+"."+n, val)
			continue
		}
		for _, f := range rp.Fields {
			val, ok := validValue(f.Name, f.Schema, "", "")
			if !ok {
				return v, fmt.Sprintf("no value of %s.n.%s is known to satisfy its schema", rp.Prefix, f.Name)
			}
			v.Set(rp.Prefix+"."+n+"."+f.Name, val)
		}
	}
	for _, rule := range op.Rules {
		if rule.When != nil && rule.Require != "" && v.Get(rule.When.Param) == rule.When.Equals && !v.Has(rule.Require) {
			p, _ := op.Param(rule.Require)
			val, ok := validValue(rule.Require, p.Schema, p.Pattern, p.Style)
			if !ok {
				return v, fmt.Sprintf("no value of %s, which rule %s requires, is known to satisfy its schema", rule.Require, rule.ID)
			}
			v.Set(rule.Require, val)
		}
	}
	return v, ""
}

// validValue returns a value of the parameter name that satisfies its schema (and x-bss-pattern,
// and its style); ok is false when none of the suite's candidates does.
func validValue(name string, s *openapi3.Schema, rawPattern, style string) (string, bool) {
	if s == nil {
		return "bsskit", true
	}
	if len(s.Enum) > 0 {
		return fmt.Sprint(s.Enum[0]), true
	}
	switch {
	case s.Type.Is(openapi3.TypeBoolean):
		return "false", true
	case s.Type.Is(openapi3.TypeInteger), s.Type.Is(openapi3.TypeNumber):
		lo, hi := int64(1), int64(math.MaxInt32)
		if s.Min != nil {
			lo = int64(math.Ceil(*s.Min))
			if s.ExclusiveMin.IsTrue() {
				lo++
			}
		}
		if s.Max != nil && *s.Max < float64(math.MaxInt64) {
			hi = int64(math.Floor(*s.Max))
			if s.ExclusiveMax.IsTrue() {
				hi--
			}
		}
		if lo > hi {
			return "", false
		}
		return strconv.FormatInt(lo, 10), true
	}
	var candidates []string
	lower := strings.ToLower(name)
	switch {
	case style == "json":
		candidates = append(candidates, "{}", "[]")
	case name == "ProductCode":
		candidates = append(candidates, NoSuchProduct)
	case strings.Contains(lower, "instanceid"):
		candidates = append(candidates, noSuchInstance)
	case strings.Contains(lower, "orderid"):
		candidates = append(candidates, noSuchOrder)
	case strings.HasSuffix(lower, "cycle") || strings.HasSuffix(lower, "month"):
		candidates = append(candidates, "2026-11")
	case strings.HasSuffix(lower, "date") || strings.HasSuffix(lower, "day"):
		candidates = append(candidates, "2026-11-30")
	case strings.HasSuffix(lower, "time"):
		candidates = append(candidates, "2026-11-30T00:00:00Z")
	}
	candidates = append(candidates, "bsskit", "2026-11-30T00:00:00Z", "2026-11-30", "2026-11", "1", "1000000000000001")
	for _, c := range candidates {
		if satisfies(c, s, rawPattern) {
			return c, true
		}
	}
	return "", false
}

// satisfies reports whether the string value c satisfies s's length and pattern and rawPattern.
func satisfies(c string, s *openapi3.Schema, rawPattern string) bool {
	n := len([]rune(c))
	if uint64(n) < s.MinLength || s.MaxLength != nil && uint64(n) > *s.MaxLength {
		return false
	}
	for _, pat := range []string{s.Pattern, rawPattern} {
		if pat == "" {
			continue
		}
		re, err := regexp.Compile(pat)
		if err != nil || !re.MatchString(c) {
			return false
		}
	}
	return true
}
