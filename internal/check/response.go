package check

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// respRules are the spec's responses of CreateInstance compiled once: for each documented status
// the required headers and, per media type, the body schema as a small tree. Checking an answer
// walks its bytes once against that tree (JSON or the gateway's XML) instead of decoding it into
// generic values and re-walking the OpenAPI document, which is what kin-openapi does per call.
// It covers what the spec uses: objects with required and typed properties, strings with lengths,
// patterns and enums, booleans, numbers, and the XML root name. kin-openapi (spec.Validator)
// is the reference it is tested against.
type respRules struct {
	byStatus map[int]*respDef
	dflt     *respDef
}

type respDef struct {
	headers []headerRule
	content map[string]*schemaNode // media type without parameters -> schema (nil: any body)
}

type headerRule struct {
	name     string // canonical
	required bool
	node     *schemaNode
}

type schemaNode struct {
	typ      string // "object", "string", "boolean", "integer", "number" or "" (anything)
	props    []propNode
	required []int   // indexes into props
	missing  []error // per required entry: "property X is missing", built once (a failing oneOf alternative allocates nothing)
	minLen   int
	maxLen   int      // -1: none
	pattern  *pattern // pattern.go
	enum     map[string]bool
	xmlName  string
	oneOf    []*schemaNode // a body's top-level oneOf (the HTTP 200 answer: success or body-channel error)
	items    *schemaNode   // typ "array": the items' schema
}

type propNode struct {
	name string
	node *schemaNode
}

func compileRespRules(item *openapi3.PathItem, path string) (*respRules, error) {
	if item == nil || item.Post == nil || item.Post.Responses == nil {
		return nil, fmt.Errorf("the document has no responses for POST %s", path)
	}
	rr := &respRules{byStatus: map[int]*respDef{}}
	for code, ref := range item.Post.Responses.Map() {
		if ref == nil || ref.Value == nil {
			continue
		}
		def, err := compileRespDef(ref.Value)
		if err != nil {
			return nil, fmt.Errorf("response %s: %w", code, err)
		}
		if code == "default" {
			rr.dflt = def
			continue
		}
		status, err := strconv.Atoi(code)
		if err != nil {
			return nil, fmt.Errorf("response %q: only exact statuses are compiled", code)
		}
		rr.byStatus[status] = def
	}
	return rr, nil
}

func compileRespDef(r *openapi3.Response) (*respDef, error) {
	def := &respDef{content: map[string]*schemaNode{}}
	for name, ref := range r.Headers {
		if ref == nil || ref.Value == nil {
			continue
		}
		h := headerRule{name: http.CanonicalHeaderKey(name), required: ref.Value.Required}
		if ref.Value.Schema != nil {
			n, err := compileSchema(ref.Value.Schema.Value, 0)
			if err != nil {
				return nil, err
			}
			h.node = n
		}
		def.headers = append(def.headers, h)
	}
	for mt, media := range r.Content {
		var n *schemaNode
		if media != nil && media.Schema != nil {
			var err error
			if n, err = compileSchema(media.Schema.Value, 0); err != nil {
				return nil, fmt.Errorf("%s: %w", mt, err)
			}
		}
		def.content[mt] = n
	}
	return def, nil
}

