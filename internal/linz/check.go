package linz

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// CheckOptions configure [Check].
type CheckOptions struct {
	// Timeout bounds the search of each partition (default 10s); a partition that runs out is
	// reported as undecided, never as passing.
	Timeout time.Duration
	// VisualizeTo is the HTML file porcupine's visualisation of the failing partitions is written
	// to when some fail ("": none is written).
	VisualizeTo string
	// MaxVisualized is how many failing partitions, smallest first, the visualisation shows
	// (default 12).
	MaxVisualized int
}

// Partition is the verdict on one partition.
type Partition struct {
	Key    string
	Ops    []porcupine.Operation // by call time
	Result porcupine.CheckResult
	// Minimal is, for the smallest failing partition, a sub-history of Ops that still fails and
	// from which no operation can be left out without it passing: the counterexample to read.
	Minimal []porcupine.Operation
}

// Verdict is the result of [Check].
type Verdict struct {
	Partitions int         // how many partitions were checked
	Ops        int         // how many operations
	Failed     []Partition // not linearizable, smallest first
	Undecided  []Partition // the search ran out of time
	// Visualization is the HTML file written, or the error writing it.
	Visualization string
	// Took is how long the check took.
	Took time.Duration
	// Kinds counts the partitions by kind (the product, or "clock"): how many, how many fail.
	Kinds map[string]KindCount
}

// KindCount is how many partitions of a kind there are and how many of them fail.
type KindCount struct{ Partitions, Failed int }

