package linz

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// op is one operation of a hand-written history; ret < 0 is an unknown outcome (no return).
func op(client int, call, ret int64, in Input, out Output) porcupine.Operation {
	if in.Account == "" && in.Kind != Advance && in.Kind != Probe {
		in.Account = "A"
	}
	if in.Product == "" && in.Kind != Advance && in.Kind != Probe {
		in.Product = productSAS
		if in.OpensOnce {
			in.Product = productCFW
		}
	}
	return porcupine.Operation{ClientId: client, Input: in, Call: call, Output: out, Return: ret}
}

func create(token string) Input { return Input{Kind: Create, Token: token} }
func createOnce(token string) Input {
	return Input{Kind: Create, Token: token, OpensOnce: true}
}
func ok(order, instance string) Output {
	return Output{Result: OK, OrderID: order, InstanceID: instance}
}
func listed(ids ...string) Output { return Output{Result: OK, Instances: ids} }

// never is the return of an unknown outcome in a hand-written history: after everything.
const never = 1000

var (
	unknown = Output{Result: Unknown, Code: "timeout"}
	query   = Input{Kind: Query}
	opened  = func(id string) Output { return Output{Result: Opened, Code: "ORDER.OPEND", InstanceID: id} }
)

// TestCheck runs the model over small histories, each either linearizable or not, the way a run
// of the replicas could produce them.
func TestCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ops  []porcupine.Operation
		ok   bool
	}{
		{"a token replayed on another replica gets its order", []porcupine.Operation{
			op(0, 0, 10, create("t1"), ok("o1", "i1")),
			op(1, 20, 30, create("t1"), ok("o1", "i1")),
		}, true},
		{"two concurrent calls of one token, one order", []porcupine.Operation{
			op(0, 0, 10, create("t1"), ok("o1", "i1")),
			op(1, 1, 11, create("t1"), ok("o1", "i1")),
		}, true},
		{"one token, two orders", []porcupine.Operation{
			op(0, 0, 10, create("t1"), ok("o1", "i1")),
			op(1, 5, 15, create("t1"), ok("o2", "i2")),
		}, false},
		{"opens-once: a second token answers ORDER.OPEND naming the instance", []porcupine.Operation{
			op(0, 0, 10, createOnce("t1"), ok("o1", "i1")),
			op(1, 20, 30, createOnce("t2"), opened("i1")),
		}, true},
		{"opens-once: ORDER.OPEND naming another instance", []porcupine.Operation{
			op(0, 0, 10, createOnce("t1"), ok("o1", "i1")),
			op(1, 20, 30, createOnce("t2"), opened("i9")),
		}, false},
		{"opens-once: two instances of one account", []porcupine.Operation{
			op(0, 0, 10, createOnce("t1"), ok("o1", "i1")),
			op(1, 2, 12, createOnce("t2"), ok("o2", "i2")),
		}, false},
		{"opens-once: the token that opened it gets ORDER.OPEND", []porcupine.Operation{
			op(0, 0, 10, createOnce("t1"), ok("o1", "i1")),
			op(1, 20, 30, createOnce("t1"), opened("i1")),
		}, false},
		{"opens-once: ORDER.OPEND before anything was opened", []porcupine.Operation{
			op(0, 0, 10, createOnce("t1"), opened("i1")),
		}, false},
		{"opens-once: an unknown outcome that happened, then ORDER.OPEND", []porcupine.Operation{
			op(0, 0, never, createOnce("t1"), unknown),
			op(1, 20, 30, createOnce("t2"), opened("i1")),
			op(2, 40, 50, Input{Kind: Query, OpensOnce: true}, listed("i1")),
		}, true},
		{"opens-once: two instances listed", []porcupine.Operation{
			op(0, 0, 10, createOnce("t1"), ok("o1", "i1")),
			op(2, 40, 50, Input{Kind: Query, OpensOnce: true}, listed("i1", "i2")),
		}, false},
		{"a read after the acknowledgement lists the order", []porcupine.Operation{
			op(0, 0, 10, create("t1"), ok("o1", "i1")),
			op(1, 20, 30, query, listed("i1")),
		}, true},
		{"a read after the acknowledgement misses the order", []porcupine.Operation{
			op(0, 0, 10, create("t1"), ok("o1", "i1")),
			op(1, 20, 30, query, listed()),
		}, false},
		{"a read concurrent with the order may miss it", []porcupine.Operation{
			op(0, 0, 10, create("t1"), ok("o1", "i1")),
			op(1, 5, 30, query, listed()),
		}, true},
		{"a read goes back in time", []porcupine.Operation{
			op(0, 0, 30, create("t1"), ok("o1", "i1")),
			op(1, 5, 10, query, listed("i1")),
			op(2, 15, 20, query, listed()),
		}, false},
		{"an unknown outcome may have happened", []porcupine.Operation{
			op(0, 0, never, create("t1"), unknown),
			op(1, 20, 30, query, listed("i7")),
			op(1, 40, 50, create("t1"), ok("o7", "i7")),
		}, true},
		{"an unknown outcome may not have happened", []porcupine.Operation{
			op(0, 0, never, create("t1"), unknown),
			op(1, 20, 30, query, listed()),
		}, true},
		{"an unknown outcome happened once, not twice", []porcupine.Operation{
			op(0, 0, never, create("t1"), unknown),
			op(1, 20, 30, query, listed("i7")),
			op(1, 40, 50, query, listed("i7", "i8")),
		}, false},
		{"of a token's unknown calls, the first one may have placed its order", []porcupine.Operation{
			op(0, 30, never, create("t1"), unknown),
			op(1, 0, never, create("t1"), unknown),
			op(2, 10, 20, query, listed("i7")),
		}, true},
		{"unknown calls of one token place one order", manyUnknown(40, listed("i7", "i8")), false},
		{"a read during forty unknown calls of one token", manyUnknown(40, listed("i7")), true},
		{"GetOrderDetail finds an acknowledged order", []porcupine.Operation{
			op(0, 0, 10, create("t1"), ok("o1", "i1")),
			op(1, 20, 30, Input{Kind: GetOrder, OrderID: "o1"}, Output{Result: OK}),
		}, true},
		{"GetOrderDetail does not find an acknowledged order", []porcupine.Operation{
			op(0, 0, 10, create("t1"), ok("o1", "i1")),
			op(1, 20, 30, Input{Kind: GetOrder, OrderID: "o1"}, Output{Result: NotFound}),
		}, false},
		{"the clock: Normal after the advance, everywhere", []porcupine.Operation{
			op(0, 0, 10, Input{Kind: Probe, Replica: 1}, Output{Result: OK, Status: "Creating"}),
			op(1, 20, 30, Input{Kind: Advance, Replica: 0}, Output{Result: OK}),
			op(2, 40, 50, Input{Kind: Probe, Replica: 2}, Output{Result: OK, Status: "Normal"}),
		}, true},
		{"the clock: another replica still Creating after the advance", []porcupine.Operation{
			op(1, 20, 30, Input{Kind: Advance, Replica: 0}, Output{Result: OK}),
			op(2, 40, 50, Input{Kind: Probe, Replica: 2}, Output{Result: OK, Status: "Creating"}),
		}, false},
		{"the clock: the probe instance is gone", []porcupine.Operation{
			op(2, 40, 50, Input{Kind: Probe, Replica: 2}, Output{Result: OK, Status: "absent"}),
		}, false},
		{"a refused call took no effect", []porcupine.Operation{
			op(0, 0, 10, create("t1"), Output{Result: Failed, Code: "connection refused"}),
			op(1, 20, 30, query, listed()),
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := Check(tc.ops, CheckOptions{})
			assert.Equal(t, tc.ok, v.OK(), v.String())
			assert.Equal(t, 1, v.Partitions)
		})
	}
}

