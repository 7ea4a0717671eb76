package fake

import (
	"context"
	"net/http"
	"time"

	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/fake/journal"
)

// keeper is what the fake keeps beside the backend's orders: the journal, the request counter, the
// rules' counters on reset and the health answer. localKeeper keeps them in this process (memory
// and file backends); sharedKeeper in the shared store (shared.go), so that every replica sees one
// journal. openBackend picks one: the request path and the accessors call it, never a fork.
type keeper interface {
	// record appends the exchange to the journal.
	record(ex *exchange)
	// entries returns the journal, oldest first, redacted.
	entries() ([]journal.Entry, error)
	// requests returns how many requests were answered since the start or the last reset.
	requests() (uint64, error)
	// reset forgets the orders, the journal and the request counter, and restarts the rules'
	// counters.
	reset() error
	// health adds the state's figures to the health answer and returns its status.
	health(body map[string]any) int
}

// localKeeper keeps the journal in this process, guarded by Server.mu.
type localKeeper struct{ s *Server }

func (k localKeeper) record(ex *exchange) {
	s := k.s
	s.mu.Lock()
	if ex.epoch == s.journalEpoch { // not numbered before a reset
		s.journal.add(ex.entry)
	}
	s.mu.Unlock()
}

func (k localKeeper) entries() ([]journal.Entry, error) {
	k.s.mu.Lock()
	raw := k.s.journal.snapshot()
	k.s.mu.Unlock()
	out := make([]journal.Entry, len(raw))
	for i := range raw {
		out[i] = raw[i].export()
	}
	return out, nil
}

func (k localKeeper) requests() (uint64, error) {
	k.s.mu.Lock()
	defer k.s.mu.Unlock()
	return k.s.journal.seq, nil
}

func (k localKeeper) reset() error {
	s := k.s
	if err := s.backend.Reset(context.Background()); err != nil {
		return storeError(err)
	}
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.rules.Reset(now) // memory counters: cannot fail
	s.journal.reset()
	s.journal.seq = 0
	s.journalEpoch++
	return nil
}

func (k localKeeper) health(body map[string]any) int {
	n, _ := k.requests()
	body["requests"] = n
	if err := k.s.view(func(st *store.Orders, _ time.Time) { body["orders"] = st.Len() }); err != nil {
		body["status"], body["store"] = "store unavailable", err.Error()
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}
