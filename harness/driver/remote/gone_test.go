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

// TestWaitingNotice: while Open waits with no device connected, the user is
// told every NoticeEvery what the run waits for and where to connect.
func TestWaitingNotice(t *testing.T) {
	t.Parallel()
	ns := newNotices()
	d := newDriver(t, remote.Options{NoticeEvery: 20 * time.Millisecond, Notify: ns.add})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := d.Open(ctx, driver.Config{})
		done <- err
	}()
	line := ns.await(t, "for a device to connect to "+d.URL())
	if !strings.HasPrefix(line, "waiting ") || !strings.Contains(line, "(1 case)") {
		t.Errorf("notice %q", line)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("open = %v, want cancelled", err)
	}
}

// TestGoneThenRejoin: once the last device went, an Open waits
// RejoinWait from its last sign of life for one to connect again (an app
// restarted) and gets it; after that window Opens fail at once with why the
// device went, and the user was told it went.
func TestGoneThenRejoin(t *testing.T) {
	t.Parallel()
	ns := newNotices()
	d := newDriver(t, remote.Options{GoneAfter: 50 * time.Millisecond, RejoinWait: 5 * time.Second,
		NoticeEvery: 20 * time.Millisecond, Notify: ns.add, PollWait: 200 * time.Millisecond})
	hello(t, newClient(t), d.URL(), "phone") // says hello, then nothing
	ns.await(t, `device 1 "phone" at 127.0.0.1 stopped polling`)
	ns.await(t, "0 devices left")
	opened := make(chan error, 1)
	go func() {
		s, err := d.Open(t.Context(), driver.Config{})
		if err == nil {
			err = s.Close(t.Context())
		}
		opened <- err
	}()
	ns.await(t, "the last one went") // the Open waits, saying why
	startDevice(t, d)
	if err := <-opened; err != nil {
		t.Fatalf("open with a device back within the rejoin window: %v", err)
	}

	d2 := newDriver(t, remote.Options{GoneAfter: 50 * time.Millisecond, RejoinWait: 50 * time.Millisecond})
	hello(t, newClient(t), d2.URL(), "phone")
	_, err := d2.Open(t.Context(), driver.Config{}) // the device, silent
	if !errors.Is(err, remote.ErrGone) {
		t.Fatalf("open on the silent device = %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for range 2 {
		start := time.Now()
		_, err := d2.Open(ctx, driver.Config{})
		if !errors.Is(err, remote.ErrGone) || !strings.Contains(err.Error(), "no device left") ||
			strings.Contains(err.Error(), d2.URL()) {
			t.Fatalf("open with none left = %v, want ErrGone, without the token", err)
		}
		if ctx.Err() != nil || time.Since(start) > 30*time.Second {
			t.Fatalf("open with none left took %s", time.Since(start))
		}
	}
}
