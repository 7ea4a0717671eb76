package check

import (
	"regexp"
	"testing"
)

var patternCases = []string{
	`^[\x20-\x7E]+$`, `^[1-9][0-9]{15}$`, `^[0-9]{1,20}$`, `^([Jj][Ss][Oo][Nn]|[Xx][Mm][Ll])$`,
	`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`, `^a*$`, `^[a-c]?$`, `^x[0-9]*$`, `abc`, `^(?i)[a-z]+$`,
	`^[^a]+$`, `^[é]+$`, `^[0-9]{2,3}[0-9]$`,
}

func TestPatternMatchesRegexp(t *testing.T) {
	t.Parallel()
	inputs := []string{"", "a", "abc", "1234567890123456", "0234567890123456", "123456789012345", "12345678901234567",
		"json", "XmL", "2026-11-25T19:00:00Z", "x", "x123", "hello world ~", "tab\there", "é", "\xff", "aaa", "12", "1234",
		"01234567890123456789", "012345678901234567890", "abcé", "ABC"}
	for _, expr := range patternCases {
		t.Run(expr, func(t *testing.T) {
			t.Parallel()
			p, err := compilePattern(expr)
			if err != nil {
				t.Fatal(err)
			}
			re := regexp.MustCompile(expr)
			for _, in := range inputs {
				if got, want := p.MatchString(in), re.MatchString(in); got != want {
					t.Errorf("%s on %q: %v, regexp says %v", expr, in, got, want)
				}
			}
		})
	}
}

func FuzzPattern(f *testing.F) {
	f.Add(0, "1234567890123456")
	f.Add(1, "hello")
	f.Fuzz(func(t *testing.T, i int, in string) {
		expr := patternCases[uint(i)%uint(len(patternCases))]
		p, err := compilePattern(expr)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := p.MatchString(in), regexp.MustCompile(expr).MatchString(in); got != want {
			t.Errorf("%s on %q: %v, regexp says %v", expr, in, got, want)
		}
	})
}

func TestPatternFastPathUsed(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{`^[\x20-\x7E]+$`, `^[1-9][0-9]{15}$`, `^[0-9]{1,20}$`} {
		t.Run(expr, func(t *testing.T) {
			t.Parallel()
			p, err := compilePattern(expr)
			if err != nil {
				t.Fatal(err)
			}
			if p.steps == nil {
				t.Errorf("%s: no fast path", expr)
			}
		})
	}
}
