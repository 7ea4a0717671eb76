package linz

import (
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
)

// History records operations as clients invoke them and as they return. It is safe for
// concurrent use.
type History struct {
	start time.Time

	mu       sync.Mutex // guards ops, returned
	ops      []porcupine.Operation
	returned []bool
}

// NewHistory starts a history; times are nanoseconds since now, on the monotonic clock.
func NewHistory() *History { return &History{start: time.Now()} }

func (h *History) now() int64 { return int64(time.Since(h.start)) }

// Invoke records the call of an operation by client and returns its id for [History.Return].
func (h *History) Invoke(client int, in Input) int {
	t := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops = append(h.ops, porcupine.Operation{ClientId: client, Input: in, Call: t})
	h.returned = append(h.returned, false)
	return len(h.ops) - 1
}

// Return records how operation id returned, and returns how long it took.
func (h *History) Return(id int, out Output) time.Duration {
	t := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops[id].Output, h.ops[id].Return, h.returned[id] = out, t, true
	return time.Duration(t - h.ops[id].Call)
}

// Operations returns the history for [Check]. An operation that never returned, or returned
// Unknown, may have taken effect at any time after its call: its return is put after every other
// operation's. A read that failed or whose outcome is unknown says nothing and is left out.
func (h *History) Operations() []porcupine.Operation {
	h.mu.Lock()
	defer h.mu.Unlock()
	var end int64
	for i, op := range h.ops {
		if h.returned[i] {
			end = max(end, op.Return)
		}
	}
	out := make([]porcupine.Operation, 0, len(h.ops))
	for i, op := range h.ops {
		if !h.returned[i] {
			op.Output = Output{Result: Unknown, Code: "no answer"}
		}
		o := op.Output.(Output)
		in := op.Input.(Input)
		if o.Result == Unknown || o.Result == Failed {
			if in.Kind == Query || in.Kind == GetOrder || in.Kind == Probe {
				continue
			}
		}
		if o.Result == Unknown {
			op.Return = end + 1
		}
		out = append(out, op)
	}
	return out
}
