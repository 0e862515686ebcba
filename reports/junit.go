package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/netconform/netconform/harness/result"
)

// The JUnit document, in the common JUnit XML format: testsuites > testsuite
// (one per case area) > testcase. Failure, error and skipped are as the
// package documentation says.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Stamp    string       `xml:"timestamp,attr,omitempty"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string      `xml:"name,attr"`
	Tests      int         `xml:"tests,attr"`
	Failures   int         `xml:"failures,attr"`
	Errors     int         `xml:"errors,attr"`
	Skipped    int         `xml:"skipped,attr"`
	Time       string      `xml:"time,attr"`
	Stamp      string      `xml:"timestamp,attr,omitempty"`
	Hostname   string      `xml:"hostname,attr,omitempty"`
	Properties *junitProps `xml:"properties,omitempty"`
	Cases      []junitCase `xml:"testcase"`
	dur        time.Duration
}

type junitProps struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name       string        `xml:"name,attr"`
	Classname  string        `xml:"classname,attr"`
	Time       string        `xml:"time,attr"`
	File       string        `xml:"file,attr,omitempty"`
	Properties *junitProps   `xml:"properties,omitempty"`
	Skipped    *junitMessage `xml:"skipped,omitempty"`
	Error      *junitMessage `xml:"error,omitempty"`
	Failure    *junitMessage `xml:"failure,omitempty"`
	SystemOut  *junitText    `xml:"system-out,omitempty"`
}

// junitText is element text written as CDATA, so multi-line details stay
// readable in the raw file.
type junitText struct {
	Text string `xml:",cdata"`
}

type junitMessage struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}

// WriteJUnit writes rep as junit.xml: one testsuite per case area (the
// classname is "netconform.<area>", the name the case id), with the run
// information as properties of each suite.
func WriteJUnit(w io.Writer, rep Report) error {
	doc := junitSuites{Name: "netconform " + rep.label()}
	stamp := ""
	if s := rep.started(); !s.IsZero() {
		stamp = s.UTC().Format("2006-01-02T15:04:05")
	}
	doc.Stamp = stamp
	props := runProperties(rep)
	index := map[string]int{}
	for _, c := range rep.Run.Cases {
		area := Area(c.ID)
		i, ok := index[area]
		if !ok {
			i = len(doc.Suites)
			index[area] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: area, Stamp: stamp, Hostname: rep.Info.Host.Name,
				Properties: props})
		}
		s := &doc.Suites[i]
		jc := junitTestCase(c, rep.Run.Strict)
		s.Cases = append(s.Cases, jc)
		s.Tests++
		s.dur += c.Duration
		switch {
		case jc.Failure != nil:
			s.Failures++
		case jc.Error != nil:
			s.Errors++
		case jc.Skipped != nil:
			s.Skipped++
		}
	}
	var total time.Duration
	for i := range doc.Suites {
		s := &doc.Suites[i]
		s.Time = seconds(s.dur)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		total += s.dur
	}
	if d := rep.duration(); d > 0 {
		total = d
	}
	doc.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

// junitTestCase maps one case result to a testcase.
func junitTestCase(c result.CaseResult, strict bool) junitCase {
	jc := junitCase{Name: c.ID, Classname: "netconform." + Area(c.ID), Time: seconds(c.Duration), File: posFile(c.Pos)}
	switch c.Verdict {
	case result.Skip:
		jc.Skipped = &junitMessage{Message: c.Headline()}
	case result.Error:
		jc.Error = &junitMessage{Message: c.Headline(), Type: "harness", Text: caseDetail(c)}
	case result.Fail:
		typ := result.LevelMust // the strongest level that failed
		if failing := mismatchesWith(c.Mismatches, strict, result.Fail); len(failing) > 0 {
			typ = failing[0].Level
			for _, m := range failing {
				if m.Level.Stronger(typ) {
					typ = m.Level
				}
			}
		}
		if !typ.Valid() {
			typ = result.LevelMust
		}
		jc.Failure = &junitMessage{Message: c.Headline(), Type: string(typ), Text: caseDetail(c)}
	case result.Warn:
		jc.SystemOut = &junitText{Text: "WARN: should-level mismatches; the case passes outside strict mode.\n" +
			caseDetail(c)}
	default:
		if c.LastAttemptVoid() {
			jc.SystemOut = &junitText{Text: "VOID: the verdict comes from a voided attempt (the host stalled the run " +
				"and no attempt was left); its timing was not observable.\n" + caseDetail(c)}
		}
	}
	props := attemptProps(c)
	for _, m := range c.Mismatches {
		if m.Level == result.LevelInfo {
			props = append(props, junitProp{Name: "info." + m.Requirement, Value: m.Line()})
		}
	}
	if len(props) > 0 {
		jc.Properties = &junitProps{Props: props}
	}
	return jc
}

