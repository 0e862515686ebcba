//go:build unix

package mockserver

import "syscall"

// openFileLimit returns the soft limit on open file descriptors (Go raises
// it to the hard limit at start), and false if it cannot be read.
func openFileLimit() (uint64, bool) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, false
	}
	return lim.Cur, true
}
