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
// CreateInstance calls (a nonce each, a ClientToken each, no rules) from 32 goroutines, as
// bench-load's redis target does, and reports the Redis scripts run per call (scripts/op: each is a
// round trip the call waits for). For a profile of the replica: -cpuprofile.
func BenchmarkSharedStoreCreateInstance(b *testing.B) {
	r := redistest.Start(b, redistest.Options{})
	creds := signing.Credentials{AccessKeyID: "benchAK", AccessKeySecret: "benchSecret"}
	srv := fake.NewServer(b, fake.WithStore(r.URL(0), "bench"), fake.WithCredentials(creds.AccessKeyID, creds.AccessKeySecret))
	rc := redis.NewClient(&redis.Options{Addr: r.Addr()})
	defer rc.Close()
	scripts := func() int64 {
		info, err := rc.Info(context.Background(), "commandstats").Result()
		if err != nil {
			b.Fatal(err)
		}
		var n int64
		for _, l := range strings.Split(info, "\n") {
			for _, c := range []string{"cmdstat_evalsha:calls=", "cmdstat_eval:calls="} {
				if rest, ok := strings.CutPrefix(l, c); ok {
					v, _ := strconv.ParseInt(rest[:strings.IndexByte(rest, ',')], 10, 64)
					n += v
				}
			}
		}
		return n
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}
	var seq atomic.Int64
	before := scripts()
	b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0))) // 32 goroutines, as bench-load's default connections
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := strconv.FormatInt(seq.Add(1), 10)
			p := with(valid(), "ClientToken", "bench-"+n)
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
	b.ReportMetric(float64(scripts()-before)/float64(b.N), "scripts/op")
}
