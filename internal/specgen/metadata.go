package specgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Metadata is the part of an official OpenAPI metadata file (api-docs.json, "OpenMeta") that the
// converter reads: the product, and per API its methods, parameters, response schema and error
// codes. Description prose is never read into it, so none can reach the spec.
type Metadata struct {
	// Product and Version name the API (info.product, info.version); Style is "RPC".
	Product, Version, Style string
	// Directories are the metadata's groups, in file order.
	Directories []Directory
	// APIs are the operations by name.
	APIs map[string]*API
}

// Directory is one group of APIs (its title and the APIs it holds).
type Directory struct {
	Title    string
	Children []string
}

// API is one operation of the metadata.
type API struct {
	// Name is the Action.
	Name string
	// Methods are the HTTP methods, lower case as in the file.
	Methods []string
	// OperationType is systemTags.operationType (get, create, update, delete, none or empty).
	OperationType string
	// Deprecated is the metadata's flag.
	Deprecated bool
	// Parameters are the request parameters in file order.
	Parameters []*Parameter
	// Response is the schema of the HTTP 200 answer (nil when the file has none).
	Response *Schema
	// Errors are the error codes by HTTP status as listed (uncleaned: see [CleanErrors]).
	Errors map[string][]RawError
}

// Parameter is one request parameter.
type Parameter struct {
	Name string
	// In is query, formData or body.
	In string
	// Style is the RPC style: "" (simple), repeatList, flat or json.
	Style  string
	Schema *Schema
}

// RawError is one entry of an API's errorCodes list, as written.
type RawError struct {
	Code    string
	Message string
}

// Schema is a JSON-schema-like type of the metadata, reduced to facts: types, formats, bounds,
// enumerations and structure.
type Schema struct {
	Type, Format         string
	Required             bool
	Enum                 []string
	Minimum, Maximum     *float64
	MinLength, MaxLength *int
	MaxItems             *int
	Pattern              string
	Items                *Schema
	Properties           map[string]*Schema
	AdditionalProperties *Schema
}

