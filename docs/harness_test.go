package docs_test

import (
	"encoding/json"
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
			src, err := goSnippetFile(block{index: 3, lang: "go", line: 40, text: tt.text}, "/r/README.md")
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
	if _, err := goSnippetFile(block{lang: "go", text: "x := 1", marker: "bogus"}, "README.md"); err == nil {
		t.Error("an unknown snippet marker is accepted")
	}
}
