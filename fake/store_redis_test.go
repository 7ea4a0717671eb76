package fake_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/internal/redistest"
	"github.com/bsskit/bsskit/internal/signing"
	"github.com/bsskit/bsskit/spec"
)

// replicas starts n fakes sharing the environment env of the Redis at url.
func replicas(t *testing.T, n int, url, env string, opts ...fake.Option) []*fake.Server {
	t.Helper()
	out := make([]*fake.Server, n)
	for i := range out {
		out[i] = fake.NewServer(t, append([]fake.Option{fake.WithStore(url, env)}, opts...)...)
	}
	return out
}

// reply is what one CreateInstance call answered, decoded without testify (goroutine-safe).
type reply struct {
	status int
	body   map[string]any
	err    error
}

func (r reply) code() string    { s, _ := r.body["Code"].(string); return s }
func (r reply) orderID() string { return dataField(r.body, "OrderId") }

func dataField(body map[string]any, k string) string {
	d, _ := body["Data"].(map[string]any)
	s, _ := d[k].(string)
	return s
}

var replyClient = &http.Client{Timeout: 10 * time.Second}

func storeCall(srv *fake.Server, params url.Values) reply {
	resp, err := replyClient.Post(srv.URL()+"/?"+params.Encode(), "", nil)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{err: err}
	}
	r := reply{status: resp.StatusCode}
	if err := json.Unmarshal(raw, &r.body); err != nil {
		r.err = fmt.Errorf("body %q: %w", raw, err)
	}
	return r
}

