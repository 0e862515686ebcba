package runner

import (
	"os"
	"runtime"
	"testing"
)

func TestChooseTempDir(t *testing.T) {
	t.Parallel()
	yes := func() bool { return true }
	no := func() bool { return false }
	for _, tc := range []struct {
		name   string
		tmpdir string
		shmOK  func() bool
		want   string
	}{
		{"TMPDIR set wins", "/somewhere", yes, os.TempDir()},
		{"tmpfs with room", "", yes, shmDir},
		{"no usable tmpfs", "", no, os.TempDir()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := chooseTempDir(tc.tmpdir, tc.shmOK); got != tc.want {
				t.Fatalf("chooseTempDir(%q) = %q, want %q", tc.tmpdir, got, tc.want)
			}
		})
	}
}

func TestUsableTmpfs(t *testing.T) {
	t.Parallel()
	if usableTmpfs(t.TempDir()+"/missing", 0) {
		t.Fatal("a missing folder is usable")
	}
	if runtime.GOOS != "linux" || !usableTmpfs(shmDir, 0) {
		t.Skipf("no writable tmpfs at %s here", shmDir)
	}
	if usableTmpfs(shmDir, 1<<62) {
		t.Fatal("a tmpfs without 4 EiB free is usable for 4 EiB")
	}
	// The chosen folder takes a sandbox.
	sb, err := newSandbox(shmDir, "tempdir-test")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.remove(); err != nil {
		t.Fatal(err)
	}
}
