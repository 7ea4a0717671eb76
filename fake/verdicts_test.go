package fake_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/fake/verdict"
	"github.com/bsskit/bsskit/internal/sdkcall"
	"github.com/bsskit/bsskit/spec"
)

var vt0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// TestVerdictsUseTheFakesClock: no-backoff is judged on the journal's times, which come from the
// fake's clock: the same two requests are a finding or not depending on how far the clock moved.
func TestVerdictsUseTheFakesClock(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		gap  time.Duration
		want []string
	}{{50 * time.Millisecond, []string{verdict.VerdictNoBackoff}}, {200 * time.Millisecond, nil}} {
		t.Run(tt.gap.String(), func(t *testing.T) {
			t.Parallel()
			clock := fake.NewManualClock(vt0)
			srv := fake.NewServer(t, fake.WithClock(clock))
			srv.Faults().Add(faults.FailNext(spec.CodeThrottlingUser))
			params := with(valid(), "ClientToken", "tok-1")
			require.Equal(t, http.StatusBadRequest, call(t, srv, params).Status)
			clock.Advance(tt.gap)
			require.Equal(t, http.StatusOK, call(t, srv, params).Status)
			var names []string
			for _, f := range verdict.Judge(srv.Journal(), verdict.Thresholds{}) {
				names = append(names, f.Name)
			}
			assert.Equal(t, tt.want, names)
		})
	}
}

// TestAdminVerdicts: GET /__admin/verdicts lists the findings and the thresholds in force.
func TestAdminVerdicts(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithThresholds(verdict.Thresholds{MaxRetries: 3}))
	srv.Faults().Add(faults.FailAlways(spec.CodeInvalidParameter))
	call(t, srv, valid())
	call(t, srv, valid())
	a := do(t, srv, http.MethodGet, "/__admin/verdicts", "", nil)
	require.Equal(t, http.StatusOK, a.Status)
	var got struct {
		Thresholds verdict.Thresholds `json:"thresholds"`
		Findings   []verdict.Finding  `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.Raw), &got))
	assert.Equal(t, 3, got.Thresholds.MaxRetries)
	assert.Equal(t, 100*time.Millisecond, got.Thresholds.MinBackoff)
	require.Len(t, got.Findings, 1)
	assert.Equal(t, verdict.VerdictRetriedNonRetryable, got.Findings[0].Name)
	assert.Equal(t, []uint64{1, 2}, got.Findings[0].Seqs)
}

// TestContractRunLeavesNoVerdicts: the contract suite's requests are wrong on purpose and say so in
// their User-Agent; after a clean run GET /__admin/verdicts is empty, while the same requests
// without the suite's User-Agent are judged (they repeat non-retryable answers, among others).
func TestContractRunLeavesNoVerdicts(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(7))
	rep, err := contract.Check(context.Background(), contract.Target{URL: srv.URL()}, contract.WithSeed(7))
	require.NoError(t, err)
	require.True(t, rep.OK(), "%v", rep.Findings())

	a := do(t, srv, http.MethodGet, "/__admin/verdicts", "", nil)
	require.Equal(t, http.StatusOK, a.Status)
	var got struct {
		Findings []verdict.Finding `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.Raw), &got))
	assert.Empty(t, got.Findings)

	j := srv.Journal()
	require.NotEmpty(t, j)
	for i := range j {
		require.Contains(t, j[i].Header.Get("User-Agent"), contract.UserAgentProduct+"/", "request %d", j[i].Seq)
		j[i].Header = j[i].Header.Clone()
		j[i].Header.Del("User-Agent")
	}
	names := map[string]bool{}
	for _, f := range verdict.Judge(j, verdict.Thresholds{}) {
		names[f.Name] = true
	}
	assert.True(t, names[verdict.VerdictRetriedNonRetryable], "the same requests without the suite's User-Agent: %v", names)
}

// TestSDKDefaultTimeoutIsATimeout: the old Go SDK with its default read timeout (10 s) gives up on
// a hung request after 10 s and a bit; with the default thresholds that is no finding (the bound
// is above every official SDK's default), while a configured bound below it (9 s) still finds it.
func TestSDKDefaultTimeoutIsATimeout(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithRules(faults.Rule{ID: "stuck", Times: 1, Outcome: &faults.Outcome{Fault: faults.FaultHang}}))
	out := sdkcall.Call(context.Background(), sdkcall.ACS, srv.Endpoint(), sdkcall.Credentials{AccessKeyID: "ak", AccessKeySecret: "unverified"},
		sdkcall.Request{ProductCode: "rtc", SubscriptionType: "PayAsYouGo", ClientToken: "tok-hang"}) // ReadTimeout 0: the SDK's default
	require.False(t, out.OK, "%+v", out)
	var j []journal.Entry
	eventually(t, func() bool { j = srv.Journal(); return len(j) == 1 && j[0].Note != "" }, "the hang never ended in the journal")
	require.Contains(t, j[0].Note, "the client gave up after")
	// The SDK's 10 s start when it sends; the fake's hold starts once it has read and judged the
	// request, so it sees a little less (9.999 s was seen under load), never much less.
	assert.GreaterOrEqual(t, j[0].Held, 9*time.Second)
	t.Logf("held %s", j[0].Held)
	failing := func(th verdict.Thresholds) []string { // the one other finding, gave-up-on-retryable, is info
		var names []string
		for _, f := range verdict.Judge(j, th) {
			if f.Failing() {
				names = append(names, f.Name)
			}
		}
		return names
	}
	assert.Empty(t, failing(verdict.Thresholds{}))
	assert.Equal(t, []string{verdict.VerdictNoTimeout}, failing(verdict.Thresholds{HangBound: 9 * time.Second}))
}
