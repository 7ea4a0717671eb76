package fake

import "github.com/bsskit/bsskit/spec"

// operation answers one Action after the shared path (parsing, limits, routing, signatures, fault
// rules) let the request through; the journal and the answer's encoding stay shared too. Adding an
// Action means a spec entry and one entry here.
type operation func(s *Server, ex *exchange)

// operations maps each Action the fake serves to its handler.
var operations = map[string]operation{
	spec.ActionCreateInstance:          (*Server).createInstance,          // create.go
	spec.ActionQueryAvailableInstances: (*Server).queryAvailableInstances, // query.go
	spec.ActionGetOrderDetail:          (*Server).getOrderDetail,          // orders.go
}

// operationFor returns the handler for an Action, or false if the fake does not serve it.
func operationFor(action string) (operation, bool) {
	op, ok := operations[action]
	return op, ok
}

// lookupOp sets ex.op from the request's Action; false if the fake does not serve it.
func (ex *exchange) lookupOp() bool {
	op, ok := operationFor(ex.req.Action)
	ex.op = op
	return ok
}
