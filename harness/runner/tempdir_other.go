//go:build !linux

package runner

// usableTmpfs is false off Linux: sandboxes stay in os.TempDir.
func usableTmpfs(string, int64) bool { return false }
