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

func (o Order) clone() Order {
	o.Parameters = slices.Clone(o.Parameters)
	return o
}

// store keeps orders and the ClientToken index. It is guarded by Server.mu.
type store struct {
	orders   orderLog
	byID     map[string]int // OrderID -> index
	byToken  map[tokenKey]int
	usedInst map[string]bool
	index    instanceIndex // instances.go: the read calls' lookups
	keepNone bool          // a replica of a shared store (WithStore): the orders live there, add keeps nothing
}

// tokenKey scopes a ClientToken to the account that used it.
type tokenKey struct{ account, token string }

func newStore() *store {
	return &store{byID: map[string]int{}, byToken: map[tokenKey]int{}, usedInst: map[string]bool{}, index: newMemIndex()}
}

func (st *store) add(o Order) {
	if st.keepNone {
		return
	}
	i := st.orders.add(o)
	st.byID[o.OrderID] = i
	st.usedInst[o.InstanceID] = true
	st.index.add(i, st.orders.at(i))
	if o.ClientToken != "" {
		st.byToken[tokenKey{o.AccountID, o.ClientToken}] = i
	}
}

// orderBlock is how many orders one block of an orderLog holds.
const orderBlock = 1024

// orderLog holds orders in blocks of orderBlock, addressed by their position. Appending never
// copies more than one block: a plain []Order copies every order it holds each time it grows, which
// with tens of thousands of orders was most of what placing one cost. Positions are stable, so the
// instance index (instances.go) and the token and ID maps keep them.
type orderLog struct {
	blocks [][]Order
	n      int
}

// len returns how many orders the log holds.
func (l *orderLog) len() int { return l.n }

// at returns the order at position i (0 <= i < len()).
func (l *orderLog) at(i int) *Order { return &l.blocks[i/orderBlock][i%orderBlock] }

// add appends o and returns its position.
func (l *orderLog) add(o Order) int {
	if len(l.blocks) == 0 || len(l.blocks[len(l.blocks)-1]) == orderBlock {
		l.blocks = append(l.blocks, nil) // the block grows like a slice up to orderBlock
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, o)
	l.n++
	return l.n - 1
}

// all yields every order with its position, oldest first.
func (l *orderLog) all(yield func(int, *Order) bool) {
	for bi := range l.blocks {
		for j := range l.blocks[bi] {
			if !yield(bi*orderBlock+j, &l.blocks[bi][j]) {
				return
			}
		}
	}
}
