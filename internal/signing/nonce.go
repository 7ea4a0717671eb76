package signing

import (
	"hash/maphash"
	"sync"
	"time"
)

// Defaults of [NewNonceCache].
const (
	// DefaultNonceWindow is how long a nonce is remembered: the gateway rejects a nonce reused
	// within 15 minutes.
	DefaultNonceWindow = 15 * time.Minute
	// DefaultMaxNonces bounds the number of remembered nonces.
	DefaultMaxNonces = 100_000
)

// NonceCache remembers nonces for a window of time to detect replays. It is safe for concurrent
// use, runs no goroutine and keeps at most a fixed number of entries: expired entries are dropped
// incrementally on each insert (amortised O(1)), and when the cache is full the oldest entry is
// evicted, which reopens that nonce to a replay. Time comes only from the callers' now arguments.
//
// Nonces are remembered by a 64-bit hash (hash/maphash, seeded per cache), not by their text: an
// entry is 24 bytes without pointers, so a full cache of 100,000 nonces takes a few megabytes that
// the garbage collector never scans, and remembering a nonce allocates nothing. Two different
// nonces collide with probability about n/2^64 (1 in 10^14 for a full default cache), which would
// report a fresh nonce as reused.
//
// A request signed at T is accepted while the server clock is within T±skew, so a window of twice
// the skew closes every replay; the gateway's documented 15 minutes is the default.
type NonceCache struct {
	window time.Duration
	max    int
	seed   maphash.Seed

	mu      sync.Mutex            // guards the fields below
	seq     uint64                // insert counter, tells a live queue entry from a stale one
	entries map[uint64]nonceEntry // key hash -> expiry and insert number
	queue   []queuedNonce         // key hashes in insertion order; queue[head:] is live
	head    int
}

type nonceEntry struct {
	expires int64 // Unix nanoseconds
	seq     uint64
}

type queuedNonce struct {
	key uint64
	nonceEntry
}

// NewNonceCache returns a cache that remembers each nonce for window and keeps at most
// maxEntries nonces. Zero or negative values select [DefaultNonceWindow] and [DefaultMaxNonces].
func NewNonceCache(window time.Duration, maxEntries int) *NonceCache {
	if window <= 0 {
		window = DefaultNonceWindow
	}
	if maxEntries <= 0 {
		maxEntries = DefaultMaxNonces
	}
	return &NonceCache{window: window, max: maxEntries, seed: maphash.MakeSeed(), entries: make(map[uint64]nonceEntry)}
}

// Seen records nonce at time now and reports whether it was already recorded within the window.
// A reused nonce is not recorded again (its window is not extended).
func (c *NonceCache) Seen(nonce string, now time.Time) bool {
	key := maphash.String(c.seed, nonce)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seenLocked(key, now)
}

// seenScoped is Seen for the key scope+"\x00"+nonce, hashed without building it.
func (c *NonceCache) seenScoped(scope, nonce string, now time.Time) bool {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(scope)
	h.WriteByte(0)
	h.WriteString(nonce)
	key := h.Sum64()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seenLocked(key, now)
}

// Len returns the number of nonces currently remembered, expired ones not yet dropped included.
func (c *NonceCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func (c *NonceCache) seenLocked(key uint64, now time.Time) bool {
	t := now.UnixNano()
	c.expireLocked(t)
	if e, ok := c.entries[key]; ok && t < e.expires {
		return true
	}
	for c.head < len(c.queue) && (len(c.entries) >= c.max || len(c.queue)-c.head >= 2*c.max) {
		c.popLocked()
	}
	c.seq++
	e := nonceEntry{expires: t + int64(c.window), seq: c.seq}
	c.entries[key] = e
	c.queue = append(c.queue, queuedNonce{key: key, nonceEntry: e})
	return false
}

// expireLocked drops expired entries from the front of the queue. Entries are in insertion order,
// so with a monotonic clock every expired entry is at the front; with a clock that jumps back a few
// expired ones may linger until they reach the front or are evicted.
func (c *NonceCache) expireLocked(now int64) {
	for c.head < len(c.queue) && c.queue[c.head].expires <= now {
		c.popLocked()
	}
}

// popLocked removes the oldest queue entry and its map entry, unless the key was re-inserted since.
func (c *NonceCache) popLocked() {
	q := c.queue[c.head]
	if e, ok := c.entries[q.key]; ok && e.seq == q.seq {
		delete(c.entries, q.key)
	}
	c.queue[c.head] = queuedNonce{}
	c.head++
	switch {
	case c.head == len(c.queue):
		c.queue, c.head = c.queue[:0], 0
	case c.head >= 1024 && 2*c.head >= len(c.queue):
		n := copy(c.queue, c.queue[c.head:])
		clear(c.queue[n:])
		c.queue, c.head = c.queue[:n], 0
	}
}
