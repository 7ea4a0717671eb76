package fake

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bsskit/bsskit/fake/internal/store"
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

	var page []store.Record
	var total int
	var now time.Time
	if !s.readView(ex, q.owner, func(st *store.Orders, acct string, at time.Time) {
		now = at
		page, total = queryStore(st, acct, &q, now)
	}) {
		return
	}

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
func queryStore(st *store.Orders, account string, q *instanceQuery, now time.Time) ([]store.Record, int) {
	from := (q.pageNum - 1) * q.pageSize
	if q.pageNum > 1 && from/q.pageSize != q.pageNum-1 { // overflow: far past any page
		from = int(^uint(0) >> 1)
	}
	var cand []int
	switch {
	case q.ids != nil:
		for _, id := range q.ids {
			if i, ok := st.Instance(id); ok {
				cand = append(cand, i)
			}
		}
		slices.Sort(cand)
	case q.product != "":
		var refunded int
		cand, refunded = st.Product(account, q.product, q.subscription)
		if refunded == 0 && q.onlyProduct() {
			// Every candidate matches: the total and the page come from the index alone.
			if from >= len(cand) {
				return nil, len(cand)
			}
			idx := cand[from:min(len(cand), from+q.pageSize)]
			out := make([]store.Record, len(idx))
			for k, i := range idx {
				out[k] = *st.At(i)
			}
			return out, len(cand)
		}
	default:
		cand = st.Account(account)
	}
	var out []store.Record
	total := 0
	for _, i := range cand {
		o := st.At(i)
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
func (q *instanceQuery) matches(account string, o *store.Record, now time.Time) bool {
	if o.AccountID != account {
		return false
	}
	if _, ok := instanceStatus(o, now); !ok {
		return false
	}
	switch {
	case q.product != "" && o.ProductCode != q.product,
		q.productType != "" && o.ProductType != q.productType,
		q.subscription != "" && o.SubscriptionType != q.subscription,
		q.renew != "" && o.RenewalStatus != q.renew,
		q.region != "" && region(o) != q.region,
		q.owner != "" && ownerOf(o) != q.owner,
		q.hasCreateFrom && o.CreatedAt.Before(q.createFrom),
		q.hasCreateTo && !o.CreatedAt.Before(q.createTo):
		return false
	}
	if q.hasEndFrom || q.hasEndTo {
		end := endTime(o)
		if end.IsZero() || (q.hasEndFrom && end.Before(q.endFrom)) || (q.hasEndTo && !end.Before(q.endTo)) {
			return false
		}
	}
	return true
}

// availableInstance is the order's instance as QueryAvailableInstances lists it.
func availableInstance(o *store.Record, now time.Time) generated.AvailableInstance {
	in, _ := instanceOf(o, now)
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

// readView runs a read call on the orders: it resolves the caller's account, checks that the call
// reached the account's site and that the account may act for owner ("" for none), then calls fn
// with the orders, the account and the time, both read from the backend in one step. Every failure
// is answered here and returns false.
func (s *Server) readView(ex *exchange, owner string, fn func(st *store.Orders, acct string, now time.Time)) bool {
	s.mu.Lock()
	acct := s.callerLocked(ex.accessKeyID, ex.bearerAccount)
	if acct == nil {
		s.mu.Unlock()
		ex.fail(spec.CodeInvalidCaller, "AccessKeyId")
		return false
	}
	if code, reason := readSiteCheck(ex.site, acct); code != "" { // sites.go
		s.mu.Unlock()
		ex.entry.Reason = reason
		ex.fail(code, "")
		return false
	}
	if owner != "" && !acct.mayActFor(owner) {
		s.mu.Unlock()
		ex.fail(spec.CodeInvalidOwner, "OwnerId")
		return false
	}
	id := acct.ID
	s.mu.Unlock()
	if err := s.view(func(st *store.Orders, now time.Time) { fn(st, id, now) }); err != nil {
		s.log.Error("store unavailable: answered ServiceUnavailable", "err", err)
		ex.fail(spec.CodeServiceUnavailable, "")
		return false
	}
	return true
}
