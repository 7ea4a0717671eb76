package spec

import "testing"

// BenchmarkFirstUse is what a process pays on its first use of the spec ([Doc], [Lookup],
// [OperationFor] and friends share it): parse the embedded document and its extensions.
func BenchmarkFirstUse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var l loaded
		if err := l.load(false); err != nil {
			b.Fatal(err)
		}
	}
}
