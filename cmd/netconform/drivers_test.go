package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/netconform/netconform/harness/driver/proto"
	"github.com/netconform/netconform/harness/driver/remote"
	"github.com/netconform/netconform/internal/refdriver"
)

// helperEnv makes this test binary act as `netconform driver` (see
// TestHelperStdioDriver), so the exec driver has a real subprocess to run.
const helperEnv = "NETCONFORM_HELPER_DRIVER"

// TestHelperStdioDriver is not a test: started by the exec driver with
// helperEnv=1, it runs `netconform driver` on this process's stdio and exits.
func TestHelperStdioDriver(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for the exec driver tests")
	}
	os.Exit(run(context.Background(), []string{"driver"}, os.Stdout, os.Stderr))
}

// helperArgv is the command after -- that runs the helper driver.
func helperArgv() []string {
	return []string{"env", helperEnv + "=1", os.Args[0], "-test.run=^TestHelperStdioDriver$"}
}

func TestRunExecDriver(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	args := append([]string{"--driver", "exec", "--id", "events.status.*", "--time-scale", "0.05", "--out", out, "--"},
		helperArgv()...)
	code, stdout, stderr := cli{}.run(t, args...)
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if summary, _ := lastLines(t, stdout); !summaryRE.MatchString(summary) || !strings.HasSuffix(summary, " 0 failed") {
		t.Errorf("summary %q", summary)
	}
	rep := readReport(t, out)
	if rep.Info.Driver != "exec" || rep.Info.Implementation != refdriver.Name || len(rep.Run.Cases) == 0 {
		t.Errorf("report: driver %q, implementation %q (from the subprocess's hello), %d cases", rep.Info.Driver,
			rep.Info.Implementation, len(rep.Run.Cases))
	}
}

func TestRunExecDriverThatCannotStart(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli{}.run(t, "--driver", "exec", "--out", t.TempDir(), "--", "/nonexistent/netconform-driver")
	if code != 2 || !strings.Contains(stderr, "start driver") {
		t.Fatalf("exit %d, want 2 with a start error\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestRunRemoteDriver(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	var errb strings.Builder
	code := make(chan int, 1)
	out := t.TempDir()
	go func() {
		rc := runCmd{drivers: defaultDrivers(), terminal: func(io.Writer) bool { return false }, width: 100}
		code <- rc.run(t.Context(), []string{"--driver", "remote", "--id", "events.status.*", "--time-scale", "0.05",
			"--out", out}, pw, &errb)
		_ = pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var url string
	for sc.Scan() {
		if _, u, ok := strings.Cut(sc.Text(), " for a device at "); ok {
			url = u
			break
		}
	}
	if url == "" {
		t.Fatalf("no control URL printed (stderr %s)", errb.String())
	}
	var rest strings.Builder
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		for sc.Scan() {
			rest.WriteString(sc.Text() + "\n")
		}
	})
	dctx, stop := context.WithCancel(t.Context())
	defer stop()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	wg.Go(func() {
		_ = remote.RunDevice(dctx, client, url, refdriver.New(),
			proto.ServeOptions{Name: "test-device", Capabilities: refdriver.Capabilities()})
	})
	if c := <-code; c != 0 {
		stop()
		wg.Wait()
		t.Fatalf("exit %d, want 0\n%s\nstderr:\n%s", c, rest.String(), errb.String())
	}
	stop()
	wg.Wait()
	if !strings.Contains(rest.String(), "1 device(s) connected") {
		t.Errorf("no device connected line:\n%s", rest.String())
	}
	if rep := readReport(t, out); rep.Info.Driver != "remote" || rep.Info.Implementation != "test-device" {
		t.Errorf("report: driver %q, implementation %q; want remote, test-device", rep.Info.Driver, rep.Info.Implementation)
	}
}

func TestRunRemoteWithoutDevice(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli{}.run(t, "--driver", "remote", "--device-wait", "200ms", "--out", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "no device connected to http://127.0.0.1:") {
		t.Fatalf("exit %d, want 2 with no device\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
