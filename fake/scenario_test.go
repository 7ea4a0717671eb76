package fake_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
)

const scenarioDir = "../testdata/scenarios"

// TestExampleScenarios runs every example of testdata/scenarios and checks that each of its rules
// did what its comment says.
func TestExampleScenarios(t *testing.T) {
	t.Parallel()
	type codeAt struct {
		status int
		code   string
	}
	drive := map[string]func(t *testing.T, srv *fake.Server, clock *fake.ManualClock){
		"retry-storm.yaml": func(t *testing.T, srv *fake.Server, _ *fake.ManualClock) {
			assert.Equal(t, []int{503, 503, 503, 503, 503}, statuses(srv, 5, faultParams()))
			got := statuses(srv, 25, faultParams())
			assert.Contains(t, got, 503)
			assert.Contains(t, got, 200)
		},
		"throttling.yaml": func(t *testing.T, srv *fake.Server, clock *fake.ManualClock) {
			assert.Equal(t, []int{200, 200, 200, 200, 200, 400}, statuses(srv, 6, faultParams()))
			clock.Advance(time.Second)
			assert.Equal(t, []int{200}, statuses(srv, 1, faultParams()))
		},
		"timeout-after-commit.yaml": func(t *testing.T, srv *fake.Server, _ *fake.ManualClock) {
			r := send(srv, 200*time.Millisecond, faultParams("ClientToken", "tok-1"))
			assert.True(t, isTimeout(r.err), "%v", r.err)
			require.Len(t, srv.Orders(), 1, "the order exists although the caller timed out")
			_, body := mustSend(t, srv, faultParams("ClientToken", "tok-1"))
			assert.Equal(t, srv.Orders()[0].OrderID, body["Data"].(map[string]any)["OrderId"], "the retry gets the same order")
			r = send(srv, 5*time.Second, faultParams("ClientToken", "reset-1"))
			assert.Error(t, r.err)
			_, body = mustSend(t, srv, faultParams("ClientToken", "reset-1"))
			assert.Equal(t, true, body["Success"])
			assert.Len(t, srv.Orders(), 2)
			replayed := 0
			for _, e := range waitJournal(srv, 4) { // in the order exchanges ended, not arrived
				if e.Replayed {
					replayed++
				}
			}
			assert.Equal(t, 2, replayed, "both retries replayed their ClientToken's order")
		},
		"business-4xx.yaml": func(t *testing.T, srv *fake.Server, _ *fake.ManualClock) {
			for _, c := range []struct {
				params []string
				want   codeAt
			}{
				{[]string{"ProductCode", "sas"}, codeAt{400, "ProductNotFind"}},
				{[]string{"Parameter.1.Value", "legacy-v1"}, codeAt{400, "InvalidConfigCode"}},
				{[]string{"SubscriptionType", "Subscription"}, codeAt{200, "NotApplicable"}},
			} {
				t.Run(strings.Join(c.params, "="), func(t *testing.T) { // one server, in order
					status, body := mustSend(t, srv, faultParams(c.params...))
					assert.Equal(t, c.want, codeAt{status, body["Code"].(string)}, "%v", c.params)
				})
			}
		},
		"gateway-auth.yaml": func(t *testing.T, srv *fake.Server, _ *fake.ManualClock) {
			for _, c := range []struct {
				key  string
				want codeAt
			}{
				{"faultAKID", codeAt{400, "SignatureDoesNotMatch"}},
				{"revoked-1", codeAt{404, "InvalidAccessKeyId.NotFound"}},
				{"readonly-ci", codeAt{403, "Forbidden.RAM"}},
				{"skewed", codeAt{400, "InvalidTimeStamp.Expired"}},
				{"faultAKID", codeAt{200, "Success"}},
			} {
				t.Run(c.key, func(t *testing.T) { // one server, in order: the rules count their calls
					status, body := mustSend(t, srv, faultParams("AccessKeyId", c.key))
					assert.Equal(t, c.want, codeAt{status, body["Code"].(string)}, c.key)
				})
			}
		},
		"throttling-family.yaml": func(t *testing.T, srv *fake.Server, clock *fake.ManualClock) {
			assert.Equal(t, []int{200, 200, 400}, statuses(srv, 3, faultParams()))
			clock.Advance(time.Minute)
			_, body := mustSend(t, srv, faultParams("ProductCode", "sas"))
			assert.Equal(t, "Throttling.User", body["Code"])
			assert.Contains(t, body["Message"], "(burst)")
		},
		"server-5xx.yaml": func(t *testing.T, srv *fake.Server, _ *fake.ManualClock) {
			assert.Equal(t, []int{503, 500, 502, 200, 200}, statuses(srv, 5, faultParams()))
		},
	}
	files, err := filepath.Glob(filepath.Join(scenarioDir, "*.yaml"))
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	assert.ElementsMatch(t, slices.Collect(mapsKeys(drive)), names, "every example has a driver here")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc, err := faults.LoadScenario(filepath.Join(scenarioDir, name))
			require.NoError(t, err)
			clock := fake.NewManualClock(t0)
			srv := fake.NewServer(t, fake.WithClock(clock), fake.WithScenario(sc), fake.WithSpecCheck(nil))
			assert.Equal(t, *sc.Seed, srv.Seed(), "the scenario's seed is the server's")
			drive[name](t, srv, clock)
			srv.Faults().AssertUsed(t)
		})
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestAddScenarioRules: a scenario's rules added at run time (Faults.Add) go in all or none, and
// the running server keeps its seed.
func TestAddScenarioRules(t *testing.T) {
	t.Parallel()
	srv, err := fake.New(fake.WithSeed(5)) // on a NewServer server the bad rule would fail the test
	require.NoError(t, err)
	seed := uint64(6)
	ids, err := srv.Faults().Add([]faults.Rule{{Outcome: fails}, {ID: "b", Outcome: fails}}...)
	require.NoError(t, err)
	assert.Equal(t, []string{"rule-1", "b"}, ids)
	assert.Equal(t, uint64(5), srv.Seed(), "a running server keeps its seed")
	_, err = srv.Faults().Add([]faults.Rule{{Outcome: fails}, {ID: "b", Outcome: fails}}...)
	assert.ErrorContains(t, err, `rules[1].id: "b" is already in use`)
	assert.Len(t, rulesOf(t, srv), 2)

	_, err = fake.New(fake.WithRules(faults.Rule{}))
	assert.ErrorContains(t, err, "no outcome", "New refuses invalid rules")
	_, err = fake.New(fake.WithSeed(1), fake.WithScenario(&faults.Scenario{Seed: &seed}))
	assert.NoError(t, err)
	s2, err := fake.New(fake.WithSeed(1), fake.WithScenario(&faults.Scenario{Seed: &seed}))
	require.NoError(t, err)
	assert.Equal(t, uint64(1), s2.Seed(), "WithSeed wins over the scenario's seed")
}

