package fake

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/internal/signing"
	"github.com/bsskit/bsskit/spec"
)

// openShared connects the server to its shared store, if it has one; called by New.
func (s *Server) openShared() error {
	if s.cfg.store == "" {
		return nil
	}
	if s.cfg.stateFile != "" {
		return errors.New("fake: WithStore and WithStateFile do not go together: the shared store keeps the orders")
	}
	if !strings.HasPrefix(s.cfg.store, "redis://") && !strings.HasPrefix(s.cfg.store, "rediss://") {
		return fmt.Errorf("fake: store %q: want redis://HOST:PORT/DB or rediss://", redactURL(s.cfg.store))
	}
	if strings.ContainsAny(s.cfg.storeEnv, " :*?[]") {
		return fmt.Errorf("fake: store environment %q: no spaces, colons or glob characters", s.cfg.storeEnv)
	}
	rs, err := openRedisStore(s.cfg.store, s.cfg.storeEnv, s.cfg.journalLimit)
	if err != nil {
		return err
	}
	s.shared = rs
	s.store.keepNone = true
	// Each replica draws its own stream: the same seed on every replica would make them draw the
	// same IDs, which the store would refuse one replica after another.
	s.rng = rand.New(rand.NewPCG(s.seed, rand.Uint64()))
	if err := rs.ping(); err != nil {
		s.log.Warn("shared store not reachable yet: calls answer ServiceUnavailable until it is", "store", redactURL(s.cfg.store), "err", err)
	}
	return nil
}

func (s *Server) closeShared() {
	if s.shared != nil {
		_ = s.shared.close()
	}
}

// initRulesShared installs the configured rules ([WithRules], [WithScenario]) in a shared store
// that has no rules yet: the first replica to start installs them, the others find them there.
func (s *Server) initRulesShared(compiled []*faults.Compiled) error {
	return s.editRules(func(list []*ruleState, next int) ([]faults.Rule, int, []string, []string, error) {
		if len(list) > 0 {
			return nil, 0, nil, nil, errRulesPresent
		}
		next, err := assignRuleIDs(nil, next, compiled, "")
		if err != nil {
			return nil, 0, nil, nil, err
		}
		rules := make([]faults.Rule, len(compiled))
		ids := make([]string, len(compiled))
		for i, c := range compiled {
			rules[i], ids[i] = c.Rule.Clone(), c.Rule.ID
		}
		return rules, next, ids, nil, nil
	})
}

var errRulesPresent = errors.New("fake: the environment already has rules")

// placeShared is placeDurable for a shared store: the call is decided here, the order stored (or
// the ClientToken's order found) in one atomic step in Redis. A store that cannot be reached answers
// ServiceUnavailable: no answer ever names an order the store does not hold.
func (s *Server) placeShared(ex *exchange, in *input) (o Order, replayed bool, code spec.Code, param string) {
	if s.needsState(in) {
		// The state checks look at the environment's orders. Two replicas deciding at the same
		// moment can both let a second order of an opensOnce product through: the limit of
		// checks that are not part of the order's atomic step (README, Running the fake for a team).
		snap, err := s.sharedOrders()
		if err != nil {
			return s.unavailable(ex, err)
		}
		ex.sharedOrders = snap
	}
	for range 8 {
		s.mu.Lock()
		o, replayed, code, param = s.placeLocked(ex, in)
		s.mu.Unlock()
		if code != "" || replayed {
			if s.settleRules(ex) {
				return Order{}, false, codeRuleAnswered, ""
			}
			return o, replayed, code, param
		}
		var g *ruleGate
		if ex.ruleDeferred {
			g = &ruleGate{ver: ex.ruleVer, nonceKey: ex.nonceKey}
		}
		kept, replayed, journalled, err := s.shared.place(&o, ex.journalAhead(&o), g)
		if errors.Is(err, errStoreCollision) {
			continue // another replica drew the same ID: draw again
		}
		if errors.Is(err, errGateClosed) {
			// The rules changed since the replica matched, or the nonce was used: nothing was
			// stored. Run the rule stage now; if no rule answers, place again.
			if s.settleRules(ex) {
				return Order{}, false, codeRuleAnswered, ""
			}
			continue
		}
		if err != nil {
			return s.unavailable(ex, err)
		}
		if journalled {
			// The answer createInstance sends now (succeed: the same body, status and headers)
			// is in the journal already: record does not write it again.
			ex.entry.Status, ex.entry.Code, ex.entry.OrderID, ex.entry.Replayed = http.StatusOK, "Success", kept.OrderID, replayed
			ex.recorded = true
		}
		return kept, replayed, "", ""
	}
	return s.unavailable(ex, errStoreCollision)
}

// journalAhead returns the journal entry of the answer that names the new order o (as succeed
// will send it: status 200, the standard three headers), encoded for the shared store, so that the
// order's script journals it in the same round trip; nil when the answer cannot be known now: a
// captured answer (a rule's fault after the commit), or a response that already has headers.
func (ex *exchange) journalAhead(o *Order) []byte {
	if _, capturing := ex.w.(*captureWriter); capturing || ex.written || ex.recorded || len(ex.w.Header()) != 0 {
		return nil
	}
	e := ex.entry
	e.Status, e.Code = http.StatusOK, "Success"
	e.respBody = ex.appendSuccess(nil, o)
	e.OrderID, e.Replayed = o.OrderID, false
	e.respStd, e.respHdr = true, nil
	return appendRawEntry(make([]byte, 0, 1024), &e)
}

