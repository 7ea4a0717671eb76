package redis

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bsskit/bsskit/fake/internal/store"
)

// Store is the state that the replicas of one environment share through Redis (fake.WithStore):
// orders with their ClientTokens, opens-once holdings and balances spent, the clock offset, the
// nonces, the fault rules and their counters, the journal and the request counter. Every key starts
// with the environment's prefix, so environments sharing one Redis database never see each other.
// Every call has a deadline: a Redis that is down or hung turns into an error within [Timeout],
// which the fake answers ServiceUnavailable.
//
// The Go client is github.com/redis/go-redis/v9, the client the Redis project itself maintains:
// connection pooling, timeouts on every call, Lua scripts with EVALSHA and URLs with password, DB
// and TLS (rediss://) as one function, ParseURL.
type Store struct {
	c            *redis.Client
	b            *batcher // runs the hot path's scripts in shared pipelines (batch.go)
	p            string   // key prefix: "bsskit:" + environment + ":"
	journalLimit int
	timeout      time.Duration // bounds every call
}

var _ store.Backend = (*Store)(nil)

// Timeout bounds every Redis call: a request never waits longer than this on the store.
const Timeout = 750 * time.Millisecond

// Open connects to the Redis of url (redis://[:password@]host:port/db, or rediss:// for
// TLS). It does not wait for Redis to answer: a replica starts, and answers ServiceUnavailable,
// while Redis is down.
//
// A read_timeout in the URL (redis://host:port/0?read_timeout=5s) replaces [Timeout] as the bound
// of every call: for a Redis far away, or an in-process one under the race detector.
func Open(url, env string, journalLimit int) (*Store, error) {
	timeout := Timeout
	if opt, err := redis.ParseURL(url); err == nil && opt.ReadTimeout > 0 && strings.Contains(url, "read_timeout=") {
		timeout = opt.ReadTimeout
	}
	return OpenTimeout(url, env, journalLimit, timeout)
}

// OpenTimeout is Open with another bound on every call than [Timeout] (tests on a slow machine).
func OpenTimeout(url, env string, journalLimit int, storeTimeout time.Duration) (*Store, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("fake: store %s: %w", RedactURL(url), err)
	}
	opt.DialTimeout = storeTimeout / 2
	opt.DialerRetries = 1 // a Redis that refuses the connection is down: answer at once
	opt.ReadTimeout = storeTimeout
	opt.WriteTimeout = storeTimeout
	opt.PoolTimeout = storeTimeout
	opt.ContextTimeoutEnabled = true
	opt.MaxRetries = -1 // a failed call fails: a retry could run a script twice after a lost reply
	opt.DisableIdentity = true
	if env == "" {
		env = "default"
	}
	c := redis.NewClient(opt)
	return &Store{c: c, b: newBatcher(c, storeTimeout), timeout: storeTimeout, p: "bsskit:" + env + ":", journalLimit: journalLimit}, nil
}

// RedactURL hides a password in a store URL, for messages.
func RedactURL(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		if j := strings.LastIndex(url, "@"); j > i {
			return url[:i+3] + "***" + url[j:]
		}
	}
	return url
}

// Key returns the environment's key of name.
func (r *Store) Key(name string) string { return r.p + name }

func (r *Store) k(name string) string { return r.p + name }

// Env returns the environment's name.
func (r *Store) Env() string { return strings.TrimSuffix(strings.TrimPrefix(r.p, "bsskit:"), ":") }

func (r *Store) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), r.timeout)
}

