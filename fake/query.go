package fake

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/internal/check"
	"github.com/bsskit/bsskit/spec"
)

// Paging of QueryAvailableInstances: the defaults, and the cap the spec gives PageSize
// (x-bss-max-page-size; a larger value is accepted and answered with the cap).
const (
	defaultPageSize = 20
	fallbackMaxPage = 300
)

// maxPageSize is read on first use, not at package initialisation: a binary that imports fake
// and never serves a query does not parse the spec.
var maxPageSize = sync.OnceValue(func() int {
	if op, ok := spec.OperationFor(spec.ActionQueryAvailableInstances); ok {
		if p, ok := op.Param("PageSize"); ok && p.MaxPageSize > 0 {
			return p.MaxPageSize
		}
	}
	return fallbackMaxPage
})

// instanceQuery is a valid QueryAvailableInstances request: its filters and its page.
type instanceQuery struct {
	ids                                    []string // InstanceIDs, deduplicated; nil: no filter
	product, productType, subscription     string
	renew, region, owner                   string
	createFrom, createTo, endFrom, endTo   time.Time
	hasCreateFrom, hasCreateTo, hasEndFrom bool
	hasEndTo                               bool
	pageNum, pageSize                      int
}

// onlyProduct says the query filters by nothing but the account, the product and perhaps the
// billing method: the index answers its total and its page without looking at other orders.
func (q *instanceQuery) onlyProduct() bool {
	return q.ids == nil && q.productType == "" && q.renew == "" &&
		q.region == "" && q.owner == "" && !q.hasCreateFrom && !q.hasCreateTo && !q.hasEndFrom && !q.hasEndTo
}

// readRequest validates a read call's parameters against its operation's compiled rules and
// returns the caller's account; false means an error was answered.
func (s *Server) readRequest(ex *exchange) (*check.Input, bool) {
	v, err := check.SharedFor(ex.req.Action)
	if err != nil {
		ex.fail(spec.CodeInternalError, "")
		return nil, false
	}
	in, viol := v.Request(ex.req.Params)
	if viol != nil {
		ex.fail(viol.Code, viol.Param)
		return nil, false
	}
	return in, true
}

// queryAvailableInstances answers QueryAvailableInstances: one page of the caller's instances that
// match every filter sent, as they are now on the fake's clock.
func (s *Server) queryAvailableInstances(ex *exchange) {
	in, ok := s.readRequest(ex)
	if !ok {
		return
	}
	p := ex.req.Params
	q := instanceQuery{
		product: in.ProductCode, productType: in.ProductType, subscription: in.SubscriptionType,
		renew: p.Get("RenewStatus"), region: p.Get("Region"), owner: in.OwnerID,
		pageNum: 1, pageSize: defaultPageSize,
	}
	if v := p.Get("InstanceIDs"); v != "" {
		for id := range strings.SplitSeq(v, ",") {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(q.ids, id) {
				q.ids = append(q.ids, id)
			}
		}
		if q.ids == nil {
			q.ids = []string{}
		}
	}
	for _, t := range []struct {
		name string
		at   *time.Time
		has  *bool
	}{
		{"CreateTimeStart", &q.createFrom, &q.hasCreateFrom}, {"CreateTimeEnd", &q.createTo, &q.hasCreateTo},
		{"EndTimeStart", &q.endFrom, &q.hasEndFrom}, {"EndTimeEnd", &q.endTo, &q.hasEndTo},
	} {
		if v := p.Get(t.name); v != "" {
			at, err := time.Parse(time.RFC3339, v)
			if err != nil { // the pattern passed, the date does not exist (2026-02-30)
				ex.fail(spec.CodeInvalidParameter, t.name)
				return
			}
			*t.at, *t.has = at, true
		}
	}
	if v := p.Get("PageNum"); v != "" {
		q.pageNum, _ = strconv.Atoi(v) // validated: an integer >= 1
	}
	if v := p.Get("PageSize"); v != "" {
		q.pageSize, _ = strconv.Atoi(v)
	}
	q.pageSize = min(q.pageSize, maxPageSize())

	now := s.lifeNow()
	st, acct, ok := s.readCallerLocked(ex, q.owner)
	if !ok {
		return
	}
	page, total := queryStore(st, acct.ID, &q, now)
	s.mu.Unlock()

	list := make([]generated.AvailableInstance, len(page))
	for i := range page {
		list[i] = availableInstance(&page[i], now)
	}
	ex.succeedRead(&generated.QueryAvailableInstancesResponse{
		RequestId: ex.entry.RequestID, Success: true, Code: "Success", Message: "Successful!",
		Data: generated.QueryAvailableInstancesData{
			PageNum: int32(q.pageNum), PageSize: int32(q.pageSize), TotalCount: int32(total), InstanceList: list,
		},
	})
}