// TestCheckReport: a failing history names its failing partitions (and only those), writes the
// visualisation, and prints the smallest failing partition operation by operation.
func TestCheckReport(t *testing.T) {
	t.Parallel()
	html := filepath.Join(t.TempDir(), "linz.html")
	ops := []porcupine.Operation{
		op(0, 0, 10, create("t1"), ok("o1", "i1")), // A/sas: fine
		op(1, 20, 30, create("t1"), ok("o1", "i1")),
		op(0, 0, 10, Input{Kind: Create, Account: "B", Token: "t2"}, ok("o2", "i2")), // B/sas: two orders of t2
		op(1, 20, 30, Input{Kind: Create, Account: "B", Token: "t2"}, ok("o3", "i3")),
		op(0, 0, 10, Input{Kind: Create, Account: "C", Token: "t3"}, ok("o4", "i4")), // C/sas: larger, lost order
		op(1, 20, 30, Input{Kind: Query, Account: "C"}, listed()),
		op(2, 40, 50, Input{Kind: Create, Account: "C", Token: "t4"}, ok("o5", "i5")),
		op(0, 60, never, Input{Kind: Create, Account: "C", Token: "t5"}, unknown),
	}
	v := Check(ops, CheckOptions{VisualizeTo: html})
	require.False(t, v.OK())
	assert.Equal(t, 3, v.Partitions)
	assert.Equal(t, []string{"B/sas", "C/sas"}, v.FailedKeys())
	assert.Equal(t, "B/sas", v.Failed[0].Key, "smallest first")
	msg := v.String()
	assert.Contains(t, msg, "2 not linearizable")
	assert.Contains(t, msg, "sas: 2 of 3 partitions fail")
	assert.Contains(t, msg, "visualisation: "+html)
	assert.Contains(t, msg, "smallest failing partition B/sas (2 operations")
	assert.Contains(t, msg, "replica 0: CreateInstance sas token t2 -> order o3 instance i3")
	assert.NotContains(t, msg, "token t1 ->", "a passing partition is not printed")
	page, err := os.ReadFile(html)
	require.NoError(t, err)
	assert.Contains(t, string(page), "CreateInstance sas token t2")
	assert.Contains(t, string(page), "CreateInstance sas token t4", "every failing partition is drawn")
}