// placeScript decides and stores an order in one atomic step, and journals the call's answer in
// the same step when the replica sent it (Extra.Entry): the entry as it will be answered if the
// order is new; on a replay the same entry with the Replayed flag byte (ARGV[7]) and the kept
// order's IDs in place of the drawn ones (same lengths, so every length prefix of the encoding
// still holds; otherwise the replica journals it itself). With a gate (a deferred rule stage) it
// first checks that the rules are still the version the replica matched against and that the nonce
// is unused, and records the nonce with the order (or the replay). Then, in this order: the
// ClientToken's order (a replay), the clock offset the replica read its time with, the opens-once
// holding, the limit, the balance, the IDs.
// It answers {0, seq} when stored, {1, json, seq} for a replay (seq 0: not journalled), {2} when
// the OrderID or InstanceID is taken, {-1} when the rules changed, {-2} when the nonce was used,
// {3, json} when the account holds the opens-once product (that order), {6} when the amount is over
// the account's limit, {4, spent} when the balance cannot cover the amount, {5, offset} when the clock offset moved; in every case but 0 and 1
// nothing is stored, recorded or journalled.
// KEYS: orders, order-ids, tokens, instances, seq, journal, rules-ver, opened, spent, clock,
// order-inst. ARGV: order ID, instance ID, token key ("" none), record JSON, journal entry ("" none),
// journal limit, replay flag byte, rules version ("" no gate), nonce key ("" none), nonce window
// (ms), clock offset (ns), opened key ("" not opens-once), balance (cents, -1 unlimited), amount
// (cents), account, over the limit ("1" or "0"), then where the drawn IDs are in the entry: pairs of a 1-based position, ascending, and
// "o" (order ID) or "i" (instance ID).
var placeScript = redis.NewScript(`
if ARGV[8] ~= '' then
  if (redis.call('GET', KEYS[7]) or '0') ~= ARGV[8] then return {-1} end
  if ARGV[9] ~= '' and redis.call('EXISTS', ARGV[9]) == 1 then return {-2} end
end
local function nonce()
  if ARGV[8] ~= '' and ARGV[9] ~= '' then redis.call('SET', ARGV[9], '1', 'PX', ARGV[10]) end
end
local function journal(e)
  local n = redis.call('INCR', KEYS[5])
  local limit = tonumber(ARGV[6])
  if limit > 0 then
    redis.call('RPUSH', KEYS[6], n .. '\t' .. e)
    redis.call('LTRIM', KEYS[6], -limit, -1)
  end
  return n
end
if ARGV[3] ~= '' then
  local oid = redis.call('HGET', KEYS[3], ARGV[3])
  if oid then
    nonce()
    local kept = redis.call('HGET', KEYS[1], oid)
    local iid = redis.call('HGET', KEYS[11], oid)
    if ARGV[5] == '' or not iid or #oid ~= #ARGV[1] or #iid ~= #ARGV[2] then
      return {1, kept, 0}
    end
    local e, parts, at, i = ARGV[5], {ARGV[7]}, 2, 17
    while i <= #ARGV do
      local pos, id = tonumber(ARGV[i]), iid
      if ARGV[i + 1] == 'o' then id = oid end
      parts[#parts + 1] = string.sub(e, at, pos - 1)
      parts[#parts + 1] = id
      at = pos + #id
      i = i + 2
    end
    parts[#parts + 1] = string.sub(e, at)
    e = table.concat(parts)
    return {1, kept, journal(e)}
  end
end
local offset = redis.call('GET', KEYS[10]) or '0'
if offset ~= ARGV[11] then return {5, offset} end
if ARGV[12] ~= '' then
  local held = redis.call('HGET', KEYS[8], ARGV[12])
  if held then return {3, redis.call('HGET', KEYS[1], held)} end
end
if ARGV[16] == '1' then return {6} end
if ARGV[13] ~= '-1' then
  local spent = tonumber(redis.call('HGET', KEYS[9], ARGV[15]) or '0')
  if spent + tonumber(ARGV[14]) > tonumber(ARGV[13]) then return {4, spent} end
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('SISMEMBER', KEYS[4], ARGV[2]) == 1 then
  return {2}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[2])
redis.call('HSET', KEYS[11], ARGV[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[3], ARGV[3], ARGV[1]) end
if ARGV[12] ~= '' then redis.call('HSET', KEYS[8], ARGV[12], ARGV[1]) end
if ARGV[14] ~= '0' then redis.call('HINCRBY', KEYS[9], ARGV[15], ARGV[14]) end
nonce()
if ARGV[5] == '' then return {0, 0} end
return {0, journal(ARGV[5])}
`)

