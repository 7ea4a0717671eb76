package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/spec"
)

// The read operations' checks. Reads spend nothing, so their cases run in full against any
// endpoint, staging and production included; only read/after-create places an order, and only on
// loopback fakes.
const (
	// CheckReadPaging: QueryAvailableInstances pages are no longer than PageSize, agree on
	// TotalCount, never list an instance twice, and add up to TotalCount.
	CheckReadPaging CheckName = "read-paging"
	// CheckReadFilter: every instance QueryAvailableInstances lists matches the filter sent, and
	// InstanceIDs lists only the instances named.
	CheckReadFilter CheckName = "read-filter"
	// CheckReadAfterCreate: on a loopback fake, a new instance is listed, goes from Creating to
	// Normal, and its order is Paid.
	CheckReadAfterCreate CheckName = "read-after-create"
	// CheckReadTime: every non-empty time field of an instance or an order (CreateTime, EndTime,
	// PaymentTime, UsageStartTime, UsageEndTime, ...) is YYYY-MM-DDThh:mm:ssZ, and a subscription
	// instance's EndTime is after its CreateTime.
	CheckReadTime CheckName = "read-time"
	// CheckReadOrdered: an instance and its order read back as ordered (product, billing,
	// ProductType, renewal status, duration and unit, the catalogue's price), and GetOrderDetail of
	// any order of the run, not only the newest, answers that order with its instance.
	CheckReadOrdered CheckName = "read-ordered"
	// CheckReadSite: on a loopback fake, reads sent to the international site for a domestic
	// account answer Account.NotExists with the international HostId.
	CheckReadSite CheckName = "read-site"
)

// Sentinels of the read cases: an instance, a region and an order no account holds.
const (
	noSuchInstance = "bsskit-contract-no-such-instance"
	noSuchRegion   = "bsskit-contract-no-such-region"
	noSuchOrder    = "299999999999999"
)

// isRead says whether the request is one of the read operations, which cannot place an order.
func (rq *request) isRead() bool { return isReadAction(rq.action) }

// isReadAction says whether the spec marks action read-only: it spends and changes nothing.
func isReadAction(action string) bool {
	op, ok := spec.OperationFor(action)
	return ok && op.ReadOnly
}

// isOtherOperation says whether action is an operation of the spec other than CreateInstance,
// whose answers have their own root, type and schema.
func isOtherOperation(action string) bool {
	_, ok := spec.OperationFor(action)
	return ok && action != spec.ActionCreateInstance
}

// readQuery is the query that routes a response check to an operation other than CreateInstance
// ([spec.Validator] routes a request to "/" by its Action).
func readQuery(action string) string {
	if isOtherOperation(action) {
		return "?Action=" + action
	}
	return ""
}

// successRoot is the XML root of an Action's success answer.
func successRoot(action string) string {
	if isOtherOperation(action) {
		return action + "Response"
	}
	return "CreateInstanceResponse"
}

// successType is the generated type an Action's success answer decodes into (success_types.go).
func successType(action string) (any, string) {
	if mk, ok := successTypes[action]; ok && isOtherOperation(action) {
		return mk(), "generated." + action + "Response"
	}
	return &generated.CreateInstanceResponse{}, "generated.CreateInstanceResponse"
}

// newRead returns a POST of a read Action with params.
func newRead(action string, params url.Values, format string) *request {
	if params == nil {
		params = url.Values{}
	}
	return &request{method: http.MethodPost, params: params, action: action, version: spec.Version, format: format}
}

