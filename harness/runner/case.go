package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/oracle"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
)

// errDeadline is the cause of a case context that reached the case's deadline.
var errDeadline = errors.New("case deadline exceeded")

// errSessionEnded is the cause of a case context whose session's events
// ended: after Close, or because the session broke.
var errSessionEnded = errors.New("the session's events ended")

// skipError marks a case the session cannot run (a missing capability).
type skipError struct{ why string }

func (e *skipError) Error() string { return e.why }

// execution is one run of one case.
type execution struct {
	r      *Runner
	c      *casefile.Case
	calls  []*casefile.Call
	scale  float64
	budget time.Duration
	ns     string
	sb     *localSandbox // the folders Config.Dirs names
	files  sandbox       // where the session's files are: sb, or the driver's own
	fj     *fileJournal  // the changes in sb's folders, when files is sb
	sess   driver.Session
	insts  []*instance
	st     *state

	started time.Time     // when the attempt began
	stall   time.Duration // longest stall the watch saw (see stall.go)
	stallAt time.Time     // when it began

	mu      sync.Mutex // guards drvErrs
	drvErrs []error    // the driver broke (an error verdict)
}

// Case runs one case and returns its graded result. It never fails: a case
// the harness or driver could not run gets Verdict Error with the reason, a
// case whose calls are still pending at its deadline fails with them named.
// ctx ending (an interrupt) before the case finished gives a skip marked
// [result.InterruptedRunning] (see cutShort), with what it observed so far. An attempt during
// which the host stalled the process beyond stallTolerance is void and the
// case runs again, at most Params.MaxAttempts times in all (see stall.go); the
// result is the last attempt's, with Attempts and VoidAttempts saying what
// happened, and its logs name the void ones. When the last attempt was void
// too, the verdict stands and Reason says that its timing was unobservable.
func (r *Runner) Case(ctx context.Context, c *casefile.Case) result.CaseResult {
	var voids []result.VoidAttempt
	for attempt := 1; ; attempt++ {
		res, ex := r.attempt(ctx, c)
		if ctx.Err() != nil && res.Verdict != result.Skip {
			// The interrupt may have cut any step short (the settle window, the
			// wait for the server): no verdict of this attempt can be trusted.
			res = cutShort(ctx, res)
		}
		void := ex.stall > stallTolerance
		last := attempt >= r.p.maxAttempts() || ctx.Err() != nil || res.Verdict == result.Skip
		if void {
			voids = append(voids, voidAttempt(attempt, res.Verdict, ex, !last))
		}
		if !void || last {
			res.Attempts, res.VoidAttempts = attempt, voids
			for _, v := range voids {
				res.Logs = append(res.Logs, "runner: "+v.Note)
			}
			if void {
				res.Reason = voidReason(res.Reason, voids[len(voids)-1])
			}
			return res
		}
	}
}

// attempt runs one case once and grades it; the execution tells how long
// the host stalled it.
func (r *Runner) attempt(ctx context.Context, c *casefile.Case) (result.CaseResult, *execution) {
	ex := &execution{r: r, c: c, calls: caseCalls(c), scale: max(r.p.TimeScale, c.MinScale), started: time.Now()}
	ex.ns = c.ID + "." + r.id + "." + strconv.FormatInt(r.runs.Add(1), 10)
	res := result.CaseResult{ID: c.ID, Title: c.Title, Pos: c.Pos.String(), Requirements: c.Requirements}
	pol := r.Policy()
	if why := r.Stopped(); why != "" {
		res.Level, res.Verdict, res.Reason = pol.CaseLevel(c.Level, c.Requirements), result.Error, "not run: "+why
		return res, ex
	}
	obs, err := ex.run(ctx)
	res.TimeScale = ex.scale
	res.Start = obs.Start.Round(0) // wall clock only, as the journal
	res.Journal = obs.Journal
	res.Files = changes(obs.FilesBefore, obs.FilesAfter)
	res.FileJournal = obs.FileJournal
	if ex.st != nil {
		// Once, now that the session is closed: the oracle's view and the
		// report's trace come from the same collection.
		obs.Calls, res.Trace = ex.st.observe()
		res.Logs = ex.logs()
	}
	res.Duration = time.Since(ex.started)
	var sk *skipError
	switch {
	case errors.As(err, &sk):
		res.Level, res.Verdict, res.Reason = pol.CaseLevel(c.Level, c.Requirements), result.Skip, sk.why
		return res, ex
	case err != nil:
		res.Level, res.Verdict, res.Reason = pol.CaseLevel(c.Level, c.Requirements), result.Error, err.Error()
		return res, ex
	}
	j := pol.Judge(c, obs)
	res.Level, res.Verdict, res.Reason, res.Mismatches = j.Level, j.Verdict, j.Reason, j.Mismatches
	return res, ex
}

// caseCalls returns the case's calls with defaults filled in, as copies.
func caseCalls(c *casefile.Case) []*casefile.Call {
	src := c.Calls
	if len(src) == 0 && c.Call != nil {
		src = []*casefile.Call{c.Call}
	}
	out := make([]*casefile.Call, len(src))
	for i, cl := range src {
		cp := *cl
		if cp.ID == "" {
			cp.ID = "main"
		}
		if cp.Fn == "" {
			cp.Fn = casefile.FnRequest
		}
		out[i] = &cp
	}
	return out
}

