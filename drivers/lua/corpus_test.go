package lua_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/driver/execdriver"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/internal/testkit"
)

// The corpus (drivers/lua/corpus/) holds small Lua modules written to be
// non-conformant in the ways real third-party network.* code is: each
// test below runs one through the stdio driver as an implementer would run
// theirs, and asserts the report it must produce.

// corpusRun runs the named cases through `stdio_driver.lua corpus.<mod>`
// and returns the results by case id and the runner.
func corpusRun(t *testing.T, mod string, p runner.Params, ids ...string) (map[string]result.CaseResult, *runner.Runner, *execdriver.Driver) {
	t.Helper()
	lua := needLua(t)
	d, err := execdriver.New(execdriver.Options{Args: []string{lua, "stdio_driver.lua", "corpus." + mod},
		WaitDelay: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("new exec driver: %v", err)
	}
	t.Cleanup(func() { checkStopped(t, d) })
	p.Driver, p.Fixture = d, testkit.Server(t)
	p.Levels, p.TempDir = testkit.Catalog(t).Level, t.TempDir()
	if p.TimeScale == 0 {
		p.TimeScale = scale
	}
	r, err := runner.New(p)
	if err != nil {
		t.Fatalf("new runner: %v", err)
	}
	out := make(map[string]result.CaseResult)
	for _, c := range r.Run(t.Context(), pick(t, testkit.Cases(t), ids)).Cases {
		out[c.ID] = c
	}
	return out, r, d
}

// blames returns the mismatches of a case that name rule, as lines.
func blames(c result.CaseResult, rule string) []string {
	var out []string
	for _, m := range c.Mismatches {
		if m.Requirement == rule {
			out = append(out, m.Line())
		}
	}
	return out
}

// describe is a case's verdict, reason and mismatches, for failures.
func describe(c result.CaseResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", c.Verdict, c.Reason)
	for _, m := range c.Mismatches {
		b.WriteString("\n\t" + m.Line())
	}
	return b.String()
}

// TestCorpusSynchronous: a synchronous network.request (its listener runs
// inside the call, which returns nil; a corovel-like event without name,
// url or requestId, its headers as `headers`; the error text as status;
// no certificate check, no redirects) shows each of these as a failure of
// its own rule, with no protocol error, and the same verdicts one case at
// a time as four at once.
func TestCorpusSynchronous(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"events.after-return.ok":                     "E16",
		"events.after-return.refused":                "E16",
		"events.name-phase.no-progress":              "E1",
		"events.request-id.no-progress":              "E13",
		"events.response-headers.error-status":       "E10",
		"events.failure-status.refused":              "E9",
		"tls.bad-cert.untrusted":                     "S2",
		"redirects.follow.302":                       "D1",
		"events.url.query-and-fragment":              "E12",
		"input.bad-params.progress-unknown":          "B1",
		"convenience.upload.basic":                   "U1",
		"convenience.download.basic":                 "U2",
		"events.failure-status.closed-before-status": "E9",
	}
	var ids []string
	for id := range want {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	serial, _, _ := corpusRun(t, "synchronous", runner.Params{Parallel: 1, Strict: true}, ids...)
	parallel, _, _ := corpusRun(t, "synchronous", runner.Params{Parallel: 4, Strict: true}, ids...)
	for _, id := range ids {
		c := serial[id]
		if c.Verdict != result.Fail {
			t.Errorf("%s: %s; want fail", id, describe(c))
			continue
		}
		if len(blames(c, want[id])) == 0 {
			t.Errorf("%s: no mismatch blames %s: %s", id, want[id], describe(c))
		}
		if p := parallel[id]; p.Verdict != c.Verdict || p.Reason != c.Reason {
			t.Errorf("%s: %s at --parallel 4, %s at 1", id, p.Reason, c.Reason)
		}
	}
	after := serial["events.after-return.ok"]
	if got := blames(after, "E16"); len(got) != 1 || !strings.Contains(got[0], "delivered inside the call") {
		t.Errorf("events.after-return.ok: E16 blames %q, want one listener-inside-the-call mismatch", got)
	}
	if got := blames(after, "E13"); len(got) != 1 || !strings.Contains(got[0], "returned nil after calling its listener") {
		t.Errorf("events.after-return.ok: E13 blames %q, want the nil return once", got)
	}
}

// TestCorpusRaising: an implementation that raises Lua errors on bad
// arguments fails the B1 cases with the raise leading (not a pass, as when
// a raise looked like Solar2D's nil), a missing network.upload fails U1
// with what was missing, and a good request still passes.
func TestCorpusRaising(t *testing.T) {
	t.Parallel()
	got, _, _ := corpusRun(t, "raising", runner.Params{Strict: true},
		"input.bad-params.headers-string", "input.bad-params.progress-unknown", "convenience.upload.basic",
		"events.after-return.ok")
	for _, id := range []string{"input.bad-params.headers-string", "input.bad-params.progress-unknown"} {
		c := got[id]
		if c.Verdict != result.Fail || len(c.Mismatches) == 0 || c.Mismatches[0].Requirement != "B1" ||
			!strings.HasPrefix(c.Mismatches[0].Got, "raised an error: ") || !strings.Contains(c.Reason, "rejected") {
			t.Errorf("%s: %s; want B1 failed first by the raise", id, describe(c))
		}
	}
	up := got["convenience.upload.basic"]
	if up.Verdict != result.Fail || len(up.Mismatches) == 0 || up.Mismatches[0].Requirement != "U1" ||
		!strings.Contains(up.Mismatches[0].Got, "network.upload is nil") {
		t.Errorf("convenience.upload.basic: %s; want U1 failed by the missing function first", describe(up))
	}
	if c := got["events.after-return.ok"]; c.Verdict != result.Pass {
		t.Errorf("events.after-return.ok: %s; want pass", describe(c))
	}
}

// TestCorpusMissing: a module that declares it has network.request only,
// and no cancel inside a listener, gets the other cases skipped with the
// reason, and passes the rest.
func TestCorpusMissing(t *testing.T) {
	t.Parallel()
	got, _, _ := corpusRun(t, "missing", runner.Params{Strict: true},
		"convenience.upload.basic", "convenience.download.basic", "cancel.in-listener-began", "events.after-return.ok")
	for id, why := range map[string]string{"convenience.upload.basic": "network.upload",
		"convenience.download.basic": "network.download", "cancel.in-listener-began": "inside a listener"} {
		if c := got[id]; c.Verdict != result.Skip || !strings.Contains(c.Reason, why) {
			t.Errorf("%s: %s; want a skip naming %q", id, describe(c), why)
		}
	}
	if c := got["events.after-return.ok"]; c.Verdict != result.Pass {
		t.Errorf("events.after-return.ok: %s; want pass", describe(c))
	}
}

// TestCorpusBlocking: a network.request that never returns fails E16 (the
// call blocked: the step that blocked is blamed, not the close that could
// not follow), and the blocked process is ended, never reused: the second
// case gets a process of its own and the same verdict.
func TestCorpusBlocking(t *testing.T) {
	t.Parallel()
	ids := []string{"events.after-return.ok", "events.after-return.refused"}
	got, _, d := corpusRun(t, "blocking", runner.Params{Parallel: 1, CaseDeadline: time.Second}, ids...)
	for _, id := range ids {
		c := got[id]
		if c.Verdict != result.Fail || !strings.HasPrefix(c.Reason, "1 call(s) blocked") || len(c.Mismatches) != 1 ||
			len(blames(c, "E16")) != 1 {
			t.Errorf("%s: %s; want fail, the blocked call blamed once, on E16", id, describe(c))
		}
		for _, l := range c.Logs {
			if strings.Contains(l, "interrupted!") && !strings.Contains(l, "after the harness stopped the driver") {
				t.Errorf("%s: an interrupt the harness caused is not marked: %q", id, l)
			}
		}
	}
	if n := len(d.PIDs()); n != 2 {
		t.Errorf("%d driver processes started for 2 cases, want 2 (a blocked process is never reused)", n)
	}
}

// TestCorpusFixedTime: a module that declares it does not scale time runs
// at scale 1 (its cases' time scale, and their deadlines), and the runner
// says so.
func TestCorpusFixedTime(t *testing.T) {
	t.Parallel()
	got, r, _ := corpusRun(t, "fixedtime", runner.Params{Strict: true}, "events.after-return.ok")
	c := got["events.after-return.ok"]
	if c.Verdict != result.Pass || c.TimeScale != 1 {
		t.Errorf("events.after-return.ok: %s at time scale %g; want pass at 1", describe(c), c.TimeScale)
	}
	if !r.FixedScale() {
		t.Error("the runner does not report that the driver runs at a fixed scale")
	}
}
