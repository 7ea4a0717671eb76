package check

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/bsskit/bsskit/spec"
)

// Spec is the compiled request and response rules of CreateInstance. It is read-only after
// [Compile], so one value serves every goroutine.
type Spec struct {
	req  *validator
	resp *respRules
}

// Compile compiles the rules of op and the responses of POST / in doc.
func Compile(doc *openapi3.T, op *spec.Operation) (*Spec, error) {
	v, err := compileValidator(op)
	if err != nil {
		return nil, fmt.Errorf("check: request rules: %w", err)
	}
	r, err := compileRespRules(doc)
	if err != nil {
		return nil, fmt.Errorf("check: responses: %w", err)
	}
	return &Spec{req: v, resp: r}, nil
}

var shared struct {
	once sync.Once
	s    *Spec
	err  error
}

// Shared returns the rules of the embedded spec, compiled on first use: the spec is immutable, so
// one compilation serves the whole process.
func Shared() (*Spec, error) {
	shared.once.Do(func() { shared.s, shared.err = Compile(spec.Doc(), spec.CreateInstance()) })
	return shared.s, shared.err
}

// Request checks the parameters of a CreateInstance call: named parameters in document order, then
// the repeated parameters, then the cross-field rules; the first violation is returned. An empty
// value counts as absent (the official SDK never sends one); a parameter given twice with
// different values is invalid. Action, Version and Format are the wire layer's and are not
// checked here.
func (s *Spec) Request(params url.Values) (*Input, *Violation) { return s.req.validate(params) }

// Response checks one answer: status documented, required headers present and valid, content type
// documented for the status, body (JSON or XML) conforming to its schema.
func (s *Spec) Response(status int, header http.Header, body []byte) error {
	return s.resp.check(status, header, body)
}
