// Package yamldoc is the one way files people write (fault scenarios, catalogues, accounts) are
// read: YAML or JSON into a yaml.v3 node tree, then checked against the Go type they describe, so
// that every problem of the file is reported at once, each with its line and column, named by the
// file's own keys (never a Go type name). Its [Error] is faults.Error.
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// maxDocDepth bounds the nesting the checker follows (aliases can nest deeply).
const maxDocDepth = 64

// Decode decodes text people write into v (a pointer to a struct). what names the document in
// messages ("catalogue", "scenario"). It returns the document node, for locating later validation
// problems, and every problem found, each with its line and column. When the text parses, v holds
// what could be decoded even if there were problems, so that validation can report more of them
// (see Merge).
func Decode(data []byte, what string, v any) (*yaml.Node, []*Error) {
	doc, errs := Parse(data)
	if errs != nil {
		return nil, errs
	}
	return doc, DecodeNode(doc, what, v)
}

// Merge adds validation problems (located in doc) to the decoding problems, leaving out
// those about a field that already has one, or about a part of it or what holds it (a value of the
// wrong type decodes as zero, which validation would report again), and orders them by position.
func Merge(doc *yaml.Node, decoding []*Error, validation []*Error) []*Error {
	out := slices.Clip(decoding)
	for _, v := range validation {
		covered := false
		for _, d := range decoding {
			covered = covered || (d.Path != "" && (within(v.Path, d.Path) || within(d.Path, v.Path)))
		}
		if !covered {
			v.Line, v.Column = Locate(doc, v.segs)
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b *Error) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	return out
}

// Parse parses YAML or JSON text into its document node; a syntax error is placed exactly.
func Parse(data []byte) (doc *yaml.Node, errs []*Error) {
	defer func() {
		if p := recover(); p != nil { // the YAML library must never take the server down
			doc, errs = nil, []*Error{{Line: 1, Column: 1, Msg: fmt.Sprintf("cannot parse: %v", p)}}
		}
	}()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, []*Error{syntaxError(data, err)}
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, []*Error{{Line: 1, Column: 1, Msg: "empty document"}}
	}
	if d := root.Content[0]; d.Kind == yaml.ScalarNode && d.ShortTag() == "!!null" && d.Value == "" {
		return nil, []*Error{{Line: 1, Column: 1, Msg: "empty document"}} // "---" alone: its null sits past the text
	}
	return root.Content[0], nil
}

// DecodeNode checks doc against v's type (unknown keys, wrong types, keys given twice) and decodes
// it into v as far as it can.
func DecodeNode(doc *yaml.Node, what string, v any) (errs []*Error) {
	defer func() {
		if p := recover(); p != nil {
			errs = []*Error{{Line: doc.Line, Column: doc.Column, Msg: fmt.Sprintf("cannot decode: %v", p)}}
		}
	}()
	c := &docChecker{what: what}
	c.check(doc, reflect.TypeOf(v).Elem(), nil, 0)
	c.prune(doc)
	if err := doc.Decode(v); err != nil && len(c.errs) == 0 {
		return decodeErrors(err, doc)
	}
	return c.errs
}

// Join joins problems into one error; each stays reachable with errors.As.
func Join(errs []*Error) error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// docChecker walks a node tree against a Go type and collects problems.
type docChecker struct {
	what string
	errs []*Error
	bad  []*yaml.Node        // values of the wrong type: pruned to null before decoding
	drop map[*yaml.Node]bool // unknown or repeated keys: pruned with their values
}

// add reports a problem with the value n, which is then left out of decoding.
func (c *docChecker) add(n *yaml.Node, segs []string, format string, args ...any) {
	c.errs = append(c.errs, &Error{Line: n.Line, Column: n.Column, Path: JoinPath(segs), Msg: fmt.Sprintf(format, args...), segs: segs})
	c.bad = append(c.bad, n)
}

