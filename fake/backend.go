package fake

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/fake/internal/store/file"
	"github.com/bsskit/bsskit/spec"
)

// The fake keeps its state in one store.Backend (fake/internal/store): memory by default, the
// state file with WithStateFile (store/file), Redis with WithStore (store/redis). Every order is
// decided in one step of the backend (ClientToken, opens-once, balance), and the one clock the fake
// reads (offsetClock) adds the backend's clock offset.

// openBackend picks the backend; called by New after openShared.
func (s *Server) openBackend() error {
	switch {
	case s.shared != nil:
		s.backend, s.keep = s.shared, sharedKeeper{s}
	case s.cfg.stateFile != "":
		b, err := file.Open(s.cfg.stateFile, s.cfg.stateRepair, s.log)
		if err != nil {
			return err
		}
		s.backend = b
	default:
		s.backend = store.NewMemory()
	}
	ttl := offsetTTL
	if s.keep == nil {
		s.keep = localKeeper{s}
		ttl = 0 // only this process moves a memory or file backend's offset
	}
	s.clock = &offsetClock{base: s.cfg.clock, b: s.backend, ttl: ttl}
	return nil
}

// offsetTTL is how long a replica of a shared store trusts the clock offset it read last, for the
// times that do not decide state (journal, rule windows, signatures); every order is placed, and
// every read answered, at the offset the store holds at that moment.
const offsetTTL = 100 * time.Millisecond

// offsetClock is the fake's one clock: the configured Clock ([WithClock]) plus the offset POST
// /__admin/clock/advance added, which lives in the backend so that every replica reads the same time.
type offsetClock struct {
	base Clock
	b    store.Backend
	ttl  time.Duration
	off  atomic.Int64 // the offset last read (ns)
	read atomic.Int64 // when it was read (wall clock, ns); 0: never
}

// Now returns the configured clock's time plus the offset.
func (c *offsetClock) Now() time.Time {
	if c.ttl > 0 {
		if at := c.read.Load(); at == 0 || time.Since(time.Unix(0, at)) > c.ttl {
			if off, err := c.b.Offset(context.Background()); err == nil {
				c.set(off)
			}
		}
	}
	return c.base.Now().Add(time.Duration(c.off.Load()))
}

// at returns the configured clock's time plus a given offset, and remembers the offset.
func (c *offsetClock) at(off time.Duration) time.Time {
	c.set(off)
	return c.base.Now().Add(off)
}

func (c *offsetClock) set(off time.Duration) {
	c.off.Store(int64(off))
	c.read.Store(time.Now().UnixNano())
}

func (c *offsetClock) offset() time.Duration { return time.Duration(c.off.Load()) }

// clk returns the server's clock.
func (s *Server) clk() *offsetClock { return s.clock.(*offsetClock) }

// advanceClock moves the one clock forward by d in the backend and returns the new time.
func (s *Server) advanceClock(d time.Duration) (time.Time, error) {
	off, err := s.backend.AdvanceClock(context.Background(), d)
	if err != nil {
		return time.Time{}, storeError(err)
	}
	return s.clk().at(off), nil
}

// view calls fn with the orders and the time now, both read from the backend in one step.
func (s *Server) view(fn func(st *store.Orders, now time.Time)) error {
	return storeError(s.backend.View(context.Background(), func(st *store.Orders, off time.Duration) {
		fn(st, s.clk().at(off))
	}))
}

// resetE is Reset with the store's error.
func (s *Server) resetE() error { return s.keep.reset() }

// stateErr returns the state file's sticky error, if any.
func (s *Server) stateErr() error {
	if b, ok := s.backend.(interface{ Err() error }); ok {
		return b.Err()
	}
	return nil
}

// closeState closes the backend; Shutdown calls it once requests have drained.
func (s *Server) closeState() {
	if s.backend == nil {
		s.closeShared()
		return
	}
	if err := s.backend.Close(); err != nil {
		s.log.Error("state: close", "err", err)
	}
}

// orderOf is the public form of a record.
func orderOf(r *store.Record) Order {
	o := Order{
		OrderID: r.OrderID, InstanceID: r.InstanceID, AccountID: r.AccountID, AccessKeyID: r.AccessKeyID,
		ProductCode: r.ProductCode, ProductType: r.ProductType, SubscriptionType: r.SubscriptionType,
		Period: r.Period, RenewalStatus: r.RenewalStatus, RenewPeriod: r.RenewPeriod, OwnerID: r.OwnerID,
		ClientToken: r.ClientToken, Logistics: r.Logistics, RequestID: r.RequestID, CreatedAt: r.CreatedAt,
		ReadyAt: r.ReadyAt, PaidAt: r.PaidAt, Amount: r.Amount, RefundedAt: r.RefundedAt,
	}
	if len(r.Parameters) > 0 {
		o.Parameters = make([]Param, len(r.Parameters))
		for i, p := range r.Parameters {
			o.Parameters[i] = Param(p)
		}
	}
	return o
}

// storeFailed answers a call whose order the backend could not place: InternalError when the
// state file cannot be written (the fake's own failure), ServiceUnavailable when the shared store
// cannot be reached.
func (s *Server) storeFailed(ex *exchange, err error) (store.Record, bool, spec.Code, string) {
	if s.cfg.stateFile != "" && !errors.Is(err, store.ErrClosed) {
		s.log.Error("state file: the order is not durable, answered InternalError", "err", err)
		def := spec.MustLookup(spec.CodeInternalError)
		ex.failWith(def, 500, def.Message)
		return store.Record{}, false, spec.CodeInternalError, ""
	}
	s.log.Error("store unavailable: answered ServiceUnavailable", "err", err)
	ex.fail(spec.CodeServiceUnavailable, "")
	return store.Record{}, false, spec.CodeServiceUnavailable, ""
}
