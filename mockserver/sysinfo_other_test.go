//go:build !unix

package mockserver

import "time"

// openFileLimit reports no known limit on systems without RLIMIT_NOFILE.
func openFileLimit() (uint64, bool) { return 0, false }

// processCPU reports that the process CPU time is not available.
func processCPU() (time.Duration, bool) { return 0, false }
