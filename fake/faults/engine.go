package faults

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/bsskit/bsskit/fake/internal/yamldoc"
)

// State is one rule's counters: what a store keeps for it so that replicas count together.
type State struct {
	// Added is when the rule was added, or its counters last reset: relative windows start here.
	Added time.Time
	// Matched counts the calls that reached the rule and matched it; Fired those it shaped.
	Matched, Fired uint64
	// Step is the next [Rule.Sequence] step.
	Step int
	// Rate is a ring of the last RateLimit.PerSecond calls the rule let through; RateI indexes
	// its oldest once full.
	Rate  []time.Time
	RateI int
}

// Counters keeps the rules' [State]s. The engine calls it; [NewMemoryCounters] keeps them in
// memory, and a shared store implements it so that replicas count together.
type Counters interface {
	// Add starts the counters of new rules: zero, Added now.
	Add(ids []string, now time.Time) error
	// Update calls fn with the states of the rules ids, in order (nil for a rule without counters:
	// never added, or deleted), as one atomic step: no other Update of these rules interleaves,
	// and what fn leaves in the states is kept.
	Update(ids []string, fn func(states []*State)) error
	// States returns copies of the states of the rules ids, in order.
	States(ids []string) ([]State, error)
	// Reset zeroes every state and sets its Added to now.
	Reset(now time.Time) error
	// Delete forgets the states of the rules ids.
	Delete(ids ...string) error
}

// NewMemoryCounters returns [Counters] kept in memory, for one process.
func NewMemoryCounters() Counters { return &memoryCounters{m: map[string]*State{}} }

type memoryCounters struct {
	mu sync.Mutex
	m  map[string]*State
}

func (c *memoryCounters) Add(ids []string, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.m[id] = &State{Added: now}
	}
	return nil
}

func (c *memoryCounters) Update(ids []string, fn func(states []*State)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var small [8]*State
	states := small[:0]
	for _, id := range ids {
		states = append(states, c.m[id])
	}
	fn(states)
	return nil
}

func (c *memoryCounters) States(ids []string) ([]State, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]State, len(ids))
	for i, id := range ids {
		if st := c.m[id]; st != nil {
			out[i] = *st
			out[i].Rate = slices.Clone(st.Rate)
		}
	}
	return out, nil
}

func (c *memoryCounters) Reset(now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		*st = State{Added: now}
	}
	return nil
}

func (c *memoryCounters) Delete(ids ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		delete(c.m, id)
	}
	return nil
}

// Rand is the random source of probabilities and random latencies: the server's seeded
// generator, so that the same seed and the same calls give the same answers.
type Rand interface {
	Float64() float64
	Int64N(n int64) int64
}

// Decision is what the rule stage decided for one call: the rule that fired and what it does.
type Decision struct {
	// RuleID is the rule that fired ("" for a decision of the fake itself, such as a store that
	// cannot be reached).
	RuleID string
	// Outcome is what the call gets instead of the normal answer.
	Outcome Outcome
	// Latency is the delay drawn from Outcome.Latency.
	Latency time.Duration
}

// Engine is the rule engine: the rules in the order they are checked, and their counters in a
// [Counters]. All methods are safe for concurrent use.
type Engine struct {
	counters Counters
	rnd      Rand

	mu     sync.Mutex
	list   []*Compiled // copied on write: a snapshot is matched without the lock
	nextID int
}

// NewEngine returns an engine without rules over counters, drawing from rnd.
func NewEngine(counters Counters, rnd Rand) *Engine {
	return &Engine{counters: counters, rnd: rnd}
}

// Len returns the number of rules: the request path skips the rule stage at 0.
func (e *Engine) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.list)
}

// Add validates every rule and adds them all after the existing ones, or none, at now (relative
// windows start there), and returns their IDs (the rule's, or "rule-N"). With list set (such as
// "rules") the problems' paths start "list[i]". A bad rule, or an ID in use, is an error wrapping
// [RuleError]s.
func (e *Engine) Add(now time.Time, list string, rules ...Rule) ([]string, error) {
	compiled, err := CompileAll(rules, list)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	next, err := AssignIDs(ids(e.list), e.nextID, compiled, list)
	if err != nil {
		return nil, err
	}
	added := ids(compiled)
	if err := e.counters.Add(added, now); err != nil {
		return nil, err
	}
	e.nextID = next
	e.list = append(slices.Clip(e.list), compiled...)
	return added, nil
}

// Remove removes the rule id; it returns [ErrNoRule] if there is none.
func (e *Engine) Remove(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	i := slices.IndexFunc(e.list, func(c *Compiled) bool { return c.Rule.ID == id })
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrNoRule, id)
	}
	e.list = slices.Delete(slices.Clone(e.list), i, i+1)
	return e.counters.Delete(id)
}

// Clear removes every rule.
func (e *Engine) Clear() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	gone := ids(e.list)
	e.list = nil
	return e.counters.Delete(gone...)
}

// Rules returns copies of the rules, in the order they are checked, with their IDs.
func (e *Engine) Rules() []Rule {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Rule, len(e.list))
	for i, c := range e.list {
		out[i] = c.Rule.Clone()
	}
	return out
}

