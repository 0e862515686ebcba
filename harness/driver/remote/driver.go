// Package remote is the driver for implementations that cannot be spawned:
// apps on phones, simulators and consoles. It listens for devices on an HTTP
// long-poll control channel (docs/driver-protocol.md, "HTTP transport"): a
// device posts hello, polls for the harness's messages and posts its
// replies, events and logs. Each connected device runs one session at a
// time, or as many at once as its hello's capabilities.sessions says; Open
// waits for a free place on a device.
//
// Devices that say different names in their hello are different
// implementations (an Android phone and an iPhone): [Driver.Implementations]
// returns a driver per name, whose sessions run only on the devices of that
// name, so that each implementation gets every case and its own results.
// Devices that say the same name are one implementation and share its cases.
//
// A device that announces the files capability keeps its files itself, and
// the harness places and reads them over the channel.
package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/proto"
)

// Path is the control channel's path prefix.
const Path = "/netconform/v1"

// Defaults of Options.
const (
	DefaultPollWait    = 20 * time.Second
	DefaultIdleTimeout = 30 * time.Second
)

// Options configures a Driver. The zero values are documented defaults.
type Options struct {
	// Listen is the address to listen on ("" means 127.0.0.1:0).
	Listen string
	// Advertise is the host (or host:port) printed in URLs; "" means the
	// listener's address. Set it to the host's LAN address when listening
	// on 0.0.0.0.
	Advertise string
	// Name is the driver's name in reports; "" means the name of the first
	// device's hello, or "remote" before. Set, it makes every device one
	// implementation of that name (see Driver.Implementations).
	Name string
	// OpTimeout bounds the wait for each reply (0 means proto.DefaultOpTimeout).
	OpTimeout time.Duration
	// PollWait is how long a poll waits for messages (0 means DefaultPollWait).
	PollWait time.Duration
	// IdleTimeout drops a device that neither polls nor posts for that
	// long (0 means DefaultIdleTimeout).
	IdleTimeout time.Duration
	// DeviceClock uses the times devices put in their events, for devices
	// whose clock agrees with the host's (NTP, or the same machine). By
	// default events are stamped when they arrive, which adds the control
	// channel's delay to every timing check.
	DeviceClock bool
}

// Driver serves the control channel and runs sessions on connected devices.
// It is safe for concurrent use; the caller must Close it.
type Driver struct {
	o    Options
	ln   net.Listener
	srv  *http.Server
	done chan struct{}
	wg   sync.WaitGroup

	mu      sync.Mutex // guards below
	devices map[string]*device
	idle    []*device     // a device once per free session place
	changed chan struct{} // closed and replaced when idle grows
	n       int
	hello   string
	closed  bool
}

// device is one connected device.
type device struct {
	id   string
	c    *conn
	peer *proto.Peer
}

// New listens on o.Listen and starts serving the control channel.
func New(o Options) (*Driver, error) {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
	if o.OpTimeout <= 0 {
		o.OpTimeout = proto.DefaultOpTimeout
	}
	if o.PollWait <= 0 {
		o.PollWait = DefaultPollWait
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return nil, fmt.Errorf("new remote driver: %w", err)
	}
	d := &Driver{o: o, ln: ln, done: make(chan struct{}), devices: make(map[string]*device),
		changed: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+Path+"/hello", d.handleHello)
	mux.HandleFunc("GET "+Path+"/poll", d.handlePoll)
	mux.HandleFunc("POST "+Path+"/send", d.handleSend)
	d.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	d.wg.Go(func() { _ = d.srv.Serve(ln) })
	d.wg.Go(d.reap)
	return d, nil
}

// URL returns the control channel's base URL, with the advertised host.
func (d *Driver) URL() string {
	addr := d.ln.Addr().String()
	if a := d.o.Advertise; a != "" {
		if _, _, err := net.SplitHostPort(a); err == nil {
			addr = a
		} else {
			_, port, _ := net.SplitHostPort(addr)
			addr = net.JoinHostPort(a, port)
		}
	}
	return "http://" + addr + Path
}

// Name returns Options.Name, else the first device's name, else "remote".
func (d *Driver) Name() string {
	if d.o.Name != "" {
		return d.o.Name
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.hello != "" {
		return d.hello
	}
	return "remote"
}

// Devices returns how many devices are connected.
func (d *Driver) Devices() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.devices)
}

