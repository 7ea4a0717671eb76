package store_test

import (
	"testing"

	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/fake/internal/store/storetest"
)

func TestMemoryConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(_ *testing.T, n int) []store.Backend {
		m := store.NewMemory()
		out := make([]store.Backend, n)
		for i := range out {
			out[i] = m
		}
		return out
	})
}

func TestCents(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"0.00": 0, "12.30": 1230, "7": 700, "1.5": 150, "": 0, "x": 0, "-1.00": 0, "3.456": 345} {
		if got := store.Cents(in); got != want {
			t.Errorf("Cents(%q) = %d, want %d", in, got, want)
		}
	}
}
