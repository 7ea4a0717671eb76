package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

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
	// CheckReadAfterCreate: on a loopback fake, a new instance is listed with the fields ordered,
	// goes from Creating to Normal, and GetOrderDetail returns its order.
	CheckReadAfterCreate CheckName = "read-after-create"
)

// Sentinels of the read cases: an instance, a region and an order no account holds.
const (
	noSuchInstance = "bsskit-contract-no-such-instance"
	noSuchRegion   = "bsskit-contract-no-such-region"
	noSuchOrder    = "299999999999999"
)

// isRead says whether the request is one of the read operations, which cannot place an order.
func (rq *request) isRead() bool { return isReadAction(rq.action) }

func isReadAction(action string) bool {
	return action == spec.ActionQueryAvailableInstances || action == spec.ActionGetOrderDetail
}

// readQuery is the query that routes a response check to a read operation ([spec.Validator]
// routes a request to "/" by its Action).
func readQuery(action string) string {
	if isReadAction(action) {
		return "?Action=" + action
	}
	return ""
}

// successRoot is the XML root of an Action's success answer.
func successRoot(action string) string {
	if isReadAction(action) {
		return action + "Response"
	}
	return "CreateInstanceResponse"
}

// successType is the generated type an Action's success answer decodes into.
func successType(action string) (any, string) {
	switch action {
	case spec.ActionQueryAvailableInstances:
		return &generated.QueryAvailableInstancesResponse{}, "generated.QueryAvailableInstancesResponse"
	case spec.ActionGetOrderDetail:
		return &generated.GetOrderDetailResponse{}, "generated.GetOrderDetailResponse"
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
			doc:  "QueryAvailableInstances page by page with PageSize 2 (at most 5 pages); want no page longer than 2, one TotalCount, no instance twice, pages adding up to TotalCount",
			run:  func(c *caseRun) { c.readPaging() },
		},
		&caseDef{
			name: "read/QueryAvailableInstances/filters",
			doc:  "QueryAvailableInstances filtered by ProductCode, SubscriptionType, Region and InstanceIDs of instances the first page lists, and by a region and instance nobody holds; want only matching instances, and empty lists for the sentinels",
			run:  func(c *caseRun) { c.readFilters() },
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
		doc: "on a loopback fake: a valid order, then QueryAvailableInstances by its InstanceID (Creating or Normal, the ordered fields), then the fake's clock moved a day forward (POST /__admin/clock/advance) and Normal, then GetOrderDetail with the order, Paid",
		run: func(c *caseRun) { c.readAfterCreate() },
	}
	switch {
	case !r.report.Loopback:
		after.notApplicable = "create-then-read needs a loopback fake, whose clock the admin API can move"
	case len(r.products) == 0:
		after.notApplicable = "no product to order"
	case r.health() == nil:
		after.notApplicable = "the endpoint has no admin API (/__admin/health) to move its clock"
	}
	return append(cases, after)
}

// query sends a JSON QueryAvailableInstances and decodes its answer; ok is false when it failed
// (the failure is already a finding).
func (c *caseRun) query(params url.Values) (*generated.QueryAvailableInstancesResponse, int, bool) {
	res, ok := c.send(newRead(spec.ActionQueryAvailableInstances, params, "JSON"), expectSuccess)
	if !ok || res.ex.Response.Status != http.StatusOK {
		return nil, 0, false
	}
	var out generated.QueryAvailableInstancesResponse
	if err := json.Unmarshal(res.ex.Response.rawBody, &out); err != nil {
		return nil, 0, false // typed-decode names it
	}
	return &out, res.idx, true
}

func (c *caseRun) readPaging() {
	const size, maxPages = 2, 5
	var seen []string
	total := int32(-1)
	for page := 1; page <= maxPages; page++ {
		r, idx, ok := c.query(url.Values{"PageSize": {"2"}, "PageNum": {fmt.Sprint(page)}})
		if !ok {
			return
		}
		list := r.Data.InstanceList
		if len(list) > size {
			c.finding(CheckReadPaging, idx, fmt.Sprintf("page %d lists %d instances with PageSize %d", page, len(list), size))
		}
		if total >= 0 && r.Data.TotalCount != total {
			c.finding(CheckReadPaging, idx, fmt.Sprintf("page %d says TotalCount %d, page 1 said %d", page, r.Data.TotalCount, total))
		}
		total = r.Data.TotalCount
		for _, in := range list {
			if slices.Contains(seen, in.InstanceID) {
				c.finding(CheckReadPaging, idx, fmt.Sprintf("instance %s is listed again on page %d", in.InstanceID, page))
			}
			seen = append(seen, in.InstanceID)
		}
		if int32(page*size) >= total {
			if int32(len(seen)) != total {
				c.finding(CheckReadPaging, idx, fmt.Sprintf("the pages list %d instances, TotalCount is %d", len(seen), total))
			}
			return
		}
	}
}