// Open waits (bounded by ctx) for a free session place on a device,
// whatever its name, and opens a session there. Sessions of one implementation among several come
// from [Driver.Implementations].
func (d *Driver) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	return d.open(ctx, cfg, anyName)
}

// open waits for a free device named name (anyName: any device) and opens a
// session on it.
func (d *Driver) open(ctx context.Context, cfg driver.Config, name string) (driver.Session, error) {
	for {
		d.mu.Lock()
		if d.closed {
			d.mu.Unlock()
			return nil, errors.New("open remote session: driver closed")
		}
		dev := d.takeIdleLocked(name)
		changed := d.changed
		d.mu.Unlock()
		if dev == nil {
			select {
			case <-changed:
				continue
			case <-ctx.Done():
				return nil, fmt.Errorf("open remote session: no %s connected to %s: %w", deviceNoun(name), d.URL(),
					context.Cause(ctx))
			}
		}
		s, err := dev.peer.Open(ctx, cfg)
		if err != nil {
			d.release(dev)
			return nil, fmt.Errorf("open remote session on device %s: %w", dev.id, err)
		}
		return &session{FileSession: s, d: d, dev: dev}, nil
	}
}

// release makes a healthy device available again, or drops a broken one.
func (d *Driver) release(dev *device) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if dev.peer.Err() != nil || d.closed {
		d.dropLocked(dev)
		return
	}
	d.idle = append(d.idle, dev)
	close(d.changed)
	d.changed = make(chan struct{})
}

// dropLocked forgets a device; d.mu is held.
func (d *Driver) dropLocked(dev *device) {
	delete(d.devices, dev.id)
	d.idle = slices.DeleteFunc(d.idle, func(x *device) bool { return x == dev })
	dev.peer.Fail(proto.ErrClosed)
}

// reap drops devices that went silent, so their session errors.
func (d *Driver) reap() {
	t := time.NewTicker(max(d.o.IdleTimeout/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-d.done:
			return
		case <-t.C:
		}
		cut := time.Now().Add(-d.o.IdleTimeout)
		d.mu.Lock()
		for _, dev := range d.devices {
			if dev.c.idleSince(cut) {
				dev.peer.Fail(fmt.Errorf("device %s: %w for %s", dev.id, errGone, d.o.IdleTimeout))
				dev.c.fail(errGone)
				d.dropLocked(dev)
			}
		}
		d.mu.Unlock()
	}
}

// Close says bye to every device, stops serving and waits for its
// goroutines. Open sessions break.
func (d *Driver) Close() error {
	d.mu.Lock()
	d.closed = true
	devs := make([]*device, 0, len(d.devices))
	for _, dev := range d.devices {
		devs = append(devs, dev)
	}
	d.mu.Unlock()
	for _, dev := range devs {
		ctx, stop := context.WithTimeout(context.Background(), time.Second)
		_ = dev.peer.Close(ctx)
		stop()
	}
	close(d.done)
	// Requests still open 2 s after the devices were told bye (a device's
	// long poll that began just then) are cut: that is how Close ends them,
	// not a failure. Only a failure to close the listener is reported.
	ctx, stop := context.WithTimeout(context.Background(), 2*time.Second)
	defer stop()
	var err error
	if d.srv.Shutdown(ctx) != nil {
		err = d.srv.Close()
	}
	d.wg.Wait()
	if err != nil {
		return fmt.Errorf("close remote driver: %w", err)
	}
	return nil
}

// newDeviceID returns the next device token; d.mu is held.
func (d *Driver) newDeviceID() string {
	d.n++
	return "p" + strconv.Itoa(d.n)
}

// session is a protocol session (a driver.FileSession, usable when the
// device announces the files capability) that gives its device back on
// Close.
type session struct {
	driver.FileSession
	d    *Driver
	dev  *device
	once sync.Once
}

// Close closes the protocol session and frees the device.
func (s *session) Close(ctx context.Context) error {
	err := s.FileSession.Close(ctx)
	s.once.Do(func() { s.d.release(s.dev) })
	if err != nil {
		return fmt.Errorf("remote device %s: %w", s.dev.id, err)
	}
	return nil
}
