package fake_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/journal"
	"github.com/bsskit/bsskit/spec"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// fails is the outcome the matching tests inject: easy to tell from a success.
var fails = &faults.Outcome{Error: spec.CodeServiceUnavailable}

func TestRuleMatching(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		match  faults.Match
		params url.Values
		method string
		header http.Header
		want   bool
	}{
		{name: "zero match selects everything", want: true},
		{name: "action exact", match: faults.Match{Action: faults.Exact("CreateInstance")}, want: true},
		{name: "product exact", match: faults.Match{ProductCode: faults.Exact("rtc")}, want: true},
		{name: "product exact other", match: faults.Match{ProductCode: faults.Exact("sas")}},
		{name: "product prefix", match: faults.Match{ProductCode: faults.Prefix("rt")}, want: true},
		{name: "product regexp", match: faults.Match{ProductCode: faults.Regexp("^(rtc|sas)$")}, want: true},
		{name: "product regexp miss", match: faults.Match{ProductCode: faults.Regexp("^sas$")}},
		{name: "subscription type", match: faults.Match{SubscriptionType: faults.Exact("PayAsYouGo")}, want: true},
		{name: "client token prefix", match: faults.Match{ClientToken: faults.Prefix("retry-")}, params: faultParams("ClientToken", "retry-1"), want: true},
		{name: "client token absent", match: faults.Match{ClientToken: &faults.StringMatch{}}, want: true},
		{name: "client token absent miss", match: faults.Match{ClientToken: &faults.StringMatch{}}, params: faultParams("ClientToken", "x")},
		{name: "access key", match: faults.Match{AccessKeyID: faults.Exact("faultAKID")}, want: true},
		{name: "access key miss", match: faults.Match{AccessKeyID: faults.Exact("other")}},
		{name: "method GET", match: faults.Match{Method: faults.Exact("GET")}, method: http.MethodGet, want: true},
		{name: "method GET miss", match: faults.Match{Method: faults.Exact("GET")}},
		{name: "format XML", match: faults.Match{Format: faults.Exact("XML")}, params: faultParams("Format", "XML"), want: true},
		{name: "format XML miss", match: faults.Match{Format: faults.Exact("XML")}},
		{name: "module value", match: faults.Match{Parameters: map[string]*faults.StringMatch{"ServiceType": faults.Exact("universal")}}, want: true},
		{name: "module value miss", match: faults.Match{Parameters: map[string]*faults.StringMatch{"ServiceType": faults.Exact("other")}}},
		{name: "module absent", match: faults.Match{Parameters: map[string]*faults.StringMatch{"BillType": faults.Regexp("")}}},
		{name: "param by name", match: faults.Match{Params: map[string]*faults.StringMatch{"Parameter.1.Code": faults.Exact("ServiceType")}}, want: true},
		{name: "header", match: faults.Match{Headers: map[string]*faults.StringMatch{"x-test": faults.Exact("yes")}}, header: http.Header{"X-Test": {"yes"}}, want: true},
		{name: "header miss", match: faults.Match{Headers: map[string]*faults.StringMatch{"x-test": faults.Exact("yes")}}},
		{name: "all fields must match", match: faults.Match{ProductCode: faults.Exact("rtc"), Method: faults.Exact("GET")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t)
			_, err := srv.Faults().Add(faults.Rule{ID: "r", Match: tt.match, Outcome: fails})
			require.NoError(t, err)
			params := tt.params
			if params == nil {
				params = faultParams()
			}
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, srv.URL()+"/?"+params.Encode(), nil)
			require.NoError(t, err)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			want := http.StatusOK
			if tt.want {
				want = http.StatusServiceUnavailable
			}
			assert.Equal(t, want, resp.StatusCode)
			assert.Equal(t, map[bool]string{true: "r"}[tt.want], waitJournal(srv, 1)[0].Rule)
		})
	}
}

