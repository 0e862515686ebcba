package reports

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/result"
)

// other is a second run: another implementation where files.error-keeps
// passes and cancel.at-began was not run.
func other() Report {
	rep := fixture()
	rep.Info.Implementation, rep.Info.Version = "lua-sim", "2.0"
	rep.Run.Cases = slices.Clone(rep.Run.Cases[1:])
	for i := range rep.Run.Cases {
		if rep.Run.Cases[i].ID == "files.error-keeps" {
			rep.Run.Cases[i].Verdict, rep.Run.Cases[i].Mismatches = result.Pass, nil
		}
	}
	return rep
}

func TestRenderCompare(t *testing.T) {
	t.Parallel()
	// The second run goes through report.json, as `netconform report` does.
	js := render(t, func(w *bytes.Buffer) error { return WriteJSON(w, other()) })
	second, err := ReadJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	b := render(t, func(w *bytes.Buffer) error { return RenderCompare(w, []Report{fixture(), second}) })
	doc := parseHTML(t, b)
	heads := doc.byID("cases-matrix").all(class("run"))
	if len(heads) != 2 || !strings.HasPrefix(heads[0].text(), "netconform reference 0.1.0") ||
		!strings.HasPrefix(heads[1].text(), "lua-sim 2.0") {
		t.Fatalf("run columns = %d", len(heads))
	}
	rows := map[string]*node{}
	for _, r := range doc.all(func(n *node) bool { return n.Attrs["data-case"] != "" || n.Attrs["data-rule"] != "" }) {
		rows[r.Attrs["data-case"]+r.Attrs["data-rule"]] = r
	}
	verdicts := func(id string) []string {
		var out []string
		for _, c := range rows[id].all(class("cell")) {
			out = append(out, c.Attrs["data-verdict"])
		}
		return out
	}
	tests := []struct {
		row     string
		want    []string
		differs bool
	}{
		{"files.error-keeps", []string{"fail", "pass"}, true},
		{"cancel.at-began", []string{"pass", ""}, true},
		{"events.download-progress", []string{"pass", "pass"}, false},
		{"F2", []string{"fail", "pass"}, true},
		{"U1", []string{"untested", "untested"}, false},
	}
	for _, tc := range tests {
		if rows[tc.row] == nil {
			t.Errorf("no row %s", tc.row)
			continue
		}
		if got := verdicts(tc.row); !slices.Equal(got, tc.want) {
			t.Errorf("%s cells = %v, want %v", tc.row, got, tc.want)
		}
		if got := strings.Contains(rows[tc.row].Attrs["class"], "differs"); got != tc.differs {
			t.Errorf("%s differs = %v, want %v", tc.row, got, tc.differs)
		}
	}
	fail := rows["files.error-keeps"].all(class("cell"))[0]
	if !strings.Contains(fail.Attrs["title"], "ended.response [main] (F2 must)") || !strings.Contains(fail.Attrs["title"], "and 2 more") {
		t.Errorf("fail cell tooltip = %q", fail.Attrs["title"])
	}
	if n := len(doc.all(tag("script"))); n != 1 {
		t.Errorf("%d scripts", n)
	}
}

func TestRenderCompareNoRuns(t *testing.T) {
	t.Parallel()
	if err := RenderCompare(&bytes.Buffer{}, nil); err == nil {
		t.Error("RenderCompare(nil) succeeded")
	}
}
