package runner

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
)

// loadCase loads one case from YAML.
func loadCase(t *testing.T, yaml string) *casefile.Case {
	t.Helper()
	cs, err := casefile.Load("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("load case: %v", err)
	}
	if len(cs) != 1 {
		t.Fatalf("want 1 case, got %d", len(cs))
	}
	return cs[0]
}

// newRunner returns a runner over d and a fake fixture at scale 0.01 with a
// short fixed deadline grace.
func newRunner(t *testing.T, d driver.Driver, fx Fixture) *Runner {
	t.Helper()
	r, err := New(Params{Driver: d, Fixture: fx, TimeScale: 0.01, CaseDeadline: 200 * time.Millisecond,
		TempDir: t.TempDir()})
	if err != nil {
		t.Fatalf("new runner: %v", err)
	}
	return r
}

const okCase = `
id: t.ok
title: a plain request ends with 200
requirements: [E2]
call: {url: "{{http}}/x"}
expect:
  trace: ended
  ended: {status: 200, response: hello}
`

// answer makes every call end at once with status and body.
func answer(status int, body string) func(*fakeSession, string, driver.Call) error {
	return func(s *fakeSession, h string, c driver.Call) error {
		s.emit(h, ended(h, c, status, body))
		return nil
	}
}

func TestParamsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    Params
		want string
	}{
		{"no driver", Params{Fixture: newFakeFixture()}, "driver is required"},
		{"no fixture", Params{Driver: &fakeDriver{}}, "fixture is required"},
		{"negative scale", Params{Driver: &fakeDriver{}, Fixture: newFakeFixture(), TimeScale: -1}, "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tc.p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestCaseVerdicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		d      *fakeDriver
		want   result.Verdict
		reason string // substring of Reason
		check  string // a mismatch's Check
	}{
		{"pass", &fakeDriver{onCall: answer(200, "hello")}, result.Pass, "", ""},
		{"fail", &fakeDriver{onCall: answer(404, "hello")}, result.Fail, "ended.status", "ended.status"},
		{"open error", &fakeDriver{openErr: errors.New("no engine")}, result.Error, "no engine", ""},
		{"call error", &fakeDriver{onCall: func(*fakeSession, string, driver.Call) error {
			return errors.New("pipe broke")
		}}, result.Error, "pipe broke", ""},
		{"close error", &fakeDriver{onCall: answer(200, "hello"), closeErr: errors.New("stuck")}, result.Error, "stuck", ""},
		{"missing capability", &fakeDriver{caps: driver.Capabilities{Fns: []string{"upload"}}}, result.Skip,
			"does not support network.request", ""},
		{"events after ended", &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
			s.emit(h, ended(h, c, 200, "hello"))
			s.emit(h, ended(h, c, 200, "hello"))
			return nil
		}}, result.Fail, "", "invariant.oneEnded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRunner(t, tc.d, newFakeFixture())
			res := r.Case(t.Context(), loadCase(t, okCase))
			if res.Verdict != tc.want {
				t.Fatalf("verdict %s (%s), want %s; mismatches %+v", res.Verdict, res.Reason, tc.want, res.Mismatches)
			}
			if !strings.Contains(res.Reason, tc.reason) {
				t.Errorf("reason %q lacks %q", res.Reason, tc.reason)
			}
			if tc.check != "" && !hasCheck(res, tc.check) {
				t.Errorf("no %s mismatch in %+v", tc.check, res.Mismatches)
			}
			if n := tc.d.unclosed(); n != 0 {
				t.Errorf("%d driver session(s) left open", n)
			}
		})
	}
}

// hasCheck reports whether res has a mismatch of the named check.
func hasCheck(res result.CaseResult, check string) bool {
	for _, m := range res.Mismatches {
		if m.Check == check {
			return true
		}
	}
	return false
}

const hangCase = `
id: t.hang
title: a request that never ends
requirements: [E3]
budget: 1s
call: {url: "{{http}}/x", params: {progress: download}}
expect: {trace: began progress* ended}
`