func TestCallCountsSequencesAndOrder(t *testing.T) {
	t.Parallel()
	const ok, unav, internal = 200, 503, 400
	tests := []struct {
		name  string
		rules []faults.Rule
		want  []int
	}{
		{"first 2", []faults.Rule{{Calls: faults.Calls{First: 2}, Outcome: fails}}, []int{unav, unav, ok, ok, ok, ok}},
		{"nth 3", []faults.Rule{{Calls: faults.Calls{Nth: 3}, Outcome: fails}}, []int{ok, ok, unav, ok, ok, ok}},
		{"after 4", []faults.Rule{{Calls: faults.Calls{After: 4}, Outcome: fails}}, []int{ok, ok, ok, ok, unav, unav}},
		{"every 2", []faults.Rule{{Calls: faults.Calls{Every: 2}, Outcome: fails}}, []int{ok, unav, ok, unav, ok, unav}},
		{"after 1 every 2", []faults.Rule{{Calls: faults.Calls{After: 1, Every: 2}, Outcome: fails}}, []int{ok, unav, ok, unav, ok, unav}},
		{"times 2", []faults.Rule{{Times: 2, Outcome: fails}}, []int{unav, unav, ok, ok, ok, ok}},
		{"fail, fail, succeed", []faults.Rule{{Sequence: []faults.Outcome{*fails, *fails, {Pass: true}}}}, []int{unav, unav, ok, ok, ok, ok}},
		{"sequence then the next rule", []faults.Rule{
			{Sequence: []faults.Outcome{*fails, {Pass: true}}},
			{Outcome: &faults.Outcome{Error: spec.CodeInternalError}},
		}, []int{unav, ok, internal, internal, internal, internal}},
		{"first rule that fires wins; later rules do not count the call", []faults.Rule{
			{Calls: faults.Calls{First: 1}, Outcome: fails},
			{Calls: faults.Calls{First: 1}, Outcome: &faults.Outcome{Error: spec.CodeInternalError}},
		}, []int{unav, internal, ok, ok, ok, ok}},
		{"probability 0 never fires", []faults.Rule{{Probability: ptr(0.0), Outcome: fails}}, []int{ok, ok, ok, ok, ok, ok}},
		{"probability 1 always fires", []faults.Rule{{Probability: ptr(1.0), Outcome: fails}}, []int{unav, unav, unav, unav, unav, unav}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t, fake.WithRules(tt.rules...))
			assert.Equal(t, tt.want, statuses(srv, len(tt.want), faultParams()))
		})
	}
}

func TestRateLimitOnTheFakeClock(t *testing.T) {
	t.Parallel()
	clock := fake.NewManualClock(t0)
	srv := fake.NewServer(t, fake.WithClock(clock), fake.WithRules(faults.Rule{ID: "flow", RateLimit: &faults.RateLimit{PerSecond: 2}}))
	got := statuses(srv, 4, faultParams())
	assert.Equal(t, []int{200, 200, 400, 400}, got, "two per second pass, the rest are throttled")
	status, body := mustSend(t, srv, faultParams())
	assert.Equal(t, 400, status)
	assert.Equal(t, "Throttling.User", body["Code"])
	clock.Advance(999 * time.Millisecond)
	assert.Equal(t, []int{400}, statuses(srv, 1, faultParams()))
	clock.Advance(time.Millisecond)
	assert.Equal(t, []int{200, 200, 400}, statuses(srv, 3, faultParams()), "a second later the window has moved")
	clock.Advance(500 * time.Millisecond)
	assert.Equal(t, []int{400}, statuses(srv, 1, faultParams()))
	stats := statsOf(t, srv)
	assert.Equal(t, uint64(10), stats[0].Matched)
	assert.Equal(t, uint64(6), stats[0].Fired)
}

func TestTimeWindowOnTheFakeClock(t *testing.T) {
	t.Parallel()
	clock := fake.NewManualClock(t0)
	srv := fake.NewServer(t, fake.WithClock(clock), fake.WithRules(
		faults.Rule{ID: "relative", Window: &faults.Window{After: time.Minute, For: time.Minute}, Outcome: fails},
		faults.Rule{ID: "absolute", Window: &faults.Window{From: t0.Add(5 * time.Minute), Until: t0.Add(6 * time.Minute)}, Outcome: &faults.Outcome{Error: spec.CodeInternalError}},
	))
	steps := []struct {
		at   time.Duration
		want int
	}{
		{0, 200}, {59 * time.Second, 200}, {time.Minute, 503}, {119 * time.Second, 503}, {2 * time.Minute, 200},
		{5 * time.Minute, 400}, {6 * time.Minute, 200},
	}
	for _, st := range steps {
		clock.Set(t0.Add(st.at))
		assert.Equal(t, []int{st.want}, statuses(srv, 1, faultParams()), "at +%v", st.at)
	}
}

