package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJudge(t *testing.T) {
	t.Parallel()
	flat := func() []sample {
		var s []sample
		for i := range 10 {
			s = append(s, sample{at: time.Duration(i) * time.Second, rssKiB: 30 << 10, goroutines: 15, fds: 20})
		}
		return s
	}
	tests := []struct {
		name       string
		change     func([]sample)
		unexpected int64
		want       string // "" passes
	}{
		{name: "flat", change: func([]sample) {}},
		{name: "warm-up growth is ignored", change: func(s []sample) { s[0].rssKiB, s[0].goroutines, s[0].fds = 1<<10, 2, 3 }},
		{name: "small wobble", change: func(s []sample) { s[9].rssKiB += 10 << 10; s[9].goroutines += 8; s[9].fds += 4 }},
		{name: "RSS grows", change: func(s []sample) { s[9].rssKiB += 100 << 10 }, want: "RSS grew 100.0 MiB"},
		{name: "goroutines leak", change: func(s []sample) { s[8].goroutines += 500 }, want: "goroutines grew by 500"},
		{name: "fds leak", change: func(s []sample) { s[9].fds += 100 }, want: "file descriptors grew by 100"},
		{name: "unexpected answers", change: func([]sample) {}, unexpected: 3, want: "3 unexpected answers"},
		{name: "too few samples", change: nil, want: "only 2 samples"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := flat()
			if tc.change == nil {
				s = s[:2]
			} else {
				tc.change(s)
			}
			var out strings.Builder
			err := judge(&out, defaultConfig(), s, tc.unexpected)
			if tc.want == "" {
				require.NoError(t, err)
				assert.Contains(t, out.String(), "flat after warm-up")
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestSoakShort runs the real soak for a few seconds against a freshly built bsskit.
func TestSoakShort(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("builds bsskit and reads /proc")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "bsskit")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/bsskit").CombinedOutput()
	require.NoError(t, err, "%s", out)
	cfg := defaultConfig()
	cfg.bin, cfg.duration, cfg.interval, cfg.workers = bin, 4*time.Second, 500*time.Millisecond, 4
	var report strings.Builder
	require.NoError(t, run(context.Background(), cfg, &report), report.String())
	assert.Contains(t, report.String(), "clean shutdown")
	assert.Contains(t, report.String(), "flat after warm-up")
	t.Log(report.String())
}
