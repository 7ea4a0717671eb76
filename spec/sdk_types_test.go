package spec_test

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/spec"
)

// sdkOperations are the operations of the old Go SDK's bssopenapi client: every method X whose
// request type is XRequest, with its response type.
func sdkOperations(t *testing.T) map[string]reflect.Type {
	t.Helper()
	ct := reflect.TypeOf(&bssopenapi.Client{})
	ops := map[string]reflect.Type{}
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		mt := m.Type
		if mt.NumIn() != 2 || mt.NumOut() != 2 || mt.In(1).Kind() != reflect.Pointer || mt.Out(0).Kind() != reflect.Pointer {
			continue
		}
		if mt.In(1).Elem().Name() != m.Name+"Request" || mt.Out(0).Elem().Name() != m.Name+"Response" {
			continue
		}
		ops[m.Name] = mt.Out(0).Elem()
	}
	require.GreaterOrEqual(t, len(ops), 99, "the SDK's typed operations")
	return ops
}

// Every operation of the old Go SDK is in the spec, and every field of its typed response that the
// spec also describes has a type the SDK can read from an answer that follows the spec: where the
// metadata and the SDK disagree, the spec's type must be one both decoders read (the old SDK's
// JSON decoder turns numbers into strings and digit strings into numbers; the new generation reads
// the metadata's types).
func TestSDKResponsesReadTheSpecsTypes(t *testing.T) {
	t.Parallel()
	ops := sdkOperations(t)
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		op, ok := spec.OperationFor(name)
		if !assert.True(t, ok, "the SDK's %s is not in the spec", name) {
			continue
		}
		schema := responseSchema(t, op)
		var problems []string
		compareType(ops[name], schema, "", &problems, 0)
		assert.Empty(t, problems, "%s: fields the SDK cannot read as the spec types them", name)
	}
}

func responseSchema(t *testing.T, op *spec.Operation) *openapi3.Schema {
	t.Helper()
	item := spec.Doc().Paths.Value(op.Path)
	require.NotNil(t, item)
	mt := item.Post.Responses.Status(200).Value.Content.Get("application/json")
	require.NotNil(t, mt)
	s := mt.Schema.Value
	if len(s.OneOf) > 0 {
		s = s.OneOf[0].Value
	}
	return s
}

var digits = regexp.MustCompile(`^\^(-\?)?(\[0-9\]|\\d)`)

func compareType(rt reflect.Type, s *openapi3.Schema, path string, problems *[]string, depth int) {
	if s == nil || depth > 12 {
		return
	}
	for rt.Kind() == reflect.Pointer {
		rt = rt.Elem()
	}
	is := func(t string) bool { return s.Type != nil && s.Type.Is(t) }
	bad := func(why string) {
		*problems = append(*problems, fmt.Sprintf("%s: SDK %s, spec %v: %s", path, rt.Kind(), s.Type, why))
	}
	switch rt.Kind() {
	case reflect.Struct:
		if !is(openapi3.TypeObject) {
			if s.Type != nil {
				bad("an object in the SDK")
			}
			return
		}
		for i := range rt.NumField() {
			f := rt.Field(i)
			if f.Anonymous {
				continue // BaseResponse
			}
			tag := strings.Split(f.Tag.Get("json"), ",")[0]
			if tag == "" {
				continue
			}
			if p := s.Properties[tag]; p != nil {
				compareType(f.Type, p.Value, path+"."+tag, problems, depth+1)
			}
		}
	case reflect.Slice:
		if is(openapi3.TypeArray) && s.Items != nil {
			compareType(rt.Elem(), s.Items.Value, path+"[]", problems, depth+1)
		}
	case reflect.String:
		// The old SDK reads numbers and booleans into strings.
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Int8, reflect.Int16:
		if is(openapi3.TypeString) && !digits.MatchString(s.Pattern) {
			bad("a string the SDK's integer cannot read unless it is digits")
		}
		if is(openapi3.TypeNumber) {
			bad("a number with a fraction breaks the SDK's integer")
		}
	case reflect.Float32, reflect.Float64:
		if is(openapi3.TypeString) && !digits.MatchString(s.Pattern) {
			bad("a string the SDK's float cannot read unless it is a decimal")
		}
	case reflect.Bool:
		if is(openapi3.TypeString) && len(s.Enum) == 0 {
			bad("a string the SDK's bool cannot read unless it is true or false")
		}
	}
}
