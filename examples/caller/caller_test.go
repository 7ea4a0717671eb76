package caller_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/bsskit/bsskit/examples/caller"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/sweep"
	"github.com/bsskit/bsskit/fake/verdict"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testAK     = "LTAI5tSweepExample"
	testSecret = "sweep-example-secret"
)

// target is both sites of s with the test credentials.
func target(s *fake.Server) caller.Target {
	return caller.Target{Endpoint: s.Endpoint(), IntlEndpoint: s.InternationalEndpoint(),
		AccessKeyID: testAK, AccessKeySecret: testSecret}
}

// sweepConfig is the configuration of every sweep here: signatures verified, and a hang bound of
// 2s so that a caller without a timeout costs 2s per hang case, not 10.
func sweepConfig() sweep.Config {
	return sweep.Config{
		Thresholds: verdict.Thresholds{HangBound: 2 * time.Second},
		Options:    []fake.Option{fake.WithCredentials(testAK, testSecret)},
	}
}

// TestCarefulCallerPassesTheSweep: the careful caller meets every case's expectation with no
// failing verdict.
func TestCarefulCallerPassesTheSweep(t *testing.T) {
	t.Parallel()
	p := caller.Careful()
	results := sweep.Sweep(t, sweepConfig(), func(t *testing.T, s *fake.Server) error {
		return p.Buy(t.Context(), target(s))
	})
	require.Len(t, results, len(sweep.Cases()))
	for _, r := range results {
		assert.Empty(t, r.FindingNames(), r.Name)
	}
}

// runSweep sweeps p outside the testing harness (so that its failures do not fail the test) and
// returns the failing verdicts' names over all cases and the cases that failed.
func runSweep(t *testing.T, p caller.Policy) (verdicts []string, failed []string) {
	t.Helper()
	results, err := sweep.RunSweep(t.Context(), sweepConfig(), func(ctx context.Context, _ sweep.Case, s *fake.Server) error {
		return p.Buy(ctx, target(s))
	})
	require.NoError(t, err)
	for _, r := range results {
		for _, n := range r.FindingNames() {
			if !slices.Contains(verdicts, n) {
				verdicts = append(verdicts, n)
			}
		}
		if !r.Passed() {
			failed = append(failed, r.Name)
		}
	}
	slices.Sort(verdicts)
	return verdicts, failed
}

// TestNaiveCallerIsCaught: the naive caller buys twice, repeats the hopeless and hammers the
// throttled API.
func TestNaiveCallerIsCaught(t *testing.T) {
	t.Parallel()
	verdicts, failed := runSweep(t, caller.Naive())
	assert.Subset(t, verdicts, []string{verdict.VerdictDuplicateOrder, verdict.VerdictRetriedNonRetryable, verdict.VerdictNoBackoff})
	assert.Contains(t, failed, "after-commit/hang")
	t.Logf("naive: verdicts %v, failed cases %v", verdicts, failed)
}

// TestFlawedCallersAreCaughtByTheirVerdict: each careful caller with one flaw is caught by the
// verdict meant for it and by no other (the client-side mutants).
func TestFlawedCallersAreCaughtByTheirVerdict(t *testing.T) {
	t.Parallel()
	for _, f := range caller.Flawed() {
		t.Run(f.Policy.Name, func(t *testing.T) {
			t.Parallel()
			verdicts, failed := runSweep(t, f.Policy)
			assert.Equal(t, []string{f.Verdict}, verdicts)
			assert.NotEmpty(t, failed)
		})
	}
}

// BenchmarkSweepCareful measures one whole sweep of the careful caller with the default thresholds
// (docs/performance.md): every case of the matrix against a fresh fake, sequentially.
func BenchmarkSweepCareful(b *testing.B) {
	p := caller.Careful()
	cfg := sweep.Config{Options: []fake.Option{fake.WithCredentials(testAK, testSecret)}}
	for b.Loop() {
		results, err := sweep.RunSweep(context.Background(), cfg, func(ctx context.Context, _ sweep.Case, s *fake.Server) error {
			return p.Buy(ctx, target(s))
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range results {
			if !r.Passed() {
				b.Fatalf("%s: %v", r.Name, r.Problems)
			}
		}
		b.ReportMetric(float64(len(results)), "cases/op")
	}
}
