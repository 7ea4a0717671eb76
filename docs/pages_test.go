package docs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/bsskit/bsskit/fake"
)

// maxReadmeLines is the most lines README.md may have (issue 19 item 7): a front door, with the
// manual in docs/*.md.
const maxReadmeLines = 300

// firstScreen is how many lines of README.md a newcomer sees before scrolling.
const firstScreen = 40

// TestReadmeIsAFrontDoor (issue 19 item 7, issue 23 row 1): README.md has at most 300 lines, the
// manual lives in at least three docs pages, and the first screen shows the two commands a newcomer
// needs with every prerequisite named: the Go version of go.mod, redis-server (optional) and
// Node.js (for the Spectral lint and the Node example only).
func TestReadmeIsAFrontDoor(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) > maxReadmeLines {
		t.Errorf("README.md has %d lines, want at most %d: move the detail to a docs page", len(lines), maxReadmeLines)
	}
	if pages := docPages(t); len(pages)-1 < 3 {
		t.Errorf("docs has %d pages (%v), want at least 3", len(pages)-1, pages[1:])
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	screen := strings.Join(lines[:min(firstScreen, len(lines))], "\n")
	for _, want := range []string{"make run", "make test", "Go " + string(m[1]), "redis-server", "Node.js"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the first %d lines of README.md do not name %q", firstScreen, want)
		}
	}
}

// TestDocsLinks: every relative link of README.md and docs/*.md names a file or directory of the
// repository and, when it has a #fragment into a Markdown page, a heading of that page.
func TestDocsLinks(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	n := 0
	for _, page := range docPages(t) {
		problems, links := checkLinks(root, page)
		n += links
		for _, p := range problems {
			t.Error(p)
		}
	}
	if n < 10 {
		t.Errorf("found %d relative links in README.md and docs/*.md, want at least 10: is the link parser broken?", n)
	}
}

var (
	inlineLinkRE = regexp.MustCompile(`\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	refLinkRE    = regexp.MustCompile(`^\s*\[[^\]]+\]:\s*(\S+)`)
	codeSpanRE   = regexp.MustCompile("`+[^`]*`+")
	schemeRE     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// checkLinks returns a problem (PAGE:LINE: ...) for every relative link of page (relative to root)
// that does not resolve, and how many relative links it checked. Links in code blocks and code
// spans are not links.
func checkLinks(root, page string) (problems []string, links int) {
	data, err := os.ReadFile(filepath.Join(root, page))
	if err != nil {
		return []string{err.Error()}, 0
	}
	anchors := map[string]map[string]bool{}
	inFence := false
	for i, l := range strings.Split(string(data), "\n") {
		if t := strings.TrimSpace(l); !inFence && isFenceOpen(t) || inFence && isFenceClose(t) {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		l = codeSpanRE.ReplaceAllString(l, "")
		var targets []string
		for _, m := range inlineLinkRE.FindAllStringSubmatch(l, -1) {
			targets = append(targets, m[1])
		}
		if m := refLinkRE.FindStringSubmatch(l); m != nil {
			targets = append(targets, m[1])
		}
		for _, target := range targets {
			if schemeRE.MatchString(target) {
				continue
			}
			links++
			path, frag, _ := strings.Cut(target, "#")
			file := page
			if path != "" {
				file = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(page), path)))
			}
			where := fmt.Sprintf("%s:%d: link %q", page, i+1, target)
			if file == ".." || strings.HasPrefix(file, "../") || filepath.IsAbs(path) {
				problems = append(problems, where+": points outside the repository")
				continue
			}
			if _, err := os.Stat(filepath.Join(root, file)); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s does not exist", where, file))
				continue
			}
			if frag == "" || !strings.HasSuffix(file, ".md") {
				continue
			}
			if anchors[file] == nil {
				anchors[file] = headingAnchors(root, file)
			}
			if !anchors[file][frag] {
				problems = append(problems, fmt.Sprintf("%s: %s has no heading #%s", where, file, frag))
			}
		}
	}
	return problems, links
}

// headingAnchors returns the anchors GitHub gives the headings of a Markdown page.
func headingAnchors(root, page string) map[string]bool {
	data, err := os.ReadFile(filepath.Join(root, page))
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	seen := map[string]int{}
	inFence := false
	for _, l := range strings.Split(string(data), "\n") {
		if t := strings.TrimSpace(l); !inFence && isFenceOpen(t) || inFence && isFenceClose(t) {
			inFence = !inFence
			continue
		}
		if inFence || !strings.HasPrefix(l, "#") {
			continue
		}
		text := strings.TrimSpace(strings.TrimLeft(l, "#"))
		slug := slugify(text)
		if n := seen[slug]; n > 0 {
			out[fmt.Sprintf("%s-%d", slug, n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}

// slugify is GitHub's heading anchor: lower case, spaces to hyphens, every other character that is
// not a letter, digit, hyphen or underscore dropped.
func slugify(heading string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			sb.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// TestAccountsFileDocumented (issue 23 row 9): docs/accounts.md names every key of the accounts
// file, read from the yaml tags of the types fake.ParseAccounts decodes into, so a key added to
// fake.Account (or AccessKey, SecurityToken, Payment) without a word in the docs fails here.
func TestAccountsFileDocumented(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "accounts.md"))
	if err != nil {
		t.Fatal(err)
	}
	keys := yamlKeys(reflect.TypeFor[fake.Account](), map[reflect.Type]bool{})
	if len(keys) < 7 {
		t.Fatalf("found the accounts file keys %v, want at least 7: is the tag walk broken?", keys)
	}
	for _, k := range keys {
		if !strings.Contains(string(page), "`"+k+"`") {
			t.Errorf("docs/accounts.md does not name the accounts file key `%s`", k)
		}
	}
}

// yamlKeys lists the yaml keys of a struct type and of the struct types its fields hold.
func yamlKeys(typ reflect.Type, seen map[reflect.Type]bool) []string {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct || seen[typ] || typ.PkgPath() != reflect.TypeFor[fake.Account]().PkgPath() {
		return nil
	}
	seen[typ] = true
	var out []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		out = append(out, name)
		out = append(out, yamlKeys(f.Type, seen)...)
	}
	return out
}

// TestSweepVariablesDocumented (issue 23 row 2): docs/sweep.md names every environment variable
// `bsskit sweep` sets for its command, read from cmd/bsskit/sweep.go.
func TestSweepVariablesDocumented(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	src, err := os.ReadFile(filepath.Join(root, "cmd", "bsskit", "sweep.go"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(root, "docs", "sweep.md"))
	if err != nil {
		t.Fatal(err)
	}
	vars := regexp.MustCompile(`"([A-Z][A-Z0-9_]+)="`).FindAllSubmatch(src, -1)
	if len(vars) < 6 {
		t.Fatalf("found %d variables set in cmd/bsskit/sweep.go, want at least 6: is the pattern stale?", len(vars))
	}
	for _, v := range vars {
		if !strings.Contains(string(page), "`"+string(v[1])+"`") {
			t.Errorf("docs/sweep.md does not name %s, which bsskit sweep sets", v[1])
		}
	}
}
