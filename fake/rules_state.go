package fake

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bsskit/bsskit/spec"
)

// faultState is the server's rule set, guarded by Server.mu. list is copied on write, so a
// snapshot of it can be matched without the lock.
type faultState struct {
	list   []*ruleState
	nextID int
}

// ruleState is a rule and its counters. c is immutable; the rest is guarded by Server.mu.
type ruleState struct {
	c       *compiledRule
	added   time.Time
	removed bool
	matched uint64
	fired   uint64
	step    int         // next Sequence step
	rate    []time.Time // ring of the last PerSecond calls let through
	rateI   int
}

// decision is what the rule stage decided for one call.
type decision struct {
	ruleID  string
	outcome Outcome
	latency time.Duration
}

// WithRules adds fault rules at start, as [Server.Inject] would; [New] fails if any is invalid.
func WithRules(rules ...Rule) Option {
	return func(o *config) {
		for _, r := range rules {
			o.rules = append(o.rules, r.clone())
		}
	}
}

// WithScenario adds a scenario's rules at start and, unless [WithSeed] is also given, uses its
// seed; [New] fails if the scenario is invalid.
func WithScenario(sc *Scenario) Option {
	return func(o *config) {
		if sc == nil {
			return
		}
		for _, r := range sc.Rules {
			o.rules = append(o.rules, r.clone())
		}
		if sc.Seed != nil {
			o.scenarioSeed = sc.Seed
		}
	}
}

// initRules installs the configured rules; called by New.
func (s *Server) initRules() error {
	if len(s.cfg.rules) == 0 {
		return nil
	}
	if s.shared != nil {
		return s.initRulesSharedFrom(s.cfg.rules) // shared.go
	}
	_, err := s.addRules(s.cfg.rules, nil)
	return err
}

// Inject adds a fault rule after the existing ones and returns its ID (r.ID, or "rule-N"). An
// invalid rule, or an ID already in use, is an error wrapping [RuleError]s, and nothing changes.
func (s *Server) Inject(r Rule) (string, error) {
	ids, err := s.addRules([]Rule{r}, nil)
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// ApplyScenario adds a scenario's rules after the existing ones, all or none, and returns their IDs.
// The scenario's Seed is not applied: the seed is fixed when the server starts ([WithSeed],
// [WithScenario]).
func (s *Server) ApplyScenario(sc *Scenario) ([]string, error) {
	if sc == nil {
		return nil, fmt.Errorf("fake: nil scenario")
	}
	return s.addRules(sc.Rules, []string{"rules"})
}

// FailNext makes the next call answer the catalogued error code (see [spec.Errors]) and returns
// the rule's ID. It is a shorthand for [Server.Inject] that reports a bad rule itself: on a server
// made with [NewServer] it fails the test (call it from the test's goroutine); on one made with [New]
// it logs the error and returns "". Use Inject to handle the error yourself.
func (s *Server) FailNext(code spec.Code) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	return s.mustInject("FailNext", Rule{Calls: Calls{First: 1}, Outcome: &Outcome{Error: code}})
}

// FailNextN makes the next n calls answer the catalogued error code, and returns the rule's ID. n
// must be at least 1 ([Server.FailAlways] fails every call). A bad rule is reported as by
// [Server.FailNext].
func (s *Server) FailNextN(n int, code spec.Code) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	if n < 1 {
		s.reportBadRule("FailNextN", fmt.Errorf("n is %d, want at least 1 (FailAlways fails every call)", n))
		return ""
	}
	return s.mustInject("FailNextN", Rule{Calls: Calls{First: n}, Outcome: &Outcome{Error: code}})
}

// FailAlways makes every call from now on answer the catalogued error code, until the rule is
// removed ([Server.RemoveRule] with the returned ID, or [Server.ClearRules]). A bad rule is
// reported as by [Server.FailNext].
func (s *Server) FailAlways(code spec.Code) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	return s.mustInject("FailAlways", Rule{Outcome: &Outcome{Error: code}})
}

// FaultNext makes the next call suffer the transport fault f, and returns the rule's ID. A bad rule
// is reported as by [Server.FailNext].
func (s *Server) FaultNext(f Fault) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	return s.mustInject("FaultNext", Rule{Calls: Calls{First: 1}, Outcome: &Outcome{Fault: f}})
}

// mustInject adds r, or reports why it cannot ([Server.reportBadRule]) and returns "".
func (s *Server) mustInject(helper string, r Rule) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	id, err := s.Inject(r)
	if err != nil {
		s.reportBadRule(helper, err)
		return ""
	}
	return id
}