func compileSchema(s *openapi3.Schema, depth int) (*schemaNode, error) {
	if s == nil {
		return &schemaNode{maxLen: -1}, nil
	}
	if depth > 16 {
		return nil, errors.New("schema nests too deep")
	}
	if depth == 0 && len(s.OneOf) > 0 && len(s.AllOf)+len(s.AnyOf) == 0 && s.Not == nil && len(s.Properties) == 0 {
		n := &schemaNode{maxLen: -1}
		for i, ref := range s.OneOf {
			if ref == nil || ref.Value == nil {
				return nil, fmt.Errorf("oneOf[%d] is unresolved", i)
			}
			alt, err := compileSchema(ref.Value, 1)
			if err != nil {
				return nil, fmt.Errorf("oneOf[%d]: %w", i, err)
			}
			n.oneOf = append(n.oneOf, alt)
		}
		return n, nil
	}
	if len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 || s.Not != nil {
		return nil, errors.New("allOf/anyOf/not, and oneOf below a body's top level, are not compiled")
	}
	n := &schemaNode{minLen: int(s.MinLength), maxLen: -1}
	if s.Type != nil && len(*s.Type) == 1 {
		n.typ = (*s.Type)[0]
	}
	if s.MaxLength != nil {
		n.maxLen = int(*s.MaxLength)
	}
	if s.Pattern != "" {
		re, err := compilePattern(s.Pattern)
		if err != nil {
			return nil, err
		}
		n.pattern = re
	}
	if len(s.Enum) > 0 {
		n.enum = map[string]bool{}
		for _, e := range s.Enum {
			n.enum[fmt.Sprint(e)] = true
		}
	}
	if s.XML != nil {
		n.xmlName = s.XML.Name
	}
	if n.typ == "array" {
		var items *openapi3.Schema
		if s.Items != nil {
			items = s.Items.Value
		}
		c, err := compileSchema(items, depth+1)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		n.items = c
	}
	for name, ref := range s.Properties {
		var child *openapi3.Schema
		if ref != nil {
			child = ref.Value
		}
		c, err := compileSchema(child, depth+1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		n.props = append(n.props, propNode{name: name, node: c})
	}
	for _, req := range s.Required {
		i := n.prop(req)
		if i < 0 {
			n.props = append(n.props, propNode{name: req, node: &schemaNode{maxLen: -1}})
			i = len(n.props) - 1
		}
		n.required = append(n.required, i)
		n.missing = append(n.missing, fmt.Errorf("property %s is missing", req))
	}
	if len(n.props) > 64 {
		return nil, errors.New("more than 64 properties")
	}
	return n, nil
}

func (n *schemaNode) prop(name string) int {
	for i := range n.props {
		if n.props[i].name == name {
			return i
		}
	}
	return -1
}

// propBytes is prop for a name still in the body: string(name) in a comparison does not copy.
func (n *schemaNode) propBytes(name []byte) int {
	for i := range n.props {
		if n.props[i].name == string(name) {
			return i
		}
	}
	return -1
}

// check validates one answer: status documented, required headers, content type documented for
// the status, body conforming to its schema.
func (rr *respRules) check(status int, h http.Header, body []byte) error {
	def := rr.byStatus[status]
	if def == nil {
		def = rr.dflt
	}
	if def == nil {
		return fmt.Errorf("status %d is not documented", status)
	}
	for _, hr := range def.headers {
		vs := h[hr.name]
		if len(vs) == 0 {
			if hr.required {
				return fmt.Errorf("status %d: header %s is missing", status, hr.name)
			}
			continue
		}
		if hr.node != nil {
			if err := hr.node.checkString(vs[0]); err != nil {
				return fmt.Errorf("status %d: header %s: %w", status, hr.name, err)
			}
		}
	}
	if len(def.content) == 0 {
		return nil
	}
	ct := ""
	if vs := h["Content-Type"]; len(vs) > 0 {
		ct = vs[0]
	}
	mt := ct
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		mt = ct[:i]
	}
	mt = strings.TrimSpace(mt)
	node, ok := def.content[mt]
	if !ok {
		node, ok = def.content[strings.ToLower(mt)]
	}
	if !ok {
		return fmt.Errorf("status %d: content type %q is not documented", status, ct)
	}
	if node == nil {
		return nil
	}
	var check func([]byte, *schemaNode) error
	switch {
	case strings.HasSuffix(mt, "json"):
		check = checkJSON
	case strings.HasSuffix(mt, "xml"):
		check = checkXML
	default:
		return nil
	}
	if err := checkOneOf(body, node, check); err != nil {
		return fmt.Errorf("status %d (%s): body: %w", status, mt, err)
	}
	return nil
}

// checkOneOf checks body against node, or, for a oneOf, against each alternative: exactly one must
// accept it.
func checkOneOf(body []byte, node *schemaNode, check func([]byte, *schemaNode) error) error {
	if node.oneOf == nil {
		return check(body, node)
	}
	matched := 0
	for _, alt := range node.oneOf {
		if check(body, alt) == nil {
			matched++
		}
	}
	switch matched {
	case 1:
		return nil
	case 0:
		// The error path only: check again to say why each alternative failed.
		errs := make([]error, len(node.oneOf))
		for i, alt := range node.oneOf {
			errs[i] = check(body, alt)
		}
		return fmt.Errorf("matches none of the oneOf alternatives: %w", errors.Join(errs...))
	default:
		return fmt.Errorf("matches %d of the oneOf alternatives, want exactly one", matched)
	}
}

