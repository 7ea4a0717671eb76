package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestContractAgainstServeCatalogs: `bsskit contract` passes `bsskit serve --catalog` with every
// catalogue of testdata (issue 22: the sites catalogue failed 21 cases), learnt from the fake or
// given with --catalog; a catalogue file with problems is a usage error that names each at its
// line:column.
func TestContractAgainstServeCatalogs(t *testing.T) {
	files, err := filepath.Glob("../../testdata/catalogs/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			url, _, _ := startServe(t, "--addr", "127.0.0.1:0", "--seed", "1", "--catalog", f)
			code, out, errOut := runCLI(t, "contract", "--endpoint", url, "--seed", "1", "--generated", "3")
			require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Contains(t, out, "RESULT: conformant")
			code, out, errOut = runCLI(t, "contract", "--endpoint", url, "--seed", "2", "--generated", "3", "--catalog", f)
			require.Equal(t, exitOK, code, "with --catalog: stdout:\n%s\nstderr:\n%s", out, errOut)
		})
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("products:\n  - code: a\n    opensOnc: true\n  - code: b\n    openedCode: NOPE\n"), 0o600))
	code, _, errOut := runCLI(t, "contract", "--endpoint", "http://127.0.0.1:1", "--catalog", bad)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `3:5: unknown product field "opensOnc"`)
	assert.Contains(t, errOut, `5:17: "NOPE" is neither ORDER.OPEND nor Has.effect.suit`)
}