// reportBadRule fails the test of a server made with NewServer, or logs the error.
func (s *Server) reportBadRule(helper string, err error) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf("fake: %s: %v", helper, err)
		return
	}
	s.log.Error("fault rule not added", "helper", helper, "err", err)
}

// addRules validates and compiles every rule, then adds them all under one lock, or none.
// segs, when non-nil, prefixes error paths with "segs[i]".
func (s *Server) addRules(rules []Rule, segs []string) ([]string, error) {
	errs := &ruleErrors{}
	compiled := make([]*compiledRule, len(rules))
	for i, r := range rules {
		var rs []string
		if segs != nil {
			rs = sub(segs, "["+strconv.Itoa(i)+"]")
		}
		compiled[i] = compileRule(r, rs, errs)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	if s.shared != nil {
		return s.addRulesShared(compiled, segs) // rules_redis.go
	}
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	next, err := assignRuleIDs(s.faults.list, s.faults.nextID, compiled, segs)
	if err != nil {
		return nil, err
	}
	s.faults.nextID = next
	list := slices.Clip(slices.Clone(s.faults.list))
	ids := make([]string, len(compiled))
	for i, c := range compiled {
		list = append(list, &ruleState{c: c, added: now})
		ids[i] = c.rule.ID
	}
	s.faults.list = list
	s.nRules.Store(int32(len(list)))
	return ids, nil
}

// assignRuleIDs gives each compiled rule without an ID the next free "rule-N" after next, and checks
// that the others are not in use in list; it returns the last N used.
func assignRuleIDs(list []*ruleState, next int, compiled []*compiledRule, segs []string) (int, error) {
	errs := &ruleErrors{}
	used := map[string]bool{}
	for _, st := range list {
		used[st.c.rule.ID] = true
	}
	for i, c := range compiled {
		if c.rule.ID == "" {
			for {
				next++
				id := "rule-" + strconv.Itoa(next)
				if !used[id] {
					c.rule.ID = id
					break
				}
			}
		} else if used[c.rule.ID] {
			var rs []string
			if segs != nil {
				rs = sub(segs, "["+strconv.Itoa(i)+"]")
			}
			errs.add(sub(rs, "id"), "%q is already in use", c.rule.ID)
		}
		used[c.rule.ID] = true
	}
	return next, errs.err()
}

// RemoveRule removes the rule with the given ID; it returns [ErrNoRule] if there is none.
func (s *Server) RemoveRule(id string) error {
	if s.shared != nil {
		return s.removeRulesShared(id) // rules_redis.go
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.faults.list, func(st *ruleState) bool { return st.c.rule.ID == id })
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrNoRule, id)
	}
	s.faults.list[i].removed = true
	s.faults.list = slices.Delete(slices.Clone(s.faults.list), i, i+1)
	s.nRules.Store(int32(len(s.faults.list)))
	return nil
}

