package proto

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/driver"
)

// Bounds of a session's logs.
const (
	maxLogLines = 10000
	maxLogLine  = 64 << 10
)

// session is the harness end of one protocol session; it implements
// driver.Session. Its mutable fields are guarded by the peer's mutex, so the
// reader checks events against the replies it dispatched in stream order.
type session struct {
	p     *Peer
	id    string
	queue *driver.Queue

	// Guarded by p.mu.
	lastSeq int64
	known   map[string]bool // handle tokens the driver returned
	logs    []string
	dropped int

	closeOnce sync.Once
	closeErr  error
}

// Open starts a session on the peer with cfg. A peer runs as many sessions
// at once as its driver announced (one by default): Open fails while that
// many are open. An error reply leaves the peer
// usable; a broken peer's error is returned as is. The session's PlaceFile
// and Files work when the driver announced the files capability, and
// return an error otherwise.
func (p *Peer) Open(ctx context.Context, cfg driver.Config) (driver.FileSession, error) {
	p.mu.Lock()
	if p.err != nil {
		err := p.err
		p.mu.Unlock()
		return nil, fmt.Errorf("open session: %w", err)
	}
	if n := p.Capabilities().MaxSessions(); len(p.sess) >= n {
		p.mu.Unlock()
		return nil, fmt.Errorf("open session: the peer already has %d open sessions, as many as its driver serves at once", n)
	}
	p.nSess++
	s := &session{p: p, id: "s" + strconv.FormatInt(p.nSess, 10), queue: driver.NewQueue(), known: make(map[string]bool)}
	s.logs, p.spare = p.spare, nil
	p.sess[s.id] = s
	p.mu.Unlock()
	r, err := p.request(ctx, s, Message{Type: TypeOpen, Session: s.id, Config: &cfg})
	if err == nil && r.Error != "" {
		err = fmt.Errorf("driver error: %s", r.Error)
	}
	if err != nil {
		p.endSession(s)
		return nil, fmt.Errorf("open session: %w", err)
	}
	return s, nil
}

// endSession detaches s from the peer and closes its events.
func (p *Peer) endSession(s *session) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sess[s.id] == s {
		delete(p.sess, s.id)
	}
	s.queue.Close()
}

// onEvent checks an event against the session's state and queues it; p.mu
// is held.
func (s *session) onEvent(m Message, stamp bool) error {
	switch {
	case m.Seq != s.lastSeq+1:
		return violation("event seq %d after seq %d (duplicate or out of order)", m.Seq, s.lastSeq)
	case !s.known[m.Handle]:
		return violation("event seq %d has unknown handle %s", m.Seq, quote(m.Handle))
	case m.Kind == driver.KindEvent && m.Fields == nil:
		return violation("event seq %d has no fields", m.Seq)
	case m.Kind == driver.KindCancel && (m.Cancel == nil || m.Cancel.AfterSeq >= m.Seq):
		return violation("cancel event seq %d has no cancel result before it", m.Seq)
	case m.Kind != driver.KindEvent && m.Kind != driver.KindCancel:
		return violation("event seq %d has unknown kind %s", m.Seq, quote(m.Kind))
	}
	s.lastSeq = m.Seq
	ev := m.event()
	if stamp || ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	s.queue.Push(ev)
	return nil
}

// addLog keeps a log line, bounded; p.mu is held.
func (s *session) addLog(line string) {
	if len(s.logs) >= maxLogLines {
		s.dropped++
		return
	}
	if len(line) > maxLogLine {
		line = line[:maxLogLine] + "...(truncated)"
	}
	s.logs = append(s.logs, line)
}

// Capabilities returns the peer's capabilities.
func (s *session) Capabilities() driver.Capabilities { return s.p.Capabilities() }

// Call sends a call and returns its handle, rejection or failure.
func (s *session) Call(ctx context.Context, c driver.Call) (string, error) {
	r, err := s.p.request(ctx, s, Message{Type: TypeCall, Session: s.id, Call: &c})
	switch {
	case err != nil:
		return "", fmt.Errorf("call: %w", err)
	case r.Rejected != nil:
		return "", r.Rejected
	case r.Error != "":
		return "", fmt.Errorf("call: driver error: %s", r.Error)
	}
	return r.Handle, nil
}

// Cancel sends a cancel and returns its outcome.
func (s *session) Cancel(ctx context.Context, handle string) (driver.Cancelled, error) {
	r, err := s.p.request(ctx, s, Message{Type: TypeCancel, Session: s.id, Handle: handle})
	switch {
	case err != nil:
		return driver.Cancelled{}, fmt.Errorf("cancel: %w", err)
	case r.Error != "":
		return driver.Cancelled{}, fmt.Errorf("cancel: driver error: %s", r.Error)
	}
	return *r.Cancelled, nil
}

// Events returns the session's events; the channel closes after Close, or
// when the peer breaks.
func (s *session) Events() <-chan driver.Event { return s.queue.Out() }

// Logs returns the driver's log lines so far.
func (s *session) Logs() []string {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	out := append([]string(nil), s.logs...)
	if s.dropped > 0 {
		out = append(out, fmt.Sprintf("(%d more log lines dropped)", s.dropped))
	}
	return out
}

// Close ends the session. When the peer broke during the session, it
// returns why, so the case errors with the reason.
func (s *session) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		r, err := s.p.request(ctx, s, Message{Type: TypeClose, Session: s.id})
		if err == nil && r.Error != "" {
			err = fmt.Errorf("driver error: %s", r.Error)
		}
		s.p.endSession(s)
		if err != nil {
			s.closeErr = fmt.Errorf("close session: %w", err)
		}
	})
	return s.closeErr
}
