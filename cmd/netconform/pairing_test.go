package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/driver"
)

// TestRunRemotePairingToken: the control URL the run prints ends in a new
// random token, with a line saying how to keep one; --token keeps it; a
// hello without the token is refused and the user told.
func TestRunRemotePairingToken(t *testing.T) {
	t.Parallel()
	r := startRemoteRun(t, "--device-wait", "1h")
	banner := strings.Join(r.banner, "\n")
	_, url, _ := strings.Cut(r.banner[len(r.banner)-1], " for a device at ")
	tok := url[strings.LastIndex(url, "/")+1:]
	if len(tok) != 26 || !strings.Contains(banner, "pairing token (the URL's last segment) is new for this run") {
		t.Fatalf("URL %s (token %q), banner:\n%s", url, tok, banner)
	}
	if strings.Contains(banner, "warning: --listen") {
		t.Errorf("a loopback listener warned of exposure:\n%s", banner)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	wrong := "x" + tok[1:]
	if tok[0] == 'x' { // the token is random: make sure the first character differs
		wrong = "y" + tok[1:]
	}
	resp, err := (&http.Client{Transport: tr}).Post(strings.TrimSuffix(url, tok)+wrong+"/hello",
		"application/x-ndjson", strings.NewReader(`{"type":"hello","versions":[1]}`+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("hello with a wrong token: %s, want 403", resp.Status)
	}
	r.cancel()
	<-r.done
	if !strings.Contains(r.errb.String(), "netconform: refused a control request from 127.0.0.1: wrong pairing token") {
		t.Errorf("stderr does not tell of the refused hello:\n%s", r.errb.String())
	}

	fixed := startRemoteRun(t, "--device-wait", "1h", "--token", "lab-bench-0123456789")
	last := fixed.banner[len(fixed.banner)-1]
	if !strings.HasSuffix(last, "/netconform/v1/lab-bench-0123456789") ||
		strings.Contains(strings.Join(fixed.banner, "\n"), "pairing token") {
		t.Errorf("with --token: banner\n%s", strings.Join(fixed.banner, "\n"))
	}
	code, _, stderr := cli{}.run(t, "--driver", "remote", "--token", "short")
	if code != 2 || !strings.Contains(stderr, "--token: pairing token: 5 characters, want at least 16") {
		t.Errorf("--token short: exit %d, stderr %s", code, stderr)
	}
}

// exposedHub is a remote driver listening beyond loopback, with a device
// already connected.
type exposedHub struct{ driver.Driver }

func (exposedHub) URL() string      { return "http://192.0.2.7:8787/netconform/v1/s3cret-token" }
func (exposedHub) ShownURL() string { return "http://192.0.2.7:8787/netconform/v1/TOKEN" }
func (exposedHub) Devices() int     { return 1 }
func (exposedHub) Loopback() bool   { return false }

// TestPrepareWarnsOfExposure: a control channel reachable from other hosts
// gets a one-line warning of what it exposes.
func TestPrepareWarnsOfExposure(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	d := driverSpec{name: driverRemote, listen: "0.0.0.0:8787", token: "lab-bench-0123456789", deviceWait: time.Second}
	if err := prepare(context.Background(), exposedHub{}, d, &b, nil); err != nil {
		t.Fatal(err)
	}
	var warn []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, "warning:") {
			warn = append(warn, l)
		}
	}
	if len(warn) != 1 || !strings.Contains(warn[0], "--listen 0.0.0.0:8787 is reachable from other hosts") ||
		!strings.Contains(warn[0], "control channel") || !strings.Contains(warn[0], "mock server and its CA") {
		t.Errorf("warnings %q, want one saying what is exposed", warn)
	}
}

// waitingHub is a remote driver that no device reaches.
type waitingHub struct{ exposedHub }

func (waitingHub) Devices() int   { return 0 }
func (waitingHub) Loopback() bool { return true }

// TestPrepareRemindsOfTheWait: while no device comes, the run says again
// what it waits for and where.
func TestPrepareRemindsOfTheWait(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	d := driverSpec{name: driverRemote, deviceWait: time.Second, remind: 20 * time.Millisecond}
	err := prepare(context.Background(), waitingHub{}, d, &b, nil)
	if err == nil || !strings.Contains(err.Error(), "no device connected to http://192.0.2.7:8787/netconform/v1/TOKEN") {
		t.Errorf("prepare = %v, want no device, and the URL without its token (errors reach the reports)", err)
	}
	want := "netconform: still waiting for a device at http://192.0.2.7:8787/netconform/v1/s3cret-token (0 devices connected, "
	if n := strings.Count(b.String(), want); n < 2 {
		t.Errorf("%d reminders in 1 s at 20 ms (checked every 100 ms), want several:\n%s", n, b.String())
	}
}
