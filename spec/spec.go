package spec

import (
	"context"
	_ "embed"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed bssopenapi.yaml
var yamlDoc []byte

// Product and Version name the API this document describes; ActionCreateInstance is its
// order-placing Action, ActionQueryAvailableInstances and ActionGetOrderDetail its read Actions
// ([OperationFor]).
const (
	Product = "BssOpenApi"
	Version = "2017-12-14"
	// ActionCreateInstance buys an instance: it places an order.
	ActionCreateInstance = "CreateInstance"
	// ActionQueryAvailableInstances lists the caller's instances; it spends nothing.
	ActionQueryAvailableInstances = "QueryAvailableInstances"
	// ActionGetOrderDetail reads one of the caller's orders; it spends nothing.
	ActionGetOrderDetail = "GetOrderDetail"
	// Host is the real, order-placing endpoint. bsskit never contacts it by itself.
	Host = "business.aliyuncs.com"
)

// YAML returns a copy of the embedded document's bytes.
func YAML() []byte { return append([]byte(nil), yamlDoc...) }

// Load parses and validates a fresh copy of the embedded document. Callers that only read the
// document should use [Doc], which loads it once.
func Load() (*openapi3.T, error) {
	var l loaded
	if err := l.load(true); err != nil {
		return nil, err
	}
	return l.doc, nil
}

type loaded struct {
	doc      *openapi3.T
	cat      *Catalogue
	op       *Operation
	ops      []*Operation
	byAction map[string]*Operation
	wire     wireFacts
	sites    []Site
	err      error
	once     sync.Once
}

// load parses the embedded document and its extensions; validate also runs kin-openapi's
// validation of the whole document. The process-wide copy ([Doc]) skips it: the document is
// embedded at build time and this package's tests validate it ([Load]), so validating it again in
// every process would only cost start-up time (a third of the load of a hundred operations).
func (l *loaded) load(validate bool) error {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(yamlDoc)
	if err != nil {
		return fmt.Errorf("spec: parse bssopenapi.yaml: %w", err)
	}
	if validate {
		if err := doc.Validate(context.Background()); err != nil {
			return fmt.Errorf("spec: validate bssopenapi.yaml: %w", err)
		}
	}
	l.doc = doc
	if l.cat, err = parseCatalogue(doc); err != nil {
		return err
	}
	if l.ops, err = parseOperations(doc); err != nil {
		return err
	}
	l.op = l.ops[0]
	l.byAction = make(map[string]*Operation, len(l.ops))
	for _, op := range l.ops {
		l.byAction[op.Action] = op
	}
	if l.wire, err = parseWire(doc); err != nil {
		return err
	}
	if l.sites, err = parseSites(doc); err != nil {
		return err
	}
	return nil
}

var state loaded

func get() *loaded {
	state.once.Do(func() { state.err = state.load(false) })
	if state.err != nil {
		// The document is embedded at build time and checked by this package's tests: a failure
		// here is a defect in the build, not bad input, like a regexp.MustCompile of a constant.
		panic(state.err)
	}
	return &state
}

// Doc returns the embedded document, loaded once (and validated by this package's tests). It must be treated as read-only:
// use [Load] for a copy to modify.
func Doc() *openapi3.T { return get().doc }
