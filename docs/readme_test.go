// Package docs_test keeps README.md honest: every Go snippet must compile and every shell command
// that talks to a fake must work as pasted, against a real `bsskit serve` built from this tree.
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

	"github.com/bsskit/bsskit/fake/faults"
)

// block is one fenced code block of the README.
type block struct {
	index  int    // 1-based among the blocks of its language
	lang   string // the info string: go, sh, yaml, ...
	line   int    // README line of the block's first content line
	text   string
	marker string // the value of a "<!-- snippet: X -->" comment right above the fence, if any
}

var markerRE = regexp.MustCompile(`^<!--\s*snippet:\s*([a-z-]+)\s*-->$`)

// readmeBlocks splits README.md into its fenced code blocks.
func readmeBlocks(t *testing.T) []block {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var (
		out     []block
		cur     *block
		body    []string
		marker  string
		perLang = map[string]int{}
	)
	for i, l := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(l)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			lang := strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))
			perLang[lang]++
			cur = &block{index: perLang[lang], lang: lang, line: i + 2, marker: marker}
			body = nil
		case cur != nil && trimmed == "```":
			cur.text = strings.Join(body, "\n")
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body = append(body, l)
		}
		if cur == nil {
			if m := markerRE.FindStringSubmatch(trimmed); m != nil {
				marker = m[1]
			} else if trimmed != "" && !strings.HasPrefix(trimmed, "```") {
				marker = ""
			}
		}
	}
	if cur != nil {
		t.Fatalf("README.md: the code block opened at line %d is never closed", cur.line-1)
	}
	return out
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
	"spec":       "github.com/bsskit/bsskit/spec",
	"contract":   "github.com/bsskit/bsskit/contract",
	"caller":     "github.com/bsskit/bsskit/examples/caller",
	"bssopenapi": "github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi",
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

