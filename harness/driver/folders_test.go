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

// TestListSkipsLinks: symbolic links are not listed (what a link leads to is
// listed where it is), a dangling one neither: a given link to another base
// directory, or a link to nothing, is no error.
func TestListSkipsLinks(t *testing.T) {
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
	if err := f.PlaceLink(DocumentsDirectory, "sub/tmp", TemporaryDirectory, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.Place(File{Dir: TemporaryDirectory, Name: "t.bin", Content: "t"}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(doc, "sub", "tmp", "t.bin")); err != nil || string(got) != "t" {
		t.Fatalf("through the link: %q, %v", got, err)
	}
	list, err := f.List(0)
	if err != nil || len(list) != 2 || list[0].Name != "kept.txt" || list[1].Dir != TemporaryDirectory {
		t.Errorf("List = %+v, %v; want kept.txt and TemporaryDirectory/t.bin", list, err)
	}
	if err := f.PlaceLink(DocumentsDirectory, "bad", "HomeDirectory", ""); err == nil {
		t.Error("a link to an unknown base directory was placed")
	}
	if err := f.PlaceLink(DocumentsDirectory, "bad", TemporaryDirectory, "../.."); err == nil {
		t.Error("a link out of the sandbox was placed")
	}
}
