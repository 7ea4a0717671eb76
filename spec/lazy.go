package spec

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// The document holds a hundred operations, and a process typically calls a few of them: a fake in
// a test answers CreateInstance and reads the error catalogue. Parsing the whole document
// (kin-openapi's YAML decoding and $ref resolution) costs a few hundred milliseconds and tens of
// megabytes, so what the fake needs comes from small documents cut out of the embedded one
// instead, each parsed when first asked for:
//
//   - the core: every top-level section but the paths and the components, the path "/"
//     (CreateInstance, whose anchors the other paths alias) and the components those refer to. It
//     gives the error catalogue, the sites, the wire facts and CreateInstance.
//   - one per further operation: its path (and "/" when it aliases an anchor defined there) and the
//     components it refers to, transitively.
//
// The cut is by lines: the document is generated (cmd/specgen) with two-space indentation, so a
// path is a line indented by two spaces under "paths:", and a component a line indented by four
// under its section of "components:". The package's tests check that every operation parsed this
// way equals the one parsed from the whole document ([Doc], [Operations]); an unexpected layout is
// an error, never a silently different operation.

// yamlIndex is the embedded document cut into its top-level sections, paths and components.
type yamlIndex struct {
	top        []yamlChunk            // top-level sections other than paths and components, in order
	paths      []yamlChunk            // in document order
	byPath     map[string]int         // path -> index into paths
	sections   []string               // components' sections, in order
	components map[string][]yamlChunk // section -> its entries, in order
	byName     map[string]int         // "section/name" -> index into components[section]
	actions    map[string]string      // x-bss-action -> path
}

// yamlChunk is one key and its lines (the key's line included).
type yamlChunk struct {
	name string
	text []byte
}

var (
	refRE    = regexp.MustCompile(`#/components/([A-Za-z]+)/([^'"\s/#]+)`)
	anchorRE = regexp.MustCompile(`(?m)[:\-] &([A-Za-z][\w-]*)\s*$`)
	aliasRE  = regexp.MustCompile(`(?m)[:\-] \*([A-Za-z][\w-]*)\s*$`)
	actionRE = regexp.MustCompile(`(?m)^      x-bss-action: ['"]?([A-Za-z0-9]+)['"]?\s*$`)
)

// indentedKey returns the key of a line indented by exactly n spaces that holds a mapping key, or
// false for any other line (deeper, a comment, a list item, blank).
func indentedKey(line []byte, n int) (string, bool) {
	if len(line) <= n || line[n] == ' ' || line[n] == '#' || line[n] == '-' || line[n] == '\n' || line[n] == '\r' {
		return "", false
	}
	for i := range n {
		if line[i] != ' ' {
			return "", false
		}
	}
	key, _, ok := strings.Cut(string(line[n:]), ":")
	if !ok {
		return "", false
	}
	return strings.Trim(key, `'"`), true
}

