// Package docs_test keeps README.md and the pages of docs/ honest: every Go snippet must compile and
// every shell command that talks to a fake must work as pasted, against a real `bsskit serve` built
// from this tree; every relative link must resolve; the README stays a front door.
package docs_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
)

// block is one fenced code block of README.md or of a docs page.
type block struct {
	file   string // the page, relative to the repository root: README.md, docs/faults.md
	index  int    // 1-based among the blocks of its language in its page
	lang   string // the info string: go, sh, yaml, ...
	line   int    // line of the block's first content line in its page
	text   string
	marker string // the value of a "<!-- snippet: X -->" comment right above the fence, if any
}

var markerRE = regexp.MustCompile(`^<!--\s*snippet:\s*([a-z-]+)\s*-->$`)

// docPages lists the pages whose code is tested: README.md and every docs/*.md, relative to the
// repository root.
func docPages(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(repoRoot(t), "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"README.md"}
	for _, p := range pages {
		out = append(out, filepath.ToSlash(filepath.Join("docs", filepath.Base(p))))
	}
	return out
}

// allBlocks returns the fenced code blocks of every page of docPages, page by page.
func allBlocks(t *testing.T) []block {
	t.Helper()
	var out []block
	for _, page := range docPages(t) {
		out = append(out, pageBlocks(t, page)...)
	}
	return out
}

// pageBlocks splits one page (relative to the repository root) into its fenced code blocks.
func pageBlocks(t *testing.T, page string) []block {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), page))
	if err != nil {
		t.Fatal(err)
	}
	return splitBlocks(t, page, string(data))
}

func splitBlocks(t *testing.T, page, data string) []block {
	t.Helper()
	var (
		out     []block
		cur     *block
		body    []string
		marker  string
		perLang = map[string]int{}
	)
	for i, l := range strings.Split(data, "\n") {
		trimmed := strings.TrimSpace(l)
		switch {
		case cur == nil && isFenceOpen(trimmed):
			lang := strings.TrimSpace(strings.TrimLeft(trimmed, "`"))
			perLang[lang]++
			cur = &block{file: page, index: perLang[lang], lang: lang, line: i + 2, marker: marker}
			body, marker = nil, "" // a marker is for the block right after it only
		case cur != nil && isFenceClose(trimmed):
			cur.text = strings.Join(body, "\n")
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body = append(body, l)
		}
		if cur == nil {
			if m := markerRE.FindStringSubmatch(trimmed); m != nil {
				marker = m[1]
			} else if trimmed != "" && !isFenceOpen(trimmed) {
				marker = ""
			}
		}
	}
	if cur != nil {
		t.Fatalf("%s: the code block opened at line %d is never closed", page, cur.line-1)
	}
	return out
}

// isFenceOpen reports whether a trimmed line opens a fenced code block: three or more backticks
// and an info string without backticks (CommonMark), so a line that starts with a code span such as
// ```` ```yaml ```` does not.
func isFenceOpen(trimmed string) bool {
	rest := strings.TrimLeft(trimmed, "`")
	return len(trimmed)-len(rest) >= 3 && !strings.Contains(rest, "`")
}

