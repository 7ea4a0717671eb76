package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/generated"
)

// heldInstances fills a fake, in process, with n instances spread over three products (rtc, sas,
// ddos) of the default account, and returns it with the IDs of a few of them.
func heldInstances(tb testing.TB, n int) (*fake.Server, []string) {
	tb.Helper()
	srv, err := fake.New(fake.WithSeed(1), fake.WithClock(fake.NewManualClock(lifeStart)), fake.WithJournalLimit(16))
	if err != nil {
		tb.Fatal(err)
	}
	h := srv.Handler()
	products := []url.Values{
		valid(),
		with(valid(), "ProductCode", "sas", "SubscriptionType", "Subscription", "Period", "12", "Parameter.1.Code", "Version", "Parameter.1.Value", "level2"),
		with(valid(), "ProductCode", "ddos", "SubscriptionType", "Subscription", "Period", "1", "Parameter.1.Code", "Edition", "Parameter.1.Value", "coop"),
	}
	targets := make([]string, len(products))
	for i, p := range products {
		targets[i] = "/?" + p.Encode()
	}
	for i := range n {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, targets[i%3], nil))
		if rec.Code != http.StatusOK {
			tb.Fatalf("order %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	all := srv.Instances()
	return srv, []string{all[n/2].InstanceID, all[n/3].InstanceID, all[n-1].InstanceID}
}

// BenchmarkQueryAvailableInstances100k: QueryAvailableInstances pages with 100,000 instances held,
// in process (the fake's handler, no network). It reports the median latency (median-ns/op) next
// to the mean, and the heap each held instance costs (B/instance). Filtered pages come from the
// instance index, not a scan of all instances.
func BenchmarkQueryAvailableInstances100k(b *testing.B) {
	const n = 100_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	srv, ids := heldInstances(b, n)
	runtime.GC()
	runtime.ReadMemStats(&after)
	perInstance := float64(after.HeapAlloc-before.HeapAlloc) / n
	h := srv.Handler()
	base := url.Values{"Action": {"QueryAvailableInstances"}, "Version": {"2017-12-14"}, "Format": {"JSON"}}
	for _, c := range []struct {
		name string
		kv   []string
	}{
		{"InstanceIDs", []string{"InstanceIDs", ids[0] + "," + ids[1] + "," + ids[2]}},
		{"ProductCode-page-1000", []string{"ProductCode", "sas", "PageSize", "20", "PageNum", "1000"}},
		{"ProductCode+SubscriptionType-page-1", []string{"ProductCode", "sas", "SubscriptionType", "Subscription", "PageSize", "20"}},
	} {
		target := "/?" + with(base, c.kv...).Encode()
		b.Run(c.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodPost, target, nil)
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				lat = append(lat, time.Since(t0))
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "median-ns/op")
			b.ReportMetric(perInstance, "B/instance")
		})
	}
}

// TestHeldInstancesAreListed keeps the benchmark's helper honest on a small scale: the three IDs
// it returns are listed by an InstanceIDs query.
func TestHeldInstancesAreListed(t *testing.T) {
	t.Parallel()
	srv, held := heldInstances(t, 30)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/?"+readParams("QueryAvailableInstances",
		"InstanceIDs", fmt.Sprint(held[0], ",", held[1], ",", held[2])).Encode(), nil))
	var r generated.QueryAvailableInstancesResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if d := cmp.Diff([]string{held[1], held[0], held[2]}, ids(r.Data.InstanceList)); d != "" {
		t.Errorf("listed (-want +got):\n%s", d)
	}
}
