package spec

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// Operation is one Action as the document describes it, with the x-bss extensions parsed: what
// the fake compiles its validator from and what the contract suite derives its negative cases from.
type Operation struct {
	// Action is the RPC action name (x-bss-action).
	Action string
	// Path is the operation's key in the document: "/" for CreateInstance, "/<Action>" for the
	// read operations, whose path on the wire is "/" too (x-bss-rpc-path).
	Path string
	// Methods are the HTTP methods the document allows, in document order.
	Methods []string
	// FormBody says whether parameters may come in a form-encoded body (x-bss-form-body on POST).
	FormBody bool
	// Params are the named parameters, query and header, in document order.
	Params []Param
	// Repeated are the flattened repeated parameters (x-bss-repeated-parameters).
	Repeated []Repeated
	// Rules are the cross-field rules (x-bss-rules).
	Rules []Rule
	// OneOf are the values that may come from either of two places (x-bss-one-of-locations).
	OneOf []OneOf
	// Source is where the operation comes from (x-bss-source): "metadata", "sdk", or "" for the
	// hand-written ones.
	Source string
	// ReadOnly says the operation spends and changes nothing (x-bss-operation-type read, or one of
	// the hand-written read operations).
	ReadOnly bool

	item *openapi3.PathItem // the path item parsed, its references resolved
}

// PathItem returns the path item of the document the operation was parsed from (its POST, GET and
// their responses), references resolved. It is shared: treat it as read-only.
func (o *Operation) PathItem() *openapi3.PathItem { return o.item }

// Param is one named parameter of the operation.
type Param struct {
	// Name is the parameter's name on the wire.
	Name string
	// In is "query" or "header".
	In string
	// Required is the document's required flag.
	Required bool
	// Error is the code a violation of the schema produces (x-bss-error). Empty for parameters
	// that schema validation leaves alone (the signature's, checked by the verifier).
	Error Code
	// Pattern is x-bss-pattern: applied to the raw text before the schema.
	Pattern string
	// Schema is the parameter's schema.
	Schema *openapi3.Schema
	// Description is the document's description.
	Description string
	// MaxPageSize is x-bss-max-page-size: the server's cap on a page size (0: none).
	MaxPageSize int
	// Style is x-bss-style: "json" for a JSON-encoded value, "" for plain text.
	Style string
	// JSONSchema is x-bss-json-schema: the schema of a JSON-encoded value once decoded (Style "json").
	JSONSchema *openapi3.Schema
}

// Repeated describes flattened repeated parameters: Prefix.n.Field for lists of objects (Fields,
// such as Parameter.n.Code / Parameter.n.Value), Prefix.n for lists of values (Items).
type Repeated struct {
	Prefix string `json:"prefix"`
	// Style is the metadata's RPC style: repeatList or flat ("" for the hand-written ones).
	Style string `json:"style,omitempty"`
	// Required says at least one element must be sent.
	Required bool `json:"required,omitempty"`
	// Items is the schema of each value of a list of values (Fields is then empty).
	Items           *openapi3.Schema `json:"items,omitempty"`
	MinIndex        int              `json:"minIndex"`
	MaxIndex        int              `json:"maxIndex"`
	Contiguous      bool             `json:"contiguous"`
	Description     string           `json:"description"`
	OutOfRangeError Code             `json:"outOfRangeError"`
	Fields          []RepeatedField  `json:"fields"`
}

// RepeatedField is one field of a repeated parameter element (Code, Value).
type RepeatedField struct {
	Name         string           `json:"name"`
	Required     bool             `json:"required"`
	MissingError Code             `json:"missingError"`
	Schema       *openapi3.Schema `json:"schema"`
}

// Rule is a documented cross-field rule.
type Rule struct {
	ID          string     `json:"id"`
	Description string     `json:"description"`
	When        *Condition `json:"when,omitempty"`
	Require     string     `json:"require,omitempty"`
	Pairs       *Pairs     `json:"pairs,omitempty"`
	Error       Code       `json:"error"`
}

