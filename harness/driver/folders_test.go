package driver

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
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
