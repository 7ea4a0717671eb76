package spec

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Validator routes requests for any host and port and validates requests and responses against the
// document with kin-openapi's openapi3filter, XML bodies included. It is safe for concurrent use.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
}

var registerXML sync.Once

// NewValidator returns a validator over a fresh copy of the document whose servers are cleared, so
// that in-process routing matches httptest's random ports. It routes by path and method, as
// [SharedValidator] does ([Load] has validated the copy; a route tree would validate it again).
func NewValidator() (*Validator, error) {
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	doc.Servers = nil
	registerXML.Do(func() {
		openapi3filter.RegisterBodyDecoder("text/xml", decodeXMLBody)
	})
	return &Validator{doc: doc, router: pathRouter{doc: doc}}, nil
}

var shared struct {
	once sync.Once
	v    *Validator
	err  error
}

// SharedValidator returns one validator for the whole process, built on first use over the
// document [Doc] already holds: no second load, and a router that looks operations up by path
// instead of compiling a route tree of every operation (the document has a hundred). It matches
// any host and port, like [NewValidator]'s. Validators are read-only after construction.
func SharedValidator() (*Validator, error) {
	shared.once.Do(func() {
		l := get()
		registerXML.Do(func() {
			openapi3filter.RegisterBodyDecoder("text/xml", decodeXMLBody)
		})
		shared.v = &Validator{doc: l.doc, router: pathRouter{doc: l.doc}}
	})
	return shared.v, shared.err
}

// pathRouter routes a request to the operation of its path and method in doc, whatever the host:
// the document's paths are plain (no templates), so a map lookup is the whole of routing.
type pathRouter struct{ doc *openapi3.T }

// FindRoute implements routers.Router.
func (p pathRouter) FindRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	item := p.doc.Paths.Value(r.URL.Path)
	if item == nil {
		return nil, nil, routers.ErrPathNotFound
	}
	op := item.GetOperation(r.Method)
	if op == nil {
		return nil, nil, routers.ErrMethodNotAllowed
	}
	return &routers.Route{Spec: p.doc, Path: r.URL.Path, PathItem: item, Method: r.Method, Operation: op}, map[string]string{}, nil
}

// Router returns the validator's router, which matches any host and port.
func (v *Validator) Router() routers.Router { return v.router }

func (v *Validator) options() *openapi3filter.Options {
	return &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
	}
}

// findRoute routes r by its path, except that a request to "/" whose Action (query parameter or
// x-acs-action header) is served by an operation keyed elsewhere in the document (x-bss-rpc-path)
// is routed to that operation.
func (v *Validator) findRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	if r.URL.Path == "/" {
		action := r.URL.Query().Get("Action")
		if action == "" {
			action = r.Header.Get("x-acs-action")
		}
		if op, ok := OperationFor(action); ok && op.Path != "/" {
			r2 := r.Clone(r.Context())
			u := *r.URL
			u.Path = op.Path
			r2.URL = &u
			return v.router.FindRoute(r2)
		}
	}
	return v.router.FindRoute(r)
}

// ValidateRequest routes r and validates its parameters and body. The body, if any, is read and
// restored so the caller can still use it.
func (v *Validator) ValidateRequest(ctx context.Context, r *http.Request) error {
	route, pathParams, err := v.findRoute(r)
	if err != nil {
		return fmt.Errorf("%w: %s %s: %v", ErrNotRouted, r.Method, r.URL.Path, err)
	}
	if r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return fmt.Errorf("spec: read request body: %w", err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		defer func() { r.Body = io.NopCloser(bytes.NewReader(body)) }()
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams, Route: route, Options: v.options()}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return fmt.Errorf("spec: request %s %s: %w", r.Method, r.URL.Path, err)
	}
	return nil
}

// ValidateResponse validates one response (status, headers, body) to the request r against the
// document: status documented, content type known, body conforming to its schema, JSON or XML. The
// request's own parameters are not validated here, so a response to an invalid request can be
// checked too.
func (v *Validator) ValidateResponse(ctx context.Context, r *http.Request, status int, header http.Header, body []byte) error {
	route, pathParams, err := v.findRoute(r)
	if err != nil {
		return fmt.Errorf("%w: %s %s: %v", ErrNotRouted, r.Method, r.URL.Path, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                v.options(),
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		return fmt.Errorf("spec: response %d (%s): %w", status, header.Get("Content-Type"), err)
	}
	return nil
}

// decodeXMLBody decodes an XML response body into the generic value kin-openapi validates, guided
// by the schema: the root element must be the schema's xml name, leaves become booleans, numbers or
// strings as their property's schema says, and anything the schema does not know stays a string so
// that validation, not decoding, reports it.
func decodeXMLBody(body io.Reader, _ http.Header, ref *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	var schema *openapi3.Schema
	if ref != nil {
		schema = mergeOneOf(ref.Value)
	}
	_, v, err := decodeXML(xml.NewDecoder(body), schema)
	return v, err
}

// DecodeXML decodes an XML answer into the name of its root element and its content: elements with
// children become maps, leaves strings, and an element repeated among its siblings (the unwrapped
// XML form of an array, such as QueryAvailableInstances' InstanceList) a []any of its values. It is
// the decoder the spec's response validation uses (which also types the leaves by their schema), for
// callers that judge XML answers themselves, as the contract suite does.
func DecodeXML(b []byte) (root string, content map[string]any, err error) {
	root, v, err := decodeXML(xml.NewDecoder(bytes.NewReader(b)), nil)
	if err != nil {
		return root, nil, err
	}
	content, _ = plainLists(v).(map[string]any)
	if content == nil {
		content = map[string]any{}
	}
	return root, content, nil
}

// decodeXML reads up to the root element and decodes it, guided by schema when it is not nil: the
// root element must be the schema's xml name, leaves become booleans, numbers or strings as their
// property's schema says, and anything the schema does not know stays a string so that
// validation, not decoding, reports it.
func decodeXML(dec *xml.Decoder, schema *openapi3.Schema) (string, any, error) {
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", nil, fmt.Errorf("xml: no root element: %w", err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			if schema != nil && schema.XML != nil && schema.XML.Name != "" && schema.XML.Name != start.Name.Local {
				return start.Name.Local, nil, fmt.Errorf("xml: root element is <%s>, the schema wants <%s>", start.Name.Local, schema.XML.Name)
			}
			v, err := decodeXMLElement(dec, schema)
			return start.Name.Local, v, err
		}
	}
}

