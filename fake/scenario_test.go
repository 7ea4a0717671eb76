package fake_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/spec"
)

const scenarioDir = "../testdata/scenarios"

var updateSchema = flag.Bool("update-schema", false, "rewrite the error code and fault enums of scenario.schema.json")

func TestParseScenarioReportsLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want []string // each must appear in the error
	}{
		{"empty", "", []string{"line 1:1: empty document"}},
		{"not a mapping", "- a\n- b\n", []string{"line 1:1: want a mapping"}},
		{"no rules", "seed: 1\n", []string{"no rules"}},
		{"syntax", "rules:\n  - outcome: {error: [\n", []string{"line 2:22: did not find expected node content"}},
		{"unknown field", "rules:\n  - id: a\n    outcom: {pass: true}\n", []string{`line 3:5: unknown field "outcom" in rules[0]; known: id, description, match`}},
		{"unknown match field", "rules:\n  - match:\n      product: rtc\n    outcome: {pass: true}\n", []string{"line 3", "product"}},
		{"unknown matcher key", "rules:\n  - match:\n      productCode: {exactly: rtc}\n    outcome: {pass: true}\n", []string{"line 3", `unknown field "exactly"`}},
		{"wrong type", "rules:\n  - times: many\n    outcome: {pass: true}\n", []string{`line 2:12: rules[0].times: want an integer, got "many"`}},
		{"bad duration", "rules:\n  - outcome:\n      latency: soon\n", []string{`line 3:16: rules[0].outcome.latency: want a duration such as 200ms, or a mapping of fixed, min, max; got "soon"`}},
		{"unknown code", "seed: 3\nrules:\n  - outcome: {pass: true}\n  - outcome:\n      error: NoSuchError\n", []string{"line 5:14: rules[1].outcome.error: \"NoSuchError\" is not a catalogued error code", "ServiceUnavailable"}},
		{"unknown fault", "rules:\n  - outcome:\n      fault: meltdown\n", []string{"line 3:14: rules[0].outcome.fault", "proxy502"}},
		{"bad regexp", "rules:\n  - match:\n      clientToken: {regexp: \"(\"}\n    outcome: {pass: true}\n", []string{"line 3:29: rules[0].match.clientToken.regexp: invalid regular expression"}},
		{"bad header matcher", "rules:\n  - match:\n      headers: {X-A: {exact: a, prefix: b}}\n    outcome: {pass: true}\n", []string{"line 3", `rules[0].match.headers.X-A: set only one`}},
		{"duplicate ids", "rules:\n  - id: a\n    outcome: {pass: true}\n  - id: a\n    outcome: {pass: true}\n", []string{`line 4:9: rules[1].id: "a" appears twice`}},
		{"no outcome", "rules:\n  - id: a\n", []string{"line 2:5: rules[0]: no outcome"}},
		{"sequence step", "rules:\n  - sequence:\n      - pass: true\n      - {}\n", []string{"line 4:9: rules[0].sequence[1]: empty outcome"}},
		{"wrong values and rule problems at once", "rules:\n  - times: many\n    outcome: {pass: true}\n  - outcome: {error: NoSuchError}\n  - outcome: {fault: 7}\n    matches: {}\n",
			[]string{"line 2:12: rules[0].times: want an integer, got \"many\"\n", "\nline 4:22: rules[1].outcome.error: \"NoSuchError\" is not a catalogued error code",
				"\nline 6:5: unknown field \"matches\" in rules[2]"}},
		{"several problems at once", "rules:\n  - times: -1\n    outcome: {fault: x}\n  - probability: 2\n    outcome: {pass: true}\n",
			[]string{"line 2:12: rules[0].times", "line 3:22: rules[0].outcome.fault", "line 4:18: rules[1].probability"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc, err := fake.ParseScenario([]byte(tt.text))
			require.Error(t, err)
			assert.Nil(t, sc)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			var re *fake.RuleError
			require.True(t, errors.As(err, &re), "%T", err)
		})
	}
}

func TestScenarioRoundTrip(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(scenarioDir, "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			sc, err := fake.LoadScenario(f)
			require.NoError(t, err)
			text, err := sc.YAML()
			require.NoError(t, err)
			again, err := fake.ParseScenario(text)
			require.NoError(t, err, "%s", text)
			if diff := cmp.Diff(sc, again); diff != "" {
				t.Errorf("round trip changed the scenario (-before +after):\n%s", diff)
			}
		})
	}
}

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
			sc, err := fake.LoadScenario(filepath.Join(scenarioDir, name))
			require.NoError(t, err)
			clock := fake.NewManualClock(t0)
			srv := fake.NewServer(t, fake.WithClock(clock), fake.WithScenario(sc), fake.WithSpecCheck(nil))
			assert.Equal(t, *sc.Seed, srv.Seed(), "the scenario's seed is the server's")
			drive[name](t, srv, clock)
			srv.AssertRulesUsed(t)
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

