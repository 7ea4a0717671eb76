package fake

import (
	"slices"
	"time"
)

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
}

func (o Order) clone() Order {
	o.Parameters = slices.Clone(o.Parameters)
	return o
}

// store keeps orders and the ClientToken index. It is guarded by Server.mu.
type store struct {
	orders   []Order
	byID     map[string]int // OrderID -> index
	byToken  map[tokenKey]int
	usedInst map[string]bool
	keepNone bool // a replica of a shared store (WithStore): the orders live there, add keeps nothing
}

// tokenKey scopes a ClientToken to the account that used it.
type tokenKey struct{ account, token string }

func newStore() *store {
	return &store{byID: map[string]int{}, byToken: map[tokenKey]int{}, usedInst: map[string]bool{}}
}

func (st *store) add(o Order) {
	if st.keepNone {
		return
	}
	st.orders = append(st.orders, o)
	i := len(st.orders) - 1
	st.byID[o.OrderID] = i
	st.usedInst[o.InstanceID] = true
	if o.ClientToken != "" {
		st.byToken[tokenKey{o.AccountID, o.ClientToken}] = i
	}
}
