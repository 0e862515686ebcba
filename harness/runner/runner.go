// Package runner runs conformance cases against an implementation: for each
// case it prepares a sandbox and a server namespace, drives the calls and
// actions through a driver session, collects events, the server journal and
// the sandbox files, and grades the oracle's verdict. It returns results and
// never calls t.Fatal, so the CLI and the Ginkgo suite share one path.
//
// The runner also owns scheduling: [Runner.Repeat] runs a set of cases,
// repeated, a bounded number at once with the longest budgets first, and
// [Runner.Run] runs them once; a [Fleet] runs them on every implementation
// a driver reaches (devices with different names), each its own Runner.
// Its exported defaults (the Default, Reference and Device constants) are
// what netconform run uses when no flag says otherwise. Judging repeated runs against an implementation's known results
// is package expect's.
package runner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/oracle"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/mockserver"
)

// Fixture is the mock server as the runner uses it; *mockserver.Server
// satisfies it. The runner installs each case with its own time scale
// (mockserver.InstallTimeScale), so cases at different scales share one
// fixture whatever its default scale.
type Fixture interface {
	// URLs returns the listeners' base URLs.
	URLs() mockserver.URLs
	// CACertPEM returns the PEM of the CA that signs the trusted listeners.
	CACertPEM() []byte
	// CAFile returns the path of a PEM file holding the same CA.
	CAFile() string
	// Install serves a scenario under a namespace, with the namespace's
	// time scale and extra templates as options.
	Install(ns string, sc mockserver.Scenario, opts ...mockserver.InstallOption) error
	// Remove deletes a namespace's routes and journal.
	Remove(ns string)
	// Journal returns the records of a namespace in arrival order.
	Journal(ns string) []mockserver.Record
	// Await blocks until cond holds for the namespace's journal or ctx ends.
	Await(ctx context.Context, ns string, cond func([]mockserver.Record) bool) error
}

// Defaults of [Params], and the defaults that suit each way of reaching an
// implementation (netconform run's flag defaults).
const (
	// DefaultTimeScale is the time scale when Params.TimeScale is 0: real
	// time, since an implementation may not scale its clock.
	DefaultTimeScale = 1.0
	// DefaultParallel is the number of cases run at once when
	// Params.Parallel is 0; it suits an implementation in a subprocess (the
	// exec driver starts a process per concurrent session).
	DefaultParallel = 4
	// ReferenceTimeScale is the time scale for the reference implementation
	// in process: it scales its clock, so the 30 s default timeout takes 1.5 s.
	ReferenceTimeScale = 0.05
	// ReferenceParallel is how many cases run at once against the reference
	// in process. Its cases mostly wait on timers (a whole run uses about a
	// fifth of one core), so the limit is a matter of fitting every other
	// case in the shadow of the slowest one (1.5 s at ReferenceTimeScale),
	// which starts first (see [Runner.Repeat]): 20 at once finish the run
	// about when it does (docs/benchmarks.md: wall time 1.16x the slowest
	// case, against 2.4x with 8).
	ReferenceParallel = 20
	// DefaultBudget is a case's deadline in API time when it sets none; it
	// is scaled, then Params.CaseDeadline is added.
	DefaultBudget = 60 * time.Second
	// DefaultCaseDeadline is the fixed wall-time grace added to every
	// case's scaled budget when Params.CaseDeadline is 0.
	DefaultCaseDeadline = 5 * time.Second
	// DefaultSettle is how long, in API time, the runner keeps listening
	// after every call finished, when the case sets none.
	DefaultSettle = 500 * time.Millisecond
	// minSettle is the wall-time floor of the settle window, so that a tiny
	// time scale still leaves late events time to arrive.
	minSettle = 25 * time.Millisecond
	// closeGrace bounds the wall time given to a session's Close and to the
	// server finishing its exchanges after the calls finished.
	closeGrace = 2 * time.Second
	// sessionCloseGrace bounds the wall time given to a session's Close: a
	// device answers over its network, after removing the session's
	// folders, and several sessions of one device close at once.
	sessionCloseGrace = 10 * time.Second
)

