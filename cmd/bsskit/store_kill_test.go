package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/internal/redistest"
)

// TestStoreReplicaSIGKILL runs three bsskit serve replicas over one Redis and kills one with
// SIGKILL while eight clients keep ordering through all three: every order any replica
// acknowledged is in the shared store, and its ClientToken replays it through another replica.
func TestStoreReplicaSIGKILL(t *testing.T) {
	t.Parallel()
	bin := buildBsskit(t)
	r := redistest.Start(t, redistest.Options{AppendOnly: true})
	args := []string{"--addr", "127.0.0.1:0", "--store", r.URL(0), "--store-env", "kill"}
	reps := []*proc{startProc(t, bin, args...), startProc(t, bin, args...), startProc(t, bin, args...)}

	var (
		mu     sync.Mutex
		acks   = map[string]ack{} // guarded by mu
		nAcked atomic.Int32
		wg     sync.WaitGroup
	)
	killed, reached := make(chan struct{}), make(chan struct{})
	for w := range 8 {
		wg.Go(func() {
			for i := range 30 {
				tok := fmt.Sprintf("kill-%d-%d", w, i)
				a, err := tryOrder(reps[(w+i)%3].url, tok) // errors: the killed replica
				if err == nil {
					mu.Lock()
					acks[tok] = a
					mu.Unlock()
					if nAcked.Add(1) == 40 {
						close(reached)
					}
				}
				if i == 10 {
					<-killed // the kill lands while the other workers are mid-run
				}
			}
		})
	}
	<-reached
	require.NoError(t, reps[0].cmd.Process.Signal(syscall.SIGKILL))
	close(killed)
	<-reps[0].done
	reps[0].done <- nil // for the cleanup
	wg.Wait()

	resp, err := http.Get(reps[1].url + "/__admin/orders")
	require.NoError(t, err)
	var orders []struct {
		OrderID     string `json:"orderId"`
		ClientToken string `json:"clientToken"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&orders))
	resp.Body.Close()
	stored := map[string]string{}
	for _, o := range orders {
		stored[o.ClientToken] = o.OrderID
	}
	require.GreaterOrEqual(t, len(acks), 40)
	for tok, a := range acks {
		assert.Equal(t, a.OrderID, stored[tok], "acknowledged order of %s is stored", tok)
		assert.Equal(t, a, order(t, reps[2].url, tok), "ClientToken %s replays its order on another replica", tok)
	}
	assert.Less(t, len(acks), 8*30, "the killed replica answered nothing after the kill")
}

func TestServeStoreUsageErrors(t *testing.T) {
	t.Parallel()
	assertUsageErrors(t, []usageCase{
		{"store and state", []string{"serve", "--store", "redis://127.0.0.1:1/0", "--state", "orders.jsonl"}, "--store and --state do not go together"},
	})
}

// TestServeStoreBadURL: a --store that is not a Redis URL stops the start with the reason, and a
// password in it is not printed.
func TestServeStoreBadURL(t *testing.T) {
	t.Parallel()
	bin := buildBsskit(t)
	for _, tc := range []struct{ store, want string }{
		{"http://127.0.0.1:1/0", "want redis://HOST:PORT/DB"},
		{"redis://:hunter2@127.0.0.1:1/notadb", "redis://***@127.0.0.1:1/notadb"},
	} {
		t.Run(tc.store, func(t *testing.T) {
			code, out := runProc(t, bin, "--addr", "127.0.0.1:0", "--store", tc.store)
			assert.Equal(t, exitFail, code)
			assert.Contains(t, out, tc.want)
			assert.NotContains(t, out, "hunter2")
		})
	}
}
