// Package check holds CreateInstance's request validator and response check, both compiled once
// from the spec (package spec), so that a request or an answer is checked without walking the
// OpenAPI document. The fake runs them on every call; kin-openapi (spec.Validator) stays the
// reference they are tested and fuzzed against (differential_test.go, response_test.go,
// response_fuzz_test.go), with the documented differences listed there.
//
//	c, err := check.Shared()
//	in, viol := c.Request(params)             // viol: the code to answer and the parameter to name
//	err = c.Response(status, header, body)   // nil when the answer conforms to the spec
package check
