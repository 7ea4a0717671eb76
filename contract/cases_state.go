package contract

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bsskit/bsskit/spec"
)

// The cases of the errors a catalogue implies but no request alone does (issue 22): a product that
// opens once, a product that reports a module value it does not sell on the body channel, a
// ProductType of the other site. They need a catalogue: a fake's GET /__admin/catalog or
// [WithCatalog].
const (
	// CheckOpensOnce: a later order of a product that opens once, with a new ClientToken, answers
	// the catalogue's opened code (ORDER.OPEND or Has.effect.suit) whose Message ends with
	// ": <instanceId>" of the instance the first order of the run made (or the account held); the
	// first order's ClientToken still answers that first order.
	CheckOpensOnce CheckName = "opens-once"
)

// stateChecks documents the checks of this file and cases_read.go for [Checks].
func stateChecks() []CheckInfo {
	return []CheckInfo{
		{CheckOpensOnce, "an opens-once product ordered again with a new ClientToken answers ORDER.OPEND or Has.effect.suit ending \": <instanceId>\" of the first order"},
		{CheckReadTime, "every non-empty time field of instances and orders is YYYY-MM-DDThh:mm:ssZ; a subscription ends after it is created"},
		{CheckReadOrdered, "an instance and its order read back with the fields ordered: product, billing, renewal status, duration and unit, price"},
		{CheckReadSite, "reads on the international site of a domestic account answer Account.NotExists with the international HostId"},
	}
}

// stateCases plans the opens-once, commodity-channel and foreign-ProductType cases.
func (r *runner) stateCases() []*caseDef {
	var cases []*caseDef
	for _, p := range r.products {
		if p.opensOnce() {
			cases = append(cases, r.opensOnceCase(p))
		}
	}
	commodity := &caseDef{
		name: "business/commodity-invalid-component", orders: 1,
		doc: "a valid order of a product that validates on the commodity channel, with a module value it does not sell; want " +
			expectCode(spec.CodeCommodityInvalidComponent).String() + ": the body channel (HTTP 200, Success false, a Message, HostId and Recommend)",
	}
	var params url.Values
	for _, p := range r.products {
		if p.catalog != nil && p.catalog.CommodityChannel {
			if v, ok := brokenModuleValue(p); ok {
				params = v
				break
			}
		}
	}
	if params == nil {
		commodity.notApplicable = "no known product validates on the commodity channel with a module of listed values (a catalogue's commodityChannel tells)"
	} else {
		commodity.run = func(c *caseRun) {
			params.Set("ClientToken", r.token())
			res, ok := c.send(newRequest(params, "JSON"), expectCode(spec.CodeCommodityInvalidComponent))
			if ok && res.ans.code() == string(spec.CodeCommodityInvalidComponent) && res.ex.Response.Status != http.StatusOK {
				c.finding(CheckBodyError, res.idx, fmt.Sprintf("%s came with HTTP %d: a commodity-channel error is answered on the body channel, HTTP 200 with Success false",
					spec.CodeCommodityInvalidComponent, res.ex.Response.Status))
			}
		}
	}
	cases = append(cases, commodity)
	return append(cases, r.foreignProductTypeCase())
}

// brokenModuleValue returns a valid order of p with the value of its first module of listed
// values replaced by one it does not sell: the other modules, required ones included, keep their
// valid values.
func brokenModuleValue(p Product) (url.Values, bool) {
	for _, m := range p.catalog.Modules {
		if len(m.Values) == 0 {
			continue
		}
		v := p.orderParams()
		if n, ok := moduleIndex(v, m.Code); ok {
			v.Set("Parameter."+n+".Value", "bsskit-no-such-value")
		} else {
			n := strconv.Itoa(nextIndex(v))
			v.Set("Parameter."+n+".Code", m.Code)
			v.Set("Parameter."+n+".Value", "bsskit-no-such-value")
		}
		return v, true
	}
	return nil, false
}

