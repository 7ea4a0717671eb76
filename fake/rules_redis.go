package fake

import (
	"errors"
	"fmt"
	"time"

	"github.com/bsskit/bsskit/fake/faults"
	redisstore "github.com/bsskit/bsskit/fake/internal/store/redis"
	"github.com/bsskit/bsskit/spec"
)

// decide runs the rule stage of one exchange in the shared store, together with the exchange's
// signature nonce; an order-placing call's stage may be deferred to its order's script.
func (k sharedKeeper) decide(ex *exchange, v *faults.Request) *faults.Decision {
	var deferTo *exchange
	if ex.op.places != "" { // dispatch.go: the order-placing Actions
		deferTo = ex
	}
	return k.s.decideShared(v, ex.entry.Time, ex.nonceKey, ex.nonceParam, deferTo)
}

// ruleStage is true: every call records its nonce in the rule stage's script, and a replica's copy
// of the rules may be stale.
func (k sharedKeeper) ruleStage() bool { return true }

func (k sharedKeeper) installRules(rules []faults.Rule) error { return k.s.initRulesSharedFrom(rules) }

func (k sharedKeeper) addRules(rules []faults.Rule, list string) ([]string, error) {
	compiled, err := faults.CompileAll(rules, list)
	if err != nil {
		return nil, err
	}
	return k.s.addRulesShared(compiled, list)
}

func (k sharedKeeper) removeRules(id string) error { return k.s.removeRulesShared(id) }

func (k sharedKeeper) rules() ([]faults.Rule, error) {
	s := k.s
	if _, err := s.syncRules(); err != nil {
		return nil, storeError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]faults.Rule, len(s.faults.list))
	for i, st := range s.faults.list {
		out[i] = st.c.Rule.Clone()
	}
	return out, nil
}

func (k sharedKeeper) ruleStats() ([]faults.RuleStat, error) { return k.s.ruleStatsShared() }

// syncRules brings the replica's copy of the rules up to date and returns their version.
func (s *Server) syncRules() (int64, error) {
	ver, next, text, err := s.shared.LoadRules()
	if err != nil {
		return 0, err
	}
	var rules []faults.Rule
	if text != "" {
		sc, err := faults.ParseScenario([]byte(text))
		if err != nil {
			return 0, fmt.Errorf("fake: shared store: rules: %w", err)
		}
		rules = sc.Rules
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ver == s.rulesVer && s.rulesLoaded {
		return ver, nil
	}
	compiled, err := faults.CompileAll(rules, "")
	list := make([]*ruleState, len(compiled))
	for i, c := range compiled {
		list[i] = &ruleState{c: c}
	}
	if err != nil {
		return 0, fmt.Errorf("fake: shared store: rules: %w", err)
	}
	for _, st := range s.faults.list {
		st.removed = true
	}
	s.faults.list, s.faults.nextID, s.rulesVer, s.rulesLoaded = list, next, ver, true
	s.nRules.Store(int32(len(list)))
	return ver, nil
}

// editRules applies edit to the environment's rules (read, change, write if unchanged since read,
// retried when another replica wrote first). edit returns the new list, the next rule number, the
// IDs added and removed.
func (s *Server) editRules(edit func(list []*ruleState, next int) ([]faults.Rule, int, []string, []string, error)) error {
	for range 20 {
		ver, err := s.syncRules()
		if err != nil {
			return storeError(err)
		}
		s.mu.Lock()
		if s.rulesVer != ver { // another sync in between
			s.mu.Unlock()
			continue
		}
		rules, next, added, removed, err := edit(s.faults.list, s.faults.nextID)
		s.mu.Unlock()
		if err != nil {
			return err
		}
		text, err := (&faults.Scenario{Rules: rules}).YAML()
		if err != nil {
			return err
		}
		if len(rules) == 0 {
			text = nil
		}
		err = s.shared.SaveRules(ver, text, next, added, removed, s.clock.Now())
		if errors.Is(err, redisstore.ErrRulesChanged) {
			continue
		}
		if err != nil {
			return storeError(err)
		}
		_, err = s.syncRules()
		return storeError(err)
	}
	return fmt.Errorf("fake: shared store: the rules kept changing under this replica; try again")
}

func storeError(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrStore, err)
}

