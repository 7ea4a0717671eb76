package contract

import (
	"fmt"
	"strings"

	"github.com/bsskit/bsskit/spec"
)

// CheckSite: on a loopback fake, an order sent to the site its account does not belong to (the
// spec's x-bss-sites, reached by the site's host name as the Host header) answers NotApplicable with
// the HostId of the site called, and the same order with the same ClientToken on the right site
// places exactly one order, as callers that switch sites rely on.
const CheckSite CheckName = "site"

// siteCases returns the case of the two sites.
func (r *runner) siteCases() []*caseDef {
	first, none := r.orderProduct() // catalog.go
	sites := spec.Sites()
	d := &caseDef{
		name: "sites/wrong-then-right", orders: 3,
		doc: fmt.Sprintf("a valid order (%s) sent first to the international site (Host %s), which must answer %s with that HostId for the suite's account "+
			"(a fake's default account is domestic), then with the same ClientToken to the domestic site (Host %s), which must place it, then once more there, "+
			"which must answer the same order", first.Code, hostOf(sites, 1), expectCode(spec.CodeNotApplicable), hostOf(sites, 0)),
	}
	switch {
	case !r.report.Loopback:
		d.notApplicable = "only against a loopback fake: the site is chosen with the Host header, and the account's site of a real endpoint is unknown"
	case len(sites) < 2:
		d.notApplicable = "the spec documents fewer than two sites"
	case none != "" && len(r.products) > 0:
		d.notApplicable = none
	}
	d.run = func(c *caseRun) {
		domestic, intl := sites[0], sites[1]
		v := first.orderParams()
		v.Set("ClientToken", r.token())
		token := v.Get("ClientToken")

		wrong := newRequest(cloneValues(v), "JSON")
		wrong.host = intl.Host
		a, ok := c.send(wrong, expectCode(spec.CodeNotApplicable))
		if !ok {
			return
		}
		switch host, _ := a.ans.str("HostId"); {
		case a.ans.code() != string(spec.CodeNotApplicable):
			c.finding(CheckSite, a.idx, fmt.Sprintf("the %s site (%s) answered HTTP %d %s to an account of the %s site; want %s",
				intl.Name, intl.Host, a.ex.Response.Status, orNone(a.ans.code()), domestic.Name, expectCode(spec.CodeNotApplicable)))
		case !strings.EqualFold(host, intl.Host):
			c.finding(CheckSite, a.idx, fmt.Sprintf("the %s site's NotApplicable carries HostId %q; want the host of the site called, %s", intl.Name, host, intl.Host))
		}

		right := newRequest(cloneValues(v), "JSON")
		right.host = domestic.Host
		b, ok := c.send(right, expectSuccess)
		if !ok {
			return
		}
		if !b.ans.success() {
			c.finding(CheckSite, b.idx, fmt.Sprintf("the %s site (%s) answered HTTP %d %s to the order with ClientToken %s that the %s site refused; want success",
				domestic.Name, domestic.Host, b.ex.Response.Status, orNone(b.ans.code()), token, intl.Name))
			return
		}
		again := newRequest(cloneValues(v), "JSON")
		again.host = domestic.Host
		d2, ok := c.send(again, expectSuccess)
		if !ok {
			return
		}
		bo, bi, _ := b.ans.data()
		do, di, _ := d2.ans.data()
		if fmt.Sprint(bo) != fmt.Sprint(do) || fmt.Sprint(bi) != fmt.Sprint(di) {
			c.finding(CheckSite, d2.idx, fmt.Sprintf("ClientToken %s sent again to the %s site gave OrderId %v InstanceId %v, the first time OrderId %v InstanceId %v: a second order",
				token, domestic.Name, do, di, bo, bi))
		}
	}
	return []*caseDef{d}
}

func hostOf(sites []spec.Site, i int) string {
	if i < len(sites) {
		return sites[i].Host
	}
	return "(none)"
}
