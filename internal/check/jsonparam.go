package check

import (
	"encoding/json"
	"math"

	"github.com/getkin/kin-openapi/openapi3"
)

// jsonConforms reports whether s is JSON whose value has the types schema s describes: an object's
// properties (or additional properties), an array's items, strings, numbers, integers and
// booleans, nested at most maxJSONDepth deep. Bounds and patterns inside are not checked: the
// metadata gives types only.
func jsonConforms(text string, s *openapi3.Schema) bool {
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return false
	}
	return jsonTyped(v, s, 0)
}

const maxJSONDepth = 16

func jsonTyped(v any, s *openapi3.Schema, depth int) bool {
	if s == nil || s.Type == nil || len(*s.Type) == 0 {
		return true
	}
	if depth > maxJSONDepth {
		return false
	}
	switch v := v.(type) {
	case map[string]any:
		if !s.Type.Is(openapi3.TypeObject) {
			return false
		}
		for k, e := range v {
			var es *openapi3.Schema
			if p := s.Properties[k]; p != nil {
				es = p.Value
			} else if ap := s.AdditionalProperties.Schema; ap != nil {
				es = ap.Value
			}
			if !jsonTyped(e, es, depth+1) {
				return false
			}
		}
		return true
	case []any:
		if !s.Type.Is(openapi3.TypeArray) {
			return false
		}
		for _, e := range v {
			if s.Items != nil && !jsonTyped(e, s.Items.Value, depth+1) {
				return false
			}
		}
		return true
	case string:
		return s.Type.Is(openapi3.TypeString)
	case float64:
		return s.Type.Is(openapi3.TypeNumber) || s.Type.Is(openapi3.TypeInteger) && v == math.Trunc(v)
	case bool:
		return s.Type.Is(openapi3.TypeBoolean)
	case nil:
		return false
	}
	return false
}