// dropKey reports a problem with the key k, which is then left out of decoding with its value.
func (c *docChecker) dropKey(k *yaml.Node, e *Error) {
	c.errs = append(c.errs, e)
	if c.drop == nil {
		c.drop = map[*yaml.Node]bool{}
	}
	c.drop[k] = true
}

// prune makes the tree decodable: values of the wrong type become null (zero), unknown and
// repeated keys go. Decoding it yields what the text says right, for validation to look at.
func (c *docChecker) prune(doc *yaml.Node) {
	for _, n := range c.bad {
		*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
	}
	if len(c.drop) == 0 {
		return
	}
	var walk func(*yaml.Node, int)
	walk = func(n *yaml.Node, depth int) {
		if depth > maxDocDepth {
			return
		}
		if n.Kind == yaml.MappingNode {
			kept := n.Content[:0]
			for i := 0; i+1 < len(n.Content); i += 2 {
				if !c.drop[n.Content[i]] {
					kept = append(kept, n.Content[i], n.Content[i+1])
				}
			}
			n.Content = kept
		}
		for _, ch := range n.Content {
			walk(ch, depth+1)
		}
	}
	walk(doc, 0)
}

var (
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
	durationType    = reflect.TypeFor[time.Duration]()
)

// scalars are the struct types with a scalar form of their own, and how to check it: see
// [RegisterScalar].
var scalars = map[reflect.Type]func(string) string{}

// RegisterScalar says that values of type t may also be written as a scalar, which check
// validates: it returns "" for a good scalar, else the message of the problem. Call it from an
// init function (the map is read without a lock).
func RegisterScalar(t reflect.Type, check func(value string) string) { scalars[t] = check }

// check reports the problems of node n as a value of type t at path segs.
func (c *docChecker) check(n *yaml.Node, t reflect.Type, segs []string, depth int) {
	if depth > maxDocDepth {
		c.add(n, segs, "nested too deeply")
		return
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return
		}
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // the zero value
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	custom := reflect.PointerTo(t).Implements(unmarshalerType)
	switch {
	case t == timeType:
		if n.Kind != yaml.ScalarNode {
			c.add(n, segs, "want a time such as 2030-01-01T00:00:00Z, got %s", kindName(n))
		} else if _, err := time.Parse(time.RFC3339Nano, n.Value); err != nil && n.ShortTag() != "!!timestamp" {
			c.add(n, segs, "want a time such as 2030-01-01T00:00:00Z, got %q", n.Value)
		}
		return
	case t == durationType:
		if n.Kind != yaml.ScalarNode {
			c.add(n, segs, "want a duration such as 200ms, got %s", kindName(n))
		} else if _, err := time.ParseDuration(n.Value); err != nil && n.ShortTag() != "!!int" {
			c.add(n, segs, "want a duration such as 200ms, got %q", n.Value)
		}
		return
	case scalars[t] != nil && n.Kind == yaml.ScalarNode:
		if msg := scalars[t](n.Value); msg != "" {
			c.add(n, segs, "%s", msg)
		}
		return
	case custom && n.Kind == yaml.ScalarNode:
		return // the type's own UnmarshalYAML reads its scalar form (decodeErrors places its errors)
	}
	switch t.Kind() {
	case reflect.Struct:
		c.checkStruct(n, t, segs, depth)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.add(n, segs, "want a list, got %s", kindName(n))
			return
		}
		for i, e := range n.Content {
			c.check(e, t.Elem(), Sub(segs, "["+strconv.Itoa(i)+"]"), depth+1)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.add(n, segs, "want a mapping, got %s", kindName(n))
			return
		}
		c.checkDuplicates(n, segs)
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.check(n.Content[i+1], t.Elem(), Sub(segs, n.Content[i].Value), depth+1)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			c.add(n, segs, "want a string, got %s", kindName(n))
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			c.add(n, segs, "want true or false, got %s", valueName(n))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var i int64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil || reflect.Zero(t).OverflowInt(i) {
			c.add(n, segs, "want an integer, got %s", valueName(n))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var u uint64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&u) != nil || reflect.Zero(t).OverflowUint(u) {
			c.add(n, segs, "want a non-negative integer, got %s", valueName(n))
		}
	case reflect.Float32, reflect.Float64:
		if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!float" && n.ShortTag() != "!!int") {
			c.add(n, segs, "want a number, got %s", valueName(n))
		}
	}
}

