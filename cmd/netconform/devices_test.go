package main

import (
	"bufio"
	"context"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/proto"
	"github.com/netconform/netconform/harness/driver/remote"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/internal/refdriver"
	"github.com/netconform/netconform/mockserver"
	"github.com/netconform/netconform/reports"
)

// oddDriver is the reference with every response body replaced by "odd":
// an implementation that differs on purpose.
type oddDriver struct{ driver.Driver }

func (d oddDriver) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	s, err := d.Driver.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	o := &oddSession{Session: s, out: make(chan driver.Event)}
	go func() {
		defer close(o.out)
		for ev := range s.Events() {
			if r, ok := ev.Fields["response"].(string); ok && r != "" {
				ev.Fields = maps.Clone(ev.Fields)
				ev.Fields["response"] = "odd"
			}
			o.out <- ev
		}
	}()
	return o, nil
}

type oddSession struct {
	driver.Session
	out chan driver.Event
}

func (o *oddSession) Events() <-chan driver.Event { return o.out }

// devicesRun is `netconform run --driver remote` in the background, its
// output read past the line that gives the control URL.
type devicesRun struct {
	url  string
	code chan int
	rest strings.Builder // the output after the control URL, once code is read
	errb strings.Builder
	wg   sync.WaitGroup
}

// startDevicesRun starts a remote run with args and returns once it waits
// for devices.
func startDevicesRun(t *testing.T, args ...string) *devicesRun {
	t.Helper()
	pr, pw := io.Pipe()
	r := &devicesRun{code: make(chan int, 1)}
	go func() {
		rc := runCmd{drivers: defaultDrivers(), terminal: func(io.Writer) bool { return false }, width: 100}
		r.code <- rc.run(t.Context(), append([]string{"--driver", "remote"}, args...), pw, &r.errb)
		_ = pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if l := sc.Text(); strings.HasPrefix(l, "netconform: waiting up to ") {
			_, r.url, _ = strings.Cut(l, " at ")
			break
		}
	}
	if r.url == "" {
		t.Fatalf("no control URL printed (stderr %s)", r.errb.String())
	}
	r.wg.Go(func() {
		for sc.Scan() {
			r.rest.WriteString(sc.Text() + "\n")
		}
	})
	return r
}

// device connects a device that serves d under name until the test ends.
func (r *devicesRun) device(t *testing.T, name string, d driver.Driver) {
	t.Helper()
	ctx, stop := context.WithCancel(t.Context())
	client := &http.Client{Transport: &http.Transport{}}
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = remote.RunDevice(ctx, client, r.url, d, proto.ServeOptions{Name: name, Capabilities: refdriver.Capabilities()})
	})
	t.Cleanup(func() {
		stop()
		wg.Wait()
		client.CloseIdleConnections()
	})
}

// wait returns the exit code and the output after the control URL.
func (r *devicesRun) wait() (int, string) {
	code := <-r.code
	r.wg.Wait()
	return code, r.rest.String()
}

// TestRunDevicesWithDifferentNames: four devices, two of them saying the same
// name, make three implementations: each runs every case (the two of one
// name share them) and gets its own reports, one page compares them, and the
// closing lines name each; the odd one's unexpected failure exits 1.
func TestRunDevicesWithDifferentNames(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "out")
	exp := writeFile(t, filepath.Join(t.TempDir(), "expect.yaml"), "probe.wrong-status: fail\n")
	r := startDevicesRun(t, "--devices", "4", "--cases", probeDir(t), "--time-scale", "0.05", "--parallel", "2",
		"--expect", exp, "--out", out)
	r.device(t, "ref-a", refdriver.New())
	r.device(t, "ref-a", refdriver.New())
	r.device(t, "ref-b", refdriver.New())
	r.device(t, "odd", oddDriver{refdriver.New()})
	code, stdout := r.wait()
	if code != 1 {
		t.Fatalf("exit %d, want 1 (odd fails probe.ok unexpectedly)\n%s\nstderr:\n%s", code, stdout, r.errb.String())
	}
	for _, want := range []string{
		"4 devices connected",
		"2 cases against 3 implementations: odd (1 device), ref-a (2 devices), ref-b (1 device) (driver remote, time scale 0.05, parallel 2 each)",
		"FAIL  [odd] probe.ok (",
		"PASS  [ref-b] probe.ok (",
		"odd: unexpected results (1):",
		"comparison: " + filepath.Join(out, reports.CompareFile),
		"\nodd: 0 pass, 0 warn, 0 info, 2 fail, 0 error, 0 skip\n",
		"\nref-a: 1 pass, 0 warn, 0 info, 1 fail, 0 error, 0 skip\n",
		"\nref-b: 1 pass, 0 warn, 0 info, 1 fail, 0 error, 0 skip\n",
		"\ntotal over 3 implementations:\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "ref-a: unexpected") || strings.Contains(stdout, "ref-b: unexpected") {
		t.Errorf("the reference's expected failure is listed as unexpected:\n%s", stdout)
	}
	summary, detail := lastLines(t, stdout)
	if summary != "2 pass, 0 warn, 0 info, 4 fail, 0 error, 0 skip" || !strings.HasPrefix(detail, "1 unexpected, 3 expected non-pass;") {
		t.Errorf("closing lines %q, %q; want the totals", summary, detail)
	}
	for _, name := range []string{"ref-a", "ref-b", "odd"} {
		for _, f := range []string{reports.JSONFile, reports.JUnitFile, reports.MarkdownFile, reports.HTMLFile} {
			if fi, err := os.Stat(filepath.Join(out, name, f)); err != nil || fi.Size() == 0 {
				t.Errorf("%s/%s not written: %v", name, f, err)
			}
		}
		rep := readReport(t, filepath.Join(out, name))
		if rep.Info.Implementation != name || rep.Info.Driver != "remote" || len(rep.Run.Cases) != 2 {
			t.Errorf("%s/report.json: implementation %q, driver %q, %d cases; want %s, remote, each case once",
				name, rep.Info.Implementation, rep.Info.Driver, len(rep.Run.Cases), name)
		}
	}
	if _, err := os.Stat(filepath.Join(out, reports.JSONFile)); err == nil {
		t.Errorf("a report.json straight in --out: the implementations' reports belong in their folders")
	}
	page, err := os.ReadFile(filepath.Join(out, reports.CompareFile))
	if err != nil {
		t.Fatal(err)
	}
	cols := regexp.MustCompile(`<th class="run"><a href="([^"]+)">`).FindAllStringSubmatch(string(page), -1)
	if len(cols) != 3 || cols[0][1] != "odd/report.html" || cols[1][1] != "ref-a/report.html" {
		t.Errorf("comparison columns %q, want odd, ref-a, ref-b linked to their reports", cols)
	}
	for row, want := range map[string]string{"probe.ok": "row differs", "probe.wrong-status": "row"} {
		if !strings.Contains(string(page), `class="`+want+`" data-case="`+row+`"`) {
			t.Errorf("comparison row %s is not class %q", row, want)
		}
	}
}