// isFenceClose reports whether a trimmed line closes a fenced code block: backticks only, three or more.
func isFenceClose(trimmed string) bool {
	return len(trimmed) >= 3 && strings.Trim(trimmed, "`") == ""
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// snippetImports is the fixed import map for Go snippets: a package name used in a snippet and not
// declared in it gets this import.
var snippetImports = map[string]string{
	"fake":       "github.com/bsskit/bsskit/fake",
	"faults":     "github.com/bsskit/bsskit/fake/faults",
	"sweep":      "github.com/bsskit/bsskit/fake/sweep",
	"verdict":    "github.com/bsskit/bsskit/fake/verdict",
	"spec":       "github.com/bsskit/bsskit/spec",
	"contract":   "github.com/bsskit/bsskit/contract",
	"caller":     "github.com/bsskit/bsskit/examples/caller",
	"bssopenapi": "github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi",
	"requests":   "github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests",
	"openapi":    "github.com/alibabacloud-go/darabonba-openapi/v2/client",
	"tea":        "github.com/alibabacloud-go/tea/tea",
	"dara":       "github.com/alibabacloud-go/tea/dara",
	"context":    "context",
	"errors":     "errors",
	"fmt":        "fmt",
	"http":       "net/http",
	"io":         "io",
	"json":       "encoding/json",
	"strings":    "strings",
	"time":       "time",
}

// goSnippetFile turns a Go block of a page into a test file of package readmesnippets. A block that
// starts with "package" (or follows "<!-- snippet: file -->") is a whole file and is kept as
// written; any other block is a test body and is wrapped in func TestPageSnippetN(t *testing.T)
// (snippetFunc: TestReadmeSnippet2, TestFaultsSnippet1) with the imports its package names need
// (snippetImports). A body after "<!-- snippet: run -->" is also run, against the fake it starts;
// "<!-- snippet: test-body -->" (the default) is only compiled, for bodies with a "... run the code
// under test ..." gap. A //line directive makes compiler errors and t.Log lines name the page (path)
// and its line.
func goSnippetFile(b block, path string) (string, error) {
	if strings.HasPrefix(strings.TrimSpace(b.text), "package ") || b.marker == "file" {
		return fmt.Sprintf("//line %s:%d\n%s\n", path, b.line, b.text), nil
	}
	if b.marker != "" && b.marker != "test-body" && b.marker != "run" {
		return "", fmt.Errorf("unknown snippet marker %q (want test-body, run or file)", b.marker)
	}
	body := fmt.Sprintf("func %s(t *testing.T) {\n//line %s:%d\n%s\n}\n", snippetFunc(b), path, b.line, b.text)
	f, err := parser.ParseFile(token.NewFileSet(), "", "package readmesnippets\n"+body, parser.SkipObjectResolution)
	if err != nil {
		return "", err
	}
	// Names declared in the snippet shadow packages of the same name.
	declared := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				declared[id.Name] = true
			}
		}
		return true
	})
	need := map[string]string{"testing": "testing"}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && !declared[id.Name] {
				if path, ok := snippetImports[id.Name]; ok {
					need[id.Name] = path
				}
			}
		}
		return true
	})
	paths := make([]string, 0, len(need))
	for name, p := range need {
		paths = append(paths, name+" "+strconv.Quote(p)) // named: package client is used as openapi
	}
	sort.Strings(paths)
	return fmt.Sprintf("package readmesnippets\n\nimport (\n\t%s\n)\n\n%s", strings.Join(paths, "\n\t"), body), nil
}

// snippetFunc names the test function of a Go block: Test, the page's name in CamelCase
// (README.md: Readme; docs/go-tests.md: GoTests), Snippet and the block's index in its page.
func snippetFunc(b block) string {
	return "Test" + pageName(b.file) + "Snippet" + strconv.Itoa(b.index)
}

// pageName is the CamelCase name of a page: README.md is Readme, docs/go-tests.md is GoTests.
func pageName(page string) string {
	stem := strings.TrimSuffix(filepath.Base(page), filepath.Ext(page))
	var sb strings.Builder
	for _, part := range strings.FieldsFunc(stem, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		sb.WriteString(strings.ToUpper(part[:1]) + strings.ToLower(part[1:]))
	}
	return sb.String()
}

