// Package execdriver is the subprocess driver: it runs an implementation as a
// program speaking the driver protocol (docs/driver-protocol.md) on its
// stdin and stdout, such as `netconform driver` or a Lua host running
// drivers/lua/stdio_driver.lua.
//
// Each session runs on one process; a process serves sessions one at a time
// (or as many at once as its hello's capabilities.sessions says) and is
// reused for the next session when the previous one ended cleanly.
// Sessions opened at the same time get processes of their own once the
// running ones are full. A process serving several sessions that crashes
// fails all of them. A process
// that crashes, hangs (no reply within Options.OpTimeout), floods or breaks
// the protocol fails its session with the reason (from Call, Cancel and
// Close) and is stopped; the next session starts a fresh one. Processes are
// started with exec.CommandContext: stopping one interrupts it and kills it
// Options.WaitDelay later, so none outlives [Driver.Close].
//
// A driver that announces the files capability in its hello keeps each
// session's folders itself; its sessions are then driver.FileSessions
// whose PlaceFile and Files go over the protocol, so the program may run
// where the harness cannot read its files (a container, a VM, another
// computer reached through ssh).
package execdriver

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/proto"
)

// DefaultWaitDelay is Options.WaitDelay's default.
const DefaultWaitDelay = 2 * time.Second

// Options configures a Driver. Args is required; the other zero values are
// documented defaults.
type Options struct {
	// Args is the command and its arguments, e.g. ["netconform", "driver"].
	Args []string
	// Name is the driver's name in reports; "" means the name from the
	// first process's hello, or "exec:" and the command's base name before.
	Name string
	// Dir is the processes' working directory ("" means the current one).
	Dir string
	// Env is added to the harness's environment.
	Env []string
	// OpTimeout bounds the wait for each reply (0 means
	// proto.DefaultOpTimeout).
	OpTimeout time.Duration
	// HelloTimeout bounds the wait for a new process's hello (0 means the
	// longer of proto.DefaultHelloTimeout and OpTimeout).
	HelloTimeout time.Duration
	// WaitDelay is how long a process gets to exit after stdin closes, and
	// then after an interrupt before it is killed (0 means DefaultWaitDelay).
	WaitDelay time.Duration
	// MaxLine bounds the length of a stdout line (0 means proto.MaxLine).
	MaxLine int
}

// Driver starts sessions on subprocesses. It is safe for concurrent use;
// the caller must Close it to stop its processes.
type Driver struct {
	o      Options
	base   context.Context
	cancel context.CancelFunc

	mu   sync.Mutex // guards below
	idle []*proc    // a process once per free session place
	// starting counts the processes not past their hello yet; started is
	// closed and replaced when one gets there (or fails to).
	starting int
	started  chan struct{}
	perProc  int // the last hello's sessions at once (0: none yet)
	all      map[*proc]bool
	hello    string // name from the first hello
	closed   bool
	pids     []int
	stops    sync.WaitGroup
}

// New returns a driver running o.Args. It starts nothing yet.
func New(o Options) (*Driver, error) {
	if len(o.Args) == 0 || o.Args[0] == "" {
		return nil, errors.New("new exec driver: no command")
	}
	if o.OpTimeout <= 0 {
		o.OpTimeout = proto.DefaultOpTimeout
	}
	if o.WaitDelay <= 0 {
		o.WaitDelay = DefaultWaitDelay
	}
	o.Args = slices.Clone(o.Args)
	base, cancel := context.WithCancel(context.Background())
	return &Driver{o: o, base: base, cancel: cancel, all: make(map[*proc]bool), started: make(chan struct{})}, nil
}

// Name returns Options.Name, else the name the driver said hello with, else
// "exec:" and the command's base name.
func (d *Driver) Name() string {
	if d.o.Name != "" {
		return d.o.Name
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.hello != "" {
		return d.hello
	}
	return "exec:" + filepath.Base(d.o.Args[0])
}

// Probe starts a process (kept for the next session) and returns its
// capabilities, so Name is known before a run starts.
func (d *Driver) Probe(ctx context.Context) (driver.Capabilities, error) {
	p, err := d.take(ctx)
	if err != nil {
		return driver.Capabilities{}, err
	}
	caps := p.peer.Capabilities()
	d.release(p)
	return caps, nil
}

// PIDs returns the ids of every process the driver started, for tests that
// check none is left behind.
func (d *Driver) PIDs() []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.pids)
}

// Open opens a session on an idle process, or a new one. An idle process
// that turns out to be dead is replaced once.
func (d *Driver) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	for attempt := 0; ; attempt++ {
		p, err := d.take(ctx)
		if err != nil {
			return nil, err
		}
		s, err := p.peer.Open(ctx, cfg)
		if err == nil {
			return &session{FileSession: s, d: d, p: p}, nil
		}
		broken := p.peer.Err() != nil
		d.release(p)
		if !broken || attempt > 0 || ctx.Err() != nil {
			return nil, fmt.Errorf("open exec session: %w", err)
		}
	}
}

