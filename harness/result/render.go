package result

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The failure text of a case, rendered here once for every reader (the
// command line, the Ginkgo suite, the JUnit report). It comes in two parts,
// as testscript's does: a headline that is the same from run to run, so that
// two failing runs diff cleanly and a CI system can group them, and details
// that say what this run saw (server URLs with their ports, sandbox paths,
// dates, the trace).

// Label names a mismatch on one line from its stable parts only: where the
// expectation is written, the check, the call instance, the rule and the
// level it was graded at:
//
//	cases/files/error-keeps.yaml:14:7: ended.response [main] (F2 must)
//
// Want and Got are left out: they hold what the run observed, which may
// differ from run to run.
func (m Mismatch) Label() string {
	var b strings.Builder
	if m.Pos != "" {
		b.WriteString(m.Pos + ": ")
	}
	b.WriteString(m.Check)
	if m.Call != "" {
		b.WriteString(" [" + m.Call + "]")
	}
	if rule := strings.TrimSpace(m.Requirement + " " + string(m.Level)); rule != "" {
		b.WriteString(" (" + rule + ")")
	}
	return b.String()
}

// Line is the mismatch on one line with what was expected and observed:
// its [Mismatch.Label], then ": want W, got G".
func (m Mismatch) Line() string { return fmt.Sprintf("%s: want %s, got %s", m.Label(), m.Want, m.Got) }

// Headline is the case's outcome on one line that is the same from run to
// run. For a case with mismatches it is the [Mismatch.Label] of the first
// mismatch graded at the strongest level (one that decided the verdict),
// then ", and N more" when there are others: a label names only what the
// case file says, so it needs no cleaning. Otherwise (an error, a skip) it is
// the Reason on one line, with loopback ports and temporary paths replaced by
// placeholders ("127.0.0.1:PORT", "$WORK" for a case's sandbox, "$TMPDIR" for
// the rest), as an error may quote them. A pass without a reason has no
// headline.
func (c CaseResult) Headline() string {
	if len(c.Mismatches) == 0 || c.Verdict == Error || c.Verdict == Skip {
		return stableText(strings.Join(strings.Fields(c.Reason), " "))
	}
	first := 0
	for i, m := range c.Mismatches {
		if m.Level.Stronger(c.Mismatches[first].Level) {
			first = i
		}
	}
	h := c.Mismatches[first].Label()
	if n := len(c.Mismatches) - 1; n > 0 {
		h += fmt.Sprintf(", and %d more", n)
	}
	return h
}

// DetailParts selects what [CaseResult.Details] renders besides the
// mismatches; the zero value renders the mismatches alone.
type DetailParts struct {
	// Trace, Journal and Logs add the events delivered, the mock server's
	// journal and the implementation's log lines.
	Trace, Journal, Logs bool
}

// Details renders what a run of the case saw, below its headline: every
// mismatch (its [Mismatch.Label], then want and got on lines of their own),
// then the parts asked for. Every line starts with indent and ends with a
// newline:
//
//	cases/files/error-keeps.yaml:14:7: ended.response [main] (F2 must)
//	  want: "not found"
//	  got:  {baseDirectory:"DocumentsDirectory" filename:"a.txt"}
//	trace:
//	    0       5ms main     ended isError=false status=404
//	journal:
//	  #1 http GET /c/files.error-keeps.1a2b3c4d.1/a status=404 sent=9 reqBytes=0 done=+2ms
//	logs:
//	  runner: settled
func (c CaseResult) Details(indent string, parts DetailParts) string {
	var b strings.Builder
	line := func(format string, args ...any) {
		b.WriteString(indent)
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	for _, m := range c.Mismatches {
		line("%s", m.Label())
		line("  want: %s", m.Want)
		line("  got:  %s", m.Got)
	}
	if parts.Trace {
		line("trace:")
		if len(c.Trace) == 0 {
			line("  (no events)")
		}
		for _, e := range c.Trace {
			line("  %3d %9s %-8s %s", e.Seq, millis(e.At), e.Call, e.Summary())
		}
	}
	if parts.Journal {
		line("journal:")
		if len(c.Journal) == 0 {
			line("  (no requests)")
		}
		for _, r := range c.Journal {
			var extra strings.Builder
			if r.Fault != "" {
				fmt.Fprintf(&extra, " fault=%s", r.Fault)
			}
			if !r.ClientClosed.IsZero() {
				fmt.Fprintf(&extra, " clientClosed=+%s", r.ClientClosed.Sub(r.Received).Round(time.Millisecond))
			}
			if !r.Done.IsZero() {
				fmt.Fprintf(&extra, " done=+%s", r.Done.Sub(r.Received).Round(time.Millisecond))
			}
			line("  #%d %s %s %s status=%d sent=%d reqBytes=%d%s", r.Seq, r.Listener, r.Method, r.Path, r.Status,
				r.BytesSent, r.RequestBytes, extra.String())
		}
	}
	if parts.Logs && len(c.Logs) > 0 {
		line("logs:")
		for _, l := range c.Logs {
			line("  %s", l)
		}
	}
	return b.String()
}

// loopbackPort matches a loopback host with its port: the mock server's and
// the refused port change with every run.
var loopbackPort = regexp.MustCompile(`(127\.0\.0\.1|localhost|\[::1\]):[0-9]{1,5}\b`)

// sandboxPath matches a path into a case's sandbox, up to and including the
// sandbox folder ("netconform-<case id>-<random>", see package runner).
var sandboxPath = regexp.MustCompile(`(?:/[^/\s"'():]+)*/netconform-[^/\s"':]+`)

// stableText replaces what changes from run to run in s: loopback ports by
// PORT, a path into a case's sandbox up to the sandbox folder by $WORK,
// another path below the temporary directory by $TMPDIR.
func stableText(s string) string {
	s = loopbackPort.ReplaceAllString(s, "${1}:PORT")
	s = sandboxPath.ReplaceAllString(s, "$$WORK")
	if tmp := strings.TrimSuffix(filepath.ToSlash(os.TempDir()), "/"); tmp != "" {
		s = regexp.MustCompile(regexp.QuoteMeta(tmp)+`/[^\s"'():]*`).ReplaceAllString(s, "$$TMPDIR")
	}
	return s
}

// millis renders a trace time in milliseconds to the microsecond: "12.5ms".
func millis(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Round(time.Microsecond))/float64(time.Millisecond), 'f', -1, 64) + "ms"
}
