package contract_test

import (
	"context"
	"testing"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
)

// BenchmarkCheckFake is one whole contract run (every case, the default number of generated cases)
// against an embedded fake that verifies signatures; `make bench` runs it (docs/performance.md).
func BenchmarkCheckFake(b *testing.B) {
	cred := contract.Credentials{AccessKeyID: "benchAccessKeyId", AccessKeySecret: "benchAccessKeySecret"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		srv, err := fake.New(fake.WithSeed(1), fake.WithCredentials(cred.AccessKeyID, cred.AccessKeySecret))
		if err != nil {
			b.Fatal(err)
		}
		if err := srv.Start(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := contract.Check(ctx, contract.Target{URL: srv.URL(), Credentials: cred}, contract.WithSeed(1))
		b.StopTimer()
		srv.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(rep.Cases)), "cases/op")
		b.StartTimer()
	}
}