// Extra is what the fake adds to a [store.Placement] for this backend (Placement.Extra): the
// journal entry of the answer naming the new order, and the deferred rule stage to settle.
type Extra struct {
	// Entry is the encoded journal entry of the success answer naming the new order; nil: the
	// replica journals the call itself.
	Entry []byte
	// ReplayFlag is OR'd into Entry's first byte on a replay.
	ReplayFlag byte
	// Gated: no rule of version RulesVer matched the call; the script checks the version and the
	// nonce (NonceKey, "" none) and records the nonce for NonceWindow with the order.
	Gated       bool
	RulesVer    int64
	NonceKey    string
	NonceWindow time.Duration
}

// ErrGateClosed means the order's script stored nothing because the rules changed since the
// replica matched the call, or the call's nonce was used: the rule stage must run.
var ErrGateClosed = errors.New("fake: shared store: rules changed or nonce used")

// ErrNonceUsed means the gate's nonce was used (wrapped with [ErrGateClosed]).
var ErrNonceUsed = errors.New("fake: shared store: nonce used")

// Place implements [store.Backend]. With an [Extra] it journals the answer and settles the
// deferred rule stage in the same step; Placed.Extra is then true when the answer is journalled.
func (r *Store) Place(_ context.Context, p *store.Placement) (store.Placed, error) {
	o := &p.Record
	b, err := json.Marshal(o)
	if err != nil {
		return store.Placed{}, err
	}
	tok := ""
	if o.ClientToken != "" {
		tok = o.AccountID + "\x00" + o.ClientToken
	}
	x, _ := p.Extra.(*Extra)
	if x == nil {
		x = &Extra{}
	}
	rep := ""
	var at []any
	if len(x.Entry) > 0 {
		rep = string([]byte{x.Entry[0] | x.ReplayFlag})
		at = idPositions(x.Entry, o.OrderID, o.InstanceID)
	}
	ver := ""
	if x.Gated {
		ver = strconv.FormatInt(x.RulesVer, 10)
	}
	opened := ""
	if p.OpensOnce {
		opened = o.AccountID + "\x00" + o.ProductCode
	}
	args := append([]any{o.OrderID, o.InstanceID, tok, b, x.Entry, r.journalLimit, rep, ver, x.NonceKey,
		x.NonceWindow.Milliseconds(), int64(p.Offset), opened, p.Balance, store.Cents(o.Amount), o.AccountID,
		b2s(p.OverLimit)}, at...)
	res, err := r.b.run(placeScript, []string{r.k("orders"), r.k("order-ids"), r.k("tokens"), r.k("instances"),
		r.k("seq"), r.k("journal"), r.k("rules-ver"), r.k("opened"), r.k("spent"), r.k("clock"), r.k("order-inst")},
		args...).Slice()
	if err != nil {
		return store.Placed{}, err
	}
	switch n, _ := res[0].(int64); n {
	case -1:
		return store.Placed{}, ErrGateClosed
	case -2:
		return store.Placed{}, fmt.Errorf("%w: %w", ErrGateClosed, ErrNonceUsed)
	case 0:
		seq, _ := res[1].(int64)
		return store.Placed{Record: *o, Extra: seq > 0}, nil
	case 1:
		kept, err := decodeRecord(res[1])
		if err != nil {
			return store.Placed{}, fmt.Errorf("fake: shared store: order of ClientToken %q: %w", o.ClientToken, err)
		}
		seq, _ := res[2].(int64)
		return store.Placed{Record: kept, Replayed: true, Extra: seq > 0}, nil
	case 3:
		held, err := decodeRecord(res[1])
		if err != nil {
			return store.Placed{}, err
		}
		return store.Placed{Record: held, Refused: store.RefusedOpened}, nil
	case 4:
		spent, _ := res[1].(int64)
		return store.Placed{Refused: store.RefusedBalance, Spent: spent}, nil
	case 5:
		return store.Placed{}, store.ErrClockMoved
	case 6:
		return store.Placed{Refused: store.RefusedLimit}, nil
	default:
		return store.Placed{}, store.ErrCollision
	}
}

