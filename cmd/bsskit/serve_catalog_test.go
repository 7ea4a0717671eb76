package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The start-up log says which catalogue is in use and how many products it holds.
func TestServeLogsTheCatalogue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"built-in", nil, `"catalogue":"built-in (fake.DefaultCatalog)","products":5`},
		{"file", []string{"--catalog", "../../testdata/catalogs/example.yaml"}, `"catalogue":"../../testdata/catalogs/example.yaml","products":3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, stop, stderr := startServe(t, append([]string{"--addr", "127.0.0.1:0", "--log-format", "json"}, tt.args...)...)
			assert.Equal(t, 0, stop())
			assert.Contains(t, stderr.String(), `"msg":"catalogue in use",`+tt.want)
		})
	}
}

// A catalogue file with problems stops serve with every problem, each at its line and column.
func TestServeRefusesABadCatalogue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       []string
	}{
		{"empty product list", "products: []\n", []string{"catalogue: line 1:1: products: no products"}},
		{"several problems", "products:\n  - code: rtc\n    modles: []\n    periodMultiple: x\n",
			[]string{`line 3:5: unknown field "modles" in products[0]`, `line 4:21: products[0].periodMultiple: want an integer, got "x"`}},
		{"unclosed brace", "products:\n  - {code: rtc\n  - code: sas\n", []string{"line 2:5: did not find expected ',' or '}'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "catalog.yaml")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			var stderr syncBuffer
			code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--catalog", path}, io.Discard, &stderr)
			assert.Equal(t, exitUsage, code)
			for _, w := range tt.want {
				assert.Contains(t, stderr.String(), w)
			}
		})
	}
}
