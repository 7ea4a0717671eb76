package spec_test

import (
	"testing"

	"github.com/bsskit/bsskit/spec"
)

// BenchmarkLoad is what a process pays once, on its first use of the spec: parse and validate the
// embedded document and parse its extensions ([spec.Doc] and friends share one load).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := spec.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewValidator is the once-per-process cost of the kin-openapi validator
// ([spec.SharedValidator] builds one).
func BenchmarkNewValidator(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := spec.NewValidator(); err != nil {
			b.Fatal(err)
		}
	}
}
