package reports

import (
	"bytes"
	"encoding/xml"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/result"
)

// The JUnit shape as a consumer reads it, independent of the writer's types.
type xSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    *int     `xml:"tests,attr"`
	Failures *int     `xml:"failures,attr"`
	Errors   *int     `xml:"errors,attr"`
	Skipped  *int     `xml:"skipped,attr"`
	Time     *string  `xml:"time,attr"`
	Suites   []xSuite `xml:"testsuite"`
}

type xSuite struct {
	Name     string  `xml:"name,attr"`
	Tests    *int    `xml:"tests,attr"`
	Failures *int    `xml:"failures,attr"`
	Errors   *int    `xml:"errors,attr"`
	Skipped  *int    `xml:"skipped,attr"`
	Time     *string `xml:"time,attr"`
	Cases    []xCase `xml:"testcase"`
}

type xCase struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr"`
	Failure   []xMsg   `xml:"failure"`
	Error     []xMsg   `xml:"error"`
	Skipped   []xMsg   `xml:"skipped"`
	SystemOut string   `xml:"system-out"`
	Props     []xProp  `xml:"properties>property"`
	Other     []xOther `xml:",any"`
}

type xMsg struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type xProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type xOther struct{ XMLName xml.Name }

// parseJUnit parses junit.xml and checks the common JUnit XSD rules: counts
// and time on testsuites and testsuite, counts that add up, name and
// classname on every testcase, at most one outcome element per testcase, and
// message and type on failures and errors.
func parseJUnit(t *testing.T, b []byte) (xSuites, map[string]xCase) {
	t.Helper()
	var doc xSuites
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("junit.xml does not parse: %v\n%s", err, b)
	}
	counts := func(where string, tests, fails, errs, skips *int, tm *string) {
		if tests == nil || fails == nil || errs == nil || skips == nil || tm == nil {
			t.Fatalf("%s lacks one of tests, failures, errors, skipped, time", where)
		}
		if _, err := strconv.ParseFloat(*tm, 64); err != nil {
			t.Errorf("%s time %q is not a number", where, *tm)
		}
	}
	counts("testsuites", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, doc.Time)
	byName := map[string]xCase{}
	var sum [4]int
	for _, s := range doc.Suites {
		counts("testsuite "+s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, s.Time)
		var got [4]int
		for _, c := range s.Cases {
			if c.Name == "" || c.Classname == "" {
				t.Errorf("testcase %q lacks name or classname (%q)", c.Name, c.Classname)
			}
			if _, err := strconv.ParseFloat(c.Time, 64); err != nil {
				t.Errorf("testcase %s time %q is not a number", c.Name, c.Time)
			}
			if n := len(c.Failure) + len(c.Error) + len(c.Skipped); n > 1 {
				t.Errorf("testcase %s has %d outcome elements", c.Name, n)
			}
			for _, m := range append(c.Failure, c.Error...) {
				if m.Message == "" || m.Type == "" {
					t.Errorf("testcase %s: failure/error without message or type: %+v", c.Name, m)
				}
			}
			for _, o := range c.Other {
				switch o.XMLName.Local {
				case "failure", "error", "skipped", "system-out", "system-err", "properties":
				default:
					t.Errorf("testcase %s has unexpected element %s", c.Name, o.XMLName.Local)
				}
			}
			got[0]++
			got[1] += len(c.Failure)
			got[2] += len(c.Error)
			got[3] += len(c.Skipped)
			byName[c.Name] = c
		}
		if want := [4]int{*s.Tests, *s.Failures, *s.Errors, *s.Skipped}; got != want {
			t.Errorf("testsuite %s counts %v, children give %v", s.Name, want, got)
		}
		for i := range sum {
			sum[i] += got[i]
		}
	}
	if want := [4]int{*doc.Tests, *doc.Failures, *doc.Errors, *doc.Skipped}; sum != want {
		t.Errorf("testsuites counts %v, suites give %v", want, sum)
	}
	return doc, byName
}