func (n *schemaNode) checkString(s string) error {
	if n.typ != "" && n.typ != "string" {
		return fmt.Errorf("want %s, got a string", n.typ)
	}
	if n.minLen > 0 || n.maxLen >= 0 {
		l := utf8.RuneCountInString(s)
		if l < n.minLen {
			return fmt.Errorf("%q is shorter than %d", s, n.minLen)
		}
		if n.maxLen >= 0 && l > n.maxLen {
			return fmt.Errorf("%q is longer than %d", s, n.maxLen)
		}
	}
	if n.enum != nil && !n.enum[s] {
		return fmt.Errorf("%q is not one of the allowed values", s)
	}
	if n.pattern != nil && !n.pattern.MatchString(s) {
		return fmt.Errorf("%q does not match %s", s, n.pattern)
	}
	return nil
}

// checkBytes is checkString for text still in the body: the checks read the bytes in place, and
// only a failure copies them, into its message.
func (n *schemaNode) checkBytes(b []byte) error {
	if (n.typ == "" || n.typ == "string") &&
		(n.minLen == 0 && n.maxLen < 0 || inRange(utf8.RuneCount(b), n.minLen, n.maxLen)) &&
		(n.enum == nil || n.enum[string(b)]) &&
		(n.pattern == nil || n.pattern.Match(b)) {
		return nil
	}
	return n.checkString(string(b))
}

func inRange(l, lo, hi int) bool { return l >= lo && (hi < 0 || l <= hi) }

// checkLeaf validates an XML leaf's text as kin-openapi sees it after the spec package's XML
// decoder: booleans and numbers are typed, anything else is a string.
func (n *schemaNode) checkLeaf(s []byte) error {
	switch n.typ {
	case "boolean":
		if string(s) != "true" && string(s) != "false" {
			return fmt.Errorf("want a boolean, got %q", s)
		}
		return nil
	case "integer", "number":
		f, err := strconv.ParseFloat(string(s), 64)
		if err != nil || (n.typ == "integer" && f != float64(int64(f))) {
			return fmt.Errorf("want %s, got %q", n.typ, s)
		}
		return nil
	case "object":
		if len(s) == 0 {
			return n.checkRequired(0)
		}
		return fmt.Errorf("want an object, got %q", s)
	}
	return n.checkBytes(s)
}

// checkRequiredXML is checkRequired for XML, where an empty array is no element at all: required
// array properties may be absent.
func (n *schemaNode) checkRequiredXML(seen uint64) error {
	for _, i := range n.required {
		if seen&(1<<i) == 0 && n.props[i].node.typ != "array" {
			return fmt.Errorf("property %s is missing", n.props[i].name)
		}
	}
	return nil
}

func (n *schemaNode) checkRequired(seen uint64) error {
	for k, i := range n.required {
		if seen&(1<<i) == 0 {
			return n.missing[k]
		}
	}
	return nil
}

// jsonScanner walks one JSON document.
type jsonScanner struct {
	b []byte
	i int
}

var errJSONSyntax = errors.New("invalid JSON")

func checkJSON(body []byte, n *schemaNode) error {
	sc := &jsonScanner{b: body}
	if err := sc.value(n, 0); err != nil {
		return err
	}
	sc.ws()
	if sc.i != len(sc.b) {
		return errJSONSyntax
	}
	return nil
}