// PropertyNames returns the names of s's properties, sorted.
func (s *Schema) PropertyNames() []string {
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// rawDoc mirrors the file; fields the converter does not use are left out.
type rawDoc struct {
	Info struct {
		Style   string `json:"style"`
		Product string `json:"product"`
		Version string `json:"version"`
	} `json:"info"`
	Directories []struct {
		Title    string            `json:"title"`
		Children []json.RawMessage `json:"children"`
	} `json:"directories"`
	APIs map[string]rawAPI `json:"apis"`
}

type rawAPI struct {
	Methods    []string `json:"methods"`
	Deprecated bool     `json:"deprecated"`
	SystemTags struct {
		OperationType string `json:"operationType"`
	} `json:"systemTags"`
	Parameters []struct {
		Name   string     `json:"name"`
		In     string     `json:"in"`
		Style  string     `json:"style"`
		Schema *rawSchema `json:"schema"`
	} `json:"parameters"`
	Responses  map[string]struct{ Schema *rawSchema } `json:"responses"`
	ErrorCodes map[string][]struct {
		ErrorCode    string `json:"errorCode"`
		ErrorMessage string `json:"errorMessage"`
	} `json:"errorCodes"`
}

type rawSchema struct {
	Type                 string                `json:"type"`
	Format               string                `json:"format"`
	Required             json.RawMessage       `json:"required"`
	Enum                 []json.RawMessage     `json:"enum"`
	Minimum              json.RawMessage       `json:"minimum"`
	Maximum              json.RawMessage       `json:"maximum"`
	MinLength            *int                  `json:"minLength"`
	MaxLength            *int                  `json:"maxLength"`
	MaxItems             *int                  `json:"maxItems"`
	Pattern              string                `json:"pattern"`
	Items                *rawSchema            `json:"items"`
	Properties           map[string]*rawSchema `json:"properties"`
	AdditionalProperties json.RawMessage       `json:"additionalProperties"`
}

// maxDepth bounds the nesting of schemas: the real file nests five levels.
const maxDepth = 32

// ParseMetadata reads an api-docs.json. It reports every problem it finds at once; a file that is
// not JSON, or has no APIs, is an error.
func ParseMetadata(b []byte) (*Metadata, error) {
	var raw rawDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(raw.APIs) == 0 {
		bad("metadata: no apis")
	}
	if raw.Info.Style != "" && raw.Info.Style != "RPC" {
		bad("metadata: style %q: only RPC APIs are converted", raw.Info.Style)
	}
	m := &Metadata{Product: raw.Info.Product, Version: raw.Info.Version, Style: raw.Info.Style, APIs: map[string]*API{}}
	for _, d := range raw.Directories {
		dir := Directory{Title: strings.TrimSpace(d.Title)}
		for _, c := range d.Children {
			var name string
			if json.Unmarshal(c, &name) == nil { // nested directories (objects) are not used by RPC files
				dir.Children = append(dir.Children, name)
			}
		}
		m.Directories = append(m.Directories, dir)
	}
	names := make([]string, 0, len(raw.APIs))
	for n := range raw.APIs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		ra := raw.APIs[name]
		if !validName(name) {
			bad("metadata: api %q: not an Action name", name)
			continue
		}
		a := &API{Name: name, Deprecated: ra.Deprecated, OperationType: ra.SystemTags.OperationType, Errors: map[string][]RawError{}}
		for _, meth := range ra.Methods {
			meth = strings.ToLower(strings.TrimSpace(meth))
			if meth != "get" && meth != "post" {
				bad("metadata: %s: method %q is neither get nor post", name, meth)
				continue
			}
			a.Methods = append(a.Methods, meth)
		}
		seen := map[string]bool{}
		for i, rp := range ra.Parameters {
			where := fmt.Sprintf("metadata: %s: parameter %d (%s)", name, i+1, rp.Name)
			if !validName(rp.Name) {
				bad("%s: not a parameter name", where)
				continue
			}
			if seen[rp.Name] {
				bad("%s: appears twice", where)
				continue
			}
			seen[rp.Name] = true
			switch rp.In {
			case "query", "formData", "body", "":
			default:
				bad("%s: in %q is not query, formData or body", where, rp.In)
				continue
			}
			switch rp.Style {
			case "", "simple", "repeatList", "flat", "json":
			default:
				bad("%s: style %q is not simple, repeatList, flat or json", where, rp.Style)
				continue
			}
			if rp.Schema == nil {
				bad("%s: no schema", where)
				continue
			}
			s, err := convertSchema(rp.Schema, 0)
			if err != nil {
				bad("%s: %v", where, err)
				continue
			}
			style := rp.Style
			if style == "simple" {
				style = ""
			}
			a.Parameters = append(a.Parameters, &Parameter{Name: rp.Name, In: rp.In, Style: style, Schema: s})
		}
		if r, ok := ra.Responses["200"]; ok && r.Schema != nil {
			s, err := convertSchema(r.Schema, 0)
			if err != nil {
				bad("metadata: %s: response: %v", name, err)
			} else {
				a.Response = s
			}
		}
		for status, list := range ra.ErrorCodes {
			for _, e := range list {
				a.Errors[status] = append(a.Errors[status], RawError{Code: e.ErrorCode, Message: e.ErrorMessage})
			}
		}
		m.APIs[name] = a
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

func convertSchema(r *rawSchema, depth int) (*Schema, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("schema nested deeper than %d levels", maxDepth)
	}
	s := &Schema{Type: r.Type, Format: r.Format, MinLength: r.MinLength, MaxLength: r.MaxLength, MaxItems: r.MaxItems, Pattern: r.Pattern}
	switch r.Type {
	case "string", "integer", "number", "boolean", "object", "array", "any":
	case "":
		if r.Properties != nil {
			s.Type = "object"
		} else {
			s.Type = "string"
		}
	default:
		return nil, fmt.Errorf("type %q is not a JSON schema type", r.Type)
	}
	if len(r.Required) > 0 {
		var b bool
		if json.Unmarshal(r.Required, &b) == nil {
			s.Required = b
		}
	}
	for _, e := range r.Enum {
		v, err := scalarText(e)
		if err != nil {
			return nil, fmt.Errorf("enum: %w", err)
		}
		s.Enum = append(s.Enum, v)
	}
	var err error
	if s.Minimum, err = number(r.Minimum); err != nil {
		return nil, fmt.Errorf("minimum: %w", err)
	}
	if s.Maximum, err = number(r.Maximum); err != nil {
		return nil, fmt.Errorf("maximum: %w", err)
	}
	for _, p := range []*int{r.MinLength, r.MaxLength, r.MaxItems} {
		if p != nil && *p < 0 {
			return nil, fmt.Errorf("negative length bound %d", *p)
		}
	}
	if r.Items != nil {
		if s.Items, err = convertSchema(r.Items, depth+1); err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
	}
	if s.Type == "array" && s.Items == nil {
		s.Items = &Schema{Type: "string"}
	}
	if len(r.Properties) > 0 {
		s.Properties = map[string]*Schema{}
		for name, p := range r.Properties {
			if p == nil || !validName(name) {
				return nil, fmt.Errorf("property %q: invalid", name)
			}
			if s.Properties[name], err = convertSchema(p, depth+1); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	if len(r.AdditionalProperties) > 0 && r.AdditionalProperties[0] == '{' {
		var ap rawSchema
		if err := json.Unmarshal(r.AdditionalProperties, &ap); err != nil {
			return nil, fmt.Errorf("additionalProperties: %w", err)
		}
		if s.AdditionalProperties, err = convertSchema(&ap, depth+1); err != nil {
			return nil, fmt.Errorf("additionalProperties: %w", err)
		}
	}
	return s, nil
}

// number reads a bound written as a JSON number or as a string of one (the metadata writes
// minimum and maximum as strings).
func number(raw json.RawMessage) (*float64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	t, err := scalarText(raw)
	if err != nil {
		return nil, err
	}
	if t == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not a number", t)
	}
	return &f, nil
}

func scalarText(raw json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&n) == nil {
		return n.String(), nil
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return strconv.FormatBool(b), nil
	}
	return "", fmt.Errorf("%s is not a string, number or boolean", raw)
}

// validName accepts the names the wire can carry as a parameter or an Action: letters, digits and
// "_", "-", starting with a letter.
func validName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_' || r == '-'):
		default:
			return false
		}
	}
	return true
}
