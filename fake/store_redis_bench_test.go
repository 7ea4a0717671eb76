package fake_test

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/redistest"
	"github.com/bsskit/bsskit/internal/signing"
)

// BenchmarkSharedStoreCreateInstance drives one replica of a shared store with signed
// CreateInstance calls (a nonce each, no rules) from 32 goroutines, as bench-load's redis target
// does: "new" gives each call a ClientToken of its own, "replay" draws from 128 (almost every call
// replays an order). It reports the Redis scripts run per call (scripts/op: each is a round trip
// the call waits for) and the time Redis spent in them (redis-µs/op). For a profile of the
// replica: -cpuprofile.
func BenchmarkSharedStoreCreateInstance(b *testing.B) {
	for _, tokens := range []int64{0, 128} {
		name := "new"
		if tokens > 0 {
			name = "replay"
		}
		b.Run(name, func(b *testing.B) { benchSharedCreate(b, tokens) })
	}
}

func benchSharedCreate(b *testing.B, tokens int64) {
	r := redistest.Start(b, redistest.Options{})
	creds := signing.Credentials{AccessKeyID: "benchAK", AccessKeySecret: "benchSecret"}
	srv := fake.NewServer(b, fake.WithStore(r.URL(0), "bench"), fake.WithCredentials(creds.AccessKeyID, creds.AccessKeySecret))
	rc := redis.NewClient(&redis.Options{Addr: r.Addr()})
	defer rc.Close()
	scripts := func() (calls, usec int64) {
		info, err := rc.Info(context.Background(), "commandstats").Result()
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range strings.Split(info, "\n") {
			for _, c := range []string{"cmdstat_evalsha:", "cmdstat_eval:"} {
				if rest, ok := strings.CutPrefix(strings.TrimSpace(l), c); ok {
					for _, kv := range strings.Split(rest, ",") {
						k, v, _ := strings.Cut(kv, "=")
						n, _ := strconv.ParseInt(v, 10, 64)
						switch k {
						case "calls":
							calls += n
						case "usec":
							usec += n
						}
					}
				}
			}
		}
		return calls, usec
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}
	var seq atomic.Int64
	calls0, usec0 := scripts()
	b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0))) // 32 goroutines, as bench-load's default connections
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			n, tok := strconv.FormatInt(i, 10), i
			if tokens > 0 {
				tok = i % tokens
			}
			p := with(valid(), "ClientToken", "bench-"+strconv.FormatInt(tok, 10))
			signing.SignV1(http.MethodPost, p, creds, time.Now(), "bench-nonce-"+n)
			resp, err := client.Post(srv.URL()+"/?"+p.Encode(), "", nil)
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.StopTimer()
	calls, usec := scripts()
	b.ReportMetric(float64(calls-calls0)/float64(b.N), "scripts/op")
	b.ReportMetric(float64(usec-usec0)/float64(b.N), "redis-µs/op")
}
