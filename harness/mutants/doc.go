// Package mutants holds deliberately broken variants of an implementation of
// Solar2D's network API, and runs the conformance cases against each to show
// that the cases can fail.
//
// A [Variant] never edits the implementation: it wraps a driver.Driver and
// alters what crosses the driver interface. On the way in it rewrites a
// call's arguments (drops params.timeout, forces handleRedirects, truncates
// the destination file); on the way out it rewrites, drops, holds back or
// duplicates listener events, answers network.cancel without cancelling, or
// touches the sandbox files the implementation writes. Each variant breaks
// one rule of the profile and names it in Requirements.
//
// [Run] runs cases against the unmodified driver and every variant and
// returns a [Matrix]: for each variant, the cases that caught it. A case
// catches a variant when its verdict against the variant is fail or warn (a
// must or should mismatch; info does not count) while the same case passes
// against the unmodified driver. A control run, the wrapper with no
// alteration ([Control]), must catch nothing: a catch is then the variant's
// doing, not the wrapper's.
//
//	m, err := mutants.Run(ctx, mutants.Params{Driver: ref, Fixture: srv, Cases: cs, TimeScale: 0.05})
//	if err != nil { ... }
//	fmt.Print(m.Format())
//	if !m.AllCaught() { ... }
//
// By default each variant runs only the cases that check one of its
// Requirements (the rule it breaks), so the question answered is "do the
// cases of rule X notice a violation of X"; Params.AllCases runs the whole
// suite against every variant for the complete matrix. Which case catches
// which variant is never written down: the matrix is observed.
package mutants