// Params configures a Runner. It is plain data; the zero value of each
// field is documented.
type Params struct {
	// Driver reaches the implementation under test. Required.
	Driver driver.Driver
	// Fixture is the mock server (any default time scale). Required.
	Fixture Fixture
	// TimeScale multiplies every duration of every case (0 means
	// DefaultTimeScale); a case with minScale runs at max(TimeScale,
	// minScale). A driver that cannot scale runs at 1.
	TimeScale float64
	// Parallel is how many cases Run runs at once; 0 means as many as the
	// driver holds sessions open at once when it says (a [Capacity], such
	// as remote devices: a case waiting for a free device would spend its
	// budget), else DefaultParallel.
	Parallel int
	// Strict makes should mismatches fail instead of warn.
	Strict bool
	// CaseDeadline is the wall-time grace added to each case's scaled
	// budget (0 means DefaultCaseDeadline). A case still running at its
	// deadline fails with the calls that were pending.
	CaseDeadline time.Duration
	// Levels looks a requirement's level up in the catalogue; nil treats
	// every requirement as must.
	Levels func(req string) (result.Level, bool)
	// MaxAttempts bounds the attempts of a case whose attempts the host
	// stalled (0 means DefaultMaxAttempts; 1 never re-runs, and a stalled
	// attempt's verdict stands with its timing noted as unobservable).
	MaxAttempts int
	// MaxSetupErrors is how many cases in a row may fail to open a driver
	// session before the Runner stops sending the driver cases (0 means
	// DefaultMaxSetupErrors): each case after that is an error at once,
	// with the reason, instead of waiting for a driver that hangs or
	// crashes at open.
	MaxSetupErrors int
	// TempDir is where case sandboxes are created; "" means $TMPDIR when
	// set, else /dev/shm when it is a writable tmpfs with room, else
	// os.TempDir (see defaultTempDir).
	TempDir string
}

// Validate reports missing or invalid fields.
func (p Params) Validate() error {
	var errs []error
	if p.Driver == nil {
		errs = append(errs, errors.New("driver is required"))
	}
	if p.Fixture == nil {
		errs = append(errs, errors.New("fixture is required"))
	}
	if p.TimeScale < 0 {
		errs = append(errs, fmt.Errorf("time scale %g is negative", p.TimeScale))
	}
	if p.Parallel < 0 {
		errs = append(errs, fmt.Errorf("parallel %d is negative", p.Parallel))
	}
	if p.CaseDeadline < 0 {
		errs = append(errs, fmt.Errorf("case deadline %s is negative", p.CaseDeadline))
	}
	if p.MaxSetupErrors < 0 {
		errs = append(errs, fmt.Errorf("max setup errors %d is negative", p.MaxSetupErrors))
	}
	if p.MaxAttempts < 0 {
		errs = append(errs, fmt.Errorf("max attempts %d is negative", p.MaxAttempts))
	}
	return errors.Join(errs...)
}

// maxAttempts is MaxAttempts or its default.
func (p Params) maxAttempts() int {
	if p.MaxAttempts > 0 {
		return p.MaxAttempts
	}
	return DefaultMaxAttempts
}

// Runner runs cases. It is safe for concurrent use: Case may be called from
// several goroutines (or Ginkgo processes, each with its own Runner).
type Runner struct {
	p       Params
	refused string            // base URL of a loopback port that refuses connections
	id      string            // random, so Runners sharing one fixture never share a namespace
	runs    atomic.Int64      // run number, part of each case's namespace
	watch   func() stallMeter // starts an attempt's stall watch; tests replace it
	fixed   atomic.Bool       // a session's driver did not scale time: cases ran at scale 1
	setup   breaker           // counts failed opens; stops the run's cases after too many
}

// DefaultMaxSetupErrors is Params.MaxSetupErrors's default.
const DefaultMaxSetupErrors = 3

// breaker stops sending cases to a driver that failed to open a session
// for several cases in a row.
type breaker struct {
	mu     sync.Mutex // guards below
	inRow  int        // consecutive failed opens
	reason string     // why cases are no longer sent; "" while they are
}

// opened records a session opened (the count starts again) or not.
func (r *Runner) opened(err error) {
	b := &r.setup
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil {
		b.inRow = 0
		return
	}
	b.inRow++
	limit := r.p.MaxSetupErrors
	if limit == 0 {
		limit = DefaultMaxSetupErrors
	}
	if b.inRow >= limit && b.reason == "" {
		b.reason = fmt.Sprintf("%d cases in a row could not open a %s session, so no more cases are sent to it (the last: %v)",
			b.inRow, r.p.Driver.Name(), err)
	}
}

