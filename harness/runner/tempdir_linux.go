package runner

import "syscall"

// tmpfsMagic is the f_type statfs reports for tmpfs.
const tmpfsMagic = 0x01021994

// usableTmpfs reports whether dir is a tmpfs this process may write to, with
// at least free bytes available.
func usableTmpfs(dir string, free int64) bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil || st.Type != tmpfsMagic {
		return false
	}
	const wOK = 2 // W_OK
	if syscall.Access(dir, wOK) != nil {
		return false
	}
	return int64(st.Bavail)*int64(st.Bsize) >= free
}
