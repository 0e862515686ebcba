// Package result holds what running a case produced: the verdict, the
// mismatches that led to it, and everything observed (the event trace, the
// server journal, the sandbox files, the driver's log lines), in a form that
// reports render and that marshals to stable JSON.
//
// A non-conforming implementation is a result, not a Go error: a failing case
// has Verdict Fail and Mismatches. Verdict Error means the harness or the
// driver broke (JUnit <error>, not <failure>).
//
// The package owns the result model: the verdicts and their order, the one
// [Level] type that the catalogue, the cases and graded mismatches share.
// Which verdict a case gets is the oracle's decision (oracle.Policy); this
// package only records it.
package result

import (
	"time"

	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

// Verdict is the outcome of one case.
type Verdict string

// The verdicts, from worst to best as [Verdict.Worse] orders them (Skip aside).
const (
	// Error: the harness or the driver broke; the case says nothing about
	// conformance.
	Error Verdict = "error"
	// Fail: a must mismatch, or a should mismatch in strict mode.
	Fail Verdict = "fail"
	// Warn: a should mismatch in non-strict mode.
	Warn Verdict = "warn"
	// Info: only info mismatches; the observation is recorded, never a failure.
	Info Verdict = "info"
	// Pass: no mismatch.
	Pass Verdict = "pass"
	// Skip: the case was not run (filtered out, or the driver lacks a
	// capability the case needs); Reason says why.
	Skip Verdict = "skip"
)

// Worse reports whether v is a worse outcome than w (error > fail > warn >
// info > pass > skip).
func (v Verdict) Worse(w Verdict) bool { return v.rank() > w.rank() }

// Failed reports whether the verdict fails a run (Error or Fail).
func (v Verdict) Failed() bool { return v == Error || v == Fail }

func (v Verdict) rank() int {
	switch v {
	case Error:
		return 5
	case Fail:
		return 4
	case Warn:
		return 3
	case Info:
		return 2
	case Pass:
		return 1
	}
	return 0
}

// Mismatch is one expectation the observation did not meet.
type Mismatch struct {
	// Requirement is the rule the check is attributed to, e.g. "F2".
	Requirement string `json:"requirement"`
	// Invariant names the built-in invariant that failed; empty for the
	// case's own checks.
	Invariant string `json:"invariant,omitempty"`
	// Call is the call instance concerned, e.g. "main" or "c#3"; empty for
	// checks on files or the journal as a whole.
	Call string `json:"call,omitempty"`
	// Check names the check, e.g. "ended.status", "trace", "files[0]".
	Check string `json:"check"`
	// Want says what was expected; Got what was observed.
	Want string `json:"want"`
	Got  string `json:"got"`
	// Pos is where the expectation is, "file:line:col".
	Pos string `json:"pos,omitempty"`
	// Level is the level the mismatch was graded at (set by the oracle's
	// policy, oracle.Policy.Grade).
	Level Level `json:"level,omitempty"`
}

// FileState is a sandbox file as seen at one moment.
type FileState struct {
	// Dir is the base directory constant name, e.g. "DocumentsDirectory".
	Dir string `json:"dir"`
	// Name is the path relative to Dir, "/"-separated.
	Name string `json:"name"`
	// Size is the size in bytes.
	Size int64 `json:"size"`
	// SHA256 is the hex SHA-256 of the content.
	SHA256 string `json:"sha256"`
	// Head is the first bytes of the content (up to [HeadLimit]).
	Head []byte `json:"head,omitempty"`
}

// HeadLimit is how many leading bytes a FileState keeps.
const HeadLimit = 64

// FileChange is a sandbox file before the first call and after the run; a
// nil side means the file did not exist then.
type FileChange struct {
	// Before is the state before the first call.
	Before *FileState `json:"before,omitempty"`
	// After is the state after the run.
	After *FileState `json:"after,omitempty"`
}

// The operations of a [FileEvent].
const (
	// FileCreate: the name appeared (a new file, or another name renamed
	// onto it, replacing what it held).
	FileCreate = "create"
	// FileWrite: the file's content changed in place.
	FileWrite = "write"
	// FileRemove: the name was removed.
	FileRemove = "remove"
	// FileRename: the name was renamed away (its new name comes as a
	// create).
	FileRename = "rename"
	// FileClose is no file change: the harness began closing the session
	// (every change before it in the journal happened before that).
	FileClose = "close"
)

// FileEvent is one change the harness saw in a sandbox folder while a case
// ran: the file journal, recorded from the operating system's file change
// notifications.
type FileEvent struct {
	// At is when the harness saw it, from the case start.
	At time.Duration `json:"at"`
	// Op is what happened: FileCreate, FileWrite, FileRemove, FileRename
	// or FileClose.
	Op string `json:"op"`
	// Dir is the base directory constant name, Name the path relative to
	// it ("/"-separated), as in [FileState]; empty for FileClose.
	Dir  string `json:"dir,omitempty"`
	Name string `json:"name,omitempty"`
	// Count is how many writes in a row this FileWrite stands for (more
	// than one when consecutive writes to the file were merged), the last
	// at Last.
	Count int           `json:"count,omitempty"`
	Last  time.Duration `json:"last,omitempty"`
}

// CaseResult is the outcome of one case with everything needed to explain it.
type CaseResult struct {
	// ID is the case id.
	ID string `json:"id"`
	// Title is the case title.
	Title string `json:"title"`
	// Pos is where the case is defined, "file:line:col".
	Pos string `json:"pos,omitempty"`
	// Requirements are the requirement ids the case checks.
	Requirements []string `json:"requirements"`
	// Level is the case's level (override or strongest requirement).
	Level Level `json:"level"`
	// Verdict is the outcome.
	Verdict Verdict `json:"verdict"`
	// Reason explains an Error or Skip verdict (or summarises a Fail).
	Reason string `json:"reason,omitempty"`
	// Mismatches are the checks that did not hold, in check order.
	Mismatches []Mismatch `json:"mismatches,omitempty"`
	// TimeScale is the time scale the case ran at.
	TimeScale float64 `json:"timeScale,omitempty"`
	// Start is the wall-clock time zero of the trace: every trace.Event At
	// is measured from it, while the journal's times are wall clock, so
	// Start.Add(e.At) puts a client event on the server's clock. Zero when
	// unknown (a result from an older report, or a case that never got to
	// its first call).
	Start time.Time `json:"start,omitzero"`
	// Duration is the wall time the case took.
	Duration time.Duration `json:"duration"`
	// Trace is every event delivered, in delivery order.
	Trace []trace.Event `json:"trace"`
	// Journal is the mock server's journal of the case.
	Journal []mockserver.Record `json:"journal"`
	// Files are the sandbox files that existed before or after, by name.
	Files []FileChange `json:"files,omitempty"`
	// FileJournal is what changed in the sandbox folders between the first
	// call and the look after the run, in order; nil when it was not
	// recorded (the folders are on the driver's side, or the system gave
	// no notifications).
	FileJournal []FileEvent `json:"fileJournal,omitempty"`
	// Logs are the implementation's log lines (e.g. call-time errors).
	Logs []string `json:"logs,omitempty"`
	// Attempts is how many attempts the runner made: more than 1 when it
	// voided attempts and ran the case again (see VoidAttempts). Zero means
	// one (a result the runner did not make); [CaseResult.AttemptCount]
	// reads it.
	Attempts int `json:"attempts,omitempty"`
	// VoidAttempts are the attempts the runner voided because the host
	// stalled the process while they ran, in attempt order. When the last
	// one is the result's own attempt ([CaseResult.LastAttemptVoid]), no
	// attempt was left: the verdict stands, but its timing was not
	// observable.
	VoidAttempts []VoidAttempt `json:"voidAttempts,omitempty"`
	// Interrupted is set when the run was interrupted (a signal) before the
	// case could finish: [InterruptedRunning] for a case cut short,
	// [InterruptedQueued] for one that never started. Such a case has
	// Verdict Skip: it says nothing about conformance, and it is neither a
	// failure nor an error of the harness.
	Interrupted Interruption `json:"interrupted,omitempty"`
}

// Interruption says how an interrupted run left a case ([CaseResult.Interrupted]).
type Interruption string

// The ways an interrupted run leaves a case.
const (
	// InterruptedRunning: the case was running and was cut short; what it
	// observed until then is kept, but it has no verdict.
	InterruptedRunning Interruption = "running"
	// InterruptedQueued: the case had not started.
	InterruptedQueued Interruption = "queued"
)

// Run is the outcome of a whole run.
type Run struct {
	// Implementation names the implementation under test.
	Implementation string `json:"implementation"`
	// Strict reports whether should mismatches failed the run.
	Strict bool `json:"strict"`
	// TimeScale is the run's time scale (cases may run slower, see minScale).
	TimeScale float64 `json:"timeScale"`
	// Started is when the run started.
	Started time.Time `json:"started"`
	// Duration is the wall time of the run.
	Duration time.Duration `json:"duration"`
	// Cases are the case results, in case id order.
	Cases []CaseResult `json:"cases"`
}

// Counts returns how many cases got each verdict.
func (r *Run) Counts() map[Verdict]int {
	out := make(map[Verdict]int)
	for _, c := range r.Cases {
		out[c.Verdict]++
	}
	return out
}

// Failed reports whether any case failed or errored.
func (r *Run) Failed() bool {
	for _, c := range r.Cases {
		if c.Verdict.Failed() {
			return true
		}
	}
	return false
}
