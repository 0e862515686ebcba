package runner

import "os"

// shmDir is the memory-backed folder Linux systems mount for everyone.
const shmDir = "/dev/shm"

// minShmFree is the free space shmDir must have to hold sandboxes: a case
// writes at most a few MiB, and Params.Parallel cases run at once.
const minShmFree = 1 << 30

// defaultTempDir is where sandboxes go when Params.TempDir is "". Every
// case creates and removes a sandbox of five folders and lists them twice:
// on the ext4 disk of the 2-core benchmark machine that cost about 1 ms per
// case, half of it creating the folders, against 0.1 ms on tmpfs
// (docs/benchmarks.md, harness overhead). So without a $TMPDIR (the user's
// choice, always honoured) sandboxes go to /dev/shm when it is a writable
// tmpfs with room, else to os.TempDir.
func defaultTempDir() string {
	return chooseTempDir(os.Getenv("TMPDIR"), func() bool { return usableTmpfs(shmDir, minShmFree) })
}

// chooseTempDir is defaultTempDir's decision: os.TempDir when tmpdir (the
// $TMPDIR value) is set or shmOK says no, else shmDir.
func chooseTempDir(tmpdir string, shmOK func() bool) string {
	if tmpdir != "" || !shmOK() {
		return os.TempDir()
	}
	return shmDir
}