func (sc *jsonScanner) ws() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// value checks the next value against n (nil: anything, only well-formedness).
func (sc *jsonScanner) value(n *schemaNode, depth int) error {
	if depth > 64 {
		return errors.New("JSON nests too deep")
	}
	sc.ws()
	if sc.i >= len(sc.b) {
		return errJSONSyntax
	}
	typ := ""
	if n != nil {
		typ = n.typ
	}
	switch c := sc.b[sc.i]; {
	case c == '{':
		if typ != "" && typ != "object" {
			return fmt.Errorf("want %s, got an object", typ)
		}
		return sc.object(n, depth)
	case c == '[':
		if typ != "" && typ != "array" {
			return fmt.Errorf("want %s, got an array", typ)
		}
		sc.i++
		sc.ws()
		if sc.i < len(sc.b) && sc.b[sc.i] == ']' {
			sc.i++
			return nil
		}
		var items *schemaNode
		if n != nil {
			items = n.items
		}
		for k := 0; ; k++ {
			if err := sc.value(items, depth+1); err != nil {
				if errors.Is(err, errJSONSyntax) {
					return err
				}
				return fmt.Errorf("[%d]: %w", k, err)
			}
			sc.ws()
			if sc.i >= len(sc.b) {
				return errJSONSyntax
			}
			if sc.b[sc.i] == ']' {
				sc.i++
				return nil
			}
			if sc.b[sc.i] != ',' {
				return errJSONSyntax
			}
			sc.i++
		}
	case c == '"':
		s, err := sc.str()
		if err != nil {
			return err
		}
		if n != nil {
			return n.checkBytes(s)
		}
		return nil
	case c == 't' || c == 'f':
		if typ != "" && typ != "boolean" {
			return fmt.Errorf("want %s, got a boolean", typ)
		}
		for _, lit := range []string{"true", "false"} {
			if string(sc.b[sc.i:min(len(sc.b), sc.i+len(lit))]) == lit {
				sc.i += len(lit)
				return nil
			}
		}
		return errJSONSyntax
	case c == 'n':
		if string(sc.b[sc.i:min(len(sc.b), sc.i+4)]) != "null" {
			return errJSONSyntax
		}
		sc.i += 4
		if typ != "" {
			return fmt.Errorf("want %s, got null", typ)
		}
		return nil
	case c == '-' || ('0' <= c && c <= '9'):
		start := sc.i
		if !sc.number() {
			return errJSONSyntax
		}
		num := string(sc.b[start:sc.i])
		f, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return errJSONSyntax
		}
		switch typ {
		case "", "number":
		case "integer":
			if f != float64(int64(f)) {
				return fmt.Errorf("want an integer, got %s", num)
			}
		default:
			return fmt.Errorf("want %s, got a number", typ)
		}
		return nil
	}
	return errJSONSyntax
}

