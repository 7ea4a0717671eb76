package contract

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/bsskit/bsskit/spec"
)

// violation is one way to break a request, derived from the spec: apply changes a valid base so
// that exactly this rule is violated, and code is what the spec says the answer is.
type violation struct {
	name string
	doc  string
	code spec.Code
	// apply breaks the request.
	apply func(rq *request)
}

// safeBase returns the parameters every negative case starts from: valid in every respect except
// that the product does not exist, so no endpoint can place an order for them.
func safeBase() url.Values {
	return url.Values{"ProductCode": {NoSuchProduct}, "SubscriptionType": {"PayAsYouGo"}}
}

// newRequest returns a POST of params with Action and Version.
func newRequest(params url.Values, format string) *request {
	return &request{method: http.MethodPost, params: params, action: actionVersion[0], version: actionVersion[1], format: format}
}

// violations derives every negative case from the operation and the catalogue.
func violations(op *spec.Operation) []violation {
	var out []violation
	// Routing: the one-of values (Action, Version).
	for _, o := range op.OneOf {
		name := o.Name
		if o.MissingError != "" {
			out = append(out, violation{
				name: "routing/" + name + "/missing", code: o.MissingError,
				doc: fmt.Sprintf("%s is in neither the query nor the x-acs-* header", name),
				apply: func(rq *request) {
					if name == "Action" {
						rq.action = ""
					} else {
						rq.version = ""
					}
				},
			})
		}
		if o.UnknownError != "" {
			out = append(out, violation{
				name: "routing/" + name + "/unknown", code: o.UnknownError,
				doc: fmt.Sprintf("%s names no API of BssOpenApi 2017-12-14", name),
				apply: func(rq *request) {
					if name == "Action" {
						rq.action = "DescribeBsskitContractNothing"
					} else {
						rq.version = "2001-01-01"
					}
				},
			})
		}
	}
	// Methods the spec does not have.
	out = append(out, violation{
		name: "method/PUT", code: spec.CodeUnsupportedHTTPMethod,
		doc:   "PUT is not one of the spec's methods (" + strings.Join(op.Methods, ", ") + ")",
		apply: func(rq *request) { rq.method = http.MethodPut },
	})
	// Named parameters.
	for _, p := range op.Params {
		if p.In != "query" || p.Error == "" || p.Name == "Action" || p.Name == "Version" {
			continue
		}
		name := p.Name
		if p.Required {
			out = append(out, violation{
				name: "missing/" + name, code: spec.CodeMissingParameter,
				doc:   name + " is required and absent",
				apply: func(rq *request) { rq.params.Del(name) },
			})
		}
		for _, bad := range badValues(p) {
			value := bad.value
			if name == "ProductCode" {
				// Still the sentinel: an endpoint that skips the check finds no product.
				value = NoSuchProduct + strings.Repeat("x", max(0, len(bad.value)-len(NoSuchProduct)))
			}
			out = append(out, violation{
				name: "invalid/" + name + "/" + bad.kind, code: p.Error,
				doc: fmt.Sprintf("%s=%s violates %s", name, shorten(value), bad.rule),
				apply: func(rq *request) {
					if name == "Format" {
						rq.format = value
						return
					}
					rq.params.Set(name, value)
				},
			})
		}
	}
	// Repeated parameters.
	for _, rp := range op.Repeated {
		prefix := rp.Prefix
		fields := rp.Fields
		// element sets element idx of the list to valid-looking values, without its field skip
		// (removed if the base request had it); a list of values (Items) is Prefix.idx itself.
		element := func(rq *request, idx string, skip string) {
			if len(fields) == 0 {
				rq.params.Set(prefix+"."+idx, "bsskit")
				return
			}
			for _, f := range fields {
				if f.Name != skip {
					// Every other field valid, so that the one violation is the only one.
					v, ok := validValue(f.Name, f.Schema, "", "")
					if !ok {
						v = "bsskit"
					}
					rq.params.Set(prefix+"."+idx+"."+f.Name, v)
				} else {
					rq.params.Del(prefix + "." + idx + "." + f.Name)
				}
			}
		}
		if rp.Required {
			out = append(out, violation{
				name: "repeated/" + prefix + "/missing", code: spec.CodeMissingParameter,
				doc: fmt.Sprintf("no %s.n at all, where at least one is required", prefix),
				apply: func(rq *request) {
					for k := range rq.params {
						if strings.HasPrefix(k, prefix+".") {
							rq.params.Del(k)
						}
					}
				},
			})
		}
		if rp.Items != nil && len(fields) == 0 {
			for _, bad := range badValues(spec.Param{Name: prefix, Schema: rp.Items}) {
				bad := bad
				n := strconv.Itoa(max(rp.MinIndex, 1))
				out = append(out, violation{
					name: "repeated/" + prefix + "/" + bad.kind, code: spec.CodeInvalidParameter,
					doc:   fmt.Sprintf("%s.%s=%s violates %s", prefix, n, shorten(bad.value), bad.rule),
					apply: func(rq *request) { rq.params.Set(prefix+"."+n, bad.value) },
				})
			}
		}
		for _, ix := range []struct{ kind, idx, rule string }{
			{"index-below-minimum", strconv.Itoa(rp.MinIndex - 1), fmt.Sprintf("n >= %d", rp.MinIndex)},
			{"index-above-maximum", strconv.Itoa(rp.MaxIndex + 1), fmt.Sprintf("n <= %d", rp.MaxIndex)},
			{"index-not-a-number", "x", "n is a number"},
		} {
			ix := ix
			out = append(out, violation{
				name: "repeated/" + prefix + "/" + ix.kind, code: rp.OutOfRangeError,
				doc:   fmt.Sprintf("%s.%s.* violates %s", prefix, ix.idx, ix.rule),
				apply: func(rq *request) { element(rq, ix.idx, "") },
			})
		}
		for _, f := range fields {
			f := f
			if f.Required {
				out = append(out, violation{
					name: "repeated/" + prefix + "/" + f.Name + "-missing", code: f.MissingError,
					doc:   fmt.Sprintf("%s.1 without its required %s", prefix, f.Name),
					apply: func(rq *request) { element(rq, "1", f.Name) },
				})
			}
			if f.Schema != nil && f.Schema.MaxLength != nil {
				n := int(*f.Schema.MaxLength) + 1
				out = append(out, violation{
					name: "repeated/" + prefix + "/" + f.Name + "-too-long", code: spec.CodeInvalidParameter,
					doc: fmt.Sprintf("%s.1.%s of %d characters violates maxLength %d", prefix, f.Name, n, n-1),
					apply: func(rq *request) {
						element(rq, "1", "")
						rq.params.Set(prefix+".1."+f.Name, strings.Repeat("a", n))
					},
				})
			}
		}
	}
	// Cross-field rules.
	for _, rule := range op.Rules {
		rule := rule
		switch {
		case rule.When != nil && rule.Require != "":
			out = append(out, violation{
				name: "rule/" + rule.ID, code: rule.Error,
				doc: fmt.Sprintf("%s=%s without %s (%s)", rule.When.Param, rule.When.Equals, rule.Require, rule.Description),
				apply: func(rq *request) {
					rq.params.Set(rule.When.Param, rule.When.Equals)
					rq.params.Del(rule.Require)
				},
			})
		case rule.Pairs != nil && len(rule.Pairs.Fields) > 0:
			for _, f := range rule.Pairs.Fields {
				f := f
				out = append(out, violation{
					name: "rule/" + rule.ID + "/" + f + "-alone", code: rule.Error,
					doc: fmt.Sprintf("%s.1.%s alone (%s)", rule.Pairs.Prefix, f, rule.Description),
					apply: func(rq *request) {
						rq.params.Set(rule.Pairs.Prefix+".1."+f, "bsskit")
					},
				})
			}
		}
	}
	return out
}