// Stopped returns why the Runner stopped sending cases to its driver (too
// many setup errors in a row, see Params.MaxSetupErrors), or "" when it
// did not.
func (r *Runner) Stopped() string {
	r.setup.mu.Lock()
	defer r.setup.mu.Unlock()
	return r.setup.reason
}

// FixedScale reports whether the driver said it does not scale time, so
// that cases asked at another scale ran at scale 1 (the run's TimeScale
// was not applied).
func (r *Runner) FixedScale() bool { return r.fixed.Load() }

// noteFixedScale records that a session could not run at scale asked.
func (r *Runner) noteFixedScale(asked float64) {
	if asked != 1 {
		r.fixed.Store(true)
	}
}

// New validates p, fills in defaults and returns a Runner.
func New(p Params) (*Runner, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("new runner: %w", err)
	}
	if p.TimeScale == 0 {
		p.TimeScale = DefaultTimeScale
	}
	if p.Parallel == 0 {
		p.Parallel = DefaultParallel
		if c, ok := p.Driver.(Capacity); ok && c.Sessions() > 0 {
			p.Parallel = c.Sessions()
		}
	}
	if p.CaseDeadline == 0 {
		p.CaseDeadline = DefaultCaseDeadline
	}
	if p.TempDir == "" {
		p.TempDir = defaultTempDir()
	}
	refused, err := refusedURL()
	if err != nil {
		return nil, fmt.Errorf("new runner: %w", err)
	}
	var id [4]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, fmt.Errorf("new runner: %w", err)
	}
	return &Runner{p: p, refused: refused, id: hex.EncodeToString(id[:]), watch: watchStalls}, nil
}

// refusedURL returns the base URL of a loopback port nothing listens on: it
// binds a free port and closes it at once, so connecting gets a refusal.
func refusedURL() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a refused port: %w", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("find a refused port: %w", err)
	}
	return "http://" + addr, nil
}

// Policy returns the grading policy the runner applies.
func (r *Runner) Policy() oracle.Policy {
	return oracle.Policy{Strict: r.p.Strict, LevelOf: r.p.Levels}
}

// Run runs cases once each, Params.Parallel at a time (scheduled as
// [Runner.Repeat] does), and returns their results in case id order. It never
// fails: a case that cannot run gets an error verdict. When ctx ends, the
// cases not started yet are skipped.
func (r *Runner) Run(ctx context.Context, cases []*casefile.Case) result.Run {
	run := result.Run{
		Implementation: r.p.Driver.Name(),
		Strict:         r.p.Strict,
		TimeScale:      r.p.TimeScale,
		Started:        time.Now(),
		Cases:          make([]result.CaseResult, len(cases)),
	}
	for i, runs := range r.Repeat(ctx, cases, 1, Hooks{}) {
		run.Cases[i] = runs[0]
	}
	slices.SortStableFunc(run.Cases, func(a, b result.CaseResult) int { return strings.Compare(a.ID, b.ID) })
	run.Duration = time.Since(run.Started)
	return run
}

// notStarted is the result of a case the run did not start because ctx
// ended first: a skip marked [result.InterruptedQueued].
func notStarted(ctx context.Context, c *casefile.Case) result.CaseResult {
	res := skipped(c, "not run: run interrupted ("+context.Cause(ctx).Error()+")")
	res.Interrupted = result.InterruptedQueued
	return res
}

// cutShort turns the result of an attempt that ctx ended (an interrupt)
// into a skip marked [result.InterruptedRunning], keeping what it observed:
// a case stopped half-way has no verdict, and its stop is neither the
// implementation's failure nor the harness's error.
func cutShort(ctx context.Context, res result.CaseResult) result.CaseResult {
	why := "cut short: run interrupted (" + context.Cause(ctx).Error() + ")"
	if res.Verdict != result.Skip && res.Verdict != result.Pass && res.Reason != "" {
		why += "; so far: " + res.Reason
	}
	res.Verdict, res.Reason, res.Mismatches, res.Interrupted = result.Skip, why, nil, result.InterruptedRunning
	return res
}

// skipped returns a skip result for c.
func skipped(c *casefile.Case, why string) result.CaseResult {
	return result.CaseResult{ID: c.ID, Title: c.Title, Pos: c.Pos.String(), Requirements: c.Requirements,
		Verdict: result.Skip, Reason: why}
}
