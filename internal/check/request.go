package check

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/bsskit/bsskit/spec"
)

// Param is one Parameter.n element of a request: Code and Value, in the order of n.
type Param struct {
	// N is the element's index on the wire (1..100).
	N int
	// Code is Parameter.n.Code, a module code of the product.
	Code string
	// Value is Parameter.n.Value, the module's configuration value.
	Value string
}

// Input is a valid CreateInstance request: the parameters the business logic uses.
type Input struct {
	// ProductCode, ProductType, SubscriptionType, ClientToken, RenewalStatus and Logistics are the
	// parameters of those names as sent ("" when absent).
	ProductCode, ProductType, SubscriptionType string
	ClientToken, RenewalStatus, Logistics      string
	// OwnerID is OwnerId as sent: 16 digits, or "".
	OwnerID string
	// Period and RenewPeriod are the parameters parsed (0 when absent).
	Period, RenewPeriod int
	// Parameters are the Parameter.n elements in ascending n (nil when there are none).
	Parameters []Param
}

// Violation is a request validation failure: the code to answer and the parameter to name.
type Violation struct {
	// Code is the error code the spec gives the violated rule (x-bss-error and friends).
	Code spec.Code
	// Param is the parameter to name in the message, e.g. "Period" or "Parameter.3.Code".
	Param string
}

// validator is CreateInstance's parameter rules compiled once from the spec, so that a request is
// checked without walking the OpenAPI document.
type validator struct {
	params   []paramCheck
	repeated []repeatedCheck
	rules    []spec.Rule
}

type paramCheck struct {
	name     string
	required bool
	code     spec.Code
	field    func(*Input, string, int64)
	value    valueCheck
}

type valueCheck struct {
	integer    bool
	boolean    bool             // "true" or "false"
	number     bool             // a decimal number
	json       *openapi3.Schema // x-bss-style json: the value is JSON of this schema
	min, max   int64
	minLen     int
	maxLen     int // -1: none
	enum       map[string]bool
	pattern    *pattern // pattern.go
	rawPattern *pattern
}

type repeatedCheck struct {
	prefix          string
	required        bool // at least one element
	scalar          bool // Prefix.n is the value (no .Field)
	min, max        int
	outOfRange      spec.Code
	fields          []repeatedField
	codeIdx, valIdx int
}

type repeatedField struct {
	name     string
	required bool
	missing  spec.Code
	value    valueCheck
}

// setters map the business parameters onto input. A parameter of the spec without a setter is
// validated but not kept.
var setters = map[string]func(*Input, string, int64){
	"ProductCode":      func(in *Input, s string, _ int64) { in.ProductCode = s },
	"ProductType":      func(in *Input, s string, _ int64) { in.ProductType = s },
	"SubscriptionType": func(in *Input, s string, _ int64) { in.SubscriptionType = s },
	"ClientToken":      func(in *Input, s string, _ int64) { in.ClientToken = s },
	"RenewalStatus":    func(in *Input, s string, _ int64) { in.RenewalStatus = s },
	"Logistics":        func(in *Input, s string, _ int64) { in.Logistics = s },
	"OwnerId":          func(in *Input, s string, _ int64) { in.OwnerID = s },
	"Period":           func(in *Input, _ string, n int64) { in.Period = int(n) },
	"RenewPeriod":      func(in *Input, _ string, n int64) { in.RenewPeriod = int(n) },
}

// handledElsewhere are parameters with an x-bss-error that the wire layer checks (routing, format).
var handledElsewhere = map[string]bool{"Action": true, "Version": true, "Format": true}