// indexYAML cuts doc into its sections, paths and components, and maps every x-bss-action to its
// path.
func indexYAML(doc []byte) (*yamlIndex, error) {
	idx := &yamlIndex{byPath: map[string]int{}, components: map[string][]yamlChunk{}, byName: map[string]int{}, actions: map[string]string{}}
	var (
		top, section string
		cur          *yamlChunk // the chunk the lines belong to; nil: none
		start        int        // where cur starts in doc
	)
	// Chunks are slices of doc: every chunk is a run of whole lines.
	closeAt := func(end int) {
		if cur != nil {
			cur.text = doc[start:end:end]
		}
		cur, start = nil, end
	}
	for pos, n := 0, 1; pos < len(doc); n++ {
		end := len(doc)
		if i := bytes.IndexByte(doc[pos:], '\n'); i >= 0 {
			end = pos + i + 1
		}
		line := doc[pos:end]
		if key, ok := indentedKey(line, 0); ok {
			closeAt(pos)
			top, section = key, ""
			if key != "paths" && key != "components" {
				idx.top = append(idx.top, yamlChunk{name: key})
				cur = &idx.top[len(idx.top)-1]
			}
		} else if key, ok := indentedKey(line, 2); ok && top == "paths" {
			closeAt(pos)
			if _, dup := idx.byPath[key]; dup {
				return nil, fmt.Errorf("spec: line %d: path %s appears twice", n, key)
			}
			idx.byPath[key] = len(idx.paths)
			idx.paths = append(idx.paths, yamlChunk{name: key})
			cur = &idx.paths[len(idx.paths)-1]
		} else if ok && top == "components" {
			closeAt(pos)
			section = key
			idx.sections = append(idx.sections, key)
		} else if key, ok := indentedKey(line, 4); ok && top == "components" && section != "" {
			closeAt(pos)
			idx.byName[section+"/"+key] = len(idx.components[section])
			idx.components[section] = append(idx.components[section], yamlChunk{name: key})
			cur = &idx.components[section][len(idx.components[section])-1]
		}
		pos = end
	}
	closeAt(len(doc))
	if _, ok := idx.byPath["/"]; !ok {
		return nil, fmt.Errorf("spec: the document has no path /")
	}
	for _, p := range idx.paths {
		m := actionRE.FindSubmatch(p.text)
		if m == nil {
			return nil, fmt.Errorf("spec: path %s: no x-bss-action line", p.name)
		}
		action := string(m[1])
		if other, dup := idx.actions[action]; dup {
			return nil, fmt.Errorf("spec: paths %s and %s both serve %s", other, p.name, action)
		}
		idx.actions[action] = p.name
	}
	return idx, nil
}

// document assembles a document of the top-level sections named in top, the paths and every
// component they refer to, transitively (roots: components referred to in any case, as
// "section/name").
func (idx *yamlIndex) document(top []string, paths []string, roots ...string) ([]byte, error) {
	var b bytes.Buffer
	for _, c := range idx.top {
		if slices.Contains(top, c.name) {
			b.Write(c.text)
		}
	}
	want := map[string]bool{}
	queue := append([]string(nil), roots...)
	refer := func(text []byte) {
		for _, m := range refRE.FindAllSubmatch(text, -1) {
			queue = append(queue, string(m[1])+"/"+string(m[2]))
		}
	}
	b.WriteString("paths:\n")
	for _, p := range paths {
		i, ok := idx.byPath[p]
		if !ok {
			return nil, fmt.Errorf("spec: the document has no path %s", p)
		}
		b.Write(idx.paths[i].text)
		refer(idx.paths[i].text)
	}
	for len(queue) > 0 {
		key := queue[0]
		queue = queue[1:]
		if want[key] {
			continue
		}
		section, name, _ := strings.Cut(key, "/")
		i, ok := idx.byName[key]
		if !ok {
			return nil, fmt.Errorf("spec: $ref to components %s %s, which the document lacks", section, name)
		}
		want[key] = true
		refer(idx.components[section][i].text)
	}
	b.WriteString("components:\n")
	for _, section := range idx.sections {
		head := false
		for _, c := range idx.components[section] {
			if !want[section+"/"+c.name] {
				continue
			}
			if !head {
				fmt.Fprintf(&b, "  %s:\n", section)
				head = true
			}
			b.Write(c.text)
		}
	}
	return b.Bytes(), nil
}

// needsRoot says whether the path's lines alias an anchor they do not define (the read operations
// alias the Action and Version locations of "/").
func (idx *yamlIndex) needsRoot(path string) bool {
	text := idx.paths[idx.byPath[path]].text
	defined := map[string]bool{}
	for _, m := range anchorRE.FindAllSubmatch(text, -1) {
		defined[string(m[1])] = true
	}
	for _, m := range aliasRE.FindAllSubmatch(text, -1) {
		if !defined[string(m[1])] {
			return true
		}
	}
	return false
}

// lite is the lazily parsed state: the index, the sites, the core, and an entry per operation
// filled when first asked for. Each part is loaded once; its maps are only read after.
type lite struct {
	idxOnce sync.Once
	idxErr  error
	idx     *yamlIndex
	ops     map[string]*opEntry // by Action

	sitesOnce sync.Once
	sitesErr  error
	sites     []Site

	once sync.Once // the core
	err  error
	cat  *Catalogue
	wire wireFacts
	root *opEntry
}

// opEntry is one operation, parsed on first use.
type opEntry struct {
	action, path string
	once         sync.Once
	op           *Operation
	err          error
}

