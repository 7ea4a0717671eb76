package faults

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"time"

	"github.com/bsskit/bsskit/fake/internal/yamldoc"
	"gopkg.in/yaml.v3"
)

// Scenario is a set of fault rules with the seed that makes their random choices repeatable: the
// contents of a scenario file. Its text form is YAML (JSON also parses); fake/faults/scenario.schema.json
// is its JSON Schema, for editors.
//
//	# yaml-language-server: $schema=../../fake/faults/scenario.schema.json
//	seed: 42
//	rules:
//	  - id: flaky
//	    match: {productCode: rtc}
//	    sequence: [{error: ServiceUnavailable}, {error: ServiceUnavailable}, {pass: true}]
type Scenario struct {
	// Name and Description are free text for people.
	Name        string `yaml:"name,omitempty"`
	Description string `yaml:"description,omitempty"`
	// Seed, when set, is the seed of the server's random choices (fake.WithSeed).
	Seed *uint64 `yaml:"seed,omitempty"`
	// Rules are checked in order.
	Rules []Rule `yaml:"rules"`
}

// maxScenarioBytes bounds scenario text.
const maxScenarioBytes = 1 << 20

// ParseScenario parses and validates scenario text (YAML or JSON). Every problem is reported, each
// as a [RuleError] with its line and column, joined into one error.
func ParseScenario(data []byte) (*Scenario, error) {
	sc, _, err := parseFaults(data, modeScenario)
	return sc, err
}

// LoadScenario reads and parses a scenario file; errors name the file.
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("faults: scenario: %w", err)
	}
	sc, err := ParseScenario(data)
	if err != nil {
		return nil, fmt.Errorf("faults: scenario %s: %w", path, err)
	}
	return sc, nil
}

// Modes of Parse: what the text holds.
const (
	modeScenario = iota // a scenario
	modeRule            // one rule
	modeAny             // a scenario if it has rules or seed, else one rule (the admin API)
)

// MaxScenarioBytes bounds scenario text.
const MaxScenarioBytes = maxScenarioBytes

// ParseAny parses a scenario if the text has rules or a seed, else one rule, as the admin API
// takes them, and reports which it was. A rule comes back as a scenario of that one rule.
func ParseAny(data []byte) (sc *Scenario, isScenario bool, err error) {
	return parseFaults(data, modeAny)
}

// parseFaults parses and validates text in the given mode and reports whether it was a scenario.
// The text is read by decodeDoc's parts (yamldoc.go): every problem has a line and a column.
func parseFaults(data []byte, mode int) (sc *Scenario, isScenario bool, err error) {
	if len(data) > maxScenarioBytes {
		return nil, false, &RuleError{Line: 1, Column: 1, Msg: fmt.Sprintf("too large: %d bytes (at most %d)", len(data), maxScenarioBytes)}
	}
	doc, perrs := yamldoc.Parse(data)
	if perrs != nil {
		return nil, false, yamldoc.Join(perrs)
	}
	if doc.Kind != yaml.MappingNode {
		return nil, false, &RuleError{Line: doc.Line, Column: doc.Column, Msg: "want a mapping: a scenario (seed, rules) or a rule"}
	}
	isScenario = mode == modeScenario || (mode == modeAny && (hasKey(doc, "rules") || hasKey(doc, "seed")))
	var prefix []string
	if isScenario {
		sc = &Scenario{}
		perrs = yamldoc.DecodeNode(doc, "scenario", sc)
		prefix = []string{"rules"}
	} else {
		var r Rule
		perrs = yamldoc.DecodeNode(doc, "rule", &r)
		sc = &Scenario{Rules: []Rule{r}}
	}
	if isScenario && sc.Rules == nil && perrs == nil {
		return nil, false, &RuleError{Line: doc.Line, Column: doc.Column, Msg: "no rules: add a rules list"}
	}
	errs := &yamldoc.Errors{}
	ids := map[string]bool{}
	for i, r := range sc.Rules {
		var segs []string
		if prefix != nil {
			segs = yamldoc.Sub(prefix, "["+strconv.Itoa(i)+"]")
		}
		compileRule(r, segs, errs)
		if r.ID != "" {
			if ids[r.ID] {
				errs.Add(yamldoc.Sub(segs, "id"), "%q appears twice", r.ID)
			}
			ids[r.ID] = true
		}
	}
	if all := yamldoc.Merge(doc, perrs, errs.List); len(all) > 0 {
		return nil, false, yamldoc.Join(all)
	}
	for i := range sc.Rules {
		normalizeMatch(&sc.Rules[i].Match)
	}
	return sc, isScenario, nil
}

// normalizeMatch makes an empty map (`params: {}`) and an absent one the same rule, so a scenario
// prints and parses back to itself.
func normalizeMatch(m *Match) {
	if len(m.Parameters) == 0 {
		m.Parameters = nil
	}
	if len(m.Params) == 0 {
		m.Params = nil
	}
	if len(m.Headers) == 0 {
		m.Headers = nil
	}
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

// YAML returns the scenario as text that [ParseScenario] reads back.
func (sc *Scenario) YAML() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(sc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UnmarshalYAML reads a StringMatch from a plain string (Exact) or a mapping.
func (m *StringMatch) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!null" {
			*m = StringMatch{}
			return nil
		}
		*m = StringMatch{Exact: n.Value}
		return nil
	}
	if err := yamldoc.CheckKeys(n, "exact", "prefix", "regexp"); err != nil {
		return err
	}
	type plain StringMatch
	return n.Decode((*plain)(m))
}

// MarshalYAML writes an Exact-only StringMatch as a plain string.
func (m StringMatch) MarshalYAML() (any, error) {
	if m.Prefix == "" && m.Regexp == "" && m.Exact != "" {
		return m.Exact, nil
	}
	type plain StringMatch
	return plain(m), nil
}

// UnmarshalYAML reads a Latency from a duration string (Fixed) or a mapping.
func (l *Latency) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		d, err := time.ParseDuration(n.Value)
		if err != nil {
			return fmt.Errorf("line %d: latency %q: want a duration such as 200ms, or fixed, or min and max", n.Line, n.Value)
		}
		*l = Latency{Fixed: d}
		return nil
	}
	if err := yamldoc.CheckKeys(n, "fixed", "min", "max"); err != nil {
		return err
	}
	type plain Latency
	return n.Decode((*plain)(l))
}

// MarshalYAML writes a Fixed-only Latency as a duration string.
func (l Latency) MarshalYAML() (any, error) {
	if l.Min == 0 && l.Max == 0 {
		return l.Fixed.String(), nil
	}
	type plain Latency
	return plain(l), nil
}

func init() {
	// A Latency may be written as a duration string (Fixed).
	yamldoc.RegisterScalar(reflect.TypeFor[Latency](), func(v string) string {
		if _, err := time.ParseDuration(v); err != nil {
			return fmt.Sprintf("want a duration such as 200ms, or a mapping of fixed, min, max; got %q", v)
		}
		return ""
	})
}
