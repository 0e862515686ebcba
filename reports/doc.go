// Package reports renders a conformance run ([result.Run]) for people and
// tools: a versioned JSON document (report.json, schema in
// schema/report.schema.json), JUnit XML (junit.xml), a Markdown summary for CI
// job summaries and pull-request comments (report.md), and one self-contained
// HTML page (report.html) with a requirement matrix, filters, per-case detail
// and an SVG timeline of server actions against client events.
// [RenderCompare] puts several runs side by side in one HTML matrix;
// [WriteSet] writes the reports of several implementations' runs of one
// suite, each in a folder of its own ([DirNames]), with that page beside
// them.
//
// Typical use, after a run:
//
//	rep := reports.Report{
//		Info:         reports.RunInfo{Implementation: "netconform reference", Version: v, Driver: "inproc", Host: reports.CurrentHost()},
//		Requirements: reports.FromCatalog(cat),
//		Run:          run, // from runner.Run
//	}
//	paths, err := reports.WriteAll(outDir, rep)
//	fmt.Println(reports.Summarize(run).Line())
//
// and to compare runs: read each report.json with [ReadJSON], then
// [RenderCompare].
//
// The package renders; it runs nothing. Every renderer is deterministic: the
// same [Report] gives the same bytes (maps are sorted, no clock is read), so
// outputs can be golden-tested and diffed.
//
// # Verdict mapping
//
// A requirement or a case has one of the verdicts of [result.Verdict]. In
// JUnit, fail becomes <failure> (type = the worst level that failed, must or
// should), error becomes <error type="harness"> (the harness or the driver
// broke, conformance unknown), skip becomes <skipped/>. A warn case (a should
// mismatch outside strict mode) passes, and its mismatches are listed in the
// test case's <system-out> under a "WARN" heading. An info case passes and
// records its observations as <properties> of the test case, one property
// "info.<requirement>" per mismatch.
//
// # Void attempts
//
// The runner voids an attempt during which the host stalled the whole
// process beyond its tolerance and runs the case again (at most three
// attempts; see [result.VoidAttempt]). Every report shows it: report.json
// writes "attempts" (when more than one), "voidAttempts" and "voidResult"
// per case and "voidAttempts"/"voidResults" in the summary; [Summary.Line]
// ends with "N voided attempts re-run; N verdicts from a void attempt";
// report.html tags the case (re-run, or void when the verdict itself comes
// from a void attempt) and its detail says "3 attempts: 2 voided — host
// stalled 496 ms, 180 ms" ([AttemptsLine]); report.md lists such cases in a
// collapsed section; junit.xml gives the test case "attempts" properties,
// and a passing test case whose verdict is from a void attempt a <system-out>
// headed "VOID".
//
// # Partial runs
//
// A run a signal interrupted ([RunInfo.Interrupted]) leaves its unfinished
// cases as skips marked [result.CaseResult.Interrupted]. Every report says
// the run is partial, in one sentence: report.md's title reads
// "interrupted, partial results" above it, report.html shows it above the
// outcome and tags each such case "interrupted", junit.xml gives it as the
// "interrupted" property, and report.json writes "run.interrupted", each
// case's "interrupted" and "summary.interrupted"/"cutShort".
//
// # Build and stream
//
// [CurrentTool] reads the netconform build (version, VCS revision, Go
// version), which report.json writes as "run.toolBuild". [StreamCase] and
// [StreamSummary] are the JSON lines of `netconform run --json`, written
// by [WriteStream].
//
// # Timeline
//
// The HTML timeline puts the mock server's journal (received, request body
// read, headers sent, body chunks, fault, client closed, done) and the
// client's events (began, progress, ended) on one axis whose zero is the case
// start, [result.CaseResult.Start]: a client event sits at Start + its At, a
// server event at its wall-clock time, so the two sides line up exactly. The
// axis runs to the end of the case (its duration, or the last event if
// later); when every event sits in the first tenth of it (a short exchange,
// then a settle window), a second picture zooms on the events. Tick labels
// use one unit per axis (µs, ms or s). A result without Start (a report.json
// written before the field) is aligned by estimate, on the first request's
// arrival, and the page says so.
//
// The matrix's verdict columns carry CSS-drawn colour markers, not emoji, so
// the page renders the same without an emoji font (headless Chromium on
// Debian has only DejaVu); report.md keeps its emoji for GitHub.
package reports
