package fake

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

	"github.com/bsskit/bsskit/fake/journal"
	"github.com/redis/go-redis/v9"
)

// redisStore is the state that the replicas of one environment share through Redis ([WithStore]):
// orders with their ClientTokens, the nonces, the fault rules and their counters, the journal and
// the request counter. Every key starts with the environment's prefix, so environments sharing one
// Redis database never see each other. Every call has a deadline: a Redis that is down or hung
// turns into an error within [storeTimeout], which the caller answers ServiceUnavailable.
//
// The Go client is github.com/redis/go-redis/v9, the client the Redis project itself maintains:
// connection pooling, timeouts on every call, Lua scripts with EVALSHA and URLs with password, DB
// and TLS (rediss://) as one function, ParseURL.
type redisStore struct {
	c            *redis.Client
	b            *batcher // runs the hot path's scripts in shared pipelines (store_batch.go)
	p            string   // key prefix: "bsskit:" + environment + ":"
	journalLimit int
}

// storeTimeout bounds every Redis call: a request never waits longer than this on the store.
const storeTimeout = 750 * time.Millisecond

// errStoreCollision means an order's OrderID or InstanceID is already used in the shared store:
// the replica draws new IDs.
var errStoreCollision = errors.New("fake: order ID already used in the shared store")

// openRedisStore connects to the Redis of url (redis://[:password@]host:port/db, or rediss:// for
// TLS). It does not wait for Redis to answer: a replica starts, and answers ServiceUnavailable,
// while Redis is down.
func openRedisStore(url, env string, journalLimit int) (*redisStore, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("fake: store %s: %w", redactURL(url), err)
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
	return &redisStore{c: c, b: newBatcher(c), p: "bsskit:" + env + ":", journalLimit: journalLimit}, nil
}

// redactURL hides a password in a store URL, for messages.
func redactURL(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		if j := strings.LastIndex(url, "@"); j > i {
			return url[:i+3] + "***" + url[j:]
		}
	}
	return url
}

func (r *redisStore) k(name string) string { return r.p + name }

func storeCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), storeTimeout)
}

// placeScript stores an order unless its account already used its ClientToken, in one atomic
// step, and journals the call's answer in the same step when the replica sent it (journalAhead):
// the entry as it will be answered if the order is new; on a replay the same entry with the
// Replayed flag byte (ARGV[7]) and the kept order's IDs in place of the drawn ones (same lengths,
// so every length prefix of the encoding still holds; otherwise the replica journals it itself).
// With a gate (a deferred rule stage: ruleGate) it first checks that the rules are still the
// version the replica matched against and that the nonce is unused, and records the nonce with the
// order (or the replay).
// It answers {0, seq} when stored, {1, json, seq} for a replay, {2} when the OrderID or
// InstanceID is taken (nothing stored, nothing journalled); seq 0 means not journalled; {-1} when
// the rules changed, {-2} when the nonce was used (nothing stored, nothing journalled).
// KEYS: orders, order-ids, tokens, instances, seq, journal, rules-ver. ARGV: order ID, instance
// ID, token key ("" none), order JSON, journal entry ("" none), journal limit, replay flag byte,
// rules version ("" no gate), nonce key ("" none), nonce window (ms), then where the drawn IDs
// are in the entry: pairs of a 1-based position, ascending, and "o" (order ID) or "i" (instance ID).
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
  local id = redis.call('HGET', KEYS[3], ARGV[3])
  if id then
    nonce()
    local kept = redis.call('HGET', KEYS[1], id)
    if ARGV[5] == '' then return {1, kept, 0} end
    local oid, iid = string.match(kept, '^{"orderId":"([^"\\]*)","instanceId":"([^"\\]*)"')
    if not oid or #oid ~= #ARGV[1] or #iid ~= #ARGV[2] then
      return {1, kept, 0}
    end
    local e, parts, at, i = ARGV[5], {ARGV[7]}, 2, 11
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
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('SISMEMBER', KEYS[4], ARGV[2]) == 1 then
  return {2}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[3], ARGV[3], ARGV[1]) end
