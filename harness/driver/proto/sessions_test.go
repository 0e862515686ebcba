package proto

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/netconform/netconform/harness/driver"
)

// echoDriver's sessions answer each call with one event carrying the
// call's URL and log the URL, so a test sees whose session got what.
type echoDriver struct{}

func (echoDriver) Name() string { return "echo" }
func (echoDriver) Open(context.Context, driver.Config) (driver.Session, error) {
	return &echoSession{q: driver.NewQueue()}, nil
}

type echoSession struct {
	q    *driver.Queue
	mu   sync.Mutex
	n    int
	logs []string
}

func (*echoSession) Capabilities() driver.Capabilities { return driver.Capabilities{} }
func (s *echoSession) Call(_ context.Context, c driver.Call) (string, error) {
	s.mu.Lock()
	s.n++
	h := fmt.Sprintf("h%d", s.n)
	s.logs = append(s.logs, "called "+c.URL)
	s.mu.Unlock()
	s.q.Push(driver.Event{Seq: int64(s.n), Kind: driver.KindEvent, Handle: h,
		Fields: map[string]any{"name": "networkRequest", "phase": "ended", "url": c.URL}})
	return h, nil
}
func (*echoSession) Cancel(context.Context, string) (driver.Cancelled, error) {
	return driver.Cancelled{Returned: true}, nil
}
func (s *echoSession) Events() <-chan driver.Event { return s.q.Out() }
func (s *echoSession) Logs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.logs)
}
func (s *echoSession) Close(context.Context) error { s.q.Close(); return nil }

// TestServeSessions: with Sessions 3, Serve announces it, the peer opens
// three sessions at once and refuses a fourth; each session's calls give
// events and logs to that session only (the same handle token in two
// sessions is two calls); closing one leaves the others working and frees
// its place.
func TestServeSessions(t *testing.T) {
	t.Parallel()
	p := serveOver(t, echoDriver{}, ServeOptions{Name: "echo", Sessions: 3})
	if got := p.MaxSessions(); got != 3 {
		t.Fatalf("MaxSessions = %d, want the 3 Serve announced", got)
	}
	ctx := t.Context()
	var ss []driver.FileSession
	for range 3 {
		s, err := p.Open(ctx, driver.Config{})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		ss = append(ss, s)
	}
	if _, err := p.Open(ctx, driver.Config{}); err == nil || !strings.Contains(err.Error(), "3 open sessions") {
		t.Fatalf("fourth open = %v, want refused: 3 are open", err)
	}
	for i, s := range ss {
		h, err := s.Call(ctx, driver.Call{URL: fmt.Sprint("u", i)})
		if err != nil || h != "h1" {
			t.Fatalf("session %d call = %q, %v; want h1", i, h, err)
		}
	}
	for i, s := range ss {
		ev := <-s.Events()
		if ev.Handle != "h1" || ev.Fields["url"] != fmt.Sprint("u", i) {
			t.Errorf("session %d got event %+v, want its own call's", i, ev)
		}
	}
	if err := ss[1].Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-ss[1].Events(); ok {
		t.Error("closed session still has events")
	}
	s4, err := p.Open(ctx, driver.Config{})
	if err != nil {
		t.Fatalf("open after a close: %v", err)
	}
	ss[1] = s4
	for i, s := range ss {
		if _, err := s.Call(ctx, driver.Call{URL: fmt.Sprint("v", i)}); err != nil {
			t.Fatalf("session %d second call: %v", i, err)
		}
	}
	for i, s := range ss {
		ev := <-s.Events()
		if ev.Fields["url"] != fmt.Sprint("v", i) {
			t.Errorf("session %d got %v, want v%d", i, ev.Fields["url"], i)
		}
		for _, l := range s.Logs() {
			if !strings.HasSuffix(l, fmt.Sprint(i)) {
				t.Errorf("session %d has log line %q of another session", i, l)
			}
		}
		if err := s.Close(ctx); err != nil {
			t.Error(err)
		}
	}
}

// TestServeOneSessionDefault: without Sessions, Serve announces nothing
// and refuses a second open session with an error reply, as before.
func TestServeOneSessionDefault(t *testing.T) {
	t.Parallel()
	p := serveOver(t, echoDriver{}, ServeOptions{Name: "echo"})
	if p.MaxSessions() != 1 || p.Capabilities().Sessions != 0 {
		t.Fatalf("capabilities %+v, want no sessions field", p.Capabilities())
	}
	s, err := p.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if _, err := p.Open(t.Context(), driver.Config{}); err == nil {
		t.Fatal("a second open session on a one-session peer succeeded")
	}
}

// TestPeerSessionsWire: a driver that says sessions 2 may interleave the
// events of two sessions; a log line without a session goes to both open
// sessions, one with a session to that one; an event of a session that is
// not open breaks the peer.
func TestPeerSessionsWire(t *testing.T) {
	t.Parallel()
	conn, drvIn, drvOut := newPipeConn()
	done := make(chan struct{})
	opens := make(chan Message, 2)
	go func() {
		defer close(done)
		hello, _ := Encode(Hello("two", driver.Capabilities{Sessions: 2}))
		_, _ = drvOut.Write(append(hello, '\n'))
		for {
			line, err := drvIn.ReadLine()
			if err != nil {
				return
			}
			m, _ := Decode(line)
			var out []string
			switch m.Type {
			case TypeOpen:
				out = []string{replyLine(m.ID, `"ok":true`)}
				opens <- m
			case TypeCall:
				out = []string{replyLine(m.ID, `"handle":"h1"`)}
			}
			for _, l := range out {
				_, _ = io.WriteString(drvOut, l+"\n")
			}
		}
	}()
	defer func() { <-done }()
	defer drvOut.Close()
	p, err := Handshake(t.Context(), conn, PeerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	ctx := t.Context()
	a, err := p.Open(ctx, driver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Open(ctx, driver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ida, idb := (<-opens).Session, (<-opens).Session
	for _, s := range []driver.Session{a, b} {
		if _, err := s.Call(ctx, driver.Call{URL: "u"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []string{
		`{"type":"event","session":"` + idb + `","seq":1,"kind":"event","handle":"h1","fields":{"phase":"ended","url":"b"}}`,
		`{"type":"log","line":"whose?"}`,
		`{"type":"log","session":"` + ida + `","line":"a's"}`,
		`{"type":"event","session":"` + ida + `","seq":1,"kind":"event","handle":"h1","fields":{"phase":"ended","url":"a"}}`,
	} {
		_, _ = io.WriteString(drvOut, l+"\n")
	}
	if ev := <-a.Events(); ev.Fields["url"] != "a" {
		t.Errorf("a got %v", ev.Fields)
	}
	if ev := <-b.Events(); ev.Fields["url"] != "b" {
		t.Errorf("b got %v", ev.Fields)
	}
	if got := a.Logs(); !slices.Equal(got, []string{"whose?", "a's"}) {
		t.Errorf("a's logs %q, want the unattributed line and its own", got)
	}
	if got := b.Logs(); !slices.Equal(got, []string{"whose?"}) {
		t.Errorf("b's logs %q, want only the unattributed line", got)
	}
	_, _ = io.WriteString(drvOut, `{"type":"event","session":"s9","seq":2,"kind":"event","handle":"h1","fields":{}}`+"\n")
	<-p.Done()
	if err := p.Err(); err == nil || !strings.Contains(err.Error(), `unknown session "s9"`) {
		t.Errorf("peer error %v, want the unknown session named", err)
	}
}
