package fake

import "time"

// Order is an accepted CreateInstance call: the order the real service would have placed and paid,
// and the instance it would have created.
type Order struct {
	// OrderID is a string of digits, as the real service sends it.
	OrderID string `json:"orderId"`
	// InstanceID is the new instance's ID, e.g. "rtc-cn-0a1b2c3d4e5f".
	InstanceID string `json:"instanceId"`
	// AccountID is the caller's account UID.
	AccountID string `json:"accountId"`
	// AccessKeyID is the key the call was made with ("" when the caller sent none).
	AccessKeyID string `json:"accessKeyId,omitempty"`
	// The request's business parameters.
	ProductCode      string  `json:"productCode"`
	ProductType      string  `json:"productType,omitempty"`
	SubscriptionType string  `json:"subscriptionType"`
	Period           int     `json:"period,omitempty"`
	RenewalStatus    string  `json:"renewalStatus,omitempty"`
	RenewPeriod      int     `json:"renewPeriod,omitempty"`
	OwnerID          string  `json:"ownerId,omitempty"`
	ClientToken      string  `json:"clientToken,omitempty"`
	Logistics        string  `json:"logistics,omitempty"`
	Parameters       []Param `json:"parameters,omitempty"`
	// RequestID is the RequestId of the call that created the order.
	RequestID string `json:"requestId"`
	// CreatedAt is the fake clock's time at creation.
	CreatedAt time.Time `json:"createdAt"`
	// ReadyAt is when the instance is Normal (Creating before; lifecycle.go). Zero: at once, or
	// never for a refunded duplicate.
	ReadyAt time.Time `json:"readyAt,omitzero"`
	// PaidAt is when the order is Paid (Unpaid before). Zero: at once.
	PaidAt time.Time `json:"paidAt,omitzero"`
	// Amount is what the order cost when placed, a decimal string in Currency ([Product.MonthlyPrice]
	// x Period for a Subscription; "0.00" otherwise).
	Amount string `json:"amount,omitempty"`
	// RefundedAt is set for a refunded duplicate ([faults.Outcome.Refund]): from then on its instance is
	// gone and the order is Cancelled.
	RefundedAt time.Time `json:"refundedAt,omitzero"`
}
