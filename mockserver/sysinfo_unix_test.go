//go:build unix

package mockserver

import (
	"syscall"
	"time"
)

// openFileLimit returns the soft limit on open file descriptors (Go raises
// it to the hard limit at start), and false if it cannot be read.
func openFileLimit() (uint64, bool) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, false
	}
	return lim.Cur, true
}

// processCPU returns the CPU time (user and system) the process has used so
// far, and false if it cannot be read.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