func (c *caseRun) readFilters() {
	first, _, ok := c.query(url.Values{"PageSize": {"20"}})
	if !ok {
		return
	}
	type filter struct {
		params url.Values
		match  func(generated.AvailableInstance) bool
	}
	var filters []filter
	if list := first.Data.InstanceList; len(list) > 0 {
		in := list[0]
		filters = append(filters,
			filter{url.Values{"ProductCode": {in.ProductCode}}, func(x generated.AvailableInstance) bool { return x.ProductCode == in.ProductCode }},
			filter{url.Values{"SubscriptionType": {string(in.SubscriptionType)}}, func(x generated.AvailableInstance) bool { return x.SubscriptionType == in.SubscriptionType }},
		)
		if in.Region != nil && *in.Region != "" {
			region := *in.Region
			filters = append(filters, filter{url.Values{"Region": {region}}, func(x generated.AvailableInstance) bool { return x.Region != nil && *x.Region == region }})
		}
		named := []string{in.InstanceID, noSuchInstance}
		if len(list) > 1 {
			named = append(named, list[len(list)-1].InstanceID)
		}
		filters = append(filters, filter{url.Values{"InstanceIDs": {strings.Join(named, ",")}}, func(x generated.AvailableInstance) bool { return slices.Contains(named, x.InstanceID) }})
	}
	filters = append(filters,
		filter{url.Values{"Region": {noSuchRegion}}, func(generated.AvailableInstance) bool { return false }},
		filter{url.Values{"InstanceIDs": {noSuchInstance}}, func(generated.AvailableInstance) bool { return false }},
	)
	for _, f := range filters {
		r, idx, ok := c.query(f.params)
		if !ok {
			continue
		}
		for _, in := range r.Data.InstanceList {
			if !f.match(in) {
				c.finding(CheckReadFilter, idx, fmt.Sprintf("with %s the answer lists instance %s (%s, %s), which does not match", f.params.Encode(), in.InstanceID, in.ProductCode, in.SubscriptionType))
			}
		}
	}
}

func (c *caseRun) readAfterCreate() {
	r := c.r
	p := r.products[0]
	v := p.orderParams()
	v.Set("ClientToken", r.token())
	created, ok := c.send(newRequest(v, "JSON"), expectSuccess)
	if !ok {
		return
	}
	oid, iid, _ := created.ans.data()
	orderID, instanceID := fmt.Sprint(oid), fmt.Sprint(iid)
	status := func(want ...string) {
		q, idx, ok := c.query(url.Values{"InstanceIDs": {instanceID}})
		if !ok {
			return
		}
		if len(q.Data.InstanceList) != 1 || q.Data.InstanceList[0].InstanceID != instanceID {
			c.finding(CheckReadAfterCreate, idx, fmt.Sprintf("instance %s of order %s is not listed (%d instances)", instanceID, orderID, len(q.Data.InstanceList)))
			return
		}
		in := q.Data.InstanceList[0]
		if in.ProductCode != p.Code || string(in.SubscriptionType) != v.Get("SubscriptionType") {
			c.finding(CheckReadAfterCreate, idx, fmt.Sprintf("instance %s is listed as %s/%s, ordered as %s/%s", instanceID, in.ProductCode, in.SubscriptionType, p.Code, v.Get("SubscriptionType")))
		}
		if !slices.Contains(want, string(in.Status)) {
			c.finding(CheckReadAfterCreate, idx, fmt.Sprintf("instance %s is %s, want %s", instanceID, in.Status, strings.Join(want, " or ")))
		}
	}
	status("Creating", "Normal")
	if !r.advanceClock("24h") {
		c.finding(CheckReadAfterCreate, -1, "POST /__admin/clock/advance failed: the fake's clock cannot be moved")
		return
	}
	status("Normal")
	res, ok := c.send(newRead(spec.ActionGetOrderDetail, url.Values{"OrderId": {orderID}}, "JSON"), expectSuccess)
	if !ok || res.ex.Response.Status != http.StatusOK {
		return
	}
	var od generated.GetOrderDetailResponse
	if json.Unmarshal(res.ex.Response.rawBody, &od) != nil {
		return
	}
	switch orders := od.Data.OrderList.Order; {
	case len(orders) != 1 || orders[0].OrderId != orderID:
		c.finding(CheckReadAfterCreate, res.idx, fmt.Sprintf("GetOrderDetail of %s does not return that order alone", orderID))
	case orders[0].InstanceIDs == nil || !slices.Contains(strings.Split(*orders[0].InstanceIDs, ","), instanceID):
		c.finding(CheckReadAfterCreate, res.idx, fmt.Sprintf("order %s does not name instance %s", orderID, instanceID))
	case orders[0].PaymentStatus != "Paid":
		c.finding(CheckReadAfterCreate, res.idx, fmt.Sprintf("order %s is %s a day after it was placed, want Paid", orderID, orders[0].PaymentStatus))
	}
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