func compileValidator(op *spec.Operation) (*validator, error) {
	v := &validator{rules: op.Rules}
	for _, p := range op.Params {
		if p.In != "query" || p.Error == "" || handledElsewhere[p.Name] {
			continue
		}
		vc, err := compileValue(p.Schema, p.Pattern)
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		if p.Style == "json" {
			if p.JSONSchema == nil {
				return nil, fmt.Errorf("parameter %s: style json without x-bss-json-schema", p.Name)
			}
			vc.json = p.JSONSchema
		}
		v.params = append(v.params, paramCheck{name: p.Name, required: p.Required, code: p.Error, field: setters[p.Name], value: vc})
	}
	for _, r := range op.Repeated {
		rc := repeatedCheck{prefix: r.Prefix + ".", min: r.MinIndex, max: r.MaxIndex, outOfRange: r.OutOfRangeError, codeIdx: -1, valIdx: -1, required: r.Required}
		if r.Items != nil && len(r.Fields) == 0 {
			// A list of values: Prefix.n carries the value itself.
			vc, err := compileValue(r.Items, "")
			if err != nil {
				return nil, fmt.Errorf("repeated %s: %w", r.Prefix, err)
			}
			rc.scalar = true
			rc.fields = []repeatedField{{name: "", required: true, missing: spec.CodeMissingParameter, value: vc}}
		}
		for i, f := range r.Fields {
			vc, err := compileValue(f.Schema, "")
			if err != nil {
				return nil, fmt.Errorf("repeated %s.%s: %w", r.Prefix, f.Name, err)
			}
			rc.fields = append(rc.fields, repeatedField{name: f.Name, required: f.Required, missing: f.MissingError, value: vc})
			switch f.Name {
			case "Code":
				rc.codeIdx = i
			case "Value":
				rc.valIdx = i
			}
		}
		v.repeated = append(v.repeated, rc)
	}
	return v, nil
}

func compileValue(s *openapi3.Schema, rawPattern string) (valueCheck, error) {
	vc := valueCheck{maxLen: -1, min: math.MinInt64, max: math.MaxInt64}
	if s == nil {
		return vc, nil
	}
	vc.boolean = s.Type.Is(openapi3.TypeBoolean)
	vc.number = s.Type.Is(openapi3.TypeNumber)
	if s.Type.Is(openapi3.TypeInteger) {
		vc.integer = true
		if s.Format == "int32" {
			vc.min, vc.max = math.MinInt32, math.MaxInt32
		}
		if s.Min != nil {
			vc.min = max(vc.min, int64(*s.Min))
			if s.ExclusiveMin.IsTrue() {
				vc.min++
			}
		}
		if s.Max != nil && *s.Max < float64(math.MaxInt64) {
			vc.max = min(vc.max, int64(*s.Max))
			if s.ExclusiveMax.IsTrue() {
				vc.max--
			}
		}
	}
	vc.boolean = s.Type.Is(openapi3.TypeBoolean)
	vc.number = s.Type.Is(openapi3.TypeNumber)
	vc.minLen = int(s.MinLength)
	if s.MaxLength != nil {
		vc.maxLen = int(*s.MaxLength)
	}
	if len(s.Enum) > 0 {
		vc.enum = make(map[string]bool, len(s.Enum))
		for _, e := range s.Enum {
			vc.enum[fmt.Sprint(e)] = true
		}
	}
	var err error
	if s.Pattern != "" {
		if vc.pattern, err = compilePattern(s.Pattern); err != nil {
			return vc, err
		}
	}
	if rawPattern != "" {
		if vc.rawPattern, err = compilePattern(rawPattern); err != nil {
			return vc, err
		}
	}
	return vc, nil
}

// check reports whether s satisfies the compiled schema, and its integer value.
func (vc *valueCheck) check(s string) (int64, bool) {
	if vc.rawPattern != nil && !vc.rawPattern.MatchString(s) {
		return 0, false
	}
	var n int64
	if vc.integer {
		var err error
		n, err = strconv.ParseInt(s, 10, 64)
		if err != nil || n < vc.min || n > vc.max || vc.enum != nil && !vc.enum[strconv.FormatInt(n, 10)] {
			return 0, false
		}
		return n, true
	}
	switch {
	case vc.boolean && s != "true" && s != "false":
		return 0, false
	case vc.number:
		if f, err := strconv.ParseFloat(s, 64); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false
		}
	case vc.json != nil && !jsonConforms(s, vc.json):
		return 0, false
	}
	if vc.enum != nil && !vc.enum[s] {
		return 0, false
	}
	if vc.minLen > 0 || vc.maxLen >= 0 {
		l := utf8.RuneCountInString(s)
		if l < vc.minLen || (vc.maxLen >= 0 && l > vc.maxLen) {
			return 0, false
		}
	}
	if vc.pattern != nil && !vc.pattern.MatchString(s) {
		return 0, false
	}
	return n, true
}