// ClearRules removes every rule.
func (s *Server) ClearRules() {
	if s.shared != nil {
		s.reportStoreErr("ClearRules", s.removeRulesShared(""))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.faults.list {
		st.removed = true
	}
	s.faults.list = nil
	s.nRules.Store(0)
}

// Rules returns copies of the rules, in the order they are checked, with their IDs filled in.
func (s *Server) Rules() []Rule {
	if s.shared != nil {
		_, err := s.syncRules() // rules_redis.go
		s.reportStoreErr("Rules", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Rule, len(s.faults.list))
	for i, st := range s.faults.list {
		out[i] = st.c.rule.clone()
	}
	return out
}

// RuleStats returns each rule's counters, in the order the rules are checked.
func (s *Server) RuleStats() []RuleStat {
	if s.shared != nil {
		st, err := s.ruleStatsShared() // rules_redis.go
		s.reportStoreErr("RuleStats", err)
		return st
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RuleStat, len(s.faults.list))
	for i, st := range s.faults.list {
		out[i] = RuleStat{ID: st.c.rule.ID, Matched: st.matched, Fired: st.fired, Used: st.usedLocked()}
	}
	return out
}

func (st *ruleState) usedLocked() bool {
	if st.fired == 0 {
		return false
	}
	return len(st.c.rule.Sequence) == 0 || st.step >= len(st.c.rule.Sequence)
}

// UnusedRules returns the IDs of the rules not fully used: never fired, or with [Rule.Sequence]
// steps left ([RuleStat.Used] is false). A scenario whose every rule mattered leaves none.
func (s *Server) UnusedRules() []string {
	var out []string
	for _, st := range s.RuleStats() {
		if !st.Used {
			out = append(out, st.ID)
		}
	}
	return out
}

// AssertRulesUsed fails t, naming them, if any rule is not fully used ([Server.UnusedRules]), and
// reports whether every rule was.
func (s *Server) AssertRulesUsed(t testing.TB) bool {
	t.Helper()
	if ids := s.UnusedRules(); len(ids) > 0 {
		t.Errorf("fake: rules not fully used: %s", strings.Join(ids, ", "))
		return false
	}
	return true
}

// resetRuleCountersLocked zeroes every rule's counters and restarts relative windows; Reset
// calls it.
func (s *Server) resetRuleCountersLocked(now time.Time) {
	for _, st := range s.faults.list {
		st.matched, st.fired, st.step, st.rate, st.rateI = 0, 0, 0, nil, 0
		st.added = now
	}
}

// logReproduction logs, if t failed, what reproduces the run: the seed and the rules as a
// scenario file.
func (s *Server) logReproduction(t testing.TB) {
	if !t.Failed() {
		return
	}
	sc := s.Scenario()
	text, err := sc.YAML()
	if err != nil {
		t.Logf("fake: seed %d (rules not printable: %v)", s.seed, err)
		return
	}
	t.Logf("fake: to reproduce, use fake.WithSeed(%d) and this scenario (bsskit serve --scenario):\n%s", s.seed, text)
}

// Scenario returns the server's seed and current rules as a [Scenario].
func (s *Server) Scenario() *Scenario {
	seed := s.seed
	return &Scenario{Seed: &seed, Rules: s.Rules()}
}

// decide runs the rule stage for one request: matching outside the lock on a snapshot, then the
// counters, rate windows and random draws under it. It returns nil when no rule fires.
func (s *Server) decide(v *requestView, now time.Time) *decision {
	s.mu.Lock()
	list := s.faults.list
	s.mu.Unlock()
	if len(list) == 0 {
		return nil
	}
	var small [8]bool
	matched := small[:0]
	for _, st := range list {
		matched = append(matched, st.c.matches(v))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, st := range list {
		if !matched[i] || st.removed {
			continue
		}
		if d := s.tryFireLocked(st, now); d != nil {
			return d
		}
	}
	return nil
}

// tryFireLocked counts a matching call and decides whether st fires for it.
func (s *Server) tryFireLocked(st *ruleState, now time.Time) *decision {
	r := &st.c.rule
	if w := r.Window; w != nil {
		start := st.added.Add(w.After)
		switch {
		case !w.From.IsZero() && now.Before(w.From),
			!w.Until.IsZero() && !now.Before(w.Until),
			now.Before(start),
			w.For > 0 && !now.Before(start.Add(w.For)):
			return nil
		}
	}
	st.matched++
	n := st.matched
	c := r.Calls
	switch {
	case c.First > 0 && n > uint64(c.First),
		c.Nth > 0 && n != uint64(c.Nth),
		c.After > 0 && n <= uint64(c.After),
		c.Every > 0 && n%uint64(c.Every) != 0,
		r.Times > 0 && st.fired >= uint64(r.Times),
		len(r.Sequence) > 0 && st.step >= len(r.Sequence):
		return nil
	}
	if rl := r.RateLimit; rl != nil {
		if len(st.rate) < rl.PerSecond {
			st.rate = append(st.rate, now)
			return nil
		}
		// st.rate[st.rateI] is the oldest of the last PerSecond calls let through.
		if now.Sub(st.rate[st.rateI]) >= time.Second {
			st.rate[st.rateI] = now
			st.rateI = (st.rateI + 1) % rl.PerSecond
			return nil
		}
	}
	if p := r.Probability; p != nil && s.rng.Float64() >= *p {
		return nil
	}
	var o Outcome
	if len(r.Sequence) > 0 {
		o = r.Sequence[st.step]
		st.step++
	} else {
		o = *r.Outcome
	}
	st.fired++
	d := &decision{ruleID: r.ID, outcome: o}
	if l := o.Latency; l != nil {
		d.latency = l.Fixed
		if l.Max > 0 {
			d.latency = l.Min + time.Duration(s.rng.Int64N(int64(l.Max-l.Min)+1))
		}
	}
	return d
}