// opensOnceCase orders p, a product an account opens once, then orders it again with a new
// ClientToken, then repeats the first token.
func (r *runner) opensOnceCase(p Product) *caseDef {
	code := p.catalog.openedCode()
	return &caseDef{
		name: "business/opens-once/" + p.Code, orders: 3,
		doc: fmt.Sprintf("product %s opens once: a valid order (want success, or %s with the instance the account already holds), then the same order with a new ClientToken "+
			"(want %s whose Message ends \": <instanceId>\" of that instance), then the first ClientToken again (want the first order). The product is ordered by no other case.",
			p.Code, code, expectCode(code)),
		run: func(c *caseRun) {
			v := p.orderParams()
			v.Set("ClientToken", c.r.token())
			a, ok := c.send(newRequest(v, "JSON"), expectation{success: true, or: code})
			if !ok {
				return
			}
			var held string
			placed := a.ans.success()
			switch {
			case placed:
				_, iid, _ := a.ans.data()
				held = fmt.Sprint(orEmpty(iid))
			case a.ans.code() == string(code):
				msg, _ := a.ans.str("Message")
				if held = openedInstance(msg); held == "" {
					c.finding(CheckOpensOnce, a.idx, fmt.Sprintf("%s without the instance held: Message %q does not end with \": <instanceId>\"", code, msg))
					return
				}
			default:
				return // expected-answer names it
			}
			w := cloneValues(v)
			w.Set("ClientToken", c.r.token())
			b, ok := c.send(newRequest(w, "XML"), expectCode(code))
			if !ok {
				return
			}
			switch msg, _ := b.ans.str("Message"); {
			case b.ans.success():
				oid, iid, _ := b.ans.data()
				c.finding(CheckOpensOnce, b.idx, fmt.Sprintf("product %s opens once, but a second order with a new ClientToken placed order %v (instance %v) beside instance %s", p.Code, oid, iid, held))
			case b.ans.code() == string(code) && openedInstance(msg) != held:
				c.finding(CheckOpensOnce, b.idx, fmt.Sprintf("%s names instance %q (Message %q); the account holds %s", code, openedInstance(msg), msg, held))
			}
			if !placed {
				return
			}
			again, ok := c.send(newRequest(cloneValues(v), "JSON"), expectSuccess)
			if !ok {
				return
			}
			ao, ai, _ := a.ans.data()
			bo, bi, _ := again.ans.data()
			if fmt.Sprint(ao) != fmt.Sprint(bo) || fmt.Sprint(ai) != fmt.Sprint(bi) {
				c.finding(CheckIdempotency, again.idx, fmt.Sprintf("the first ClientToken %s again gave OrderId %v InstanceId %v, the first time OrderId %v InstanceId %v",
					v.Get("ClientToken"), bo, bi, ao, ai))
			}
		},
	}
}

// openedInstance returns the instance ID at the end of an opened code's Message (": <instanceId>"),
// or "".
func openedInstance(msg string) string {
	i := strings.LastIndex(msg, ": ")
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(msg[i+2:])
}

// foreignProductTypeCase orders, on the domestic site, a product with a ProductType of the other
// site (the "_intl" suffix of x-bss-sites), which answers NotApplicable before any order exists.
func (r *runner) foreignProductTypeCase() *caseDef {
	d := &caseDef{name: "sites/foreign-product-type", orders: 1}
	for _, p := range r.products {
		if p.catalog == nil {
			continue
		}
		pt, site, ok := foreignProductType(p.catalog.ProductTypes)
		if !ok {
			continue
		}
		d.doc = fmt.Sprintf("a valid order of %s on the domestic site with ProductType %s, which belongs to the %s site; want %s",
			p.Code, pt, site.Name, expectCode(spec.CodeNotApplicable))
		d.run = func(c *caseRun) {
			v := p.orderParams()
			v.Set("ProductType", pt)
			v.Set("ClientToken", c.r.token())
			c.send(newRequest(v, "JSON"), expectCode(spec.CodeNotApplicable))
		}
		return d
	}
	d.doc = "a valid order on the domestic site with a ProductType of the international site; want " + expectCode(spec.CodeNotApplicable).String()
	d.notApplicable = "no known product lists a ProductType of the international site (a catalogue's productTypes tell)"
	return d
}
