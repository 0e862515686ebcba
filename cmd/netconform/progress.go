package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/internal/termtext"
	"github.com/netconform/netconform/reports"
)

// Progress display settings.
const (
	// redrawEvery is how often the live line is redrawn between case ends,
	// so that the running times of slow cases move.
	redrawEvery = 250 * time.Millisecond
	// slowAfter is how long a case runs before the live line names it.
	slowAfter = time.Second
	// maxSlowShown is how many slow cases the live line names.
	maxSlowShown = 3
	// defaultWidth is the terminal width when $COLUMNS does not say.
	defaultWidth = 100
)

// isTerminal reports whether w is a character device (a terminal) and TERM
// is not "dumb".
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// termWidth returns $COLUMNS, else defaultWidth.
func termWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 20 {
		return n
	}
	return defaultWidth
}

// progress prints the run as it goes. Live mode (a terminal without -v)
// redraws one status line with \r: done/total, failures so far, void
// attempts so far when any, and the cases running for longer than slowAfter;
// a failing case, or one whose verdict comes from a void attempt, is printed
// above it as it ends. Plain mode prints one line per case run as it ends, with
// the mismatches of a failing one (and with verbose, its trace and journal).
// It is safe for concurrent use.
type progress struct {
	w       io.Writer
	live    bool
	verbose bool
	width   int
	repeat  int
	now     func() time.Time

	mu      sync.Mutex // guards the fields below and writes to w
	total   int
	done    int
	failed  int
	voided  int                  // void attempts so far (the runner re-ran or kept them)
	running map[string]time.Time // "id#rep" → start
	drawn   bool                 // a live line is on screen
	last    string               // the live line on screen
	stop    chan struct{}
	stopped chan struct{}
}

// newProgress returns a progress printer; live selects the redrawn status
// line. Call start before the run and finish after it.
func newProgress(w io.Writer, live, verbose bool, width, repeat int) *progress {
	return &progress{w: w, live: live && !verbose, verbose: verbose, width: width, repeat: repeat, now: time.Now,
		running: map[string]time.Time{}}
}

// start records the number of runs and, in live mode, starts redrawing.
func (p *progress) start(total int) {
	p.mu.Lock()
	p.total = total
	p.mu.Unlock()
	if !p.live {
		return
	}
	p.stop, p.stopped = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.stopped)
		t := time.NewTicker(redrawEvery)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.mu.Lock()
				p.draw()
				p.mu.Unlock()
			}
		}
	}()
}

// finish stops redrawing, erases the live line and ends it, so that what
// follows (the closing "N passed, N failed") starts a line of its own in the
// byte stream too, as a CI log recorded through a terminal reads it.
func (p *progress) finish() {
	if p.stop != nil {
		close(p.stop)
		<-p.stopped
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		p.clear()
		fmt.Fprintln(p.w)
	}
}

// runKey names one run of a case: "id#2" is its second run.
func runKey(id string, rep int) string { return id + "#" + strconv.Itoa(rep+1) }

func (p *progress) caseStarted(id string, rep int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running[runKey(id, rep)] = p.now()
}

func (p *progress) caseDone(res result.CaseResult, rep int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.running, runKey(res.ID, rep))
	p.done++
	if res.Verdict.Failed() {
		p.failed++
	}
	p.voided += len(res.VoidAttempts)
	// Live mode prints failures, and a verdict that comes from a void
	// attempt: whatever it is, nobody should take it for a clean one.
	if p.live && !res.Verdict.Failed() && !res.LastAttemptVoid() {
		p.draw()
		return
	}
	p.clear()
	p.caseLines(res, rep)
	if p.live {
		p.draw()
	}
}

// caseLines prints one case run: a verdict line (with its attempts when the
// runner voided any, see [reports.AttemptsLine]) ending, for a verdict other
// than pass, in the case's headline ([result.CaseResult.Headline]: the same
// from run to run); then for a failing verdict (any non-pass one with
// verbose) its details ([result.CaseResult.Details]): the mismatches, and
// with verbose the trace, the journal and the logs.
//
// Everything the implementation controls is cleaned of terminal controls
// first ([cleanResult]).
func (p *progress) caseLines(res result.CaseResult, rep int) {
	res = cleanResult(res)
	id := res.ID
	if p.repeat > 1 {
		id += fmt.Sprintf(" #%d", rep+1)
	}
	line := fmt.Sprintf("%-5s %s (%s)", strings.ToUpper(string(res.Verdict)), id, fmtDur(res.Duration))
	if a := reports.AttemptsLine(res); a != "" {
		line += " [" + a + "]"
	}
	if h := res.Headline(); h != "" && res.Verdict != result.Pass {
		line += ": " + h
	}
	fmt.Fprintln(p.w, line)
	if res.Verdict.Failed() || (p.verbose && res.Verdict != result.Pass) {
		details := res.Details("      ", result.DetailParts{Trace: p.verbose, Journal: p.verbose, Logs: p.verbose})
		fmt.Fprint(p.w, termtext.CleanLines(details))
	}
}

// clear erases the live line, if one is drawn.
func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

// draw redraws the live line: "[ 12/120] 1 failed · slow: a 3.1s, b 1.2s".
func (p *progress) draw() {
	if !p.live || p.total == 0 {
		return
	}
	digits := len(strconv.Itoa(p.total))
	line := fmt.Sprintf("[%*d/%d] %d failed", digits, p.done, p.total, p.failed)
	if p.voided > 0 {
		line += fmt.Sprintf(" · %d voided", p.voided)
	}
	if slow := p.slow(); len(slow) > 0 {
		line += " · slow: " + strings.Join(slow, ", ")
	}
	if r := []rune(line); len(r) > p.width-1 {
		line = string(r[:p.width-2]) + "…"
	}
	if p.drawn && line == p.last {
		return
	}
	fmt.Fprint(p.w, "\r\033[K"+line)
	p.drawn, p.last = true, line
}

// slow returns the longest-running cases past slowAfter, longest first.
func (p *progress) slow() []string {
	type run struct {
		key string
		age time.Duration
	}
	now := p.now()
	var runs []run
	for k, t := range p.running {
		if d := now.Sub(t); d >= slowAfter {
			runs = append(runs, run{k, d})
		}
	}
	slices.SortFunc(runs, func(a, b run) int {
		if c := cmp.Compare(b.age, a.age); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	var out []string
	for i, r := range runs {
		if i == maxSlowShown {
			break
		}
		name := r.key
		if p.repeat <= 1 {
			name, _, _ = strings.Cut(name, "#")
		}
		out = append(out, fmt.Sprintf("%s %.1fs", name, r.age.Seconds()))
	}
	return out
}

// fmtDur renders a duration for humans: "12ms", "1.25s".
func fmtDur(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}