// TestDeadlineFailsHungCall: an implementation that sends began and then
// nothing fails the case at its deadline, naming the pending call, and
// Close still ends the session.
func TestDeadlineFailsHungCall(t *testing.T) {
	t.Parallel()
	d := &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
		s.emit(h, phase(h, c, "began", 0))
		return nil
	}}
	r := newRunner(t, d, newFakeFixture())
	start := time.Now()
	res := r.Case(t.Context(), loadCase(t, hangCase))
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Errorf("case took %s, want at least the 210ms deadline", el)
	}
	if res.Verdict != result.Fail || !strings.Contains(res.Reason, "deadline") {
		t.Fatalf("verdict %s (%s), want fail at the deadline", res.Verdict, res.Reason)
	}
	var m *result.Mismatch
	for i := range res.Mismatches {
		if res.Mismatches[i].Check == "deadline" {
			m = &res.Mismatches[i]
		}
	}
	if m == nil || m.Requirement != "E3" || m.Call != "main" || !strings.Contains(m.Got, "began") {
		t.Errorf("deadline mismatch = %+v, want E3 on main naming began", m)
	}
	if len(res.Trace) != 1 {
		t.Errorf("trace %v, want the began event", res.Trace)
	}
}

// TestRunGoesOnAfterHang: a hung case does not stop the others; results are
// in id order.
func TestRunGoesOnAfterHang(t *testing.T) {
	t.Parallel()
	d := &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
		if strings.HasSuffix(c.URL, "/hang") {
			return nil
		}
		s.emit(h, ended(h, c, 200, "hello"))
		return nil
	}}
	r := newRunner(t, d, newFakeFixture())
	hang := loadCase(t, strings.ReplaceAll(hangCase, "/x", "/hang"))
	ok := loadCase(t, okCase)
	run := r.Run(t.Context(), []*casefile.Case{ok, hang})
	if len(run.Cases) != 2 || run.Cases[0].ID != "t.hang" || run.Cases[1].ID != "t.ok" {
		t.Fatalf("cases %v, want t.hang then t.ok", run.Cases)
	}
	if run.Cases[0].Verdict != result.Fail || run.Cases[1].Verdict != result.Pass {
		t.Errorf("verdicts %s, %s; want fail, pass", run.Cases[0].Verdict, run.Cases[1].Verdict)
	}
	if run.Implementation != "fake" || !run.Failed() {
		t.Errorf("run = %+v", run)
	}
}

// TestRunInterrupted: a case not started when ctx ends is skipped and
// marked queued.
func TestRunInterrupted(t *testing.T) {
	t.Parallel()
	r := newRunner(t, &fakeDriver{onCall: answer(200, "hello")}, newFakeFixture())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	run := r.Run(ctx, []*casefile.Case{loadCase(t, okCase)})
	if c := run.Cases[0]; c.Verdict != result.Skip || c.Interrupted != result.InterruptedQueued ||
		!strings.HasPrefix(c.Reason, "not run: run interrupted") {
		t.Errorf("verdict %s, interrupted %q, reason %q; want a queued skip", c.Verdict, c.Interrupted, c.Reason)
	}
}

// TestCaseCutShort: a case under way when ctx ends (an interrupt) is no
// error and no failure: it is skipped, marked running, with the events it
// saw kept and the cause in its reason.
func TestCaseCutShort(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancelCause(t.Context())
	d := &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
		s.emit(h, phase(h, c, "began", 0))
		cancel(errors.New("interrupt signal received")) // then nothing: the call hangs
		return nil
	}}
	r := newRunner(t, d, newFakeFixture())
	res := r.Case(ctx, loadCase(t, hangCase))
	if res.Verdict != result.Skip || res.Interrupted != result.InterruptedRunning || len(res.Mismatches) != 0 {
		t.Fatalf("verdict %s, interrupted %q, mismatches %v; want a skip marked running", res.Verdict,
			res.Interrupted, res.Mismatches)
	}
	if !strings.HasPrefix(res.Reason, "cut short: run interrupted (interrupt signal received)") {
		t.Errorf("reason %q does not say the case was cut short, and why", res.Reason)
	}
	if len(res.Trace) != 1 {
		t.Errorf("trace %v, want the began event seen before the interrupt", res.Trace)
	}
	if n := d.unclosed(); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
}

const isolationCase = `
id: t.iso
title: the response is the sandbox file placed for this case
requirements: [E2]
given:
  files: [{name: mine.txt, text: "CONTENT"}]
call: {url: "{{http}}/x"}
expect:
  ended: {response: "CONTENT"}
  files: [{name: mine.txt, unchanged: true}]
`

