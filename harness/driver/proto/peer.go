package proto

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/driver"
)

// DefaultOpTimeout is how long a peer waits for the reply to one request
// when PeerOptions.OpTimeout is 0.
const DefaultOpTimeout = 10 * time.Second

// DefaultHelloTimeout is how long [Handshake] waits for a driver's hello
// when PeerOptions.HelloTimeout is 0 (unless OpTimeout is longer). Starting
// a program can take far longer than answering a request: a JVM, a Lua host
// loading its modules, a race-built binary on a loaded machine.
const DefaultHelloTimeout = 30 * time.Second

// Conn carries protocol lines between the harness and one driver. Its
// methods are safe for concurrent use.
type Conn interface {
	// ReadLine returns the next line from the driver, without its newline.
	// It blocks until one arrives; after Close it returns an error. The
	// slice is valid until the next call.
	ReadLine() ([]byte, error)
	// WriteLine sends one line (without newline) to the driver, giving up
	// when ctx ends.
	WriteLine(ctx context.Context, line []byte) error
	// Close ends the connection.
	Close() error
}

// PeerOptions tunes a Peer; the zero value is ready to use.
type PeerOptions struct {
	// OpTimeout bounds the wait for each reply (0 means DefaultOpTimeout).
	// A driver that does not answer in time is broken (hung).
	OpTimeout time.Duration
	// HelloTimeout bounds Handshake's wait for the hello (0 means the
	// longer of DefaultHelloTimeout and OpTimeout).
	HelloTimeout time.Duration
	// StampReceipt makes every event's Time the time it was received,
	// ignoring the driver's clock (for devices whose clock differs).
	StampReceipt bool
}

// Peer is the harness end of one connected driver that said hello. It runs
// as many sessions at once as the driver's hello allows
// (driver.Capabilities.Sessions; one by default). Its methods are safe for
// concurrent use.
type Peer struct {
	conn     Conn
	hello    Message
	version  int
	opts     PeerOptions
	done     chan struct{} // closed when the peer breaks or is closed
	readDone chan struct{} // closed when the reader returned

	mu      sync.Mutex // guards everything below
	err     error
	nextID  int64
	pending map[int64]*pending
	sess    map[string]*session // the open sessions by id
	nSess   int64
	spare   []string // log lines outside any session, for the next one
}

// pending is a request waiting for its reply.
type pending struct {
	typ  string
	sess *session
	ch   chan Message // buffered(1)
}

// maxSpare bounds the log lines kept between sessions.
const maxSpare = 200

// NewPeer starts the harness end over conn, once the driver's hello was
// negotiated to version (see [Negotiate]) and welcomed. It reads conn until
// the peer breaks or is closed; the caller must Close it.
func NewPeer(conn Conn, hello Message, version int, opts PeerOptions) *Peer {
	if opts.OpTimeout <= 0 {
		opts.OpTimeout = DefaultOpTimeout
	}
	p := &Peer{conn: conn, hello: hello, version: version, opts: opts, done: make(chan struct{}),
		readDone: make(chan struct{}), pending: make(map[int64]*pending), sess: make(map[string]*session)}
	go p.readLoop()
	return p
}

// Handshake reads the driver's hello from conn (waiting at most
// opts.HelloTimeout), answers welcome, or bye if no version is common, and
// returns the peer. On failure it closes conn.
func Handshake(ctx context.Context, conn Conn, opts PeerOptions) (*Peer, error) {
	if opts.OpTimeout <= 0 {
		opts.OpTimeout = DefaultOpTimeout
	}
	if opts.HelloTimeout <= 0 {
		opts.HelloTimeout = max(DefaultHelloTimeout, opts.OpTimeout)
	}
	ctx, stop := context.WithTimeout(ctx, opts.HelloTimeout)
	defer stop()
	type result struct {
		m   Message
		err error
	}
	got := make(chan result, 1)
	go func() {
		line, err := conn.ReadLine()
		if err != nil {
			got <- result{err: fmt.Errorf("read hello: %w", lineError(err))}
			return
		}
		m, err := Decode(line)
		got <- result{m, err}
	}()
	var r result
	select {
	case r = <-got:
	case <-ctx.Done():
		_ = conn.Close()
		<-got
		return nil, violation("no hello within %s", opts.HelloTimeout)
	}
	if r.err != nil {
		_ = conn.Close()
		return nil, r.err
	}
	v, err := Negotiate(r.m)
	reply := Message{Type: TypeWelcome, Version: v}
	if err != nil {
		reply = Message{Type: TypeBye, Reason: err.Error()}
	}
	line, _ := Encode(reply)
	if werr := conn.WriteLine(ctx, line); werr != nil && err == nil {
		err = fmt.Errorf("write welcome: %w", werr)
	}
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	return NewPeer(conn, r.m, v, opts), nil
}

