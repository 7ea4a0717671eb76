package fake

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/internal/store"
	redisstore "github.com/bsskit/bsskit/fake/internal/store/redis"
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
		return fmt.Errorf("fake: store %q: want redis://HOST:PORT/DB or rediss://", redisstore.RedactURL(s.cfg.store))
	}
	if strings.ContainsAny(s.cfg.storeEnv, " :*?[]") {
		return fmt.Errorf("fake: store environment %q: no spaces, colons or glob characters", s.cfg.storeEnv)
	}
	rs, err := redisstore.Open(s.cfg.store, s.cfg.storeEnv, s.cfg.journalLimit)
	if err != nil {
		return err
	}
	s.shared = rs
	// Each replica draws its own stream: the same seed on every replica would make them draw the
	// same IDs, which the store would refuse one replica after another.
	s.rng = rand.New(rand.NewPCG(s.seed, rand.Uint64()))
	if err := rs.Ping(); err != nil {
		s.log.Warn("shared store not reachable yet: calls answer ServiceUnavailable until it is", "store", redisstore.RedactURL(s.cfg.store), "err", err)
	}
	return nil
}

func (s *Server) closeShared() {
	if s.shared != nil {
		_ = s.shared.Close()
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

// placeExtra is the shared store's part of an order's step: the journal entry of the answer, so
// that the order's script journals it in the same round trip, and the deferred rule stage to settle
// (the rules version the replica matched, the nonce).
func (k sharedKeeper) placeExtra(ex *exchange, r *store.Record) any {
	return &redisstore.Extra{Entry: ex.journalAhead(r), ReplayFlag: replayedFlag, Gated: ex.ruleDeferred,
		RulesVer: ex.ruleVer, NonceKey: ex.nonceKey, NonceWindow: nonceWindow}
}

// gateClosed says the order's script stored nothing because the rules changed since the replica
// matched, or the nonce was used: the rule stage must run, then the order is placed again.
func (s *Server) gateClosed(err error) bool { return errors.Is(err, redisstore.ErrGateClosed) }

// placed notes that the order's script journalled the answer createInstance sends now (succeed:
// the same body, status and headers): record does not write it again.
func (k sharedKeeper) placed(ex *exchange, res *store.Placed) {
	if journalled, _ := res.Extra.(bool); journalled {
		ex.entry.Status, ex.entry.Code, ex.entry.OrderID, ex.entry.Replayed = http.StatusOK, "Success", res.Record.OrderID, res.Replayed
		ex.recorded = true
	}
}

// journalAhead returns the journal entry of the answer that names the new order o (as succeed
// will send it: status 200, the standard three headers), encoded for the shared store, so that the
// order's script journals it in the same round trip; nil when the answer cannot be known now: a
// captured answer (a rule's fault after the commit), or a response that already has headers.
func (ex *exchange) journalAhead(o *store.Record) []byte {
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

// codeRuleAnswered is what place returns when a deferred rule stage answered the call: there is
// nothing more to answer.
const codeRuleAnswered spec.Code = "bsskit.ruleAnswered"

// settleRules runs the rule stage that decideShared deferred for ex (a CreateInstance that no rule
// matched), when the call leaves CreateInstance another way than through the order's script (an
// invalid parameter, a business error) or that script found the rules changed or the nonce used.
// It returns true when a rule, or the nonce, answered the call. Without a deferred stage it does
// nothing.
func (k sharedKeeper) settleRules(ex *exchange) bool {
	if !ex.ruleDeferred {
		return false
	}
	s := k.s
	ex.ruleDeferred = false
	v := ex.view()
	return s.applyDecision(ex, s.decideShared(&v, ex.entry.Time, ex.nonceKey, ex.nonceParam, nil))
}

// sharedKeeper keeps the journal, the request counter and the rules' counters in the shared
// store, so that every replica sees one journal.
type sharedKeeper struct{ s *Server }

// record appends the exchange to the shared journal. A store that cannot be reached loses the
// entry (it is logged): the answer itself does not depend on the journal.
func (k sharedKeeper) record(ex *exchange) {
	if _, err := k.s.shared.Record(appendRawEntry(make([]byte, 0, 1024), &ex.entry)); err != nil {
		k.s.log.Error("shared store unavailable: request not journalled", "requestId", ex.entry.RequestID, "err", err)
	}
}

func (k sharedKeeper) requests() (uint64, error) {
	_, n, err := k.s.shared.Counts()
	return n, storeError(err)
}

// nonces is nil: the shared store remembers the nonces, for every replica (noteNonce).
func (k sharedKeeper) nonces() *signing.NonceCache { return nil }

// noteNonce notes the verified signature's nonce for the rule stage, which records it in the
// shared store and refuses it if another replica (or this one) has seen it within the window, in the
// same round trip as the rules (decideShared). The rule stage always follows authentication.
func (k sharedKeeper) noteNonce(ex *exchange, id signing.Identity) {
	s := k.s
	if id.Nonce == "" {
		return
	}
	scope := id.AccessKeyID
	if id.Scheme == signing.SchemeBearer {
		scope = "\x01" + id.Principal
	}
	ex.nonceKey = s.shared.Key("nonce:" + scope + "\x00" + id.Nonce)
	ex.nonceParam = "SignatureNonce"
	if ex.req.Params.Get("SignatureNonce") == "" {
		ex.nonceParam = "x-acs-signature-nonce"
	}
}

func (k sharedKeeper) entries() ([]journal.Entry, error) {
	lines, err := k.s.shared.Journal()
	if err != nil {
		return []journal.Entry{}, storeError(err)
	}
	out := make([]journal.Entry, 0, len(lines))
	for _, l := range lines {
		raw, err := decodeRawEntry(l.Entry)
		if err != nil {
			return []journal.Entry{}, storeError(err)
		}
		raw.Seq = l.Seq
		out = append(out, raw.export())
	}
	return out, nil
}

// reset forgets the orders, the journal and the rules' counters in one step.
func (k sharedKeeper) reset() error {
	s := k.s
	if _, err := s.syncRules(); err != nil {
		return storeError(err)
	}
	s.mu.Lock()
	ids := make([]string, len(s.faults.list))
	for i, st := range s.faults.list {
		ids[i] = st.c.Rule.ID
	}
	s.mu.Unlock()
	return storeError(s.shared.ResetRules(context.Background(), ids, s.clock.Now()))
}

// health adds the shared store's state to the health answer and returns the status to answer.
func (k sharedKeeper) health(body map[string]any) int {
	s := k.s
	orders, requests, err := s.shared.Counts()
	if err != nil {
		body["status"] = "store unavailable"
		body["store"] = err.Error()
		return http.StatusServiceUnavailable
	}
	body["orders"], body["requests"] = orders, requests
	body["store"] = "redis"
	body["environment"] = s.shared.Env()
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
