// Package synth builds deterministic, schema-true answers for any operation of the spec: every
// property of the success schema filled (required ones included), formats, enumerations, bounds and
// patterns honoured, lists non-empty, and the same answer for the same seed. It is what a server
// can answer for an operation it keeps no state for; the values are plausible, not meaningful.
package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/bsskit/bsskit/spec"
)

// epoch is the base of every time an answer carries: answers do not depend on the clock.
var epoch = time.Date(2026, 11, 30, 5, 0, 0, 0, time.UTC)

// maxDepth bounds recursion through schemas.
const maxDepth = 16

// Answer returns the success body of action's HTTP 200 answer, as a value encoding/json writes:
// maps, slices, strings, float64 or int64 numbers and booleans. requestID becomes RequestId.
// The same seed, action and requestID always give the same answer.
func Answer(action string, seed uint64, requestID string) (map[string]any, error) {
	op, ok := spec.OperationFor(action)
	if !ok {
		return nil, fmt.Errorf("synth: the spec has no operation %q", action)
	}
	schema, err := successSchema(op)
	if err != nil {
		return nil, err
	}
	g := &gen{seed: seed ^ hash(action)}
	v, err := g.value(schema, "", 0)
	if err != nil {
		return nil, fmt.Errorf("synth: %s: %w", action, err)
	}
	body, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("synth: %s: the success schema is not an object", action)
	}
	for name, val := range map[string]any{"RequestId": requestID, "Success": true, "Code": "Success", "Message": "Successful!"} {
		if _, has := schema.Properties[name]; has {
			body[name] = val
		}
	}
	return body, nil
}

// successSchema is the JSON schema of op's HTTP 200 answer; for a oneOf (success or body-channel
// error) the first alternative, the success.
func successSchema(op *spec.Operation) (*openapi3.Schema, error) {
	item := op.PathItem() // this operation alone: the whole document is parsed only by those who need it
	if item == nil || item.Post == nil {
		return nil, fmt.Errorf("synth: no POST %s", op.Path)
	}
	r := item.Post.Responses.Status(200)
	if r == nil || r.Value == nil {
		return nil, fmt.Errorf("synth: %s has no HTTP 200 answer", op.Action)
	}
	mt := r.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, fmt.Errorf("synth: %s has no JSON schema", op.Action)
	}
	s := mt.Schema.Value
	if len(s.OneOf) > 0 {
		s = s.OneOf[0].Value
	}
	return s, nil
}

type gen struct{ seed uint64 }

// rng returns the stream of one place of the answer: each value depends on the seed and its
// path only, so adding a property elsewhere does not change it.
func (g *gen) rng(path string) *rand.Rand {
	h := hash(path)
	return rand.New(rand.NewPCG(g.seed, h^0x9E3779B97F4A7C15))
}

func hash(s string) uint64 {
	f := fnv.New64a()
	f.Write([]byte(s))
	return f.Sum64()
}

