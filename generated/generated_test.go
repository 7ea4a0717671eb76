package generated_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
	"unicode"

	"github.com/bsskit/bsskit/spec"
)

// TestEveryOperationHasTypes: the generated file declares, for every operation of the spec, its
// parameters type, and a type for every schema, named as users look for them. A new operation
// added to the spec gets them from `make generate` alone; this fails if the configuration stops
// producing them.
func TestEveryOperationHasTypes(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "bssopenapi.gen.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, s := range g.Specs {
				declared[s.(*ast.TypeSpec).Name.Name] = true
			}
		}
	}
	var want []string
	doc := spec.Doc()
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if len(op.Parameters) > 0 {
				r := []rune(op.OperationID)
				r[0] = unicode.ToUpper(r[0])
				want = append(want, string(r)+"Params")
			}
		}
	}
	for name := range doc.Components.Schemas {
		want = append(want, name)
	}
	if len(want) < 4 {
		t.Fatalf("only %d names expected from the spec: %v", len(want), want)
	}
	for _, name := range want {
		if !declared[name] {
			t.Errorf("generated code has no type %s", name)
		}
	}
}