// Name returns the implementation's name from its hello.
func (p *Peer) Name() string { return p.hello.Name }

// Capabilities returns the capabilities from the driver's hello.
func (p *Peer) Capabilities() driver.Capabilities { return *p.hello.Capabilities }

// Done is closed when the peer broke or was closed; Err then says why.
func (p *Peer) Done() <-chan struct{} { return p.done }

// Err returns why the peer broke, ErrClosed after Close, or nil.
func (p *Peer) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Busy reports whether a session is open on the peer.
func (p *Peer) Busy() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.sess) > 0
}

// MaxSessions returns how many sessions the peer runs at once.
func (p *Peer) MaxSessions() int { return p.Capabilities().MaxSessions() }

// Fail breaks the peer with err (for transports that learn of a failure
// first, such as a process exit): the open session's pending and later
// operations return it. Only the first failure counts.
func (p *Peer) Fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failLocked(err)
}

// failLocked is Fail with p.mu held.
func (p *Peer) failLocked(err error) {
	if p.err != nil {
		return
	}
	p.err = err
	close(p.done)
	for _, s := range p.sess {
		s.queue.Close()
	}
	go func() { _ = p.conn.Close() }() // unblocks the reader
}

// AddLog adds a line the transport got outside the protocol (a
// subprocess's stderr) to the open sessions' logs (each of them: the line
// cannot say whose it is), or keeps it for the next session.
func (p *Peer) AddLog(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.addLogLocked(line)
}

// addLogLocked is AddLog with p.mu held.
func (p *Peer) addLogLocked(line string) {
	for _, s := range p.sess {
		s.addLog(line)
	}
	if len(p.sess) == 0 && len(p.spare) < maxSpare {
		p.spare = append(p.spare, line)
	}
}

// Close says bye to the driver (best effort, bounded by ctx) and ends the
// connection. An open session breaks with ErrClosed.
func (p *Peer) Close(ctx context.Context) error {
	p.mu.Lock()
	alive := p.err == nil
	p.mu.Unlock()
	if alive {
		line, _ := Encode(Message{Type: TypeBye, Reason: "harness done"})
		_ = p.conn.WriteLine(ctx, line)
	}
	p.Fail(ErrClosed)
	select {
	case <-p.readDone:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("close peer: reader still running: %w", context.Cause(ctx))
	}
}

// lineError turns a line reader's length error into a protocol error.
func lineError(err error) error {
	if errors.Is(err, ErrLineTooLong) {
		return &Error{Msg: err.Error()}
	}
	return err
}

// readLoop reads and dispatches the driver's lines until the peer breaks.
func (p *Peer) readLoop() {
	defer close(p.readDone)
	for n := 1; ; n++ {
		line, err := p.conn.ReadLine()
		if err != nil {
			p.Fail(lineError(err))
			return
		}
		m, err := Decode(line)
		if err == nil {
			err = p.dispatch(m)
		}
		if err != nil {
			var pe *Error
			if errors.As(err, &pe) {
				err = &Error{Msg: fmt.Sprintf("line %d: %s", n, pe.Msg)}
			}
			p.Fail(err)
			return
		}
	}
}

// dispatch handles one message from the driver.
func (p *Peer) dispatch(m Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	switch m.Type {
	case TypeReply:
		return p.replyLocked(m)
	case TypeEvent:
		s := p.sess[m.Session]
		if s == nil {
			return violation("event seq %d of closed or unknown session %s", m.Seq, quote(m.Session))
		}
		return s.onEvent(m, p.opts.StampReceipt)
	case TypeLog:
		if m.Session == "" {
			p.addLogLocked(m.Line)
			return nil
		}
		s := p.sess[m.Session]
		if s == nil {
			return violation("log line of closed or unknown session %s", quote(m.Session))
		}
		s.addLog(m.Line)
		return nil
	}
	return violation("unexpected %s message from the driver", m.Type)
}