func b2s(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func decodeRecord(v any) (store.Record, error) {
	s, _ := v.(string)
	var rec store.Record
	if err := json.Unmarshal([]byte(s), &rec); err != nil {
		return store.Record{}, fmt.Errorf("fake: shared store: %w", err)
	}
	return rec, nil
}

// TokenOrder implements [store.Backend].
func (r *Store) TokenOrder(_ context.Context, account, token string) (store.Record, bool, error) {
	ctx, cancel := r.ctx()
	defer cancel()
	id, err := r.c.HGet(ctx, r.k("tokens"), account+"\x00"+token).Result()
	if errors.Is(err, redis.Nil) {
		return store.Record{}, false, nil
	}
	if err != nil {
		return store.Record{}, false, err
	}
	return r.Order(context.Background(), id)
}

// idPositions returns where orderID and instanceID occur in entry, for placeScript: pairs of a
// 1-based position and "o" or "i", in ascending order. The IDs are drawn at random, so they occur
// only where the answer and the entry's OrderID put them.
func idPositions(entry []byte, orderID, instanceID string) []any {
	type hit struct {
		pos  int
		kind string
	}
	var hits []hit
	for _, id := range []struct{ s, kind string }{{orderID, "o"}, {instanceID, "i"}} {
		if id.s == "" {
			continue
		}
		for from := 0; ; {
			k := bytes.Index(entry[from:], []byte(id.s))
			if k < 0 {
				break
			}
			hits = append(hits, hit{from + k, id.kind})
			from += k + len(id.s)
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.pos - b.pos })
	out := make([]any, 0, 2*len(hits))
	for _, h := range hits {
		out = append(out, h.pos+1, h.kind)
	}
	return out
}

// View implements [store.Backend]: the environment's orders read from Redis now, indexed for the
// read calls and checks, with the clock offset read in the same round trip. It reads every order of
// the environment: fine for a team's fake, whose orders are counted in thousands, not millions. A
// read changes nothing, so unlike the scripts it is tried a second time when the first fails: after
// a Redis restart the first call on each pooled connection fails, and a view should not.
func (r *Store) View(_ context.Context, fn func(*store.Orders, time.Duration)) error {
	o, off, err := r.viewOnce()
	if err != nil {
		o, off, err = r.viewOnce()
	}
	if err != nil {
		return err
	}
	fn(o, off)
	return nil
}

func (r *Store) viewOnce() (*store.Orders, time.Duration, error) {
	ctx, cancel := r.ctx()
	defer cancel()
	var ids *redis.StringSliceCmd
	var clock *redis.StringCmd
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		ids = p.LRange(ctx, r.k("order-ids"), 0, -1)
		clock = p.Get(ctx, r.k("clock"))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, 0, err
	}
	off, _ := strconv.ParseInt(clock.Val(), 10, 64)
	out := store.NewOrders()
	if len(ids.Val()) == 0 {
		return out, time.Duration(off), nil
	}
	vals, err := r.c.HMGet(ctx, r.k("orders"), ids.Val()...).Result()
	if err != nil {
		return nil, 0, err
	}
	for _, v := range vals {
		if v == nil {
			continue // reset between the two reads
		}
		rec, err := decodeRecord(v)
		if err != nil {
			return nil, 0, err
		}
		out.Add(rec)
	}
	return out, time.Duration(off), nil
}

// Order implements [store.Backend].
func (r *Store) Order(_ context.Context, id string) (store.Record, bool, error) {
	rec, err := r.order(id)
	if errors.Is(err, redis.Nil) {
		return store.Record{}, false, nil
	}
	return rec, err == nil, err
}

