package remote_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/proto"
	"github.com/netconform/netconform/harness/driver/remote"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echoDriver's sessions answer each call with handle h1 and an ended event
// whose device field is the driver's name.
type echoDriver struct{ name string }

func (echoDriver) Name() string { return "echo" }
func (e echoDriver) Open(context.Context, driver.Config) (driver.Session, error) {
	return &echoSession{events: make(chan driver.Event, 4), device: e.name}, nil
}

type echoSession struct {
	events chan driver.Event
	device string
}

func (*echoSession) Capabilities() driver.Capabilities { return driver.Capabilities{} }
func (s *echoSession) Call(_ context.Context, c driver.Call) (string, error) {
	s.events <- driver.Event{Seq: 1, Kind: driver.KindEvent, Handle: "h1", Time: deviceTime,
		Fields: map[string]any{"phase": "ended", "response": c.URL, "bin": "\xff\x00", "device": s.device}}
	return "h1", nil
}
func (*echoSession) Cancel(context.Context, string) (driver.Cancelled, error) {
	return driver.Cancelled{Returned: true, AfterSeq: 1}, nil
}
func (s *echoSession) Events() <-chan driver.Event { return s.events }
func (*echoSession) Logs() []string                { return nil }
func (s *echoSession) Close(context.Context) error { close(s.events); return nil }

// deviceTime is the time the echo device puts in its events.
var deviceTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// startDevice runs a Go device named "phone" against d until the test ends.
func startDevice(t *testing.T, d *remote.Driver) { startNamed(t, d, "phone") }

// startNamed runs a Go device that says name in its hello against d until
// the test ends.
func startNamed(t *testing.T, d *remote.Driver, name string) {
	t.Helper()
	startDeviceWith(t, d, proto.ServeOptions{Name: name, Capabilities: driver.Capabilities{Fns: []string{driver.FnRequest}}})
}

// startDeviceWith runs a Go device serving o against d until the test ends.
func startDeviceWith(t *testing.T, d *remote.Driver, o proto.ServeOptions) {
	t.Helper()
	tr := &http.Transport{}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = remote.RunDevice(ctx, &http.Client{Transport: tr}, d.URL(), echoDriver{name: o.Name}, o)
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		tr.CloseIdleConnections()
	})
}

func newDriver(t *testing.T, o remote.Options) *remote.Driver {
	t.Helper()
	d, err := remote.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func TestSessionOverHTTP(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{PollWait: 200 * time.Millisecond})
	startDevice(t, d)
	for range 2 {
		s, err := d.Open(t.Context(), driver.Config{})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		if h, err := s.Call(t.Context(), driver.Call{URL: "http://x/y"}); err != nil || h != "h1" {
			t.Fatalf("call = %q, %v", h, err)
		}
		ev := <-s.Events()
		if ev.Fields["response"] != "http://x/y" || ev.Fields["bin"] != "\xff\x00" {
			t.Errorf("event %+v", ev)
		}
		if time.Since(ev.Time) > time.Minute {
			t.Errorf("event time %v: want the time of receipt by default", ev.Time)
		}
		if err := s.Close(t.Context()); err != nil {
			t.Fatalf("close: %v", err)
		}
	}
	if d.Name() != "phone" || d.Devices() != 1 {
		t.Errorf("name %q devices %d, want phone and 1", d.Name(), d.Devices())
	}
}

// TestOpenWaitsForDevice: without a device Open ends with ctx, saying where
// the device should connect.
func TestOpenWaitsForDevice(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{Advertise: "192.0.2.7"})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := d.Open(ctx, driver.Config{})
	if err == nil || !strings.Contains(err.Error(), "no device connected to http://192.0.2.7:") ||
		!errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("open = %v, want no device with the advertised URL", err)
	}
}