func TestProbabilityIsSeeded(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []int {
		srv := fake.NewServer(t, fake.WithSeed(seed), fake.WithRules(faults.Rule{Probability: ptr(0.3), Outcome: fails}))
		return statuses(srv, 40, faultParams())
	}
	a, b, c := run(11), run(11), run(12)
	assert.Equal(t, a, b, "same seed, same choices")
	assert.NotEqual(t, a, c, "another seed, other choices")
	n := 0
	for _, s := range a {
		if s == 503 {
			n++
		}
	}
	assert.InDelta(t, 12, n, 9, "about 30%% of 40 calls fail: %v", a)
}

// TestSameSeedSameJournal runs one scenario twice with the same seed, clock and requests: the
// journals are identical, including which rule answered each call and the random latency.
func TestSameSeedSameJournal(t *testing.T) {
	t.Parallel()
	sc, err := faults.ParseScenario([]byte(`
seed: 2026
rules:
  - id: flaky
    probability: 0.5
    match: {productCode: rtc}
    outcome: {error: ServiceUnavailable}
  - id: slow
    calls: {every: 3}
    outcome: {latency: {min: 1ms, max: 3ms}}
  - id: lost
    calls: {nth: 2}
    outcome: {fault: reset, afterCommit: true}
  - id: flow
    rateLimit: {perSecond: 4}
`))
	require.NoError(t, err)
	run := func() []journal.Entry {
		clock := fake.NewManualClock(t0)
		srv := fake.NewServer(t, fake.WithClock(clock), fake.WithScenario(sc))
		for i := range 12 {
			send(srv, 5*time.Second, faultParams("ClientToken", fmt.Sprintf("tok-%d", i)))
			clock.Advance(100 * time.Millisecond)
		}
		j := waitJournal(srv, 12)
		require.Len(t, j, 12)
		for i := range j { // each server's port (in Host and Endpoint) is not the scenario's doing
			delete(j[i].Header, "Host")
			j[i].Endpoint = ""
		}
		return j
	}
	a, b := run(), run()
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("journals differ (-first +second):\n%s", diff)
	}
	rules := map[string]int{}
	for _, e := range a {
		rules[e.Rule]++
	}
	assert.Greater(t, rules["flaky"], 0)
	assert.Greater(t, rules["lost"], 0)
}

func TestInjectRejectsBadRulesWhole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rules []faults.Rule
		want  []string
	}{
		{"no outcome", []faults.Rule{{}}, []string{"no outcome"}},
		{"unknown code", []faults.Rule{{Outcome: &faults.Outcome{Error: "Nope"}}}, []string{`outcome.error: "Nope" is not a catalogued error code`, "InvalidParameter"}},
		{"unknown fault", []faults.Rule{{Outcome: &faults.Outcome{Fault: "explode"}}}, []string{`"explode" is not a fault`, "slowBody"}},
		{"two kinds", []faults.Rule{{Outcome: &faults.Outcome{Pass: true, Error: spec.CodeInternalError}}}, []string{"only one of pass, refund, error and fault"}},
		{"bad status", []faults.Rule{{Outcome: &faults.Outcome{Error: spec.CodeInternalError, Status: 302}}}, []string{"302: want 200"}},
		{"status without error", []faults.Rule{{Outcome: &faults.Outcome{Fault: faults.FaultReset, Status: 500}}}, []string{"status needs error"}},
		{"bad regexp", []faults.Rule{{Match: faults.Match{ProductCode: faults.Regexp("(")}, Outcome: fails}}, []string{"match.productCode.regexp: invalid regular expression"}},
		{"two matchers", []faults.Rule{{Match: faults.Match{ProductCode: &faults.StringMatch{Exact: "a", Prefix: "b"}}, Outcome: fails}}, []string{"only one of exact, prefix and regexp"}},
		{"negative count", []faults.Rule{{Calls: faults.Calls{First: -1}, Outcome: fails}}, []string{"calls.first: -1"}},
		{"probability", []faults.Rule{{Probability: ptr(1.5), Outcome: fails}}, []string{"probability: 1.5"}},
		{"rate", []faults.Rule{{RateLimit: &faults.RateLimit{}}}, []string{"rateLimit.perSecond: 0"}},
		{"latency bounds", []faults.Rule{{Outcome: &faults.Outcome{Latency: &faults.Latency{Min: 2, Max: 1}}}}, []string{"max 1ns is less than min 2ns"}},
		{"after commit alone", []faults.Rule{{Outcome: &faults.Outcome{Pass: true, AfterCommit: true}}}, []string{"afterCommit needs error or fault"}},
		{"bad id", []faults.Rule{{ID: "a b", Outcome: fails}}, []string{`id: "a b"`}},
		{"reserved id", []faults.Rule{{ID: "reset", Outcome: fails}}, []string{"reserved"}},
		{"duplicate id", []faults.Rule{{ID: "x", Outcome: fails}, {ID: "x", Outcome: fails}}, []string{`rules[1].id: "x" is already in use`}},
		{"one bad among good", []faults.Rule{{Outcome: fails}, {Outcome: &faults.Outcome{Error: "Nope"}}, {Outcome: fails}}, []string{"rules[1].outcome.error"}},
		{"every problem reported", []faults.Rule{{Times: -1, Outcome: &faults.Outcome{Fault: "x"}}}, []string{"times: -1", `"x" is not a fault`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, err := fake.New() // on a NewServer server a bad rule also fails the test
			require.NoError(t, err)
			before, err := srv.Faults().Add(faults.Rule{ID: "existing", Outcome: fails})
			require.NoError(t, err)
			ids, err := srv.Faults().Add(tt.rules...)
			require.Error(t, err)
			assert.Nil(t, ids)
			var re *faults.RuleError
			assert.True(t, errors.As(err, &re))
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			rules := rulesOf(t, srv)
			require.Len(t, rules, 1, "nothing was added")
			assert.Equal(t, before[0], rules[0].ID)
		})
	}
}

