package fake_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
)

// The three kinds of file people write are read the same way: a syntax error at its exact line and
// column (yaml.v3 alone says "line 6" for an unclosed '{' on line 7), unknown keys by name and
// position, wrong types by field, never a Go type name, and every problem at once.
func TestFilesPeopleWriteGetExactPositions(t *testing.T) {
	t.Parallel()
	parsers := map[string]func([]byte) error{
		"catalogue": func(b []byte) error { _, err := fake.ParseCatalog(b); return err },
		"accounts":  func(b []byte) error { _, err := fake.ParseAccounts(b); return err },
		"scenario":  func(b []byte) error { _, err := faults.ParseScenario(b); return err },
	}
	tests := []struct {
		name, parser, text, want string
	}{
		{"unclosed brace on line 7", "catalogue",
			"products:\n  - code: a\n  - code: b\n  - code: c\n  - code: d\n  - code: e\n  - {code: f\n  - code: g\n",
			"catalogue: line 7:5: did not find expected ',' or '}'"},
		{"unclosed bracket inside a brace", "catalogue",
			"products:\n  - code: a\n  - {code: f, modules: [{code: x}\n",
			"catalogue: line 3:24: did not find expected ',' or ']'"},
		{"unclosed brace on the first line", "scenario", "{rules: []\n", "line 1:1: did not find expected ',' or '}'"},
		{"unterminated quote", "accounts", "accounts:\n  - id: \"1000000000000001\n", "accounts: line 2:9: found unexpected end of stream"},
		{"character that cannot start a token", "catalogue", "products:\n- code: a\n  instanceIdPrefix: @x\n",
			"catalogue: line 3:21: found character that cannot start any token"},
		{"tab indentation", "scenario", "rules:\n\t- id: a\n", "line 2:1: found character that cannot start any token"},
		{"mapping value in a plain scalar", "catalogue", "products:\n  - code: a: b\n", "catalogue: line 2:12: mapping values are not allowed in this context"},
		{"entry outside the list", "catalogue", "products:\n  - code: a\n- code: b\n", "catalogue: line 3:1: did not find expected key"},
		{"misindented key", "accounts", "accounts:\n  - id: '1000000000000001'\n  owners: []\n", "accounts: line 3:3: did not find expected '-' indicator"},
		{"unknown top-level key", "catalogue", "prodcts: []\n", `catalogue: line 1:1: unknown field "prodcts" in catalogue; known: products` +
			"\nline 1:1: products: no products: a catalogue lists at least one (omit the catalogue for the default one)"},
		{"wrong types and validation problems at once", "catalogue",
			"products:\n  - code: [rtc]\n    periodMultiple: abc\n  - code: sas\n    subscriptionTypes: [Monthly]\n  - code: sas\n",
			"catalogue: line 2:11: products[0].code: want a string, got a list\n" +
				"line 3:21: products[0].periodMultiple: want an integer, got \"abc\"\n" +
				"line 5:25: products[1].subscriptionTypes[0]: \"Monthly\" is neither Subscription nor PayAsYouGo\n" +
				"line 6:11: products[2].code: product \"sas\" appears twice (first at products[1])"},
		{"accounts: wrong types and validation problems at once", "accounts",
			"accounts:\n  - id: '1000000000000001'\n    owners: {a: b}\n  - id: '1000000000000001'\n    securityTokens: [{token: t, expires: soon}]\n",
			"accounts: line 3:13: accounts[0].owners: want a list, got a mapping\n" +
				"line 4:9: accounts[1].id: account 1000000000000001 appears twice (first at accounts[0])\n" +
				"line 5:42: accounts[1].securityTokens[0].expires: want a time such as 2030-01-01T00:00:00Z, got \"soon\""},
		{"unknown nested key", "catalogue", "products:\n  - code: rtc\n    modules: [{code: A, value: [x]}]\n",
			`catalogue: line 3:25: unknown field "value" in products[0].modules[0]; known: code, values, required`},
		{"unknown key in a rule", "scenario", "rules:\n  - id: a\n    matches: {}\n    outcome: {pass: true}\n",
			`line 3:5: unknown field "matches" in rules[0]; known: id, description, match, calls, window, rateLimit, probability, times, outcome, sequence`},
		{"list where a mapping goes", "catalogue", "products: {code: rtc}\n", `catalogue: line 1:11: products: want a list, got a mapping`},
		{"string where a list goes", "accounts", "accounts:\n  - id: '1000000000000001'\n    owners: '2000000000000001'\n",
			`accounts: line 3:13: accounts[0].owners: want a list, got "2000000000000001"`},
		{"wrong scalar type", "scenario", "rules:\n  - probability: often\n    outcome: {pass: true}\n", `line 2:18: rules[0].probability: want a number, got "often"`},
		{"bad time", "accounts", "accounts:\n  - id: '1000000000000001'\n    securityTokens: [{token: t, expires: tomorrow}]\n",
			`accounts: line 3:42: accounts[0].securityTokens[0].expires: want a time such as 2030-01-01T00:00:00Z, got "tomorrow"`},
		{"bad duration", "scenario", "rules:\n  - window: {for: a while}\n    outcome: {pass: true}\n",
			`line 2:19: rules[0].window.for: want a duration such as 200ms, got "a while"`},
		{"key given twice", "accounts", "accounts:\n  - id: '1000000000000001'\n    id: '1000000000000002'\n",
			`accounts: line 3:5: accounts[0].id: given twice (first at line 2:5)`},
		{"every problem at once", "catalogue", "products:\n  - code: rtc\n    periodMultiple: abc\n    modles: []\n    notApplicable: sometimes\n",
			"catalogue: line 3:21: products[0].periodMultiple: want an integer, got \"abc\"\n" +
				"line 4:5: unknown field \"modles\" in products[0]; known: code, subscriptionTypes, productTypes, notApplicable, periodMultiple, instanceIdPrefix, provisioningDelay, modules, commodityChannel, opensOnce, openedCode, monthlyPrice, paymentDelay\n" +
				"line 5:20: products[0].notApplicable: want true or false, got \"sometimes\""},
		{"every validation problem at once", "catalogue", "products:\n  - code: rtc\n    subscriptionTypes: [Monthly]\n  - code: rtc\n    periodMultiple: -12\n",
			"catalogue: line 3:25: products[0].subscriptionTypes[0]: \"Monthly\" is neither Subscription nor PayAsYouGo\n" +
				"line 4:11: products[1].code: product \"rtc\" appears twice (first at products[0])\n" +
				"line 5:21: products[1].periodMultiple: must not be negative"},
		{"every accounts problem at once", "accounts", "accounts:\n  - id: '42'\n    owners: ['x']\n    accessKeys: [{secret: s}]\n",
			"accounts: line 2:9: accounts[0].id: \"42\" is not a 16-digit account UID\n" +
				"line 3:14: accounts[0].owners[0]: owner \"x\" is not a 16-digit UID\n" +
				"line 4:18: accounts[0].accessKeys[0]: access key has no id"},
		{"empty", "accounts", "", "accounts: line 1:1: empty document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := parsers[tt.parser]([]byte(tt.text))
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.NotContains(t, err.Error(), "fake.", "no Go type names")
			checkPositions(t, err, []byte(tt.text))
		})
	}
}