func TestJUnitMapping(t *testing.T) {
	t.Parallel()
	rep := fixture()
	b := render(t, func(w *bytes.Buffer) error { return WriteJUnit(w, rep) })
	doc, cases := parseJUnit(t, b)
	if len(cases) != len(rep.Run.Cases) || *doc.Tests != 7 || *doc.Failures != 1 || *doc.Errors != 1 || *doc.Skipped != 1 {
		t.Fatalf("got %d cases, counts %d/%d/%d/%d", len(cases), *doc.Tests, *doc.Failures, *doc.Errors, *doc.Skipped)
	}
	if c := cases["files.error-keeps"]; len(c.Failure) != 1 || c.Failure[0].Type != "must" ||
		c.Failure[0].Message != "cases/files/error-keeps.yaml:14:7: ended.response [main] (F2 must), and 2 more" ||
		!strings.Contains(c.Failure[0].Text, "want: DocumentsDirectory/a.txt unchanged") ||
		c.Classname != "netconform.files" {
		t.Errorf("fail case = %+v", c)
	}
	if c := cases["timeouts.idle"]; len(c.Error) != 1 || c.Error[0].Type != "harness" ||
		c.Error[0].Message != "driver failed: session closed unexpectedly" {
		t.Errorf("error case = %+v", c)
	}
	if c := cases["tls.untrusted"]; len(c.Skipped) != 1 || !strings.Contains(c.Skipped[0].Message, "does not support") {
		t.Errorf("skip case = %+v", c)
	}
	if c := cases["redirects.303-get"]; len(c.Failure)+len(c.Error)+len(c.Skipped) != 0 ||
		!strings.HasPrefix(c.SystemOut, "WARN:") || !strings.Contains(c.SystemOut, "got:  POST") {
		t.Errorf("warn case = %+v", c)
	}
	if c := cases["events.response-type"]; len(c.Failure) != 0 || len(c.Props) != 1 || c.Props[0].Name != "info.E11" ||
		!strings.Contains(c.Props[0].Value, `got "binary"`) {
		t.Errorf("info case = %+v", c)
	}
	if c := cases["cancel.at-began"]; len(c.Failure)+len(c.Error)+len(c.Skipped)+len(c.Props) != 0 || c.SystemOut != "" {
		t.Errorf("pass case = %+v", c)
	}
	// A pass after two void attempts: properties, no other output.
	if c := cases["events.download-progress"]; len(c.Failure)+len(c.Error)+len(c.Skipped) != 0 || c.SystemOut != "" ||
		!slices.Equal(c.Props, []xProp{{"attempts", "3"}, {"attempts.voided", "2"},
			{"attempts.voided.1", "attempt 1 (fail): host stalled 496 ms at +120 ms"},
			{"attempts.voided.2", "attempt 2 (pass): host stalled 180 ms at +3 ms"}}) {
		t.Errorf("re-run pass case = %+v", c)
	}
	// A verdict from a void attempt says so in properties and in the text.
	if c := cases["redirects.303-get"]; !slices.Contains(c.Props, xProp{"attempts.voidResult", "true"}) ||
		!strings.Contains(c.SystemOut, "attempts: 3 attempts: all 3 voided") ||
		!strings.Contains(c.SystemOut, "reason: result from a void attempt") {
		t.Errorf("void warn case = %+v", c)
	}
}

// TestJUnitVoidPass: a pass whose verdict is from a void attempt gets a
// VOID system-out, since a JUnit viewer shows no property of a passing test.
func TestJUnitVoidPass(t *testing.T) {
	t.Parallel()
	rep := fixture()
	c := &rep.Run.Cases[1]
	c.VoidAttempts = append(c.VoidAttempts, voided(3, result.Pass, 300, 1, false))
	b := render(t, func(w *bytes.Buffer) error { return WriteJUnit(w, rep) })
	_, cases := parseJUnit(t, b)
	got := cases["events.download-progress"]
	if !strings.HasPrefix(got.SystemOut, "VOID: the verdict comes from a voided attempt") ||
		!strings.Contains(got.SystemOut, "attempts: 3 attempts: all 3 voided — host stalled 496 ms, 180 ms, 300 ms") ||
		!slices.Contains(got.Props, xProp{"attempts.voidResult", "true"}) {
		t.Errorf("void pass case = %+v", got)
	}
}

func TestJUnitStrictShouldFailure(t *testing.T) {
	t.Parallel()
	rep := fixture()
	rep.Run.Strict = true
	for i := range rep.Run.Cases {
		if rep.Run.Cases[i].Verdict == result.Warn {
			rep.Run.Cases[i].Verdict = result.Fail
		}
	}
	b := render(t, func(w *bytes.Buffer) error { return WriteJUnit(w, rep) })
	_, cases := parseJUnit(t, b)
	if c := cases["redirects.303-get"]; len(c.Failure) != 1 || c.Failure[0].Type != "should" {
		t.Errorf("strict should mismatch = %+v, want a failure of type should", c)
	}
}

func TestJUnitHostileText(t *testing.T) {
	t.Parallel()
	rep := fixture()
	c := &rep.Run.Cases[3]
	c.Mismatches[0].Got = "bin\x00\x01\x1b ]]> <x> & \"q\" \xff"
	c.Reason = "]]>\x00"
	c.ID = "files.<&>"
	b := render(t, func(w *bytes.Buffer) error { return WriteJUnit(w, rep) })
	_, cases := parseJUnit(t, b)
	got := cases["files.<&>"]
	if len(got.Failure) != 1 || !strings.Contains(got.Failure[0].Text, "]]> <x> & \"q\"") {
		t.Errorf("hostile text did not survive: %+v", got)
	}
}

func TestJUnitEmptyRun(t *testing.T) {
	t.Parallel()
	b := render(t, func(w *bytes.Buffer) error { return WriteJUnit(w, Report{}) })
	doc, _ := parseJUnit(t, b)
	if *doc.Tests != 0 || len(doc.Suites) != 0 {
		t.Errorf("empty run = %+v", doc)
	}
}
