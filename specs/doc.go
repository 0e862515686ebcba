// Package specs is the Ginkgo conformance suite: one spec per embedded case
// (cases/), labelled with its area, requirements and level, run against the
// reference implementation and judged by the oracle. It has no code of its
// own outside its tests; run it with go test ./specs/.
package specs
