package file_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake/internal/store"
	"github.com/bsskit/bsskit/fake/internal/store/file"
	"github.com/bsskit/bsskit/fake/internal/store/storetest"
)

func TestFileConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, n int) []store.Backend {
		b, err := file.Open(filepath.Join(t.TempDir(), "state.jsonl"), false, slog.New(slog.NewTextHandler(io.Discard, nil)))
		require.NoError(t, err)
		out := make([]store.Backend, n)
		for i := range out {
			out[i] = b
		}
		return out
	})
}
