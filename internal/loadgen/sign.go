package loadgen

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"hash"
	"slices"
	"strconv"
	"time"
)

// V1Request builds CreateInstance requests as the old SDK sends them (POST, every parameter in the
// query), each V1-signed (HMAC-SHA1) with its own SignatureNonce and the current Timestamp, so a
// server that rejects replayed nonces accepts every one.
type V1Request struct {
	// Host is the Host header.
	Host string
	// AccessKeyID and Secret sign the requests.
	AccessKeyID, Secret string
	// Params are the business parameters (Action, Version, Format, ProductCode...), one value each.
	Params map[string]string
	// Tokens, when > 0, adds ClientToken "lg-<worker>-<seq mod Tokens>": each worker places Tokens
	// orders and then replays them, so the server's order store stops growing. 0 sends none: every
	// call is a new order.
	Tokens int
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// NoncePrefix distinguishes runs (nonces are NoncePrefix-worker-seq).
	NoncePrefix string
}

// pair is one parameter, already percent-encoded.
type pair struct{ k, v string }

// Factory returns the RequestFunc for workers 0..conns-1, each with its own buffers and HMAC state.
func (r *V1Request) Factory(conns int) RequestFunc {
	fixed := make([]pair, 0, len(r.Params)+8)
	for k, v := range r.Params {
		fixed = append(fixed, pair{pe(k), pe(v)})
	}
	fixed = append(fixed,
		pair{"AccessKeyId", pe(r.AccessKeyID)},
		pair{"SignatureMethod", "HMAC-SHA1"},
		pair{"SignatureType", ""},
		pair{"SignatureVersion", "1.0"},
	)
	now := r.Now
	if now == nil {
		now = time.Now
	}
	type state struct {
		mac         hash.Hash
		pairs       []pair
		canon, sts  []byte
		sum         [sha1.Size]byte
		sig         [28]byte
		ts          string
		tsSec       int64
		nonce, tokn []byte
	}
	states := make([]*state, conns)
	for i := range states {
		states[i] = &state{mac: hmac.New(sha1.New, []byte(r.Secret+"&"))}
	}
	return func(dst []byte, worker int, seq uint64) []byte {
		st := states[worker]
		t := now().UTC()
		if t.Unix() != st.tsSec || st.ts == "" {
			st.tsSec, st.ts = t.Unix(), pe(t.Format("2006-01-02T15:04:05Z"))
		}
		st.nonce = append(st.nonce[:0], r.NoncePrefix...)
		st.nonce = append(st.nonce, '-')
		st.nonce = strconv.AppendInt(st.nonce, int64(worker), 10)
		st.nonce = append(st.nonce, '-')
		st.nonce = strconv.AppendUint(st.nonce, seq, 10)
		st.pairs = append(st.pairs[:0], fixed...)
		st.pairs = append(st.pairs, pair{"SignatureNonce", pe(string(st.nonce))}, pair{"Timestamp", st.ts})
		if r.Tokens > 0 {
			st.tokn = append(st.tokn[:0], "lg-"...)
			st.tokn = strconv.AppendInt(st.tokn, int64(worker), 10)
			st.tokn = append(st.tokn, '-')
			st.tokn = strconv.AppendUint(st.tokn, seq%uint64(r.Tokens), 10)
			st.pairs = append(st.pairs, pair{"ClientToken", string(st.tokn)})
		}
		slices.SortFunc(st.pairs, func(a, b pair) int {
			switch {
			case a.k < b.k:
				return -1
			case a.k > b.k:
				return 1
			}
			return 0
		})
		st.canon = st.canon[:0]
		for i, p := range st.pairs {
			if i > 0 {
				st.canon = append(st.canon, '&')
			}
			st.canon = append(st.canon, p.k...)
			st.canon = append(st.canon, '=')
			st.canon = append(st.canon, p.v...)
		}
		st.sts = append(st.sts[:0], "POST&%2F&"...)
		st.sts = appendPE(st.sts, st.canon)
		st.mac.Reset()
		st.mac.Write(st.sts)
		base64.StdEncoding.Encode(st.sig[:], st.mac.Sum(st.sum[:0]))

		dst = append(dst, "POST /?"...)
		dst = append(dst, st.canon...)
		dst = append(dst, "&Signature="...)
		dst = appendPE(dst, st.sig[:])
		dst = append(dst, " HTTP/1.1\r\nHost: "...)
		dst = append(dst, r.Host...)
		dst = append(dst, "\r\nUser-Agent: bsskit-loadgen\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n"...)
		return dst
	}
}

// unreserved marks the RFC 3986 unreserved bytes, which the V1 percent-encoding keeps.
var unreserved = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
	}
	return t
}()

func appendPE[T string | []byte](dst []byte, s T) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

func pe(s string) string { return string(appendPE(nil, s)) }

// FixedRequest returns a RequestFunc that sends the same bytes every time.
func FixedRequest(req []byte) RequestFunc {
	return func(dst []byte, _ int, _ uint64) []byte { return append(dst, req...) }
}