// checkStruct checks a mapping against a struct's yaml keys: unknown and repeated keys, then each
// value.
func (c *docChecker) checkStruct(n *yaml.Node, t reflect.Type, segs []string, depth int) {
	fields := map[string]reflect.Type{}
	var known []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
		known = append(known, name)
	}
	if n.Kind != yaml.MappingNode {
		c.add(n, segs, "want a mapping of %s, got %s", strings.Join(known, ", "), kindName(n))
		return
	}
	c.checkDuplicates(n, segs)
	where := c.what
	if len(segs) > 0 {
		where = JoinPath(segs)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ft, ok := fields[k.Value]
		if !ok {
			c.dropKey(k, &Error{Line: k.Line, Column: k.Column,
				Msg: fmt.Sprintf("unknown field %q in %s; known: %s", k.Value, where, strings.Join(known, ", "))})
			continue
		}
		c.check(n.Content[i+1], ft, Sub(segs, k.Value), depth+1)
	}
}

// checkDuplicates reports a key given twice in one mapping.
func (c *docChecker) checkDuplicates(n *yaml.Node, segs []string) {
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if f, dup := first[k.Value]; dup {
			p := Sub(segs, k.Value)
			c.dropKey(k, &Error{Line: k.Line, Column: k.Column, Path: JoinPath(p),
				Msg: fmt.Sprintf("given twice (first at line %d:%d)", f.Line, f.Column), segs: p})
			continue
		}
		first[k.Value] = k
	}
}

// within reports whether path is base or a part of it ("" holds every path).
func within(path, base string) bool {
	return base == "" || path == base || strings.HasPrefix(path, base+".") || strings.HasPrefix(path, base+"[")
}

// kindName says what a node is, for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return strconv.Quote(n.Value)
	}
}

// valueName says what a node is: its text when it is a scalar.
func valueName(n *yaml.Node) string { return kindName(n) }

// customLine matches the "line N: msg" errors of the UnmarshalYAML methods and of yaml.v3's decoder.
var customLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// decodeErrors places the decoder's errors (the UnmarshalYAML methods') by line, and by column when
// a node starts on that line.
func decodeErrors(err error, doc *yaml.Node) []*Error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	out := make([]*Error, 0, len(msgs))
	for _, m := range msgs {
		e := &Error{Line: doc.Line, Column: doc.Column, Msg: strings.TrimPrefix(m, "yaml: ")}
		if g := customLine.FindStringSubmatch(m); g != nil {
			e.Line, _ = strconv.Atoi(g[1])
			e.Column = firstColumnOn(doc, e.Line)
			e.Msg = g[2]
		}
		out = append(out, e)
	}
	return out
}

