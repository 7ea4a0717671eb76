package store

import (
	"strconv"
	"testing"
)

// TestRecordLogKeepsPositions: orders keep their positions and contents across block boundaries,
// and all yields them in order.
func TestRecordLogKeepsPositions(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, orderBlock - 1, orderBlock, orderBlock + 1, 3*orderBlock + 7} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			var l recordLog
			for i := range n {
				if got := l.add(Record{OrderID: strconv.Itoa(i)}); got != i {
					t.Fatalf("add #%d returned position %d", i, got)
				}
			}
			if l.n != n {
				t.Fatalf("len = %d, want %d", l.n, n)
			}
			for i := range n {
				if id := l.at(i).OrderID; id != strconv.Itoa(i) {
					t.Fatalf("at(%d) = order %s", i, id)
				}
			}
			next := 0
			for i, o := range l.all {
				if i != next || o.OrderID != strconv.Itoa(i) {
					t.Fatalf("all yielded %d (order %s), want %d", i, o.OrderID, next)
				}
				next++
			}
			if next != n {
				t.Fatalf("all yielded %d orders, want %d", next, n)
			}
		})
	}
}