type badValue struct{ kind, value, rule string }

// badValues returns values that violate p's schema, one per constraint.
func badValues(p spec.Param) []badValue {
	s := p.Schema
	var out []badValue
	if s == nil {
		return nil
	}
	if len(s.Enum) > 0 {
		out = append(out, badValue{"not-in-enum", "BsskitNotInEnum", fmt.Sprintf("enum %v", s.Enum)})
	}
	if s.Type.Is(openapi3.TypeBoolean) {
		out = append(out, badValue{"not-a-boolean", "maybe", "type boolean"})
	}
	if s.Type.Is(openapi3.TypeNumber) {
		out = append(out, badValue{"not-a-number", "twelve", "type number"})
	}
	if p.Style == "json" {
		out = append(out, badValue{"not-json", "{bsskit", "x-bss-style json (a JSON-encoded value)"})
	}
	if s.Type.Is(openapi3.TypeInteger) {
		out = append(out, badValue{"not-an-integer", "twelve", "type integer"})
		if s.Min != nil {
			out = append(out, badValue{"below-minimum", strconv.FormatInt(int64(*s.Min)-1, 10), fmt.Sprintf("minimum %.0f", *s.Min)})
		}
		if s.Max != nil {
			out = append(out, badValue{"above-maximum", strconv.FormatUint(uint64(*s.Max)+1, 10), fmt.Sprintf("maximum %.0f", *s.Max)})
		} else if s.Format == "int32" {
			out = append(out, badValue{"above-int32", "2147483648", "format int32"})
		}
	}
	if s.Type.Is(openapi3.TypeString) && len(s.Enum) == 0 {
		if s.MaxLength != nil {
			n := int(*s.MaxLength) + 1
			out = append(out, badValue{"too-long", strings.Repeat("a", n), fmt.Sprintf("maxLength %d", n-1)})
		}
		if s.Pattern != "" {
			if re, err := regexp.Compile(s.Pattern); err == nil {
				for _, cand := range []string{"YAML", "bsskit-t\u00f6ken", "bsskit\ttoken"} {
					if !re.MatchString(cand) {
						out = append(out, badValue{"pattern", cand, "pattern " + s.Pattern})
						break
					}
				}
			}
		}
	}
	if p.Pattern != "" {
		if re, err := regexp.Compile(p.Pattern); err == nil {
			for _, cand := range []string{"0123456789012345", "12345", "abc"} {
				if !re.MatchString(cand) {
					out = append(out, badValue{"raw-pattern", cand, "x-bss-pattern " + p.Pattern})
					break
				}
			}
		}
	}
	return out
}