// mergeOneOf gives the decoder of a oneOf body (the HTTP 200 answer: success or body-channel error)
// one schema to be guided by: the alternatives' properties merged, the first xml name. Validation
// then runs against the real oneOf.
func mergeOneOf(s *openapi3.Schema) *openapi3.Schema {
	if s == nil || len(s.OneOf) == 0 {
		return s
	}
	m := &openapi3.Schema{Properties: openapi3.Schemas{}}
	for _, alt := range s.OneOf {
		if alt == nil || alt.Value == nil {
			continue
		}
		if m.XML == nil && alt.Value.XML != nil {
			m.XML = alt.Value.XML
		}
		for name, p := range alt.Value.Properties {
			if _, ok := m.Properties[name]; !ok {
				m.Properties[name] = p
			}
		}
	}
	return m
}

func decodeXMLElement(dec *xml.Decoder, schema *openapi3.Schema) (any, error) {
	var text strings.Builder
	var obj map[string]any
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.StartElement:
			if obj == nil {
				obj = map[string]any{}
			}
			var child *openapi3.Schema
			if schema != nil {
				if p := schema.Properties[t.Name.Local]; p != nil {
					child = p.Value
				}
			}
			if child != nil && child.Type != nil && child.Type.Is(openapi3.TypeArray) {
				// An unwrapped array: every element named after the property is one item.
				var items *openapi3.Schema
				if child.Items != nil {
					items = child.Items.Value
				}
				v, err := decodeXMLElement(dec, items)
				if err != nil {
					return nil, err
				}
				list, _ := obj[t.Name.Local].([]any)
				obj[t.Name.Local] = append(list, v)
				continue
			}
			v, err := decodeXMLElement(dec, child)
			if err != nil {
				return nil, err
			}
			if prev, dup := obj[t.Name.Local]; dup {
				if schema != nil {
					return nil, fmt.Errorf("xml: element <%s> appears twice", t.Name.Local)
				}
				// Without a schema a repeated element is an unwrapped list: its values in order.
				list, ok := prev.(xmlList)
				if !ok {
					list = xmlList{prev}
				}
				obj[t.Name.Local] = append(list, v)
				continue
			}
			obj[t.Name.Local] = v
		case xml.EndElement:
			if obj != nil {
				return withEmptyArrays(obj, schema), nil
			}
			v := xmlLeaf(strings.TrimSpace(text.String()), schema)
			if m, ok := v.(map[string]any); ok {
				return withEmptyArrays(m, schema), nil
			}
			return v, nil
		}
	}
}

// withEmptyArrays adds an empty list for every array property of schema that obj lacks: in the
// unwrapped XML form an empty array is no element at all.
func withEmptyArrays(obj map[string]any, schema *openapi3.Schema) map[string]any {
	if schema == nil {
		return obj
	}
	for name, p := range schema.Properties {
		if _, ok := obj[name]; !ok && p != nil && p.Value != nil && p.Value.Type != nil && p.Value.Type.Is(openapi3.TypeArray) {
			obj[name] = []any{}
		}
	}
	return obj
}

func xmlLeaf(s string, schema *openapi3.Schema) any {
	if schema == nil || schema.Type == nil {
		return s
	}
	switch {
	case schema.Type.Is(openapi3.TypeBoolean):
		if b, err := strconv.ParseBool(s); err == nil && (s == "true" || s == "false") {
			return b
		}
	case schema.Type.Is(openapi3.TypeInteger), schema.Type.Is(openapi3.TypeNumber):
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	case schema.Type.Is(openapi3.TypeObject):
		if s == "" {
			return map[string]any{}
		}
	}
	return s
}

// ErrNotRouted is returned by [Validator] methods for a request the document has no operation for.
var ErrNotRouted = errors.New("spec: no operation for this request")

// xmlList is a repeated element's values while decoding without a schema (so that a first value
// that is itself a list is not mistaken for the repetition).
type xmlList []any

// plainLists turns every xmlList in v into a []any.
func plainLists(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = plainLists(e)
		}
	case xmlList:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plainLists(e)
		}
		return out
	}
	return v
}
