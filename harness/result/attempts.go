package result

import "time"

// VoidAttempt is an attempt of a case that the runner voided: the host
// stalled the whole process longer than the runner tolerates while it ran,
// so its timing judgements say nothing about the implementation, whatever
// its verdict.
type VoidAttempt struct {
	// Attempt is the attempt's number, from 1.
	Attempt int `json:"attempt"`
	// Verdict is the verdict the attempt got before it was voided.
	Verdict Verdict `json:"verdict,omitempty"`
	// Stall is the longest stall the attempt saw.
	Stall time.Duration `json:"stall"`
	// At is when that stall began, from the attempt's start.
	At time.Duration `json:"at"`
	// Note is the runner's sentence about it, as its log line says it.
	Note string `json:"note,omitempty"`
}

// AttemptCount returns how many attempts made the result: Attempts, at
// least 1, and at least the number of the last void attempt.
func (c CaseResult) AttemptCount() int {
	n := max(c.Attempts, 1)
	if k := len(c.VoidAttempts); k > 0 {
		n = max(n, c.VoidAttempts[k-1].Attempt)
	}
	return n
}

// LastAttemptVoid reports whether the result comes from a voided attempt:
// every attempt allowed was voided (or the run was interrupted after a void
// one), so the case keeps a verdict whose timing was not observable.
func (c CaseResult) LastAttemptVoid() bool {
	k := len(c.VoidAttempts)
	return k > 0 && c.VoidAttempts[k-1].Attempt >= c.AttemptCount()
}

// ReRunVoids returns how many of the void attempts the runner ran the case
// again after: all of them unless the last attempt was void too.
func (c CaseResult) ReRunVoids() int {
	if c.LastAttemptVoid() {
		return len(c.VoidAttempts) - 1
	}
	return len(c.VoidAttempts)
}
