package redis

import (
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// The fault rules of a shared store: the rule list is one YAML scenario under "rules", versioned by
// "rules-ver"; each rule's counters are the hash "rule:ID" (matched, fired, step, added) and its rate
// window the list "rule:ID:rate". A replica matches requests against its copy of the list and lets
// decideScript count and decide; a stale copy (another replica changed the rules) is reloaded.

// ErrRulesChanged means another replica changed the rules during a read-modify-write: try again.
var ErrRulesChanged = errors.New("fake: rules changed concurrently")

// LoadRules returns the environment's rules (a YAML scenario, "" none), their version and the last
// automatic rule number.
func (r *Store) LoadRules() (ver int64, next int, rules string, err error) {
	ctx, cancel := r.ctx()
	defer cancel()
	var v, n, y *redis.StringCmd
	_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		v, n, y = p.Get(ctx, r.k("rules-ver")), p.Get(ctx, r.k("rule-next")), p.Get(ctx, r.k("rules"))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, 0, "", err
	}
	ver, _ = strconv.ParseInt(v.Val(), 10, 64)
	next, _ = strconv.Atoi(n.Val())
	return ver, next, y.Val(), nil
}

// SaveRules replaces the rules (a YAML scenario, nil none) if their version is still ver; added
// rules start their counters at now, removed ones lose them. It returns ErrRulesChanged if another
// replica got there first.
func (r *Store) SaveRules(ver int64, text []byte, next int, added, removed []string, now time.Time) error {
	ctx, cancel := r.ctx()
	defer cancel()
	err := r.c.Watch(ctx, func(tx *redis.Tx) error {
		cur, err := tx.Get(ctx, r.k("rules-ver")).Int64()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		if cur != ver {
			return ErrRulesChanged
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
		return ErrRulesChanged
	}
	return err
}

// RuleCounters returns matched, fired and step of each rule.
func (r *Store) RuleCounters(ids []string) ([][3]uint64, error) {
	ctx, cancel := r.ctx()
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
// nonce store and the Go engine's logic (fake: tryFireLocked) on shared counters in one step. ARGV: version, now (µs),
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

// Decide runs decideScript: it returns what the script answered (1 fired, 0 none, -1 stale, -2
// nonce used) and the rule that fired with its Sequence step. args are the script's ARGV.
func (r *Store) Decide(args []any) (verdict int64, id string, step int, err error) {
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