// readCases are the read operations' cases: the negative cases derived from each operation's
// spec entry, then the answers' invariants, then (loopback fakes) create-then-read.
func (r *runner) readCases() []*caseDef {
	var cases []*caseDef
	for _, action := range []string{spec.ActionQueryAvailableInstances, spec.ActionGetOrderDetail} {
		op, ok := spec.OperationFor(action)
		if !ok {
			continue
		}
		base := url.Values{}
		if action == spec.ActionGetOrderDetail {
			base.Set("OrderId", noSuchOrder)
		}
		for i, v := range violations(op) {
			if strings.HasPrefix(v.name, "routing/") {
				continue // the Action and Version are routed before any operation: CreateInstance's cases cover them
			}
			format := []string{"JSON", "XML"}[i%2]
			cases = append(cases, &caseDef{
				name: "read/" + action + "/" + v.name,
				doc:  fmt.Sprintf("%s %s; want %s. A read: nothing is spent.", action, v.doc, expectCode(v.code)),
				run: func(c *caseRun) {
					rq := newRead(action, cloneValues(base), format)
					v.apply(rq)
					c.send(rq, expectCode(v.code))
				},
			})
		}
	}
	cases = append(cases,
		&caseDef{
			name: "read/QueryAvailableInstances/answer",
			doc:  "QueryAvailableInstances without filters, in JSON and in XML; want success, answers that conform to the spec",
			run: func(c *caseRun) {
				for _, f := range []string{"JSON", "XML"} {
					c.send(newRead(spec.ActionQueryAvailableInstances, nil, f), expectSuccess)
				}
			},
		},
		&caseDef{
			name: "read/QueryAvailableInstances/paging",
			doc: "QueryAvailableInstances with PageSize 1 for the TotalCount, then page by page with a PageSize of about a third of it until a short or empty page, then once with a PageSize " +
				"of at least TotalCount; want every answer's PageNum and PageSize as asked (PageSize capped), TotalCount >= (PageNum-1) x PageSize + listed (equal on a short page), " +
				"one TotalCount, no instance twice, and the pages listing exactly the instances of the one request",
			run: func(c *caseRun) { c.readPaging() },
		},
		&caseDef{
			name: "read/QueryAvailableInstances/filters",
			doc: "QueryAvailableInstances filtered by ProductCode, ProductType, SubscriptionType, RenewStatus and Region of an instance listed, by InstanceIDs naming up to three " +
				"held instances and one unknown, and by a region and an instance nobody holds; want exactly the matching instances of the whole list, with their TotalCount, " +
				"and TotalCount 0 where nothing matches",
			run: func(c *caseRun) { c.readFilters() },
		},
		&caseDef{
			name: "read/QueryAvailableInstances/page-size-cap",
			doc:  fmt.Sprintf("QueryAvailableInstances with PageSize %d, above the cap x-bss-max-page-size %d; want success with PageSize %d and at most that many instances", maxPageSize()+1, maxPageSize(), maxPageSize()),
			run: func(c *caseRun) {
				c.query(url.Values{"PageSize": {strconv.Itoa(maxPageSize() + 1)}}, CheckReadPaging)
			},
		},
		&caseDef{
			name: "read/GetOrderDetail/unknown-order",
			doc:  fmt.Sprintf("GetOrderDetail of order %s, which no account holds; want %s (the spec's choice, see GetOrderDetail)", noSuchOrder, expectCode(spec.CodeInvalidParameter)),
			run: func(c *caseRun) {
				c.send(newRead(spec.ActionGetOrderDetail, url.Values{"OrderId": {noSuchOrder}}, "JSON"), expectCode(spec.CodeInvalidParameter))
			},
		},
	)
	after := &caseDef{
		name: "read/after-create", orders: 1,
		doc: "on a loopback fake: a valid order (a subscription when a product is sold so, with RenewalStatus AutoRenewal and RenewPeriod its Period), then QueryAvailableInstances " +
			"by its InstanceID (Creating or Normal, the fields ordered), then the fake's clock moved a day forward (POST /__admin/clock/advance) and Normal with the product, " +
			"billing, ProductType, renewal status, duration and unit ordered, then GetOrderDetail with the order, Paid, its instance, and the catalogue's price (Period x monthlyPrice)",
		run: func(c *caseRun) { c.readAfterCreate() },
	}
	_, none := r.orderProduct()
	switch {
	case !r.report.Loopback:
		after.notApplicable = "create-then-read needs a loopback fake, whose clock the admin API can move"
	case none != "":
		after.notApplicable = none
	case r.health() == nil:
		after.notApplicable = "the endpoint has no admin API (/__admin/health) to move its clock"
	}
	return append(cases, after, r.olderOrderCase(), r.readSiteCase())
}

// maxPageSize is the cap of QueryAvailableInstances' PageSize (x-bss-max-page-size; 0: none).
func maxPageSize() int {
	if op, ok := spec.OperationFor(spec.ActionQueryAvailableInstances); ok {
		if p, ok := op.Param("PageSize"); ok && p.MaxPageSize > 0 {
			return p.MaxPageSize
		}
	}
	return math.MaxInt32
}

