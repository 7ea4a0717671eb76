package fake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

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
// step. It answers {1, json} for a replay, {2} when the OrderID or InstanceID is taken, {0} when
// stored.
var placeScript = redis.NewScript(`
if ARGV[3] ~= '' then
  local id = redis.call('HGET', KEYS[3], ARGV[3])
  if id then return {1, redis.call('HGET', KEYS[1], id)} end
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('SISMEMBER', KEYS[4], ARGV[2]) == 1 then
  return {2}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[3], ARGV[3], ARGV[1]) end
return {0}
`)

// place stores o, or returns the order its ClientToken already placed (replayed true).
func (r *redisStore) place(o *Order) (Order, bool, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return Order{}, false, err
	}
	tok := ""
	if o.ClientToken != "" {
		tok = o.AccountID + "\x00" + o.ClientToken
	}
	res, err := r.b.run(placeScript, []string{r.k("orders"), r.k("order-ids"), r.k("tokens"), r.k("instances")},
		o.OrderID, o.InstanceID, tok, b).Slice()
	if err != nil {
		return Order{}, false, err
	}
	switch n, _ := res[0].(int64); n {
	case 0:
		return *o, false, nil
	case 1:
		var kept Order
		s, _ := res[1].(string)
		if err := json.Unmarshal([]byte(s), &kept); err != nil {
			return Order{}, false, fmt.Errorf("fake: shared store: order of ClientToken %q: %w", o.ClientToken, err)
		}
		return kept, true, nil
	default:
		return Order{}, false, errStoreCollision
	}
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
func (r *redisStore) journal() ([]Entry, error) {
	ctx, cancel := storeCtx()
	defer cancel()
	lines, err := r.c.LRange(ctx, r.k("journal"), 0, -1).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(lines))
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
