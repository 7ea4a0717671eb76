package spec_test

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

// seed is what the documentation page (testdata/seed, a verbatim copy of shared/seeds) lists. The
// page is test data: these tests read it, they do not restate it.
type seed struct {
	params   []seedParam
	response []string // response parameter names, Data's dictionary included
	errors   []seedError
}

type seedParam struct {
	name, typ   string
	required    bool
	description string
}

type seedError struct {
	code, message string
	status        string
}

func readSeed(t *testing.T) seed {
	t.Helper()
	f, err := os.Open("../testdata/seed/createinstance-2019.txt")
	require.NoError(t, err)
	defer f.Close()
	var s seed
	section := ""
	paramRow := regexp.MustCompile(`^(\S+) (Long|String|Integer|Boolean) (Yes|No) (.*)$`)
	respRow := regexp.MustCompile(`^(\S+) (Long|String|Integer|Boolean|CreateInstanceResponse) `)
	errRow := regexp.MustCompile(`^(\S+) (.+?) (\d{3}) The error message`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch line {
		case "Request parameters", "Response parameters", "Error codes", "Data dictionary":
			section = line
			continue
		}
		switch section {
		case "Request parameters":
			if m := paramRow.FindStringSubmatch(line); m != nil {
				s.params = append(s.params, seedParam{name: m[1], typ: m[2], required: m[3] == "Yes", description: m[4]})
			}
		case "Response parameters", "Data dictionary":
			if m := respRow.FindStringSubmatch(line); m != nil {
				s.response = append(s.response, m[1])
			}
		case "Error codes":
			if m := errRow.FindStringSubmatch(line); m != nil {
				s.errors = append(s.errors, seedError{code: m[1], message: m[2], status: m[3]})
			}
		}
	}
	require.NoError(t, sc.Err())
	require.Len(t, s.params, 10, "request parameters read from the seed")
	require.Len(t, s.errors, 9, "error codes read from the seed")
	return s
}

func schemaType(s *openapi3.Schema) string {
	switch {
	case s.Type.Is(openapi3.TypeInteger) && s.Format == "int64":
		return "Long"
	case s.Type.Is(openapi3.TypeInteger):
		return "Integer"
	case s.Type.Is(openapi3.TypeBoolean):
		return "Boolean"
	case s.Type.Is(openapi3.TypeString):
		return "String"
	}
	return "?"
}

func TestSeedParametersAreInTheSpec(t *testing.T) {
	t.Parallel()
	s := readSeed(t)
	op := spec.CreateInstance()
	validValues := regexp.MustCompile(`Valid values: (.*?)(?:, Default value: (\w+))?$`)
	for _, sp := range s.params {
		t.Run(sp.name, func(t *testing.T) {
			if prefix, field, ok := strings.Cut(sp.name, ".n."); ok {
				var rep *spec.Repeated
				for i := range op.Repeated {
					if op.Repeated[i].Prefix == prefix {
						rep = &op.Repeated[i]
					}
				}
				require.NotNil(t, rep, "repeated parameter %s missing from x-bss-repeated-parameters", prefix)
				assert.Contains(t, sp.description, "[1,100]")
				assert.Equal(t, 1, rep.MinIndex)
				assert.Equal(t, 100, rep.MaxIndex)
				var found bool
				for _, f := range rep.Fields {
					if f.Name == field {
						found = true
						assert.Equal(t, sp.typ, schemaType(f.Schema))
						// The seed marks the whole list optional; within an element the metadata
						// requires both fields.
						assert.True(t, f.Required)
						assert.Equal(t, spec.CodeMissingParameter, f.MissingError)
					}
				}
				assert.True(t, found, "field %s of %s", field, prefix)
				return
			}
			p, ok := op.Param(sp.name)
			require.True(t, ok, "parameter %s missing from the spec", sp.name)
			assert.Equal(t, "query", p.In)
			assert.Equal(t, sp.typ, schemaType(p.Schema), "type")
			assert.Equal(t, sp.required, p.Required, "required")
			assert.NotEmpty(t, p.Error, "a business parameter names its x-bss-error")
			if m := validValues.FindStringSubmatch(sp.description); m != nil {
				var want []any
				for _, v := range strings.Split(m[1], ", ") {
					v, _, _ = strings.Cut(v, ":")
					want = append(want, strings.TrimSpace(v))
				}
				assert.ElementsMatch(t, want, p.Schema.Enum, "enum")
				if m[2] != "" {
					assert.Equal(t, m[2], p.Schema.Default, "default")
				}
			}
			if strings.Contains(sp.description, "16-digit") {
				assert.Equal(t, `^[1-9][0-9]{15}$`, p.Pattern)
			}
			if strings.Contains(sp.description, "maximum of 64 ASCII") {
				require.NotNil(t, p.Schema.MaxLength)
				assert.EqualValues(t, 64, *p.Schema.MaxLength)
				assert.NotEmpty(t, p.Schema.Pattern)
			}
		})
	}
}

func TestSeedCrossFieldRulesAreInTheSpec(t *testing.T) {
	t.Parallel()
	s := readSeed(t)
	op := spec.CreateInstance()
	// Sentences of the seed that make one parameter depend on another.
	deps := map[string]spec.Condition{}
	for _, sp := range s.params {
		if strings.Contains(sp.description, "when creating a subscription instance") {
			deps[sp.name] = spec.Condition{Param: "SubscriptionType", Equals: "Subscription"}
		}
		if m := regexp.MustCompile(`required when (\w+) is set to (\w+)`).FindStringSubmatch(sp.description); m != nil {
			deps[sp.name] = spec.Condition{Param: m[1], Equals: m[2]}
		}
	}
	require.Len(t, deps, 2)
	for name, cond := range deps {
		var found bool
		for _, r := range op.Rules {
			if r.Require == name && r.When != nil && *r.When == cond {
				found = true
				assert.Equal(t, spec.CodeMissingParameter, r.Error)
			}
		}
		assert.True(t, found, "no x-bss-rules entry makes %s required when %s=%s", name, cond.Param, cond.Equals)
	}
}

func TestSeedResponseFieldsAreInTheSpec(t *testing.T) {
	t.Parallel()
	s := readSeed(t)
	resp := spec.Doc().Components.Schemas["CreateInstanceResponse"].Value
	data := spec.Doc().Components.Schemas["CreateInstanceData"].Value
	require.NotEmpty(t, s.response)
	for _, name := range s.response {
		_, inResp := resp.Properties[name]
		_, inData := data.Properties[name]
		assert.True(t, inResp || inData, "response field %s missing", name)
	}
}

func TestSeedErrorCodesAreInTheCatalogue(t *testing.T) {
	t.Parallel()
	s := readSeed(t)
	normalise := strings.NewReplacer("’", "'").Replace
	for _, se := range s.errors {
		t.Run(se.code, func(t *testing.T) {
			def, ok := spec.Lookup(spec.Code(se.code))
			require.True(t, ok, "%s missing from x-bss-errors", se.code)
			assert.Equal(t, se.status, strconv.Itoa(def.HTTPStatus), "status")
			assert.Equal(t, spec.LayerBusiness, def.Layer)
			assert.Equal(t, "seed", def.Source)
			assert.Equal(t, normalise(se.message), def.Render("param", "xx"), "message template")
		})
	}
}
