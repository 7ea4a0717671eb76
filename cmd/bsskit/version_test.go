package main

import (
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
			want: "bsskit (devel)\nrevision unknown (built without VCS information, e.g. GOFLAGS=-buildvcs=false; make build stamps it)\n",
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

// TestVersionStampedRevision: a binary built without VCS information (GOFLAGS=-buildvcs=false) still
// names its revision when the build stamped one (-ldflags -X main.revision=..., as make build does),
// and says how to get one when it did not; a released version needs neither.
func TestVersionStampedRevision(t *testing.T) {
	t.Parallel()
	devel := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/bsskit/bsskit", Version: "(devel)"}}
	tests := []struct {
		name    string
		bi      *debug.BuildInfo
		stamped string
		want    string
	}{
		{"stamped, no VCS information", devel, "d90b898", "bsskit (devel)\nrevision d90b898\ngo       go1.26.0\n"},
		{"neither", devel, "", "bsskit (devel)\nrevision unknown (built without VCS information, e.g. GOFLAGS=-buildvcs=false; make build stamps it)\ngo       go1.26.0\n"},
		{"VCS information wins", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}}}, "d90b898", "bsskit (devel)\nrevision 0123abcd\n"},
		{"a released version", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "", "bsskit v1.2.3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, versionTextStamped(tt.bi, true, tt.stamped))
		})
	}
}

// TestMakeBuildStampsRevision: make build passes the clone's revision to the linker as
// main.revision, so bin/bsskit version names it even under GOFLAGS=-buildvcs=false.
func TestMakeBuildStampsRevision(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	head, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git clone: %v", err)
	}
	cmd := exec.Command("make", "-n", "build")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "-X main.revision="+strings.TrimSpace(string(head)), "make -n build:\n%s", out)
}
