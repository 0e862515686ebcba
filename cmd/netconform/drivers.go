package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/execdriver"
	"github.com/netconform/netconform/harness/driver/remote"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/internal/refdriver"
	"github.com/netconform/netconform/mockserver"
)

// The driver names --driver accepts.
const (
	driverInproc = "inproc" // the reference implementation, in this process
	driverExec   = "exec"   // a subprocess speaking the driver protocol on stdio (args after --)
	driverRemote = "remote" // devices connecting to an HTTP long-poll control channel (--listen)
)

// Driver set-up bounds.
const (
	// probeTimeout bounds the start of an exec driver's first process.
	probeTimeout = 30 * time.Second
	// devicePoll is how often run checks whether a device has connected.
	devicePoll = 100 * time.Millisecond
	// caPath is where the mock server serves its CA certificate (PEM).
	caPath = "/__netconform/ca.pem"
)

// defaultTimeScale is the time scale of a driver when --time-scale is not
// given: the reference's (runner.ReferenceTimeScale) for inproc, real time
// for the others, which may not scale their clock.
func defaultTimeScale(name string) float64 {
	if name == driverInproc {
		return runner.ReferenceTimeScale
	}
	return runner.DefaultTimeScale
}

// defaultParallel is how many cases run at once when --parallel is not
// given; the runner's constants say why each is what it is. For remote it
// is 0: the runner then runs as many as the devices hold sessions at once
// (runner.Capacity).
func defaultParallel(name string) int {
	switch name {
	case driverInproc:
		return runner.ReferenceParallel
	case driverRemote:
		return 0
	}
	return runner.DefaultParallel
}

// driverSpec is how to reach the implementation under test.
type driverSpec struct {
	name        string        // inproc, exec or remote
	argv        []string      // exec: the command and its arguments (after --)
	listen      string        // remote: control channel address
	advertise   string        // remote: host printed in the control URL
	deviceClock bool          // remote: trust the devices' event times
	deviceWait  time.Duration // remote: how long to wait for the devices
	devices     int           // remote: how many devices to wait for
	token       string        // remote: the pairing token ("" = a new one)
	notices     io.Writer     // remote: where the driver's notices go (nil: nowhere)
	remind      time.Duration // remote: how often the wait for devices is recalled (0: waitReminder)
}

// errUsage marks an error that is the user's to fix in the command line; the
// command exits with 2.
var errUsage = errors.New("usage")

// usageErrorf returns an error wrapping errUsage.
func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// validate checks that the spec is complete for its driver.
func (d driverSpec) validate() error {
	switch d.name {
	case driverInproc, driverRemote:
		if len(d.argv) > 0 {
			return usageErrorf("arguments after -- are for --driver exec only")
		}
	case driverExec:
		if len(d.argv) == 0 {
			return usageErrorf("--driver exec needs the driver command after --, e.g. -- lua5.1 drivers/lua/stdio_driver.lua")
		}
	default:
		return usageErrorf("unknown driver %q (want inproc, exec or remote)", d.name)
	}
	if d.name != driverRemote && (d.listen != "" || d.advertise != "" || d.deviceClock || d.token != "") {
		return usageErrorf("--listen, --advertise, --token and --device-clock are for --driver remote only")
	}
	if d.token != "" {
		if err := remote.CheckToken(d.token); err != nil {
			return usageErrorf("--token: %v", err)
		}
	}
	if d.deviceWait < 0 {
		return usageErrorf("--device-wait must not be negative")
	}
	switch {
	case d.devices < 1:
		return usageErrorf("--devices must be at least 1, got %d", d.devices)
	case d.devices > 1 && d.name != driverRemote:
		return usageErrorf("--devices is for --driver remote only")
	}
	return nil
}

// driverFactory builds the driver of a spec. A driver with a Close method is
// closed when the run ends.
type driverFactory func(d driverSpec) (driver.Driver, error)

// defaultDrivers returns the drivers this build has.
func defaultDrivers() map[string]driverFactory {
	return map[string]driverFactory{
		driverInproc: func(driverSpec) (driver.Driver, error) { return refdriver.New(), nil },
		driverExec: func(d driverSpec) (driver.Driver, error) {
			return execdriver.New(execdriver.Options{Args: d.argv})
		},
		driverRemote: func(d driverSpec) (driver.Driver, error) {
			o := remote.Options{Listen: d.listen, Advertise: d.advertise, DeviceClock: d.deviceClock, Token: d.token}
			if w := d.notices; w != nil {
				o.Notify = func(line string) { fmt.Fprintln(w, "netconform: "+line) }
			}
			return remote.New(o)
		},
	}
}

// closeDriver closes drv if it has a Close method.
func closeDriver(drv driver.Driver) error {
	if c, ok := drv.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}

// prober is a driver that can start its implementation ahead of the first
// session (the exec driver).
type prober interface {
	Probe(ctx context.Context) (driver.Capabilities, error)
}

// deviceHub is a driver that waits for devices to connect (the remote
// driver).
type deviceHub interface {
	URL() string      // the control URL, token included: printed for the user only
	ShownURL() string // the same without the token, for errors (they reach the reports)
	Devices() int
	Loopback() bool
}

