package fake

// instanceIndex is the lookups the read calls (QueryAvailableInstances, GetOrderDetail) make over
// the store's orders, each order holding one instance. It is an interface so that another store
// (Redis, issue 16) can keep the same lookups; the in-memory one below is the default. Indexes are
// positions in store.orders, ascending (oldest first), so that pages are stable. Guarded by
// Server.mu, like the store.
type instanceIndex interface {
	// add records that order i was stored.
	add(i int, o *Order)
	// instance returns the order holding an instance ID.
	instance(id string) (int, bool)
	// account returns the orders an account placed, oldest first. The slice is the index's own:
	// callers only read it.
	account(account string) []int
	// product returns the orders an account placed for one product and, when subscription is not
	// empty, that billing method, oldest first, and how many of them are refunded duplicates (whose
	// instances may have disappeared).
	product(account, product, subscription string) (orders []int, refunded int)
}

// acctProduct keys the per-product lists; subscription "" is the product's whole list.
type acctProduct struct{ account, product, subscription string }

// memIndex is the in-memory instanceIndex: one map per lookup.
type memIndex struct {
	byInstance map[string]int
	byAccount  map[string][]int
	byProduct  map[acctProduct][]int
	refunded   map[acctProduct]int
}

func newMemIndex() *memIndex {
	return &memIndex{
		byInstance: map[string]int{},
		byAccount:  map[string][]int{},
		byProduct:  map[acctProduct][]int{},
		refunded:   map[acctProduct]int{},
	}
}

func (m *memIndex) add(i int, o *Order) {
	m.byInstance[o.InstanceID] = i
	m.byAccount[o.AccountID] = append(m.byAccount[o.AccountID], i)
	for _, k := range []acctProduct{{o.AccountID, o.ProductCode, ""}, {o.AccountID, o.ProductCode, o.SubscriptionType}} {
		m.byProduct[k] = append(m.byProduct[k], i)
		if !o.RefundedAt.IsZero() {
			m.refunded[k]++
		}
	}
}

func (m *memIndex) instance(id string) (int, bool) {
	i, ok := m.byInstance[id]
	return i, ok
}

func (m *memIndex) account(account string) []int { return m.byAccount[account] }

func (m *memIndex) product(account, product, subscription string) ([]int, int) {
	k := acctProduct{account, product, subscription}
	return m.byProduct[k], m.refunded[k]
}
