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
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(yamlDoc)
	if err != nil {
		return nil, fmt.Errorf("spec: parse bssopenapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("spec: validate bssopenapi.yaml: %w", err)
	}
	if _, err := parseCatalogue(doc); err != nil {
		return nil, err
	}
	if _, err := parseOperations(doc); err != nil {
		return nil, err
	}
	if _, err := parseWire(doc); err != nil {
		return nil, err
	}
	if _, err := parseSites(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

type loaded struct {
	doc   *openapi3.T
	cat   *Catalogue
	op    *Operation
	ops   []*Operation
	wire  wireFacts
	sites []Site
	err   error
	once  sync.Once
}

var state loaded

func get() *loaded {
	state.once.Do(func() {
		state.doc, state.err = Load()
		if state.err != nil {
			return
		}
		state.cat, _ = parseCatalogue(state.doc)
		state.ops, _ = parseOperations(state.doc)
		state.op = state.ops[0]
		state.wire, _ = parseWire(state.doc)
		state.sites, _ = parseSites(state.doc)
	})
	if state.err != nil {
		// The document is embedded at build time and checked by this package's tests: a failure
		// here is a defect in the build, not bad input, like a regexp.MustCompile of a constant.
		panic(state.err)
	}
	return &state
}

// Doc returns the embedded document, loaded and validated once. It must be treated as read-only:
// use [Load] for a copy to modify.
func Doc() *openapi3.T { return get().doc }