func shorten(s string) string {
	if len(s) > 24 {
		return fmt.Sprintf("%s...(%d chars)", s[:12], len(s))
	}
	return s
}

// plan lists every case, in run order: routing and validation (safe), authentication (safe),
// business (mostly order-capable), orders, idempotency, generated.
func (r *runner) plan() []*caseDef {
	var cases []*caseDef
	formats := []string{"JSON", "XML"}
	for i, v := range violations(spec.CreateInstance()) {
		v := v
		format := formats[i%2]
		cases = append(cases, &caseDef{
			name: v.name,
			doc:  fmt.Sprintf("%s; want %s. Product %s, so no order can result.", v.doc, expectCode(v.code), NoSuchProduct),
			run: func(c *caseRun) {
				rq := newRequest(safeBase(), format)
				v.apply(rq)
				c.send(rq, expectCode(v.code))
			},
		})
	}
	cases = append(cases, formatCases()...)
	cases = append(cases, r.authCases()...)
	cases = append(cases, r.businessCases()...)
	cases = append(cases, r.orderCases()...)
	cases = append(cases, r.stateCases()...)     // cases_state.go
	cases = append(cases, r.siteCases()...)      // cases_site.go
	cases = append(cases, r.readCases()...)      // cases_read.go: after the orders, so there is something to read
	cases = append(cases, r.operationCases()...) // cases_ops.go: every other operation of the spec
	cases = append(cases, r.generatedCases()...)
	return cases
}

