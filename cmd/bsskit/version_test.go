package main

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{
			name: "go install @version, clean tree",
			bi: &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/bsskit/bsskit", Version: "v1.2.3"},
				Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-11-30T04:00:00Z"}, {Key: "vcs.modified", Value: "false"}}},
			ok:   true,
			want: "bsskit v1.2.3\nrevision 0123abcd\ntime     2026-11-30T04:00:00Z\ngo       go1.26.0\n",
		},
		{
			name: "make build from a modified clone",
			bi: &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/bsskit/bsskit", Version: "(devel)"},
				Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "feedface"}, {Key: "vcs.modified", Value: "true"}}},
			ok:   true,
			want: "bsskit (devel)\nrevision feedface\nmodified true (built from a tree with uncommitted changes)\ngo       go1.26.0\n",
		},
		{
			name: "no version recorded",
			bi:   &debug.BuildInfo{Main: debug.Module{Path: "github.com/bsskit/bsskit"}},
			ok:   true,
			want: "bsskit (devel)\n",
		},
		{name: "no build info", ok: false, want: "bsskit (unknown version: built without module support)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, versionText(tt.bi, tt.ok))
		})
	}
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "version")
	assert.Equal(t, exitOK, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "bsskit "), stdout)
	assert.Contains(t, stdout, "go       go1.", "the Go version from the build info")

	code, _, stderr = runCLI(t, "version", "extra")
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "bsskit version: unexpected arguments: extra\nusage: bsskit version\n", stderr)

	code, stdout, _ = runCLI(t, "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "version ", "help lists the version command")
}
