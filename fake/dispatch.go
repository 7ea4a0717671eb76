package fake

import (
	"sync"

	"github.com/bsskit/bsskit/spec"
)

// operation is what the fake knows of one Action it serves: its handler, whether it places an
// order (and which kind), and which state it reads back. The request path (dispatch, the fault
// stage), the journal ([journal.Entry.Places], [journal.Entry.Reads]), and through them the
// verdicts and the sweep consult this table, never an Action's name.
type operation struct {
	// action is the Action's name on the wire.
	action string
	// serve answers the Action after the shared path (parsing, limits, routing, signatures, fault
	// rules) let the request through; the journal and the answer's encoding stay shared.
	serve func(s *Server, ex *exchange)
	// places is the kind of order the Action places ("" for none): such a call is what a lost
	// answer can make a caller buy twice, and what the fault stage commits before a fault that
	// mangles the answer.
	places string
	// reads is the state the Action reads back ("" for none): how a caller confirms a purchase.
	reads string
}

// The kinds of order and of state in the table (journal.Entry.Places and Reads, faults.Match).
const (
	placesPurchase = "purchase"  // a new instance, paid (or billed as used)
	readsInstances = "instances" // the caller's instances and their status
	readsOrders    = "orders"    // one of the caller's orders
)

// operations are the Actions with a handler of their own: those that keep or read the fake's
// state. A new stateful Action is a spec entry, a handler file and an entry here (see the package
// doc).
var operations = []operation{
	{action: spec.ActionCreateInstance, serve: (*Server).createInstance, places: placesPurchase},                  // create.go
	{action: spec.ActionQueryAvailableInstances, serve: (*Server).queryAvailableInstances, reads: readsInstances}, // query.go
	{action: spec.ActionGetOrderDetail, serve: (*Server).getOrderDetail, reads: readsOrders},                      // orders.go
}

// table is the operation table: the entries above, and for every other operation of the spec one
// entry answered by the one generic handler (synthesized.go). It is derived from the spec on first
// use, so that the fake serves an operation as soon as the spec has it, and looked up by Action in
// one map read, whatever the number of operations.
var table = sync.OnceValue(func() map[string]*operation {
	actions := spec.Actions() // the names alone: no operation is parsed until it is called
	m := make(map[string]*operation, len(actions))
	for i := range operations {
		m[operations[i].action] = &operations[i]
	}
	for _, a := range actions {
		if _, ok := m[a]; !ok {
			m[a] = &operation{action: a, serve: (*Server).serveSynthesized}
		}
	}
	return m
})

// operationFor returns the table's entry for an Action, or nil if the fake does not serve it.
func operationFor(action string) *operation { return table()[action] }

// opFacts returns what the table says of an Action for the journal: the kind of order it places
// and the state it reads ("" for an Action the fake does not serve).
func opFacts(action string) (places, reads string) {
	if op := operationFor(action); op != nil {
		return op.places, op.reads
	}
	return "", ""
}

// lookupOp sets ex.op from the request's Action; false if the fake does not serve it.
func (ex *exchange) lookupOp() bool {
	ex.op = operationFor(ex.req.Action)
	return ex.op != nil
}
