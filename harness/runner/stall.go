package runner

import (
	"fmt"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/result"
)

// Stall detection. A case's timing judgements (a timeout that must or must
// not fire, a lower bound between two moments) hold only if the host ran
// the case's goroutines on time. On a loaded machine the whole process is
// sometimes frozen for seconds (measured by a separate probe process on the
// 2-core CI box: 3.6 s while compilers ran), and after such a freeze every
// timer that expired fires at once, in any order: a 1.5 s timeout beats the
// server's 1 s delay, and the case fails although the implementation did
// nothing wrong. No case margin survives that at a small time scale.
//
// So each attempt of a case runs a stall watch: a goroutine that sleeps
// stallProbe at a time and measures how late it wakes. An attempt during
// which the process stalled longer than stallTolerance did not observe the
// implementation faithfully: it is void, whatever its verdict, and the case
// runs again (at most Params.MaxAttempts in all). The decision depends only on the
// host, never on the verdict, so a real failure fails again in a clean
// attempt; the report notes every void attempt. Cases keep every timing
// margin above stallTolerance at the scale they run (see cases/README or
// the case comments), so a stall the watch lets through cannot flip them.
const (
	// stallProbe is the stall watch's sleep.
	stallProbe = 10 * time.Millisecond
	// stallTolerance is the longest stall an attempt may see and still count.
	stallTolerance = 100 * time.Millisecond
	// DefaultMaxAttempts bounds the attempts of one case when
	// Params.MaxAttempts is 0.
	DefaultMaxAttempts = 3
)

// stallMeter is a running stall watch.
type stallMeter interface {
	// Stop ends the watch and returns the longest stall and when it began.
	Stop() (time.Duration, time.Time)
}

// stallWatch measures how late a sleeping goroutine wakes while it runs.
type stallWatch struct {
	stop chan struct{}
	done chan struct{}
	woke chan<- struct{} // nil, or told (without blocking) after each probe; tests wait on it

	mu    sync.Mutex    // guards worst and at
	worst time.Duration // longest lateness seen
	at    time.Time     // when the worst stall began
}

// watchStalls starts a stall watch; Stop ends it.
func watchStalls() stallMeter { return startStallWatch(nil) }

// startStallWatch starts a stall watch that tells woke, when not nil, after
// each probe.
func startStallWatch(woke chan<- struct{}) *stallWatch {
	w := &stallWatch{stop: make(chan struct{}), done: make(chan struct{}), woke: woke}
	go w.loop()
	return w
}

// loop sleeps stallProbe at a time until stopped, recording lateness. The
// lateness is read from the clock after the wake-up: the value a timer
// channel delivers is the time the timer was due (Go 1.23 and later
// subtract the runtime's delay), so it never shows a stall.
func (w *stallWatch) loop() {
	defer close(w.done)
	t := time.NewTimer(stallProbe)
	defer t.Stop()
	due := time.Now().Add(stallProbe)
	for {
		select {
		case <-w.stop:
			w.saw(time.Since(due), due) // a stall may be under way
			return
		case <-t.C:
			now := time.Now()
			w.saw(now.Sub(due), due)
			due = now.Add(stallProbe)
			t.Reset(stallProbe)
			if w.woke != nil {
				select {
				case w.woke <- struct{}{}:
				default:
				}
			}
		}
	}
}

// saw records a wake-up late by d after due.
func (w *stallWatch) saw(d time.Duration, due time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if d > w.worst {
		w.worst, w.at = d, due
	}
}

// Stop ends the watch and returns the longest stall and when it began; a
// stall under way when Stop is called counts too.
func (w *stallWatch) Stop() (time.Duration, time.Time) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.worst, w.at
}

// voidAttempt describes an attempt voided by a stall the execution saw;
// retried says whether the case runs again.
func voidAttempt(attempt int, v result.Verdict, ex *execution, retried bool) result.VoidAttempt {
	va := result.VoidAttempt{Attempt: attempt, Verdict: v, Stall: ex.stall, At: ex.stallAt.Sub(ex.started)}
	va.Note = stallNote(va, retried)
	return va
}

// stallNote describes a void attempt for the report.
func stallNote(v result.VoidAttempt, retried bool) string {
	what := "the case ran again"
	if !retried {
		what = fmt.Sprintf("no attempt left (%d made); this result may be void", v.Attempt)
	}
	return fmt.Sprintf("attempt %d: the host stalled this process for %s at +%s (tolerance %s): timing unobservable, %s",
		v.Attempt, v.Stall.Round(time.Millisecond), v.At.Round(time.Millisecond), stallTolerance, what)
}

// voidReason is the Reason of a result whose own attempt was void: its
// reason, if any, then a sentence saying so, so that every report and the
// CLI line show it.
func voidReason(reason string, v result.VoidAttempt) string {
	note := fmt.Sprintf("result from a void attempt (%d, host stalled %s), none left: verdict kept, timing unobservable",
		v.Attempt, v.Stall.Round(time.Millisecond))
	if reason == "" {
		return note
	}
	return reason + "; " + note
}