// TestDocsGoSnippets compiles and vets every ```go block of README.md and docs/*.md in a temporary
// module that uses this one through a replace directive: a snippet that does not compile (an
// unknown name, a variable declared and not used, a wrong signature) fails this test with PAGE:LINE.
func TestDocsGoSnippets(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mod := regexp.MustCompile(`(?m)^module .*$`).ReplaceAllString(string(gomod), "module readmesnippets")
	mod = regexp.MustCompile(`(?ms)^tool \($.*?^\)$|^tool .*$`).ReplaceAllString(mod, "") // a tool line or block
	mod += fmt.Sprintf("\nrequire github.com/bsskit/bsskit v0.0.0\n\nreplace github.com/bsskit/bsskit => %s\n", root)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "go.mod"), mod)
	writeFile(t, filepath.Join(dir, "go.sum"), string(sum))

	var snippets []block
	perPage := map[string]int{}
	for _, b := range allBlocks(t) {
		if b.lang != "go" {
			continue
		}
		src, err := goSnippetFile(b, filepath.Join(root, b.file))
		if err != nil {
			t.Errorf("go snippet %d of %s (%s:%d): %v", b.index, b.file, b.file, b.line, err)
			continue
		}
		snippets = append(snippets, b)
		perPage[b.file]++
		writeFile(t, filepath.Join(dir, fmt.Sprintf("snippet_%s_%02d_test.go", strings.ToLower(pageName(b.file)), b.index)), src)
	}
	if len(snippets) < 5 || perPage["README.md"] == 0 {
		t.Fatalf("found %d Go snippets (%v), want at least 5 and one in README.md: is the block parser broken?", len(snippets), perPage)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rel := func(out string) string { return strings.ReplaceAll(out, root+string(filepath.Separator), "") }
	// The compiler first (-gcflags=-e: every error, not the first ten), then vet.
	var out []byte
	for _, args := range [][]string{{"test", "-c", "-o", os.DevNull, "-gcflags=-e", "."}, {"vet", "."}} {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
		if out, err = cmd.CombinedOutput(); err != nil {
			break
		}
	}
	if err == nil {
		var run []string
		for _, b := range snippets {
			if b.marker == "run" {
				run = append(run, snippetFunc(b))
			}
		}
		t.Logf("%d Go snippets (%v) compile and vet clean; running %s", len(snippets), perPage, run)
		if len(run) == 0 {
			return
		}
		cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^("+strings.Join(run, "|")+")$", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("running the snippets marked <!-- snippet: run --> failed: %v\n%s", err, rel(string(out)))
		}
		return
	}
	// Attribute each PAGE:LINE in the output to its snippet.
	lineRE := regexp.MustCompile(regexp.QuoteMeta(root+string(filepath.Separator)) + `(\S+\.md):(\d+)`)
	reported := false
	for _, l := range strings.Split(string(out), "\n") {
		m := lineRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		page := filepath.ToSlash(m[1])
		n, _ := strconv.Atoi(m[2])
		for i := len(snippets) - 1; i >= 0; i-- {
			if snippets[i].file == page && snippets[i].line <= n {
				t.Errorf("go snippet %d of %s (starts at %s:%d): %s", snippets[i].index, page, page, snippets[i].line, rel(l))
				reported = true
				break
			}
		}
	}
	if !reported {
		t.Errorf("go vet of the snippets failed: %v\n%s", err, out)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// skippedCommands lists, with the reason, every shell command of README.md and docs/*.md this test
// does not run. Anything else in a ```sh block is run; an entry that no longer appears in any page
// fails the test, so the list cannot go stale.
var skippedCommands = map[string]string{
	"go install github.com/bsskit/bsskit/cmd/bsskit@latest    # or a release: @vX.Y.Z":                                                                                                      "downloads from the module proxy; the test runs a binary built from this tree instead",
	"go get github.com/bsskit/bsskit@latest":                                                                                                                                                "changes the go.mod of the module it runs in and needs the network",
	"make build && bin/bsskit version   # the binary, stamped with the clone's revision":                                                                                                    "writes bin/ in the clone; the test builds the same package itself",
	"make run    # start the fake server on http://127.0.0.1:8080":                                                                                                                          "binds the fixed port 8080; the serve commands of the README are started on 127.0.0.1:0",
	"make test   # vet, race-enabled tests, generated-code drift check, a short fuzz smoke run":                                                                                             "would run this test again",
	"make run                                          # bsskit serve --addr 127.0.0.1:8080":                                                                                                "binds the fixed port 8080; the serve commands next to it are started on 127.0.0.1:0",
	"go build -o bin/careful ./examples/careful && bsskit sweep --cases 'clean|fault/reset|after-commit/hang' -- bin/careful":                                                               "go build in the test's clean HOME downloads every module again; cmd/bsskit TestSweepCarefulExample builds and sweeps the same example",
	"make bench-load                      # installs Prism and WireMock into .tools/ (npm), a few minutes":                                                                                  "a benchmark of minutes that installs Prism and WireMock with npm and needs Java; its figures are in docs/performance.md",
	"make bench-load BENCHLOAD_FLAGS='-rounds 3 -d 3s -targets bsskit,bare'   # a quicker look":                                                                                             "a load benchmark: it would compete with the tests for the CPU and measure nothing",
	"make bench-load BENCHLOAD_FLAGS='-targets redis -rounds 3 -d 4s -c 96'    # 3 replicas + Redis vs 1 (-replicas N)":                                                                     "a load benchmark that needs redis-server; it would compete with the tests for the CPU",
	"make bench                           # Go benchmarks into tmp/bench/new.txt":                                                                                                           "the Go benchmarks, six counts each: minutes, and it writes tmp/bench in the clone",
	"make bench BENCH=CreateInstance BENCHPKG=./fake/ BENCHCOUNT=10":                                                                                                                        "a benchmark run of minutes that writes tmp/bench in the clone",
	"make benchstat                       # tmp/bench/old.txt vs tmp/bench/new.txt":                                                                                                         "compares two saved benchmark runs, which a test does not have; it also downloads benchstat",
	"go test -run '^$' -bench 'CreateInstance/via=handler/spec=off/rules=0/auth=v1' -cpuprofile cpu.out -memprofile mem.out ./fake/ && go tool pprof -top fake.test cpu.out":                "a profiling benchmark that writes cpu.out, mem.out and fake.test in the working directory",
	"export BSSKIT_ADMIN_TOKEN=$(openssl rand -hex 24)":                                                                                                                                     "sets up the non-loopback team example below",
	"bsskit serve --addr 0.0.0.0:8080 --state /var/lib/bsskit/orders.jsonl":                                                                                                                 "listens beyond loopback and writes /var/lib",
	`curl -s -H "Authorization: Bearer $BSSKIT_ADMIN_TOKEN" http://staging-fake:8080/__admin/health`:                                                                                        "not loopback",
	`curl -s -X POST -H "Authorization: Bearer $BSSKIT_ADMIN_TOKEN" http://staging-fake:8080/__admin/reset`:                                                                                 "not loopback",
	`curl -s -H "Authorization: Bearer $BSSKIT_ADMIN_TOKEN" -H 'Content-Type: application/yaml' --data-binary @testdata/scenarios/retry-storm.yaml http://staging-fake:8080/__admin/faults`: "not loopback",
}

// shellCommand is one command of a ```sh block, continuation lines joined, with the output the
// page shows for it in a following "# {...}" comment line, if any.
type shellCommand struct {
	line   int
	text   string
	expect string
}

func shellCommands(b block) []shellCommand {
	var out []shellCommand
	lines := strings.Split(b.text, "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		start := b.line + i
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "#") {
			rest := strings.TrimSpace(strings.TrimPrefix(l, "#"))
			if len(out) > 0 && (strings.HasPrefix(rest, "{") || strings.HasPrefix(rest, "[")) {
				out[len(out)-1].expect = rest
			}
			continue
		}
		for strings.HasSuffix(l, `\`) && i+1 < len(lines) {
			i++
			l = strings.TrimSuffix(l, `\`) + strings.TrimSpace(lines[i])
			l = strings.Join(strings.Fields(l), " ")
		}
		out = append(out, shellCommand{line: start, text: l})
	}
	return out
}

var (
	hostRE   = regexp.MustCompile(`https?://([^/:\s'"]+)|\b(localhost|127\.0\.0\.1|0\.0\.0\.0):\d+`)
	serveRE  = regexp.MustCompile(`(^|\s)(bsskit|go run \./cmd/bsskit) serve(\s|$)`)
	fakeAddr = regexp.MustCompile(`\b(localhost|127\.0\.0\.1):8080\b`)
)

// TestDocsShellCommands runs the shell commands of README.md and docs/*.md. Each ```sh block that talks to a fake
// gets its own `bsskit serve --addr 127.0.0.1:0`, built from this tree, and localhost:8080 /
// 127.0.0.1:8080 are rewritten to its address. Commands run with bash in a directory that mirrors
// the repository root (files they write stay out of the clone), with `bsskit` on PATH and
// `go run ./cmd/bsskit` replaced by the built binary. curl runs with --fail-with-body, so an HTTP
// error answer fails the command as it would fail a reader. `... serve ...` commands are started
// (on 127.0.0.1:0 instead of a fixed port), must print their listening line, and are stopped with
// SIGTERM. A "# {...}" line under a command gives the shape its output must have.
func TestDocsShellCommands(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	root := repoRoot(t)
	bin := filepath.Join(t.TempDir(), "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "bsskit"), "./cmd/bsskit")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/bsskit: %v\n%s", err, out)
	}
	work := t.TempDir()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.Symlink(filepath.Join(root, e.Name()), filepath.Join(work, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + work}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k == "GOCACHE" || k == "GOMODCACHE" || k == "GOPATH" || k == "TMPDIR" {
			env = append(env, kv)
		}
	}

	used := map[string]bool{}
	ran := 0
	for _, b := range allBlocks(t) {
		if b.lang != "sh" {
			continue
		}
		cmds := shellCommands(b)
		var runnable []shellCommand
		for _, c := range cmds {
			if reason, ok := skippedCommands[c.text]; ok {
				used[c.text] = true
				t.Logf("sh block %d of %s, %s:%d: not run (%s): %s", b.index, b.file, b.file, c.line, reason, c.text)
				continue
			}
			for _, m := range hostRE.FindAllStringSubmatch(c.text, -1) {
				host := m[1] + m[2]
				if host != "localhost" && host != "127.0.0.1" {
					t.Errorf("sh block %d of %s, %s:%d: %q is not loopback; add the command to skippedCommands with a reason: %s", b.index, b.file, b.file, c.line, host, c.text)
				}
			}
			runnable = append(runnable, c)
		}
		if len(runnable) == 0 {
			continue
		}
		t.Run(fmt.Sprintf("%s_sh%d_line%d", strings.ReplaceAll(b.file, "/", "-"), b.index, b.line), func(t *testing.T) {
			var addr string
			for _, c := range runnable {
				if !serveRE.MatchString(c.text) && fakeAddr.MatchString(c.text) && addr == "" {
					addr = startFake(t, filepath.Join(bin, "bsskit"), work, env)
				}
			}
			for _, c := range runnable {
				ran++
				cmdText := strings.ReplaceAll(c.text, "go run ./cmd/bsskit", "bsskit")
				if serveRE.MatchString(c.text) {
					checkServe(t, b, c, cmdText, work, env)
					continue
				}
				if addr != "" {
					cmdText = fakeAddr.ReplaceAllString(cmdText, addr)
				}
				runShell(t, b, c, cmdText, work, env)
			}
		})
	}
	for cmd := range skippedCommands {
		if !used[cmd] {
			t.Errorf("skippedCommands lists %q, which is in no page (README.md, docs/*.md): remove it", cmd)
		}
	}
	if ran == 0 {
		t.Error("no shell command ran: is the block parser broken?")
	}
}

// startFake starts `bsskit serve --addr 127.0.0.1:0` and returns its host:port; it is stopped when
// the test ends.
func startFake(t *testing.T, bin, dir string, env []string) string {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--seed", "1")
	cmd.Dir, cmd.Env = dir, env
	line, stderr := startAndWait(t, cmd)
	m := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("bsskit serve: start-up line %q has no URL; stderr:\n%s", line, stderr())
	}
	t.Cleanup(func() { stop(t, cmd) })
	return m[1]
}

