package docs_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHowToGetIt (issue 12 item 3): the project says how to get it and under which terms: a
// LICENSE with the Apache 2.0 text the spec's info.license names, a CHANGELOG, and a README that
// shows `go install` of the command, `make build` into bin/ and `go get` of the module, with a
// Makefile whose build target writes bin/bsskit.
func TestHowToGetIt(t *testing.T) {
	root := repoRoot(t)
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return string(b)
	}
	for _, tc := range []struct {
		file string
		want *regexp.Regexp
	}{
		{"LICENSE", regexp.MustCompile(`(?m)^\s+Apache License\n\s+Version 2\.0, January 2004`)},
		{"LICENSE", regexp.MustCompile(`TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION`)},
		{"spec/bssopenapi.yaml", regexp.MustCompile(`(?m)^  license:\n    name: Apache-2\.0$`)},
		{"CHANGELOG.md", regexp.MustCompile(`(?m)^## Unreleased$`)},
		{"README.md", regexp.MustCompile(`go install github\.com/bsskit/bsskit/cmd/bsskit@`)},
		{"README.md", regexp.MustCompile("`make build`[^\n]*`?bin/bsskit")},
		{"README.md", regexp.MustCompile(`go get github\.com/bsskit/bsskit@`)},
		{"Makefile", regexp.MustCompile(`(?m)^build:.*\n(\t.*\n)*\t.*-o bin/bsskit`)},
	} {
		t.Run(tc.file+" "+tc.want.String(), func(t *testing.T) {
			if !tc.want.MatchString(read(tc.file)) {
				t.Errorf("%s does not match %s", tc.file, tc.want)
			}
		})
	}
	if strings.Contains(read("README.md"), "go install github.com/bsskit/bsskit@") {
		t.Error("README: go install needs the command's path, .../cmd/bsskit@VERSION")
	}
}