func adminGet(t *testing.T, srv *fake.Server, path string, v any) int {
	t.Helper()
	resp, err := replyClient.Get(srv.URL() + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
	return resp.StatusCode
}

func orderIDs(orders []fake.Order) []string {
	out := make([]string, len(orders))
	for i, o := range orders {
		out[i] = o.OrderID
	}
	return out
}

func TestSharedStoreReplicas(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{})

	t.Run("64 duplicates of one ClientToken over 3 replicas place one order", func(t *testing.T) {
		t.Parallel()
		reps := replicas(t, 3, r.URL(0), "token")
		var wg sync.WaitGroup
		replies := make([]reply, 64)
		for i := range replies {
			wg.Go(func() { replies[i] = storeCall(reps[i%3], with(valid(), "ClientToken", "retry-1")) })
		}
		wg.Wait()
		want := ""
		for i, rp := range replies {
			require.NoError(t, rp.err, "call %d", i)
			require.Equal(t, http.StatusOK, rp.status, "call %d: %v", i, rp.body)
			if want == "" {
				want = rp.orderID()
			}
			assert.Equal(t, want, rp.orderID(), "call %d", i)
		}
		for i, s := range reps {
			assert.Equal(t, []string{want}, orderIDs(s.Orders()), "replica %d", i)
		}
		replayed := 0
		for _, e := range reps[0].Journal() {
			if e.Replayed {
				replayed++
			}
		}
		assert.Equal(t, 63, replayed, "every answer but the first replays the order")
	})

	t.Run("a nonce seen by one replica is refused by another", func(t *testing.T) {
		t.Parallel()
		reps := replicas(t, 3, r.URL(0), "nonce", fake.WithCredentials("sharedAK", "sharedSecret"))
		p := with(valid(), "ClientToken", "")
		signing.SignV1(http.MethodPost, p, signing.Credentials{AccessKeyID: "sharedAK", AccessKeySecret: "sharedSecret"}, time.Now(), "nonce-once")
		first := storeCall(reps[0], p)
		require.NoError(t, first.err)
		require.Equal(t, http.StatusOK, first.status, "%v", first.body)
		_, err := reps[1].Faults().Add(faults.Rule{ID: "second", Calls: faults.Calls{Nth: 2}, Outcome: &faults.Outcome{Error: spec.CodeThrottlingUser}})
		require.NoError(t, err)
		for _, s := range reps {
			again := storeCall(s, p)
			require.NoError(t, again.err)
			assert.Equal(t, http.StatusBadRequest, again.status)
			assert.Equal(t, string(spec.CodeSignatureNonceUsed), again.code())
			assert.Equal(t, "Specified signature nonce was used already.", again.body["Message"])
		}
		assert.Len(t, reps[2].Orders(), 1)
		var got []string
		for i, s := range reps[:2] {
			q := with(valid(), "ClientToken", "")
			signing.SignV1(http.MethodPost, q, signing.Credentials{AccessKeyID: "sharedAK", AccessKeySecret: "sharedSecret"}, time.Now(), "fresh-"+strconv.Itoa(i))
			rp := storeCall(s, q)
			require.NoError(t, rp.err)
			got = append(got, rp.code())
		}
		assert.Equal(t, []string{"Success", "Throttling.User"}, got, "refused replays are not calls the rules count")
	})

	t.Run("fail the first 2 calls counts the calls of every replica", func(t *testing.T) {
		t.Parallel()
		reps := replicas(t, 3, r.URL(0), "first2")
		ids, err := reps[0].Faults().Add(faults.FailNextN(2, spec.CodeThrottlingUser))
		require.NoError(t, err)
		id := ids[0]
		var got []string
		for i := range 5 {
			rp := storeCall(reps[(i+1)%3], valid())
			require.NoError(t, rp.err)
			got = append(got, rp.code())
		}
		assert.Equal(t, []string{"Throttling.User", "Throttling.User", "Success", "Success", "Success"}, got)
		assert.Equal(t, []faults.RuleStat{{ID: id, Matched: 5, Fired: 2, Used: true}}, statsOf(t, reps[2]))
		require.NoError(t, reps[1].Faults().Remove(id))
		assert.Empty(t, rulesOf(t, reps[0]))
	})

	t.Run("a rate limit counts globally", func(t *testing.T) {
		t.Parallel()
		clock := fake.NewManualClock(time.Date(2026, 11, 30, 5, 0, 0, 0, time.UTC))
		reps := replicas(t, 3, r.URL(0), "rate", fake.WithClock(clock))
		_, err := reps[2].Faults().Add(faults.Rule{ID: "flow", RateLimit: &faults.RateLimit{PerSecond: 2}})
		require.NoError(t, err)
		var got []string
		for i := range 4 {
			rp := storeCall(reps[i%3], valid())
			require.NoError(t, rp.err)
			got = append(got, rp.code())
		}
		clock.Advance(time.Second)
		rp := storeCall(reps[1], valid())
		require.NoError(t, rp.err)
		got = append(got, rp.code())
		assert.Equal(t, []string{"Success", "Success", "Throttling.User", "Throttling.User", "Success"}, got)
	})

	t.Run("admin views and reset from any replica", func(t *testing.T) {
		t.Parallel()
		reps := replicas(t, 3, r.URL(0), "admin")
		a := storeCall(reps[0], valid())
		b := storeCall(reps[1], valid())
		require.NoError(t, a.err)
		require.NoError(t, b.err)
		var orders []fake.Order
		require.Equal(t, http.StatusOK, adminGet(t, reps[2], "/__admin/orders", &orders))
		assert.Equal(t, []string{a.orderID(), b.orderID()}, orderIDs(orders))
		var journal []journal.Entry
		require.Equal(t, http.StatusOK, adminGet(t, reps[2], "/__admin/requests", &journal))
		require.Len(t, journal, 2)
		assert.Equal(t, []uint64{1, 2}, []uint64{journal[0].Seq, journal[1].Seq})
		assert.Equal(t, a.orderID(), journal[0].OrderID)
		var health map[string]any
		require.Equal(t, http.StatusOK, adminGet(t, reps[1], "/__admin/health", &health))
		assert.EqualValues(t, 2, health["orders"])
		assert.Equal(t, "admin", health["environment"])

		resp, err := replyClient.Post(reps[0].URL()+"/__admin/faults", "application/yaml", strings.NewReader("id: shared\ncalls: {first: 1}\noutcome: {error: Throttling.User}\n"))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusCreated, resp.StatusCode)
		var listed struct {
			Rules []map[string]any `json:"rules"`
		}
		require.Equal(t, http.StatusOK, adminGet(t, reps[2], "/__admin/faults", &listed))
		require.Len(t, listed.Rules, 1)
		assert.Equal(t, "shared", listed.Rules[0]["id"])

		resp, err = replyClient.Post(reps[1].URL()+"/__admin/reset", "", nil)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Empty(t, reps[0].Orders())
		assert.Zero(t, reps[2].RequestCount())
		assert.Equal(t, []faults.RuleStat{{ID: "shared"}}, statsOf(t, reps[0]), "reset keeps the rules and zeroes their counters")
	})

	t.Run("two environments do not see each other", func(t *testing.T) {
		t.Parallel()
		envA := replicas(t, 2, r.URL(0), "env-a")
		envB := replicas(t, 1, r.URL(0), "env-b")
		db1 := replicas(t, 1, r.URL(1), "env-a")
		envA[0].Faults().Add(faults.FailNextN(1, spec.CodeThrottlingUser))
		var ids []string
		for _, s := range []*fake.Server{envB[0], db1[0], envA[1], envA[0]} {
			rp := storeCall(s, with(valid(), "ClientToken", "same-token"))
			require.NoError(t, rp.err)
			ids = append(ids, rp.code()+" "+rp.orderID())
		}
		assert.Equal(t, "Success", strings.Fields(ids[0])[0])
		assert.Equal(t, "Success", strings.Fields(ids[1])[0])
		assert.Equal(t, "Throttling.User ", ids[2], "env-a's rule does not fire in env-b nor in db 1")
		assert.Equal(t, "Success", strings.Fields(ids[3])[0])
		assert.Len(t, envA[1].Orders(), 1)
		assert.Len(t, envB[0].Orders(), 1)
		assert.Len(t, db1[0].Orders(), 1)
		assert.NotEqual(t, envB[0].Orders()[0].OrderID, envA[0].Orders()[0].OrderID)
		assert.Empty(t, rulesOf(t, envB[0]))
	})
}