// Condition is the trigger of a [Rule]: the parameter Param has the value Equals.
type Condition struct {
	Param  string `json:"param"`
	Equals string `json:"equals"`
}

// Pairs says that within one element of the repeated parameter Prefix all Fields must be present.
type Pairs struct {
	Prefix string   `json:"prefix"`
	Fields []string `json:"fields"`
}

// OneOf is a value that may come from any of several locations, the first present winning.
type OneOf struct {
	Name         string     `json:"name"`
	Locations    []Location `json:"locations"`
	MissingError Code       `json:"missingError"`
	UnknownError Code       `json:"unknownError"`
}

// Location is where a [OneOf] value may be: In is "query" or "header".
type Location struct {
	In   string `json:"in"`
	Name string `json:"name"`
}

// CreateInstance returns the parsed operation. The value is shared: treat it as read-only.
func CreateInstance() *Operation { return getLite().root.op }

// Operations returns every operation of the document, one per Action, CreateInstance first. The
// values are shared ([OperationFor] returns the same): treat them as read-only. It parses the whole
// document; [OperationFor] parses only the operation asked for.
func Operations() []*Operation {
	full, l := get(), getLite()
	out := make([]*Operation, len(full.ops))
	for i, op := range full.ops {
		e, ok := l.ops[op.Action]
		if !ok {
			panic(fmt.Sprintf("spec: the index of the document lacks %s", op.Action))
		}
		// An operation not asked for yet takes the whole document's; one asked for keeps its own.
		e.once.Do(func() { e.op = op })
		out[i] = l.operation(e)
	}
	return out
}

