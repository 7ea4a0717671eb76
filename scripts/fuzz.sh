#!/usr/bin/env bash
# Run every fuzz target of the module, one at a time (Go cannot fuzz two at once).
#
#   scripts/fuzz.sh BUDGET        BUDGET is a -fuzztime: 300x (executions) or 30s (wall clock)
#
# Each package with fuzz targets is built once, instrumented (`go test -c -fuzz`), and its binary
# runs each of its targets from the package directory (where testdata/fuzz lives) with the fuzz
# cache `go test -fuzz` uses. Building once per package instead of once per target, and not
# compiling every test package just to list the targets, is what keeps the smoke run of make test
# short: for a few hundred executions the build, not the fuzzing, is the cost.
#
# Go 1.26's fuzz coordinator can report a bare "context deadline exceeded" when a wall-clock
# -fuzztime ends while a worker is mid-call (go.dev/issue/75804, fixed in Go 1.27). A real finding
# always writes a reproducer ("Failing input written to ..."); such a bare deadline report with no
# reproducer is counted as a flake, not a failure. Execution-count budgets (Nx) cannot hit it.
set -uo pipefail
budget=${1:?usage: scripts/fuzz.sh BUDGET}
go=${GO:-go}
cd "$(dirname "$0")/.." || exit 1
fuzzcache="$($go env GOCACHE)/fuzz"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/log"
# The packages whose tests define a fuzz target: import path and directory.
pkgs=$($go list -f '{{.ImportPath}} {{.Dir}}' ./... | while read -r path dir; do
  if grep -qs '^func Fuzz' "$dir"/*_test.go; then echo "$path $dir"; fi
done)
[ -n "$pkgs" ] || { echo "no fuzz targets found"; exit 1; }
passed=0 failed=0 flaked=0
while read -r path dir; do
  bin="$work/$(echo "$path" | tr / _).test"
  if ! $go test -c -fuzz '^Fuzz' -o "$bin" "$path" >"$log" 2>&1; then
    cat "$log"
    failed=$((failed + 1))
    continue
  fi
  for fn in $(cd "$dir" && "$bin" -test.list '^Fuzz'); do
    echo "== $fn ($path), $budget"
    if (cd "$dir" && "$bin" -test.run '^$' -test.fuzz "^$fn\$" -test.fuzztime "$budget" \
          -test.fuzzcachedir "$fuzzcache/$path") >"$log" 2>&1; then
      tail -n 2 "$log"
      passed=$((passed + 1))
    elif grep -q 'context deadline exceeded' "$log" && ! grep -qE 'Failing input written|panic:' "$log"; then
      tail -n 4 "$log"
      echo "   (the Go 1.26 fuzz-deadline flake, go.dev/issue/75804: no failing input; not a finding)"
      flaked=$((flaked + 1))
    else
      cat "$log"
      failed=$((failed + 1))
    fi
  done
done <<<"$pkgs"
echo "fuzz: $passed passed, $failed failed, $flaked flaked"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
