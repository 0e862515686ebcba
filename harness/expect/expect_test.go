package expect

import (
	"slices"
	"strings"
	"testing"
)

func TestParseExpectations(t *testing.T) {
	t.Parallel()
	ex, err := Parse("e.yaml", []byte("# known results\nevents.a: fail\nevents.b: [pass, FAIL]\nevents.c: error\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		id       string
		runs     []Status
		expected bool
		want     string
	}{
		{"expected fail", "events.a", []Status{Fail}, true, "fail"},
		{"unexpected pass", "events.a", []Status{Pass}, false, "fail"},
		{"error is not fail", "events.a", []Status{Error}, false, "fail"},
		{"known flaky, both", "events.b", []Status{Pass, Fail}, true, "[pass, fail]"},
		{"known flaky, error", "events.b", []Status{Pass, Error}, false, "[pass, fail]"},
		{"no entry, pass", "events.z", []Status{Pass, Pass}, true, "pass"},
		{"no entry, skip", "events.z", []Status{Skip}, true, "pass"},
		{"no entry, one fail", "events.z", []Status{Pass, Fail}, false, "pass"},
		{"expected error", "events.c", []Status{Error}, true, "error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, want := ex.Allows(tc.id, tc.runs)
			if got != tc.expected || want != tc.want {
				t.Errorf("Allows(%s, %v) = %v, %q; want %v, %q", tc.id, tc.runs, got, want, tc.expected, tc.want)
			}
		})
	}
	if u := ex.Unknown([]string{"events.a", "events.b"}); !slices.Equal(u, []string{"events.c (e.yaml:4)"}) {
		t.Errorf("unknown = %v", u)
	}
}

func TestParseExpectationsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, doc, want string }{
		{"not a mapping", "- events.a\n", "e.yaml:1:1: want a mapping of case id to status"},
		{"unknown status", "events.a: flaky\n", `e.yaml:1:11: events.a: unknown status "flaky"`},
		{"unknown in list", "events.a: [pass, maybe]\n", `e.yaml:1:18: events.a: unknown status "maybe"`},
		{"empty list", "events.a: []\n", "e.yaml:1:11: events.a: empty list of statuses"},
		{"nested", "events.a: {x: 1}\n", "e.yaml:1:11: events.a: want a status or a list of statuses"},
		{"duplicate", "events.a: fail\nevents.a: pass\n", `e.yaml:2:1: duplicate entry for "events.a"`},
		{"bad yaml", "events.a: [\n", "e.yaml:1:11: did not find expected node content"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("e.yaml", []byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
	for _, empty := range []string{"", "# nothing\n", "~\n"} {
		ex, err := Parse("e.yaml", []byte(empty))
		if err != nil || len(ex.byID) != 0 {
			t.Errorf("parse %q: %v, %d entries; want an empty set", empty, err, len(ex.byID))
		}
	}
}
