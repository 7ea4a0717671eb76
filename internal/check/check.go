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

// compiled is one operation's rules, compiled on first use.
type compiled struct {
	op   *spec.Operation
	once sync.Once
	s    *Spec
	err  error
}

// sharedOps holds a compiled entry per Action of the spec, created on first use: the spec has a
// hundred operations and a process typically calls a few, so each is compiled only when asked for.
var sharedOps sync.Map // action -> *compiled

// SharedFor returns the compiled rules of the embedded spec's operation for action. Each
// operation is compiled once, when it is first asked for; the others cost nothing.
func SharedFor(action string) (*Spec, error) {
	if action == spec.ActionCreateInstance {
		return Shared()
	}
	e, ok := sharedOps.Load(action)
	if !ok {
		op, found := spec.OperationFor(action)
		if !found {
			return nil, fmt.Errorf("check: the spec has no operation %q", action)
		}
		e, _ = sharedOps.LoadOrStore(action, &compiled{op: op})
	}
	c := e.(*compiled)
	c.once.Do(func() {
		if c.s, c.err = Compile(spec.Doc(), c.op); c.err != nil {
			c.err = fmt.Errorf("check: %s: %w", action, c.err)
		}
	})
	return c.s, c.err
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
