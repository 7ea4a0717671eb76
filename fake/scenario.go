package fake

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Scenario is a set of fault rules with the seed that makes their random choices repeatable: the
// contents of a scenario file. Its text form is YAML (JSON also parses); fake/scenario.schema.json
// is its JSON Schema, for editors.
//
//	# yaml-language-server: $schema=../../fake/scenario.schema.json
//	seed: 42
//	rules:
//	  - id: flaky
//	    match: {productCode: rtc}
//	    sequence: [{error: ServiceUnavailable}, {error: ServiceUnavailable}, {pass: true}]
type Scenario struct {
	// Name and Description are free text for people.
	Name        string `yaml:"name,omitempty"`
	Description string `yaml:"description,omitempty"`
	// Seed, when set, is the seed of the server's random choices ([WithSeed]).
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
		return nil, fmt.Errorf("fake: scenario: %w", err)
	}
	sc, err := ParseScenario(data)
	if err != nil {
		return nil, fmt.Errorf("fake: scenario %s: %w", path, err)
	}
	return sc, nil
}

// Modes of parseFaults: what the text holds.
const (
	modeScenario = iota // a scenario
	modeRule            // one rule
	modeAny             // a scenario if it has rules or seed, else one rule (the admin API)
)

// parseFaults parses and validates text in the given mode and reports whether it was a scenario.
// The text is read by decodeDoc's parts (yamldoc.go): every problem has a line and a column.
func parseFaults(data []byte, mode int) (sc *Scenario, isScenario bool, err error) {
	if len(data) > maxScenarioBytes {
		return nil, false, &RuleError{Line: 1, Column: 1, Msg: fmt.Sprintf("too large: %d bytes (at most %d)", len(data), maxScenarioBytes)}
	}
	doc, perrs := parseDoc(data)
	if perrs != nil {
		return nil, false, joinRuleErrors(perrs)
	}
	if doc.Kind != yaml.MappingNode {
		return nil, false, &RuleError{Line: doc.Line, Column: doc.Column, Msg: "want a mapping: a scenario (seed, rules) or a rule"}
	}
	isScenario = mode == modeScenario || (mode == modeAny && (hasKey(doc, "rules") || hasKey(doc, "seed")))
	var prefix []string
	if isScenario {
		sc = &Scenario{}
		perrs = decodeNode(doc, "scenario", sc)
		prefix = []string{"rules"}
	} else {
		var r Rule
		perrs = decodeNode(doc, "rule", &r)
		sc = &Scenario{Rules: []Rule{r}}
	}
	if isScenario && sc.Rules == nil && perrs == nil {
		return nil, false, &RuleError{Line: doc.Line, Column: doc.Column, Msg: "no rules: add a rules list"}
	}
	errs := &ruleErrors{}
	ids := map[string]bool{}
	for i, r := range sc.Rules {
		var segs []string
		if prefix != nil {
			segs = sub(prefix, "["+strconv.Itoa(i)+"]")
		}
		compileRule(r, segs, errs)
		if r.ID != "" {
			if ids[r.ID] {
				errs.add(sub(segs, "id"), "%q appears twice", r.ID)
			}
			ids[r.ID] = true
		}
	}
	if all := mergeProblems(doc, perrs, errs.errs); len(all) > 0 {
		return nil, false, joinRuleErrors(all)
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

// locate finds the line and column of a path in the document, or of the deepest part of it that
// exists.
func locate(n *yaml.Node, segs []string) (line, col int) {
	line, col = n.Line, n.Column
	for _, s := range segs {
		var next *yaml.Node
		switch {
		case strings.HasPrefix(s, "["):
			i, err := strconv.Atoi(strings.Trim(s, "[]"))
			if n.Kind == yaml.SequenceNode && err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		case n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s {
					next = n.Content[i+1]
					line, col = n.Content[i].Line, n.Content[i].Column
					break
				}
			}
		}
		if next == nil {
			return line, col
		}
		n = next
		if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
			line, col = n.Line, n.Column
		} else if strings.HasPrefix(s, "[") {
			line, col = n.Line, n.Column
		}
	}
	return line, col
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
	if err := checkKeys(n, "exact", "prefix", "regexp"); err != nil {
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
	if err := checkKeys(n, "fixed", "min", "max"); err != nil {
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

// checkKeys rejects unknown keys of a mapping decoded by a custom unmarshaler (where the decoder's
// KnownFields does not reach).
func checkKeys(n *yaml.Node, known ...string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a string or a mapping of %s", n.Line, strings.Join(known, ", "))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ok := false
		for _, kn := range known {
			ok = ok || k.Value == kn
		}
		if !ok {
			return fmt.Errorf("line %d: unknown field %q (want %s)", k.Line, k.Value, strings.Join(known, ", "))
		}
	}
	return nil
}
