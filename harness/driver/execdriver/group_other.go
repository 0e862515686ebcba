//go:build !unix

package execdriver

import (
	"os"
	"os/exec"
)

// inOwnGroup does nothing where process groups are not available.
func inOwnGroup(*exec.Cmd) {}

// interruptGroup interrupts cmd's process.
func interruptGroup(cmd *exec.Cmd) error { return cmd.Process.Signal(os.Interrupt) }

// killGroup does nothing where process groups are not available.
func killGroup(int) {}
