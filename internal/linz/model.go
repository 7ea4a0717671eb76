package linz

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/anishathalye/porcupine"
)

// Kind is what an operation does.
type Kind uint8

// The operations of a history.
const (
	// Create is CreateInstance of Input.Product with Input.Token for Input.Account.
	Create Kind = iota + 1
	// Query is QueryAvailableInstances of Input.Product for Input.Account: the instances it lists.
	Query
	// GetOrder is GetOrderDetail of Input.OrderID for Input.Account.
	GetOrder
	// Advance is POST /__admin/clock/advance: moves the lifecycle past the probe's provisioning.
	Advance
	// Probe is QueryAvailableInstances of the probe instance: its status.
	Probe
)

var kindNames = [...]string{Create: "CreateInstance", Query: "QueryAvailableInstances", GetOrder: "GetOrderDetail",
	Advance: "clock/advance", Probe: "probe status"}

func (k Kind) String() string { return enumName(kindNames[:], k, "Kind") }

// enumName is the name of v in names, or TYPE(v) for a value without one.
func enumName[T ~uint8](names []string, v T, typ string) string {
	if int(v) < len(names) && names[v] != "" {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, v)
}

// Input is an operation as it was invoked.
type Input struct {
	Kind    Kind
	Replica int // which replica was called (0-based)
	Account string
	Product string
	// OpensOnce says Product is opens-once for the model.
	OpensOnce bool
	Token     string // Create: the ClientToken
	OrderID   string // GetOrder: the order asked for
}

// ClockKey is the partition of Advance and Probe.
const ClockKey = "clock"

// Key is the partition the operation belongs to: "ACCOUNT/PRODUCT", or [ClockKey].
func (in Input) Key() string {
	if in.Kind == Advance || in.Kind == Probe {
		return ClockKey
	}
	return in.Account + "/" + in.Product
}

// Result is how an operation ended.
type Result uint8

// The results.
const (
	// OK is a success (for Query, Probe and GetOrder: an answer).
	OK Result = iota + 1
	// Opened is ORDER.OPEND or Has.effect.suit: the account holds Output.InstanceID already.
	Opened
	// NotFound is GetOrderDetail's InvalidParameter naming OrderId: no such order.
	NotFound
	// Failed took no effect: the connection was refused before the request was sent, or a 4xx.
	Failed
	// Unknown may or may not have taken effect: a timeout, a reset, a 5xx.
	Unknown
)

var resultNames = [...]string{OK: "ok", Opened: "opened", NotFound: "not found", Failed: "failed", Unknown: "unknown"}

func (r Result) String() string { return enumName(resultNames[:], r, "Result") }

// Output is how an operation returned.
type Output struct {
	Result     Result
	OrderID    string   // Create OK
	InstanceID string   // Create OK, Opened
	Instances  []string // Query OK: the instance IDs listed, sorted
	Status     string   // Probe OK: the probe instance's status
	HTTPStatus int      // 0: no answer
	Code       string   // the error code, or the transport error, of a failure
}

// order is one order of a partition's state; "" is a field not known yet (an unknown outcome).
type order struct{ Token, OrderID, InstanceID string }

// State is a partition's state in the sequential model: the orders placed, by ClientToken, and
// whether the clock was advanced. It is never modified: each step returns a new one.
type State struct {
	orders   []order // sorted by Token
	advanced bool
}

func (s State) find(token string) (int, bool) {
	return slices.BinarySearchFunc(s.orders, token, func(o order, t string) int { return strings.Compare(o.Token, t) })
}

func (s State) with(i int, o order, insert bool) State {
	out := State{orders: make([]order, 0, len(s.orders)+1), advanced: s.advanced}
	out.orders = append(out.orders, s.orders[:i]...)
	out.orders = append(out.orders, o)
	if !insert {
		i++
	}
	out.orders = append(out.orders, s.orders[i:]...)
	return out
}

// match reports whether a field known as have (or not known: "") may be got.
func match(have, got string) bool { return have == "" || have == got }

func fill(have, got string) string {
	if have == "" {
		return got
	}
	return have
}

// Step is the sequential model: whether the operation may take effect on s with this outcome,
// and the state after it.
func Step(s State, in Input, out Output) (bool, State) {
	switch in.Kind {
	case Create:
		return stepCreate(s, in, out)
	case Query:
		return stepQuery(s, out)
	case GetOrder:
		switch out.Result {
		case OK:
			for _, o := range s.orders {
				if o.OrderID == in.OrderID || o.OrderID == "" {
					return true, s
				}
			}
			return false, s
		case NotFound:
			for _, o := range s.orders {
				if o.OrderID == in.OrderID {
					return false, s
				}
			}
		}
		return true, s
	case Advance:
		if out.Result == OK || out.Result == Unknown {
			return true, State{orders: s.orders, advanced: true}
		}
		return true, s
	case Probe:
		if out.Result != OK {
			return true, s
		}
		return out.Status == probeStatus(s.advanced), s
	}
	return false, s
}

