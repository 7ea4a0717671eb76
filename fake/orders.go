package fake

import (
	"time"

	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/spec"
)

// getOrderDetail answers GetOrderDetail: the caller's order as the only element of
// Data.OrderList.Order, its payment status as it is now on the fake's clock. An order the caller
// did not place (unknown, or another account's, or not for the OwnerId sent) answers
// InvalidParameter naming OrderId, the same for both so that the answer does not reveal other
// accounts' orders (the choice of code is explained in the spec, GetOrderDetail's description).
func (s *Server) getOrderDetail(ex *exchange) {
	in, ok := s.readRequest(ex) // query.go
	if !ok {
		return
	}
	id := ex.req.Params.Get("OrderId")
	var o store.Record
	var now time.Time
	found := false
	if !s.readView(ex, in.OwnerID, func(st *store.Orders, acct string, at time.Time) { // query.go
		now = at
		if i, ok := st.ByID(id); ok {
			o = *st.At(i)
			found = o.AccountID == acct && (in.OwnerID == "" || ownerOf(&o) == in.OwnerID)
		}
	}) {
		return
	}
	if !found {
		ex.fail(spec.CodeInvalidParameter, "OrderId")
		return
	}
	ex.entry.OrderID = o.OrderID
	ex.succeedRead(&generated.GetOrderDetailResponse{
		RequestId: ex.entry.RequestID, Success: true, Code: "Success", Message: "Successful!",
		Data: generated.GetOrderDetailData{
			HostName: ptr(ex.site.Host), PageNum: ptr(int32(1)), PageSize: ptr(int32(1)), TotalCount: ptr(int32(1)),
			OrderList: generated.OrderList{Order: []generated.OrderDetail{orderDetail(&o, now, currency(ex.site))}},
		},
	})
}

// orderDetail is the order as GetOrderDetail reads it at now. Amounts are the order's Amount
// (the catalogue's MonthlyPrice x Period), tax included at 0, in the currency of the site that was
// called (CNY on the domestic site, USD on the international one).
func orderDetail(o *store.Record, now time.Time, currency string) generated.OrderDetail {
	status := paymentStatus(o, now)
	amount := o.Amount
	if amount == "" { // an order from a state file written before amounts
		amount = "0.00"
	}
	d := generated.OrderDetail{
		OrderId:           o.OrderID,
		OrderType:         generated.OrderDetailOrderType("New"),
		PaymentStatus:     generated.OrderDetailPaymentStatus(status),
		ProductCode:       o.ProductCode,
		ProductType:       ptr(o.ProductType),
		SubscriptionType:  generated.SubscriptionType(o.SubscriptionType),
		CreateTime:        rfc3339(o.CreatedAt),
		PaymentTime:       ptr(""),
		UsageStartTime:    ptr(rfc3339(o.CreatedAt)),
		UsageEndTime:      ptr(""),
		InstanceIDs:       ptr(o.InstanceID),
		Region:            ptr(region(o)),
		Quantity:          ptr("1"),
		Currency:          ptr(currency),
		PaymentCurrency:   ptr(currency),
		PretaxGrossAmount: ptr(amount),
		PretaxAmount:      ptr(amount),
		PretaxAmountLocal: ptr(amount),
		Tax:               ptr("0.00"),
		AfterTaxAmount:    ptr(amount),
		Operator:          ptr(o.AccountID),
	}
	if status != PaymentUnpaid {
		paid := o.PaidAt
		if paid.IsZero() {
			paid = o.CreatedAt
		}
		d.PaymentTime = ptr(rfc3339(paid))
	}
	if end := endTime(o); !end.IsZero() {
		d.UsageEndTime = ptr(rfc3339(end))
	}
	return d
}

// currency is the site's currency: the domestic (China) site bills in CNY, the international site
// in USD.
func currency(site spec.Site) string {
	if site.Name == spec.SiteInternational {
		return "USD"
	}
	return "CNY"
}
