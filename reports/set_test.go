package reports

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDirNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		names, want []string
	}{
		{[]string{"solar2d:ios", "solar2d:android"}, []string{"solar2d_ios", "solar2d_android"}},
		{[]string{"../../etc", "a/b\\c", ".hidden", "..", "", "ünï"}, []string{"_._.__etc", "a_b_c", "_hidden", "_.", "_", "__n__"}},
		{[]string{"lua 5.1", "x.y-z_1"}, []string{"lua_5.1", "x.y-z_1"}},
		{[]string{strings.Repeat("a", 100)}, []string{strings.Repeat("a", 64)}},
		// Folders that would coincide, also by case only, or with the
		// comparison page, get the name's hash.
		{[]string{"a:b", "a/b", "A_B", "c", "compare.html"},
			[]string{"a_b-6783a31e", "a_b-c14cddc0", "A_B-6c1908f9", "c", "compare.html-4858763f"}},
	}
	for _, tc := range tests {
		got := DirNames(tc.names)
		if !slices.Equal(got, tc.want) {
			t.Errorf("DirNames(%q) = %q, want %q", tc.names, got, tc.want)
		}
		for _, d := range got {
			if strings.ContainsAny(d, `/\`) || strings.Contains(d, "..") || strings.HasPrefix(d, ".") {
				t.Errorf("folder %q of %q is not a plain folder name", d, tc.names)
			}
		}
	}
	// Order does not change a name's folder.
	a := DirNames([]string{"a:b", "a/b", "c"})
	b := DirNames([]string{"c", "a/b", "a:b"})
	if a[0] != b[2] || a[1] != b[1] || a[2] != b[0] {
		t.Errorf("folders depend on order: %q, %q", a, b)
	}
}

func TestWriteSet(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out")
	one, two := fixture(), other()
	one.Info.Implementation, one.Info.Version = "solar2d:ios", ""
	two.Info.Implementation, two.Info.Version = "solar2d:android", ""
	w, err := WriteSet(dir, []Report{one, two})
	if err != nil {
		t.Fatal(err)
	}
	wantDirs := []string{filepath.Join(dir, "solar2d_ios"), filepath.Join(dir, "solar2d_android")}
	if !slices.Equal(w.Dirs, wantDirs) || w.Compare != filepath.Join(dir, CompareFile) {
		t.Fatalf("wrote %+v, want folders %q and %s", w, wantDirs, CompareFile)
	}
	for i, paths := range w.Reports {
		if len(paths) != 4 {
			t.Fatalf("report %d: %q, want four files", i, paths)
		}
		f, err := os.Open(filepath.Join(wantDirs[i], JSONFile))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := ReadJSON(f)
		_ = f.Close()
		if err != nil || rep.name() != []string{"solar2d:ios", "solar2d:android"}[i] {
			t.Errorf("%s holds %q (%v)", wantDirs[i], rep.name(), err)
		}
	}
	b, err := os.ReadFile(w.Compare)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, b)
	var links []string
	for _, a := range doc.byID("cases-matrix").all(tag("a")) {
		links = append(links, a.Attrs["href"])
	}
	if !slices.Equal(links, []string{"solar2d_ios/report.html", "solar2d_android/report.html"}) {
		t.Errorf("column links %q, want each run's report.html", links)
	}
	var differs bool
	for _, r := range doc.all(func(n *node) bool { return n.Attrs["data-case"] == "files.error-keeps" }) {
		differs = strings.Contains(r.Attrs["class"], "differs")
	}
	if !differs {
		t.Error("the case the runs disagree on is not marked")
	}
	if _, err := WriteSet(dir, nil); err == nil {
		t.Error("WriteSet with no runs succeeded")
	}
}

func TestWriteSetBadDir(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := WriteSet(file, []Report{fixture()})
	if err == nil || w.Compare != "" || len(w.Reports[0]) != 0 {
		t.Errorf("WriteSet under a file = %+v, %v; want an error and nothing written", w, err)
	}
	if err := WriteCompare(filepath.Join(file, "c.html"), []Report{fixture()}); err == nil {
		t.Error("WriteCompare under a file succeeded")
	}
}
