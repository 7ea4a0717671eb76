package spec

import "testing"

// BenchmarkFirstUse is what a process pays on its first use of the spec ([Lookup], [Sites],
// [CreateInstance], the wire facts): cut the core out of the embedded document and parse it.
func BenchmarkFirstUse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var l lite
		if err := l.loadIndex(); err != nil {
			b.Fatal(err)
		}
		if err := l.loadSites(); err != nil {
			b.Fatal(err)
		}
		if err := l.load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstUseOperation is what the first use of one further operation costs
// ([OperationFor]): cut its document out and parse it.
func BenchmarkFirstUseOperation(b *testing.B) {
	var l lite
	if err := l.loadIndex(); err != nil {
		b.Fatal(err)
	}
	if err := l.load(); err != nil {
		b.Fatal(err)
	}
	e := l.ops["QueryAccountBalance"]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.parseOperation(e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstUseWhole is what the first use of the whole document costs ([Doc],
// [Operations], [SharedValidator]): parse it and its extensions, without kin-openapi's validation.
func BenchmarkFirstUseWhole(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var l loaded
		if err := l.load(false); err != nil {
			b.Fatal(err)
		}
	}
}
