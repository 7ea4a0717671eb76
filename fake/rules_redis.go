package fake

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/spec"
)

// The fault rules of a shared store: the rule list is one YAML scenario under "rules", versioned by
// "rules-ver"; each rule's counters are the hash "rule:ID" (matched, fired, step, added) and its rate
// window the list "rule:ID:rate". A replica matches requests against its copy of the list and lets
// decideScript count and decide; a stale copy (another replica changed the rules) is reloaded.

// errRulesChanged means another replica changed the rules during a read-modify-write: try again.
var errRulesChanged = errors.New("fake: rules changed concurrently")

// loadRules returns the environment's rules, their version and the last automatic rule number.
func (r *redisStore) loadRules() (ver int64, next int, rules []faults.Rule, err error) {
	ctx, cancel := storeCtx()
	defer cancel()
	var v, n, y *redis.StringCmd
	_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		v, n, y = p.Get(ctx, r.k("rules-ver")), p.Get(ctx, r.k("rule-next")), p.Get(ctx, r.k("rules"))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, 0, nil, err
	}
	ver, _ = strconv.ParseInt(v.Val(), 10, 64)
	next, _ = strconv.Atoi(n.Val())
	if y.Val() == "" {
		return ver, next, nil, nil
	}
	sc, err := faults.ParseScenario([]byte(y.Val()))
	if err != nil {
		return 0, 0, nil, fmt.Errorf("fake: shared store: rules: %w", err)
	}
	return ver, next, sc.Rules, nil
}

// saveRules replaces the rules if their version is still ver; added rules start their counters at
// now, removed ones lose them. It returns errRulesChanged if another replica got there first.
func (r *redisStore) saveRules(ver int64, rules []faults.Rule, next int, added, removed []string, now time.Time) error {
	text, err := (&faults.Scenario{Rules: rules}).YAML()
	if err != nil {
		return err
	}
	if len(rules) == 0 {
		text = nil
	}
	ctx, cancel := storeCtx()
	defer cancel()
	err = r.c.Watch(ctx, func(tx *redis.Tx) error {
		cur, err := tx.Get(ctx, r.k("rules-ver")).Int64()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		if cur != ver {
			return errRulesChanged
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, r.k("rules"), text, 0)
			p.Set(ctx, r.k("rule-next"), next, 0)
			p.Incr(ctx, r.k("rules-ver"))
			for _, id := range append(removed, added...) {
				p.Del(ctx, r.k("rule:"+id), r.k("rule:"+id+":rate"))
			}
			for _, id := range added {
				p.HSet(ctx, r.k("rule:"+id), "added", now.UnixMicro())
			}
			return nil
		})
		return err
	}, r.k("rules-ver"))
	if errors.Is(err, redis.TxFailedErr) {
		return errRulesChanged
	}
	return err
}

// ruleCounters returns matched, fired and step of each rule.
func (r *redisStore) ruleCounters(ids []string) ([][3]uint64, error) {
	ctx, cancel := storeCtx()
	defer cancel()
	cmds := make([]*redis.SliceCmd, len(ids))
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HMGet(ctx, r.k("rule:"+id), "matched", "fired", "step")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([][3]uint64, len(ids))
	for i, c := range cmds {
		for j, v := range c.Val() {
			if s, ok := v.(string); ok {
				out[i][j], _ = strconv.ParseUint(s, 10, 64)
			}
		}
	}
	return out, nil
}

