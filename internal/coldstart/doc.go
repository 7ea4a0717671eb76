// Package coldstart holds the benchmarks of what a process pays the first time it uses the spec:
// the first use of the spec in a fresh process, fake.New + Start + the first official-SDK call +
// Close in a fresh process, `bsskit serve` start-up beside a bare net/http server's, and the cost
// of one call once three or a hundred operations have been used (issues 21 and 25). It has no
// code of its own: see coldstart_test.go and docs/performance.md.
package coldstart