func (r *Store) order(id string) (store.Record, error) {
	ctx, cancel := r.ctx()
	defer cancel()
	s, err := r.c.HGet(ctx, r.k("orders"), id).Result()
	if err != nil {
		return store.Record{}, err
	}
	return decodeRecord(s)
}

// Offset implements [store.Backend].
func (r *Store) Offset(context.Context) (time.Duration, error) {
	ctx, cancel := r.ctx()
	defer cancel()
	n, err := r.c.Get(ctx, r.k("clock")).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return time.Duration(n), err
}

// AdvanceClock implements [store.Backend].
func (r *Store) AdvanceClock(_ context.Context, d time.Duration) (time.Duration, error) {
	ctx, cancel := r.ctx()
	defer cancel()
	n, err := r.c.IncrBy(ctx, r.k("clock"), int64(d)).Result()
	return time.Duration(n), err
}

// Counts returns the number of orders and of requests answered.
func (r *Store) Counts() (orders int64, requests uint64, err error) {
	ctx, cancel := r.ctx()
	defer cancel()
	var ol *redis.IntCmd
	var sq *redis.StringCmd
	_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		ol = p.LLen(ctx, r.k("order-ids"))
		sq = p.Get(ctx, r.k("seq"))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, 0, err
	}
	n, _ := strconv.ParseUint(sq.Val(), 10, 64)
	return ol.Val(), n, nil
}

// recordScript numbers a journal entry and appends it to the bounded journal in one step.
var recordScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
local limit = tonumber(ARGV[2])
if limit > 0 then
  redis.call('RPUSH', KEYS[2], n .. '\t' .. ARGV[1])
  redis.call('LTRIM', KEYS[2], -limit, -1)
end
return n
`)

// Record appends an encoded journal entry (unredacted: the journal is redacted when read) and
// returns its number.
func (r *Store) Record(entry []byte) (uint64, error) {
	n, err := r.b.run(recordScript, []string{r.k("seq"), r.k("journal")}, entry, r.journalLimit).Int64()
	return uint64(n), err
}

// Line is one journal entry as stored: its number and its encoding.
type Line struct {
	Seq   uint64
	Entry []byte
}

// Journal returns the journal's entries, oldest first.
func (r *Store) Journal() ([]Line, error) {
	ctx, cancel := r.ctx()
	defer cancel()
	lines, err := r.c.LRange(ctx, r.k("journal"), 0, -1).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Line, 0, len(lines))
	for _, l := range lines {
		num, e, ok := strings.Cut(l, "\t")
		if !ok {
			continue
		}
		seq, _ := strconv.ParseUint(num, 10, 64)
		out = append(out, Line{Seq: seq, Entry: []byte(e)})
	}
	return out, nil
}

// Reset implements [store.Backend]: it forgets the orders, ClientTokens, holdings, balances spent,
// the journal and the request counter.
func (r *Store) Reset(ctx context.Context) error { return r.ResetRules(ctx, nil, time.Time{}) }

// ResetRules is Reset that also restarts the counters of the rules ids at now, in the same step.
func (r *Store) ResetRules(_ context.Context, ids []string, now time.Time) error {
	ctx, cancel := r.ctx()
	defer cancel()
	_, err := r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, r.k("orders"), r.k("order-ids"), r.k("tokens"), r.k("instances"), r.k("journal"), r.k("seq"),
			r.k("opened"), r.k("spent"), r.k("order-inst"))
		for _, id := range ids {
			p.Del(ctx, r.k("rule:"+id), r.k("rule:"+id+":rate"))
			p.HSet(ctx, r.k("rule:"+id), "added", now.UnixMicro())
		}
		return nil
	})
	return err
}

// Ping checks that Redis answers.
func (r *Store) Ping() error {
	ctx, cancel := r.ctx()
	defer cancel()
	return r.c.Ping(ctx).Err()
}

// Close implements [store.Backend].
func (r *Store) Close() error {
	r.b.close()
	return r.c.Close()
}
