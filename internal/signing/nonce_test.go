package signing

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNonceCacheWindow(t *testing.T) {
	t.Parallel()
	c := NewNonceCache(time.Minute, 10)
	t0 := testNow

	assert.False(t, c.Seen("a", t0))
	assert.True(t, c.Seen("a", t0.Add(59*time.Second)))
	assert.False(t, c.Seen("b", t0.Add(30*time.Second)))
	// "a" expires a minute after it was first recorded; a reuse does not extend it.
	assert.False(t, c.Seen("a", t0.Add(time.Minute)))
	assert.Equal(t, 2, c.Len())
	assert.True(t, c.Seen("a", t0.Add(90*time.Second)))
	// "b" expired at 1m30s and was dropped when "c" was inserted.
	assert.False(t, c.Seen("c", t0.Add(95*time.Second)))
	assert.Equal(t, 2, c.Len(), "a and c remain")
	assert.False(t, c.Seen("b", t0.Add(95*time.Second)))
}

func TestNonceCacheBounded(t *testing.T) {
	t.Parallel()
	c := NewNonceCache(time.Hour, 3)
	for i := range 5 {
		assert.False(t, c.Seen(strconv.Itoa(i), testNow))
	}
	assert.Equal(t, 3, c.Len())
	// The oldest (0, 1) were evicted; 2..4 are still remembered.
	assert.True(t, c.Seen("4", testNow))
	assert.True(t, c.Seen("2", testNow))
	assert.False(t, c.Seen("0", testNow))
	assert.Equal(t, 3, c.Len())
}

func TestNonceCacheClockJumpsBack(t *testing.T) {
	t.Parallel()
	c := NewNonceCache(time.Minute, 100)
	assert.False(t, c.Seen("late", testNow.Add(10*time.Minute)))
	assert.False(t, c.Seen("early", testNow))
	// "early" expired but sits behind "late" in the queue; it must still count as fresh and the
	// stale queue entry must not delete the new one.
	assert.False(t, c.Seen("early", testNow.Add(2*time.Minute)))
	assert.True(t, c.Seen("early", testNow.Add(2*time.Minute)))
	assert.False(t, c.Seen("x", testNow.Add(20*time.Minute))) // drains everything expired
	assert.Equal(t, 1, c.Len())
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

func TestNonceCacheDefaults(t *testing.T) {
	t.Parallel()
	c := NewNonceCache(-1, -1)
	assert.Equal(t, DefaultNonceWindow, c.window)
	assert.Equal(t, DefaultMaxNonces, c.max)
}