// kindOf is the kind of a partition key: its product, or the key itself.
func kindOf(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// OK reports whether every partition is linearizable.
func (v Verdict) OK() bool { return len(v.Failed) == 0 && len(v.Undecided) == 0 }

// FailedKeys returns the keys of the failing partitions, sorted.
func (v Verdict) FailedKeys() []string {
	keys := make([]string, len(v.Failed))
	for i, p := range v.Failed {
		keys[i] = p.Key
	}
	slices.Sort(keys)
	return keys
}

// String is the verdict for a person: the counts, the failing partitions, where the visualisation
// is, and the smallest failing partition operation by operation.
func (v Verdict) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "linearizability: %d operations in %d partitions, checked in %v", v.Ops, v.Partitions, v.Took.Round(time.Millisecond))
	if v.OK() {
		b.WriteString(": every partition is linearizable")
		return b.String()
	}
	fmt.Fprintf(&b, ": %d not linearizable, %d undecided (search timed out)\n", len(v.Failed), len(v.Undecided))
	for _, k := range slices.Sorted(maps.Keys(v.Kinds)) {
		fmt.Fprintf(&b, "  %s: %d of %d partitions fail\n", k, v.Kinds[k].Failed, v.Kinds[k].Partitions)
	}
	for _, p := range append(slices.Clone(v.Failed), v.Undecided...) {
		fmt.Fprintf(&b, "  %-40s %4d ops  %s\n", p.Key, len(p.Ops), p.Result)
	}
	if v.Visualization != "" {
		fmt.Fprintf(&b, "visualisation: %s\n", v.Visualization)
	}
	if len(v.Failed) > 0 {
		p := v.Failed[0]
		fmt.Fprintf(&b, "smallest failing partition %s (%d operations); ", p.Key, len(p.Ops))
		switch {
		case len(p.Minimal) > 0 && len(p.Ops) <= maxPrinted:
			fmt.Fprintf(&b, "the %d marked > fail on their own, no one can be left out", len(p.Minimal))
			b.WriteString(" (ms since start, invoke..return, * unknown outcome):\n")
			b.WriteString(formatOps(p.Ops, p.Minimal))
		case len(p.Minimal) > 0:
			fmt.Fprintf(&b, "%d of them fail on their own, no one can be left out", len(p.Minimal))
			b.WriteString(" (ms since start, invoke..return, * unknown outcome):\n")
			b.WriteString(FormatOps(p.Minimal))
		default:
			b.WriteString("(ms since start, invoke..return, * unknown outcome):\n")
			b.WriteString(FormatOps(p.Ops))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// maxPrinted is the size up to which the smallest failing partition is printed whole, its
// counterexample marked.
const maxPrinted = 40

// FormatOps lists operations one a line, by call time.
func FormatOps(ops []porcupine.Operation) string { return formatOps(ops, nil) }

// formatOps lists operations, marking those in core with ">".
func formatOps(ops, core []porcupine.Operation) string {
	var end int64
	for _, op := range ops {
		if op.Output.(Output).Result != Unknown {
			end = max(end, op.Return)
		}
	}
	var b strings.Builder
	for _, op := range ops {
		ret, mark := fmt.Sprintf("%9.1f", float64(op.Return)/1e6), " "
		if op.Return > end {
			ret, mark = "        ?", "*"
		}
		in := " "
		if slices.ContainsFunc(core, func(c porcupine.Operation) bool { return c.Call == op.Call && c.ClientId == op.ClientId }) {
			in = ">"
		}
		fmt.Fprintf(&b, " %s%s%9.1f..%s  client %2d  %s\n", in, mark, float64(op.Call)/1e6, ret, op.ClientId,
			Describe(op.Input.(Input), op.Output.(Output)))
	}
	return b.String()
}

// Check checks a history partition by partition (see [Input.Key]) against [Model].
func Check(history []porcupine.Operation, opts CheckOptions) (v Verdict) {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxVisualized <= 0 {
		opts.MaxVisualized = 12
	}
	start := time.Now()
	defer func() { v.Took = time.Since(start) }()
	byKey := map[string][]porcupine.Operation{}
	for _, op := range history {
		k := op.Input.(Input).Key()
		byKey[k] = append(byKey[k], op)
	}
	v = Verdict{Partitions: len(byKey), Ops: len(history), Kinds: map[string]KindCount{}}
	for k, ops := range byKey {
		kc := v.Kinds[kindOf(k)]
		kc.Partitions++
		v.Kinds[kindOf(k)] = kc
		slices.SortStableFunc(ops, func(a, b porcupine.Operation) int { return cmp.Compare(a.Call, b.Call) })
		ops = collapseUnknown(ops)
		res := porcupine.CheckOperationsTimeout(Model, ops, opts.Timeout)
		switch res {
		case porcupine.Illegal:
			v.Failed = append(v.Failed, Partition{Key: k, Ops: ops, Result: res})
			kc := v.Kinds[kindOf(k)]
			kc.Failed++
			v.Kinds[kindOf(k)] = kc
		case porcupine.Unknown:
			v.Undecided = append(v.Undecided, Partition{Key: k, Ops: ops, Result: res})
		}
	}
	bySize := func(a, b Partition) int {
		return cmp.Or(cmp.Compare(len(a.Ops), len(b.Ops)), cmp.Compare(a.Key, b.Key))
	}
	slices.SortFunc(v.Failed, bySize)
	slices.SortFunc(v.Undecided, bySize)
	if len(v.Failed) > 0 {
		v.Failed[0].Minimal = minimal(v.Failed[0].Ops, opts.Timeout)
	}
	if len(v.Failed) > 0 && opts.VisualizeTo != "" {
		v.Visualization = visualize(v.Failed[:min(len(v.Failed), opts.MaxVisualized)], opts)
	}
	return v
}

// visualize writes porcupine's HTML for the partitions and returns the file name (or the error).
func visualize(parts []Partition, opts CheckOptions) string {
	var ops []porcupine.Operation
	for _, p := range parts {
		ops = append(ops, p.Ops...)
	}
	m := Model
	m.Partition = func(h []porcupine.Operation) [][]porcupine.Operation {
		var out [][]porcupine.Operation
		idx := map[string]int{}
		for _, op := range h {
			k := op.Input.(Input).Key()
			i, ok := idx[k]
			if !ok {
				i = len(out)
				idx[k] = i
				out = append(out, nil)
			}
			out[i] = append(out[i], op)
		}
		return out
	}
	_, info := porcupine.CheckOperationsVerbose(m, ops, opts.Timeout)
	if err := porcupine.VisualizePath(m, info, opts.VisualizeTo); err != nil {
		return fmt.Sprintf("(not written: %v)", err)
	}
	return opts.VisualizeTo
}

// maxMinimize bounds the partitions [minimal] works on (each step is a check).
const maxMinimize = 1000

// minimal shrinks a failing partition to a counterexample: the shortest failing prefix by call
// time found by bisection, then every operation left out that the rest still fails without,
// except the first acknowledgement of each order (an ORDER.OPEND alone fails too, but a reader
// wants to see which order it should have been).
// Nil: the partition is too large, or shrinking ran out of time.
func minimal(ops []porcupine.Operation, timeout time.Duration) []porcupine.Operation {
	if len(ops) > maxMinimize {
		return nil
	}
	deadline := time.Now().Add(timeout)
	fails := func(h []porcupine.Operation) bool {
		return porcupine.CheckOperationsTimeout(Model, h, timeout/10) == porcupine.Illegal
	}
	lo, hi := 1, len(ops) // ops[:hi] fails
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(ops[:mid]) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	cur := slices.Clone(ops[:hi])
	for i := len(cur) - 1; i >= 0; i-- {
		if time.Now().After(deadline) {
			return nil
		}
		if acknowledges(cur, i) {
			continue // keep the facts a reader needs: the order this counterexample is about
		}
		if next := slices.Delete(slices.Clone(cur), i, i+1); fails(next) {
			cur = next
		}
	}
	return cur
}

// collapseUnknown keeps, of the CreateInstance calls of one ClientToken whose outcome is unknown,
// only the one invoked first, and drops it too when the token's order was acknowledged before
// that call. Nothing a history can show is lost: every unknown call of a token has the same
// effect (the token's one order) at any time after its call, so the first one can take it
// whenever a later one could; and once the order exists, another call of its token changes
// nothing. Without this, k unknown calls (a store down for a second gives hundreds) are 2^k
// orders for the search to try. ops are sorted by call time.
func collapseUnknown(ops []porcupine.Operation) []porcupine.Operation {
	acked := map[string]int64{} // token -> earliest return of a success
	for _, op := range ops {
		in, out := op.Input.(Input), op.Output.(Output)
		if in.Kind == Create && out.Result == OK {
			if t, ok := acked[in.Token]; !ok || op.Return < t {
				acked[in.Token] = op.Return
			}
		}
	}
	seen := map[string]bool{}
	return slices.DeleteFunc(ops, func(op porcupine.Operation) bool {
		in, out := op.Input.(Input), op.Output.(Output)
		if in.Kind != Create || out.Result != Unknown {
			return false
		}
		if t, ok := acked[in.Token]; ok && t < op.Call || seen[in.Token] {
			return true
		}
		seen[in.Token] = true
		return false
	})
}

// acknowledges reports whether ops[i] is the first success of its ClientToken in ops.
func acknowledges(ops []porcupine.Operation, i int) bool {
	in, out := ops[i].Input.(Input), ops[i].Output.(Output)
	if in.Kind != Create || out.Result != OK {
		return false
	}
	return !slices.ContainsFunc(ops[:i], func(op porcupine.Operation) bool {
		return op.Input.(Input).Kind == Create && op.Input.(Input).Token == in.Token && op.Output.(Output).Result == OK
	})
}
