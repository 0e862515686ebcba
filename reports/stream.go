package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/netconform/netconform/harness/result"
)

// The "type" of each line of the stream `netconform run --json` writes.
const (
	StreamTypeCase    = "case"
	StreamTypeSummary = "summary"
)

// StreamCase is one line of the stream `netconform run --json` writes on
// stdout: one run of one case, written as it ends (so in the order the
// runs end, not in id order). Its verdict is the run's own; whether the
// expectations allow it is judged at the end, in the [StreamSummary].
type StreamCase struct {
	// Type is [StreamTypeCase].
	Type string `json:"type"`
	// Implementation names the implementation the case ran on.
	Implementation string `json:"implementation"`
	// ID is the case id; Run the pass, from 1 (with --repeat N, 1 to N).
	ID  string `json:"id"`
	Run int    `json:"run"`
	// Verdict, Level and Reason are the run's ([result.CaseResult]).
	Verdict result.Verdict `json:"verdict"`
	Level   result.Level   `json:"level,omitempty"`
	Reason  string         `json:"reason,omitempty"`
	// Headline is the outcome on one line, the same from run to run
	// ([result.CaseResult.Headline]); empty for a pass.
	Headline string `json:"headline,omitempty"`
	// Pos is where the case is defined, file:line:col.
	Pos string `json:"pos,omitempty"`
	// Requirements are the rules the case checks.
	Requirements []string `json:"requirements"`
	// DurationMs is the case's wall time.
	DurationMs float64 `json:"durationMs"`
	// Attempts is how many attempts the runner made, when more than one.
	Attempts int `json:"attempts,omitempty"`
	// Interrupted marks a case an interrupted run did not finish.
	Interrupted result.Interruption `json:"interrupted,omitempty"`
	// Mismatches are the checks that did not hold.
	Mismatches []result.Mismatch `json:"mismatches,omitempty"`
}

// NewStreamCase returns the stream line of run rep (from 0) of res on
// implementation impl.
func NewStreamCase(impl string, res result.CaseResult, rep int) StreamCase {
	sc := StreamCase{Type: StreamTypeCase, Implementation: impl, ID: res.ID, Run: rep + 1, Verdict: res.Verdict,
		Level: res.Level, Reason: res.Reason, Pos: res.Pos, Requirements: nonNil(res.Requirements),
		DurationMs: ms(res.Duration), Interrupted: res.Interrupted, Mismatches: res.Mismatches}
	if res.Verdict != result.Pass {
		sc.Headline = res.Headline()
	}
	if n := res.AttemptCount(); n > 1 {
		sc.Attempts = n
	}
	return sc
}

// StreamSummary is the last line of the stream `netconform run --json`
// writes: the totals over every implementation, as the closing lines of
// the human output give them, and the exit code.
type StreamSummary struct {
	// Type is [StreamTypeSummary].
	Type string `json:"type"`
	// Summary counts the judged cases by verdict (with --repeat, each case
	// once: its worst run).
	Summary
	// UnexpectedCount counts the outcomes the expectations did not allow;
	// Unexpected lists them. ExpectedNonPass counts the non-passing
	// outcomes an expectations file allowed.
	UnexpectedCount int                `json:"unexpectedCount"`
	Unexpected      []StreamUnexpected `json:"unexpected"`
	ExpectedNonPass int                `json:"expectedNonPass"`
	// Interrupted names the signal that interrupted the run; empty when
	// it completed.
	Interrupted string `json:"interrupted,omitempty"`
	// Reports are the files written (empty with --out "").
	Reports []string `json:"reports"`
	// DurationMs is the run's wall time.
	DurationMs float64 `json:"durationMs"`
	// ExitCode is the code netconform exits with.
	ExitCode int `json:"exitCode"`
	// Implementations are each implementation's own totals, when the run
	// had several.
	Implementations []StreamImplementation `json:"implementations,omitempty"`
}

// StreamUnexpected is an outcome the expectations did not allow.
type StreamUnexpected struct {
	Implementation string `json:"implementation"`
	ID             string `json:"id"`
	// Got is what happened ("fail", "flaky", "unexpected pass", ...); Want
	// what the expectations allow ("pass", "[pass, fail]").
	Got  string `json:"got"`
	Want string `json:"want"`
}

// StreamImplementation is one implementation's totals in a
// [StreamSummary].
type StreamImplementation struct {
	Implementation string `json:"implementation"`
	Summary
	UnexpectedCount int `json:"unexpectedCount"`
}

// WriteStream writes one stream line: v (a [StreamCase] or a
// [StreamSummary]) as compact JSON, HTML characters unescaped, then a
// newline. JSON escapes every control character, so a line is safe on a
// terminal whatever an implementation put in its fields.
func WriteStream(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // one line, ending in a newline
		return fmt.Errorf("write json line: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write json line: %w", err)
	}
	return nil
}