func TestRuleAPI(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t)
	ids, err := srv.Faults().Add(faults.FailNext(spec.CodeInternalError), faults.FaultNext(faults.FaultProxy502),
		faults.FailNextN(2, spec.CodeThrottlingUser))
	require.NoError(t, err)
	assert.Equal(t, []string{"rule-1", "rule-2", "rule-3"}, ids)
	id1, id2, id3 := ids[0], ids[1], ids[2]

	rules := rulesOf(t, srv)
	require.Len(t, rules, 3)
	rules[0].Outcome.Error = spec.CodeNotApplicable // a copy: the server's rule is unchanged
	assert.Equal(t, spec.CodeInternalError, rulesOf(t, srv)[0].Outcome.Error)

	// rule-1 fires on call 1; rule-2 sees call 2 as its first; rule-3 sees calls 3 and 4.
	assert.Equal(t, []int{400, 502, 400, 400, 200}, statuses(srv, 5, faultParams()))
	assert.Empty(t, unusedOf(t, srv))

	require.NoError(t, srv.Faults().Remove(id2))
	assert.ErrorIs(t, srv.Faults().Remove(id2), faults.ErrNoRule)
	assert.Len(t, rulesOf(t, srv), 2)

	srv.Reset() // keeps the rules, restarts their counters
	assert.Len(t, rulesOf(t, srv), 2)
	assert.Equal(t, []string{id1, id3}, unusedOf(t, srv))
	assert.Equal(t, []int{400, 400, 400, 200}, statuses(srv, 4, faultParams()))

	require.NoError(t, srv.Faults().Clear())
	assert.Empty(t, rulesOf(t, srv))
	assert.Equal(t, []int{200}, statuses(srv, 1, faultParams()))
}

// recordingTB records what AssertRulesUsed and the fault helpers report, instead of failing the
// test; the rest goes to the real test.
type recordingTB struct {
	testing.TB
	errors []string
	fatals []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
}

// TestBadRuleDependsNotOnTheConstructor: a bad rule is an error from Faults.Add on any server,
// and on one made with NewServer it also fails the test with a message saying why, so a one-line
// snippet cannot drop it. Either way nothing is added.
func TestBadRuleDependsNotOnTheConstructor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rule faults.Rule
		want string
	}{
		{"FailNext unknown code", faults.FailNext("NoSuchCode"), `outcome.error: "NoSuchCode"`},
		{"FailNextN zero", faults.FailNextN(0, spec.CodeThrottlingUser), "calls.first: -1: must not be negative"},
		{"FailNextN negative", faults.FailNextN(-2, spec.CodeThrottlingUser), "calls.first: -2: must not be negative"},
		{"FailAlways unknown code", faults.FailAlways("Nope"), `outcome.error: "Nope"`},
		{"FaultNext unknown fault", faults.FaultNext("explode"), `outcome.fault: "explode" is not a fault`},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/NewServer", func(t *testing.T) {
			t.Parallel()
			rec := &recordingTB{TB: t}
			srv := fake.NewServer(rec)
			ids, err := srv.Faults().Add(tt.rule)
			require.ErrorContains(t, err, tt.want)
			assert.Empty(t, ids)
			require.Len(t, rec.errors, 1)
			assert.Contains(t, rec.errors[0], "fake: fault rule not added: ")
			assert.Contains(t, rec.errors[0], tt.want)
			assert.Empty(t, rulesOf(t, srv))
			assert.Equal(t, []int{200}, statuses(srv, 1, faultParams()), "no rule was added")
		})
		t.Run(tt.name+"/New", func(t *testing.T) {
			t.Parallel()
			srv, err := fake.New()
			require.NoError(t, err)
			ids, err := srv.Faults().Add(tt.rule)
			require.ErrorContains(t, err, tt.want)
			assert.Empty(t, ids)
			assert.Empty(t, rulesOf(t, srv))
		})
	}
}

