package spec

import (
	"encoding/json"
	"go/token"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every operation parsed alone, from the document cut out for it, equals the one parsed from the
// whole document: parameters, extensions, schemas and path item; and the core's catalogue, wire
// facts and sites are the whole document's.
func TestLazyOperationsEqualWholeDocument(t *testing.T) {
	t.Parallel()
	var full loaded
	require.NoError(t, full.load(false))
	l := newLite(t)
	assert.Len(t, l.ops, len(full.ops), "the index maps every path's Action")
	assert.Equal(t, full.cat, l.cat)
	assert.Equal(t, full.wire, l.wire)
	assert.Equal(t, full.sites, l.sites)
	for _, want := range full.ops {
		e, ok := l.ops[want.Action]
		if !assert.True(t, ok, "%s is not in the index", want.Action) {
			continue
		}
		assert.Equal(t, want.Path, e.path, want.Action)
		got, err := l.parseOperation(e)
		if e == l.root {
			got = l.root.op
		} else if !assert.NoError(t, err, want.Action) {
			continue
		}
		if diff := cmp.Diff(marshal(t, want), marshal(t, got)); diff != "" {
			t.Errorf("%s: the operation parsed alone differs (-whole +alone):\n%s", want.Action, diff)
		}
		// Deep, through every resolved reference (the JSON form stops at each $ref).
		if diff := cmp.Diff(want.PathItem(), got.PathItem(), ignoreUnexported); diff != "" {
			t.Errorf("%s: the path item parsed alone differs (-whole +alone):\n%s", want.Action, diff)
		}
	}
}

// ignoreUnexported leaves out kin-openapi's unexported fields (loader bookkeeping).
var ignoreUnexported = cmp.FilterPath(func(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	return ok && !token.IsExported(sf.Name())
}, cmp.Ignore())

// newLite returns state of its own, loaded as the get functions load theirs.
func newLite(t *testing.T) *lite {
	t.Helper()
	l := &lite{}
	require.NoError(t, l.loadIndex())
	require.NoError(t, l.loadSites())
	require.NoError(t, l.load())
	return l
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	require.NoError(t, err)
	return string(b)
}

// The first use of one operation parses it alone: the others stay unparsed, and its document
// holds its own path (with "/" only for the anchors it aliases) and no unrelated component.
func TestLazyParsesOnlyWhatIsAsked(t *testing.T) {
	t.Parallel()
	l := newLite(t)
	e := l.ops["QueryAccountBalance"]
	require.NotNil(t, e)
	l.operation(e)
	for action, other := range l.ops {
		if other != e && other != l.root {
			assert.Nil(t, other.op, "%s was parsed too", action)
		}
	}
	data, err := l.idx.document([]string{"openapi", "info"}, []string{e.path})
	require.NoError(t, err)
	doc := string(data)
	assert.Contains(t, doc, "\n  /QueryAccountBalance:\n")
	assert.NotContains(t, doc, "\n  /CreateInstance")
	assert.NotContains(t, doc, "x-bss-errors:")
	assert.NotContains(t, doc, "\n    QueryAvailableInstancesResponse:", "a component nothing refers to")
	assert.Less(t, len(data), len(yamlDoc)/20)
}

// A layout the cut does not understand is an error, never a silently different operation.
func TestIndexYAMLRejects(t *testing.T) {
	t.Parallel()
	const head = "openapi: 3.0.3\ninfo:\n  title: t\n  version: v\n"
	tests := []struct {
		name, doc, paths, want string
	}{
		{"a path twice", head + "paths:\n  /:\n    post:\n      x-bss-action: A\n  /:\n    post:\n      x-bss-action: B\n", "", "path / appears twice"},
		{"no x-bss-action", head + "paths:\n  /:\n    post:\n      x-bss-action: A\n  /B:\n    post: {}\n", "", "path /B: no x-bss-action"},
		{"one Action twice", head + "paths:\n  /:\n    post:\n      x-bss-action: A\n  /B:\n    post:\n      x-bss-action: A\n", "", "both serve A"},
		{"no path /", head + "paths:\n  /B:\n    post:\n      x-bss-action: B\n", "", "no path /"},
		{"a missing component", head + "paths:\n  /:\n    post:\n      x-bss-action: A\n      parameters:\n        - $ref: '#/components/parameters/Gone'\ncomponents:\n  parameters:\n    Here:\n      name: Here\n", "/", "components parameters Gone"},
		{"an unknown path", head + "paths:\n  /:\n    post:\n      x-bss-action: A\n", "/Nowhere", "no path /Nowhere"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			idx, err := indexYAML([]byte(tt.doc))
			if err == nil {
				_, err = idx.document([]string{"openapi"}, []string{tt.paths})
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A cut document keeps the components its path refers to, transitively, in the document's order,
// and the anchors of "/" a path aliases are found.
func TestIndexYAMLDocument(t *testing.T) {
	t.Parallel()
	doc := strings.Join([]string{
		"openapi: 3.0.3",
		"info:",
		"  title: t",
		"paths:",
		"  /:",
		"    post:",
		"      x-bss-action: A",
		"      x-bss-rules: &rules []",
		"  # a comment between paths",
		"  /B:",
		"    post:",
		"      x-bss-action: B",
		"      x-bss-rules: *rules",
		"      parameters:",
		"        - $ref: '#/components/parameters/P'",
		"components:",
		"  parameters:",
		"    P:",
		"      schema:",
		"        $ref: '#/components/schemas/S'",
		"    Unused:",
		"      name: U",
		"  schemas:",
		"    S:",
		"      type: string",
		"    T:",
		"      type: string",
		"x-bss-errors: []",
		"",
	}, "\n")
	idx, err := indexYAML([]byte(doc))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"A": "/", "B": "/B"}, idx.actions)
	assert.True(t, idx.needsRoot("/B"))
	assert.False(t, idx.needsRoot("/"))
	got, err := idx.document([]string{"openapi"}, []string{"/B"})
	require.NoError(t, err)
	want := strings.Join([]string{
		"openapi: 3.0.3",
		"paths:",
		"  /B:",
		"    post:",
		"      x-bss-action: B",
		"      x-bss-rules: *rules",
		"      parameters:",
		"        - $ref: '#/components/parameters/P'",
		"components:",
		"  parameters:",
		"    P:",
		"      schema:",
		"        $ref: '#/components/schemas/S'",
		"  schemas:",
		"    S:",
		"      type: string",
		"",
	}, "\n")
	assert.Equal(t, want, string(got))
}
