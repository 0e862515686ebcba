// Package overhead holds the benchmark of the harness's own cost per case
// (issue 7: "harness overhead per trivial case with the in-process driver,
// under 1 ms median"). It has no code of its own: see overhead_test.go and
// docs/benchmarks.md.
package overhead
