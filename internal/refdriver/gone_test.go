package refdriver_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/proto"
	"github.com/netconform/netconform/harness/driver/remote"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/runner"
	"github.com/netconform/netconform/internal/refdriver"
	"github.com/netconform/netconform/internal/testkit"
)

// goneDevice is a Go device running the reference that can drop off the
// control channel at once, as a phone that leaves the Wi-Fi or an app that
// is killed: it stops polling and sending.
type goneDevice struct {
	calls  atomic.Int64 // calls the device got
	cancel context.CancelFunc
	ended  chan struct{}
	tr     *http.Transport
}

// startGoneDevice connects a device named name to d.
func startGoneDevice(t *testing.T, d *remote.Driver, name string) *goneDevice {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	g := &goneDevice{cancel: cancel, ended: make(chan struct{}), tr: &http.Transport{}}
	o := proto.ServeOptions{Name: name, Capabilities: refdriver.Capabilities()}
	go func() {
		defer close(g.ended)
		_ = remote.RunDevice(ctx, &http.Client{Transport: g.tr}, d.URL(), callCounter{refdriver.New(), &g.calls}, o)
	}()
	t.Cleanup(func() { g.drop() })
	return g
}

// drop cuts the device off and returns once it is silent.
func (g *goneDevice) drop() {
	g.cancel()
	<-g.ended
	g.tr.CloseIdleConnections()
}

// callCounter counts the calls of its sessions.
type callCounter struct {
	driver.Driver
	n *atomic.Int64
}

func (c callCounter) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	s, err := c.Driver.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return countedSession{s, c.n}, nil
}

type countedSession struct {
	driver.Session
	n *atomic.Int64
}

func (s countedSession) Call(ctx context.Context, c driver.Call) (string, error) {
	s.n.Add(1)
	return s.Session.Call(ctx, c)
}

// afterFirstCall is the harness's side of a driver: once the first call of
// any session has its handle (the case now waits for events), it runs do,
// once.
type afterFirstCall struct {
	driver.Driver
	once *sync.Once
	do   func()
}

func (a afterFirstCall) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	s, err := a.Driver.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return hookedSession{s, a}, nil
}

type hookedSession struct {
	driver.Session
	a afterFirstCall
}

func (s hookedSession) Call(ctx context.Context, c driver.Call) (string, error) {
	h, err := s.Session.Call(ctx, c)
	if err == nil {
		s.a.once.Do(s.a.do)
	}
	return h, err
}

// goneCases are a case that waits 30 s for its response (at time scale 1)
// and runs first (the longest budget), and a short one.
func goneCases(t *testing.T) []*casefile.Case {
	t.Helper()
	var cs []*casefile.Case
	for _, c := range testkit.Cases(t) {
		if c.ID == "timeouts.default-30s" || c.ID == "example.error-body-keeps-file" {
			cs = append(cs, c)
		}
	}
	if len(cs) != 2 {
		t.Fatalf("%d of the 2 cases found", len(cs))
	}
	return cs
}

// TestRemoteDeviceGone: a device that drops in the middle of a case (the
// harness has the call's handle and waits for its events) is declared gone
// after remote.DefaultGoneAfter of silence; its case errors then with that
// reason, not at its 60 s deadline. The next case goes to another device
// of the implementation and passes, or, with none left, errors as soon as
// the rejoin wait is over: every case of the dropped device ends within
// 10 s of its silence.
func TestRemoteDeviceGone(t *testing.T) {
	t.Parallel()
	srv := testkit.Server(t)
	for _, tc := range []struct {
		name    string
		devices int
	}{
		{"last-device", 1},
		{"another-device", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := remote.New(remote.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = d.Close() })
			var devs []*goneDevice
			for range tc.devices {
				devs = append(devs, startGoneDevice(t, d, "go-device"))
			}
			tick := time.NewTicker(5 * time.Millisecond)
			for d.Devices() < tc.devices {
				select {
				case <-t.Context().Done():
					t.Fatalf("%d devices connected", d.Devices())
				case <-tick.C:
				}
			}
			tick.Stop()
			var silent time.Time
			drop := func() {
				for _, g := range devs {
					if g.calls.Load() > 0 {
						silent = time.Now()
						g.drop()
						return
					}
				}
				t.Error("no device got the call")
			}
			r, err := runner.New(runner.Params{Driver: afterFirstCall{Driver: d, once: &sync.Once{}, do: drop},
				Fixture: srv, TimeScale: 1, Parallel: 1, TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			run := r.Run(t.Context(), goneCases(t))
			took := time.Since(silent)
			if silent.IsZero() {
				t.Fatal("the device never dropped")
			}
			byID := map[string]result.CaseResult{}
			for _, c := range run.Cases {
				byID[c.ID] = c
				t.Logf("%s: %s (%s) %s", c.ID, c.Verdict, c.Duration.Round(time.Millisecond), c.Reason)
			}
			long := byID["timeouts.default-30s"]
			if long.Verdict != result.Error || !strings.Contains(long.Reason, `"go-device" at 127.0.0.1 stopped polling`) {
				t.Errorf("the dropped device's case: %s %q, want an error saying it stopped polling", long.Verdict, long.Reason)
			}
			short := byID["example.error-body-keeps-file"]
			if tc.devices > 1 && short.Verdict != result.Pass {
				t.Errorf("the next case, with another device left: %s %q, want a pass there", short.Verdict, short.Reason)
			}
			if tc.devices == 1 && (short.Verdict != result.Error ||
				!strings.Contains(short.Reason, "no device left") || strings.Contains(short.Reason, d.URL()) ||
				!strings.Contains(short.Reason, "stopped polling")) {
				t.Errorf("the next case, with no device left: %s %q, want an error saying none is left and why (without the token)",
					short.Verdict, short.Reason)
			}
			// Gone after DefaultGoneAfter of silence at the earliest; every
			// case ended within 10 s of the silence.
			if took < remote.DefaultGoneAfter || took > 10*time.Second {
				t.Errorf("the run ended %s after the device went silent, want between %s and 10s",
					took.Round(time.Millisecond), remote.DefaultGoneAfter)
			}
			if n := d.Devices(); n != tc.devices-1 {
				t.Errorf("%d devices still connected, want %d", n, tc.devices-1)
			}
		})
	}
}

// TestRemoteGoneIsMatchable: the reason of a gone device's case wraps
// remote.ErrGone for the runner and the CLI to tell it from other errors.
func TestRemoteGoneIsMatchable(t *testing.T) {
	t.Parallel()
	d, err := remote.New(remote.Options{GoneAfter: 50 * time.Millisecond, RejoinWait: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	g := startGoneDevice(t, d, "go-device")
	for d.Devices() < 1 {
		select {
		case <-t.Context().Done():
			t.Fatal("no device")
		case <-time.After(5 * time.Millisecond):
		}
	}
	g.drop()
	impls := d.Implementations()
	if !slices.ContainsFunc(impls, func(x driver.Driver) bool { return x.Name() == "go-device" }) {
		t.Fatalf("implementations %v", impls)
	}
	for range 3 { // the first waits out the rejoin window, the next fail at once
		_, err := d.Open(t.Context(), driver.Config{})
		if !errors.Is(err, remote.ErrGone) {
			t.Fatalf("open after the device went = %v, want ErrGone", err)
		}
	}
}
