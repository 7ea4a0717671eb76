package fake_test

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
)

// TestHelperFailuresPointAtTheCaller (issue 12 item 10): what a fault helper or AssertRulesUsed
// reports on a NewServer(t) server names the line of the test that called it, not a line inside
// package fake. The failing calls run in a child test process, whose output is read.
func TestHelperFailuresPointAtTheCaller(t *testing.T) {
	if os.Getenv("BSSKIT_CALLER_LINE_CHILD") != "" {
		switch os.Getenv("BSSKIT_CALLER_LINE_CHILD") {
		case "bad-rule":
			srv := fake.NewServer(t)
			srv.Faults().Add(faults.FailNext("NoSuchCode")) // caller line: bad-rule
		case "unused":
			srv := fake.NewServer(t)
			srv.Faults().Add(faults.FailNext("Throttling.User"))
			srv.Faults().AssertUsed(t) // caller line: unused
		}
		return
	}
	src, err := os.ReadFile("caller_line_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ child, message string }{
		{"bad-rule", "fake: fault rule not added: "},
		{"unused", "fake: rules not fully used: "},
	} {
		t.Run(tc.child, func(t *testing.T) {
			t.Parallel()
			line := lineOf(t, string(src), "// caller line: "+tc.child)
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperFailuresPointAtTheCaller$", "-test.v")
			cmd.Env = append(os.Environ(), "BSSKIT_CALLER_LINE_CHILD="+tc.child)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the child test passed; want it to fail:\n%s", out)
			}
			want := regexp.MustCompile(`caller_line_test\.go:` + line + `: ` + regexp.QuoteMeta(tc.message))
			if !want.Match(out) {
				t.Errorf("the failure does not point at caller_line_test.go:%s:\n%s", line, out)
			}
		})
	}
}

// lineOf returns the number of the line of src that contains marker.
func lineOf(t *testing.T, src, marker string) string {
	t.Helper()
	n := 1
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			n++
			continue
		}
		if len(src)-i >= len(marker) && src[i:i+len(marker)] == marker {
			return strconv.Itoa(n)
		}
	}
	t.Fatalf("no line contains %q", marker)
	return ""
}
