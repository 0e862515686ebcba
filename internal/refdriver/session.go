package refdriver

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/impl"
)

// session is one impl.Engine behind the driver.Session interface.
//
// Ordering: every listener call runs on the engine's single dispatcher
// goroutine, and Cancel runs impl's Cancel there too (impl.Engine.Do), so a
// cancel always falls between two deliveries: its AfterSeq is exact and no
// event of the handle follows it (C1).
type session struct {
	e     *impl.Engine
	logs  *logLines
	queue *driver.Queue

	seq int64 // only touched on the engine's dispatcher goroutine

	mu      sync.Mutex // guards handles
	handles map[string]*impl.Handle

	closeOnce sync.Once
	closeErr  error
}

// newSession returns a session over e, logging into logs; it starts the
// event queue's pump, which Close ends.
func newSession(e *impl.Engine, logs *logLines) *session {
	return &session{e: e, logs: logs, queue: driver.NewQueue(), handles: make(map[string]*impl.Handle)}
}

// Capabilities reports everything: the reference supports the whole API.
func (s *session) Capabilities() driver.Capabilities {
	return driver.Capabilities{
		TimeScale:        true,
		Fns:              []string{driver.FnRequest, driver.FnUpload, driver.FnDownload},
		BaseDirs:         driver.BaseDirs(),
		CancelInListener: true,
	}
}

// token is a handle's opaque token, also the requestId of its events (E13).
func token(h *impl.Handle) string {
	if h == nil {
		return ""
	}
	return "h" + strconv.FormatUint(h.ID(), 10)
}

// Call makes the call on the engine.
func (s *session) Call(ctx context.Context, c driver.Call) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("call: %w", err)
	}
	var p *impl.Params
	if c.Params != nil {
		var err error
		if p, err = impl.ParamsFromTable(c.Params); err != nil {
			msg := fmt.Sprintf("network: %s %q: %v", fnName(c.Fn), c.URL, err)
			s.logs.add("level=ERROR msg=" + strconv.Quote(msg))
			return "", &driver.RejectedError{Message: msg}
		}
	}
	var l impl.Listener
	if !c.NoListener {
		l = s.listener(c.CancelInListener)
	}
	var (
		h   *impl.Handle
		err error
	)
	switch c.Fn {
	case driver.FnRequest, "":
		h, err = s.e.Request(c.URL, deref(c.Method), l, p)
	case driver.FnUpload:
		h, err = s.e.Upload(c.URL, deref(c.Method), l, p, deref(c.Filename), impl.BaseDir(deref(c.BaseDirectory)),
			deref(c.ContentType))
	case driver.FnDownload:
		h, err = s.e.Download(c.URL, deref(c.Method), l, p, deref(c.Filename), impl.BaseDir(deref(c.BaseDirectory)))
	default:
		return "", fmt.Errorf("call: unknown function %q", c.Fn)
	}
	switch {
	case errors.Is(err, impl.ErrClosed):
		return "", fmt.Errorf("call: %w", err)
	case err != nil:
		return "", &driver.RejectedError{Message: "network: " + err.Error()}
	}
	tok := token(h)
	s.mu.Lock()
	s.handles[tok] = h
	s.mu.Unlock()
	return tok, nil
}

// fnName names a Call.Fn for log lines.
func fnName(fn string) string {
	if fn == "" {
		return driver.FnRequest
	}
	return fn
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// listener returns the listener of one call: it numbers and records each
// event, and with cancelAt set, cancels the call from inside itself while
// handling the first event of that phase (C4).
func (s *session) listener(cancelAt string) impl.Listener {
	cancelled := false // only touched on the dispatcher goroutine
	return func(ev impl.Event) {
		now := time.Now()
		s.seq++
		tok := token(ev.RequestID)
		if ev.RequestID != nil { // known before Call returns, for a cancel triggered by this event
			s.mu.Lock()
			s.handles[tok] = ev.RequestID
			s.mu.Unlock()
		}
		s.queue.Push(driver.Event{Seq: s.seq, Kind: driver.KindEvent, Handle: tok, Time: now, Fields: fields(ev, tok)})
		if cancelAt == "" || cancelled || string(ev.Phase) != cancelAt {
			return
		}
		cancelled = true
		after := s.seq
		ret := s.e.Cancel(ev.RequestID)
		s.seq++
		s.queue.Push(driver.Event{Seq: s.seq, Kind: driver.KindCancel, Handle: tok, Time: time.Now(),
			Cancel: &driver.Cancelled{Returned: luaCancel(ret), AfterSeq: after}})
	}
}

// luaCancel is network.cancel's Lua result for impl's bool: true, or nil
// (nothing) for a handle the engine did not issue (C3).
func luaCancel(ok bool) any {
	if ok {
		return true
	}
	return nil
}

// Cancel cancels on the engine's dispatcher goroutine, between two listener
// calls, and reports the last event delivered before it.
func (s *session) Cancel(ctx context.Context, handle string) (driver.Cancelled, error) {
	if err := ctx.Err(); err != nil {
		return driver.Cancelled{}, fmt.Errorf("cancel: %w", err)
	}
	s.mu.Lock()
	h := s.handles[handle] // nil for an unknown token: impl answers false
	s.mu.Unlock()
	var c driver.Cancelled
	err := s.e.Do(func() { c = driver.Cancelled{Returned: luaCancel(s.e.Cancel(h)), AfterSeq: s.seq} })
	if errors.Is(err, impl.ErrClosed) {
		// The engine is closed: no listener runs again, so seq is final.
		return driver.Cancelled{Returned: luaCancel(s.e.Cancel(h)), AfterSeq: s.seq}, nil
	}
	if err != nil {
		return driver.Cancelled{}, fmt.Errorf("cancel %s: %w", handle, err)
	}
	return c, nil
}

// Events returns the event channel.
func (s *session) Events() <-chan driver.Event { return s.queue.Out() }

// Logs returns the engine's log lines.
func (s *session) Logs() []string { return s.logs.lines() }

// Close closes the engine (no further listener call) and then the event
// channel, once the reader has taken every queued event.
func (s *session) Close(context.Context) error {
	s.closeOnce.Do(func() {
		if err := s.e.Close(); err != nil {
			s.closeErr = fmt.Errorf("close engine: %w", err)
		}
		s.queue.Close()
	})
	return s.closeErr
}

// fields converts an impl.Event into the networkRequest table's fields:
// absent fields are absent keys, numbers are int64.
func fields(ev impl.Event, tok string) map[string]any {
	f := map[string]any{
		"name":             ev.Name,
		"phase":            string(ev.Phase),
		"isError":          ev.IsError,
		"status":           int64(ev.Status),
		"bytesTransferred": ev.BytesTransferred,
		"bytesEstimated":   ev.BytesEstimated,
		"url":              ev.URL,
		"requestId":        tok,
	}
	if r := ev.Response; r != nil {
		if r.File != nil {
			f["response"] = map[string]any{"filename": r.File.Filename,
				"baseDirectory": string(r.File.BaseDirectory), "fullPath": r.File.FullPath}
		} else {
			f["response"] = r.Text
		}
	}
	if ev.ResponseType != "" {
		f["responseType"] = ev.ResponseType
	}
	if ev.ResponseHeaders != nil {
		h := make(map[string]any, len(ev.ResponseHeaders))
		for k, v := range ev.ResponseHeaders {
			h[k] = v
		}
		f["responseHeaders"] = h
	}
	return f
}
