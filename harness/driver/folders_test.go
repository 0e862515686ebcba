package driver

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFolders: a fresh sandbox has an empty folder per base directory;
// Place writes files at any depth ("" meaning DocumentsDirectory) and
// refuses names that leave their folder; List returns every file, hidden
// ones too, sorted, with bounded heads; Remove deletes it all.
func TestFolders(t *testing.T) {
	t.Parallel()
	f, err := NewFolders(t.TempDir(), "folders-")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Dirs) != len(BaseDirs()) {
		t.Fatalf("dirs %v, want one per base directory", f.Dirs)
	}
	if list, err := f.List(64); err != nil || len(list) != 0 {
		t.Fatalf("fresh sandbox lists %v, %v", list, err)
	}
	for _, file := range []File{
		{Dir: "", Name: "a.txt", Content: "hello world"},
		{Dir: CachesDirectory, Name: "deep/er/.part", Content: ""},
		{Dir: TemporaryDirectory, Name: "b.bin", Content: "\x00\xff"},
	} {
		if err := f.Place(file); err != nil {
			t.Fatalf("place %s: %v", file.Name, err)
		}
	}
	for _, bad := range []File{{Dir: DocumentsDirectory, Name: "../x"}, {Dir: DocumentsDirectory, Name: "/etc/x"},
		{Dir: "HomeDirectory", Name: "x"}} {
		if err := f.Place(bad); err == nil {
			t.Errorf("place %q in %q succeeded", bad.Name, bad.Dir)
		}
	}
	list, err := f.List(4)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("hello world"))
	want := []FileInfo{
		{Dir: CachesDirectory, Name: "deep/er/.part", SHA256: hex.EncodeToString(sha256.New().Sum(nil))},
		{Dir: DocumentsDirectory, Name: "a.txt", Size: 11, SHA256: hex.EncodeToString(sum[:]), Head: "hell"},
	}
	if len(list) != 3 || list[0] != want[0] || list[1] != want[1] || list[2].Head != "\x00\xff" {
		t.Errorf("list = %+v, want %+v and TemporaryDirectory/b.bin", list, want)
	}
	if err := f.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.Root); !os.IsNotExist(err) {
		t.Errorf("root %s after Remove: %v", f.Root, err)
	}
	if !strings.HasPrefix(f.Dirs[DocumentsDirectory], f.Root) {
		t.Errorf("folders %v outside the root %s", f.Dirs, f.Root)
	}
}

// TestListSkipsVanishedFiles: a file named by the folder's listing that no
// longer exists when it is opened (a running download's temporary file,
// renamed away in between; here a link to nothing) is left out, not an
// error: the runner lists the folders while calls run (after a cancel).
func TestListSkipsVanishedFiles(t *testing.T) {
	t.Parallel()
	f, err := NewFolders(t.TempDir(), "folders-")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Place(File{Name: "kept.txt", Content: "x"}); err != nil {
		t.Fatal(err)
	}
	doc := f.Dirs[DocumentsDirectory]
	if err := os.Symlink(filepath.Join(doc, "gone.part"), filepath.Join(doc, ".tmp.part")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	list, err := f.List(0)
	if err != nil || len(list) != 1 || list[0].Name != "kept.txt" {
		t.Errorf("List = %+v, %v; want kept.txt alone", list, err)
	}
}