// formatCases send requests without a Format parameter, so that the Accept header decides the
// answer's format by the spec's negotiation rule ([spec.ResponseFormat]); the content-type check
// then judges the answer against the format the rule gives.
func formatCases() []*caseDef {
	var cases []*caseDef
	for _, accept := range []struct{ name, value string }{
		{"accept-any", "*/*"},
		{"accept-xml", "text/xml"},
		{"accept-json", "application/json"},
	} {
		want := spec.ResponseFormat("", accept.value)
		cases = append(cases, &caseDef{
			name: "format/absent-" + accept.name,
			doc: fmt.Sprintf("no Format parameter and Accept: %s, which the spec's negotiation answers in %s; want %s. Product %s, so no order can result.",
				accept.value, want, expectCode(spec.CodeProductNotFind), NoSuchProduct),
			run: func(c *caseRun) {
				rq := newRequest(safeBase(), "")
				rq.accept = accept.value
				c.send(rq, expectCode(spec.CodeProductNotFind))
			},
		})
	}
	return cases
}

func (r *runner) authCases() []*caseDef {
	mk := func(name, doc string, mode authMode, code spec.Code) *caseDef {
		return &caseDef{
			name: "auth/" + name, needsVerify: true,
			doc: fmt.Sprintf("%s; want %s. Product %s, so no order can result even if the signature is not checked.", doc, expectCode(code), NoSuchProduct),
			run: func(c *caseRun) {
				rq := newRequest(safeBase(), "JSON")
				rq.auth = mode
				c.send(rq, expectCode(code))
			},
		}
	}
	return []*caseDef{
		mk("bad-signature", "a signature that does not match the request", authBadSignature, spec.CodeSignatureDoesNotMatch),
		mk("unknown-key", "signed with an AccessKey ID no endpoint knows", authUnknownKey, spec.CodeInvalidAccessKeyIdNotFound),
		mk("stale-timestamp", "signed correctly one hour ago", authStale, spec.CodeInvalidTimeStampExpired),
		mk("illegal-timestamp", "signed correctly with an unparsable timestamp", authIllegalTime, spec.CodeIllegalTimestamp),
		mk("unsigned", "no credentials at all: no signature, no AccessKey ID, no token", authUnsigned, spec.CodeMissingAccessKeyId),
		mk("incomplete-signature", "a signature the gateway cannot check (V1: SignatureMethod HMAC-MD5; V3: x-acs-date not signed)", authIncomplete, spec.CodeIncompleteSignature),
		{
			name: "auth/replayed-nonce", needsVerify: true,
			doc: fmt.Sprintf("the exact same signed request sent twice; the first wants %s, the replay %s", expectCode(spec.CodeProductNotFind), expectCode(spec.CodeSignatureNonceUsed)),
			run: func(c *caseRun) {
				rq := newRequest(safeBase(), "JSON")
				if _, ok := c.send(rq, expectCode(spec.CodeProductNotFind)); !ok {
					return
				}
				c.send(&request{replayOf: c.last}, expectCode(spec.CodeSignatureNonceUsed))
			},
		},
	}
}