// TestIsolation runs many cases at once, each with its own given file under
// the same name: each sees only its own sandbox, gets its own namespace, and
// every sandbox is removed afterwards.
func TestIsolation(t *testing.T) {
	t.Parallel()
	d := &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
		body, err := s.readGiven("DocumentsDirectory", "mine.txt")
		if err != nil {
			return err
		}
		s.Go(func(stop <-chan struct{}) {
			select {
			case <-time.After(5 * time.Millisecond): // overlap the cases
			case <-stop:
			}
			s.emit(h, ended(h, c, 200, body))
		})
		return nil
	}}
	fx := newFakeFixture()
	r := newRunner(t, d, fx)
	var cs []*casefile.Case
	for i := range 8 {
		n := string(rune('a' + i))
		cs = append(cs, loadCase(t, strings.ReplaceAll(strings.ReplaceAll(isolationCase, "t.iso", "t.iso-"+n),
			"CONTENT", "content of "+n)))
	}
	run := r.Run(t.Context(), cs)
	for _, c := range run.Cases {
		if c.Verdict != result.Pass {
			t.Errorf("%s: %s (%s) %+v", c.ID, c.Verdict, c.Reason, c.Mismatches)
		}
	}
	seen := map[string]bool{}
	for _, ns := range fx.installed {
		if seen[ns] {
			t.Errorf("namespace %s used twice", ns)
		}
		seen[ns] = true
	}
	for _, cfg := range d.cfgs {
		if _, err := os.Stat(cfg.Dirs[driver.DocumentsDirectory]); !os.IsNotExist(err) {
			t.Errorf("sandbox %s left behind (%v)", cfg.Dirs[driver.DocumentsDirectory], err)
		}
	}
	if len(fx.scenarios) != 0 {
		t.Errorf("namespaces left installed: %v", fx.scenarios)
	}
}

// TestRunnersShareAFixture runs the same case through two Runners over one
// fixture: their namespaces must differ, or the second Install would replace
// the first one's routes and the journals would mix.
func TestRunnersShareAFixture(t *testing.T) {
	t.Parallel()
	d := &fakeDriver{onCall: func(s *fakeSession, h string, c driver.Call) error {
		s.emit(h, ended(h, c, 200, "ok"))
		return nil
	}}
	fx := newFakeFixture()
	c := loadCase(t, okCase)
	for range 2 {
		r := newRunner(t, d, fx)
		r.watch = (&fakeStalls{}).watch // one attempt each, whatever the host does
		r.Case(t.Context(), c)
	}
	fx.mu.Lock()
	defer fx.mu.Unlock()
	if len(fx.installed) != 2 || fx.installed[0] == fx.installed[1] {
		t.Fatalf("namespaces of two runners: %q, want two different ones", fx.installed)
	}
}

// TestSetupErrorsStopTheRun: after MaxSetupErrors cases in a row that could
// not open a session, the driver is sent no more cases; each later case is
// an error at once naming why. An open that works starts the count again.
func TestSetupErrorsStopTheRun(t *testing.T) {
	t.Parallel()
	d := &fakeDriver{openErr: errors.New("engine crashed at start")}
	r, err := New(Params{Driver: d, Fixture: newFakeFixture(), Parallel: 1, MaxSetupErrors: 2})
	if err != nil {
		t.Fatal(err)
	}
	c := loadCase(t, okCase)
	for i := range 4 {
		res := r.Case(t.Context(), c)
		if res.Verdict != result.Error || !strings.Contains(res.Reason, "engine crashed at start") {
			t.Fatalf("case %d: %s %q, want an error with the open's reason", i+1, res.Verdict, res.Reason)
		}
		if stopped := strings.HasPrefix(res.Reason, "not run: "); stopped != (i >= 2) {
			t.Errorf("case %d reason %q: want \"not run\" only from the third case", i+1, res.Reason)
		}
	}
	d.mu.Lock()
	opens := d.opens
	d.mu.Unlock()
	if opens != 2 {
		t.Errorf("%d opens, want 2: the driver is sent no case after two failed opens", opens)
	}
	if why := r.Stopped(); !strings.Contains(why, "2 cases in a row could not open a fake session") {
		t.Errorf("Stopped() = %q", why)
	}

	flaky := &fakeDriver{onCall: answer(200, "hello")}
	r2, err := New(Params{Driver: flaky, Fixture: newFakeFixture(), Parallel: 1, MaxSetupErrors: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, fail := range []bool{true, false, true, false, true} {
		flaky.mu.Lock()
		flaky.openErr = nil
		if fail {
			flaky.openErr = errors.New("once")
		}
		flaky.mu.Unlock()
		if res := r2.Case(t.Context(), c); strings.HasPrefix(res.Reason, "not run") {
			t.Fatalf("case %d: %q; failed opens that are not in a row must not stop the run", i+1, res.Reason)
		}
	}
	if why := r2.Stopped(); why != "" {
		t.Errorf("Stopped() = %q, want \"\"", why)
	}
}
