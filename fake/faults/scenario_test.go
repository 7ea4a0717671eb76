package faults_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/spec"
)

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
			sc, err := faults.ParseScenario([]byte(tt.text))
			require.Error(t, err)
			assert.Nil(t, sc)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			var re *faults.RuleError
			require.True(t, errors.As(err, &re), "%T", err)
		})
	}
}

func TestScenarioRoundTrip(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("../../testdata/scenarios", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			sc, err := faults.LoadScenario(f)
			require.NoError(t, err)
			text, err := sc.YAML()
			require.NoError(t, err)
			again, err := faults.ParseScenario(text)
			require.NoError(t, err, "%s", text)
			if diff := cmp.Diff(sc, again); diff != "" {
				t.Errorf("round trip changed the scenario (-before +after):\n%s", diff)
			}
		})
	}
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
	assert.Equal(t, codes, schema.Defs["errorCode"].Enum, "errorCode enum = spec.Errors(); run go test ./fake/faults -run TestScenarioSchema -update-schema")
	var names []string
	for _, f := range faults.All() {
		names = append(names, string(f))
	}
	assert.Equal(t, names, schema.Defs["fault"].Enum, "fault enum = faults.All()")

	keys := func(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
	assert.Equal(t, yamlFields(faults.Scenario{}), keys(schema.Properties), "Scenario")
	assert.Equal(t, yamlFields(faults.Rule{}), keys(schema.Defs["rule"].Properties), "Rule")
	assert.Equal(t, yamlFields(faults.Outcome{}), keys(schema.Defs["outcome"].Properties), "Outcome")
	ruleProps := schema.Defs["rule"].Properties
	sub := func(name string) []string {
		m, _ := ruleProps[name].(map[string]any)["properties"].(map[string]any)
		return keys(m)
	}
	assert.Equal(t, yamlFields(faults.Match{}), sub("match"), "Match")
	assert.Equal(t, yamlFields(faults.Calls{}), sub("calls"), "Calls")
	assert.Equal(t, yamlFields(faults.Window{}), sub("window"), "Window")
	assert.Equal(t, yamlFields(faults.RateLimit{}), sub("rateLimit"), "RateLimit")
	assert.Equal(t, yamlFields(faults.Latency{}), keys(schema.Defs["latency"].OneOf[1].Properties), "Latency")
	assert.Equal(t, yamlFields(faults.StringMatch{}), keys(schema.Defs["stringMatch"].OneOf[1].Properties), "StringMatch")
}

// rewriteSchemaEnums sets the errorCode and fault enums of the schema file.
func rewriteSchemaEnums(t *testing.T, raw []byte, codes []string) {
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	defs := doc["$defs"].(map[string]any)
	defs["errorCode"].(map[string]any)["enum"] = codes
	var names []string
	for _, f := range faults.All() {
		names = append(names, string(f))
	}
	defs["fault"].(map[string]any)["enum"] = names
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
