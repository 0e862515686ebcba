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
// one rule of the profile and names it in Requirements (a few name the
// rules the same fault breaks at once). Several reproduce what a real
// platform does where the profile says otherwise: a params.response without
// baseDirectory resolved against ResourceDirectory as system.pathForFile
// does, timeout 0 meaning no limit, an absolute filename joined onto its
// folder.
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
//	if u := m.Uncaught(); len(u) > 0 { ... }
//
// A variant whose rules are all info cannot be caught: the cases of its
// rules record it (an info verdict, [Row.Recorded]) instead.
//
// By default each variant runs only the cases that check one of its
// Requirements (the rule it breaks), so the question answered is "do the
// cases of rule X notice a violation of X"; Params.AllCases runs the whole
// suite against every variant for the complete matrix. Which case catches
// which variant is never written down: the matrix is observed.
//
// Params.Collateral runs the whole suite against every variant as well and
// fills the collateral matrix ([Matrix.FormatCollateral]): the cases that
// fail against a variant without blaming any of its must or should rules,
// neither naming it (in requirements or a req field) nor failing a check
// attributed to it. Such a failure reports one divergence under another
// rule, usually because the case left a prerequisite to a default or an
// info case could end badly. The goal is none: one rule, one blame.
package mutants