// startAndWait starts cmd and waits (up to a deadline) for its first stdout line.
func startAndWait(t *testing.T, cmd *exec.Cmd) (line string, stderr func() string) {
	t.Helper()
	var errBuf syncBuffer
	cmd.Stderr = &errBuf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		if s.Scan() {
			lines <- s.Text()
		} else {
			lines <- ""
		}
		for s.Scan() {
		}
	}()
	select {
	case line = <-lines:
	case <-time.After(60 * time.Second):
		stop(t, cmd)
		t.Fatalf("%s printed nothing within 60s; stderr:\n%s", cmd.Args, errBuf.String())
	}
	return line, errBuf.String
}

// stop sends SIGTERM to cmd's process group and waits for it.
func stop(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		t.Errorf("%s did not stop within 30s of SIGTERM", cmd.Args)
	}
}

// checkServe starts a serve command of a page (on a free port instead of a fixed one), waits for its
// listening line and stops it.
func checkServe(t *testing.T, b block, c shellCommand, cmdText, dir string, env []string) {
	t.Helper()
	cmdText = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(cmdText), "&"))
	if i := strings.Index(cmdText, " #"); i >= 0 {
		cmdText = cmdText[:i]
	}
	if strings.Contains(cmdText, "--addr") {
		cmdText = regexp.MustCompile(`--addr \S+`).ReplaceAllString(cmdText, "--addr 127.0.0.1:0")
	} else {
		cmdText += " --addr 127.0.0.1:0"
	}
	cmd := exec.Command("bash", "-c", "exec "+cmdText)
	cmd.Dir, cmd.Env = dir, env
	line, stderr := startAndWait(t, cmd)
	stop(t, cmd)
	if !strings.Contains(line, "listening on http://127.0.0.1:") {
		t.Errorf("sh block %d of %s, %s:%d: %s\nfirst line %q is not the listening line; stderr:\n%s", b.index, b.file, b.file, c.line, c.text, line, stderr())
	}
}

