package fake

import (
	"math"
	"strconv"
	"time"
)

// The life of an order and its instance on the fake's clock. Nothing runs in the background: the
// times that matter are fixed when the order is placed (Order.ReadyAt, PaidAt, RefundedAt) and every
// read compares them with the clock, so a [ManualClock] moves the state exactly when it is
// advanced, and a restart from the state file finds the same state at the same time.

// lifecycleConfig holds the lifecycle options; zero durations mean the defaults (set flags tell a
// zero given on purpose).
type lifecycleConfig struct {
	provisioning    time.Duration
	provisioningSet bool
	payment         time.Duration
	refund          time.Duration
	refundSet       bool
}

// scheduleLocked fixes the order's lifecycle times when it is placed: when its instance is Normal,
// when it is paid, and, for a refunded duplicate, when it is refunded.
func (s *Server) scheduleLocked(o *Order, p *Product, refund bool) {
	delay := DefaultProvisioningDelay
	if s.cfg.life.provisioningSet {
		delay = s.cfg.life.provisioning
	}
	if p != nil && p.ProvisioningDelay > 0 {
		delay = p.ProvisioningDelay
	}
	// On the lifecycle's clock (POST /__admin/clock/advance moved it), in UTC without the monotonic
	// reading: what the state file keeps. A new order is Creating for its delay even after an advance.
	at := o.CreatedAt.Add(time.Duration(s.lifeOffset.Load())).UTC().Round(0)
	o.ReadyAt = at.Add(delay)
	o.PaidAt = at
	if o.SubscriptionType == "Subscription" {
		o.PaidAt = at.Add(s.cfg.life.payment)
	}
	o.Amount = "0.00"
	if p != nil && o.SubscriptionType == "Subscription" && o.Period > 0 {
		o.Amount = formatCents(int64(math.Round(p.MonthlyPrice*100)) * int64(o.Period)) // Catalog.Validate: at most two decimals
	}
	if refund {
		d := DefaultRefundDelay
		if s.cfg.life.refundSet {
			d = s.cfg.life.refund
		}
		o.RefundedAt = at.Add(d)
		o.ReadyAt = time.Time{} // never Normal
	}
}

// instanceStatus is the status of the order's instance at now, and false once it has disappeared
// (a refunded duplicate after its refund).
func (o *Order) instanceStatus(now time.Time) (string, bool) {
	if !o.RefundedAt.IsZero() {
		if !now.Before(o.RefundedAt) {
			return "", false
		}
		return StatusCreating, true
	}
	if now.Before(o.ReadyAt) {
		return StatusCreating, true
	}
	return StatusNormal, true
}

// paymentStatus is the order's payment status at now.
func (o *Order) paymentStatus(now time.Time) string {
	switch {
	case !o.RefundedAt.IsZero() && !now.Before(o.RefundedAt):
		return PaymentCancelled
	case now.Before(o.PaidAt):
		return PaymentUnpaid
	default:
		return PaymentPaid
	}
}

// endTime is when a Subscription instance ends: Period months after creation. Zero for PayAsYouGo.
func (o *Order) endTime() time.Time {
	if o.SubscriptionType != "Subscription" || o.Period <= 0 {
		return time.Time{}
	}
	return o.CreatedAt.UTC().AddDate(0, o.Period, 0)
}

// region is the order's region: its Parameter.n with Code "Region", else "".
func (o *Order) region() string {
	for _, p := range o.Parameters {
		if p.Code == "Region" {
			return p.Value
		}
	}
	return ""
}

// ownerID is the account that owns the instance: OwnerId when the caller bought for an owner, else
// the caller's account.
func (o *Order) ownerID() string {
	if o.OwnerID != "" {
		return o.OwnerID
	}
	return o.AccountID
}

// Instance is an instance as QueryAvailableInstances lists it, at one moment of the fake's clock.
type Instance struct {
	// InstanceID is the instance's ID.
	InstanceID string `json:"instanceId"`
	// OrderID is the order that created it.
	OrderID string `json:"orderId"`
	// AccountID is the account that bought it; OwnerID the account that owns it.
	AccountID string `json:"accountId"`
	OwnerID   string `json:"ownerId"`
	// ProductCode, ProductType and SubscriptionType are the order's.
	ProductCode      string `json:"productCode"`
	ProductType      string `json:"productType,omitempty"`
	SubscriptionType string `json:"subscriptionType"`
	// Status is Creating or Normal.
	Status string `json:"status"`
	// RenewStatus is AutoRenewal or ManualRenewal; RenewalDuration the months per renewal (0 unless
	// AutoRenewal).
	RenewStatus     string `json:"renewStatus"`
	RenewalDuration int    `json:"renewalDuration"`
	// Region is the order's Region module value, "" when none.
	Region string `json:"region,omitempty"`
	// CreateTime is when the order was placed; EndTime when a Subscription ends (zero otherwise).
	CreateTime time.Time `json:"createTime"`
	EndTime    time.Time `json:"endTime,omitzero"`
	// PaymentStatus is the order's: Unpaid, Paid or Cancelled.
	PaymentStatus string `json:"paymentStatus"`
	// Refunded says the order is a refunded duplicate: the instance disappears at RefundedAt.
	Refunded bool `json:"refunded,omitempty"`
}

// instanceOf is the order's instance at now; false once it has disappeared.
func (o *Order) instanceOf(now time.Time) (Instance, bool) {
	st, ok := o.instanceStatus(now)
	if !ok {
		return Instance{}, false
	}
	renew := 0
	if o.RenewalStatus == "AutoRenewal" {
		renew = o.RenewPeriod
	}
	return Instance{
		InstanceID: o.InstanceID, OrderID: o.OrderID, AccountID: o.AccountID, OwnerID: o.ownerID(),
		ProductCode: o.ProductCode, ProductType: o.ProductType, SubscriptionType: o.SubscriptionType,
		Status: st, RenewStatus: o.RenewalStatus, RenewalDuration: renew, Region: o.region(),
		CreateTime: o.CreatedAt.UTC(), EndTime: o.endTime(), PaymentStatus: o.paymentStatus(now),
		Refunded: !o.RefundedAt.IsZero(),
	}, true
}

// Instances returns the instances held now (on the fake's clock), oldest first: one per order,
// without the refunded duplicates that have disappeared.
func (s *Server) Instances() []Instance {
	now := s.lifeNow()            // admin_lifecycle.go
	snap, err := s.sharedOrders() // shared.go: nil in memory mode
	s.logStoreErr(err)
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.store
	if snap != nil {
		st = snap
	}
	out := make([]Instance, 0, st.orders.len())
	for _, o := range st.orders.all {
		if in, ok := o.instanceOf(now); ok {
			out = append(out, in)
		}
	}
	return out
}

// ownerIDInt is an account or owner ID as QueryAvailableInstances sends it, a number; 0 if it is
// not one.
func ownerIDInt(id string) int64 {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// formatCents writes cents as a decimal string with two decimals.
func formatCents(c int64) string {
	return strconv.FormatInt(c/100, 10) + "." + strconv.FormatInt(c%100/10, 10) + strconv.FormatInt(c%10, 10)
}
