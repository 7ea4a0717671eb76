package store

import (
	"slices"
	"time"
)

// Record is an order as a backend keeps it: the private form of fake.Order, so that what a state
// file or Redis holds does not change when the public type does. Its JSON names are the state
// file's (format bsskit-state/1), which wrote fake.Order with the same names.
type Record struct {
	OrderID          string    `json:"orderId"`
	InstanceID       string    `json:"instanceId"`
	AccountID        string    `json:"accountId"`
	AccessKeyID      string    `json:"accessKeyId,omitempty"`
	ProductCode      string    `json:"productCode"`
	ProductType      string    `json:"productType,omitempty"`
	SubscriptionType string    `json:"subscriptionType"`
	Period           int       `json:"period,omitempty"`
	RenewalStatus    string    `json:"renewalStatus,omitempty"`
	RenewPeriod      int       `json:"renewPeriod,omitempty"`
	OwnerID          string    `json:"ownerId,omitempty"`
	ClientToken      string    `json:"clientToken,omitempty"`
	Logistics        string    `json:"logistics,omitempty"`
	Parameters       []Param   `json:"parameters,omitempty"`
	RequestID        string    `json:"requestId"`
	CreatedAt        time.Time `json:"createdAt"`
	ReadyAt          time.Time `json:"readyAt,omitzero"`
	PaidAt           time.Time `json:"paidAt,omitzero"`
	Amount           string    `json:"amount,omitempty"`
	RefundedAt       time.Time `json:"refundedAt,omitzero"`
}

// Param is one Parameter.n of a record.
type Param struct {
	N     int    `json:"n"`
	Code  string `json:"code"`
	Value string `json:"value"`
}

// Clone returns a copy that shares nothing with r.
func (r Record) Clone() Record {
	r.Parameters = slices.Clone(r.Parameters)
	return r
}

// Refunded says the record is a refunded duplicate.
func (r *Record) Refunded() bool { return !r.RefundedAt.IsZero() }