// queryStore returns the page of orders whose instances match q at now, and how many match in all.
// It looks only at the candidates the index gives: the listed instance IDs, or the account's
// orders of the product, or the account's orders.
func queryStore(st *store, account string, q *instanceQuery, now time.Time) ([]Order, int) {
	from := (q.pageNum - 1) * q.pageSize
	if q.pageNum > 1 && from/q.pageSize != q.pageNum-1 { // overflow: far past any page
		from = int(^uint(0) >> 1)
	}
	var cand []int
	switch {
	case q.ids != nil:
		for _, id := range q.ids {
			if i, ok := st.index.instance(id); ok {
				cand = append(cand, i)
			}
		}
		slices.Sort(cand)
	case q.product != "":
		var refunded int
		cand, refunded = st.index.product(account, q.product, q.subscription)
		if refunded == 0 && q.onlyProduct() {
			// Every candidate matches: the total and the page come from the index alone.
			if from >= len(cand) {
				return nil, len(cand)
			}
			idx := cand[from:min(len(cand), from+q.pageSize)]
			out := make([]Order, len(idx))
			for k, i := range idx {
				out[k] = *st.orders.at(i)
			}
			return out, len(cand)
		}
	default:
		cand = st.index.account(account)
	}
	var out []Order
	total := 0
	for _, i := range cand {
		o := st.orders.at(i)
		if !q.matches(account, o, now) {
			continue
		}
		if total >= from && len(out) < q.pageSize {
			out = append(out, *o)
		}
		total++
	}
	return out, total
}

// matches says whether the order's instance is the account's, still there at now, and passes
// every filter of q.
func (q *instanceQuery) matches(account string, o *Order, now time.Time) bool {
	if o.AccountID != account {
		return false
	}
	if _, ok := o.instanceStatus(now); !ok {
		return false
	}
	switch {
	case q.product != "" && o.ProductCode != q.product,
		q.productType != "" && o.ProductType != q.productType,
		q.subscription != "" && o.SubscriptionType != q.subscription,
		q.renew != "" && o.RenewalStatus != q.renew,
		q.region != "" && o.region() != q.region,
		q.owner != "" && o.ownerID() != q.owner,
		q.hasCreateFrom && o.CreatedAt.Before(q.createFrom),
		q.hasCreateTo && !o.CreatedAt.Before(q.createTo):
		return false
	}
	if q.hasEndFrom || q.hasEndTo {
		end := o.endTime()
		if end.IsZero() || (q.hasEndFrom && end.Before(q.endFrom)) || (q.hasEndTo && !end.Before(q.endTo)) {
			return false
		}
	}
	return true
}

// availableInstance is the order's instance as QueryAvailableInstances lists it.
func availableInstance(o *Order, now time.Time) generated.AvailableInstance {
	in, _ := o.instanceOf(now)
	ai := generated.AvailableInstance{
		InstanceID:          in.InstanceID,
		ProductCode:         in.ProductCode,
		ProductType:         ptr(in.ProductType),
		SubscriptionType:    generated.SubscriptionType(in.SubscriptionType),
		Status:              generated.InstanceStatus(in.Status),
		SubStatus:           ptr("Normal"),
		RenewStatus:         ptr(generated.RenewStatus(in.RenewStatus)),
		RenewalDuration:     ptr(int32(in.RenewalDuration)),
		RenewalDurationUnit: ptr(generated.AvailableInstanceRenewalDurationUnit("M")),
		CreateTime:          rfc3339(in.CreateTime),
		EndTime:             ptr(""),
		Region:              ptr(in.Region),
		OwnerId:             ptr(ownerIDInt(in.OwnerID)),
		Seller:              ptr(fakeSeller),
		SellerId:            ptr(ownerIDInt(fakeSeller)),
	}
	if !in.EndTime.IsZero() {
		ai.EndTime = ptr(rfc3339(in.EndTime))
	}
	return ai
}

// fakeSeller is the seller of every instance: Alibaba Cloud's own seller ID.
const fakeSeller = "26842"

// rfc3339 formats a time as the read calls send it: RFC 3339 in UTC, whole seconds.
func rfc3339(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func ptr[T any](v T) *T { return &v }

// readCallerLocked starts a read call: it resolves the caller's account, checks that the call
// reached the account's site and that the account may act for owner ("" for none), and returns the
// orders to read (this server's, or with a shared store a snapshot of the environment's). Every
// failure is answered here and returns ok false; on success s.mu is held and the caller unlocks it.
func (s *Server) readCallerLocked(ex *exchange, owner string) (st *store, acct *Account, ok bool) {
	snap, err := s.sharedOrders() // shared.go: nil in memory mode
	if err != nil {
		s.unavailable(ex, err)
		return nil, nil, false
	}
	s.mu.Lock()
	st = s.store
	if snap != nil {
		st = snap
	}
	acct = s.callerLocked(ex.accessKeyID, ex.bearerAccount)
	if acct == nil {
		s.mu.Unlock()
		ex.fail(spec.CodeInvalidCaller, "AccessKeyId")
		return nil, nil, false
	}
	if code, reason := readSiteCheck(ex.site, acct); code != "" { // sites.go
		s.mu.Unlock()
		ex.entry.Reason = reason
		ex.fail(code, "")
		return nil, nil, false
	}
	if owner != "" && !acct.mayActFor(owner) {
		s.mu.Unlock()
		ex.fail(spec.CodeInvalidOwner, "OwnerId")
		return nil, nil, false
	}
	return st, acct, true
}
