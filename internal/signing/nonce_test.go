package signing

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// step is one call of Seen in a sequence: the nonce, when (after testNow), whether it must be
// reported as seen, and the cache's Len after the call (0: not checked).
type step struct {
	nonce string
	at    time.Duration
	seen  bool
	len   int
}

// TestNonceCacheSequences runs Seen sequences against expectations written by hand from the
// documented rules: a nonce is remembered from its first use for exactly the window (a reuse does
// not extend it), expired entries are dropped as new ones arrive, and a full cache evicts the
// oldest insertion first.
func TestNonceCacheSequences(t *testing.T) {
	t.Parallel()
	const ns = time.Nanosecond
	tests := []struct {
		name   string
		window time.Duration
		max    int
		steps  []step
	}{
		{name: "remembered until the window ends, forgotten at its end", window: time.Minute, max: 10, steps: []step{
			{"a", 0, false, 1},
			{"a", time.Minute - ns, true, 1},
			{"a", time.Minute, false, 1}, // recorded anew: a fresh window from 1m
			{"a", 2*time.Minute - ns, true, 1},
			{"a", 2 * time.Minute, false, 1},
		}},
		{name: "a reuse does not extend the window", window: time.Minute, max: 10, steps: []step{
			{"a", 0, false, 1},
			{"a", 30 * time.Second, true, 1},
			{"a", 59 * time.Second, true, 1},
			{"a", time.Minute, false, 1},
		}},
		{name: "nonces are independent", window: time.Minute, max: 10, steps: []step{
			{"a", 0, false, 1},
			{"b", 0, false, 2},
			{"a", 0, true, 2},
			{"b", 0, true, 2},
			{"A", 0, false, 3},
			{"", 0, false, 4},
			{"", 0, true, 4},
		}},
		{name: "expired entries are dropped when a nonce arrives", window: time.Minute, max: 10, steps: []step{
			{"a", 0, false, 1},
			{"b", 30 * time.Second, false, 2},
			{"c", time.Minute, false, 2}, // a expires at 1m exactly and is dropped
			{"b", 90*time.Second - ns, true, 2},
			{"b", 90 * time.Second, false, 2}, // b expired and is dropped; b is recorded anew
			{"c", 95 * time.Second, true, 2},
			{"d", 3 * time.Minute, false, 1}, // everything else expired
		}},
		{name: "a full cache evicts the oldest insertion", window: time.Hour, max: 3, steps: []step{
			{"0", 0, false, 1},
			{"1", 0, false, 2},
			{"2", 0, false, 3},
			{"3", 0, false, 3}, // evicts 0
			{"3", 0, true, 3},
			{"2", 0, true, 3},
			{"1", 0, true, 3},
			{"0", 0, false, 3}, // forgotten; recorded anew, evicts 1
			{"2", 0, true, 3},
			{"1", 0, false, 3}, // evicts 2
			{"3", 0, true, 3},
			{"2", 0, false, 3},
		}},
		{name: "a reuse does not save a nonce from eviction", window: time.Hour, max: 2, steps: []step{
			{"a", 0, false, 1},
			{"b", 0, false, 2},
			{"a", time.Second, true, 2},
			{"c", 2 * time.Second, false, 2}, // a is still the oldest insertion
			{"b", 3 * time.Second, true, 2},
			{"a", 3 * time.Second, false, 2},
		}},
		{name: "a clock that jumps back leaves no stale entry behind", window: time.Minute, max: 100, steps: []step{
			{"late", 10 * time.Minute, false, 1},
			{"early", 0, false, 2},
			// "early" expired but sits behind "late" in the queue: it counts as fresh, and its
			// stale queue entry must not delete the new one.
			{"early", time.Minute, false, 2},
			{"early", time.Minute, true, 2},
			{"x", 20 * time.Minute, false, 1}, // drains everything expired
		}},
		{name: "a stale queue entry does not forget the nonce recorded anew", window: time.Minute, max: 100, steps: []step{
			{"late", 10 * time.Minute, false, 1},
			{"early", 0, false, 2},
			{"early", 10*time.Minute + 30*time.Second, false, 2}, // expired: recorded anew until 11m30s
			{"x", 11 * time.Minute, false, 2},                    // pops late and early's stale entry
			{"early", 11 * time.Minute, true, 2},
			{"early", 11*time.Minute + 30*time.Second, false, 2},
		}},
		{name: "zero window and size select 15 minutes", steps: []step{
			{"a", 0, false, 1},
			{"a", 15*time.Minute - ns, true, 1},
			{"a", 15 * time.Minute, false, 1},
		}},
		{name: "negative window and size select 15 minutes", window: -1, max: -1, steps: []step{
			{"a", 0, false, 1},
			{"a", 15*time.Minute - ns, true, 1},
			{"a", 15 * time.Minute, false, 1},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := NewNonceCache(tc.window, tc.max)
			for i, st := range tc.steps {
				assert.Equal(t, st.seen, c.Seen(st.nonce, testNow.Add(st.at)), "step %d: Seen(%q) at +%s", i+1, st.nonce, st.at)
				if st.len != 0 {
					assert.Equal(t, st.len, c.Len(), "step %d: Len after Seen(%q) at +%s", i+1, st.nonce, st.at)
				}
			}
		})
	}
}

// TestNonceCacheDefaultSize: with the default size a cache holds exactly 100,000 nonces; the
// next one evicts the oldest.
func TestNonceCacheDefaultSize(t *testing.T) {
	t.Parallel()
	c := NewNonceCache(0, 0)
	for i := range 100_000 {
		require.False(t, c.Seen(strconv.Itoa(i), testNow))
	}
	assert.Equal(t, 100_000, c.Len())
	assert.True(t, c.Seen("0", testNow), "the oldest is still remembered when the cache is just full")
	assert.False(t, c.Seen("one more", testNow))
	assert.Equal(t, 100_000, c.Len())
	assert.False(t, c.Seen("0", testNow), "the oldest was evicted")
	assert.True(t, c.Seen("2", testNow))
}

// TestNonceCacheSteadyState checks that memory stays bounded over many windows.
func TestNonceCacheSteadyState(t *testing.T) {
	t.Parallel()
	c := NewNonceCache(time.Second, 1000)
	now := testNow
	for i := range 100_000 {
		now = now.Add(time.Millisecond)
		require.False(t, c.Seen(strconv.Itoa(i), now))
	}
	assert.LessOrEqual(t, c.Len(), 1001)
	c.mu.Lock()
	defer c.mu.Unlock()
	assert.LessOrEqual(t, len(c.queue)-c.head, 2000)
	assert.LessOrEqual(t, cap(c.queue), 8192)
}

func TestNonceCacheConcurrent(t *testing.T) {
	t.Parallel()
	c := NewNonceCache(0, 0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh := 0
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				// Every goroutine tries the same 500 nonces; each must be fresh exactly once.
				if !c.Seen(strconv.Itoa(i), testNow.Add(time.Duration(g))) {
					mu.Lock()
					fresh++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 500, fresh)
	assert.Equal(t, 500, c.Len())
}