// TestOperationsUnknown: an operation that never returned or returned Unknown is moved after
// every other return; a read without an answer is left out.
func TestOperationsUnknown(t *testing.T) {
	t.Parallel()
	h := NewHistory()
	w := h.Invoke(0, create("t1"))
	r := h.Invoke(1, query)
	h.Return(r, Output{Result: Unknown, Code: "timeout"})
	h.Invoke(2, create("t2"))
	a := h.Invoke(3, query)
	h.Return(a, listed())
	h.Return(w, ok("o1", "i1"))
	ops := h.Operations()
	require.Len(t, ops, 3)
	last := ops[0].Return
	assert.Equal(t, create("t2"), ops[1].Input)
	assert.Equal(t, Unknown, ops[1].Output.(Output).Result)
	assert.Greater(t, ops[1].Return, last)
	assert.Greater(t, ops[1].Return, ops[2].Return)
}

// TestMinimal: the counterexample printed is the failing core of the partition, not all of it.
func TestMinimal(t *testing.T) {
	t.Parallel()
	var ops []porcupine.Operation
	for i := range 20 { // noise: reads and replays that are all fine
		ops = append(ops, op(i%3, int64(100*i), int64(100*i+10), create("t1"), ok("o1", "i1")),
			op(3, int64(100*i+20), int64(100*i+30), query, listed("i1")))
	}
	ops = append(ops, op(4, 950, 960, query, listed())) // the read that lost the order
	v := Check(ops, CheckOptions{})
	require.Len(t, v.Failed, 1)
	require.Len(t, v.Failed[0].Minimal, 2, "%s", v)
	assert.Equal(t, create("t1"), v.Failed[0].Minimal[0].Input.(Input).withoutDefaults())
	assert.Contains(t, v.String(), "2 of them fail on their own")
	assert.Contains(t, v.String(), "QueryAvailableInstances sas -> []")
}

// withoutDefaults undoes what op fills in, to compare with the inputs the test wrote.
func (in Input) withoutDefaults() Input {
	in.Account, in.Product = "", ""
	return in
}

// manyUnknown is n concurrent calls of one token with unknown outcomes and a read at the end.
func manyUnknown(n int, read Output) []porcupine.Operation {
	var ops []porcupine.Operation
	for i := range n {
		ops = append(ops, op(i%8, int64(i), never, create("t1"), unknown))
	}
	return append(ops, op(9, 100, 110, query, read))
}