func (r *runner) businessCases() []*caseDef {
	var cases []*caseDef
	cases = append(cases, &caseDef{
		name: "business/product-not-found",
		doc:  fmt.Sprintf("a valid request for product %s, which does not exist; want %s", NoSuchProduct, expectCode(spec.CodeProductNotFind)),
		run: func(c *caseRun) {
			c.send(newRequest(safeBase(), "XML"), expectCode(spec.CodeProductNotFind))
		},
	})
	na := &caseDef{name: "business/not-applicable", orders: 1,
		doc: "a valid request for a product the catalogue marks not applicable (ECS, RDS); want " + expectCode(spec.CodeNotApplicable).String()}
	if r.notApplicable == nil {
		na.notApplicable = "no product known to be not applicable (only a fake's catalogue says which)"
	} else {
		code := r.notApplicable.Code
		na.run = func(c *caseRun) {
			c.send(newRequest(url.Values{"ProductCode": {code}, "SubscriptionType": {"PayAsYouGo"}, "ClientToken": {r.token()}}, "JSON"), expectCode(spec.CodeNotApplicable))
		}
	}
	cases = append(cases, na)

	withCatalog := func(name, doc string, code spec.Code, pick func(Product) (url.Values, bool)) *caseDef {
		d := &caseDef{name: "business/" + name, orders: 1, doc: doc + "; want " + expectCode(code).String()}
		var params url.Values
		for _, p := range r.products {
			if v, ok := pick(p); ok {
				params = v
				break
			}
		}
		if params == nil {
			d.notApplicable = "no known product has what this case needs (a fake's catalogue tells)"
			return d
		}
		d.run = func(c *caseRun) {
			params.Set("ClientToken", r.token())
			c.send(newRequest(params, "JSON"), expectCode(code))
		}
		return d
	}
	cases = append(cases,
		withCatalog("invalid-module-code", "a valid order with one more Parameter.n.Code that is no module of the product", spec.CodeInvalidModuleCode, func(p Product) (url.Values, bool) {
			if p.catalog == nil || len(p.catalog.Modules) == 0 {
				return nil, false
			}
			v := p.orderParams()
			n := strconv.Itoa(nextIndex(v))
			v.Set("Parameter."+n+".Code", "BsskitNoSuchModule")
			v.Set("Parameter."+n+".Value", "1")
			return v, true
		}),
		withCatalog("invalid-config-code", "a valid order whose module value is not one the module allows (a product that reports it on the HTTP channel)", spec.CodeInvalidConfigCode, func(p Product) (url.Values, bool) {
			if p.catalog == nil || p.catalog.CommodityChannel {
				return nil, false // cases_state.go: business/commodity-invalid-component
			}
			return brokenModuleValue(p) // cases_state.go
		}),
		withCatalog("invalid-owner", "a valid order for OwnerId 9999999999999999, an owner the caller may not act for", spec.CodeInvalidOwner, func(p Product) (url.Values, bool) {
			v := p.orderParams()
			v.Set("OwnerId", "9999999999999999")
			return v, true
		}),
		withCatalog("subscription-type-not-offered", "a valid order with the billing method the product does not offer", spec.CodeInvalidParameter, func(p Product) (url.Values, bool) {
			if p.catalog == nil || len(p.catalog.SubscriptionTypes) != 1 {
				return nil, false
			}
			v := p.orderParams()
			if p.catalog.SubscriptionTypes[0] == "Subscription" {
				v.Set("SubscriptionType", "PayAsYouGo")
				v.Del("Period")
			} else {
				v.Set("SubscriptionType", "Subscription")
				v.Set("Period", "1")
			}
			return v, true
		}),
		withCatalog("period-not-a-multiple", "a valid subscription whose Period is not a multiple of the product's (yearly products)", spec.CodeInvalidParameter, func(p Product) (url.Values, bool) {
			if p.catalog == nil || p.catalog.PeriodMultiple <= 1 {
				return nil, false
			}
			v := p.orderParams()
			v.Set("SubscriptionType", "Subscription")
			v.Set("Period", strconv.Itoa(p.catalog.PeriodMultiple+1))
			return v, true
		}),
	)
	return cases
}

// moduleIndex returns the n of the Parameter.n.Code that names module code in v.
func moduleIndex(v url.Values, code string) (string, bool) {
	for k, vs := range v {
		rest, ok := strings.CutPrefix(k, "Parameter.")
		if !ok {
			continue
		}
		n, field, _ := strings.Cut(rest, ".")
		if field == "Code" && len(vs) > 0 && vs[0] == code {
			return n, true
		}
	}
	return "", false
}

// nextIndex returns an unused Parameter index after the used ones.
func nextIndex(v url.Values) int {
	n := 0
	for k := range v {
		if rest, ok := strings.CutPrefix(k, "Parameter."); ok {
			idx, _, _ := strings.Cut(rest, ".")
			if i, err := strconv.Atoi(idx); err == nil && i > n {
				n = i
			}
		}
	}
	return n + 1
}

