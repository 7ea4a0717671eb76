package fake_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/internal/sdkcall"
	"github.com/bsskit/bsskit/internal/signing"
	"github.com/bsskit/bsskit/spec"
)

// The benchmarks of this file are what `make bench` runs for the fake; compare two runs with
// `make benchstat` (docs/performance.md). Signature verification itself is benchmarked in
// internal/signing (BenchmarkVerifyV1, BenchmarkVerifyV3) and a contract run in package contract.

const (
	benchAK     = "benchAccessKeyId"
	benchSecret = "benchAccessKeySecret"
)

// BenchmarkServerStartClose starts and stops an embedded fake: NewServer (spec check on, its
// default), New+Start without it, and New alone (no listener).
func BenchmarkServerStartClose(b *testing.B) {
	b.Run("ctor=NewServer/spec=on", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			srv := fake.NewServer(b)
			srv.Close()
		}
	})
	b.Run("ctor=New+Start/spec=off", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			srv, err := fake.New()
			if err != nil {
				b.Fatal(err)
			}
			if err := srv.Start(); err != nil {
				b.Fatal(err)
			}
			srv.Close()
		}
	})
	b.Run("ctor=New/spec=off", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := fake.New(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchCase is one configuration of the CreateInstance benchmarks.
type benchCase struct {
	spec  bool // fake.WithSpecCheck: every response validated against the spec
	rules int  // fault rules loaded, none of which fires
	v1    bool // credentials configured, every request freshly V1-signed
}

func (c benchCase) name() string {
	onOff := map[bool]string{true: "on", false: "off"}
	auth := "none"
	if c.v1 {
		auth = "v1"
	}
	return fmt.Sprintf("spec=%s/rules=%d/auth=%s", onOff[c.spec], c.rules, auth)
}

var benchCases = []benchCase{
	{},
	{spec: true},
	{rules: 50},
	{v1: true},
	{spec: true, rules: 50, v1: true},
}

// benchServer returns a fake configured for c. It reports a response that fails the spec check as
// a benchmark failure.
func benchServer(b *testing.B, c benchCase) *fake.Server {
	b.Helper()
	opts := []fake.Option{fake.WithSeed(1)}
	if c.spec {
		opts = append(opts, fake.WithSpecCheck(func(err error) { b.Errorf("spec check: %v", err) }))
	}
	if c.v1 {
		opts = append(opts, fake.WithCredentials(benchAK, benchSecret))
	}
	srv, err := fake.New(opts...)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := srv.Faults().Add(benchRules(c.rules)...); err != nil {
		b.Fatal(err)
	}
	return srv
}

// benchRules returns n fault rules that the benchmark requests reach and never match: every kind
// of matcher (exact, prefix, regexp, parameters, headers) so the rule stage does its full work.
func benchRules(n int) []faults.Rule {
	rules := make([]faults.Rule, n)
	for i := range rules {
		s := strconv.Itoa(i)
		var m faults.Match
		switch i % 5 {
		case 0:
			m.ProductCode = faults.Exact("never-" + s)
		case 1:
			m.ClientToken = faults.Prefix("never-" + s + "-")
		case 2:
			m.AccessKeyID = faults.Regexp("^never-" + s + "$")
		case 3:
			m.Params = map[string]*faults.StringMatch{"Period": faults.Exact("9" + s)}
		case 4:
			m.Headers = map[string]*faults.StringMatch{"X-Never": faults.Exact(s)}
		}
		rules[i] = faults.Rule{ID: "bench-" + s, Match: m, Outcome: &faults.Outcome{Error: spec.CodeInternalError}}
	}
	return rules
}

// querySource yields the query strings of valid pay-as-you-go rtc orders, each a new order (no
// ClientToken); with v1 each is freshly signed (its own nonce). Every 1024 requests, off the
// timer, it builds the next batch, and every 64Ki it resets the server, so the order store stays
// bounded and every iteration measures about the same work however large b.N grows.
type querySource struct {
	b     *testing.B
	srv   *fake.Server
	v1    bool
	batch []string
	next  int
	n     int
	cpu   cpuMeter // CPU time while the timer runs
}

func (q *querySource) get() string {
	if q.next == len(q.batch) {
		q.cpu.pause()
		q.b.StopTimer()
		if q.n%(64*1024) == 0 {
			q.srv.Reset()
		}
		q.batch = q.batch[:0]
		now := time.Now()
		for range 1024 {
			p := benchParams()
			q.n++
			if q.v1 {
				signing.SignV1(http.MethodPost, p, signing.Credentials{AccessKeyID: benchAK, AccessKeySecret: benchSecret},
					now, "bench-nonce-"+strconv.Itoa(q.n))
			}
			q.batch = append(q.batch, p.Encode())
		}
		q.next = 0
		q.b.StartTimer()
		q.cpu.resume()
	}
	q.next++
	return q.batch[q.next-1]
}

// cpuMeter reports the process's CPU time per iteration while the benchmark timer runs (user and
// system, every thread: the handler, the garbage collector and, over loopback, the client too) as
// cpu-ns/op. On a busy machine it moves less than ns/op, which counts time spent waiting for a core.
type cpuMeter struct{ total, mark time.Duration }

func (m *cpuMeter) resume() { m.mark = cpuTime() }
func (m *cpuMeter) pause()  { m.total += cpuTime() - m.mark }

func (m *cpuMeter) report(b *testing.B, n int) {
	m.pause()
	if n > 0 {
		b.ReportMetric(float64(m.total)/float64(n), "cpu-ns/op")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchParams() url.Values {
	return url.Values{
		"Action":            {"CreateInstance"},
		"Version":           {"2017-12-14"},
		"Format":            {"JSON"},
		"ProductCode":       {"rtc"},
		"SubscriptionType":  {"PayAsYouGo"},
		"Parameter.1.Code":  {"ServiceType"},
		"Parameter.1.Value": {"universal"},
	}
}

// discardWriter is the cheapest http.ResponseWriter: the handler's own cost is what is measured.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkCreateInstance sends one valid CreateInstance (a new order each time) through the
// handler in process (via=handler) and through a client over loopback (via=loopback).
func BenchmarkCreateInstance(b *testing.B) {
	for _, c := range benchCases {
		b.Run("via=handler/"+c.name(), func(b *testing.B) {
			srv := benchServer(b, c)
			h := srv.Handler()
			r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
			if err != nil {
				b.Fatal(err)
			}
			r.RemoteAddr = "127.0.0.1:40000"
			w := &discardWriter{h: http.Header{}}
			q := &querySource{b: b, srv: srv, v1: c.v1}
			b.ReportAllocs()
			n := 0
			q.cpu.resume()
			for b.Loop() {
				n++
				r.URL.RawQuery = q.get()
				w.status = 0
				h.ServeHTTP(w, r)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
			q.cpu.report(b, n)
		})
	}
	for _, c := range benchCases {
		b.Run("via=loopback/"+c.name(), func(b *testing.B) {
			srv := benchServer(b, c)
			if err := srv.Start(); err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			base := srv.URL() + "/?"
			q := &querySource{b: b, srv: srv, v1: c.v1}
			b.ReportAllocs()
			n := 0
			q.cpu.resume()
			for b.Loop() {
				n++
				resp, err := client.Post(base+q.get(), "", nil)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			q.cpu.report(b, n)
		})
	}
}

// BenchmarkFirstSDKCall is what a test that starts its own fake pays: fake.NewServer, the first
// successful CreateInstance through an official SDK (a new client each time, as a test would
// build), and Close. spec=on is NewServer's default.
func BenchmarkFirstSDKCall(b *testing.B) {
	req := sdkcall.Request{
		ProductCode:      "rtc",
		SubscriptionType: "PayAsYouGo",
		Parameters:       []sdkcall.Param{{Code: "ServiceType", Value: "universal"}},
		ReadTimeout:      5 * time.Second,
	}
	cred := sdkcall.Credentials{AccessKeyID: benchAK, AccessKeySecret: benchSecret}
	for _, c := range []sdkcall.Client{sdkcall.ACS, sdkcall.DOAV3, sdkcall.DOAV1} {
		for _, specOn := range []bool{true, false} {
			name := fmt.Sprintf("sdk=%s/spec=%s", c, map[bool]string{true: "on", false: "off"}[specOn])
			b.Run(name, func(b *testing.B) {
				opts := []fake.Option{fake.WithCredentials(benchAK, benchSecret)}
				if !specOn {
					opts = append(opts, fake.WithSpecCheck(nil))
				}
				ctx := context.Background()
				var took []time.Duration
				b.ReportAllocs()
				for b.Loop() {
					t0 := time.Now()
					srv := fake.NewServer(b, opts...)
					out := sdkcall.Call(ctx, c, srv.Endpoint(), cred, req)
					srv.Close()
					took = append(took, time.Since(t0))
					if !out.OK || !out.Success {
						b.Fatalf("%s: %+v", c, out)
					}
				}
				// The target is a median: a test suite pays the typical start, not the mean.
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)/2]), "median-ns/op")
			})
		}
	}
}