// logs returns the session's log lines followed by the runner's notes.
func (ex *execution) logs() []string {
	var out []string
	if ex.sess != nil {
		out = append(out, ex.sess.Logs()...)
	}
	ex.st.mu.Lock()
	defer ex.st.mu.Unlock()
	for _, n := range ex.st.notes {
		out = append(out, "runner: "+n)
	}
	return out
}

// driverBroke records a driver failure.
func (ex *execution) driverBroke(err error) {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	ex.drvErrs = append(ex.drvErrs, err)
}

// run executes the case. It returns the observation (without Calls: the
// caller observes the collected state once, see attempt), with the calls
// still pending at the deadline, and an error when the case could not be run
// or judged (skipError for a missing capability).
func (ex *execution) run(ctx context.Context) (oracle.Observation, error) {
	var obs oracle.Observation
	ex.budget = ex.caseBudget()
	openCtx, stopOpen := context.WithTimeoutCause(ctx, ex.budget, errDeadline)
	defer stopOpen()

	sb, err := newSandbox(ex.r.p.TempDir, ex.c.ID)
	if err != nil {
		return obs, err
	}
	ex.sb = sb
	defer func() { _ = sb.remove() }()
	fx := ex.r.p.Fixture
	b := caseBases(fx.URLs(), ex.ns, ex.r.refused)
	err = ex.open(openCtx, b)
	if sk := (*skipError)(nil); err == nil || errors.As(err, &sk) {
		ex.r.opened(nil) // a missing capability is no setup error
	} else if ctx.Err() == nil {
		ex.r.opened(err)
	}
	// A driver that does not scale time runs the case, and its deadline
	// counts, at scale 1 (open set ex.scale).
	ex.budget = ex.caseBudget()
	runCtx, stop := context.WithTimeoutCause(ctx, ex.budget-time.Since(ex.started), errDeadline)
	defer stop()
	closed := false
	defer func() {
		// Also after open failed with a session opened (a missing
		// capability): the driver's process must not outlive the case.
		if ex.sess != nil && !closed {
			_ = ex.closeSession(ctx)
		}
	}()
	if err != nil {
		return obs, err
	}
	if err := ex.files.place(runCtx, expandGiven(ex.c.Given.Files, b)); err != nil {
		return obs, err
	}
	if err := fx.Install(ex.ns, ex.c.Server, b.installOptions(ex.scale)...); err != nil {
		return obs, fmt.Errorf("install scenario: %w", err)
	}
	defer fx.Remove(ex.ns)
	ex.instances(b)
	if obs.FilesBefore, err = ex.files.snapshot(runCtx); err != nil {
		return obs, err
	}
	ex.st = newState(time.Now(), ex.insts)
	if ex.files == sandbox(sb) {
		if ex.fj, err = startJournal(sb.Folders, ex.st.start); err != nil {
			ex.st.note(fmt.Sprintf("no file journal (the checks read the folders before and after): %v", err))
		} else {
			defer func() {
				if ex.fj != nil { // the run ended early
					_, _ = ex.fj.stop()
				}
			}()
		}
	}
	watch := ex.r.watch()
	watching := true
	stopWatch := func() {
		if watching {
			watching = false
			ex.stall, ex.stallAt = watch.Stop()
		}
	}
	defer stopWatch()
	obs.Start, obs.TimeScale = ex.st.start, ex.scale
	// A driver closes Events only on Close, or when the session broke (a
	// device gone, a process dead): then no call can finish, and the case
	// ends now with the session's error rather than at its deadline.
	runCtx, broke := context.WithCancelCause(runCtx)
	defer broke(nil)
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		ex.st.collect(ex.sess.Events())
		broke(errSessionEnded)
	}()

	pending := ex.drive(runCtx)
	broken := errors.Is(context.Cause(runCtx), errSessionEnded) // before the close ends the events anyway
	if ctx.Err() != nil {
		// Interrupted from outside: still close and drain before returning.
		_ = ex.closeSession(ctx)
		closed = true
		ex.drain(collected)
		return obs, fmt.Errorf("case interrupted: %w", context.Cause(ctx))
	}
	if len(pending) == 0 {
		ex.settle(ctx)
	}
	ex.awaitQuiet(ctx)
	stopWatch()
	var lookErr error
	if ex.files.live() { // the driver's own folders: looked at while the session is open
		obs.FilesAfter, lookErr = ex.files.snapshot(ctx)
	}
	if ex.fj != nil {
		ex.fj.mark(true)
	}
	closeErr := ex.closeSession(ctx)
	closed = true
	if err := ex.drain(collected); err != nil {
		return obs, err
	}
	obs.Journal = fx.Journal(ex.ns)
	if !ex.files.live() {
		obs.FilesAfter, lookErr = ex.files.snapshot(ctx)
	}
	if ex.fj != nil {
		var jerr error
		if obs.FileJournal, jerr = ex.fj.stop(); jerr != nil {
			ex.st.note(fmt.Sprintf("file journal incomplete, not used (the checks read the folders before and after): %v", jerr))
		}
		ex.fj = nil
	}
	ex.mu.Lock()
	drvErr := errors.Join(ex.drvErrs...)
	ex.mu.Unlock()
	if drvErr != nil {
		return obs, fmt.Errorf("driver failed: %w", drvErr)
	}
	if lookErr != nil {
		return obs, lookErr
	}
	if closeErr != nil {
		return obs, closeErr
	}
	if len(pending) > 0 && broken {
		return obs, fmt.Errorf("%s session: its events ended before its calls did (the driver broke)", ex.r.p.Driver.Name())
	}
	obs.Deadline, obs.Pending = ex.budget, ex.pendingCalls(pending)
	return obs, nil
}

