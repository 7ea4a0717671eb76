// Package store is where the fake keeps its state: one [Backend] interface (orders with their
// ClientTokens, the opens-once and balance checks that decide an order, the clock offset, reset,
// counts) and its implementations: [Memory] here, the durable state file in store/file, the
// environment shared by replicas in store/redis. Every state transition is one step of the backend
// (one critical section in memory and file, one Lua script in Redis): a caller never reads, decides
// and writes across round trips. storetest.Run is the conformance suite every backend runs.
package store

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// Backend keeps the fake's state. All methods are safe for concurrent use.
type Backend interface {
	// Place decides and stores an order in one atomic step: the order an account already placed
	// with the record's ClientToken is returned instead (Replayed); otherwise an opens-once product
	// the account holds, or a price its balance cannot cover, refuses the order (Refused); otherwise
	// the record is stored. Its times were read on a clock moved by Placement.Offset, which must be
	// the backend's offset still, else [ErrClockMoved] and nothing is stored. An OrderID or InstanceID in use is
	// [ErrCollision]: nothing is stored, draw new IDs.
	Place(ctx context.Context, p *Placement) (Placed, error)
	// TokenOrder returns the order an account placed with a ClientToken.
	TokenOrder(ctx context.Context, account, token string) (Record, bool, error)
	// View calls fn with the orders as they are now and the clock offset; fn only reads and must
	// not keep o. Reads after an acknowledged Place (on any replica) see it.
	View(ctx context.Context, fn func(o *Orders, offset time.Duration)) error
	// Order returns one order.
	Order(ctx context.Context, id string) (Record, bool, error)
	// Offset returns the clock offset (what AdvanceClock added since the start or the last reset).
	Offset(ctx context.Context) (time.Duration, error)
	// AdvanceClock adds d to the clock offset and returns the new offset.
	AdvanceClock(ctx context.Context, d time.Duration) (time.Duration, error)
	// Reset forgets every order and ClientToken. The clock offset stays.
	Reset(ctx context.Context) error
	// Close releases the backend; later calls fail.
	Close() error
}

// Placement is an order to place and the checks that decide it.
type Placement struct {
	// Record is the order.
	Record Record
	// Offset is the clock offset the caller read the time with.
	Offset time.Duration
	// OpensOnce: the account may hold one order of the product (refused with the one it holds).
	OpensOnce bool
	// OverLimit: the order costs more than the account may pay per order; refused (RefusedLimit)
	// unless the ClientToken or the opens-once holding answers first.
	OverLimit bool
	// Balance is what the account may spend in all, in cents; negative: unlimited. The record's
	// Amount is what this order spends.
	Balance int64
	// Extra is a backend's own part of the step (store/redis: the journal entry and the deferred
	// rule stage); other backends ignore it.
	Extra any
}

// Placed is what Place decided.
type Placed struct {
	// Record is the order stored, or the one the ClientToken placed before, or for RefusedOpened
	// the account's order of the opens-once product.
	Record Record
	// Replayed: the ClientToken had placed Record before.
	Replayed bool
	// Refused is RefusedOpened, RefusedLimit or RefusedBalance ("" when stored or replayed).
	Refused string
	// Spent is, for RefusedBalance, what the account has spent (cents).
	Spent int64
	// Extra is the backend's answer to Placement.Extra.
	Extra any
}

// Reasons Place refuses an order.
const (
	RefusedOpened  = "opened"
	RefusedLimit   = "limit"
	RefusedBalance = "balance"
)

var (
	// ErrCollision means an OrderID or InstanceID is used already: nothing was stored.
	ErrCollision = errors.New("store: order ID already used")
	// ErrClockMoved means the clock offset changed since the caller read it: nothing was stored.
	ErrClockMoved = errors.New("store: the clock offset changed")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("store: closed")
)

// Cents parses an Amount ("12.30") into cents; "" and malformed amounts are 0.
func Cents(amount string) int64 {
	whole, frac, _ := strings.Cut(amount, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > math.MaxInt64/100 {
		return 0
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, err := strconv.ParseInt(frac[:2], 10, 64)
	if err != nil {
		return 0
	}
	return w*100 + f
}