nonce()
if ARGV[5] == '' then return {0, 0} end
return {0, journal(ARGV[5])}
`)

// ruleGate is a deferred rule stage that the order's script settles: the rules version the
// replica matched the call against (no rule matched) and the call's nonce key ("" none).
type ruleGate struct {
	ver      int64
	nonceKey string
}

// errGateClosed means the order's script stored nothing because the rules changed since the
// replica matched the call, or the call's nonce was used: the rule stage must run.
var errGateClosed = errors.New("fake: shared store: rules changed or nonce used")

// place stores o, or returns the order its ClientToken already placed (replayed true). With an
// entry (journalAhead: the journal entry of the answer naming o, unredacted) the same step
// journals the answer, and journalled says so. With a gate it settles a deferred rule stage in the
// same step, or stores nothing and returns errGateClosed.
func (r *redisStore) place(o *Order, entry []byte, g *ruleGate) (kept Order, replayed, journalled bool, err error) {
	b, err := json.Marshal(o)
	if err != nil {
		return Order{}, false, false, err
	}
	tok := ""
	if o.ClientToken != "" {
		tok = o.AccountID + "\x00" + o.ClientToken
	}
	rep := ""
	var at []any
	if len(entry) > 0 {
		rep = string([]byte{entry[0] | replayedFlag})
		at = idPositions(entry, o.OrderID, o.InstanceID)
	}
	ver, nonceKey := "", ""
	if g != nil {
		ver, nonceKey = strconv.FormatInt(g.ver, 10), g.nonceKey
	}
	args := append([]any{o.OrderID, o.InstanceID, tok, b, entry, r.journalLimit, rep, ver, nonceKey,
		nonceWindow.Milliseconds()}, at...)
	res, err := r.b.run(placeScript, []string{r.k("orders"), r.k("order-ids"), r.k("tokens"), r.k("instances"),
		r.k("seq"), r.k("journal"), r.k("rules-ver")}, args...).Slice()
	if err != nil {
		return Order{}, false, false, err
	}
	switch n, _ := res[0].(int64); n {
	case -1, -2:
		return Order{}, false, false, errGateClosed
	case 0:
		seq, _ := res[1].(int64)
		return *o, false, seq > 0, nil
	case 1:
		s, _ := res[1].(string)
		if err := json.Unmarshal([]byte(s), &kept); err != nil {
			return Order{}, false, false, fmt.Errorf("fake: shared store: order of ClientToken %q: %w", o.ClientToken, err)
		}
		seq, _ := res[2].(int64)
		return kept, true, seq > 0, nil
	default:
		return Order{}, false, false, errStoreCollision
	}
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

// orders returns every order, oldest first. A read changes nothing, so unlike the scripts it is
// tried a second time when the first fails: after a Redis restart the first call on each pooled
// connection fails, and a view of the orders should not.
func (r *redisStore) orders() ([]Order, error) {
	out, err := r.ordersOnce()
	if err != nil {
		out, err = r.ordersOnce()
	}
	return out, err
}

func (r *redisStore) ordersOnce() ([]Order, error) {
	ctx, cancel := storeCtx()
	defer cancel()
	ids, err := r.c.LRange(ctx, r.k("order-ids"), 0, -1).Result()
	if err != nil || len(ids) == 0 {
		return []Order{}, err
	}
	vals, err := r.c.HMGet(ctx, r.k("orders"), ids...).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Order, 0, len(vals))
	for _, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue // reset between the two reads
		}
		var o Order
		if err := json.Unmarshal([]byte(s), &o); err != nil {
			return nil, fmt.Errorf("fake: shared store: %w", err)
		}
		out = append(out, o)
	}
	return out, nil
}

// order returns the order with the given ID.
func (r *redisStore) order(id string) (Order, bool, error) {
	ctx, cancel := storeCtx()
	defer cancel()
	s, err := r.c.HGet(ctx, r.k("orders"), id).Result()
	if errors.Is(err, redis.Nil) {
		return Order{}, false, nil
	}
	if err != nil {
		return Order{}, false, err
	}
	var o Order
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		return Order{}, false, fmt.Errorf("fake: shared store: %w", err)
	}
	return o, true, nil
}

// counts returns the number of orders and of requests answered.
func (r *redisStore) counts() (orders int64, requests uint64, err error) {
	ctx, cancel := storeCtx()
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

// record appends e (unredacted: the journal is redacted when read) to the journal and returns
// its number.
func (r *redisStore) record(e *rawEntry) (uint64, error) {
	b := appendRawEntry(make([]byte, 0, 1024), e)
	n, err := r.b.run(recordScript, []string{r.k("seq"), r.k("journal")}, b, r.journalLimit).Int64()
	return uint64(n), err
}

// journal returns the journal, oldest first.
func (r *redisStore) journal() ([]journal.Entry, error) {
	ctx, cancel := storeCtx()
	defer cancel()
	lines, err := r.c.LRange(ctx, r.k("journal"), 0, -1).Result()
	if err != nil {
		return nil, err
	}
	out := make([]journal.Entry, 0, len(lines))
	for _, l := range lines {
		num, js, ok := strings.Cut(l, "\t")
		if !ok {
			continue
		}
		raw, err := decodeRawEntry([]byte(js))
		if err != nil {
			return nil, err
		}
		raw.Seq, _ = strconv.ParseUint(num, 10, 64)
		out = append(out, raw.export())
	}
	return out, nil
}

// reset forgets the orders, ClientTokens, journal and request counter, and restarts every rule's
// counters at now.
func (r *redisStore) reset(ids []string, now time.Time) error {
	ctx, cancel := storeCtx()
	defer cancel()
	_, err := r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, r.k("orders"), r.k("order-ids"), r.k("tokens"), r.k("instances"), r.k("journal"), r.k("seq"))
		for _, id := range ids {
			p.Del(ctx, r.k("rule:"+id), r.k("rule:"+id+":rate"))
			p.HSet(ctx, r.k("rule:"+id), "added", now.UnixMicro())
		}
		return nil
	})
	return err
}

// ping checks that Redis answers.
func (r *redisStore) ping() error {
	ctx, cancel := storeCtx()
	defer cancel()
	return r.c.Ping(ctx).Err()
}

func (r *redisStore) close() error {
	r.b.close()
	return r.c.Close()
}