func (g *gen) value(s *openapi3.Schema, path string, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%s: nested deeper than %d", path, maxDepth)
	}
	if len(s.OneOf) > 0 {
		return g.value(s.OneOf[0].Value, path, depth+1)
	}
	if len(s.AllOf) > 0 {
		return g.value(s.AllOf[0].Value, path, depth+1)
	}
	r := g.rng(path)
	if len(s.Enum) > 0 {
		return s.Enum[r.IntN(len(s.Enum))], nil
	}
	switch {
	case s.Type == nil || s.Type.Is(openapi3.TypeString):
		return g.str(s, path, r)
	case s.Type.Is(openapi3.TypeInteger):
		return integer(s, r), nil
	case s.Type.Is(openapi3.TypeNumber):
		return number(s, r), nil
	case s.Type.Is(openapi3.TypeBoolean):
		return r.IntN(2) == 0, nil
	case s.Type.Is(openapi3.TypeArray):
		// Two elements whatever the seed: a list of one is an object in XML, so a length drawn from
		// the seed would give two fakes of different seeds different answer shapes.
		n := 2
		if s.MinItems > uint64(n) {
			n = int(s.MinItems)
		}
		if s.MaxItems != nil && uint64(n) > *s.MaxItems {
			n = int(*s.MaxItems)
		}
		out := make([]any, 0, n)
		for i := range n {
			if s.Items == nil || s.Items.Value == nil {
				out = append(out, fmt.Sprintf("item-%d", i+1))
				continue
			}
			v, err := g.value(s.Items.Value, fmt.Sprintf("%s[%d]", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case s.Type.Is(openapi3.TypeObject):
		out := map[string]any{}
		for name, p := range s.Properties {
			if p == nil || p.Value == nil {
				continue
			}
			v, err := g.value(p.Value, path+"."+name, depth+1)
			if err != nil {
				return nil, err
			}
			out[name] = v
		}
		if ap := s.AdditionalProperties.Schema; ap != nil && ap.Value != nil && len(s.Properties) == 0 {
			v, err := g.value(ap.Value, path+".key1", depth+1)
			if err != nil {
				return nil, err
			}
			out["key1"] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: type %v", path, s.Type)
}

func integer(s *openapi3.Schema, r *rand.Rand) int64 {
	lo, hi := int64(1), int64(1000)
	if s.Min != nil {
		lo = int64(math.Ceil(*s.Min))
		if s.ExclusiveMin.IsTrue() {
			lo++
		}
		if hi < lo {
			hi = lo + 1000
		}
	}
	if s.Max != nil {
		hi = int64(math.Floor(*s.Max))
		if s.ExclusiveMax.IsTrue() {
			hi--
		}
		if lo > hi {
			lo = hi
		}
	}
	if hi-lo > 1<<40 {
		hi = lo + 1<<40
	}
	return lo + r.Int64N(hi-lo+1)
}

func number(s *openapi3.Schema, r *rand.Rand) float64 {
	lo, hi := 0.0, 1000.0
	if s.Min != nil {
		lo = *s.Min
		if hi < lo {
			hi = lo + 1000
		}
	}
	if s.Max != nil {
		hi = *s.Max
		if lo > hi {
			lo = hi
		}
	}
	// Two decimals, like the amounts BSS answers; inside exclusive bounds.
	v := math.Round((lo+(hi-lo)*r.Float64())*100) / 100
	if v <= lo && s.ExclusiveMin.IsTrue() || v < lo {
		v = lo + (hi-lo)/2
	}
	if v >= hi && s.ExclusiveMax.IsTrue() || v > hi {
		v = lo + (hi-lo)/2
	}
	return v
}

func (g *gen) str(s *openapi3.Schema, path string, r *rand.Rand) (string, error) {
	var v string
	switch {
	case s.Pattern != "":
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return "", fmt.Errorf("%s: pattern: %w", path, err)
		}
		v, err = fromPattern(s.Pattern, r)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		if !re.MatchString(v) {
			return "", fmt.Errorf("%s: no string found for pattern %q (tried %q)", path, s.Pattern, v)
		}
		return v, nil
	case s.Format == "date-time":
		return epoch.Add(time.Duration(r.IntN(86400*365)) * time.Second).Format(time.RFC3339), nil
	case s.Format == "date":
		return epoch.AddDate(0, 0, r.IntN(365)).Format(time.DateOnly), nil
	default:
		v = plausible(path, r)
	}
	minLen, maxLen := int(s.MinLength), -1
	if s.MaxLength != nil {
		maxLen = int(*s.MaxLength)
	}
	for len([]rune(v)) < minLen {
		v += "x"
	}
	if maxLen >= 0 && len([]rune(v)) > maxLen {
		v = string([]rune(v)[:maxLen])
	}
	return v, nil
}

// plausible gives a string by the property's name: IDs look like IDs, times like times, the rest
// like a word and a number.
func plausible(path string, r *rand.Rand) string {
	name := path[strings.LastIndexAny(path, ".]")+1:]
	lower := strings.ToLower(name)
	n := r.IntN(1_000_000)
	switch {
	case strings.HasSuffix(lower, "time") || strings.HasSuffix(lower, "date"):
		return epoch.Add(time.Duration(n) * time.Second).Format(time.RFC3339)
	case strings.HasSuffix(lower, "orderid"):
		return strconv.FormatInt(210000000000000+int64(n), 10)
	case strings.HasSuffix(lower, "userid") || strings.HasSuffix(lower, "ownerid") || strings.HasSuffix(lower, "uid"):
		return strconv.FormatInt(1000000000000000+int64(n), 10)
	case strings.HasSuffix(lower, "id") || strings.HasSuffix(lower, "ids"):
		return fmt.Sprintf("id-%06d", n)
	case strings.Contains(lower, "currency"):
		return []string{"CNY", "USD"}[n%2]
	case strings.Contains(lower, "amount") || strings.Contains(lower, "cost") || strings.Contains(lower, "price") || strings.Contains(lower, "fee"):
		return fmt.Sprintf("%d.%02d", n%10000, n%100)
	case lower == "region" || lower == "regionid":
		return "cn-hangzhou"
	}
	return fmt.Sprintf("%s-%d", strings.ToLower(name), n%1000)
}

// fromPattern builds a string the regular expression matches: the shortest repetition allowed
// (at least one), the first alternative, a character of each class chosen by r.
func fromPattern(pattern string, r *rand.Rand) (string, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := emit(&b, re.Simplify(), r, 0); err != nil {
		return "", fmt.Errorf("pattern %q: %w", pattern, err)
	}
	return b.String(), nil
}

func emit(b *strings.Builder, re *syntax.Regexp, r *rand.Rand, depth int) error {
	if depth > 64 {
		return fmt.Errorf("too deep")
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		// Pairs of ranges: pick a range, then a character of it (printable ASCII preferred).
		var ranges [][2]rune
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo < 0x21 {
				lo = 0x21
			}
			if hi > 0x7E {
				hi = 0x7E
			}
			if lo <= hi {
				ranges = append(ranges, [2]rune{lo, hi})
			}
		}
		if len(ranges) == 0 {
			if len(re.Rune) == 0 {
				return fmt.Errorf("an empty character class")
			}
			b.WriteRune(re.Rune[0])
			return nil
		}
		rg := ranges[r.IntN(len(ranges))]
		b.WriteRune(rg[0] + rune(r.IntN(int(rg[1]-rg[0])+1)))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
	case syntax.OpCapture:
		return emit(b, re.Sub[0], r, depth+1)
	case syntax.OpStar, syntax.OpQuest:
		// Zero is allowed; one shows a value.
		if re.Op == syntax.OpStar || r.IntN(2) == 0 {
			return emit(b, re.Sub[0], r, depth+1)
		}
	case syntax.OpPlus:
		return emit(b, re.Sub[0], r, depth+1)
	case syntax.OpRepeat:
		n := re.Min
		if n == 0 && (re.Max == -1 || re.Max > 0) {
			n = 1
		}
		for range n {
			if err := emit(b, re.Sub[0], r, depth+1); err != nil {
				return err
			}
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if err := emit(b, sub, r, depth+1); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		return emit(b, re.Sub[0], r, depth+1)
	default:
		return fmt.Errorf("unsupported %v", re.Op)
	}
	return nil
}
