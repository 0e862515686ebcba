//go:build unix

package execdriver

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// inOwnGroup starts cmd as the leader of a new process group, so that the
// driver and every process it starts (a `sh -c` wrapper's child, a forked
// helper) can be signalled together.
func inOwnGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interruptGroup sends SIGINT to cmd's whole process group, or to cmd's
// process alone when the group cannot be signalled.
func interruptGroup(cmd *exec.Cmd) error {
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err == nil || errors.Is(err, syscall.ESRCH) {
		return err
	}
	return cmd.Process.Signal(os.Interrupt)
}

// killGroup kills what is left of the process group led by pid, once its
// leader has exited: processes the driver started and did not end.
func killGroup(pid int) {
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}