// take returns a free session place on a healthy process, or starts one and
// waits for its hello. While no process has said how many sessions it
// serves at once (or it said more than one), a caller that finds no free
// place while a process is starting waits for that process instead of
// starting another: its places may be enough.
func (d *Driver) take(ctx context.Context) (*proc, error) {
	d.mu.Lock()
	for {
		if d.closed {
			d.mu.Unlock()
			return nil, errors.New("exec driver closed")
		}
		if p := d.popIdleLocked(); p != nil {
			d.mu.Unlock()
			return p, nil
		}
		if d.starting == 0 || d.perProc == 1 {
			break
		}
		started := d.started
		d.mu.Unlock()
		select {
		case <-started:
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for a driver process to start: %w", context.Cause(ctx))
		}
		d.mu.Lock()
	}
	p, err := startProc(d.base, d.o)
	if err != nil {
		d.mu.Unlock()
		return nil, err
	}
	d.all[p] = true
	d.pids = append(d.pids, p.pid())
	d.starting++
	d.mu.Unlock()

	peer, err := proto.Handshake(ctx, p, proto.PeerOptions{OpTimeout: d.o.OpTimeout, HelloTimeout: d.o.HelloTimeout})
	d.mu.Lock()
	defer d.mu.Unlock()
	d.starting--
	close(d.started)
	d.started = make(chan struct{})
	if err != nil {
		d.retireLocked(p)
		return nil, fmt.Errorf("start driver %s: %w", d.o.Args[0], err)
	}
	p.peer = peer
	p.stderr.attach(peer)
	go d.watch(p)
	if d.hello == "" {
		d.hello = peer.Name()
	}
	d.perProc = peer.MaxSessions()
	for range d.perProc - 1 { // the caller takes one place
		d.idle = append(d.idle, p)
	}
	return p, nil
}

// popIdleLocked takes a free place on a healthy process, retiring the dead
// ones it finds, or returns nil; d.mu is held.
func (d *Driver) popIdleLocked() *proc {
	for len(d.idle) > 0 {
		p := d.idle[len(d.idle)-1]
		d.idle = d.idle[:len(d.idle)-1]
		if p.peer.Err() == nil {
			return p
		}
		d.retireLocked(p)
	}
	return nil
}

// watch stops a process as soon as its peer breaks (crash, hang, garbage).
func (d *Driver) watch(p *proc) {
	<-p.peer.Done()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.all[p] && !errors.Is(p.peer.Err(), proto.ErrClosed) {
		d.retireLocked(p)
	}
}

// release puts a process back in the pool, or stops it if it broke.
func (d *Driver) release(p *proc) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || p.peer.Err() != nil {
		d.retireLocked(p)
		return
	}
	d.idle = append(d.idle, p)
}

// retireLocked stops a process in the background (at once if it broke,
// gracefully otherwise); d.mu is held.
func (d *Driver) retireLocked(p *proc) {
	if !d.all[p] {
		return
	}
	delete(d.all, p)
	d.idle = slices.DeleteFunc(d.idle, func(q *proc) bool { return q == p })
	d.stops.Go(func() {
		graceful := p.peer != nil && p.peer.Err() == nil
		if graceful {
			ctx, stop := context.WithTimeout(context.Background(), d.o.WaitDelay)
			_ = p.peer.Close(ctx)
			stop()
		} else if p.peer != nil {
			p.peer.Fail(proto.ErrClosed)
		}
		p.stop(graceful)
	})
}

// Close says bye to every process, stops them (interrupting, then killing
// those that do not exit) and waits until all were reaped. Sessions still
// open break.
func (d *Driver) Close() error {
	d.mu.Lock()
	d.closed = true
	for p := range d.all {
		d.retireLocked(p)
	}
	d.mu.Unlock()
	d.stops.Wait()
	d.cancel()
	return nil
}

// session is a protocol session (with the files capability's PlaceFile
// and Files, which fail when the driver does not announce it) that gives
// its process back on Close.
type session struct {
	driver.FileSession
	d    *Driver
	p    *proc
	once sync.Once
}

// Close closes the protocol session, then releases the process: back to
// the pool if healthy, stopped otherwise.
func (s *session) Close(ctx context.Context) error {
	err := s.FileSession.Close(ctx)
	if err != nil && s.p.peer.Err() == nil {
		// A close that did not return (a call still blocks it) leaves
		// the process busy: it is stopped, never given another session.
		s.p.peer.Fail(fmt.Errorf("session close did not complete: %w", err))
	}
	s.once.Do(func() { s.d.release(s.p) })
	if err != nil {
		return fmt.Errorf("exec driver %s: %w", s.d.Name(), err)
	}
	return nil
}

// Abandon gives the session's process up (a call of it blocked): the
// process is stopped and a fresh one serves the next session.
func (s *session) Abandon(err error) {
	s.p.peer.Fail(fmt.Errorf("abandoned: %w", err))
}