// replyLocked matches a reply with its request and checks its result.
func (p *Peer) replyLocked(m Message) error {
	pd, ok := p.pending[m.ID]
	if !ok {
		return violation("reply to unknown request %d", m.ID)
	}
	delete(p.pending, m.ID)
	if n := m.results(); n != 1 {
		return violation("reply %d to %s has %d results, want one of ok, handle, rejected, cancelled, files, error", m.ID,
			pd.typ, n)
	}
	var fits bool
	switch pd.typ {
	case TypeOpen, TypeClose:
		fits = m.OK || m.Error != ""
		if pd.typ == TypeClose && pd.sess != nil && p.sess[pd.sess.id] == pd.sess {
			// Nothing of the session may follow its close reply.
			delete(p.sess, pd.sess.id)
			pd.sess.queue.Close()
		}
	case TypePlace:
		fits = m.OK || m.Error != ""
	case TypeFiles:
		fits = m.Files != nil || m.Error != ""
	case TypeCall:
		fits = m.Handle != "" || m.Rejected != nil || m.Error != ""
		if m.Handle != "" && pd.sess != nil {
			pd.sess.known[m.Handle] = true
		}
		if r := m.Rejected; r != nil && r.Handle != "" && pd.sess != nil {
			pd.sess.known[r.Handle] = true // its listener ran inside the call
		}
	case TypeCancel:
		fits = m.Cancelled != nil || m.Error != ""
		if c := m.Cancelled; c != nil && pd.sess != nil && c.AfterSeq > pd.sess.lastSeq {
			return violation("cancel after seq %d, but the last event was %d", c.AfterSeq, pd.sess.lastSeq)
		}
	}
	if !fits {
		return violation("reply %d does not fit a %s request", m.ID, pd.typ)
	}
	pd.ch <- m
	return nil
}

// request sends m (setting its id) and waits for the reply, at most
// OpTimeout: a driver that does not answer in time breaks the peer. When
// ctx ends first the request is abandoned (its late reply is still checked).
func (p *Peer) request(ctx context.Context, s *session, m Message) (Message, error) {
	p.mu.Lock()
	if p.err != nil {
		err := p.err
		p.mu.Unlock()
		return Message{}, err
	}
	p.nextID++
	m.ID = p.nextID
	pd := &pending{typ: m.Type, sess: s, ch: make(chan Message, 1)}
	p.pending[m.ID] = pd
	p.mu.Unlock()

	line, err := Encode(m)
	if err == nil && len(line) > MaxLine {
		err = fmt.Errorf("encode %s: %d bytes, over the %d-byte line limit", m.Type, len(line), MaxLine)
	}
	if err != nil {
		p.mu.Lock()
		delete(p.pending, m.ID)
		p.mu.Unlock()
		return Message{}, err
	}
	timer := time.NewTimer(p.opts.OpTimeout)
	defer timer.Stop()
	wctx, stop := context.WithTimeout(ctx, p.opts.OpTimeout)
	err = p.conn.WriteLine(wctx, line)
	stop()
	if err != nil {
		if ctx.Err() != nil {
			return Message{}, fmt.Errorf("send %s: %w", m.Type, context.Cause(ctx))
		}
		p.Fail(fmt.Errorf("send %s to the driver: %w", m.Type, err))
		return Message{}, p.Err()
	}
	select {
	case r := <-pd.ch:
		return r, nil
	case <-p.done:
		select {
		case r := <-pd.ch: // the reply came before the break
			return r, nil
		default:
		}
		return Message{}, p.Err()
	case <-timer.C:
		p.Fail(&Error{Msg: fmt.Sprintf("no reply to %s within %s", m.Type, p.opts.OpTimeout), Err: driver.ErrNoReply})
		return Message{}, p.Err()
	case <-ctx.Done():
		return Message{}, fmt.Errorf("wait for the reply to %s: %w (%w)", m.Type, context.Cause(ctx), driver.ErrNoReply)
	}
}
