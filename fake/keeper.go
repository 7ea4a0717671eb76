package fake

import (
	"context"
	"net/http"
	"time"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/internal/signing"
)

// keeper is what the fake keeps beside the backend's orders: the journal, the request counter, the
// fault rules with their counters, the signature nonces and the health answer. localKeeper keeps
// them in this process (memory and file backends: the rules in a faults.Engine over the backend's
// counters); sharedKeeper in the shared store (shared.go, rules_redis.go), so that every replica
// sees one journal, one rule list and one set of nonces. openBackend picks one: the request path
// and the accessors call it, never a fork.
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

	// installRules installs the configured rules ([WithRules], [WithScenario]) at New.
	installRules(rules []faults.Rule) error
	// addRules validates and adds every rule, or none, and returns their IDs; list, when set,
	// names the list in error paths ("rules[i]").
	addRules(rules []faults.Rule, list string) ([]string, error)
	// removeRules removes the rule id ("" every rule).
	removeRules(id string) error
	// rules returns copies of the rules, in the order they are checked.
	rules() ([]faults.Rule, error)
	// ruleStats returns each rule's counters, in the order the rules are checked.
	ruleStats() ([]faults.RuleStat, error)
	// ruleStage reports whether a call must go through the rule stage (decide).
	ruleStage() bool
	// decide runs the rule stage of one call; nil when no rule fires.
	decide(ex *exchange, v *faults.Request) *faults.Decision

	// nonces returns the signature verifier's nonce cache: nil when the keeper refuses used nonces
	// itself (noteNonce).
	nonces() *signing.NonceCache
	// noteNonce is told the verified signature of the call.
	noteNonce(ex *exchange, id signing.Identity)

	// placeExtra is the keeper's part of an order's step (store.Placement.Extra): nil, or what
	// the shared store's order script does in the same round trip (journal, deferred rule stage).
	placeExtra(ex *exchange, r *store.Record) any
	// placed is told what the backend's Place answered.
	placed(ex *exchange, res *store.Placed)
	// settleRules runs a rule stage left to the order's step (decide) when the call leaves that
	// step another way; true when it answered the call.
	settleRules(ex *exchange) bool
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
	// Not under s.mu: the engine's counters are locked first and its random source (lockedRand)
	// takes s.mu inside them.
	_ = s.rules.Reset(s.clock.Now()) // memory counters: cannot fail
	s.mu.Lock()
	defer s.mu.Unlock()
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

func (k localKeeper) installRules(rules []faults.Rule) error {
	_, err := k.addRules(rules, "rules")
	return err
}

func (k localKeeper) addRules(rules []faults.Rule, list string) ([]string, error) {
	s := k.s
	ids, err := s.rules.Add(s.clock.Now(), list, rules...)
	s.nRules.Store(int32(s.rules.Len()))
	return ids, err
}

func (k localKeeper) removeRules(id string) error {
	s := k.s
	var err error
	if id == "" {
		err = s.rules.Clear()
	} else {
		err = s.rules.Remove(id)
	}
	s.nRules.Store(int32(s.rules.Len()))
	return err
}

func (k localKeeper) rules() ([]faults.Rule, error) { return k.s.rules.Rules(), nil }

func (k localKeeper) ruleStats() ([]faults.RuleStat, error) { return k.s.rules.Stats() }

func (k localKeeper) ruleStage() bool { return k.s.nRules.Load() > 0 }

func (k localKeeper) decide(ex *exchange, v *faults.Request) *faults.Decision {
	d, err := k.s.rules.Decide(v, ex.entry.Time)
	if err != nil {
		return k.s.storeDown(err) // rules_redis.go
	}
	return d
}

func (k localKeeper) nonces() *signing.NonceCache {
	return signing.NewNonceCache(nonceWindow, maxNonces)
}

func (k localKeeper) noteNonce(*exchange, signing.Identity) {} // the verifier's cache refused it

func (k localKeeper) placeExtra(*exchange, *store.Record) any { return nil }

func (k localKeeper) placed(*exchange, *store.Placed) {}

func (k localKeeper) settleRules(*exchange) bool { return false } // decide defers nothing