// TestSilentDeviceDropped: a device that stops polling breaks its session
// with how long it has been silent, and its peer id then gets 404.
func TestSilentDeviceDropped(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{GoneAfter: 100 * time.Millisecond})
	c := newClient(t)
	welcome := hello(t, c, d.URL(), "mute")
	_, err := d.Open(t.Context(), driver.Config{})
	var gone *remote.GoneError
	if !errors.As(err, &gone) || !errors.Is(err, remote.ErrGone) || gone.Silent < 100*time.Millisecond ||
		!strings.Contains(err.Error(), `device 1 "mute" at 127.0.0.1 stopped polling`) {
		t.Errorf("open = %v, want the device dropped for its silence", err)
	}
	if status, _ := control(t, c, http.MethodGet, d.URL()+"/poll?peer="+welcome.Peer, ""); status != http.StatusNotFound {
		t.Errorf("poll of a dropped device: %d, want 404", status)
	}
}

// TestDeviceClock: with DeviceClock the device's event times are kept.
func TestDeviceClock(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{PollWait: 200 * time.Millisecond, DeviceClock: true})
	startDevice(t, d)
	s, err := d.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if _, err := s.Call(t.Context(), driver.Call{URL: "u"}); err != nil {
		t.Fatalf("call: %v", err)
	}
	if ev := <-s.Events(); !ev.Time.Equal(deviceTime) {
		t.Errorf("event time %v, want the device's %v", ev.Time, deviceTime)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Errorf("close: %v", err)
	}
}

// TestDeviceFiles: a device with the files capability gets a session whose
// PlaceFile and Files reach its own folders over the channel.
func TestDeviceFiles(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{PollWait: 200 * time.Millisecond})
	startDeviceWith(t, d, proto.ServeOptions{Name: "phone", Files: true, FilesDir: t.TempDir()})
	s, err := d.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	fs, ok := s.(driver.FileSession)
	if !ok || !s.Capabilities().Files {
		t.Fatalf("session %T, files %v: want a FileSession with the capability", s, s.Capabilities().Files)
	}
	if err := fs.PlaceFile(t.Context(), driver.File{Dir: driver.DocumentsDirectory, Name: "a.bin", Content: "\xff"}); err != nil {
		t.Fatalf("place: %v", err)
	}
	list, err := fs.Files(t.Context(), 64)
	if err != nil || len(list) != 1 || list[0].Name != "a.bin" || list[0].Head != "\xff" {
		t.Errorf("files = %+v, %v; want a.bin", list, err)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Errorf("close: %v", err)
	}
}

// TestDeviceSessions: a device that announces sessions 2 holds two
// sessions at once (their calls and events apart); a third Open waits
// for a free place, which closing one of the two gives. Sessions() and a
// pool's Sessions() count the places.
func TestDeviceSessions(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{PollWait: 200 * time.Millisecond})
	startDeviceWith(t, d, proto.ServeOptions{Name: "tablet", Sessions: 2,
		Capabilities: driver.Capabilities{Fns: []string{driver.FnRequest}}})
	startNamed(t, d, "phone")
	waitDevices(t, d, 2)
	if got := d.Sessions(); got != 3 {
		t.Errorf("Sessions() = %d, want 2 + 1", got)
	}
	var tablet driver.Driver
	for _, impl := range d.Implementations() {
		if impl.Name() == "tablet" {
			tablet = impl
		}
	}
	if c, ok := tablet.(interface{ Sessions() int }); !ok || c.Sessions() != 2 {
		t.Fatalf("the tablet's pool does not say its 2 sessions")
	}
	a, err := tablet.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := tablet.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatalf("second session on a 2-session device: %v", err)
	}
	for i, s := range []driver.Session{a, b} {
		url := fmt.Sprint("http://x/", i)
		if _, err := s.Call(t.Context(), driver.Call{URL: url}); err != nil {
			t.Fatal(err)
		}
		if ev := <-s.Events(); ev.Fields["response"] != url {
			t.Errorf("session %d got %v, want its own call's", i, ev.Fields["response"])
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := tablet.Open(ctx, driver.Config{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("third open on a full 2-session device = %v, want a wait until ctx ends", err)
	}
	if err := a.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	c, err := tablet.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatalf("open after a close: %v", err)
	}
	for _, s := range []driver.Session{b, c} {
		if err := s.Close(t.Context()); err != nil {
			t.Error(err)
		}
	}
}