// addRulesShared is addRules for a shared store.
func (s *Server) addRulesShared(compiled []*faults.Compiled, segs string) ([]string, error) {
	auto := make([]bool, len(compiled))
	for i, c := range compiled {
		auto[i] = c.Rule.ID == ""
	}
	var ids []string
	err := s.editRules(func(list []*ruleState, next int) ([]faults.Rule, int, []string, []string, error) {
		for i, c := range compiled {
			if auto[i] {
				c.Rule.ID = ""
			}
		}
		next, err := assignRuleIDs(list, next, compiled, segs)
		if err != nil {
			return nil, 0, nil, nil, err
		}
		rules := make([]faults.Rule, 0, len(list)+len(compiled))
		for _, st := range list {
			rules = append(rules, st.c.Rule.Clone())
		}
		ids = make([]string, len(compiled))
		for i, c := range compiled {
			rules = append(rules, c.Rule.Clone())
			ids[i] = c.Rule.ID
		}
		return rules, next, ids, nil, nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// removeRulesShared removes the rule id ("" removes every rule) from a shared store.
func (s *Server) removeRulesShared(id string) error {
	return s.editRules(func(list []*ruleState, next int) ([]faults.Rule, int, []string, []string, error) {
		var rules []faults.Rule
		var removed []string
		for _, st := range list {
			if id == "" || st.c.Rule.ID == id {
				removed = append(removed, st.c.Rule.ID)
				continue
			}
			rules = append(rules, st.c.Rule.Clone())
		}
		if id != "" && len(removed) == 0 {
			return nil, 0, nil, nil, fmt.Errorf("%w: %q", faults.ErrNoRule, id)
		}
		return rules, next, nil, removed, nil
	})
}

// ruleStatsShared is RuleStats for a shared store.
func (s *Server) ruleStatsShared() ([]faults.RuleStat, error) {
	if _, err := s.syncRules(); err != nil {
		return nil, storeError(err)
	}
	s.mu.Lock()
	list := s.faults.list
	s.mu.Unlock()
	ids := make([]string, len(list))
	for i, st := range list {
		ids[i] = st.c.Rule.ID
	}
	cs, err := s.shared.RuleCounters(ids)
	if err != nil {
		return nil, storeError(err)
	}
	out := make([]faults.RuleStat, len(list))
	for i, st := range list {
		fired, step := cs[i][1], int(cs[i][2])
		used := fired > 0 && (len(st.c.Rule.Sequence) == 0 || step >= len(st.c.Rule.Sequence))
		out[i] = faults.RuleStat{ID: ids[i], Matched: cs[i][0], Fired: fired, Used: used}
	}
	return out, nil
}

// decideShared is decide for a shared store: matching here, counting in Redis. A store that cannot
// be reached makes the call answer ServiceUnavailable. With deferTo (a CreateInstance) and no rule
// of the replica's current list matching, it decides nothing yet: the order's script checks that
// the rules are still that version and records the nonce in the same round trip as the order, and
// every other way out of CreateInstance settles the rule stage first (shared.go: settleRules).
func (s *Server) decideShared(v *faults.Request, now time.Time, nonceKey, nonceParam string, deferTo *exchange) *faults.Decision {
	for range 3 {
		s.mu.Lock()
		list, ver, loaded := s.faults.list, s.rulesVer, s.rulesLoaded
		s.mu.Unlock()
		if !loaded {
			if _, err := s.syncRules(); err != nil {
				return s.storeDown(err)
			}
			continue
		}
		args := []any{ver, now.UnixMicro(), s.shared.Key(""), nonceKey, nonceWindow.Milliseconds()}
		var cands []*ruleState
		for _, st := range list {
			if !st.c.Matches(v) {
				continue
			}
			cands = append(cands, st)
		}
		if deferTo != nil && len(cands) == 0 {
			deferTo.ruleDeferred, deferTo.ruleVer = true, ver
			return nil
		}
		s.mu.Lock()
		for _, st := range cands {
			r := &st.c.Rule
			pass := r.Probability == nil || s.rng.Float64() < *r.Probability
			args = appendRuleArgs(args, r, pass)
		}
		s.mu.Unlock()
		verdict, id, step, err := s.shared.Decide(args)
		switch {
		case err != nil:
			return s.storeDown(err)
		case verdict == -1:
			if _, err := s.syncRules(); err != nil {
				return s.storeDown(err)
			}
			continue
		case verdict == -2:
			def := spec.MustLookup(spec.CodeSignatureNonceUsed)
			return &faults.Decision{Outcome: faults.Outcome{Error: def.Code, Message: def.Render("param", nonceParam)}}
		case verdict != 1:
			return nil
		}
		for _, st := range cands {
			if st.c.Rule.ID != id {
				continue
			}
			r := &st.c.Rule
			o := faults.Outcome{}
			if len(r.Sequence) > 0 && step < len(r.Sequence) {
				o = r.Sequence[step]
			} else if r.Outcome != nil {
				o = *r.Outcome
			}
			d := &faults.Decision{RuleID: id, Outcome: o}
			if l := o.Latency; l != nil {
				d.Latency = l.Fixed
				if l.Max > 0 {
					s.mu.Lock()
					d.Latency = l.Min + time.Duration(s.rng.Int64N(int64(l.Max-l.Min)+1))
					s.mu.Unlock()
				}
			}
			return d
		}
		return nil
	}
	return s.storeDown(redisstore.ErrRulesChanged)
}

// appendRuleArgs appends the 14 fields of decideScript's ARGV for one rule that matched; pass is
// the probability's draw.
func appendRuleArgs(args []any, r *faults.Rule, pass bool) []any {
	var hasW, from, until, after, dur int64
	if w := r.Window; w != nil {
		hasW, after, dur = 1, w.After.Microseconds(), w.For.Microseconds()
		if !w.From.IsZero() {
			from = w.From.UnixMicro()
		}
		if !w.Until.IsZero() {
			until = w.Until.UnixMicro()
		}
	}
	var per int
	if r.RateLimit != nil {
		per = r.RateLimit.PerSecond
	}
	return append(args, r.ID, hasW, from, until, after, dur, r.Calls.First, r.Calls.Nth, r.Calls.After,
		r.Calls.Every, r.Times, len(r.Sequence), per, b2i(pass))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// storeDown logs a store failure and returns the decision that answers the call ServiceUnavailable.
func (s *Server) storeDown(err error) *faults.Decision {
	s.log.Error("shared store unavailable: answered ServiceUnavailable", "err", err)
	return &faults.Decision{Outcome: faults.Outcome{Error: "ServiceUnavailable"}}
}
