package impl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progressInterval is the minimum API time between two progress events of
// one request (E6).
const progressInterval = 1.0

// transfer is one request from its call to its ended event.
type transfer struct {
	// Set by prepare and start, then read-only.
	e        *Engine
	h        *Handle
	l        Listener
	url      string // as passed in (E12)
	method   string
	header   http.Header
	host     string
	body     *bodySource // nil: no body
	progress string
	respFile *fileTarget // nil: body in memory
	idle     time.Duration
	follow   bool

	timer *idleTimer     // set by run before the request starts
	jar   *cookiejar.Jar // cookies set by this request's redirects (D6); nil until one is; used on the client's goroutine only
	up    uploadMeter    // request body bytes
	down  atomic.Int64   // response body bytes

	mu       sync.Mutex // guards finished
	finished bool       // ended was posted: nothing may follow it
}

// run performs the request and posts its events. Cancel and Close cancel
// ctx with ErrCancelled or ErrClosed; the idle timer with ErrTimedOut.
func (t *transfer) run(parent context.Context) {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	t.timer = startIdle(t.idle, cancel)
	defer t.timer.stop()
	if err := checkURL(t.url); err != nil {
		t.fail(ctx, nil, err)
		return
	}
	ctx = context.WithValue(ctx, transferKey{}, t)
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		ConnectDone:          func(string, string, error) { t.timer.reset() },
		TLSHandshakeStart:    t.timer.reset,
		GotConn:              func(httptrace.GotConnInfo) { t.timer.reset() },
		WroteHeaders:         t.timer.reset,
		WroteRequest:         func(httptrace.WroteRequestInfo) { t.timer.reset() },
		GotFirstResponseByte: t.timer.reset,
	})
	req, err := http.NewRequestWithContext(ctx, t.method, t.url, nil)
	if err != nil {
		t.fail(ctx, nil, err)
		return
	}
	req.Header = t.header
	req.Host = t.host
	size, err := t.attachBody(req)
	if err != nil {
		t.fail(ctx, nil, &localError{err})
		return
	}
	if t.progress == ProgressUpload {
		t.emit(Event{Phase: Began, Status: -1, BytesEstimated: size}, false)
	}
	resp, err := t.e.client.Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close() // the last 3xx of a refused redirect chain
		}
		t.fail(ctx, nil, err)
		return
	}
	defer resp.Body.Close()
	t.timer.reset()
	t.finish(ctx, resp)
}

// finish reads the response into memory or the response file and posts the
// ended event (E3, E8, E15, F1-F8). A 2xx without a body leaves the response
// file as it was and gives "" (F8).
func (t *transfer) finish(ctx context.Context, resp *http.Response) {
	base := Event{
		Status:          resp.StatusCode,
		ResponseHeaders: flattenHeaders(resp.Header),
		BytesEstimated:  resp.ContentLength,
	}
	if t.progress == ProgressDownload {
		ev := base
		ev.Phase = Began
		ev.ResponseHeaders = cloneHeaders(base.ResponseHeaders)
		t.emit(ev, false)
	}
	ended := base
	ended.Phase = Ended
	body := t.decodedBody(resp, t.header)
	if t.respFile != nil && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		w, err := createFileWriter(t.respFile.path)
		var n int64
		if err == nil {
			n, err = t.readBody(body, w, base)
			if err == nil && context.Cause(ctx) != nil {
				err = context.Cause(ctx) // cancelled after the last byte: keep the old file
			}
			if err != nil || n == 0 {
				w.abort() // no body (HEAD, 204, empty): the destination stays as it was (F8)
			} else {
				err = t.commit(w)
			}
		}
		if err != nil {
			t.fail(ctx, resp, err)
			return
		}
		if n == 0 {
			ended.Response, ended.ResponseType = &Response{Text: ""}, BodyText
			t.emit(t.counters(ended), true)
			return
		}
		ended.Response = &Response{File: &FileResult{
			Filename: t.respFile.ref.Filename, BaseDirectory: t.respFile.ref.BaseDirectory, FullPath: t.respFile.path,
		}}
		ended.ResponseType = BodyBinary
	} else {
		var buf bytes.Buffer
		if _, err := t.readBody(body, &buf, base); err != nil {
			t.fail(ctx, resp, err)
			return
		}
		ended.Response = &Response{Text: buf.String()}
		ended.ResponseType = responseType(resp.Header.Get("Content-Type"))
	}
	t.emit(t.counters(ended), true)
}