// TestRunDevicesExpectPerName: --expect NAME=FILE gives the implementation
// NAME its own expectations in place of the shared file: the odd device's
// failures are expected by its file, the reference's by the shared one,
// so the run exits 0; a file for a name no device said is warned about.
func TestRunDevicesExpectPerName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	shared := writeFile(t, filepath.Join(dir, "shared.yaml"), "probe.wrong-status: fail\n")
	odd := writeFile(t, filepath.Join(dir, "odd.yaml"), "probe.ok: fail\nprobe.wrong-status: fail\n")
	ios := writeFile(t, filepath.Join(dir, "ios.yaml"), "probe.ok: pass\n")
	r := startDevicesRun(t, "--devices", "2", "--cases", probeDir(t), "--time-scale", "0.05", "--out", "",
		"--expect", shared, "--expect", "odd="+odd, "--expect", "solar2d:ios="+ios)
	r.device(t, "ref", refdriver.New())
	r.device(t, "odd", oddDriver{refdriver.New()})
	code, stdout := r.wait()
	if code != 0 {
		t.Fatalf("exit %d, want 0 (every failure expected by its implementation's file)\n%s\nstderr:\n%s", code, stdout, r.errb.String())
	}
	if summary, detail := lastLines(t, stdout); summary != "1 pass, 0 warn, 0 info, 3 fail, 0 error, 0 skip" ||
		!strings.HasPrefix(detail, "0 unexpected, 3 expected non-pass;") {
		t.Errorf("closing lines %q, %q; want 3 expected failures", summary, detail)
	}
	if want := "warning: --expect solar2d:ios=... names no implementation of this run (it had odd, ref)"; !strings.Contains(r.errb.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.errb.String())
	}
}

// TestRunDevicesTooFew: a run that waits for more devices than connect
// says how many came.
func TestRunDevicesTooFew(t *testing.T) {
	t.Parallel()
	r := startDevicesRun(t, "--devices", "2", "--device-wait", "1s", "--out", t.TempDir())
	r.device(t, "ref", refdriver.New())
	code, stdout := r.wait()
	if code != 2 || !strings.Contains(r.errb.String(), "1 of 2 devices connected to http://127.0.0.1:") {
		t.Fatalf("exit %d, want 2 with 1 of 2 devices\n%s\nstderr:\n%s", code, stdout, r.errb.String())
	}
}

// lateDriver reaches more implementations once the run started.
type lateDriver struct {
	driver.Driver
	impls []driver.Driver
}

func (d *lateDriver) Implementations() []driver.Driver { return d.impls }

type named struct {
	driver.Driver
	name string
}

func (n named) Name() string { return n.name }

// TestWarnLate: an implementation that appeared after the fleet was made is
// named on stderr; the ones that ran are not.
func TestWarnLate(t *testing.T) {
	t.Parallel()
	srv, err := mockserver.New()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ref := refdriver.New()
	drv := &lateDriver{Driver: ref, impls: []driver.Driver{named{ref, "ios"}}}
	fleet, err := runner.NewFleet(runner.Params{Driver: drv, Fixture: srv, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	warnLate(&b, drv, fleet)
	if b.Len() != 0 {
		t.Errorf("warned of the implementations that ran: %s", b.String())
	}
	drv.impls = append(drv.impls, named{ref, "android"})
	warnLate(&b, drv, fleet)
	if got := b.String(); !strings.Contains(got, `devices named "android" connected after the run started`) ||
		strings.Contains(got, `"ios"`) {
		t.Errorf("warning %q, want android alone", got)
	}
}