// TestFailAlways: "always" is its own helper, not FailNextN(0, ...): it fails every call until it
// is removed.
func TestFailAlways(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t)
	ids, err := srv.Faults().Add(faults.FailAlways(spec.CodeServiceUnavailable))
	require.NoError(t, err)
	assert.Equal(t, []int{503, 503, 503, 503, 503}, statuses(srv, 5, faultParams()))
	require.NoError(t, srv.Faults().Remove(ids[0]))
	assert.Equal(t, []int{200}, statuses(srv, 1, faultParams()))
}

func TestAssertRulesUsed(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithRules(
		faults.Rule{ID: "once", Calls: faults.Calls{First: 1}, Outcome: fails},
		faults.Rule{ID: "seq", Sequence: []faults.Outcome{{Pass: true}, {Pass: true}, {Pass: true}}},
		faults.Rule{ID: "never", Match: faults.Match{ProductCode: faults.Exact("none")}, Outcome: fails},
	))
	statuses(srv, 3, faultParams())
	rec := &recordingTB{TB: t}
	assert.False(t, srv.Faults().AssertUsed(rec))
	require.Len(t, rec.errors, 1)
	assert.Contains(t, rec.errors[0], "seq, never", "a half-used sequence is not fully used")
	statuses(srv, 1, faultParams())
	assert.Equal(t, []string{"never"}, unusedOf(t, srv))
}

func TestConcurrentRequestsAndRuleChanges(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithRules(faults.Rule{ID: "some", Probability: ptr(0.5), Outcome: fails}))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			statuses(srv, 10, faultParams())
		}()
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("c%d", i)
			_, err := srv.Faults().Add(faults.Rule{ID: id, Calls: faults.Calls{First: 1}, Outcome: &faults.Outcome{Pass: true}})
			assert.NoError(t, err)
			_ = rulesOf(t, srv)
			_ = statsOf(t, srv)
			assert.NoError(t, srv.Faults().Remove(id))
		}()
	}
	wg.Wait()
	assert.Equal(t, uint64(80), srv.RequestCount())
	assert.Len(t, rulesOf(t, srv), 1)
}

func TestFailingTestPrintsSeedAndScenario(t *testing.T) {
	t.Parallel()
	var logged []string
	var cleanups []func()
	rec := &loggingTB{recordingTB: recordingTB{TB: t}, logs: &logged, cleanup: func(f func()) { cleanups = append(cleanups, f) }}
	fake.NewServer(rec, fake.WithSeed(99), fake.WithRules(faults.Rule{ID: "x", Outcome: fails}))
	for i := len(cleanups) - 1; i >= 0; i-- { // what the testing package does at the end of a failed test
		cleanups[i]()
	}
	out := strings.Join(logged, "\n")
	assert.Contains(t, out, "fake.WithSeed(99)")
	assert.Contains(t, out, "seed: 99")
	assert.Contains(t, out, "id: x")
	sc, err := faults.ParseScenario([]byte(out[strings.Index(out, "seed: 99"):]))
	require.NoError(t, err, "the printed scenario parses")
	assert.Equal(t, uint64(99), *sc.Seed)
}

// loggingTB is a TB that has failed, collects logs and hands cleanups to the test.
type loggingTB struct {
	recordingTB
	logs    *[]string
	cleanup func(func())
}

func (l *loggingTB) Failed() bool { return true }
func (l *loggingTB) Logf(format string, args ...any) {
	*l.logs = append(*l.logs, fmt.Sprintf(format, args...))
}
func (l *loggingTB) Cleanup(f func())                  { l.cleanup(f) }
func (l *loggingTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