// fail posts the ended event of a failed transfer (E8, E9), unless it was
// cancelled (C1). resp is the response whose headers arrived, or nil.
func (t *transfer) fail(ctx context.Context, resp *http.Response, err error) {
	cause := context.Cause(ctx)
	if t.h.cancelled.Load() || errors.Is(cause, ErrCancelled) || errors.Is(cause, ErrClosed) {
		return
	}
	if errors.Is(cause, ErrTimedOut) {
		err = ErrTimedOut
	} else if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	ev := Event{
		Phase: Ended, IsError: true, Status: -1, BytesEstimated: -1,
		Response:     &Response{Text: fmt.Sprintf("%s %s: %v", t.method, t.url, err)},
		ResponseType: BodyText,
	}
	if resp != nil {
		ev.Status = resp.StatusCode
		ev.ResponseHeaders = flattenHeaders(resp.Header)
		ev.BytesEstimated = resp.ContentLength
	}
	t.emit(t.counters(ev), true)
}

// commit flushes the response file and renames it into place unless the
// request was cancelled. Cancel may land after the last byte arrived and
// after finish looked at the context: the rename and the cancelled flag are
// ordered by the handle's commitMu, so once Cancel has returned the
// destination keeps its old content (C1, F3).
func (t *transfer) commit(w *fileWriter) error {
	if hook := t.e.beforeCommit; hook != nil {
		hook(t.h)
	}
	if err := w.flush(); err != nil {
		return err
	}
	t.h.commitMu.Lock()
	defer t.h.commitMu.Unlock()
	if t.h.cancelled.Load() {
		w.discard()
		return ErrCancelled
	}
	return w.rename()
}

// counters fills the byte counters of an ended event: the upload direction
// with upload progress, the download direction otherwise.
func (t *transfer) counters(ev Event) Event {
	if t.progress == ProgressUpload {
		ev.BytesTransferred, ev.BytesEstimated = t.up.total(), t.up.size
		return ev
	}
	ev.BytesTransferred = t.down.Load()
	return ev
}

// emit posts ev to the listener unless the request has no listener, was
// cancelled, or has already ended. final marks the ended event.
func (t *transfer) emit(ev Event, final bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.postLocked(ev, final)
}

// progressDue reports whether a progress event posted now would pass the
// rate limit, so that callers build events only when they may be sent.
func (t *transfer) progressDue(now time.Time) bool {
	if t.l == nil {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.finished && t.h.prog.due(now, t.e.disp.interval)
}

// emitProgress posts a progress event if the request's progress gate is
// free and the scaled progress interval has passed since the previous
// progress call returned (E6, see progressGate).
func (t *transfer) emitProgress(ev Event) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.finished || t.l == nil || !t.h.prog.reserve(now, t.e.disp.interval) {
		return
	}
	ev.Phase = Progress
	t.postLocked(ev, false)
}

// postLocked fills the common fields and queues ev; t.mu is held.
func (t *transfer) postLocked(ev Event, final bool) {
	if t.finished || t.l == nil {
		return
	}
	t.finished = final
	ev.Name = EventName
	ev.URL = t.url
	ev.RequestID = t.h
	t.e.disp.post(t.h, t.l, ev)
}

// flattenHeaders turns response headers into Solar2D's string table,
// joining repeated headers with ", ".
func flattenHeaders(h http.Header) map[string]string {
	m := make(map[string]string, len(h))
	for k, v := range h {
		m[k] = strings.Join(v, ", ")
	}
	return m
}

// cloneHeaders copies a header table so that each event owns its own.
func cloneHeaders(h map[string]string) map[string]string { return maps.Clone(h) }
