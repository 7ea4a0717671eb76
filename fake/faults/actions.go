package faults

import (
	"slices"
	"strconv"
	"strings"

	"github.com/bsskit/bsskit/fake/internal/yamldoc"
	"github.com/bsskit/bsskit/spec"
)

// checkActionCodes refuses a catalogued error code that the rule's Action never answers, when the
// rule matches exactly one Action the spec has: an injected failure must be one the caller can meet
// from that Action. An Action answers the codes the catalogue gives it (spec.ErrorsFor: its own and
// the gateway's) and the codes its parameters' validation produces. Codes outside the catalogue,
// with their channel and message given, are the user's and are not checked.
func checkActionCodes(r *Rule, segs []string, errs *yamldoc.Errors) {
	if r.Match.Action == nil || r.Match.Action.Exact == "" {
		return
	}
	action := r.Match.Action.Exact
	op, ok := spec.OperationFor(action)
	if !ok {
		return
	}
	check := func(o *Outcome, segs []string) {
		if o == nil || o.Error == "" {
			return
		}
		if _, catalogued := spec.Lookup(o.Error); !catalogued {
			return
		}
		codes := answeredCodes(op)
		if !slices.Contains(codes, o.Error) {
			names := make([]string, len(codes))
			for i, c := range codes {
				names[i] = string(c)
			}
			errs.Add(yamldoc.Sub(segs, "error"), "%s never answers %q: its codes are %s", action, o.Error, strings.Join(names, ", "))
		}
	}
	check(r.Outcome, yamldoc.Sub(segs, "outcome"))
	for i := range r.Sequence {
		check(&r.Sequence[i], yamldoc.Sub(segs, "sequence", "["+strconv.Itoa(i)+"]"))
	}
}

// answeredCodes is every code op's Action can answer, in the catalogue's order.
func answeredCodes(op *spec.Operation) []spec.Code {
	own := map[spec.Code]bool{}
	for _, p := range op.Params {
		own[p.Error] = true
		if p.Required {
			own[spec.CodeMissingParameter] = true
		}
	}
	for _, r := range op.Repeated {
		own[r.OutOfRangeError] = true
		own[spec.CodeInvalidParameter] = true // a value of an element that is not valid
		if r.Required {
			own[spec.CodeMissingParameter] = true
		}
		for _, f := range r.Fields {
			own[f.MissingError] = true
		}
	}
	for _, r := range op.Rules {
		own[r.Error] = true
	}
	var out []spec.Code
	for _, d := range spec.Errors() {
		if d.AppliesTo(op.Action) || own[d.Code] {
			out = append(out, d.Code)
		}
	}
	return out
}
