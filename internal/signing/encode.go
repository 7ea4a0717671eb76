package signing

import "strings"

// unreserved marks the RFC 3986 unreserved bytes: A-Z a-z 0-9 - _ . ~
var unreserved = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['-'], t['_'], t['.'], t['~'] = true, true, true, true
	return t
}()

const upperHex = "0123456789ABCDEF"

// PercentEncode encodes s as the Alibaba Cloud signatures do (RFC 3986): the bytes A-Z a-z 0-9
// - _ . ~ are kept and every other byte becomes %XX with uppercase hex, so a space is "%20", "*" is
// "%2A" and "~" stays. It returns s itself when nothing needs encoding.
func PercentEncode(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved[s[i]] {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		}
	}
	return b.String()
}

// appendPercentEncode appends the encoding of s to dst, copying runs of unreserved bytes whole.
func appendPercentEncode[T string | []byte](dst []byte, s T) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] {
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		start = i + 1
	}
	return append(dst, s[start:]...)
}
