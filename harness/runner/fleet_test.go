package runner

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
)

// namedDriver is a fakeDriver with a name of its own.
type namedDriver struct {
	*fakeDriver
	name string
}

func (d namedDriver) Name() string { return d.name }

// fleetDriver reaches the implementations in impls.
type fleetDriver struct {
	*fakeDriver
	impls []driver.Driver
}

func (d *fleetDriver) Implementations() []driver.Driver { return d.impls }

func TestImplementationsOfADriver(t *testing.T) {
	t.Parallel()
	plain := &fakeDriver{}
	if got := Implementations(plain); len(got) != 1 || got[0] != driver.Driver(plain) {
		t.Errorf("plain driver: %v, want itself", got)
	}
	empty := &fleetDriver{fakeDriver: plain}
	if got := Implementations(empty); len(got) != 1 || got[0] != driver.Driver(empty) {
		t.Errorf("several with none listed: %v, want itself", got)
	}
	twice := &fleetDriver{fakeDriver: plain, impls: []driver.Driver{namedDriver{plain, "a"}, namedDriver{plain, "a"}}}
	if _, err := NewFleet(Params{Driver: twice, Fixture: newFakeFixture()}); err == nil ||
		!strings.Contains(err.Error(), `two implementations are named "a"`) {
		t.Errorf("NewFleet with a name twice = %v", err)
	}
	if _, err := NewFleet(Params{Fixture: newFakeFixture()}); err == nil {
		t.Error("NewFleet without a driver succeeded")
	}
}

// TestFleetRunsEveryCaseOnEveryImplementation: each implementation gets
// every run of every case on its own sessions, with its own hooks and its
// own verdicts, and the implementations run at the same time.
func TestFleetRunsEveryCaseOnEveryImplementation(t *testing.T) {
	t.Parallel()
	// Each implementation's first call waits for the other's: run one
	// after the other, the first would time out.
	var both sync.WaitGroup
	both.Add(2)
	var once [2]sync.Once
	meet := func(i int, status int) func(*fakeSession, string, driver.Call) error {
		return func(s *fakeSession, h string, c driver.Call) error {
			once[i].Do(both.Done)
			met := make(chan struct{})
			go func() { both.Wait(); close(met) }()
			select {
			case <-met:
			case <-time.After(20 * time.Second):
				return errors.New("the other implementation never ran at the same time")
			}
			s.emit(h, ended(h, c, status, "hello"))
			return nil
		}
	}
	good, bad := &fakeDriver{onCall: meet(0, 200)}, &fakeDriver{onCall: meet(1, 500)}
	drv := &fleetDriver{fakeDriver: &fakeDriver{}, impls: []driver.Driver{namedDriver{good, "good"}, namedDriver{bad, "bad"}}}
	// One attempt each: the session count below is exact, and a loaded
	// host (the race detector) must not re-run a stalled attempt.
	f, err := NewFleet(Params{Driver: drv, Fixture: newFakeFixture(), TimeScale: 0.01, Parallel: 1,
		CaseDeadline: 30 * time.Second, MaxAttempts: 1, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range f.Runners() {
		names = append(names, r.Implementation())
	}
	if !slices.Equal(names, []string{"good", "bad"}) {
		t.Fatalf("runners %v, want good, bad", names)
	}
	c1 := loadCase(t, okCase)
	c2 := loadCase(t, strings.Replace(okCase, "t.ok", "t.ok2", 1))
	var mu sync.Mutex
	done := map[string][]string{}
	hooks := func(impl string) Hooks {
		return Hooks{Done: func(res result.CaseResult, rep int) {
			mu.Lock()
			done[impl] = append(done[impl], runKey(res.ID, rep))
			mu.Unlock()
		}}
	}
	shares := f.Repeat(t.Context(), []*casefile.Case{c1, c2}, 2, hooks)
	want := map[string]result.Verdict{"good": result.Pass, "bad": result.Fail}
	if len(shares) != 2 {
		t.Fatalf("%d shares, want 2", len(shares))
	}
	for i, s := range shares {
		if s.Implementation != names[i] || s.Started.IsZero() || s.Duration <= 0 {
			t.Errorf("share %d: %s started %v for %s", i, s.Implementation, s.Started, s.Duration)
		}
		if len(s.Runs) != 2 {
			t.Fatalf("%s: %d cases", s.Implementation, len(s.Runs))
		}
		for ci, runs := range s.Runs {
			if len(runs) != 2 {
				t.Fatalf("%s: case %d ran %d times, want 2", s.Implementation, ci, len(runs))
			}
			for _, res := range runs {
				if res.Verdict != want[s.Implementation] {
					t.Errorf("%s %s: %s (%s), want %s", s.Implementation, res.ID, res.Verdict, res.Reason,
						want[s.Implementation])
				}
			}
		}
		if n := len(done[s.Implementation]); n != 4 {
			t.Errorf("%s: hooks saw %d runs, want 4: %v", s.Implementation, n, done[s.Implementation])
		}
	}
	for name, d := range map[string]*fakeDriver{"good": good, "bad": bad} {
		d.mu.Lock()
		n := len(d.cfgs)
		d.mu.Unlock()
		if n != 4 || d.unclosed() != 0 {
			t.Errorf("%s opened %d sessions (%d unclosed), want 4 (2 cases x 2 runs), all closed", name, n, d.unclosed())
		}
	}
}

// TestFleetRepeatEachRunsEachItsOwnCases: with RepeatEach an implementation
// runs only the cases given for its name, and one given none runs nothing.
func TestFleetRepeatEachRunsEachItsOwnCases(t *testing.T) {
	t.Parallel()
	a, b, c := &fakeDriver{onCall: answer(200, "hello")}, &fakeDriver{onCall: answer(200, "hello")}, &fakeDriver{}
	drv := &fleetDriver{fakeDriver: &fakeDriver{}, impls: []driver.Driver{namedDriver{a, "a"}, namedDriver{b, "b"},
		namedDriver{c, "c"}}}
	f, err := NewFleet(Params{Driver: drv, Fixture: newFakeFixture(), TimeScale: 0.01, MaxAttempts: 1, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	c1 := loadCase(t, okCase)
	c2 := loadCase(t, strings.Replace(okCase, "t.ok", "t.ok2", 1))
	own := map[string][]*casefile.Case{"a": {c1}, "b": {c1, c2}}
	shares := f.RepeatEach(t.Context(), func(impl string) []*casefile.Case { return own[impl] }, 1, nil)
	got := map[string][]string{}
	for _, s := range shares {
		for _, runs := range s.Runs {
			got[s.Implementation] = append(got[s.Implementation], runs[0].ID)
		}
	}
	if !slices.Equal(got["a"], []string{"t.ok"}) || !slices.Equal(got["b"], []string{"t.ok", "t.ok2"}) || len(got["c"]) != 0 {
		t.Errorf("cases run: %v; want a: t.ok, b: t.ok t.ok2, c: none", got)
	}
	c.mu.Lock()
	opened := len(c.cfgs)
	c.mu.Unlock()
	if opened != 0 {
		t.Errorf("c opened %d sessions, want none", opened)
	}
}
