package reports

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteAll(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out")
	paths, err := WriteAll(dir, fixture())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{JSONFile, JUnitFile, MarkdownFile, HTMLFile}
	if len(paths) != len(want) {
		t.Fatalf("paths = %v", paths)
	}
	for i, p := range paths {
		if filepath.Base(p) != want[i] {
			t.Errorf("path %d = %s, want %s", i, p, want[i])
		}
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
	f, err := os.Open(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rep, err := ReadJSON(f); err != nil || len(rep.Run.Cases) != 7 {
		t.Errorf("report.json reads back as %d cases, %v", len(rep.Run.Cases), err)
	}
}

func TestWriteAllBadDir(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteAll(filepath.Join(file, "sub"), fixture()); err == nil {
		t.Error("WriteAll under a file succeeded")
	}
}
