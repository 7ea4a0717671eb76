package docs_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestShapeDiff(t *testing.T) {
	t.Parallel()
	readme := `{"RequestId":"…","Success":true,"Data":{"OrderId":"2…"},"ids":["down"]}`
	tests := []struct {
		name, got string
		wantDiff  string // "" for the same shape, else a substring of the difference
	}{
		{"same shape", `{"RequestId":"ABC","Success":true,"Data":{"OrderId":"2123"},"ids":["down"]}`, ""},
		{"missing key", `{"RequestId":"ABC","Success":true,"ids":["down"]}`, `missing key "Data"`},
		{"extra key", `{"RequestId":"A","Success":true,"Data":{"OrderId":"2","X":1},"ids":["down"]}`, `unexpected key "X"`},
		{"prefix broken", `{"RequestId":"A","Success":true,"Data":{"OrderId":"3"},"ids":["down"]}`, `does not start with "2"`},
		{"wrong boolean", `{"RequestId":"A","Success":false,"Data":{"OrderId":"2"},"ids":["down"]}`, "$.Success"},
		{"wrong string", `{"RequestId":"A","Success":true,"Data":{"OrderId":"2"},"ids":["up"]}`, `"up", want "down"`},
		{"wrong type", `{"RequestId":1,"Success":true,"Data":{"OrderId":"2"},"ids":["down"]}`, "want a string"},
		{"array length", `{"RequestId":"A","Success":true,"Data":{"OrderId":"2"},"ids":[]}`, "array of 1"},
	}
	var want any
	if err := json.Unmarshal([]byte(readme), &want); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got any
			if err := json.Unmarshal([]byte(tt.got), &got); err != nil {
				t.Fatal(err)
			}
			d := shapeDiff("$", want, got)
			if tt.wantDiff == "" && d != "" || tt.wantDiff != "" && !strings.Contains(d, tt.wantDiff) {
				t.Errorf("shapeDiff = %q, want %q", d, tt.wantDiff)
			}
		})
	}
}

func TestShellCommands(t *testing.T) {
	t.Parallel()
	b := block{index: 1, lang: "sh", line: 10, text: "curl -s localhost:8080/x   # comment\n# {\"ids\": [\"a\"]}\n\n" +
		"go run ./cmd/bsskit serve \\\n  --addr 127.0.0.1:8080 &\n# plain comment"}
	got := shellCommands(b)
	want := []shellCommand{
		{line: 10, text: "curl -s localhost:8080/x   # comment", expect: `{"ids": ["a"]}`},
		{line: 13, text: "go run ./cmd/bsskit serve --addr 127.0.0.1:8080 &"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d commands %+v, want %+v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("command %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestGoSnippetFileImports(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       []string // import lines that must be present
		absent     []string
	}{
		{"package names get imports", "srv := fake.NewServer(t)\nc, _ := openapi.NewClient(&openapi.Config{Endpoint: tea.String(srv.Endpoint())})\n_ = c",
			[]string{`fake "github.com/bsskit/bsskit/fake"`, `openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"`, `tea "github.com/alibabacloud-go/tea/tea"`, `testing "testing"`}, nil},
		{"a local variable shadows a package", "spec := 1\nt.Log(spec)\nfmt.Println(spec)", []string{`fmt "fmt"`}, []string{"bsskit/spec"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, err := goSnippetFile(block{file: "README.md", index: 3, lang: "go", line: 40, text: tt.text}, "/r/README.md")
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(src, w) {
					t.Errorf("missing import %s in\n%s", w, src)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(src, a) {
					t.Errorf("unexpected import %s in\n%s", a, src)
				}
			}
			if !strings.Contains(src, "func TestReadmeSnippet3(t *testing.T) {\n//line /r/README.md:40\n") {
				t.Errorf("not wrapped as a test body with a //line directive:\n%s", src)
			}
		})
	}
	src, err := goSnippetFile(block{file: "docs/go-tests.md", index: 2, lang: "go", line: 7, text: "_ = 1"}, "/r/docs/go-tests.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(src, "func TestGoTestsSnippet2(t *testing.T) {\n//line /r/docs/go-tests.md:7\n") {
		t.Errorf("a docs page's snippet is not named after its page:\n%s", src)
	}
	if _, err := goSnippetFile(block{lang: "go", text: "x := 1", marker: "bogus"}, "README.md"); err == nil {
		t.Error("an unknown snippet marker is accepted")
	}
}

func TestSlugify(t *testing.T) {
	t.Parallel()
	for heading, want := range map[string]string{
		"Is my client safe?": "is-my-client-safe",
		"Replicas sharing Redis (`bsskit serve --store`, issue 16)": "replicas-sharing-redis-bsskit-serve---store-issue-16",
		"Two sites, two error channels, payment state":              "two-sites-two-error-channels-payment-state",
		"x-bss-errors_and Ünïcode":                                  "x-bss-errors_and-ünïcode",
	} {
		if got := slugify(heading); got != want {
			t.Errorf("slugify(%q) = %q, want %q", heading, got, want)
		}
	}
}

func TestCheckLinks(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "docs", "a.md"), "# A\n## Same\n## Same\n")
	writeFile(t, filepath.Join(root, "README.md"), strings.Join([]string{
		"# Top",
		"[ok](docs/a.md) [ok](docs/a.md#same-1) [ok](#top) [web](https://example.com/x) [dir](docs)",
		"[gone](docs/b.md)",
		"[no heading](docs/a.md#same-2)",
		"[outside](../x.md)",
		"`[in code](nowhere.md)`",
		"```",
		"[in a block](nowhere.md)",
		"```",
		"[ref]: docs/missing.md",
	}, "\n"))
	problems, links := checkLinks(root, "README.md")
	if links != 8 {
		t.Errorf("checked %d relative links, want 8", links)
	}
	want := []string{`README.md:3: link "docs/b.md"`, `README.md:4: link "docs/a.md#same-2"`, `README.md:5: link "../x.md"`, `README.md:10: link "docs/missing.md"`}
	if len(problems) != len(want) {
		t.Fatalf("problems %q, want %d starting %q", problems, len(want), want)
	}
	for i, w := range want {
		if !strings.HasPrefix(problems[i], w) {
			t.Errorf("problem %d = %q, want it to start %q", i, problems[i], w)
		}
	}
}

func TestSplitBlocks(t *testing.T) {
	t.Parallel()
	page := strings.Join([]string{
		"intro",
		"```` ```yaml ```` is a code span, not a fence",
		"<!-- snippet: run -->",
		"```go",
		"x := 1",
		"```",
		"````sh",
		"echo a",
		"````",
		"```go",
		"y := 2",
		"```",
	}, "\n")
	got := splitBlocks(t, "docs/x.md", page)
	want := []block{
		{file: "docs/x.md", index: 1, lang: "go", line: 5, text: "x := 1", marker: "run"},
		{file: "docs/x.md", index: 1, lang: "sh", line: 8, text: "echo a"},
		{file: "docs/x.md", index: 2, lang: "go", line: 11, text: "y := 2"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d blocks %+v, want %+v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("block %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