// codeRuleAnswered is what placeShared returns when a deferred rule stage answered the call: there is
// nothing more to answer.
const codeRuleAnswered spec.Code = "bsskit.ruleAnswered"

// settleRules runs the rule stage that decideShared deferred for ex (a CreateInstance that no rule
// matched), when the call leaves CreateInstance another way than through the order's script (an
// invalid parameter, a business error) or that script found the rules changed or the nonce used.
// It returns true when a rule, or the nonce, answered the call. Without a deferred stage it does
// nothing.
func (s *Server) settleRules(ex *exchange) bool {
	if !ex.ruleDeferred {
		return false
	}
	ex.ruleDeferred = false
	v := ex.view()
	return s.applyDecision(ex, s.decideShared(&v, ex.entry.Time, ex.nonceKey, ex.nonceParam, nil))
}

func (s *Server) unavailable(ex *exchange, err error) (Order, bool, spec.Code, string) {
	s.log.Error("shared store unavailable: answered ServiceUnavailable", "err", err)
	ex.fail(spec.CodeServiceUnavailable, "")
	return Order{}, false, spec.CodeServiceUnavailable, ""
}

// recordShared appends the exchange to the shared journal. A store that cannot be reached loses
// the entry (it is logged): the answer itself does not depend on the journal.
func (s *Server) recordShared(ex *exchange) {
	if _, err := s.shared.record(&ex.entry); err != nil {
		s.log.Error("shared store unavailable: request not journalled", "requestId", ex.entry.RequestID, "err", err)
	}
}

// sharedNonce notes the verified signature's nonce for the rule stage, which records it in the
// shared store and refuses it if another replica (or this one) has seen it within the window, in the
// same round trip as the rules (decideShared). The rule stage always follows authentication.
func (s *Server) sharedNonce(ex *exchange, id signing.Identity) bool {
	if id.Nonce == "" {
		return true
	}
	scope := id.AccessKeyID
	if id.Scheme == signing.SchemeBearer {
		scope = "\x01" + id.Principal
	}
	ex.nonceKey = s.shared.k("nonce:" + scope + "\x00" + id.Nonce)
	ex.nonceParam = "SignatureNonce"
	if ex.req.Params.Get("SignatureNonce") == "" {
		ex.nonceParam = "x-acs-signature-nonce"
	}
	return true
}

// ordersE returns the orders, from the shared store if there is one.
func (s *Server) ordersE() ([]Order, error) {
	if s.shared != nil {
		o, err := s.shared.orders()
		return o, storeError(err)
	}
	return s.Orders(), nil
}

// journalE returns the journal, from the shared store if there is one.
func (s *Server) journalE() ([]journal.Entry, error) {
	if s.shared != nil {
		j, err := s.shared.journal()
		return j, storeError(err)
	}
	return s.Journal(), nil
}

// resetE is Reset, with the shared store's error.
func (s *Server) resetE() error {
	if s.shared == nil {
		s.Reset()
		return nil
	}
	if _, err := s.syncRules(); err != nil {
		return storeError(err)
	}
	s.mu.Lock()
	ids := make([]string, len(s.faults.list))
	for i, st := range s.faults.list {
		ids[i] = st.c.Rule.ID
	}
	s.mu.Unlock()
	return storeError(s.shared.reset(ids, s.clock.Now()))
}

// sharedHealth adds the shared store's state to the health answer and returns the status to answer.
func (s *Server) sharedHealth(body map[string]any) int {
	orders, requests, err := s.shared.counts()
	if err != nil {
		body["status"] = "store unavailable"
		body["store"] = err.Error()
		return http.StatusServiceUnavailable
	}
	body["orders"], body["requests"] = orders, requests
	body["store"] = "redis"
	body["environment"] = strings.TrimSuffix(strings.TrimPrefix(s.shared.p, "bsskit:"), ":")
	return http.StatusOK
}

// writeView answers an admin view, or 503 when the shared store cannot be reached.
func writeView[T any](w http.ResponseWriter, get func() (T, error)) {
	v, err := get()
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// initRulesSharedFrom compiles the configured rules and installs them unless the environment has
// rules already.
func (s *Server) initRulesSharedFrom(rules []faults.Rule) error {
	compiled, err := faults.CompileAll(rules, "rules")
	if err != nil {
		return err
	}
	if err := s.initRulesShared(compiled); err != nil && !errors.Is(err, errRulesPresent) {
		return err
	}
	return nil
}

// sharedOrders returns, with a shared store (WithStore), the environment's orders read from Redis
// now, as a store of their own for the read calls and the state checks (opensOnce, payment) to
// look at; nil without one (they read this server's memory). A replica keeps no orders of its
// own, so this is how every replica sees the orders all of them placed. It reads every order of
// the environment: fine for a team's fake, whose orders are counted in thousands, not millions.
func (s *Server) sharedOrders() (*store, error) {
	if s.shared == nil {
		return nil, nil
	}
	orders, err := s.shared.orders()
	if err != nil {
		return nil, err
	}
	st := newStore()
	for _, o := range orders {
		st.add(o)
	}
	return st, nil
}

// needsState says whether an order of in's product depends on the orders already placed
// (an opensOnce product, or a priced one that a paying account buys).
func (s *Server) needsState(in *input) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.catalog.Product(in.ProductCode)
	if !ok {
		return false
	}
	return p.OpensOnce || p.MonthlyPrice > 0
}