// decideScript counts one call against the rules it matched, in order, and returns the first that
// fires: {1, id, step}, or {0} when none does, or {-1} when the caller's rules are stale, or {-2}
// when the call's signature nonce was seen within its window (then nothing is counted). It is the
// nonce store and tryFireLocked's logic on shared counters in one step. ARGV: version, now (µs),
// prefix, nonce key ("" none), nonce window (ms), then per rule 14 fields.
var decideScript = redis.NewScript(`
local ver = redis.call('GET', KEYS[1]) or '0'
if ver ~= ARGV[1] then return {-1} end
if ARGV[4] ~= '' and not redis.call('SET', ARGV[4], '1', 'NX', 'PX', ARGV[5]) then return {-2} end
local now = tonumber(ARGV[2])
local pfx = ARGV[3]
local function try(i)
  local id = ARGV[i]
  local k = pfx .. 'rule:' .. id
  if ARGV[i+1] == '1' then
    local added = tonumber(redis.call('HGET', k, 'added') or now)
    local from, untl, after, dur = tonumber(ARGV[i+2]), tonumber(ARGV[i+3]), tonumber(ARGV[i+4]), tonumber(ARGV[i+5])
    local start = added + after
    if (from ~= 0 and now < from) or (untl ~= 0 and now >= untl) or now < start or (dur > 0 and now >= start + dur) then
      return nil
    end
  end
  local matched = redis.call('HINCRBY', k, 'matched', 1)
  local fired = tonumber(redis.call('HGET', k, 'fired') or '0')
  local step = tonumber(redis.call('HGET', k, 'step') or '0')
  local first, nth, aft, every = tonumber(ARGV[i+6]), tonumber(ARGV[i+7]), tonumber(ARGV[i+8]), tonumber(ARGV[i+9])
  local times, seqlen, pers = tonumber(ARGV[i+10]), tonumber(ARGV[i+11]), tonumber(ARGV[i+12])
  if (first > 0 and matched > first) or (nth > 0 and matched ~= nth) or (aft > 0 and matched <= aft) or
     (every > 0 and matched % every ~= 0) or (times > 0 and fired >= times) or (seqlen > 0 and step >= seqlen) then
    return nil
  end
  if pers > 0 then
    local rk = k .. ':rate'
    if redis.call('LLEN', rk) < pers then
      redis.call('RPUSH', rk, now)
      return nil
    end
    local oldest = tonumber(redis.call('LINDEX', rk, 0))
    if now - oldest >= 1000000 then
      redis.call('LPOP', rk)
      redis.call('RPUSH', rk, now)
      return nil
    end
  end
  if ARGV[i+13] ~= '1' then return nil end
  redis.call('HINCRBY', k, 'fired', 1)
  if seqlen > 0 then redis.call('HINCRBY', k, 'step', 1) end
  return {1, id, step}
end
local i = 6
while i <= #ARGV do
  local r = try(i)
  if r then return r end
  i = i + 14
end
return {0}
`)

// decide runs decideScript: it returns what the script answered (1 fired, 0 none, -1 stale, -2
// nonce used) and the rule that fired with its Sequence step.
func (r *redisStore) decide(args []any) (verdict int64, id string, step int, err error) {
	res, err := r.b.run(decideScript, []string{r.k("rules-ver")}, args...).Slice()
	if err != nil {
		return 0, "", 0, err
	}
	verdict, _ = res[0].(int64)
	if verdict == 1 {
		id, _ = res[1].(string)
		st, _ := res[2].(int64)
		step = int(st)
	}
	return verdict, id, step, nil
}

// decideFor runs the rule stage of one exchange: in memory, or in the shared store together with
// the exchange's signature nonce.
func (s *Server) decideFor(ex *exchange, v *faults.Request) *faults.Decision {
	if s.shared != nil {
		var deferTo *exchange
		if ex.op.places != "" { // dispatch.go: the order-placing Actions
			deferTo = ex
		}
		return s.decideShared(v, ex.entry.Time, ex.nonceKey, ex.nonceParam, deferTo)
	}
	return s.decide(v, ex) // rules_state.go
}

// syncRules brings the replica's copy of the rules up to date and returns their version.
func (s *Server) syncRules() (int64, error) {
	ver, next, rules, err := s.shared.loadRules()
	if err != nil {
		return 0, err
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
		err = s.shared.saveRules(ver, rules, next, added, removed, s.clock.Now())
		if errors.Is(err, errRulesChanged) {
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
	cs, err := s.shared.ruleCounters(ids)
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
		args := []any{ver, now.UnixMicro(), s.shared.p, nonceKey, nonceWindow.Milliseconds()}
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
			args = append(args, r.ID, hasW, from, until, after, dur, r.Calls.First, r.Calls.Nth, r.Calls.After,
				r.Calls.Every, r.Times, len(r.Sequence), per, b2i(pass))
		}
		s.mu.Unlock()
		verdict, id, step, err := s.shared.decide(args)
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
	return s.storeDown(errRulesChanged)
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
