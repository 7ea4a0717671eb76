package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// revision is the revision the build stamped with -ldflags "-X main.revision=...", as make build
// does ("" when none): it names the revision when the toolchain recorded no VCS information
// (GOFLAGS=-buildvcs=false, a tree without .git).
var revision string

// runVersion prints the module version and the VCS revision the binary was built from, as the Go
// toolchain recorded them (runtime/debug.ReadBuildInfo), or as the build stamped it.
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprintln(stdout, "usage: bsskit version")
		fmt.Fprintln(stdout, "\nPrints the module version, the VCS revision and time, and whether the tree was modified.")
		return exitOK
	}
	if len(args) > 0 {
		fmt.Fprintf(stderr, "bsskit version: unexpected arguments: %s\n", strings.Join(args, " "))
		fmt.Fprintln(stderr, "usage: bsskit version")
		return exitUsage
	}
	bi, ok := debug.ReadBuildInfo()
	fmt.Fprint(stdout, versionTextStamped(bi, ok, revision))
	return exitOK
}

// versionText formats build information: the first line is "bsskit VERSION", then one line each
// for the revision, its time, a modified tree and the Go version, when the build recorded them.
func versionText(bi *debug.BuildInfo, ok bool) string { return versionTextStamped(bi, ok, "") }

// versionTextStamped is versionText with the revision the build stamped (see [revision]): it is
// printed when the toolchain recorded none; a development build with neither says so.
func versionTextStamped(bi *debug.BuildInfo, ok bool, stamped string) string {
	if !ok || bi == nil {
		return "bsskit (unknown version: built without module support)\n"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "bsskit %s\n", v)
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	switch r := settings["vcs.revision"]; {
	case r != "":
		fmt.Fprintf(&b, "revision %s\n", r)
	case stamped != "":
		fmt.Fprintf(&b, "revision %s\n", stamped)
	case v == "(devel)": // a development build: say why there is no revision, and how to get one
		fmt.Fprintln(&b, "revision unknown (built without VCS information, e.g. GOFLAGS=-buildvcs=false; make build stamps it)")
	}
	if t := settings["vcs.time"]; t != "" {
		fmt.Fprintf(&b, "time     %s\n", t)
	}
	if settings["vcs.modified"] == "true" {
		fmt.Fprintln(&b, "modified true (built from a tree with uncommitted changes)")
	}
	if bi.GoVersion != "" {
		fmt.Fprintf(&b, "go       %s\n", bi.GoVersion)
	}
	return b.String()
}