// firstColumnOn returns the column of the last node that starts on line (the innermost value), or 1.
func firstColumnOn(n *yaml.Node, line int) int {
	col := 0
	var walk func(*yaml.Node, int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > maxDocDepth {
			return
		}
		if n.Line == line {
			col = n.Column
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	if col == 0 {
		return 1
	}
	return col
}

// syntaxError places a YAML syntax error exactly. yaml.v3 reports only a line, and for parser
// errors a zero-based one, of the problem or of the construct around it (an unclosed '{' on line
// 7 followed by more lines is reported as "line 6"). The line is found by parsing growing
// prefixes of the text, line by line: the problem is on the first line whose prefix fails, after
// one that parses; the column is that of the construct the message names on that line.
func syntaxError(data []byte, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	reported := 0
	if g := customLine.FindStringSubmatch(err.Error()); g != nil {
		reported, _ = strconv.Atoi(g[1])
		msg = g[2]
	}
	lines := yamlLines(data)
	line := problemLine(data, lines, reported)
	if line < 1 || line > len(lines) {
		return &Error{Line: max(reported, 1), Column: 1, Msg: msg}
	}
	return &Error{Line: line, Column: problemColumn(string(lines[line-1]), msg), Msg: msg}
}

// yamlLines splits text after each of YAML's line breaks (\n, \r\n, \r, and the Unicode NEL, LS
// and PS that yaml.v3 also counts), so that line numbers agree with the library's node positions.
func yamlLines(data []byte) [][]byte {
	var out [][]byte
	start := 0
	for i := 0; i < len(data); {
		n := 0
		switch {
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			n = 2
		case data[i] == '\n' || data[i] == '\r':
			n = 1
		case bytes.HasPrefix(data[i:], []byte("\u0085")), bytes.HasPrefix(data[i:], []byte("\u2028")), bytes.HasPrefix(data[i:], []byte("\u2029")):
			if data[i] == 0xC2 {
				n = 2
			} else {
				n = 3
			}
		}
		if n == 0 {
			i++
			continue
		}
		out = append(out, data[start:i+n])
		i += n
		start = i
	}
	return append(out, data[start:])
}

// maxPrefixParses and maxPrefixBytes bound the parses syntaxError spends finding a line: the
// admin API reads rules from the network, so a hostile text must not buy much work.
const (
	maxPrefixParses = 200
	maxPrefixBytes  = 8 << 20
)

// problemLine returns the first line whose prefix fails to parse after a prefix that parses,
// searching from near the reported line; 0 if none is found within the budget.
func problemLine(data []byte, lines [][]byte, reported int) int {
	offsets := make([]int, len(lines)+1) // offsets[k]: the length of the first k lines
	for i, l := range lines {
		offsets[i+1] = offsets[i] + len(l)
	}
	budget, bytesLeft := maxPrefixParses, maxPrefixBytes
	parses := func(k int) bool {
		bytesLeft -= offsets[k]
		if bytesLeft < 0 {
			budget = 0
		}
		var n yaml.Node
		return yaml.Unmarshal(data[:offsets[k]], &n) == nil
	}
	// Back off from the reported line to a prefix that parses.
	k := min(max(reported-1, 0), len(lines))
	for ; k > 0 && budget > 0; k-- {
		budget--
		if parses(k) {
			break
		}
	}
	// Then forward to the first line that makes it fail.
	for k++; k <= len(lines) && budget > 0; k++ {
		budget--
		if !parses(k) {
			return k
		}
	}
	return 0
}

// problemColumn returns the 1-based column, on the problem's line, of what msg is about: the
// unclosed '{' or '[', the unclosed quote, the character that cannot start a token, the ':' that is
// not allowed; else the innermost flow collection the line leaves open, or the first character
// that is not a space.
func problemColumn(line, msg string) int {
	line = strings.TrimRight(line, "\r\n\u0085\u2028\u2029")
	first := len(line) - len(strings.TrimLeft(line, " \t"))
	switch {
	case strings.Contains(msg, "'}'"):
		if i := unclosed(line, '{', '}'); i >= 0 {
			return i + 1
		}
	case strings.Contains(msg, "']'"):
		if i := unclosed(line, '[', ']'); i >= 0 {
			return i + 1
		}
	case strings.Contains(msg, "end of stream"):
		if i := unclosedQuote(line); i >= 0 {
			return i + 1
		}
	case strings.Contains(msg, "cannot start any token"):
		if i := strings.IndexByte(line[:first], '\t'); i >= 0 {
			return i + 1 // a tab in the indentation
		}
		if i := strings.IndexAny(line[first:], "@`\t%"); i >= 0 {
			return first + i + 1
		}
	case strings.Contains(msg, "mapping values are not allowed"):
		if i := strings.Index(line, ": "); i >= 0 {
			if j := strings.Index(line[i+2:], ": "); j >= 0 {
				return i + 2 + j + 1
			}
		}
	}
	if i := max(unclosed(line, '{', '}'), unclosed(line, '[', ']')); i >= 0 {
		return i + 1 // the innermost flow collection the line leaves open
	}
	return first + 1
}

// unclosed returns the index of the last opening bracket on the line that the line does not close,
// outside quotes and comments, or -1.
func unclosed(line string, open, closing byte) int {
	var stack []int
	var quote byte
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '"' || ch == '\'':
			quote = ch
		case ch == '#' && (i == 0 || line[i-1] == ' '):
			i = len(line)
		case ch == open:
			stack = append(stack, i)
		case ch == closing && len(stack) > 0:
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) == 0 {
		return -1
	}
	return stack[len(stack)-1]
}

// unclosedQuote returns the index of the quote the line opens and does not close, or -1.
func unclosedQuote(line string) int {
	at, quote := -1, byte(0)
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote, at = 0, -1
			}
		case ch == '"' || ch == '\'':
			quote, at = ch, i
		case ch == '#' && (i == 0 || line[i-1] == ' '):
			i = len(line)
		}
	}
	return at
}

