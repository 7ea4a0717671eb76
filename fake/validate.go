package fake

import (
	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/internal/check"
)

// Param is one Parameter.n element of a request: Code and Value, in the order of n.
type Param struct {
	// N is the element's index on the wire (1..100).
	N int `json:"n"`
	// Code is Parameter.n.Code, a module code of the product.
	Code string `json:"code"`
	// Value is Parameter.n.Value, the module's configuration value.
	Value string `json:"value"`
}

// input is a validated CreateInstance request. The rules, compiled once from the spec, are
// internal/check's ([check.Spec.Request]); the fake answers a violation with its code and
// parameter and runs the business logic on input.
type input = check.Input

// recordParams copies the request's Parameter.n elements for an order (nil when there are none).
func recordParams(ps []check.Param) []store.Param {
	if len(ps) == 0 {
		return nil
	}
	out := make([]store.Param, len(ps))
	for i, p := range ps {
		out[i] = store.Param(p)
	}
	return out
}