// TestSharedStoreRedisRestart kills Redis (append-only, fsync always) in the middle of a run: calls
// answer ServiceUnavailable in the real shape, quickly; once Redis is back every acknowledged order
// is there, its ClientToken still replays it, and serving resumes by itself.
func TestSharedStoreRedisRestart(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{AppendOnly: true})
	reps := replicas(t, 3, r.URL(0), "restart")
	acked := map[string]string{} // ClientToken -> OrderId
	for i := range 6 {
		tok := "before-" + strconv.Itoa(i)
		rp := storeCall(reps[i%3], with(valid(), "ClientToken", tok))
		require.NoError(t, rp.err)
		require.Equal(t, http.StatusOK, rp.status)
		acked[tok] = rp.orderID()
	}

	r.Kill(t)
	for i, s := range reps {
		start := time.Now()
		rp := storeCall(s, with(valid(), "ClientToken", "during"))
		require.NoError(t, rp.err)
		assert.Less(t, time.Since(start), 3*time.Second, "replica %d: no hang", i)
		assert.Equal(t, http.StatusServiceUnavailable, rp.status)
		assert.Equal(t, string(spec.CodeServiceUnavailable), rp.code())
		assert.NotEmpty(t, rp.body["RequestId"])
		assert.Equal(t, "business.aliyuncs.com", rp.body["HostId"])
		var health map[string]any
		assert.Equal(t, http.StatusServiceUnavailable, adminGet(t, s, "/__admin/health", &health))
		var orders map[string]any
		assert.Equal(t, http.StatusServiceUnavailable, adminGet(t, s, "/__admin/orders", &orders))
	}

	resp, err := replyClient.Post(reps[0].URL()+"/__admin/faults", "application/yaml", strings.NewReader("calls: {first: 1}\noutcome: {error: Throttling.User}\n"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "adding a rule while Redis is down")
	_, err = reps[1].Faults().Add(faults.Rule{Outcome: &faults.Outcome{Error: spec.CodeThrottlingUser}})
	assert.ErrorIs(t, err, fake.ErrStore)

	r.Restart(t)
	for i, s := range reps {
		for tok, id := range acked {
			rp := storeCall(s, with(valid(), "ClientToken", tok))
			require.NoError(t, rp.err)
			require.Equal(t, http.StatusOK, rp.status, "replica %d: %v", i, rp.body)
			assert.Equal(t, id, rp.orderID(), "replica %d, token %s", i, tok)
		}
	}
	rp := storeCall(reps[1], with(valid(), "ClientToken", "during"))
	require.NoError(t, rp.err)
	assert.Equal(t, http.StatusOK, rp.status)
	assert.Len(t, reps[0].Orders(), 7)
	assert.Empty(t, rulesOf(t, reps[2]), "no rule was added while Redis was down")
}

func TestWithStoreRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []fake.Option
		want string
	}{
		{"not redis", []fake.Option{fake.WithStore("memcached://127.0.0.1:1/0", "")}, "want redis://HOST:PORT/DB"},
		{"password hidden", []fake.Option{fake.WithStore("redis://:hunter2@127.0.0.1:1/x", "")}, "redis://***@127.0.0.1:1/x"},
		{"with a state file", []fake.Option{fake.WithStore("redis://127.0.0.1:1/0", ""), fake.WithStateFile(t.TempDir() + "/s")}, "do not go together"},
		{"bad environment", []fake.Option{fake.WithStore("redis://127.0.0.1:1/0", "a:b")}, "no spaces, colons"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := fake.New(tc.opts...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

// TestSharedStoreRedisRestartUnderLoad kills Redis (append-only, fsync always) while eight clients
// keep ordering through three replicas, and starts it again: every call is answered, either with
// its order or ServiceUnavailable; every order acknowledged, before, during or after the outage, is
// in the store afterwards and replays its OrderId; and calls succeed again once Redis is back.
func TestSharedStoreRedisRestartUnderLoad(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{AppendOnly: true})
	reps := replicas(t, 3, r.URL(0), "restart-load")
	var (
		mu      sync.Mutex
		acked   = map[string]string{} // guarded by mu
		other   []string              // guarded by mu: answers neither 200 nor 503
		n503    int                   // guarded by mu
		wg      sync.WaitGroup
		stop    = make(chan struct{})
		started = make(chan struct{}, 8)
	)
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				tok := "load-" + strconv.Itoa(w) + "-" + strconv.Itoa(i)
				rp := storeCall(reps[(w+i)%3], with(valid(), "ClientToken", tok))
				mu.Lock()
				switch {
				case rp.err == nil && rp.status == http.StatusOK:
					acked[tok] = rp.orderID()
				case rp.err == nil && rp.status == http.StatusServiceUnavailable && rp.code() == string(spec.CodeServiceUnavailable):
					n503++
				default:
					other = append(other, fmt.Sprintf("%s: %d %v %v", tok, rp.status, rp.body, rp.err))
				}
				mu.Unlock()
				if i == 5 {
					started <- struct{}{}
				}
			}
		})
	}
	for range 8 {
		<-started
	}
	r.Kill(t)
	// Poll until the outage has been seen by the clients, then bring Redis back.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		seen := n503
		mu.Unlock()
		if seen >= 8 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond) // polling the clients' counter with a deadline
	}
	r.Restart(t)
	before := len(snapshot(&mu, acked))
	deadline = time.Now().Add(10 * time.Second)
	for len(snapshot(&mu, acked)) < before+24 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // polling: serving resumes by itself
	}
	close(stop)
	wg.Wait()

	assert.Empty(t, other, "every call is answered with its order or ServiceUnavailable")
	assert.GreaterOrEqual(t, n503, 8, "the outage was seen")
	assert.GreaterOrEqual(t, len(acked), before+24, "serving resumed after Redis came back")
	// Orders() answers nothing while its replica's first call on a connection that the restart
	// broke fails (calls are not retried blindly), so read until it answers every acknowledged
	// order, or the deadline says some are missing.
	var stored map[string]string
	for deadline := time.Now().Add(10 * time.Second); ; {
		stored = map[string]string{}
		for _, o := range reps[1].Orders() {
			stored[o.ClientToken] = o.OrderID
		}
		missing := 0
		for tok := range acked {
			if _, ok := stored[tok]; !ok {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond) // polling with a deadline
	}
	for tok, id := range acked {
		assert.Equal(t, id, stored[tok], "acknowledged order of %s is in the store", tok)
	}
}

func snapshot(mu *sync.Mutex, m map[string]string) map[string]string {
	mu.Lock()
	defer mu.Unlock()
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TestWithStoreScenarioOnce: replicas started with the same scenario install it once; a replica
// started while Redis is down with a scenario does not start.
func TestWithStoreScenarioOnce(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, redistest.Options{})
	sc := &faults.Scenario{Rules: []faults.Rule{{ID: "boot", Calls: faults.Calls{First: 1}, Outcome: &faults.Outcome{Error: spec.CodeThrottlingUser}}}}
	reps := replicas(t, 3, r.URL(0), "scenario", fake.WithScenario(sc))
	assert.Equal(t, []string{"boot"}, ruleIDs(rulesOf(t, reps[2])))
	var got []string
	for i := range 3 {
		rp := storeCall(reps[i], valid())
		require.NoError(t, rp.err)
		got = append(got, rp.code())
	}
	assert.Equal(t, []string{"Throttling.User", "Success", "Success"}, got, "one rule, counted once for the environment")

	r.Kill(t)
	_, err := fake.New(fake.WithStore(r.URL(0), "scenario"), fake.WithScenario(sc))
	assert.ErrorIs(t, err, fake.ErrStore)
}

func ruleIDs(rules []faults.Rule) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.ID
	}
	return out
}
