package check

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/bsskit/bsskit/spec"
)

// Spec is the compiled request and response rules of one operation (CreateInstance unless
// [SharedFor] or [Compile] was given another). It is read-only after
// [Compile], so one value serves every goroutine.
type Spec struct {
	req  *validator
	resp *respRules
}

// Compile compiles the rules of op and the responses of its path in doc ("/" when op.Path is empty).
func Compile(doc *openapi3.T, op *spec.Operation) (*Spec, error) {
	v, err := compileValidator(op)
	if err != nil {
		return nil, fmt.Errorf("check: request rules: %w", err)
	}
	path := op.Path
	if path == "" {
		path = "/"
	}
	r, err := compileRespRules(doc, path)
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

var sharedOps struct {
	once sync.Once
	m    map[string]*Spec
	err  error
}

// SharedFor returns the compiled rules of the embedded spec's operation for action. Every
// operation is compiled once, on first use.
func SharedFor(action string) (*Spec, error) {
	sharedOps.once.Do(func() {
		sharedOps.m = map[string]*Spec{}
		for _, op := range spec.Operations() {
			var s *Spec
			var err error
			if op.Action == spec.ActionCreateInstance {
				s, err = Shared()
			} else {
				s, err = Compile(spec.Doc(), op)
			}
			if err != nil {
				sharedOps.err = fmt.Errorf("check: %s: %w", op.Action, err)
				return
			}
			sharedOps.m[op.Action] = s
		}
	})
	if sharedOps.err != nil {
		return nil, sharedOps.err
	}
	s, ok := sharedOps.m[action]
	if !ok {
		return nil, fmt.Errorf("check: the spec has no operation %q", action)
	}
	return s, nil
}

// Request checks the parameters of a call (CreateInstance's, for the shared default): named parameters in document order, then
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
