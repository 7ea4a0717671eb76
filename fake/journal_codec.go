package fake

import (
	"encoding/binary"
	"errors"
	"net/http"
	"time"
)

// The shared journal (WithStore) keeps each entry as the replica saw it, unredacted, as memory
// mode does: redaction and copying happen when the journal is read (export). The encoding is a
// flat run of uvarint-length-prefixed strings, cheap to write on the hot path: the entry's
// scalars, then the request's and the response's headers as counted key/value lists.

// replayedFlag is the Replayed bit of an encoding's first byte, the flags (four bits: one byte as a
// uvarint), which the shared store's place script sets on a replay (store_redis.go).
const replayedFlag = 1 << 2

// appendRawEntry appends e's encoding to dst.
func appendRawEntry(dst []byte, e *rawEntry) []byte {
	str := func(s string) {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	hdr := func(h http.Header) {
		n := 0
		for _, vs := range h {
			n += len(vs)
		}
		dst = binary.AppendUvarint(dst, uint64(n))
		for k, vs := range h {
			for _, v := range vs {
				str(k)
				str(v)
			}
		}
	}
	var flags uint64
	for i, b := range []bool{e.formBody, e.respStd, e.Replayed, e.Aborted} {
		if b {
			flags |= 1 << i
		}
	}
	dst = binary.AppendUvarint(dst, flags)
	dst = binary.AppendVarint(dst, e.Time.UnixNano())
	dst = binary.AppendUvarint(dst, uint64(e.Status))
	for _, s := range []string{e.Method, e.Path, e.rawQuery, string(e.body), e.Action, e.Version, e.Format,
		e.AccessKeyID, e.ProductCode, e.ClientToken, e.Code, e.RequestID, string(e.respBody), e.OrderID,
		e.Rule, e.Fault, e.Note, e.Site, e.Endpoint} {
		str(s)
	}
	hdr(e.header)
	hdr(e.respHdr)
	return dst
}

var errBadEntry = errors.New("fake: shared store: a journal entry does not decode")

// decodeRawEntry reverses appendRawEntry.
func decodeRawEntry(b []byte) (rawEntry, error) {
	var e rawEntry
	bad := false
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	str := func() string {
		n := uv()
		if bad || n > uint64(len(b)) {
			bad = true
			return ""
		}
		s := string(b[:n])
		b = b[n:]
		return s
	}
	hdr := func() http.Header {
		n := uv()
		if bad || n > uint64(len(b)) {
			bad = true
			return nil
		}
		if n == 0 {
			return nil
		}
		h := http.Header{}
		for range n {
			k := str()
			h[k] = append(h[k], str())
		}
		return h
	}
	flags := uv()
	t, n := binary.Varint(b)
	if n <= 0 {
		return e, errBadEntry
	}
	b = b[n:]
	e.formBody, e.respStd, e.Replayed, e.Aborted = flags&1 != 0, flags&2 != 0, flags&4 != 0, flags&8 != 0
	e.Time = time.Unix(0, t).UTC()
	e.Status = int(uv())
	var body, respBody string
	for _, p := range []*string{&e.Method, &e.Path, &e.rawQuery, &body, &e.Action, &e.Version, &e.Format,
		&e.AccessKeyID, &e.ProductCode, &e.ClientToken, &e.Code, &e.RequestID, &respBody, &e.OrderID,
		&e.Rule, &e.Fault, &e.Note, &e.Site, &e.Endpoint} {
		*p = str()
	}
	e.body, e.respBody = []byte(body), []byte(respBody)
	e.header = hdr()
	e.respHdr = hdr()
	if bad || len(b) != 0 {
		return rawEntry{}, errBadEntry
	}
	return e, nil
}
