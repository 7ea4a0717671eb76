package store

import "fmt"

// Orders is an indexed, append-only log of records: the memory backend's state, and the snapshot
// a shared backend reads for a request (Backend.View). Positions are stable and ascending (oldest
// first), so pages are stable. It is not safe for concurrent use: its owner locks it.
type Orders struct {
	log        recordLog
	byID       map[string]int
	byToken    map[tokenKey]int
	byInstance map[string]int
	byAccount  map[string][]int
	byProduct  map[acctProduct][]int
	refunded   map[acctProduct]int
	spent      map[string]int64 // account -> cents its Subscription orders cost
}

// tokenKey scopes a ClientToken to the account that used it.
type tokenKey struct{ account, token string }

// acctProduct keys the per-product lists; subscription "" is the product's whole list.
type acctProduct struct{ account, product, subscription string }

// NewOrders returns an empty log.
func NewOrders() *Orders {
	return &Orders{
		byID: map[string]int{}, byToken: map[tokenKey]int{}, byInstance: map[string]int{},
		byAccount: map[string][]int{}, byProduct: map[acctProduct][]int{}, refunded: map[acctProduct]int{},
		spent: map[string]int64{},
	}
}

// Add appends r (the caller checked that its IDs are new) and returns its position.
func (o *Orders) Add(r Record) int {
	i := o.log.add(r)
	p := o.log.at(i)
	o.byID[r.OrderID] = i
	o.byInstance[r.InstanceID] = i
	if r.ClientToken != "" {
		o.byToken[tokenKey{r.AccountID, r.ClientToken}] = i
	}
	o.byAccount[r.AccountID] = append(o.byAccount[r.AccountID], i)
	for _, k := range []acctProduct{{r.AccountID, r.ProductCode, ""}, {r.AccountID, r.ProductCode, r.SubscriptionType}} {
		o.byProduct[k] = append(o.byProduct[k], i)
		if p.Refunded() {
			o.refunded[k]++
		}
	}
	o.spent[r.AccountID] += Cents(r.Amount)
	return i
}

// Len returns how many records the log holds.
func (o *Orders) Len() int { return o.log.n }

// At returns the record at position i (0 <= i < Len()); callers only read it.
func (o *Orders) At(i int) *Record { return o.log.at(i) }

// All yields every record with its position, oldest first.
func (o *Orders) All(yield func(int, *Record) bool) { o.log.all(yield) }

// ByID returns the position of an order ID.
func (o *Orders) ByID(id string) (int, bool) { i, ok := o.byID[id]; return i, ok }

// ByToken returns the position of the order an account placed with a ClientToken.
func (o *Orders) ByToken(account, token string) (int, bool) {
	i, ok := o.byToken[tokenKey{account, token}]
	return i, ok
}

// Instance returns the position of the order holding an instance ID.
func (o *Orders) Instance(id string) (int, bool) { i, ok := o.byInstance[id]; return i, ok }

// Account returns the positions of an account's orders, oldest first (the index's own slice).
func (o *Orders) Account(account string) []int { return o.byAccount[account] }

// Product returns an account's orders of one product and, when subscription is not empty, that
// billing method, oldest first, and how many of them are refunded duplicates.
func (o *Orders) Product(account, product, subscription string) ([]int, int) {
	k := acctProduct{account, product, subscription}
	return o.byProduct[k], o.refunded[k]
}

// Spent returns what an account's orders cost, in cents (the sum of their Amounts).
func (o *Orders) Spent(account string) int64 { return o.spent[account] }

// orderBlock is how many records one block of a recordLog holds.
const orderBlock = 1024

// recordLog holds records in blocks of orderBlock, addressed by their position. Appending never
// copies more than one block: a plain slice copies every record it holds each time it grows, which
// with tens of thousands of orders was most of what placing one cost.
type recordLog struct {
	blocks [][]Record
	n      int
}

func (l *recordLog) at(i int) *Record { return &l.blocks[i/orderBlock][i%orderBlock] }

func (l *recordLog) add(r Record) int {
	if len(l.blocks) == 0 || len(l.blocks[len(l.blocks)-1]) == orderBlock {
		l.blocks = append(l.blocks, nil) // the block grows like a slice up to orderBlock
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, r)
	l.n++
	return l.n - 1
}

func (l *recordLog) all(yield func(int, *Record) bool) {
	for bi := range l.blocks {
		for j := range l.blocks[bi] {
			if !yield(bi*orderBlock+j, &l.blocks[bi][j]) {
				return
			}
		}
	}
}

// Check verifies that the indexes agree with the records: every record indexed by its ID, its
// instance and its ClientToken, one order per token.
func (o *Orders) Check() error {
	if len(o.byID) != o.Len() || len(o.byInstance) != o.Len() {
		return fmt.Errorf("%d orders but %d IDs and %d instances", o.Len(), len(o.byID), len(o.byInstance))
	}
	tokens := 0
	for i, r := range o.All {
		if o.byID[r.OrderID] != i {
			return fmt.Errorf("order %d (%s) is not indexed by its ID", i, r.OrderID)
		}
		if o.byInstance[r.InstanceID] != i {
			return fmt.Errorf("instance %s not recorded", r.InstanceID)
		}
		if r.ClientToken != "" {
			tokens++
			if o.byToken[tokenKey{r.AccountID, r.ClientToken}] != i {
				return fmt.Errorf("ClientToken %q of order %s points elsewhere: two orders for one token", r.ClientToken, r.OrderID)
			}
		}
	}
	if tokens != len(o.byToken) {
		return fmt.Errorf("%d orders with a ClientToken but %d token records", tokens, len(o.byToken))
	}
	return nil
}