// Error is one problem in a file people write: where it is and what is wrong.
type Error struct {
	// Path is where the problem is, such as "rules[1].outcome.error".
	Path string
	// Line and Column locate it in the text (1-based); 0 for values given in Go.
	Line, Column int
	// Msg says what is wrong.
	Msg string

	segs []string // Path split into keys and "[i]" indexes, for finding the line
}

// Error returns "line L:C: path: msg", or "path: msg" without a line.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d:%d: ", e.Line, e.Column)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors collects validation problems.
type Errors struct {
	List []*Error
}

// Add records a problem at the path segs.
func (r *Errors) Add(segs []string, format string, args ...any) {
	r.List = append(r.List, &Error{Path: JoinPath(segs), Msg: fmt.Sprintf(format, args...), segs: slices.Clone(segs)})
}

// Err returns the problems joined ([Join]), or nil.
func (r *Errors) Err() error {
	if len(r.List) == 0 {
		return nil
	}
	return Join(r.List)
}

// JoinPath renders path segments as "a.b[1].c", quoting keys with dots, brackets or spaces.
func JoinPath(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		if strings.HasPrefix(s, "[") {
			b.WriteString(s)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		if strings.ContainsAny(s, ".[] ") {
			b.WriteString(strconv.Quote(s))
		} else {
			b.WriteString(s)
		}
	}
	return b.String()
}

// Sub returns segs with more appended, never sharing segs' backing array.
func Sub(segs []string, more ...string) []string {
	return append(slices.Clip(segs), more...)
}

// Index is the path segment of element i of a list: "[i]".
func Index(i int) string { return "[" + strconv.Itoa(i) + "]" }

// Locate finds the line and column of a path in the document, or of the deepest part of it that
// exists.
func Locate(n *yaml.Node, segs []string) (line, col int) {
	line, col = n.Line, n.Column
	for _, s := range segs {
		var next *yaml.Node
		switch {
		case strings.HasPrefix(s, "["):
			i, err := strconv.Atoi(strings.Trim(s, "[]"))
			if n.Kind == yaml.SequenceNode && err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		case n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s {
					next = n.Content[i+1]
					line, col = n.Content[i].Line, n.Content[i].Column
					break
				}
			}
		}
		if next == nil {
			return line, col
		}
		n = next
		if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
			line, col = n.Line, n.Column
		} else if strings.HasPrefix(s, "[") {
			line, col = n.Line, n.Column
		}
	}
	return line, col
}

// CheckKeys rejects unknown keys of a mapping decoded by a custom unmarshaler (where the decoder's
// KnownFields does not reach).
func CheckKeys(n *yaml.Node, known ...string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a string or a mapping of %s", n.Line, strings.Join(known, ", "))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ok := false
		for _, kn := range known {
			ok = ok || k.Value == kn
		}
		if !ok {
			return fmt.Errorf("line %d: unknown field %q (want %s)", k.Line, k.Value, strings.Join(known, ", "))
		}
	}
	return nil
}
