package main

import (
	"bytes"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/result"
)

// fakeClock is a settable clock safe for the redraw goroutine.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func TestProgressLiveNamesSlowCases(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	clk := &fakeClock{}
	p := newProgress(&out, true, false, 200, 1)
	p.now = clk.now
	p.start(3)
	p.caseStarted("timeouts.default-30s", 0)
	clk.advance(2500 * time.Millisecond)
	p.caseStarted("events.status.ok", 0)
	clk.advance(500 * time.Millisecond)
	p.caseDone(result.CaseResult{ID: "events.status.ok", Verdict: result.Pass}, 0)
	p.caseDone(result.CaseResult{ID: "files.x", Verdict: result.Fail, Reason: "boom"}, 0)
	p.finish()
	s := out.String()
	if !strings.Contains(s, "\r\x1b[K[1/3] 0 failed · slow: timeouts.default-30s 3.0s") {
		t.Errorf("no live line naming the slow case:\n%q", s)
	}
	if strings.Contains(s, "slow: events.status.ok") || strings.Contains(s, ", events.status.ok") {
		t.Errorf("a case running for 0.5 s is called slow:\n%q", s)
	}
	if !strings.Contains(s, "\r\x1b[KFAIL  files.x (0s): boom\n\r\x1b[K[2/3] 1 failed") {
		t.Errorf("the failure is not printed above a redrawn line:\n%q", s)
	}
	if !strings.HasSuffix(s, "\r\x1b[K\n") {
		t.Errorf("finish does not clear and end the live line:\n%q", s)
	}
}

func TestProgressLiveLineFitsTheWidth(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	clk := &fakeClock{}
	p := newProgress(&out, true, false, 40, 2)
	p.now = clk.now
	p.start(10)
	p.caseStarted("redirects.chain.five-hops-relative-and-absolute", 1)
	clk.advance(2 * time.Second)
	p.caseDone(result.CaseResult{ID: "a.b", Verdict: result.Pass}, 0)
	p.finish()
	for _, line := range strings.Split(out.String(), "\r\x1b[K") {
		if n := len([]rune(line)); n > 39 {
			t.Errorf("live line of %d runes on a 40-column terminal: %q", n, line)
		}
	}
	if !strings.Contains(out.String(), "slow: redirects.cha…") {
		t.Errorf("the slow case is not shown truncated:\n%q", out.String())
	}

	// With room, a repeated run is named with its run number.
	out.Reset()
	p = newProgress(&out, true, false, 100, 2)
	p.now = clk.now
	p.start(10)
	p.caseStarted("redirects.chain.five-hops-relative-and-absolute", 1)
	clk.advance(2 * time.Second)
	p.caseDone(result.CaseResult{ID: "a.b", Verdict: result.Pass}, 0)
	p.finish()
	if !strings.Contains(out.String(), "slow: redirects.chain.five-hops-relative-and-absolute#2 2.0s") {
		t.Errorf("the slow second run is not named with #2:\n%q", out.String())
	}
}

func TestProgressPlainVerbose(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := newProgress(&out, true, true, 100, 1) // -v wins over the terminal
	p.start(1)
	p.caseDone(result.CaseResult{ID: "events.x", Verdict: result.Warn, Duration: 12 * time.Millisecond,
		Mismatches: []result.Mismatch{{Requirement: "E10", Level: result.LevelShould, Call: "main",
			Check: "began.responseHeaders", Want: "present", Got: "absent", Pos: "cases/events/x.yaml:9:5"}},
		Logs: []string{"network: hello"}}, 0)
	p.finish()
	want := "WARN  events.x (12ms): cases/events/x.yaml:9:5: began.responseHeaders [main] (E10 should)\n" +
		"      cases/events/x.yaml:9:5: began.responseHeaders [main] (E10 should)\n" +
		"        want: present\n" +
		"        got:  absent\n" +
		"      trace:\n" +
		"        (no events)\n" +
		"      journal:\n" +
		"        (no requests)\n" +
		"      logs:\n" +
		"        network: hello\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

// voids returns n void attempts numbered from 1.
func voids(n int) []result.VoidAttempt {
	var out []result.VoidAttempt
	for i := 1; i <= n; i++ {
		out = append(out, result.VoidAttempt{Attempt: i, Verdict: result.Fail, Stall: 496 * time.Millisecond})
	}
	return out
}

// TestProgressVoidAttempts: a case's line names its void attempts; live
// mode prints a passing case whose verdict is from a void attempt (not one
// re-run cleanly) and counts void attempts on the live line.
func TestProgressVoidAttempts(t *testing.T) {
	t.Parallel()
	rerun := result.CaseResult{ID: "timeouts.a", Verdict: result.Pass, Duration: 2 * time.Second, Attempts: 3,
		VoidAttempts: voids(2)}
	kept := result.CaseResult{ID: "timeouts.b", Verdict: result.Pass, Duration: time.Second, Attempts: 3,
		VoidAttempts: voids(3), Reason: "result from a void attempt"}

	var out bytes.Buffer
	p := newProgress(&out, false, false, 100, 1)
	p.start(2)
	p.caseDone(rerun, 0)
	p.caseDone(kept, 0)
	p.finish()
	want := "PASS  timeouts.a (2s) [3 attempts: 2 voided — host stalled 496 ms, 496 ms]\n" +
		"PASS  timeouts.b (1s) [3 attempts: all 3 voided — host stalled 496 ms, 496 ms, 496 ms; verdict from a void attempt]\n"
	if out.String() != want {
		t.Errorf("plain:\n%s\nwant:\n%s", out.String(), want)
	}

	out.Reset()
	p = newProgress(&out, true, false, 200, 1)
	p.now = (&fakeClock{}).now
	p.start(2)
	p.caseDone(rerun, 0)
	p.caseDone(kept, 0)
	p.finish()
	s := out.String()
	if strings.Contains(s, "PASS  timeouts.a") {
		t.Errorf("live mode prints a case re-run to a clean attempt:\n%q", s)
	}
	if !strings.Contains(s, "\r\x1b[K[1/2] 0 failed · 2 voided") ||
		!strings.Contains(s, "\r\x1b[KPASS  timeouts.b (1s) [3 attempts: all 3 voided") ||
		!strings.Contains(s, "[2/2] 0 failed · 5 voided") {
		t.Errorf("live mode lacks the void count or the void verdict:\n%q", s)
	}
}