// attemptProps describes a case's attempts as JUnit properties when it ran
// more than once or had a void attempt: "attempts" (the count),
// "attempts.voided" (how many were voided), "attempts.voided.N" (one line
// per void attempt, N its number) and "attempts.voidResult" = "true" when the
// verdict is from a void attempt.
func attemptProps(c result.CaseResult) []junitProp {
	if AttemptsLine(c) == "" {
		return nil
	}
	p := []junitProp{{Name: "attempts", Value: strconv.Itoa(c.AttemptCount())},
		{Name: "attempts.voided", Value: strconv.Itoa(len(c.VoidAttempts))}}
	for _, v := range c.VoidAttempts {
		p = append(p, junitProp{Name: "attempts.voided." + strconv.Itoa(v.Attempt), Value: voidLine(v)})
	}
	if c.LastAttemptVoid() {
		p = append(p, junitProp{Name: "attempts.voidResult", Value: "true"})
	}
	return p
}

// runProperties describes the run as JUnit properties.
func runProperties(rep Report) *junitProps {
	var p []junitProp
	add := func(name, value string) {
		if value != "" {
			p = append(p, junitProp{Name: name, Value: value})
		}
	}
	add("implementation", rep.name())
	add("version", rep.Info.Version)
	add("driver", rep.Info.Driver)
	add("strict", strconv.FormatBool(rep.Run.Strict))
	add("timeScale", strconv.FormatFloat(rep.Run.TimeScale, 'g', -1, 64))
	add("host", rep.Info.Host.Name)
	add("tool", rep.Info.Tool)
	add("interrupted", partialNotice(rep))
	add("summary", Summarize(rep.Run).Line()) // the counts in the words of the other reports
	return &junitProps{Props: p}
}

// mismatchesWith returns the mismatches that give verdict v.
func mismatchesWith(ms []result.Mismatch, strict bool, v result.Verdict) []result.Mismatch {
	var out []result.Mismatch
	for _, m := range ms {
		if mismatchVerdict(m.Level, strict) == v {
			out = append(out, m)
		}
	}
	return out
}

// caseDetail is the text body of a failure, error or warning: the title,
// the case position, the reason and the attempts, then the case's details
// ([result.CaseResult.Details]: the mismatches, the trace and the logs).
func caseDetail(c result.CaseResult) string {
	var b strings.Builder
	if c.Title != "" {
		fmt.Fprintf(&b, "%s\n", c.Title)
	}
	if c.Pos != "" {
		fmt.Fprintf(&b, "case: %s\n", c.Pos)
	}
	if c.Reason != "" {
		fmt.Fprintf(&b, "reason: %s\n", c.Reason)
	}
	if a := AttemptsLine(c); a != "" {
		fmt.Fprintf(&b, "attempts: %s\n", a)
	}
	b.WriteString(c.Details("", result.DetailParts{Trace: true, Logs: true}))
	return xmlSafe(b.String())
}

// xmlSafe replaces the characters XML 1.0 cannot hold (most control
// characters, as a binary response body may have) with U+FFFD; CDATA
// sections are not escaped by encoding/xml.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, 0xD800 <= r && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, s)
}

// posFile returns the file of a "file:line:col" position.
func posFile(pos string) string {
	for range 2 {
		i := strings.LastIndexByte(pos, ':')
		if i < 0 {
			break
		}
		if _, err := strconv.Atoi(pos[i+1:]); err != nil {
			break
		}
		pos = pos[:i]
	}
	return pos
}

// seconds formats a duration as JUnit seconds with millisecond precision.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// fmtMs formats a duration as milliseconds, e.g. "12.5ms".
func fmtMs(d time.Duration) string { return strconv.FormatFloat(ms(d), 'f', -1, 64) + "ms" }

// oneLine folds whitespace runs (newlines included) into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
