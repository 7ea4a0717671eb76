package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/mutants"
)

// shellWords splits a command line of plain words and single-quoted words, as the reproductions
// are written.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	for _, m := range regexp.MustCompile(`'((?:[^']|'\\'')*)'|(\S+)`).FindAllStringSubmatch(line, -1) {
		if m[2] != "" {
			words = append(words, m[2])
		} else {
			words = append(words, strings.ReplaceAll(m[1], `'\''`, "'"))
		}
	}
	return words
}

// TestContractReproductionLine: a failing run prints each failed case with a "reproduce:" line;
// pasted, that line runs exactly that case, which fails again.
func TestContractReproductionLine(t *testing.T) {
	m, ok := mutants.ByName("missing-parameter-404")
	require.True(t, ok, "no mutant %q", "missing-parameter-404")
	ts, _, err := mutants.Start(m, fake.WithSeed(1))
	require.NoError(t, err)
	defer ts.Close()
	code, out, errOut := runCLI(t, "contract", "--endpoint", ts.URL, "--seed", "7", "--generated", "2", "--signature", "v3")
	require.Equal(t, exitFail, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	repro := regexp.MustCompile(`(?m)^    reproduce: (bsskit contract .*)$`).FindStringSubmatch(out)
	require.NotNil(t, repro, out)
	assert.Less(t, strings.Index(out, "== failed: "), strings.Index(out, "== not applicable"), "failed cases first")
	args := shellWords(t, repro[1])
	require.Equal(t, []string{"bsskit", "contract"}, args[:2])
	assert.Contains(t, args, "v3", "the reproduction keeps the signature version")

	code, out, errOut = runCLI(t, args[1:]...)
	require.Equal(t, exitFail, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "cases: 0 passed, 1 failed,")
}