func (r *runner) orderCases() []*caseDef {
	var cases []*caseDef
	first, none := r.orderProduct() // catalog.go: a product that does not open once
	for _, shape := range []struct {
		method, format string
		form           bool
	}{
		{http.MethodPost, "JSON", false},
		{http.MethodPost, "XML", false},
		{http.MethodGet, "JSON", false},
		{http.MethodGet, "XML", false},
		{http.MethodPost, "JSON", true},
	} {
		shape := shape
		name := "order/" + strings.ToLower(shape.method) + "-" + strings.ToLower(shape.format)
		where := "in the query"
		if shape.form {
			name += "-form-body"
			where = "in a form body"
		}
		cases = append(cases, &caseDef{
			name: name, orders: 1,
			doc: fmt.Sprintf("a valid order (%s) as %s %s with the parameters %s; want success with Data.OrderId and Data.InstanceId", first.Code, shape.method, shape.format, where),
			run: func(c *caseRun) {
				v := first.orderParams()
				v.Set("ClientToken", r.token())
				rq := newRequest(v, shape.format)
				rq.method, rq.inForm = shape.method, shape.form
				c.send(rq, expectSuccess)
			},
		})
	}
	for _, p := range r.repeatable() {
		if p.Code == first.Code {
			continue
		}
		p := p
		cases = append(cases, &caseDef{
			name: "order/product/" + p.Code, orders: 1,
			doc: "a valid order of product " + p.Code + "; want success",
			run: func(c *caseRun) {
				v := p.orderParams()
				v.Set("ClientToken", r.token())
				c.send(newRequest(v, "JSON"), expectSuccess)
			},
		})
	}
	cases = append(cases,
		&caseDef{
			name: "idempotency/same-token", orders: 2,
			doc: "the same valid order twice with the same ClientToken (second time as XML); want the same OrderId and InstanceId",
			run: func(c *caseRun) {
				v := first.orderParams()
				v.Set("ClientToken", r.token())
				a, ok := c.send(newRequest(v, "JSON"), expectSuccess)
				if !ok {
					return
				}
				b, ok := c.send(newRequest(cloneValues(v), "XML"), expectSuccess)
				if !ok {
					return
				}
				ao, ai, _ := a.ans.data()
				bo, bi, _ := b.ans.data()
				if fmt.Sprint(ao) != fmt.Sprint(bo) || fmt.Sprint(ai) != fmt.Sprint(bi) {
					c.finding(CheckIdempotency, b.idx, fmt.Sprintf("ClientToken %s replayed gave OrderId %v InstanceId %v, the first call OrderId %v InstanceId %v: a second order", v.Get("ClientToken"), bo, bi, ao, ai))
				}
			},
		},
		&caseDef{
			name: "idempotency/new-token", orders: 2,
			doc: "the same valid order twice with different ClientTokens; want two different OrderIds and InstanceIds",
			run: func(c *caseRun) {
				v := first.orderParams()
				v.Set("ClientToken", r.token())
				a, ok := c.send(newRequest(v, "JSON"), expectSuccess)
				if !ok {
					return
				}
				w := cloneValues(v)
				w.Set("ClientToken", r.token())
				b, ok := c.send(newRequest(w, "JSON"), expectSuccess)
				if !ok {
					return
				}
				ao, ai, _ := a.ans.data()
				bo, bi, _ := b.ans.data()
				if fmt.Sprint(ao) == fmt.Sprint(bo) || fmt.Sprint(ai) == fmt.Sprint(bi) {
					c.finding(CheckIdempotency, b.idx, fmt.Sprintf("a new ClientToken gave OrderId %v InstanceId %v, the same as the earlier order (%v, %v)", bo, bi, ao, ai))
				}
			},
		},
	)
	if none != "" && len(r.products) > 0 {
		for _, c := range cases {
			c.notApplicable = none
		}
	}
	return cases
}