// defaultPageSize is QueryAvailableInstances' page size when PageSize is not sent (the spec's
// description of PageSize).
const defaultPageSize = 20

// query sends a JSON QueryAvailableInstances and decodes its answer; ok is false when it failed
// (the failure is already a finding). Every answer is held to the paging rules (check names their
// findings): PageNum and PageSize as asked (PageSize capped), at most PageSize instances, and
// TotalCount >= (PageNum-1) x PageSize + listed, equal when the page is short.
func (c *caseRun) query(params url.Values, check CheckName) (*generated.QueryAvailableInstancesResponse, int, bool) {
	res, ok := c.send(newRead(spec.ActionQueryAvailableInstances, params, "JSON"), expectSuccess)
	if !ok || res.ex.Response.Status != http.StatusOK {
		return nil, 0, false
	}
	var out generated.QueryAvailableInstancesResponse
	if err := json.Unmarshal(res.ex.Response.rawBody, &out); err != nil {
		return nil, 0, false // typed-decode names it
	}
	num, size := 1, defaultPageSize
	if v, err := strconv.Atoi(params.Get("PageNum")); err == nil {
		num = v
	}
	if v, err := strconv.Atoi(params.Get("PageSize")); err == nil {
		size = v
	}
	size = min(size, maxPageSize())
	d := out.Data
	listed, before := len(d.InstanceList), (num-1)*size
	add := func(format string, args ...any) {
		c.finding(check, res.idx, fmt.Sprintf("with %s: ", params.Encode())+fmt.Sprintf(format, args...))
	}
	if int(d.PageNum) != num {
		add("the answer says PageNum %d, asked %d", d.PageNum, num)
	}
	if int(d.PageSize) != size {
		add("the answer says PageSize %d; asked %s, which the cap %d makes %d", d.PageSize, orDefault(params.Get("PageSize")), maxPageSize(), size)
	}
	switch total := int(d.TotalCount); {
	case listed > size:
		add("page %d lists %d instances with PageSize %d", num, listed, size)
	case total < before+listed:
		add("TotalCount %d is less than the %d instances of the pages before page %d and the %d it lists", total, before, num, listed)
	case listed < size && total != before+listed:
		add("page %d is short (%d of %d), so it is the last: TotalCount must be %d x %d + %d = %d, it is %d", num, listed, size, num-1, size, listed, before+listed, total)
	}
	return &out, res.idx, true
}

// ids returns the InstanceIDs of a page.
func ids(list []generated.AvailableInstance) []string {
	out := make([]string, len(list))
	for i, in := range list {
		out[i] = in.InstanceID
	}
	return out
}

// setDiff says how got differs from want as sets ("" when equal).
func setDiff(got, want []string) string {
	var missing, extra []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	return fmt.Sprintf("missing %v, not expected %v", missing, extra)
}

func (c *caseRun) readPaging() {
	first, _, ok := c.query(url.Values{"PageSize": {"1"}}, CheckReadPaging)
	if !ok {
		return
	}
	total := int(first.Data.TotalCount)
	size := min(max(1, (total+2)/3), maxPageSize())
	var walked []string
	for page := 1; ; page++ {
		if page > total/size+2 {
			c.finding(CheckReadPaging, -1, fmt.Sprintf("%d pages of %d and no short or empty page: the list does not end where TotalCount %d says", page-1, size, total))
			return
		}
		r, idx, ok := c.query(url.Values{"PageSize": {strconv.Itoa(size)}, "PageNum": {strconv.Itoa(page)}}, CheckReadPaging)
		if !ok {
			return
		}
		if int(r.Data.TotalCount) != total {
			c.finding(CheckReadPaging, idx, fmt.Sprintf("page %d of %d says TotalCount %d, the first answer %d", page, size, r.Data.TotalCount, total))
		}
		for _, id := range ids(r.Data.InstanceList) {
			if slices.Contains(walked, id) {
				c.finding(CheckReadPaging, idx, fmt.Sprintf("instance %s is listed again on page %d", id, page))
				continue
			}
			walked = append(walked, id)
		}
		if len(r.Data.InstanceList) < size {
			break
		}
	}
	if len(walked) != total {
		c.finding(CheckReadPaging, -1, fmt.Sprintf("the pages of %d list %d instances, TotalCount is %d", size, len(walked), total))
	}
	if total == 0 || total > maxPageSize() {
		return // no one request lists them all
	}
	all, idx, ok := c.query(url.Values{"PageSize": {strconv.Itoa(total)}}, CheckReadPaging)
	if !ok {
		return
	}
	if diff := setDiff(walked, ids(all.Data.InstanceList)); diff != "" {
		c.finding(CheckReadPaging, idx, fmt.Sprintf("the pages of %d and one page of %d list different instances: the pages have %s", size, total, diff))
	}
}

