package refdriver_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/proto"
	"github.com/netconform/netconform/harness/driver/remote"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/internal/refdriver"
	"github.com/netconform/netconform/mockserver"
	"github.com/netconform/netconform/reports"
)

// countingDriver counts the sessions it opens.
type countingDriver struct {
	driver.Driver
	opened atomic.Int64
}

func (d *countingDriver) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	d.opened.Add(1)
	return d.Driver.Open(ctx, cfg)
}

// remoteSameVerdicts runs cs through the HTTP long-poll control channel,
// with Go clients playing devices that run the reference: two
// implementations (two device names) of two devices each, in one run. Each
// must run every case once, over a pool of its devices, with the verdicts
// of want, and get a report of its own beside one comparison page. Of each
// name, one device keeps its files itself (the files capability) and
// serves three sessions at once, the other works in the harness's folders
// one session at a time, so cases run both ways in one run; the runners
// run as many cases at once as the devices hold sessions (four).
func remoteSameVerdicts(t *testing.T, srv *mockserver.Server, cs []*casefile.Case, want map[string]result.CaseResult) {
	d, err := remote.New(remote.Options{PollWait: 2 * time.Second, DeviceClock: true})
	if err != nil {
		t.Fatalf("new remote driver: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	names := []string{"go-device-a", "go-device-b"}
	devices := map[string][]*countingDriver{}
	const perName = 2
	devErrs := make(chan error, len(names)*perName)
	for _, name := range names {
		for i := range perName {
			dev := &countingDriver{Driver: refdriver.New()}
			devices[name] = append(devices[name], dev)
			o := proto.ServeOptions{Name: name, Capabilities: refdriver.Capabilities()}
			if i == 0 {
				o.Files, o.Sessions = true, 3
			}
			wg.Go(func() { devErrs <- remote.RunDevice(ctx, client, d.URL(), dev, o) })
		}
	}
	tick := time.NewTicker(5 * time.Millisecond)
	for d.Devices() < len(names)*perName {
		select {
		case <-t.Context().Done():
			t.Fatalf("%d devices connected", d.Devices())
		case <-tick.C:
		}
	}
	tick.Stop()
	fleet, err := runner.NewFleet(runner.Params{Driver: d, Fixture: srv, TimeScale: scale, Strict: true,
		TempDir: t.TempDir()})
	if err != nil {
		t.Fatalf("new fleet: %v", err)
	}
	for _, r := range fleet.Runners() {
		if r.Parallel() != 4 {
			t.Errorf("%s runs %d cases at once, want its devices' 3+1 sessions", r.Implementation(), r.Parallel())
		}
	}
	shares := fleet.Repeat(t.Context(), cs, 1, nil)
	if err := d.Close(); err != nil {
		t.Errorf("close remote driver: %v", err)
	}
	wg.Wait() // devices end at bye
	cancel()
	tr.CloseIdleConnections()
	close(devErrs)
	for err := range devErrs {
		// A device between two polls when the harness closed finds its
		// listener gone: that is the run's end, not a device failure.
		if err != nil && !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("device: %v", err)
		}
	}
	var reps []reports.Report
	for i, s := range shares {
		if i >= len(names) || s.Implementation != names[i] {
			t.Fatalf("implementation %d is %q, want %q", i, s.Implementation, names)
		}
		got := make(map[string]result.CaseResult, len(s.Runs))
		run := result.Run{Implementation: s.Implementation}
		for _, runs := range s.Runs {
			got[runs[0].ID] = runs[0]
			run.Cases = append(run.Cases, runs[0])
		}
		compare(t, s.Implementation, want, got)
		t.Logf("verdicts: inproc %v, %s %v", tally(want), s.Implementation, tally(got))
		reps = append(reps, reports.Report{Run: run})
		// The pool shared the cases: every session ran on a device of
		// this name, more than one device served, each case once (a
		// stalled attempt runs again).
		var total int64
		served := 0
		for _, dev := range devices[s.Implementation] {
			total += dev.opened.Load()
			if dev.opened.Load() > 0 {
				served++
			}
		}
		if total < int64(len(cs)) || served < 2 {
			t.Errorf("%s: %d sessions on %d of its devices, want at least %d on several", s.Implementation, total,
				served, len(cs))
		}
	}
	if len(shares) != len(names) {
		t.Fatalf("%d implementations, want %d", len(shares), len(names))
	}
	out := t.TempDir()
	w, err := reports.WriteSet(out, reps)
	if err != nil {
		t.Fatalf("write reports: %v", err)
	}
	if !slices.Equal(w.Dirs, []string{filepath.Join(out, names[0]), filepath.Join(out, names[1])}) {
		t.Errorf("report folders %q", w.Dirs)
	}
	page, err := os.ReadFile(filepath.Join(out, reports.CompareFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), `data-case="`); n != len(cs) {
		t.Errorf("comparison page has %d case rows, want %d", n, len(cs))
	}
	if strings.Contains(string(page), "row differs") {
		t.Errorf("the reference differs from itself on the comparison page")
	}
}