// probeStatus is the probe instance's status before and after the advance.
func probeStatus(advanced bool) string {
	if advanced {
		return "Normal"
	}
	return "Creating"
}

func stepCreate(s State, in Input, out Output) (bool, State) {
	i, seen := s.find(in.Token)
	switch out.Result {
	case OK:
		if seen {
			o := s.orders[i]
			if !match(o.OrderID, out.OrderID) || !match(o.InstanceID, out.InstanceID) {
				return false, s // one ClientToken, two orders
			}
			return true, s.with(i, order{in.Token, fill(o.OrderID, out.OrderID), fill(o.InstanceID, out.InstanceID)}, false)
		}
		if in.OpensOnce && len(s.orders) > 0 {
			return false, s // a second instance of an opens-once product
		}
		return true, s.with(i, order{in.Token, out.OrderID, out.InstanceID}, true)
	case Opened:
		if !in.OpensOnce || len(s.orders) == 0 || seen {
			return false, s // nothing held, or the token that holds it did not get its order back
		}
		o := s.orders[0]
		if !match(o.InstanceID, out.InstanceID) {
			return false, s
		}
		return true, s.with(0, order{o.Token, o.OrderID, out.InstanceID}, false)
	case Unknown:
		if seen || in.OpensOnce && len(s.orders) > 0 {
			return true, s // a replay, or ORDER.OPEND
		}
		return true, s.with(i, order{Token: in.Token}, true)
	case Failed:
		return true, s
	}
	return false, s
}

// stepQuery: the instances listed are exactly those of the orders placed so far.
func stepQuery(s State, out Output) (bool, State) {
	if out.Result != OK {
		return true, s
	}
	if len(out.Instances) != len(s.orders) {
		return false, s
	}
	unknown := -1
	n := 0
	for i, o := range s.orders {
		if o.InstanceID == "" {
			unknown, n = i, n+1
			continue
		}
		if !slices.Contains(out.Instances, o.InstanceID) {
			return false, s
		}
	}
	if n != 1 {
		return true, s // 0: every instance matched; more: which is which cannot be told
	}
	for _, id := range out.Instances {
		if !slices.ContainsFunc(s.orders, func(o order) bool { return o.InstanceID == id }) {
			o := s.orders[unknown]
			return true, s.with(unknown, order{o.Token, o.OrderID, id}, false)
		}
	}
	return false, s
}

// Model is the porcupine model of one partition (Check partitions the history itself).
var Model = porcupine.Model{
	Init: func() any { return State{} },
	Step: func(state, input, output any) (bool, any) {
		return Step(state.(State), input.(Input), output.(Output))
	},
	Equal: func(a, b any) bool {
		x, y := a.(State), b.(State)
		return x.advanced == y.advanced && slices.Equal(x.orders, y.orders)
	},
	Hash: func(state any) uint64 {
		s := state.(State)
		h := fnv.New64a()
		for _, o := range s.orders {
			fmt.Fprint(h, o.Token, "\x00", o.OrderID, "\x00", o.InstanceID, "\x00")
		}
		if s.advanced {
			h.Write([]byte{1})
		}
		return h.Sum64()
	},
	DescribeOperation: func(input, output any) string { return Describe(input.(Input), output.(Output)) },
	DescribeState:     func(state any) string { return state.(State).String() },
}

// String describes the state: the orders by ClientToken ("?" for what is not known) and the clock.
func (s State) String() string {
	var b strings.Builder
	b.WriteString("{")
	for i, o := range s.orders {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: order %s instance %s", o.Token, orUnknown(o.OrderID), orUnknown(o.InstanceID))
	}
	if s.advanced {
		if len(s.orders) > 0 {
			b.WriteString(", ")
		}
		b.WriteString("clock advanced")
	}
	b.WriteString("}")
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// Describe is one line for an operation: the replica, the call and what it returned.
func Describe(in Input, out Output) string {
	var call string
	switch in.Kind {
	case Create:
		call = fmt.Sprintf("CreateInstance %s token %s", in.Product, in.Token)
	case Query:
		call = "QueryAvailableInstances " + in.Product
	case GetOrder:
		call = "GetOrderDetail " + in.OrderID
	default:
		call = in.Kind.String()
	}
	var ret string
	switch {
	case out.Result == OK && in.Kind == Create:
		ret = fmt.Sprintf("order %s instance %s", out.OrderID, out.InstanceID)
	case out.Result == OK && in.Kind == Query:
		ret = "[" + strings.Join(out.Instances, " ") + "]"
	case out.Result == OK && in.Kind == Probe:
		ret = out.Status
	case out.Result == Opened:
		ret = out.Code + ": " + out.InstanceID
	case out.Result == Failed || out.Result == Unknown:
		ret = out.Result.String() + " (" + out.Code + ")"
	default:
		ret = out.Result.String()
	}
	return fmt.Sprintf("replica %d: %s -> %s", in.Replica, call, ret)
}
