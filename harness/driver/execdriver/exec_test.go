package execdriver_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/execdriver"
	"github.com/netconform/netconform/harness/driver/proto"
)

func TestMain(m *testing.M) {
	if os.Getenv("NETCONFORM_EXEC_HELPER") != "" {
		os.Exit(helper(os.Getenv("NETCONFORM_EXEC_HELPER")))
	}
	goleak.VerifyTestMain(m)
}

// helper is the body of the re-executed test binary in a fake mode.
func helper(mode string) int {
	switch mode {
	case "fake":
		fmt.Fprintln(os.Stderr, "fake driver starting")
		err := proto.Serve(context.Background(), os.Stdin, os.Stdout, fakeDriver{}, proto.ServeOptions{Name: "fake",
			Capabilities: driver.Capabilities{Fns: []string{driver.FnRequest}, BaseDirs: driver.BaseDirs()}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "flood":
		line, _ := proto.Encode(proto.Hello("flood", driver.Capabilities{}))
		os.Stdout.Write(append(line, '\n'))
		chunk := []byte(strings.Repeat("x", 1<<20))
		for range 100 { // 100 MB, no newline
			if _, err := os.Stdout.Write(chunk); err != nil {
				return 1
			}
		}
		return 0
	case "mute":
		signal.Ignore(os.Interrupt)
		// Never says hello and ignores interrupts: only a kill ends it. A
		// sleep, not select {}: without -race the runtime would end a
		// process whose only goroutine blocks forever as a deadlock.
		time.Sleep(10 * time.Minute)
		return 4
	case "exit":
		fmt.Fprintln(os.Stderr, "cannot load module network_luasocket")
		return 2
	case "forker":
		// Starts a grandchild that ignores interrupts and never exits by
		// itself, writes its pid to NETCONFORM_EXEC_PIDFILE, then serves as
		// the fake driver, leaving the grandchild running when it exits.
		child := exec.Command(os.Args[0])
		child.Env = append(os.Environ(), "NETCONFORM_EXEC_HELPER=mute")
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := os.WriteFile(os.Getenv("NETCONFORM_EXEC_PIDFILE"), []byte(strconv.Itoa(child.Process.Pid)), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return helper("fake")
	}
	return 3
}

// fakeDriver's sessions answer every call with handle h1 and one ended
// event carrying a binary response.
type fakeDriver struct{}

func (fakeDriver) Name() string { return "fake" }

func (fakeDriver) Open(context.Context, driver.Config) (driver.Session, error) {
	return &fakeSession{events: make(chan driver.Event, 4)}, nil
}

type fakeSession struct{ events chan driver.Event }

func (*fakeSession) Capabilities() driver.Capabilities { return driver.Capabilities{} }

func (s *fakeSession) Call(_ context.Context, c driver.Call) (string, error) {
	if c.URL == "bad" {
		return "", &driver.RejectedError{Message: "network: bad url"}
	}
	s.events <- driver.Event{Seq: 1, Kind: driver.KindEvent, Handle: "h1", Fields: map[string]any{
		"name": "networkRequest", "phase": "ended", "status": int64(200), "response": "\x00\xff\xfe binary",
		"requestId": "h1", "echo": c.Params["body"]}}
	return "h1", nil
}

func (*fakeSession) Cancel(context.Context, string) (driver.Cancelled, error) {
	return driver.Cancelled{Returned: true, AfterSeq: 1}, nil
}
func (s *fakeSession) Events() <-chan driver.Event { return s.events }
func (*fakeSession) Logs() []string                { return []string{"fake log line"} }
func (s *fakeSession) Close(context.Context) error { close(s.events); return nil }

// muteHelloTimeout is the hello timeout of the one test that waits for it
// to expire (TestNoHello). Every other test keeps the defaults: the bounds
// then only catch a hang, and never a race-built binary that starts slowly
// on a loaded machine.
const muteHelloTimeout = time.Second

// newDriver returns a driver re-executing this binary in mode, closed and
// checked for leftover processes at cleanup. Only mode "mute" gets the short
// muteHelloTimeout.
func newDriver(t *testing.T, mode string) *execdriver.Driver {
	t.Helper()
	var hello time.Duration // the default
	if mode == "mute" {
		hello = muteHelloTimeout
	}
	d, err := execdriver.New(execdriver.Options{Args: []string{os.Args[0]}, Env: []string{"NETCONFORM_EXEC_HELPER=" + mode},
		HelloTimeout: hello, WaitDelay: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		for _, pid := range d.PIDs() {
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("process %d left behind (kill 0: %v)", pid, err)
			}
		}
	})
	return d
}

func TestFakeSessionRoundTrip(t *testing.T) {
	t.Parallel()
	d := newDriver(t, "fake")
	for round := range 2 {
		s, err := d.Open(t.Context(), driver.Config{Dirs: map[string]string{}})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		h, err := s.Call(t.Context(), driver.Call{URL: "http://x", Params: map[string]any{"body": "\x01\x02\xff"}})
		if err != nil || h != "h1" {
			t.Fatalf("call = %q, %v", h, err)
		}
		ev := <-s.Events()
		if ev.Fields["response"] != "\x00\xff\xfe binary" || ev.Fields["echo"] != "\x01\x02\xff" ||
			ev.Fields["status"] != int64(200) || ev.Time.IsZero() {
			t.Errorf("event %+v: want the raw bytes both ways, int status and a time", ev)
		}
		var rej *driver.RejectedError
		if _, err := s.Call(t.Context(), driver.Call{URL: "bad"}); !errors.As(err, &rej) || rej.Message != "network: bad url" {
			t.Errorf("rejected call: %v", err)
		}
		if c, err := s.Cancel(t.Context(), "h1"); err != nil || c.Returned != true || c.AfterSeq != 1 {
			t.Errorf("cancel = %+v, %v", c, err)
		}
		if err := s.Close(t.Context()); err != nil {
			t.Fatalf("close round %d: %v", round, err)
		}
		logs := strings.Join(s.Logs(), "\n")
		if !strings.Contains(logs, "fake log line") || (round == 0 && !strings.Contains(logs, "stderr: fake driver starting")) {
			t.Errorf("round %d logs %q: want the driver's log and its stderr", round, logs)
		}
	}
	if n := len(d.PIDs()); n != 1 {
		t.Errorf("%d processes for two sequential sessions, want 1 reused", n)
	}
	if d.Name() != "fake" {
		t.Errorf("Name() = %q, want fake", d.Name())
	}
}

// TestFlood: 100 MB without a newline fails at the line limit and the
// process is stopped.
func TestFlood(t *testing.T) {
	t.Parallel()
	d := newDriver(t, "flood")
	_, err := d.Open(t.Context(), driver.Config{})
	if err == nil || !strings.Contains(err.Error(), "line too long") {
		t.Fatalf("open = %v, want a line-too-long protocol error", err)
	}
}

// TestNoHello: a driver that never says hello (and ignores interrupts) is
// given up on and killed.
func TestNoHello(t *testing.T) {
	t.Parallel()
	d := newDriver(t, "mute")
	_, err := d.Open(t.Context(), driver.Config{})
	if err == nil || !strings.Contains(err.Error(), "no hello within "+muteHelloTimeout.String()) {
		t.Fatalf("open = %v, want no hello", err)
	}
}

// TestExitAtStart: the exit status and the last stderr lines are reported.
func TestExitAtStart(t *testing.T) {
	t.Parallel()
	d := newDriver(t, "exit")
	_, err := d.Open(t.Context(), driver.Config{})
	if err == nil || !strings.Contains(err.Error(), "exit status 2") ||
		!strings.Contains(err.Error(), "cannot load module network_luasocket") {
		t.Fatalf("open = %v, want exit status 2 with the stderr line", err)
	}
}

func TestNewNeedsCommand(t *testing.T) {
	t.Parallel()
	if _, err := execdriver.New(execdriver.Options{}); err == nil {
		t.Error("New without Args succeeded")
	}
}

// TestGrandchildrenEnded: a process the driver started (and that ignores
// interrupts) does not outlive the driver: the driver runs in its own
// process group and the whole group is ended.
func TestGrandchildrenEnded(t *testing.T) {
	t.Parallel()
	pidFile := filepath.Join(t.TempDir(), "pid")
	d, err := execdriver.New(execdriver.Options{Args: []string{os.Args[0]},
		Env: []string{"NETCONFORM_EXEC_HELPER=forker", "NETCONFORM_EXEC_PIDFILE=" + pidFile}, WaitDelay: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Open(t.Context(), driver.Config{Dirs: map[string]string{}})
	if err != nil {
		_ = d.Close()
		t.Fatalf("open: %v", err)
	}
	b, err := os.ReadFile(pidFile)
	pid, _ := strconv.Atoi(string(b))
	if err != nil || pid <= 0 {
		_ = d.Close()
		t.Fatalf("grandchild pid %q: %v", b, err)
	}
	if !running(pid) {
		t.Fatalf("grandchild %d is not running while the driver is", pid)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Errorf("close session: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("close driver: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for running(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // polling a condition: SIGKILL is delivered asynchronously
	}
	if running(pid) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("grandchild %d outlived the driver", pid)
	}
}

// running reports whether pid is a live process (a zombie waiting to be
// reaped by init is not).
func running(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no /proc: trust kill 0
	}
	if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}
