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
	"sync"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/proto"
)

// Path is the control channel's path prefix; the control URL adds the
// run's pairing token as one more segment (see [Driver.URL]).
const Path = "/netconform/v1"

// Defaults of Options.
const (
	DefaultPollWait    = 5 * time.Second
	DefaultGoneAfter   = 5 * time.Second
	DefaultRejoinWait  = 8 * time.Second
	DefaultNoticeEvery = 5 * time.Second
)

// Options configures a Driver. The zero values are documented defaults.
type Options struct {
	// Listen is the address to listen on ("" means 127.0.0.1:0).
	Listen string
	// Advertise is the host (or host:port) printed in URLs; "" means the
	// listener's address. Set it to the host's LAN address when listening
	// on 0.0.0.0. Requests must name it, or the listener's address, in
	// their Host header.
	Advertise string
	// Token is the pairing token every control request must carry (see
	// CheckToken); "" means a new random one ([NewToken]). A fixed token
	// lets an app built with the control URL serve run after run.
	Token string
	// Name is the driver's name in reports; "" means the name of the first
	// device's hello, or "remote" before. Set, it makes every device one
	// implementation of that name (see Driver.Implementations).
	Name string
	// OpTimeout bounds the wait for each reply (0 means proto.DefaultOpTimeout).
	OpTimeout time.Duration
	// PollWait is the longest a poll waits for messages (0 means
	// DefaultPollWait); a device asking more with wait= gets this. A
	// device whose link died without a word is found gone at most
	// PollWait + GoneAfter after its last request.
	PollWait time.Duration
	// GoneAfter declares a device gone once it has had no poll outstanding
	// and made no request for that long (0 means DefaultGoneAfter): its
	// session errors with how long it has been silent, and its place goes.
	// Devices poll again at once after each answer, so a live one is
	// never that long without a poll.
	GoneAfter time.Duration
	// RejoinWait is how long after the last sign of life of an
	// implementation's last device Open waits for one to connect again
	// (an app restarted), before it fails at once with why the device went
	// (0 means DefaultRejoinWait). Until a first device connects Open waits
	// as long as its ctx allows.
	RejoinWait time.Duration
	// Notify, if not nil, gets a line for the user when a device connects,
	// is refused or goes, and every NoticeEvery while Open waits with no
	// device of its implementation connected. Calls come one at a time,
	// from the driver's goroutines and Open's callers.
	Notify func(line string)
	// NoticeEvery is how often a notice repeats (0 means
	// DefaultNoticeEvery).
	NoticeEvery time.Duration
	// DeviceClock uses the times devices put in their events, for devices
	// whose clock agrees with the host's (NTP, or the same machine). By
	// default events are stamped when they arrive, which adds the control
	// channel's delay to every timing check.
	DeviceClock bool
}

// Driver serves the control channel and runs sessions on connected devices.
// It is safe for concurrent use; the caller must Close it.
type Driver struct {
	o     Options
	token string
	hosts hostPolicy
	ln    net.Listener
	srv   *http.Server
	done  chan struct{}
	wg    sync.WaitGroup

	nmu     sync.Mutex           // guards noticed and the calls of o.Notify
	noticed map[string]time.Time // notice key → when it was last given

	mu      sync.Mutex // guards below
	devices map[string]*device
	idle    []*device     // a device once per free session place
	changed chan struct{} // closed and replaced when idle grows or a device goes
	n       int           // devices so far (numbers them)
	hello   string
	closed  bool
	left    map[string]departure // by implementation name, and anyName: the last device that went
	waiting map[string]*waiter   // Opens waiting for a free place, by name
}

// device is one connected device. Its id, the welcome's peer, is a secret
// like the token: messages name the device by label.
type device struct {
	id   string
	num  int    // 1 for the first device of the run
	from string // the address its hello came from
	c    *conn
	peer *proto.Peer
}

// label names a device in messages: `device 2 "solar2d:android" at
// 192.168.1.33`.
func (dev *device) label() string {
	return fmt.Sprintf("device %d %q at %s", dev.num, dev.implName(), dev.from)
}

// departure is why and when the last device of a name went.
type departure struct {
	at  time.Time
	why error
}