// goSnippetFile turns a README Go block into a test file of package readmesnippets. A block that
// starts with "package" (or follows "<!-- snippet: file -->") is a whole file and is kept as
// written; any other block is a test body and is wrapped in func TestReadmeSnippetN(t *testing.T)
// with the imports its package names need (snippetImports). A body after "<!-- snippet: run -->"
// is also run, against the fake it starts; "<!-- snippet: test-body -->" (the default) is only
// compiled, for bodies with a "... run the code under test ..." gap. A //line directive makes
// compiler errors and t.Log lines name README.md and its line.
func goSnippetFile(b block, readme string) (string, error) {
	if strings.HasPrefix(strings.TrimSpace(b.text), "package ") || b.marker == "file" {
		return fmt.Sprintf("//line %s:%d\n%s\n", readme, b.line, b.text), nil
	}
	if b.marker != "" && b.marker != "test-body" && b.marker != "run" {
		return "", fmt.Errorf("unknown snippet marker %q (want test-body, run or file)", b.marker)
	}
	body := fmt.Sprintf("func TestReadmeSnippet%d(t *testing.T) {\n//line %s:%d\n%s\n}\n", b.index, readme, b.line, b.text)
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

// TestReadmeGoSnippets compiles and vets every ```go block of README.md in a temporary module that
// uses this one through a replace directive: a snippet that does not compile (an unknown name, a
// variable declared and not used, a wrong signature) fails this test with README.md:LINE.
func TestReadmeGoSnippets(t *testing.T) {
	root := repoRoot(t)
	readme := filepath.Join(root, "README.md")
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
	for _, b := range readmeBlocks(t) {
		if b.lang != "go" {
			continue
		}
		src, err := goSnippetFile(b, readme)
		if err != nil {
			t.Errorf("README go snippet %d (README.md:%d): %v", b.index, b.line, err)
			continue
		}
		snippets = append(snippets, b)
		writeFile(t, filepath.Join(dir, fmt.Sprintf("snippet%02d_test.go", b.index)), src)
	}
	if len(snippets) < 5 {
		t.Fatalf("found %d Go snippets in README.md, want at least 5: is the block parser broken?", len(snippets))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
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
				run = append(run, fmt.Sprintf("TestReadmeSnippet%d", b.index))
			}
		}
		t.Logf("%d README Go snippets compile and vet clean; running %s", len(snippets), run)
		if len(run) == 0 {
			return
		}
		cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^("+strings.Join(run, "|")+")$", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("running the README snippets marked <!-- snippet: run --> failed: %v\n%s",
				err, strings.ReplaceAll(string(out), readme, "README.md"))
		}
		return
	}
	// Attribute each README.md:LINE in the output to its snippet.
	lineRE := regexp.MustCompile(regexp.QuoteMeta(readme) + `:(\d+)`)
	reported := false
	for _, l := range strings.Split(string(out), "\n") {
		m := lineRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		for i := len(snippets) - 1; i >= 0; i-- {
			if snippets[i].line <= n {
				t.Errorf("README go snippet %d (starts at README.md:%d): %s", snippets[i].index, snippets[i].line,
					strings.ReplaceAll(l, readme, "README.md"))
				reported = true
				break
			}
		}
	}
	if !reported {
		t.Errorf("go vet of the README snippets failed: %v\n%s", err, out)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// skippedCommands lists, with the reason, every README shell command this test does not run.
// Anything else in a ```sh block is run; an entry that no longer appears in the README fails the
// test, so the list cannot go stale.
var skippedCommands = map[string]string{
	"go install github.com/bsskit/bsskit/cmd/bsskit@latest    # or a release: @vX.Y.Z":                                                                                                      "downloads from the module proxy; the test runs a binary built from this tree instead",
	"go get github.com/bsskit/bsskit@latest":                                                                                                                                                "changes the go.mod of the module it runs in and needs the network",
	"make build && bin/bsskit version   # the binary, stamped with the clone's revision":                                                                                                    "writes bin/ in the clone; the test builds the same package itself",
	"make run    # start the fake server on http://127.0.0.1:8080":                                                                                                                          "binds the fixed port 8080; the serve commands of the README are started on 127.0.0.1:0",
	"make test   # vet, race-enabled tests, generated-code drift check, short fuzz runs":                                                                                                    "would run this test again",
	"make run                                          # bsskit serve --addr 127.0.0.1:8080":                                                                                                "binds the fixed port 8080; the serve commands next to it are started on 127.0.0.1:0",
	"go build -o careful ./examples/careful && bsskit sweep --cases 'clean|fault/reset|after-commit/hang' -- ./careful":                                                                     "go build in the test's clean HOME downloads every module again; cmd/bsskit TestSweepCarefulExample builds and sweeps the same example",
	"export BSSKIT_ADMIN_TOKEN=$(openssl rand -hex 24)":                                                                                                                                     "sets up the non-loopback team example below",
	"bsskit serve --addr 0.0.0.0:8080 --state /var/lib/bsskit/orders.jsonl":                                                                                                                 "listens beyond loopback and writes /var/lib",
	`curl -s -H "Authorization: Bearer $BSSKIT_ADMIN_TOKEN" http://staging-fake:8080/__admin/health`:                                                                                        "not loopback",
	`curl -s -X POST -H "Authorization: Bearer $BSSKIT_ADMIN_TOKEN" http://staging-fake:8080/__admin/reset`:                                                                                 "not loopback",
	`curl -s -H "Authorization: Bearer $BSSKIT_ADMIN_TOKEN" -H 'Content-Type: application/yaml' --data-binary @testdata/scenarios/retry-storm.yaml http://staging-fake:8080/__admin/faults`: "not loopback",
}

// shellCommand is one command of a ```sh block, continuation lines joined, with the output the
// README shows for it in a following "# {...}" comment line, if any.
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

// TestReadmeShellCommands runs the README's shell commands. Each ```sh block that talks to a fake
// gets its own `bsskit serve --addr 127.0.0.1:0`, built from this tree, and localhost:8080 /
// 127.0.0.1:8080 are rewritten to its address. Commands run with bash in a directory that mirrors
// the repository root (files they write stay out of the clone), with `bsskit` on PATH and
// `go run ./cmd/bsskit` replaced by the built binary. curl runs with --fail-with-body, so an HTTP
// error answer fails the command as it would fail a reader. `... serve ...` commands are started
// (on 127.0.0.1:0 instead of a fixed port), must print their listening line, and are stopped with
// SIGTERM. A "# {...}" line under a command gives the shape its output must have.
func TestReadmeShellCommands(t *testing.T) {
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
	for _, b := range readmeBlocks(t) {
		if b.lang != "sh" {
			continue
		}
		cmds := shellCommands(b)
		var runnable []shellCommand
		for _, c := range cmds {
			if reason, ok := skippedCommands[c.text]; ok {
				used[c.text] = true
				t.Logf("README sh block %d, README.md:%d: not run (%s): %s", b.index, c.line, reason, c.text)
				continue
			}
			for _, m := range hostRE.FindAllStringSubmatch(c.text, -1) {
				host := m[1] + m[2]
				if host != "localhost" && host != "127.0.0.1" {
					t.Errorf("README sh block %d, README.md:%d: %q is not loopback; add the command to skippedCommands with a reason: %s", b.index, c.line, host, c.text)
				}
			}
			runnable = append(runnable, c)
		}
		if len(runnable) == 0 {
			continue
		}
		t.Run(fmt.Sprintf("sh%d_line%d", b.index, b.line), func(t *testing.T) {
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
			t.Errorf("skippedCommands lists %q, which is no longer in README.md: remove it", cmd)
		}
	}
	if ran == 0 {
		t.Error("no README shell command ran: is the block parser broken?")
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

// checkServe starts a README serve command (on a free port instead of a fixed one), waits for its
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
		t.Errorf("README sh block %d, README.md:%d: %s\nfirst line %q is not the listening line; stderr:\n%s", b.index, c.line, c.text, line, stderr())
	}
}

// runShell runs one README command with bash and checks its exit status and output shape.
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
	where := fmt.Sprintf("README sh block %d, README.md:%d: %s", b.index, c.line, c.text)
	if err != nil {
		t.Errorf("%s\nran %q: %v\nstdout: %s\nstderr: %s", where, cmdText, err, stdout.String(), stderr.String())
		return
	}
	if c.expect == "" {
		return
	}
	var want, got any
	if err := json.Unmarshal([]byte(c.expect), &want); err != nil {
		t.Errorf("%s\nthe README's expected output %s is not JSON: %v", where, c.expect, err)
		return
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Errorf("%s\noutput is not JSON (%v): %s", where, err, stdout.String())
		return
	}
	if msg := shapeDiff("$", want, got); msg != "" {
		t.Errorf("%s\noutput does not have the shape the README shows (%s)\nREADME: %s\ngot:    %s", where, msg, c.expect, stdout.String())
	}
}

// shapeDiff compares JSON values: objects need the same keys, arrays the same length, values the
// same type; a string in the README that contains "…" is a prefix (the part before it), any other
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

// TestReadmeScenarios loads every ```yaml block of README.md that is a fault scenario (it has a
// top-level "rules:") with fake.LoadScenario, as `bsskit serve --scenario` would.
func TestReadmeScenarios(t *testing.T) {
	t.Parallel()
	n := 0
	for _, b := range readmeBlocks(t) {
		if b.lang != "yaml" || !regexp.MustCompile(`(?m)^rules:`).MatchString(b.text) {
			continue
		}
		n++
		path := filepath.Join(t.TempDir(), "scenario.yaml")
		writeFile(t, path, b.text)
		if _, err := faults.LoadScenario(path); err != nil {
			t.Errorf("README yaml block %d (README.md:%d) is not a valid scenario: %v", b.index, b.line, err)
		}
	}
	if n == 0 {
		t.Error("no scenario in README.md: is the block parser broken?")
	}
}