// FuzzParseScenario: any input parses or is refused with RuleErrors that each point inside the
// text, never a panic; what parses
// prints as YAML that parses to the same scenario.
func FuzzParseScenario(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("../../testdata/scenarios", "*.yaml"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"rules": [{"match": {"params": {"Parameter.1.Code": {"regexp": "^S"}}}, "outcome": {"fault": "slowBody", "chunkBytes": 3}}]}`))
	f.Add([]byte("rules:\n  - window: {from: 2026-01-01T00:00:00Z, for: 1h}\n    outcome: {latency: 1s}\n"))
	f.Add([]byte("rules: [{outcome: {error: InternalError, status: 200}}, {rateLimit: {perSecond: 1}}]"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := faults.ParseScenario(data)
		if err != nil {
			var re *faults.RuleError
			if !errors.As(err, &re) {
				t.Fatalf("error is not a RuleError: %T %v", err, err)
			}
			if len(data) <= 1<<20 {
				checkPositions(t, err, data) // yamldoc_test.go
			}
			return
		}
		text, err := sc.YAML()
		if err != nil {
			t.Fatalf("YAML: %v", err)
		}
		again, err := faults.ParseScenario(text)
		if err != nil {
			t.Fatalf("printed scenario does not parse: %v\n%s", err, text)
		}
		if diff := cmp.Diff(sc, again); diff != "" {
			t.Fatalf("round trip changed the scenario:\n%s", diff)
		}
	})
}