// waiter counts the Opens of one name waiting for a place.
type waiter struct {
	n     int
	since time.Time
	told  time.Time
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
	if o.GoneAfter <= 0 {
		o.GoneAfter = DefaultGoneAfter
	}
	if o.RejoinWait <= 0 {
		o.RejoinWait = DefaultRejoinWait
	}
	if o.NoticeEvery <= 0 {
		o.NoticeEvery = DefaultNoticeEvery
	}
	tok := o.Token
	if tok == "" {
		tok = NewToken()
	} else if err := CheckToken(tok); err != nil {
		return nil, fmt.Errorf("new remote driver: %w", err)
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return nil, fmt.Errorf("new remote driver: %w", err)
	}
	d := &Driver{o: o, token: tok, ln: ln, done: make(chan struct{}), devices: make(map[string]*device),
		changed: make(chan struct{}), noticed: map[string]time.Time{}, left: map[string]departure{},
		waiting: map[string]*waiter{}}
	d.hosts = newHostPolicy(ln.Addr(), d.hostOfURL())
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+Path+"/{token}/hello", d.guard(d.handleHello))
	mux.HandleFunc("GET "+Path+"/{token}/poll", d.guard(d.handlePoll))
	mux.HandleFunc("POST "+Path+"/{token}/send", d.guard(d.handleSend))
	mux.HandleFunc(Path+"/", d.handleUnpaired)
	d.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	d.wg.Go(func() { _ = d.srv.Serve(ln) })
	d.wg.Go(d.watch)
	return d, nil
}

// URL returns the control channel's base URL, with the advertised host and
// the pairing token: http://HOST:PORT/netconform/v1/TOKEN. It is what a
// device needs, and all an attacker needs: print it only where the user
// reads it.
func (d *Driver) URL() string {
	return "http://" + d.hostOfURL() + Path + "/" + d.token
}

// ShownURL is the control URL without its token, for errors, which reach
// the reports and logs: http://HOST:PORT/netconform/v1/TOKEN.
func (d *Driver) ShownURL() string {
	return "http://" + d.hostOfURL() + Path + "/TOKEN"
}

// hostOfURL is the host:port the control URL carries.
func (d *Driver) hostOfURL() string {
	addr := d.ln.Addr().String()
	if a := d.o.Advertise; a != "" {
		if _, _, err := net.SplitHostPort(a); err == nil {
			addr = a
		} else {
			_, port, _ := net.SplitHostPort(addr)
			addr = net.JoinHostPort(a, port)
		}
	}
	return addr
}

// Loopback reports whether the control channel listens on loopback only,
// out of reach of other hosts.
func (d *Driver) Loopback() bool {
	host, _, _ := net.SplitHostPort(d.ln.Addr().String())
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
// whatever its name, and opens a session there. Sessions of one
// implementation among several come from [Driver.Implementations]. Once
// every device went (and none came back within Options.RejoinWait), Open
// fails at once with why the last one went.
func (d *Driver) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	return d.open(ctx, cfg, anyName)
}

// open waits for a free device named name (anyName: any device) and opens a
// session on it.
func (d *Driver) open(ctx context.Context, cfg driver.Config, name string) (driver.Session, error) {
	waiting := false
	defer func() {
		if waiting {
			d.mu.Lock()
			d.unwaitLocked(name)
			d.mu.Unlock()
		}
	}()
	for {
		d.mu.Lock()
		if d.closed {
			d.mu.Unlock()
			return nil, errors.New("open remote session: driver closed")
		}
		dev := d.takeIdleLocked(name)
		var rejoin *time.Timer
		if dev == nil {
			until, err := d.rejoinLocked(name, time.Now())
			if err != nil {
				d.mu.Unlock()
				return nil, fmt.Errorf("open remote session: %w", err)
			}
			if !until.IsZero() {
				rejoin = time.NewTimer(time.Until(until))
			}
			if !waiting {
				waiting = true
				d.waitLocked(name)
			}
		}
		changed := d.changed
		d.mu.Unlock()
		if dev == nil {
			var expired <-chan time.Time // nil: no rejoin window, wait for a device or ctx
			if rejoin != nil {
				expired = rejoin.C
			}
			select {
			case <-changed:
			case <-expired:
			case <-ctx.Done():
				return nil, fmt.Errorf("open remote session: no %s connected to %s: %w", deviceNoun(name), d.ShownURL(),
					context.Cause(ctx))
			}
			if rejoin != nil {
				rejoin.Stop()
			}
			continue
		}
		s, err := dev.peer.Open(ctx, cfg)
		if err != nil {
			d.release(dev)
			return nil, fmt.Errorf("open remote session on %s: %w", dev.label(), err)
		}
		return &session{FileSession: s, d: d, dev: dev}, nil
	}
}

// release makes a healthy device available again, or drops a broken one.
func (d *Driver) release(dev *device) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if dev.peer.Err() != nil || d.closed {
		d.dropLocked(dev, dev.peer.Err(), time.Now())
		return
	}
	d.idle = append(d.idle, dev)
	d.wakeLocked()
}

// wakeLocked wakes the waiting Opens; d.mu is held.
func (d *Driver) wakeLocked() {
	close(d.changed)
	d.changed = make(chan struct{})
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
	if err != nil && !errors.Is(err, ErrGone) { // a GoneError names the device
		return fmt.Errorf("remote %s: %w", s.dev.label(), err)
	}
	if err != nil {
		return fmt.Errorf("remote session: %w", err)
	}
	return nil
}