// validate checks params against the compiled rules: named parameters in document order, then the
// repeated parameters, then the cross-field rules. An empty value counts as absent (the official SDK
// never sends one). A parameter given twice with different values is invalid.
func (v *validator) validate(params url.Values) (*Input, *Violation) {
	in := &Input{}
	for i := range v.params {
		pc := &v.params[i]
		vals := params[pc.name]
		if len(vals) == 0 || vals[0] == "" {
			if pc.required {
				return nil, &Violation{spec.CodeMissingParameter, pc.name}
			}
			continue
		}
		for _, other := range vals[1:] {
			if other != vals[0] {
				return nil, &Violation{pc.code, pc.name}
			}
		}
		n, ok := pc.value.check(vals[0])
		if !ok {
			return nil, &Violation{pc.code, pc.name}
		}
		if pc.field != nil {
			pc.field(in, vals[0], n)
		}
	}
	for i := range v.repeated {
		if viol := v.repeated[i].collect(params, in); viol != nil {
			return nil, viol
		}
	}
	for _, r := range v.rules {
		if r.When == nil || r.Require == "" {
			continue // pairs are enforced by the repeated fields' required flags
		}
		if params.Get(r.When.Param) == r.When.Equals && params.Get(r.Require) == "" {
			return nil, &Violation{r.Error, r.Require}
		}
	}
	return in, nil
}

func (rc *repeatedCheck) collect(params url.Values, in *Input) *Violation {
	// A request has a few elements: keep keys and elements in stack buffers, and build the name of
	// a parameter only when it is reported.
	var keyBuf [16]string
	keys := keyBuf[:0]
	for k := range params {
		if strings.HasPrefix(k, rc.prefix) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		if rc.required {
			return &Violation{spec.CodeMissingParameter, rc.prefix + strconv.Itoa(rc.min)}
		}
		return nil
	}
	slices.Sort(keys) // deterministic: the same request always names the same parameter
	type element struct{ n, off int }
	var elemBuf [8]element
	var valBuf [16]string
	var seenBuf [16]bool
	elems, vals, seen := elemBuf[:0], valBuf[:0], seenBuf[:0]
	nf := len(rc.fields)
	for _, k := range keys {
		rest := k[len(rc.prefix):]
		idx, field, ok := strings.Cut(rest, ".")
		if rc.scalar {
			if ok {
				return &Violation{rc.outOfRange, k} // Prefix.n.x: a list of values has no fields
			}
			ok = true
		}
		n, err := strconv.Atoi(idx)
		if !ok || err != nil || idx[0] == '+' || idx[0] == '-' || (len(idx) > 1 && idx[0] == '0') {
			return &Violation{rc.outOfRange, k}
		}
		if n < rc.min || n > rc.max {
			return &Violation{rc.outOfRange, rc.prefix + idx}
		}
		fi := -1
		for i := range rc.fields {
			if rc.fields[i].name == field {
				fi = i
			}
		}
		if fi < 0 {
			continue // an unknown field of a known element is tolerated, like unknown parameters
		}
		e := -1
		for i := range elems {
			if elems[i].n == n {
				e = i
				break
			}
		}
		if e < 0 {
			e = len(elems)
			elems = append(elems, element{n: n, off: len(vals)})
			for range nf {
				vals, seen = append(vals, ""), append(seen, false)
			}
		}
		vs := params[k]
		for _, other := range vs[1:] {
			if other != vs[0] {
				return &Violation{spec.CodeInvalidParameter, k}
			}
		}
		vals[elems[e].off+fi], seen[elems[e].off+fi] = vs[0], vs[0] != ""
	}
	slices.SortFunc(elems, func(a, b element) int { return a.n - b.n })
	for _, e := range elems {
		for i := range rc.fields {
			f := &rc.fields[i]
			name := rc.prefix + strconv.Itoa(e.n)
			if !rc.scalar {
				name += "." + f.name
			}
			if !seen[e.off+i] {
				if f.required {
					return &Violation{f.missing, name}
				}
				continue
			}
			if _, ok := f.value.check(vals[e.off+i]); !ok {
				return &Violation{spec.CodeInvalidParameter, name}
			}
		}
		if rc.codeIdx >= 0 && rc.valIdx >= 0 {
			in.Parameters = append(in.Parameters, Param{N: e.n, Code: vals[e.off+rc.codeIdx], Value: vals[e.off+rc.valIdx]})
		}
	}
	return nil
}