// runShell runs one command of a page with bash and checks its exit status and output shape.
func runShell(t *testing.T, b block, c shellCommand, cmdText, dir string, env []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	script := "curl() { command curl --fail-with-body \"$@\"; }\n" + cmdText
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	where := fmt.Sprintf("sh block %d of %s, %s:%d: %s", b.index, b.file, b.file, c.line, c.text)
	if err != nil {
		t.Errorf("%s\nran %q: %v\nstdout: %s\nstderr: %s", where, cmdText, err, stdout.String(), stderr.String())
		return
	}
	if c.expect == "" {
		return
	}
	var want, got any
	if err := json.Unmarshal([]byte(c.expect), &want); err != nil {
		t.Errorf("%s\nthe page's expected output %s is not JSON: %v", where, c.expect, err)
		return
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Errorf("%s\noutput is not JSON (%v): %s", where, err, stdout.String())
		return
	}
	if msg := shapeDiff("$", want, got); msg != "" {
		t.Errorf("%s\noutput does not have the shape the page shows (%s)\npage: %s\ngot:  %s", where, msg, c.expect, stdout.String())
	}
}

// shapeDiff compares JSON values: objects need the same keys, arrays the same length, values the
// same type; a string in the page that contains "…" is a prefix (the part before it), any other
// string, number or boolean must be equal. It returns "" when got has the shape of want.
func shapeDiff(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: want an object, got %T", path, got)
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				return fmt.Sprintf("%s: missing key %q", path, k)
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				return fmt.Sprintf("%s: unexpected key %q", path, k)
			}
		}
		for k := range w {
			if d := shapeDiff(path+"."+k, w[k], g[k]); d != "" {
				return d
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: want an array of %d, got %v", path, len(w), got)
		}
		for i := range w {
			if d := shapeDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); d != "" {
				return d
			}
		}
	case string:
		g, ok := got.(string)
		if !ok {
			return fmt.Sprintf("%s: want a string, got %v", path, got)
		}
		if prefix, _, cut := strings.Cut(w, "…"); cut {
			if !strings.HasPrefix(g, prefix) {
				return fmt.Sprintf("%s: %q does not start with %q", path, g, prefix)
			}
		} else if g != w {
			return fmt.Sprintf("%s: %q, want %q", path, g, w)
		}
	default:
		if fmt.Sprint(want) != fmt.Sprint(got) {
			return fmt.Sprintf("%s: %v, want %v", path, got, want)
		}
	}
	return ""
}