// waitReminder is how often run says it still waits for the devices.
const waitReminder = 15 * time.Second

// prepare makes sure the implementation is reachable before the run starts:
// it starts an exec driver's first process (so a broken command is a set-up
// error, not a run of errored cases), and for the remote driver prints
// banner (what a device needs besides the control URL), then the control
// URL, and waits up to d.deviceWait for d.devices devices. The devices
// connected then name the run's implementations (see runner.Fleet).
func prepare(ctx context.Context, drv driver.Driver, d driverSpec, w io.Writer, banner []string) error {
	if p, ok := drv.(prober); ok {
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		defer cancel()
		if _, err := p.Probe(pctx); err != nil {
			return fmt.Errorf("start driver: %w", err)
		}
	}
	hub, ok := drv.(deviceHub)
	if !ok {
		return nil
	}
	for _, l := range banner {
		fmt.Fprintln(w, "netconform: "+l)
	}
	if !hub.Loopback() {
		fmt.Fprintf(w, "netconform: warning: --listen %s is reachable from other hosts: the control channel "+
			"(whoever has its URL, token included, can pose as a device), the mock server and its CA; "+
			"run on a network you trust\n", d.listen)
	}
	if d.token == "" {
		fmt.Fprintln(w, "netconform: the pairing token (the URL's last segment) is new for this run: "+
			"--token TOKEN keeps one, so an app built with the URL serves later runs")
	}
	want, wait := max(d.devices, 1), d.deviceWait
	what := "a device"
	if want > 1 {
		what = fmt.Sprintf("%d devices", want)
	}
	fmt.Fprintf(w, "netconform: waiting up to %s for %s at %s\n", wait, what, hub.URL())
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	t := time.NewTicker(devicePoll)
	defer t.Stop()
	start, told := time.Now(), time.Now()
	remind := cmp.Or(d.remind, waitReminder)
	for hub.Devices() < want {
		if time.Since(told) >= remind {
			told = time.Now()
			fmt.Fprintf(w, "netconform: still waiting for %s at %s (%s connected, %s of %s)\n", what, hub.URL(),
				plural(hub.Devices(), "device"), time.Since(start).Round(time.Second), wait)
		}
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return fmt.Errorf("interrupted while waiting for %s at %s: %w", what, hub.ShownURL(), context.Cause(ctx))
			}
			if n := hub.Devices(); n > 0 {
				return fmt.Errorf("%d of %d devices connected to %s within %s (--devices)", n, want, hub.ShownURL(), wait)
			}
			return fmt.Errorf("no device connected to %s within %s", hub.ShownURL(), wait)
		case <-t.C:
		}
	}
	fmt.Fprintf(w, "netconform: %s connected\n", plural(hub.Devices(), "device"))
	return nil
}

// deviceBanner is what a remote run prints before waiting for a device:
// the mock server's base URLs as the device will use them, and the CA its
// HTTPS listeners use, as a file here and as a URL the device can fetch.
func deviceBanner(srv *mockserver.Server, h serverHosts, ca caFlags) []string {
	u := srv.URLs()
	var lines []string
	if h.detected != "" {
		lines = append(lines, fmt.Sprintf("devices reach this host at %s (its LAN address; --advertise HOST to change)",
			h.detected))
	}
	caFile, note := srv.CAFile(), ""
	if ca.cert != "" {
		caFile, note = ca.cert, " (--ca-cert)"
	}
	lines = append(lines,
		fmt.Sprintf("mock server for devices: %s %s", u.HTTP, u.HTTPS),
		fmt.Sprintf("CA of its https listeners: %s%s, served at %s", caFile, note, u.HTTP+caPath))
	if ca.cert == "" {
		lines = append(lines, "this CA is new for this run, so devices do not trust it (the tls.trusted-* cases fail): "+
			"`netconform ca DIR` makes one to install once, then pass --ca-cert and --ca-key")
	}
	return lines
}

// driverUsage documents the driver flags in run's usage.
func driverUsage() string {
	return strings.Join([]string{
		"drivers:",
		fmt.Sprintf("  inproc  the reference implementation in this process (default; time scale %g)", defaultTimeScale(driverInproc)),
		"  exec    a program speaking the driver protocol on stdin/stdout, given after --,",
		"          e.g. netconform run --driver exec -- lua5.1 drivers/lua/stdio_driver.lua",
		"  remote  devices (apps) connecting to the control channel, e.g.",
		"          netconform run --driver remote --listen 0.0.0.0:8787 --advertise 192.168.1.20",
		"          (the mock server then listens on all interfaces too; add --ca-cert and --ca-key from",
		"          `netconform ca DIR` for a CA devices trust once; docs/validate-solar2d.md)",
		"          The control URL ends in a pairing token, new each run unless --token keeps one:",
		"          devices without it are refused",
		"          Devices that say different names are different implementations: with --devices 2 or",
		"          more, every case runs on each, and --out gets a folder per name and compare.html",
	}, "\n")
}
