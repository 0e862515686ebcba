//go:build unix

package runner

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stallHelperEnv makes TestStallWatchHelperProcess act as the frozen process.
const stallHelperEnv = "NETCONFORM_STALL_HELPER"

// TestStallWatchSeesAFrozenProcess freezes a process running a stall watch
// (SIGSTOP, as a host that stops scheduling it) and checks that the watch's
// probes, not only Stop, report the freeze. The helper stops the watch only
// after two probes ran since it was thawed, so a stall seen only by Stop
// (the state under way when it is called) does not pass.
func TestStallWatchSeesAFrozenProcess(t *testing.T) {
	t.Parallel()
	const freeze = 300 * time.Millisecond
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestStallWatchHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), stallHelperEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start helper: %v", err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(pid, syscall.SIGCONT)
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	out := bufio.NewReader(stdout)
	if line, err := out.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("helper said %q, %v; want ready", line, err)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatalf("freeze helper: %v", err)
	}
	// The freeze under test lasts this long; nothing waits on it.
	<-time.After(freeze)
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatalf("thaw helper: %v", err)
	}
	if _, err := fmt.Fprintln(stdin, "stop"); err != nil {
		t.Fatalf("tell helper: %v", err)
	}
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("read helper's result: %v", err)
	}
	worst, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, "worst ")), 10, 64)
	if err != nil {
		t.Fatalf("helper said %q: %v", line, err)
	}
	if got, want := time.Duration(worst), freeze*2/3; got < want {
		t.Errorf("the watch saw a worst stall of %s in a %s freeze, want at least %s", got, freeze, want)
	}
}

// TestStallWatchHelperProcess is the process TestStallWatchSeesAFrozenProcess
// freezes; it does nothing unless run as that helper.
func TestStallWatchHelperProcess(t *testing.T) {
	if os.Getenv(stallHelperEnv) == "" {
		t.Skip("helper process for TestStallWatchSeesAFrozenProcess")
	}
	woke := make(chan struct{}, 1)
	w := startStallWatch(woke)
	<-woke // the watch is probing: a freeze from now on is inside its watch
	fmt.Println("ready")
	in := bufio.NewReader(os.Stdin)
	if _, err := in.ReadString('\n'); err != nil {
		w.Stop()
		t.Fatalf("read stop: %v", err)
	}
	// Thawed: let two probes run before Stop (the first token may be an
	// old one), so that Stop's own look at
	// a stall under way cannot be what reports it.
	<-woke
	<-woke
	<-woke
	worst, _ := w.Stop()
	fmt.Printf("worst %d\n", int64(worst))
}