// caseBudget is the case's deadline at its scale: its scaled budget, the
// runner's allowance and the time to place its given files.
func (ex *execution) caseBudget() time.Duration {
	budget := DefaultBudget
	if ex.c.Budget > 0 {
		budget = time.Duration(ex.c.Budget)
	}
	return scaleDur(budget, ex.scale) + ex.r.p.CaseDeadline + placeAllowance(ex.c.Given.Files)
}

// open starts the driver session and checks its capabilities; a session that
// cannot scale time makes the case run at scale 1.
func (ex *execution) open(ctx context.Context, b bases) error {
	fx := ex.r.p.Fixture
	cfg := driver.Config{Dirs: ex.sb.Dirs, CAFile: fx.CAFile(), CAPEM: string(fx.CACertPEM()), TimeScale: ex.scale,
		BaseURLs: b.urls()}
	sess, err := ex.r.p.Driver.Open(ctx, cfg)
	if err != nil {
		return fmt.Errorf("open %s session: %w", ex.r.p.Driver.Name(), err)
	}
	ex.sess = sess
	if ex.files, err = chooseSandbox(ex.sb, sess); err != nil {
		return fmt.Errorf("open %s session: %w", ex.r.p.Driver.Name(), err)
	}
	caps := sess.Capabilities()
	if !caps.TimeScale && ex.scale != 1 {
		ex.r.noteFixedScale(ex.scale)
		ex.scale = 1
	}
	for _, cl := range ex.calls {
		if !slices.Contains(caps.Fns, string(cl.Fn)) {
			return &skipError{why: fmt.Sprintf("driver %s does not support network.%s", ex.r.p.Driver.Name(), cl.Fn)}
		}
	}
	for _, a := range ex.c.Actions {
		if a.InListener && !caps.CancelInListener {
			return &skipError{why: fmt.Sprintf("driver %s cannot cancel from inside a listener", ex.r.p.Driver.Name())}
		}
	}
	return nil
}

// instances expands the calls into instances with templated arguments.
func (ex *execution) instances(b bases) {
	for _, cl := range ex.calls {
		n := max(cl.Repeat, 1)
		for i := 1; i <= n; i++ {
			name := cl.ID
			if n > 1 {
				name = cl.ID + "#" + strconv.Itoa(i)
			}
			in := &instance{call: cl, name: name, n: i, url: b.expand(cl.URL, i)}
			in.dcall = driver.Call{Fn: string(cl.Fn), URL: in.url, Method: cl.Method, NoListener: cl.Listener == "none"}
			if cl.Params != nil {
				in.dcall.Params, _ = b.expandAny(cl.Params, i).(map[string]any)
			}
			in.dcall.Filename = optional(b.expand(cl.Filename, i))
			in.dcall.BaseDirectory = optional(cl.BaseDirectory)
			in.dcall.ContentType = optional(cl.ContentType)
			ex.insts = append(ex.insts, in)
		}
	}
	for _, a := range ex.c.Actions {
		if a.InListener && a.Cancel != "" {
			for _, in := range ex.instancesOf(a.Cancel) {
				in.dcall.CancelInListener = string(a.At)
			}
		}
	}
}

// optional returns nil for "" (a nil Lua argument), else a pointer to s.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// instancesOf returns the instances of a call id, or the one instance named.
func (ex *execution) instancesOf(id string) []*instance {
	var out []*instance
	for _, in := range ex.insts {
		if in.call.ID == id || in.name == id {
			out = append(out, in)
		}
	}
	return out
}

// pendingCalls describes the instances pending at the deadline for the
// oracle, which blames them.
func (ex *execution) pendingCalls(pending []*instance) []oracle.Pending {
	var out []oracle.Pending
	ex.st.mu.Lock()
	defer ex.st.mu.Unlock()
	for _, in := range pending {
		p := oracle.Pending{Call: in.call.ID, Instance: in.name, Started: in.started, Blocked: in.blocked}
		if l := ex.st.logs[in.token]; l != nil && in.token != "" {
			for _, ev := range l.events {
				if ph, ok := ev.Fields[trace.FieldPhase].(string); ok {
					p.Phases = append(p.Phases, ph)
				}
			}
		}
		out = append(out, p)
	}
	return out
}