// Stats returns each rule's counters, in the order the rules are checked.
func (e *Engine) Stats() ([]RuleStat, error) {
	e.mu.Lock()
	list := e.list
	e.mu.Unlock()
	states, err := e.counters.States(ids(list))
	if err != nil {
		return nil, err
	}
	out := make([]RuleStat, len(list))
	for i, c := range list {
		out[i] = Stat(&c.Rule, &states[i])
	}
	return out, nil
}

// Stat is what [RuleStat] says of a rule with the counters st.
func Stat(r *Rule, st *State) RuleStat {
	used := st.Fired > 0 && (len(r.Sequence) == 0 || st.Step >= len(r.Sequence))
	return RuleStat{ID: r.ID, Matched: st.Matched, Fired: st.Fired, Used: used}
}

// Reset zeroes every rule's counters and restarts relative windows at now, as if the rules were
// just added.
func (e *Engine) Reset(now time.Time) error { return e.counters.Reset(now) }

// Decide runs the rule stage for one call at now: matching on a snapshot of the rules, then the
// counters of the matching ones in one step of the Counters. It returns nil when no rule fires.
func (e *Engine) Decide(req *Request, now time.Time) (*Decision, error) {
	e.mu.Lock()
	list := e.list
	e.mu.Unlock()
	var small [8]*Compiled
	matched := small[:0]
	for _, c := range list {
		if c.Matches(req) {
			matched = append(matched, c)
		}
	}
	if len(matched) == 0 {
		return nil, nil
	}
	var d *Decision
	err := e.counters.Update(ids(matched), func(states []*State) {
		for i, c := range matched {
			if states[i] == nil {
				continue // removed since the snapshot
			}
			if d = c.Fire(states[i], now, e.rnd); d != nil {
				return
			}
		}
	})
	return d, err
}

// Fire is the engine's step for one call that matched the rule: it counts the call in st and
// decides whether the rule fires for it, drawing probabilities and latencies from rnd. It returns
// nil when the rule does not fire. A store that decides elsewhere (a script) must agree with it.
func (c *Compiled) Fire(st *State, now time.Time, rnd Rand) *Decision {
	r := &c.Rule
	if w := r.Window; w != nil {
		start := st.Added.Add(w.After)
		switch {
		case !w.From.IsZero() && now.Before(w.From),
			!w.Until.IsZero() && !now.Before(w.Until),
			now.Before(start),
			w.For > 0 && !now.Before(start.Add(w.For)):
			return nil
		}
	}
	st.Matched++
	n := st.Matched
	calls := r.Calls
	switch {
	case calls.First > 0 && n > uint64(calls.First),
		calls.Nth > 0 && n != uint64(calls.Nth),
		calls.After > 0 && n <= uint64(calls.After),
		calls.Every > 0 && n%uint64(calls.Every) != 0,
		r.Times > 0 && st.Fired >= uint64(r.Times),
		len(r.Sequence) > 0 && st.Step >= len(r.Sequence):
		return nil
	}
	if rl := r.RateLimit; rl != nil {
		if len(st.Rate) < rl.PerSecond {
			st.Rate = append(st.Rate, now)
			return nil
		}
		// st.Rate[st.RateI] is the oldest of the last PerSecond calls let through.
		if now.Sub(st.Rate[st.RateI]) >= time.Second {
			st.Rate[st.RateI] = now
			st.RateI = (st.RateI + 1) % rl.PerSecond
			return nil
		}
	}
	if p := r.Probability; p != nil && rnd.Float64() >= *p {
		return nil
	}
	var o Outcome
	if len(r.Sequence) > 0 {
		o = r.Sequence[st.Step]
		st.Step++
	} else {
		o = *r.Outcome
	}
	st.Fired++
	d := &Decision{RuleID: r.ID, Outcome: o}
	if l := o.Latency; l != nil {
		d.Latency = l.Fixed
		if l.Max > 0 {
			d.Latency = l.Min + time.Duration(rnd.Int64N(int64(l.Max-l.Min)+1))
		}
	}
	return d
}

// AssignIDs gives each compiled rule without an ID the next free "rule-N" after next, and checks
// that the others are not among used nor given twice; it returns the last N used. With list set
// the problems' paths start "list[i]".
func AssignIDs(used []string, next int, compiled []*Compiled, list string) (int, error) {
	errs := &yamldoc.Errors{}
	taken := make(map[string]bool, len(used))
	for _, id := range used {
		taken[id] = true
	}
	for i, c := range compiled {
		if c.Rule.ID == "" {
			for {
				next++
				id := "rule-" + strconv.Itoa(next)
				if !taken[id] {
					c.Rule.ID = id
					break
				}
			}
		} else if taken[c.Rule.ID] {
			errs.Add(append(listPath(list, i), "id"), "%q is already in use", c.Rule.ID)
		}
		taken[c.Rule.ID] = true
	}
	return next, errs.Err()
}

func ids(list []*Compiled) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Rule.ID
	}
	return out
}