// ruleErrors returns every RuleError in err's tree.
func ruleErrors(err error) []*faults.RuleError {
	var out []*faults.RuleError
	var walk func(error)
	walk = func(e error) {
		if re, ok := e.(*faults.RuleError); ok {
			out = append(out, re)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// checkPositions fails the test unless err is made of RuleErrors that each point inside data.
func checkPositions(t testing.TB, err error, data []byte) {
	t.Helper()
	res := ruleErrors(err)
	if len(res) == 0 {
		t.Fatalf("no RuleError in %T %v", err, err)
	}
	// YAML's line breaks: \n, \r\n, \r, NEL, LS and PS.
	breaks := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n")
	lines := strings.Count(breaks.Replace(string(data)), "\n") + 1
	for _, re := range res {
		if re.Line < 1 || re.Line > lines || re.Column < 1 {
			t.Fatalf("position %d:%d outside the %d-line input: %v", re.Line, re.Column, lines, re)
		}
	}
}

// FuzzParseAccounts: any input is an accounts list or errors that each carry a position; never a
// panic.
func FuzzParseAccounts(f *testing.F) {
	f.Add([]byte("accounts:\n  - id: '1000000000000001'\n    accessKeys: [{id: a, secret: b}]\n    owners: ['2000000000000001']\n"))
	f.Add([]byte("accounts:\n  - id: '1000000000000001'\n    securityTokens: [{token: t, expires: 2030-01-01T00:00:00Z}]\n    bearerTokens: [b]\n"))
	f.Add([]byte("accounts: [{id: 42, owners: {a: b}}]"))
	f.Add([]byte("accounts:\n  - {id: '1'\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		accts, err := fake.ParseAccounts(data)
		if err != nil {
			if accts != nil {
				t.Fatal("accounts and an error")
			}
			if len(data) <= 4<<20 {
				checkPositions(t, err, data)
			}
			return
		}
		for _, a := range accts {
			if len(a.ID) != 16 {
				t.Fatalf("accepted id %q", a.ID)
			}
		}
	})
}

// FuzzFilePositions: a catalogue or scenario that does not parse is refused with errors that each
// point inside the text.
func FuzzFilePositions(f *testing.F) {
	f.Add([]byte("products:\n  - {code: f\n  - code: g\n"))
	f.Add([]byte("rules:\n  - outcome: {error: [\n"))
	f.Add([]byte("products:\n  - code: a: b\n"))
	f.Add([]byte("rules:\n\t- id: a\n"))
	f.Add([]byte("products: [{code: x, modules: [{code: m, required: yes please}]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := fake.ParseCatalog(data); err != nil && len(data) <= 4<<20 {
			checkPositions(t, err, data)
		}
		if _, err := faults.ParseScenario(data); err != nil && len(data) <= 1<<20 {
			checkPositions(t, err, data)
		}
	})
}
