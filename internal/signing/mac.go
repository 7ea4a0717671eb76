package signing

import (
	"crypto/sha1" //nolint:gosec // HMAC-SHA1 is what the V1 protocol specifies.
	"crypto/sha256"
	"sync"
)

// macPrefix is the room reserved at the start of a scratch buffer for the HMAC inner pad, so that
// the message can be built in place right after it and hashed without a copy.
const macPrefix = 64 // the block size of both SHA-1 and SHA-256

var zeroPrefix [macPrefix]byte

// hmacSHA1 returns HMAC-SHA1(key, buf[macPrefix:]), overwriting buf[:macPrefix]. It is the
// RFC 2104 construction over sha1.Sum, which does not allocate (crypto/hmac allocates its state).
func hmacSHA1[K string | []byte](key K, buf []byte) [sha1.Size]byte {
	var k0 [macPrefix]byte
	if len(key) > macPrefix {
		sum := sha1.Sum([]byte(key))
		copy(k0[:], sum[:])
	} else {
		copy(k0[:], key)
	}
	for i := range k0 {
		buf[i] = k0[i] ^ 0x36
	}
	inner := sha1.Sum(buf)
	var outer [macPrefix + sha1.Size]byte
	for i := range k0 {
		outer[i] = k0[i] ^ 0x5c
	}
	copy(outer[macPrefix:], inner[:])
	return sha1.Sum(outer[:])
}

// hmacSHA256 is hmacSHA1 with SHA-256.
func hmacSHA256[K string | []byte](key K, buf []byte) [sha256.Size]byte {
	var k0 [macPrefix]byte
	if len(key) > macPrefix {
		sum := sha256.Sum256([]byte(key))
		copy(k0[:], sum[:])
	} else {
		copy(k0[:], key)
	}
	for i := range k0 {
		buf[i] = k0[i] ^ 0x36
	}
	inner := sha256.Sum256(buf)
	var outer [macPrefix + sha256.Size]byte
	for i := range k0 {
		outer[i] = k0[i] ^ 0x5c
	}
	copy(outer[macPrefix:], inner[:])
	return sha256.Sum256(outer[:])
}

// scratch holds reusable buffers for building canonical strings.
type scratch struct {
	a, b []byte   // canonical text; StringToSign behind a macPrefix gap
	keys []string // sorted parameter names
	vals []string // sorted values of one repeated name
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{a: make([]byte, 0, 1024), b: make([]byte, 0, 2048)}
}}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// maxPooled bounds the buffers kept in the pool so one huge request does not pin memory.
const maxPooled = 64 << 10

func putScratch(s *scratch) {
	if cap(s.a) > maxPooled || cap(s.b) > maxPooled || cap(s.keys) > 1024 {
		return
	}
	clear(s.keys[:cap(s.keys)]) // drop references to request strings
	clear(s.vals[:cap(s.vals)])
	s.a, s.b, s.keys, s.vals = s.a[:0], s.b[:0], s.keys[:0], s.vals[:0]
	scratchPool.Put(s)
}
