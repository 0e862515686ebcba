package remote_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/remote"
)

// waitDevices waits until n devices are connected to d.
func waitDevices(t *testing.T, d *remote.Driver, n int) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for d.Devices() < n {
		select {
		case <-t.Context().Done():
			t.Fatalf("%d of %d devices connected", d.Devices(), n)
		case <-tick.C:
		}
	}
}

// deviceOf makes one call on s and returns the name of the device that
// answered it.
func deviceOf(t *testing.T, s driver.Session) string {
	t.Helper()
	if _, err := s.Call(t.Context(), driver.Call{URL: "u"}); err != nil {
		t.Fatalf("call: %v", err)
	}
	name, _ := (<-s.Events()).Fields["device"].(string)
	return name
}

// byName returns the implementation named name among impls.
func byName(t *testing.T, impls []driver.Driver, name string) driver.Driver {
	t.Helper()
	for _, im := range impls {
		if im.Name() == name {
			return im
		}
	}
	t.Fatalf("no implementation %q", name)
	return nil
}

// TestImplementationsByName: devices that say different names are different
// implementations, each opening sessions on its own devices only; devices of
// one name are a pool.
func TestImplementationsByName(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{PollWait: 200 * time.Millisecond})
	if n := len(d.Implementations()); n != 0 {
		t.Fatalf("%d implementations before any device", n)
	}
	startNamed(t, d, "ios")
	startNamed(t, d, "android")
	startNamed(t, d, "android")
	waitDevices(t, d, 3)
	impls := d.Implementations()
	var names []string
	for _, im := range impls {
		names = append(names, im.Name())
	}
	if strings.Join(names, ",") != "android,ios" {
		t.Fatalf("implementations %q, want android,ios (sorted, one per name)", names)
	}
	android, ios := byName(t, impls, "android"), byName(t, impls, "ios")
	type counter interface{ Devices() int }
	if a, i := android.(counter).Devices(), ios.(counter).Devices(); a != 2 || i != 1 {
		t.Errorf("devices android %d ios %d, want 2 and 1", a, i)
	}

	// The pool of two runs two sessions at once, both on android devices.
	a1, err := android.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatalf("open android: %v", err)
	}
	a2, err := android.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatalf("open second android: %v", err)
	}
	for _, s := range []driver.Session{a1, a2} {
		if got := deviceOf(t, s); got != "android" {
			t.Errorf("android session ran on %q", got)
		}
	}
	// Both android devices are busy: a third android session waits, though
	// the ios device is free, and says which name it waits for.
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := android.Open(ctx, driver.Config{}); err == nil ||
		!strings.Contains(err.Error(), `no device named "android" connected`) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("third android open = %v, want a wait for an android device", err)
	}
	s, err := ios.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatalf("open ios: %v", err)
	}
	if got := deviceOf(t, s); got != "ios" {
		t.Errorf("ios session ran on %q", got)
	}
	for _, s := range []driver.Session{a1, a2, s} {
		if err := s.Close(t.Context()); err != nil {
			t.Errorf("close: %v", err)
		}
	}
	// A freed android device serves the pool again.
	a3, err := android.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatalf("open android after close: %v", err)
	}
	if got := deviceOf(t, a3); got != "android" {
		t.Errorf("android session ran on %q", got)
	}
	if err := a3.Close(t.Context()); err != nil {
		t.Errorf("close: %v", err)
	}
}

// TestImplementationsOptionName: Options.Name makes every device one
// implementation, the driver itself.
func TestImplementationsOptionName(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{PollWait: 200 * time.Millisecond, Name: "lab"})
	startNamed(t, d, "ios")
	startNamed(t, d, "android")
	waitDevices(t, d, 2)
	impls := d.Implementations()
	if len(impls) != 1 || impls[0] != driver.Driver(d) || d.Name() != "lab" {
		t.Errorf("implementations %v (name %q), want the driver alone as lab", impls, d.Name())
	}
}
