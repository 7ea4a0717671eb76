package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
)

// TestLoadFileNamesTheFile: --catalog and --accounts read their file with loadFile, whose errors
// name the file: a missing one, and one whose content does not parse (with its line:column).
func TestLoadFileNamesTheFile(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	_, err := loadFile(missing, fake.ParseCatalog)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing.yaml")

	bad := filepath.Join(t.TempDir(), "catalog.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("products:\n  - code: [1]\n"), 0o600))
	_, err = loadFile(bad, fake.ParseCatalog)
	require.Error(t, err)
	assert.Contains(t, err.Error(), bad+": ")
	assert.Contains(t, err.Error(), "line 2:")

	c, err := loadFile("../../testdata/catalogs/example.yaml", fake.ParseCatalog)
	require.NoError(t, err)
	assert.NotEmpty(t, c.Products)
}