// Actions returns the name of every Action the document serves, sorted. It reads the index of the
// document, parsing no operation: a caller that needs only the names does not pay for the others.
func Actions() []string {
	l := getLite()
	out := make([]string, 0, len(l.ops))
	for a := range l.ops {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// OperationFor returns the operation that serves an Action, or false if the document has none. The
// first call for an Action parses that operation alone (with the components it refers to), not
// the whole document.
func OperationFor(action string) (*Operation, bool) {
	l := getLite() // the catalogue, which every operation's codes are checked against
	e, ok := l.ops[action]
	if !ok {
		return nil, false
	}
	return l.operation(e), true
}

// parseOperations parses every path of the document: "/" first, then the others sorted.
func parseOperations(doc *openapi3.T) ([]*Operation, error) {
	cat, err := parseCatalogue(doc)
	if err != nil {
		return nil, err
	}
	var ops []*Operation
	seen := map[string]bool{}
	for _, path := range append([]string{"/"}, doc.Paths.InMatchingOrder()...) {
		if seen[path] {
			continue
		}
		seen[path] = true
		op, err := parseOperationAt(doc, path, cat)
		if err != nil {
			return nil, err
		}
		for _, o := range ops {
			if o.Action == op.Action {
				return nil, fmt.Errorf("spec: paths %s and %s both serve %s", o.Path, op.Path, op.Action)
			}
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// Param returns the named parameter.
func (o *Operation) Param(name string) (Param, bool) {
	for _, p := range o.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

func parseOperationAt(doc *openapi3.T, path string, cat *Catalogue) (*Operation, error) {
	item := doc.Paths.Value(path)
	if item == nil || item.Post == nil {
		return nil, fmt.Errorf("spec: the document has no POST %s", path)
	}
	post := item.Post
	op := &Operation{Path: path, item: item}
	for _, m := range []string{http.MethodPost, http.MethodGet} {
		if item.GetOperation(m) != nil {
			op.Methods = append(op.Methods, m)
		}
	}
	ext := func(name string, out any) error {
		raw, ok := post.Extensions[name]
		if !ok {
			return fmt.Errorf("spec: POST %s has no %s", path, name)
		}
		if err := remarshal(raw, out); err != nil {
			return fmt.Errorf("spec: POST %s %s: %w", path, name, err)
		}
		return nil
	}
	if err := ext("x-bss-action", &op.Action); err != nil {
		return nil, err
	}
	if err := ext("x-bss-form-body", &op.FormBody); err != nil {
		return nil, err
	}
	if err := ext("x-bss-repeated-parameters", &op.Repeated); err != nil {
		return nil, err
	}
	if err := ext("x-bss-rules", &op.Rules); err != nil {
		return nil, err
	}
	if err := ext("x-bss-one-of-locations", &op.OneOf); err != nil {
		return nil, err
	}
	if _, ok := post.Extensions["x-bss-source"]; ok {
		if err := ext("x-bss-source", &op.Source); err != nil {
			return nil, err
		}
	}
	op.ReadOnly = op.Action == ActionQueryAvailableInstances || op.Action == ActionGetOrderDetail
	if _, ok := post.Extensions["x-bss-operation-type"]; ok {
		var kind string
		if err := ext("x-bss-operation-type", &kind); err != nil {
			return nil, err
		}
		op.ReadOnly = kind == "read"
	}
	for _, ref := range post.Parameters {
		p := ref.Value
		if p == nil || p.Schema == nil || p.Schema.Value == nil {
			return nil, fmt.Errorf("spec: POST %s has a parameter without a schema", path)
		}
		param := Param{Name: p.Name, In: p.In, Required: p.Required, Schema: p.Schema.Value, Description: p.Description}
		if raw, ok := p.Extensions["x-bss-error"]; ok {
			if err := remarshal(raw, &param.Error); err != nil {
				return nil, fmt.Errorf("spec: parameter %s x-bss-error: %w", p.Name, err)
			}
		}
		if raw, ok := p.Extensions["x-bss-pattern"]; ok {
			if err := remarshal(raw, &param.Pattern); err != nil {
				return nil, fmt.Errorf("spec: parameter %s x-bss-pattern: %w", p.Name, err)
			}
		}
		if raw, ok := p.Extensions["x-bss-style"]; ok {
			if err := remarshal(raw, &param.Style); err != nil {
				return nil, fmt.Errorf("spec: parameter %s x-bss-style: %w", p.Name, err)
			}
		}
		if raw, ok := p.Extensions["x-bss-max-page-size"]; ok {
			if err := remarshal(raw, &param.MaxPageSize); err != nil {
				return nil, fmt.Errorf("spec: parameter %s x-bss-max-page-size: %w", p.Name, err)
			}
		}
		if raw, ok := p.Extensions["x-bss-json-schema"]; ok {
			param.JSONSchema = &openapi3.Schema{}
			if err := remarshal(raw, param.JSONSchema); err != nil {
				return nil, fmt.Errorf("spec: parameter %s x-bss-json-schema: %w", p.Name, err)
			}
		}
		op.Params = append(op.Params, param)
	}
	// Every code the operation names must be in the catalogue.
	check := func(where string, c Code) error {
		if c == "" {
			return nil
		}
		if _, ok := cat.byCode[c]; !ok {
			return fmt.Errorf("spec: %s names error code %q, which is not in x-bss-errors", where, c)
		}
		return nil
	}
	for _, p := range op.Params {
		if err := check("parameter "+p.Name, p.Error); err != nil {
			return nil, err
		}
	}
	for _, r := range op.Repeated {
		if err := check("repeated "+r.Prefix, r.OutOfRangeError); err != nil {
			return nil, err
		}
		for _, f := range r.Fields {
			if err := check("repeated "+r.Prefix+"."+f.Name, f.MissingError); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range op.Rules {
		if err := check("rule "+r.ID, r.Error); err != nil {
			return nil, err
		}
	}
	for _, o := range op.OneOf {
		if err := check("one-of "+o.Name, o.MissingError); err != nil {
			return nil, err
		}
		if err := check("one-of "+o.Name, o.UnknownError); err != nil {
			return nil, err
		}
	}
	return op, nil
}
