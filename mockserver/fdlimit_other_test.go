//go:build !unix

package mockserver

// openFileLimit reports no known limit on systems without RLIMIT_NOFILE.
func openFileLimit() (uint64, bool) { return 0, false }
