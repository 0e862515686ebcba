package remote

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/netconform/netconform/harness/driver/proto"
)

// ErrGone is matched (errors.Is) by the error of a session whose device
// stopped polling, and of an Open that found every device of its
// implementation gone.
var ErrGone = errors.New("device gone")

// GoneError is why a device was declared gone: it had no poll outstanding
// and made no request for Silent (Options.GoneAfter or a little more).
type GoneError struct {
	Device string // the device's label: `device 2 "solar2d:android" at 192.168.1.33`
	Silent time.Duration
}

// Error says which device went silent and for how long.
func (e *GoneError) Error() string {
	return fmt.Sprintf("%s stopped polling %s ago", e.Device, e.Silent.Round(100*time.Millisecond))
}

// Is makes errors.Is(err, ErrGone) hold.
func (e *GoneError) Is(target error) bool { return target == ErrGone }

// watch declares silent devices gone and gives the waiting notices, until
// Close.
func (d *Driver) watch() {
	t := time.NewTicker(min(max(d.o.GoneAfter/10, 10*time.Millisecond), time.Second))
	defer t.Stop()
	for {
		select {
		case <-d.done:
			return
		case <-t.C:
		}
		d.reap(time.Now())
		d.noticeWaits(time.Now())
	}
}

// reap drops the devices silent for Options.GoneAfter, so that their
// sessions error at once with the reason.
func (d *Driver) reap(now time.Time) {
	var notices []string
	d.mu.Lock()
	for _, dev := range d.devices {
		silent, ok := dev.c.silentFor(now)
		if !ok || silent < d.o.GoneAfter {
			continue
		}
		err := &GoneError{Device: dev.label(), Silent: silent}
		dev.peer.Fail(err)
		dev.c.fail(err)
		d.dropLocked(dev, err, now.Add(-silent))
		notices = append(notices, fmt.Sprintf("%v: its session errors; %s left", err, plural(len(d.devices), "device")))
	}
	d.mu.Unlock()
	for _, n := range notices {
		d.notify(n)
	}
}

// dropLocked forgets a device, which went at (its last sign of life) for
// why; d.mu is held.
func (d *Driver) dropLocked(dev *device, why error, at time.Time) {
	if _, ok := d.devices[dev.id]; !ok {
		return
	}
	delete(d.devices, dev.id)
	d.idle = slices.DeleteFunc(d.idle, func(x *device) bool { return x == dev })
	dev.peer.Fail(proto.ErrClosed)
	if d.closed {
		return
	}
	if why == nil {
		why = fmt.Errorf("%s left", dev.label())
	}
	gone := departure{at: at, why: why}
	d.left[dev.implName()], d.left[anyName] = gone, gone
	d.wakeLocked()
}

// rejoinLocked says how long an Open of name that found no free place may
// still wait: the zero time and nil while a device of the name is
// connected (busy) or none ever went, until when once the last one went,
// and an error wrapping why it went once Options.RejoinWait passed with
// none back. d.mu is held.
func (d *Driver) rejoinLocked(name string, now time.Time) (until time.Time, err error) {
	if d.countLocked(name) > 0 {
		return time.Time{}, nil
	}
	g, ok := d.left[name]
	if !ok {
		return time.Time{}, nil
	}
	until = g.at.Add(d.o.RejoinWait)
	if now.Before(until) {
		return until, nil
	}
	return time.Time{}, fmt.Errorf("no %s left: %w; none connected again to %s within %s", deviceNoun(name), g.why,
		d.ShownURL(), d.o.RejoinWait)
}

// countLocked counts the connected devices named name (anyName: all);
// d.mu is held.
func (d *Driver) countLocked(name string) int {
	if name == anyName {
		return len(d.devices)
	}
	n := 0
	for _, dev := range d.devices {
		if dev.implName() == name {
			n++
		}
	}
	return n
}

// waitLocked counts an Open of name waiting; d.mu is held.
func (d *Driver) waitLocked(name string) {
	w := d.waiting[name]
	if w == nil {
		now := time.Now()
		w = &waiter{since: now, told: now}
		d.waiting[name] = w
	}
	w.n++
}

// unwaitLocked counts an Open of name done waiting; d.mu is held.
func (d *Driver) unwaitLocked(name string) {
	if w := d.waiting[name]; w != nil {
		if w.n--; w.n <= 0 {
			delete(d.waiting, name)
		}
	}
}

// noticeWaits tells the user, every Options.NoticeEvery, what the Opens
// that wait with no device of their implementation connected wait for.
// Opens waiting for a busy device are the run's normal pace: no notice.
func (d *Driver) noticeWaits(now time.Time) {
	var notices []string
	d.mu.Lock()
	for name, w := range d.waiting {
		if now.Sub(w.told) < d.o.NoticeEvery || d.countLocked(name) > 0 {
			continue
		}
		w.told = now
		line := fmt.Sprintf("waiting %s for a %s to connect to %s (%s)", now.Sub(w.since).Round(time.Second),
			deviceNoun(name), d.URL(), plural(w.n, "case"))
		if g, ok := d.left[name]; ok {
			line += fmt.Sprintf("; the last one went %s ago: %v", now.Sub(g.at).Round(time.Second), g.why)
		}
		notices = append(notices, line)
	}
	d.mu.Unlock()
	for _, n := range notices {
		d.notify(n)
	}
}

// notify gives the user a line, if Options.Notify is set.
func (d *Driver) notify(line string) {
	if d.o.Notify == nil {
		return
	}
	d.nmu.Lock()
	defer d.nmu.Unlock()
	d.o.Notify(line)
}

// notifyOnce gives a line unless the same key was given within
// Options.NoticeEvery.
func (d *Driver) notifyOnce(key, line string) {
	if d.o.Notify == nil {
		return
	}
	d.nmu.Lock()
	defer d.nmu.Unlock()
	now := time.Now()
	if at, ok := d.noticed[key]; ok && now.Sub(at) < d.o.NoticeEvery {
		return
	}
	if len(d.noticed) > 1000 { // many clients: forget them rather than grow
		clear(d.noticed)
	}
	d.noticed[key] = now
	d.o.Notify(line)
}

// plural says "1 device", "2 devices".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