// syncBuffer is an io.Writer the process's output goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDocsYAML loads every ```yaml block of README.md and docs/*.md that is a file bsskit reads,
// known by its top-level key: a fault scenario ("rules:") with faults.ParseScenario, an accounts file
// ("accounts:") with fake.ParseAccounts, a catalogue ("products:") with fake.ParseCatalog, as
// `bsskit serve --scenario`, `--accounts` and `--catalog` would.
func TestDocsYAML(t *testing.T) {
	t.Parallel()
	parsers := []struct {
		key   *regexp.Regexp
		what  string
		parse func([]byte) error
	}{
		{regexp.MustCompile(`(?m)^rules:`), "scenario", func(b []byte) error { _, err := faults.ParseScenario(b); return err }},
		{regexp.MustCompile(`(?m)^accounts:`), "accounts file", func(b []byte) error { _, err := fake.ParseAccounts(b); return err }},
		{regexp.MustCompile(`(?m)^products:`), "catalogue", func(b []byte) error { _, err := fake.ParseCatalog(b); return err }},
	}
	found := map[string]int{}
	for _, b := range allBlocks(t) {
		if b.lang != "yaml" {
			continue
		}
		for _, p := range parsers {
			if !p.key.MatchString(b.text) {
				continue
			}
			found[p.what]++
			if err := p.parse([]byte(b.text)); err != nil {
				t.Errorf("yaml block %d of %s (%s:%d) is not a valid %s: %v", b.index, b.file, b.file, b.line, p.what, err)
			}
		}
	}
	for _, what := range []string{"scenario", "accounts file"} {
		if found[what] == 0 {
			t.Errorf("no %s in README.md or docs/*.md: is the block parser broken?", what)
		}
	}
}