func (c *caseRun) readFilters() {
	capped := strconv.Itoa(maxPageSize())
	first, _, ok := c.query(url.Values{"PageSize": {capped}}, CheckReadFilter)
	if !ok {
		return
	}
	list := first.Data.InstanceList
	complete := int(first.Data.TotalCount) == len(list) // every instance held is in list
	type filter struct {
		params url.Values
		match  func(generated.AvailableInstance) bool
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	var filters []filter
	if len(list) > 0 {
		in := list[0]
		filters = append(filters,
			filter{url.Values{"ProductCode": {in.ProductCode}}, func(x generated.AvailableInstance) bool { return x.ProductCode == in.ProductCode }},
			filter{url.Values{"SubscriptionType": {string(in.SubscriptionType)}}, func(x generated.AvailableInstance) bool { return x.SubscriptionType == in.SubscriptionType }},
		)
		if pt := str(in.ProductType); pt != "" {
			filters = append(filters, filter{url.Values{"ProductType": {pt}}, func(x generated.AvailableInstance) bool { return str(x.ProductType) == pt }})
		}
		if in.RenewStatus != nil && *in.RenewStatus != "" {
			rs := *in.RenewStatus
			filters = append(filters, filter{url.Values{"RenewStatus": {string(rs)}}, func(x generated.AvailableInstance) bool { return x.RenewStatus != nil && *x.RenewStatus == rs }})
		}
		if region := str(in.Region); region != "" {
			filters = append(filters, filter{url.Values{"Region": {region}}, func(x generated.AvailableInstance) bool { return str(x.Region) == region }})
		}
	}
	filters = append(filters,
		filter{url.Values{"Region": {noSuchRegion}}, func(generated.AvailableInstance) bool { return false }},
		filter{url.Values{"InstanceIDs": {noSuchInstance}}, func(generated.AvailableInstance) bool { return false }},
	)
	for _, f := range filters {
		f.params.Set("PageSize", capped)
		r, idx, ok := c.query(f.params, CheckReadFilter)
		if !ok {
			continue
		}
		for _, in := range r.Data.InstanceList {
			if !f.match(in) {
				c.finding(CheckReadFilter, idx, fmt.Sprintf("with %s the answer lists instance %s (%s, %s), which does not match", f.params.Encode(), in.InstanceID, in.ProductCode, in.SubscriptionType))
			}
		}
		var want []string
		for _, in := range list {
			if f.match(in) {
				want = append(want, in.InstanceID)
			}
		}
		switch got := ids(r.Data.InstanceList); {
		case len(want) == 0 && (r.Data.TotalCount != 0 || len(got) != 0):
			c.finding(CheckReadFilter, idx, fmt.Sprintf("with %s, which nothing matches, the answer says TotalCount %d and lists %d", f.params.Encode(), r.Data.TotalCount, len(got)))
		case complete && int(r.Data.TotalCount) != len(want):
			c.finding(CheckReadFilter, idx, fmt.Sprintf("with %s the answer says TotalCount %d; %d of the %d instances held match", f.params.Encode(), r.Data.TotalCount, len(want), len(list)))
		case complete:
			if diff := setDiff(got, want); diff != "" {
				c.finding(CheckReadFilter, idx, fmt.Sprintf("with %s the answer is not the matching instances of the whole list: %s", f.params.Encode(), diff))
			}
		}
	}
	// InstanceIDs naming k held instances and one unknown lists exactly the k.
	named := ids(list[:min(3, len(list))])
	q := url.Values{"InstanceIDs": {strings.Join(append(slices.Clone(named), noSuchInstance), ",")}}
	r, idx, ok := c.query(q, CheckReadFilter)
	if !ok {
		return
	}
	if diff := setDiff(ids(r.Data.InstanceList), named); diff != "" {
		c.finding(CheckReadFilter, idx, fmt.Sprintf("InstanceIDs=%s names %d instances held and one unknown; the answer has %s", q.Get("InstanceIDs"), len(named), diff))
	}
}

// afterCreateProduct returns the product read/after-create orders: a subscription one when a
// product that does not open once is sold so, for the renewal fields, else the first product.
func (r *runner) afterCreateProduct() Product {
	ps := r.repeatable()
	for _, p := range ps {
		if p.orderParams().Get("SubscriptionType") == "Subscription" {
			return p
		}
	}
	return ps[0]
}

func (c *caseRun) readAfterCreate() {
	r := c.r
	p := r.afterCreateProduct()
	v := p.orderParams()
	v.Set("ClientToken", r.token())
	if v.Get("SubscriptionType") == "Subscription" {
		v.Set("RenewalStatus", "AutoRenewal")
		v.Set("RenewPeriod", orDefault(v.Get("Period")))
	}
	created, ok := c.send(newRequest(v, "JSON"), expectSuccess)
	if !ok {
		return
	}
	oid, iid, _ := created.ans.data()
	orderID, instanceID := fmt.Sprint(oid), fmt.Sprint(iid)
	status := func(want ...string) {
		q, idx, ok := c.query(url.Values{"InstanceIDs": {instanceID}}, CheckReadAfterCreate)
		if !ok {
			return
		}
		if len(q.Data.InstanceList) != 1 || q.Data.InstanceList[0].InstanceID != instanceID {
			c.finding(CheckReadAfterCreate, idx, fmt.Sprintf("instance %s of order %s is not listed (%d instances)", instanceID, orderID, len(q.Data.InstanceList)))
			return
		}
		in := q.Data.InstanceList[0]
		if !slices.Contains(want, string(in.Status)) {
			c.finding(CheckReadAfterCreate, idx, fmt.Sprintf("instance %s is %s, want %s", instanceID, in.Status, strings.Join(want, " or ")))
		}
		for _, d := range orderedInstanceFields(v, &in) {
			c.finding(CheckReadOrdered, idx, fmt.Sprintf("instance %s: %s", instanceID, d))
		}
	}
	status("Creating", "Normal")
	if !r.advanceClock("24h") {
		c.finding(CheckReadAfterCreate, -1, "POST /__admin/clock/advance failed: the fake's clock cannot be moved")
		return
	}
	status("Normal")
	od, idx, ok := c.orderDetail(orderID, instanceID)
	if !ok {
		return
	}
	o := od.Data.OrderList.Order[0]
	if o.PaymentStatus != "Paid" {
		c.finding(CheckReadAfterCreate, idx, fmt.Sprintf("order %s is %s a day after it was placed, want Paid", orderID, o.PaymentStatus))
	}
	if o.ProductCode != p.Code || string(o.SubscriptionType) != v.Get("SubscriptionType") {
		c.finding(CheckReadOrdered, idx, fmt.Sprintf("order %s reads as %s/%s, ordered as %s/%s", orderID, o.ProductCode, o.SubscriptionType, p.Code, v.Get("SubscriptionType")))
	}
	if p.catalog != nil && o.PretaxGrossAmount != nil {
		want := 0.0
		if v.Get("SubscriptionType") == "Subscription" {
			period, _ := strconv.Atoi(v.Get("Period"))
			want = p.catalog.MonthlyPrice * float64(max(period, 1))
		}
		if got, err := strconv.ParseFloat(*o.PretaxGrossAmount, 64); err != nil || math.Abs(got-want) > 0.005 {
			c.finding(CheckReadOrdered, idx, fmt.Sprintf("order %s costs PretaxGrossAmount %q; the catalogue's price is %.2f (Period %s x monthlyPrice %.2f)",
				orderID, *o.PretaxGrossAmount, want, orDefault(v.Get("Period")), p.catalog.MonthlyPrice))
		}
	}
}

// orderedInstanceFields compares an instance with the order v that made it and returns how it
// differs.
func orderedInstanceFields(v url.Values, in *generated.AvailableInstance) []string {
	var out []string
	if in.ProductCode != v.Get("ProductCode") || string(in.SubscriptionType) != v.Get("SubscriptionType") {
		out = append(out, fmt.Sprintf("listed as %s/%s, ordered as %s/%s", in.ProductCode, in.SubscriptionType, v.Get("ProductCode"), v.Get("SubscriptionType")))
	}
	if pt := v.Get("ProductType"); pt != "" && (in.ProductType == nil || *in.ProductType != pt) {
		out = append(out, fmt.Sprintf("ProductType %v, ordered %s", deref(in.ProductType), pt))
	}
	if v.Get("RenewalStatus") == "AutoRenewal" {
		if in.RenewStatus == nil || *in.RenewStatus != "AutoRenewal" {
			out = append(out, fmt.Sprintf("RenewStatus %v, ordered RenewalStatus AutoRenewal", deref(in.RenewStatus)))
		}
		if in.RenewalDuration == nil || strconv.Itoa(int(*in.RenewalDuration)) != v.Get("RenewPeriod") {
			out = append(out, fmt.Sprintf("RenewalDuration %v, ordered RenewPeriod %s", deref(in.RenewalDuration), v.Get("RenewPeriod")))
		}
		if in.RenewalDurationUnit == nil || *in.RenewalDurationUnit != "M" {
			out = append(out, fmt.Sprintf("RenewalDurationUnit %v, want M (RenewPeriod counts months)", deref(in.RenewalDurationUnit)))
		}
	}
	return out
}

func deref[T any](p *T) any {
	if p == nil {
		return "(absent)"
	}
	return *p
}

// orderDetail reads order orderID back and checks that the answer is that order alone, naming
// instanceID; ok is false when it is not.
func (c *caseRun) orderDetail(orderID, instanceID string) (*generated.GetOrderDetailResponse, int, bool) {
	res, ok := c.send(newRead(spec.ActionGetOrderDetail, url.Values{"OrderId": {orderID}}, "JSON"), expectSuccess)
	if !ok || res.ex.Response.Status != http.StatusOK {
		return nil, 0, false
	}
	var od generated.GetOrderDetailResponse
	if json.Unmarshal(res.ex.Response.rawBody, &od) != nil {
		return nil, 0, false
	}
	switch orders := od.Data.OrderList.Order; {
	case len(orders) != 1 || orders[0].OrderId != orderID:
		got := make([]string, len(orders))
		for i, o := range orders {
			got[i] = o.OrderId
		}
		c.finding(CheckReadOrdered, res.idx, fmt.Sprintf("GetOrderDetail of %s answers orders %v, want that order alone", orderID, got))
		return nil, 0, false
	case orders[0].InstanceIDs == nil || !slices.Contains(strings.Split(*orders[0].InstanceIDs, ","), instanceID):
		c.finding(CheckReadOrdered, res.idx, fmt.Sprintf("order %s names instances %v, not its instance %s", orderID, deref(orders[0].InstanceIDs), instanceID))
		return nil, 0, false
	}
	return &od, res.idx, true
}

// olderOrderCase reads back the run's first order when it placed several: an answer that is the
// newest order whatever OrderId says would pass every case that reads only the newest.
func (r *runner) olderOrderCase() *caseDef {
	return &caseDef{
		name: "read/GetOrderDetail/older-order",
		doc:  "GetOrderDetail of the run's first order, when the run placed two or more; want that order alone, with its instance (not the newest order)",
		run: func(c *caseRun) {
			var placed []LedgerEntry
			for _, e := range r.report.Ledger {
				if e.Status == OrderPlaced && e.OrderID != "" && e.InstanceID != "" {
					placed = append(placed, e)
				}
			}
			if len(placed) < 2 {
				c.skip = fmt.Sprintf("the run placed %d order(s) before this case; reading an older one needs two", len(placed))
				return
			}
			c.orderDetail(placed[0].OrderID, placed[0].InstanceID)
		},
	}
}

// readSiteCase reads, on the international site, as the suite's account, which a fake makes
// domestic.
func (r *runner) readSiteCase() *caseDef {
	sites := spec.Sites()
	d := &caseDef{
		name: "read/international-site",
		doc: fmt.Sprintf("QueryAvailableInstances and GetOrderDetail sent to the international site (Host %s) for the suite's account, which a fake makes domestic; "+
			"want %s with HostId %s", hostOf(sites, 1), expectCode(spec.CodeAccountNotExists), hostOf(sites, 1)),
	}
	switch {
	case !r.report.Loopback:
		d.notApplicable = "only against a loopback fake: the site is chosen with the Host header, and the account's site of a real endpoint is unknown"
	case !r.ordersAllowed:
		// As sites/wrong-then-right: the site cases run together or not at all, so that Compare
		// (which turns orders off for both endpoints when one is remote) compares the same cases.
		d.notApplicable = "runs with the other site cases, which place orders, and orders are not allowed: " + r.report.OrdersReason
	case len(sites) < 2:
		d.notApplicable = "the spec documents fewer than two sites"
	}
	d.run = func(c *caseRun) {
		intl := sites[1]
		for _, rq := range []*request{
			newRead(spec.ActionQueryAvailableInstances, nil, "JSON"),
			newRead(spec.ActionGetOrderDetail, url.Values{"OrderId": {noSuchOrder}}, "XML"),
		} {
			rq.host = intl.Host
			res, ok := c.send(rq, expectCode(spec.CodeAccountNotExists))
			if !ok {
				continue
			}
			switch host, _ := res.ans.str("HostId"); {
			case res.ans.code() != string(spec.CodeAccountNotExists):
				c.finding(CheckReadSite, res.idx, fmt.Sprintf("%s on the %s site (%s) answered HTTP %d %s to an account of the domestic site; want %s",
					rq.action, intl.Name, intl.Host, res.ex.Response.Status, orNone(res.ans.code()), expectCode(spec.CodeAccountNotExists)))
			case !strings.EqualFold(host, intl.Host):
				c.finding(CheckReadSite, res.idx, fmt.Sprintf("%s on the %s site carries HostId %q; want %s", spec.CodeAccountNotExists, intl.Name, host, intl.Host))
			}
		}
	}
	return d
}

// utcTime is the form of every time field of the read answers (the spec's UTCTime).
var utcTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)

