package store

import (
	"context"
	"sync"
	"time"
)

// Memory is the backend of a fake without a state file or a shared store: the orders in this
// process, every step one critical section.
type Memory struct {
	mu     sync.RWMutex
	orders *Orders
	offset time.Duration
	closed bool
	// OnPlace, when set, runs inside Place's critical section after a new record is stored (the
	// file backend queues the record there, so the file's order is the store's).
	OnPlace func(r *Record)
	// OnReset runs inside Reset's critical section; an error leaves the orders as they were.
	OnReset func() error
}

// NewMemory returns an empty memory backend holding the given records (a state file's), which must
// have distinct IDs.
func NewMemory(records ...Record) *Memory {
	m := &Memory{orders: NewOrders()}
	for _, r := range records {
		m.orders.Add(r)
	}
	return m
}

// Place implements [Backend].
func (m *Memory) Place(_ context.Context, p *Placement) (Placed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return Placed{}, ErrClosed
	}
	return Decide(m.orders, p, m.offset, m.OnPlace)
}

// Decide is Place on o, for a backend that holds the orders in this process under its own lock:
// the same step in the same order for every such backend.
func Decide(o *Orders, p *Placement, offset time.Duration, onPlace func(*Record)) (Placed, error) {
	r := &p.Record
	if r.ClientToken != "" {
		if i, ok := o.ByToken(r.AccountID, r.ClientToken); ok {
			return Placed{Record: o.At(i).Clone(), Replayed: true}, nil
		}
	}
	if p.Offset != offset {
		return Placed{}, ErrClockMoved
	}
	if p.OpensOnce {
		if held, _ := o.Product(r.AccountID, r.ProductCode, ""); len(held) > 0 {
			return Placed{Record: o.At(held[0]).Clone(), Refused: RefusedOpened}, nil
		}
	}
	if p.OverLimit {
		return Placed{Refused: RefusedLimit}, nil
	}
	if p.Balance >= 0 {
		if spent := o.Spent(r.AccountID); spent+Cents(r.Amount) > p.Balance {
			return Placed{Refused: RefusedBalance, Spent: spent}, nil
		}
	}
	if _, used := o.ByID(r.OrderID); used {
		return Placed{}, ErrCollision
	}
	if _, used := o.Instance(r.InstanceID); used {
		return Placed{}, ErrCollision
	}
	i := o.Add(r.Clone())
	if onPlace != nil {
		onPlace(o.At(i))
	}
	return Placed{Record: *r}, nil
}

// TokenOrder implements [Backend].
func (m *Memory) TokenOrder(_ context.Context, account, token string) (Record, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, ok := m.orders.ByToken(account, token)
	if !ok {
		return Record{}, false, nil
	}
	return m.orders.At(i).Clone(), true, nil
}

// View implements [Backend]: fn runs under the read lock.
func (m *Memory) View(_ context.Context, fn func(*Orders, time.Duration)) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	fn(m.orders, m.offset)
	return nil
}

// Order implements [Backend].
func (m *Memory) Order(_ context.Context, id string) (Record, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, ok := m.orders.ByID(id)
	if !ok {
		return Record{}, false, nil
	}
	return m.orders.At(i).Clone(), true, nil
}

// Offset implements [Backend].
func (m *Memory) Offset(context.Context) (time.Duration, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.offset, nil
}

// AdvanceClock implements [Backend].
func (m *Memory) AdvanceClock(_ context.Context, d time.Duration) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offset += d
	return m.offset, nil
}

// Reset implements [Backend].
func (m *Memory) Reset(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.OnReset != nil {
		if err := m.OnReset(); err != nil {
			return err
		}
	}
	m.orders = NewOrders()
	return nil
}

// Close implements [Backend].
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