// coreTop are the top-level sections the core document keeps (the tags, servers and metadata are
// prose or bookkeeping; the security requirements name schemes the components keep).
var coreTop = []string{"openapi", "info", "x-bss-sites", "x-bss-errors"}

var lazy lite

// loadDoc parses a document cut out of the embedded one and resolves its references.
func loadDoc(data []byte) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// loadIndex cuts the embedded document and makes an entry per Action.
func (l *lite) loadIndex() error {
	idx, err := indexYAML(yamlDoc)
	if err != nil {
		return err
	}
	l.idx = idx
	l.ops = make(map[string]*opEntry, len(idx.actions))
	for action, path := range idx.actions {
		l.ops[action] = &opEntry{action: action, path: path}
	}
	return nil
}

// loadSites parses the x-bss-sites section alone: a server's sites are known before anything
// else of the document is parsed.
func (l *lite) loadSites() error {
	var raw any
	ok := false
	for _, c := range l.idx.top {
		if c.name == "x-bss-sites" {
			var top map[string]any
			if err := yaml.Unmarshal(c.text, &top); err != nil {
				return fmt.Errorf("spec: x-bss-sites: %w", err)
			}
			raw, ok = top["x-bss-sites"]
		}
	}
	sites, err := parseSitesValue(raw, ok)
	l.sites = sites
	return err
}

// load parses the core: the catalogue, the wire facts and CreateInstance.
func (l *lite) load() error {
	idx := l.idx
	data, err := idx.document(coreTop, []string{"/"}, "parameters/Format")
	if err != nil {
		return err
	}
	doc, err := loadDoc(data)
	if err != nil {
		return fmt.Errorf("spec: parse the core of bssopenapi.yaml: %w", err)
	}
	if l.cat, err = parseCatalogue(doc); err != nil {
		return err
	}
	if l.wire, err = parseWire(doc); err != nil {
		return err
	}
	op, err := parseOperationAt(doc, "/", l.cat)
	if err != nil {
		return err
	}
	l.root = l.ops[op.Action]
	if l.root == nil || l.root.path != "/" {
		return fmt.Errorf("spec: path / serves %s, which the index does not map to /", op.Action)
	}
	l.root.once.Do(func() { l.root.op = op })
	return nil
}

// getIndex returns the lazily parsed state, its index made. Like [get], the get functions panic if
// the embedded document cannot be parsed: a defect of the build, which this package's tests rule
// out.
func getIndex() *lite {
	lazy.idxOnce.Do(func() { lazy.idxErr = lazy.loadIndex() })
	if lazy.idxErr != nil {
		panic(lazy.idxErr)
	}
	return &lazy
}

// getSites returns the sites of the document.
func getSites() []Site {
	l := getIndex()
	l.sitesOnce.Do(func() { l.sitesErr = l.loadSites() })
	if l.sitesErr != nil {
		panic(l.sitesErr)
	}
	return l.sites
}

// getLite returns the lazily parsed state, its core loaded.
func getLite() *lite {
	l := getIndex()
	l.once.Do(func() { l.err = l.load() })
	if l.err != nil {
		panic(l.err)
	}
	return l
}

// operation returns the operation of e, parsing its document on first use.
func (l *lite) operation(e *opEntry) *Operation {
	e.once.Do(func() { e.op, e.err = l.parseOperation(e) })
	if e.err != nil {
		panic(e.err)
	}
	return e.op
}

func (l *lite) parseOperation(e *opEntry) (*Operation, error) {
	paths := []string{e.path}
	if l.idx.needsRoot(e.path) {
		paths = []string{"/", e.path}
	}
	data, err := l.idx.document([]string{"openapi", "info"}, paths)
	if err != nil {
		return nil, err
	}
	doc, err := loadDoc(data)
	if err != nil {
		return nil, fmt.Errorf("spec: parse %s of bssopenapi.yaml: %w", e.path, err)
	}
	op, err := parseOperationAt(doc, e.path, l.cat)
	if err != nil {
		return nil, err
	}
	if op.Action != e.action {
		return nil, fmt.Errorf("spec: path %s serves %s, not %s", e.path, op.Action, e.action)
	}
	return op, nil
}
