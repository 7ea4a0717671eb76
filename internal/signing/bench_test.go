package signing

import (
	"net/http"
	"testing"
	"time"
)

// benchVerifier re-verifies one request: its clock advances 1µs per call and its nonce window is
// 1ns, so the nonce cache does its full work (expire, insert) without rejecting the replay.
func benchVerifier() *Verifier {
	now := testNow
	v := newTestVerifier(testNow)
	v.Now = func() time.Time { now = now.Add(time.Microsecond); return now }
	v.Nonces = NewNonceCache(time.Nanosecond, 0)
	return v
}

func BenchmarkVerifyV1(b *testing.B) {
	r := signedV1(akCred, testNow, "f75ccf2f7983133b4a6cad2ff659fd4f")
	v := benchVerifier()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyV3(b *testing.B) {
	r := signedV3(b, nil, akCred, testNow, "b2ad0f8c270e1abcc6e2a65ced039934")
	v := benchVerifier()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignV1(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		p := v1Params()
		b.StartTimer()
		SignV1(http.MethodPost, p, akCred, testNow, "f75ccf2f7983133b4a6cad2ff659fd4f")
	}
}

func BenchmarkSignV3(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		req := newV3Request(b, nil)
		b.StartTimer()
		if err := SignV3(req, nil, akCred, testNow, "b2ad0f8c270e1abcc6e2a65ced039934"); err != nil {
			b.Fatal(err)
		}
	}
}