func (sc *jsonScanner) object(n *schemaNode, depth int) error {
	sc.i++ // '{'
	var seen uint64
	sc.ws()
	if sc.i < len(sc.b) && sc.b[sc.i] == '}' {
		sc.i++
		if n != nil {
			return n.checkRequired(seen)
		}
		return nil
	}
	for {
		sc.ws()
		if sc.i >= len(sc.b) || sc.b[sc.i] != '"' {
			return errJSONSyntax
		}
		key, err := sc.str()
		if err != nil {
			return err
		}
		sc.ws()
		if sc.i >= len(sc.b) || sc.b[sc.i] != ':' {
			return errJSONSyntax
		}
		sc.i++
		var child *schemaNode
		if n != nil {
			if p := n.propBytes(key); p >= 0 {
				if seen&(1<<p) != 0 {
					return fmt.Errorf("property %s appears twice", key)
				}
				seen |= 1 << p
				child = n.props[p].node
			}
		}
		if err := sc.value(child, depth+1); err != nil {
			if errors.Is(err, errJSONSyntax) {
				return err
			}
			return fmt.Errorf("%s: %w", key, err)
		}
		sc.ws()
		if sc.i >= len(sc.b) {
			return errJSONSyntax
		}
		switch sc.b[sc.i] {
		case ',':
			sc.i++
		case '}':
			sc.i++
			if n != nil {
				return n.checkRequired(seen)
			}
			return nil
		default:
			return errJSONSyntax
		}
	}
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (sc *jsonScanner) number() bool {
	digits := func() int {
		n := 0
		for sc.i < len(sc.b) && '0' <= sc.b[sc.i] && sc.b[sc.i] <= '9' {
			sc.i++
			n++
		}
		return n
	}
	if sc.i < len(sc.b) && sc.b[sc.i] == '-' {
		sc.i++
	}
	if sc.i < len(sc.b) && sc.b[sc.i] == '0' {
		sc.i++
	} else if digits() == 0 {
		return false
	}
	if sc.i < len(sc.b) && sc.b[sc.i] == '.' {
		sc.i++
		if digits() == 0 {
			return false
		}
	}
	if sc.i < len(sc.b) && (sc.b[sc.i] == 'e' || sc.b[sc.i] == 'E') {
		sc.i++
		if sc.i < len(sc.b) && (sc.b[sc.i] == '+' || sc.b[sc.i] == '-') {
			sc.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

// str reads a JSON string; without escapes it is a view of the body, so nothing is allocated.
func (sc *jsonScanner) str() ([]byte, error) {
	start := sc.i
	sc.i++ // '"'
	escaped := false
	for sc.i < len(sc.b) {
		switch c := sc.b[sc.i]; {
		case c == '"':
			sc.i++
			if !escaped {
				return sc.b[start+1 : sc.i-1], nil
			}
			var s string // escapes are rare: encoding/json decodes them exactly as JSON says
			if err := json.Unmarshal(sc.b[start:sc.i], &s); err != nil {
				return nil, errJSONSyntax
			}
			return []byte(s), nil
		case c == '\\':
			escaped = true
			sc.i += 2
		case c < 0x20:
			return nil, errJSONSyntax
		default:
			sc.i++
		}
	}
	return nil, errJSONSyntax
}

// checkXML validates the gateway's XML: a declaration, one root element whose name the schema
// gives, child elements for properties (nested for objects), text and CDATA leaves, the five
// predefined entities and numeric character references. Attributes are not used by the spec and
// are rejected.
func checkXML(body []byte, n *schemaNode) error {
	var text [128]byte // leaves are short: their text is gathered here, not on the heap
	x := &xmlScanner{b: body, text: text[:0]}
	x.skipProlog()
	name, err := x.open()
	if err != nil {
		return err
	}
	if n.xmlName != "" && string(name) != n.xmlName {
		return fmt.Errorf("root element is <%s>, the schema wants <%s>", name, n.xmlName)
	}
	if err := x.element(name, n, 0); err != nil {
		return err
	}
	x.ws()
	if x.i != len(x.b) {
		return errors.New("content after the root element")
	}
	return nil
}

type xmlScanner struct {
	b    []byte
	i    int
	text []byte
}

var errXMLSyntax = errors.New("invalid XML")

func (x *xmlScanner) ws() {
	for x.i < len(x.b) && (x.b[x.i] == ' ' || x.b[x.i] == '\t' || x.b[x.i] == '\n' || x.b[x.i] == '\r') {
		x.i++
	}
}

// xmlDecls are the XML declarations accepted: any other is left in place, where it is not an
// element and fails.
var xmlDecls = []string{`<?xml version="1.0" encoding="UTF-8"?>`, `<?xml version="1.0" encoding="utf-8"?>`, `<?xml version="1.0"?>`}

func (x *xmlScanner) skipProlog() {
	x.ws()
	for _, decl := range xmlDecls {
		if rest := x.b[x.i:]; len(rest) >= len(decl) && string(rest[:len(decl)]) == decl {
			x.i += len(decl)
			break
		}
	}
	x.ws()
}

// open reads "<Name>" and returns Name, a view of the body.
func (x *xmlScanner) open() ([]byte, error) {
	if x.i >= len(x.b) || x.b[x.i] != '<' {
		return nil, errXMLSyntax
	}
	j := bytes.IndexByte(x.b[x.i:], '>')
	if j < 0 {
		return nil, errXMLSyntax
	}
	name := x.b[x.i+1 : x.i+j]
	if !xmlName(name) {
		return nil, fmt.Errorf("%w: unsupported tag <%s>", errXMLSyntax, name)
	}
	x.i += j + 1
	return name, nil
}

// element reads the content of the open element name up to its end tag and checks it against n.
func (x *xmlScanner) element(name []byte, n *schemaNode, depth int) error {
	if depth > 64 {
		return errors.New("XML nests too deep")
	}
	x.text = x.text[:0]
	var seen uint64
	children := false
	for x.i < len(x.b) {
		rest := x.b[x.i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end := bytes.Index(rest, []byte("]]>"))
			if end < 0 {
				return errXMLSyntax
			}
			if !xmlChars(rest[9:end]) {
				return fmt.Errorf("%w: a character outside XML's range", errXMLSyntax)
			}
			x.text = append(x.text, rest[9:end]...)
			x.i += end + 3
		case bytes.HasPrefix(rest, []byte("</")):
			end := bytes.IndexByte(rest, '>')
			if end < 0 || !bytes.Equal(rest[2:end], name) {
				return fmt.Errorf("%w: <%s> is not closed", errXMLSyntax, name)
			}
			x.i += end + 1
			if children {
				if n != nil {
					if n.typ != "" && n.typ != "object" {
						return fmt.Errorf("%s: want %s, got elements", name, n.typ)
					}
					if err := n.checkRequiredXML(seen); err != nil {
						return fmt.Errorf("%s: %w", name, err)
					}
				}
				return nil
			}
			if n == nil {
				return nil
			}
			if n.typ == "object" && len(bytes.TrimSpace(x.text)) == 0 {
				return n.checkRequiredXML(0) // an element with no children: an object whose arrays are empty
			}
			if err := n.checkLeaf(bytes.TrimSpace(x.text)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			return nil
		case rest[0] == '<':
			child, err := x.open()
			if err != nil {
				return err
			}
			children = true
			var cn *schemaNode
			if n != nil {
				if p := n.propBytes(child); p >= 0 {
					cn = n.props[p].node
					if cn.typ == "array" {
						cn = cn.items // unwrapped: one element per item, repeated
					} else if seen&(1<<p) != 0 {
						return fmt.Errorf("element <%s> appears twice", child)
					}
					seen |= 1 << p
				}
			}
			if err := x.element(child, cn, depth+1); err != nil {
				return err
			}
		case rest[0] == '&':
			end := bytes.IndexByte(rest, ';')
			if end < 0 {
				return errXMLSyntax
			}
			r, ok := xmlEntity(rest[1:end])
			if !ok {
				return fmt.Errorf("%w: entity &%s;", errXMLSyntax, rest[1:end])
			}
			x.text = utf8.AppendRune(x.text, r)
			x.i += end + 1
		default:
			end := xmlTextEnd(rest)
			if end < 0 {
				return errXMLSyntax
			}
			if end < len(rest) && rest[end] != '<' && rest[end] != '&' {
				return fmt.Errorf("%w: a character outside XML's range", errXMLSyntax)
			}
			x.text = append(x.text, rest[:end]...)
			x.i += end
		}
	}
	return fmt.Errorf("%w: <%s> is not closed", errXMLSyntax, name)
}

func xmlEntity(e []byte) (rune, bool) {
	switch string(e) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	var n uint64
	var err error
	switch {
	case bytes.HasPrefix(e, []byte("#x")):
		n, err = strconv.ParseUint(string(e[2:]), 16, 32)
	case bytes.HasPrefix(e, []byte("#")):
		n, err = strconv.ParseUint(string(e[1:]), 10, 32)
	default:
		return 0, false
	}
	return rune(n), err == nil && xmlChar(rune(n))
}

// xmlChar reports whether r is a character XML allows (its Char production, as encoding/xml).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || 0x20 <= r && r <= 0xD7FF ||
		0xE000 <= r && r <= 0xFFFD || 0x10000 <= r && r <= 0x10FFFF
}

// xmlChars reports whether b is UTF-8 made of characters XML allows. ASCII text, the usual case,
// is checked a byte at a time.
func xmlChars(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || !xmlChar(r) {
			return false
		}
		i += size
	}
	return true
}

// xmlTextEnd returns the index of the first '<' or '&' of b, or of the first byte that does not
// begin a character XML allows, or -1 when b ends first: text is scanned once.
func xmlTextEnd(b []byte) int {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '<' || c == '&':
			return i
		case c >= 0x20 && c < utf8.RuneSelf || c == 0x09 || c == 0x0A || c == 0x0D:
			i++
		case c < utf8.RuneSelf:
			return i
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 || !xmlChar(r) {
				return i
			}
			i += size
		}
	}
	return -1
}

// xmlName reports whether b is a tag name of the gateway's XML: ASCII letters, digits, '_', '-'
// and '.', not starting with a digit, '-' or '.' (stricter than XML, which allows more).
func xmlName(b []byte) bool {
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case i > 0 && ('0' <= c && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return len(b) > 0
}