func TestApplyScenario(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(5))
	seed := uint64(6)
	ids, err := srv.ApplyScenario(&fake.Scenario{Seed: &seed, Rules: []fake.Rule{{Outcome: fails}, {ID: "b", Outcome: fails}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"rule-1", "b"}, ids)
	assert.Equal(t, uint64(5), srv.Seed(), "a running server keeps its seed")
	_, err = srv.ApplyScenario(&fake.Scenario{Rules: []fake.Rule{{Outcome: fails}, {ID: "b", Outcome: fails}}})
	assert.ErrorContains(t, err, `rules[1].id: "b" is already in use`)
	assert.Len(t, srv.Rules(), 2)

	_, err = fake.New(fake.WithRules(fake.Rule{}))
	assert.ErrorContains(t, err, "no outcome", "New refuses invalid rules")
	_, err = fake.New(fake.WithSeed(1), fake.WithScenario(&fake.Scenario{Seed: &seed}))
	assert.NoError(t, err)
	s2, err := fake.New(fake.WithSeed(1), fake.WithScenario(&fake.Scenario{Seed: &seed}))
	require.NoError(t, err)
	assert.Equal(t, uint64(1), s2.Seed(), "WithSeed wins over the scenario's seed")
}

// TestScenarioSchemaMatchesTheModel keeps fake/scenario.schema.json in step with the Go model and
// the spec's error catalogue.
func TestScenarioSchemaMatchesTheModel(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("scenario.schema.json")
	require.NoError(t, err)
	var schema struct {
		Properties map[string]any `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]any `json:"properties"`
			Enum       []string       `json:"enum"`
			OneOf      []struct {
				Properties map[string]any `json:"properties"`
			} `json:"oneOf"`
		} `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal(raw, &schema))

	var codes []string
	for _, d := range spec.Errors() {
		codes = append(codes, string(d.Code))
	}
	if *updateSchema {
		rewriteSchemaEnums(t, raw, codes)
		raw, err = os.ReadFile("scenario.schema.json")
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &schema))
	}
	assert.Equal(t, codes, schema.Defs["errorCode"].Enum, "errorCode enum = spec.Errors(); run go test ./fake -run TestScenarioSchema -update-schema")
	var faults []string
	for _, f := range fake.Faults() {
		faults = append(faults, string(f))
	}
	assert.Equal(t, faults, schema.Defs["fault"].Enum, "fault enum = fake.Faults()")

	keys := func(m map[string]any) []string { return slices.Sorted(mapsKeys(m)) }
	assert.Equal(t, yamlFields(fake.Scenario{}), keys(schema.Properties), "Scenario")
	assert.Equal(t, yamlFields(fake.Rule{}), keys(schema.Defs["rule"].Properties), "Rule")
	assert.Equal(t, yamlFields(fake.Outcome{}), keys(schema.Defs["outcome"].Properties), "Outcome")
	ruleProps := schema.Defs["rule"].Properties
	sub := func(name string) []string {
		m, _ := ruleProps[name].(map[string]any)["properties"].(map[string]any)
		return keys(m)
	}
	assert.Equal(t, yamlFields(fake.Match{}), sub("match"), "Match")
	assert.Equal(t, yamlFields(fake.Calls{}), sub("calls"), "Calls")
	assert.Equal(t, yamlFields(fake.Window{}), sub("window"), "Window")
	assert.Equal(t, yamlFields(fake.RateLimit{}), sub("rateLimit"), "RateLimit")
	assert.Equal(t, yamlFields(fake.Latency{}), keys(schema.Defs["latency"].OneOf[1].Properties), "Latency")
	assert.Equal(t, yamlFields(fake.StringMatch{}), keys(schema.Defs["stringMatch"].OneOf[1].Properties), "StringMatch")
}

// rewriteSchemaEnums sets the errorCode and fault enums of the schema file.
func rewriteSchemaEnums(t *testing.T, raw []byte, codes []string) {
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	defs := doc["$defs"].(map[string]any)
	defs["errorCode"].(map[string]any)["enum"] = codes
	var faults []string
	for _, f := range fake.Faults() {
		faults = append(faults, string(f))
	}
	defs["fault"].(map[string]any)["enum"] = faults
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(doc))
	require.NoError(t, os.WriteFile("scenario.schema.json", b.Bytes(), 0o644))
}

// yamlFields returns the sorted YAML names of a struct's fields.
func yamlFields(v any) []string {
	var out []string
	rt := reflect.TypeOf(v)
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// FuzzParseScenario: any input parses or is refused with RuleErrors that each point inside the
// text, never a panic; what parses
// prints as YAML that parses to the same scenario.
func FuzzParseScenario(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(scenarioDir, "*.yaml"))
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
		sc, err := fake.ParseScenario(data)
		if err != nil {
			var re *fake.RuleError
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
		again, err := fake.ParseScenario(text)
		if err != nil {
			t.Fatalf("printed scenario does not parse: %v\n%s", err, text)
		}
		if diff := cmp.Diff(sc, again); diff != "" {
			t.Fatalf("round trip changed the scenario:\n%s", diff)
		}
	})
}