// timeChecks judges the time fields of a read answer, JSON or XML: every non-empty field whose
// name ends in "Time" is YYYY-MM-DDThh:mm:ssZ, and a subscription instance ends after it is
// created.
func timeChecks(a *answer) []finding {
	var out []finding
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				s, isStr := v[k].(string)
				switch {
				case isStr && strings.HasSuffix(k, "Time") && s != "":
					if _, err := time.Parse(time.RFC3339, s); err != nil || !utcTime.MatchString(s) {
						out = append(out, finding{CheckReadTime, fmt.Sprintf("%s.%s is %q, want YYYY-MM-DDThh:mm:ssZ", path, k, s)})
					}
				case !isStr:
					walk(path+"."+k, v[k])
				}
			}
			if _, instance := v["InstanceID"]; instance && v["SubscriptionType"] == "Subscription" {
				created, errC := time.Parse(time.RFC3339, fmt.Sprint(v["CreateTime"]))
				end, errE := time.Parse(time.RFC3339, fmt.Sprint(v["EndTime"]))
				if errC == nil && (errE != nil || !end.After(created)) {
					out = append(out, finding{CheckReadTime, fmt.Sprintf("%s: subscription instance %v created %v ends %q; want an EndTime after its CreateTime", path, v["InstanceID"], v["CreateTime"], fmt.Sprint(orEmpty(v["EndTime"])))})
				}
			}
		}
	}
	walk("", a.fields)
	return out
}

// advanceClock moves a fake's lifecycle forward by d (POST /__admin/clock/advance).
func (r *runner) advanceClock(d string) bool {
	u := *r.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/__admin/clock/advance"
	req, err := http.NewRequestWithContext(r.ctx, http.MethodPost, u.String(), bytes.NewBufferString(`{"by":"`+d+`"}`))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent())
	if r.opts.AdminToken != "" {
		req.Header.Set(adminTokenHeader, r.opts.AdminToken)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
