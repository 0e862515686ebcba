package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// call runs a command function in process and returns the exit code,
// stdout and stderr.
func call(t *testing.T, f func(context.Context, []string, io.Writer, io.Writer) int, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := f(t.Context(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestListTable(t *testing.T) {
	t.Parallel()
	code, out, errs := call(t, runList, "--id", "redirects.*", "--level", "must")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "CASE ") || !strings.Contains(out, "\nRULE ") {
		t.Fatalf("want a case table then a rule table:\n%s", out)
	}
	cases, rules, _ := strings.Cut(out, "\nRULE ")
	for _, line := range strings.Split(strings.TrimSpace(cases), "\n")[1:] {
		if strings.HasPrefix(line, "(") {
			continue
		}
		if !strings.HasPrefix(line, "redirects.") || !strings.Contains(line, " must ") {
			t.Errorf("listed case outside the selection: %q", line)
		}
	}
	if !strings.Contains(rules, "D1 ") || strings.Contains(rules, "\nF1 ") {
		t.Errorf("with a filter the rules must be those the cases name (D1 yes, F1 no):\n%s", rules)
	}
}

func TestListJSONWhole(t *testing.T) {
	t.Parallel()
	code, out, errs := call(t, runList, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc listing
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("list --json is not JSON: %v", err)
	}
	if len(doc.Cases) < 100 || len(doc.Requirements) < 40 {
		t.Fatalf("got %d cases, %d requirements; want the whole embedded set and catalogue", len(doc.Cases),
			len(doc.Requirements))
	}
	for _, r := range doc.Requirements {
		if r.ID == "E8" && len(r.Cases) == 0 {
			t.Errorf("E8 lists no case")
		}
	}
	for _, c := range doc.Cases {
		if c.Pos == "" || c.Level == "" || len(c.Requirements) == 0 {
			t.Errorf("case %+v lacks pos, level or requirements", c)
		}
	}
}

func TestListLabelsAndWhat(t *testing.T) {
	t.Parallel()
	// Flags after the positional argument work too.
	code, out, errs := call(t, runList, "requirements", "--label", "req:C4", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc listing
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) != 0 {
		t.Errorf("list requirements printed cases")
	}
	found := false
	for _, r := range doc.Requirements {
		found = found || r.ID == "C4"
	}
	if !found {
		t.Errorf("C4 missing from %+v", doc.Requirements)
	}
	code, out, _ = call(t, runList, "cases", "--label", "cancel,!req:C4", "--json")
	if code != 0 {
		t.Fatal(code)
	}
	doc = listing{}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) == 0 {
		t.Fatal("no cancel case listed")
	}
	for _, c := range doc.Cases {
		for _, r := range c.Requirements {
			if r == "C4" || c.Area != "cancel" {
				t.Errorf("case %s (area %s, reqs %v) should be excluded", c.ID, c.Area, c.Requirements)
			}
		}
	}
}

func TestListUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"everything"}, {"cases", "extra"}, {"--level", "may"}, {"--nope"}} {
		if code, _, _ := call(t, runList, args...); code != 2 {
			t.Errorf("list %v: exit %d, want 2", args, code)
		}
	}
}
