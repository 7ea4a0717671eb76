package fake_test

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/spec"
)

// TestStress runs 64 concurrent clients mixing new orders, duplicate ClientTokens, invalid calls,
// admin reads, injected errors and transport faults, with resets in a first phase, against a server
// with a state file; then checks one order per ClientToken (in memory and after a restart), every
// answer of a token naming the same order, a complete journal, and no goroutine left behind. It is
// not parallel: it counts the process's goroutines.
func TestStress(t *testing.T) {
	if testing.Short() {
		t.Skip("stress test")
	}
	const clients, perClient = 64, 20
	goroutinesBefore := runtime.NumGoroutine()
	path := filepath.Join(t.TempDir(), "state.jsonl")
	srv, err := fake.New(fake.WithStateFile(path), fake.WithJournalLimit(1<<16), fake.WithSeed(42))
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}

	var transportErrs, injected atomic.Int64
	type seen struct {
		mu      sync.Mutex
		byToken map[string]map[string]bool // ClientToken -> OrderIds answered (phase 2)
	}
	answers := &seen{byToken: map[string]map[string]bool{}}

	post := func(q string) (int, string) {
		resp, err := client.Post(srv.URL()+"/?"+q, "", nil)
		if err != nil {
			transportErrs.Add(1)
			return 0, ""
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			transportErrs.Add(1)
			return 0, ""
		}
		return resp.StatusCode, string(b)
	}
	orderOf := func(body string) string {
		i := strings.Index(body, `"OrderId":"`)
		if i < 0 {
			return ""
		}
		rest := body[i+len(`"OrderId":"`):]
		return rest[:strings.IndexByte(rest, '"')]
	}

	phase := func(name string, withResets bool) {
		var wg sync.WaitGroup
		stop := make(chan struct{})
		var side sync.WaitGroup
		side.Add(1)
		go func() { // fault injector and resetter
			defer side.Done()
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				switch i % 4 {
				case 0:
					_, err := srv.Faults().Add(faults.FailNext(spec.CodeServiceUnavailable))
					assert.NoError(t, err)
				case 1:
					_, err := srv.Faults().Add(faults.FaultNext(faults.FaultEmpty))
					assert.NoError(t, err)
				case 2:
					_, err := srv.Faults().Add(faults.Rule{Calls: faults.Calls{First: 1}, Outcome: &faults.Outcome{Error: spec.CodeServiceUnavailable, AfterCommit: true}})
					assert.NoError(t, err)
				case 3:
					if withResets {
						resp, err := client.Post(srv.URL()+"/__admin/reset", "", nil)
						if assert.NoError(t, err) {
							resp.Body.Close()
						}
					}
				}
			}
		}()
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perClient {
					var q, token string
					switch (c + i) % 10 {
					case 0, 1, 2, 3, 4:
						token = fmt.Sprintf("%s-u-%d-%d", name, c, i)
					case 5, 6, 7:
						token = fmt.Sprintf("%s-d-%d", name, (c*7+i)%16)
					case 8:
						q = with(valid(), "ProductCode", "nope").Encode()
					case 9:
						resp, err := client.Get(srv.URL() + []string{"/__admin/health", "/__admin/orders", "/__admin/faults"}[i%3])
						if assert.NoError(t, err) {
							_, _ = io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							assert.Equal(t, 200, resp.StatusCode)
						}
						continue
					}
					if token != "" {
						q = with(valid(), "ClientToken", token).Encode()
					}
					status, body := post(q)
					switch {
					case status == 0:
					case status == 503:
						injected.Add(1)
					case token == "":
						assert.Equal(t, 400, status, body)
					default:
						if !assert.Equal(t, 200, status, body) {
							continue
						}
						if !withResets {
							answers.mu.Lock()
							if answers.byToken[token] == nil {
								answers.byToken[token] = map[string]bool{}
							}
							answers.byToken[token][orderOf(body)] = true
							answers.mu.Unlock()
						}
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		side.Wait()
	}
	phase("p1", true)
	phase("p2", false)

	// One order per ClientToken; every answer of a token named that order.
	orders := srv.Orders()
	byToken := map[string]string{}
	for _, o := range orders {
		if o.ClientToken == "" {
			continue
		}
		_, dup := byToken[o.ClientToken]
		require.False(t, dup, "two orders for ClientToken %s", o.ClientToken)
		byToken[o.ClientToken] = o.OrderID
	}
	for token, ids := range answers.byToken {
		require.Len(t, ids, 1, "token %s answered with several OrderIds", token)
		for id := range ids {
			assert.Equal(t, byToken[token], id, "token %s", token)
		}
	}
	// The journal is complete: Seq runs 1..RequestCount() without a gap or a repeat since the last
	// reset (entries are in the order requests finished, so sort them first).
	entries := srv.Journal()
	require.EqualValues(t, srv.RequestCount(), len(entries))
	slices.SortFunc(entries, func(a, b journal.Entry) int { return cmp.Compare(a.Seq, b.Seq) })
	for i, e := range entries {
		require.EqualValues(t, i+1, e.Seq)
	}
	assert.Positive(t, injected.Load(), "faults were injected")
	t.Logf("%d orders, %d journal entries, %d injected 503s, %d transport faults", len(orders), len(entries), injected.Load(), transportErrs.Load())

	srv.Close()
	client.CloseIdleConnections()
	// The state file holds exactly the orders.
	reloaded, err := fake.New(fake.WithStateFile(path))
	require.NoError(t, err)
	assert.Equal(t, utc(orders), utc(reloaded.Orders()))
	reloaded.Close()

	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond) // require.Eventually would count its own goroutine
	defer tick.Stop()
	for ; runtime.NumGoroutine() > goroutinesBefore; <-tick.C {
		if time.Now().After(deadline) {
			var buf strings.Builder
			_ = pprof.Lookup("goroutine").WriteTo(&buf, 1)
			t.Fatalf("goroutines leaked: %d before, %d after:\n%s", goroutinesBefore, runtime.NumGoroutine(), buf.String())
		}
	}
}
