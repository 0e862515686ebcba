package impl

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Errors that end a request or refuse a call. They are causes of the
// request's context, so the code that ends a transfer can tell them apart.
var (
	// ErrCancelled is the cause of a request stopped by Cancel.
	ErrCancelled = errors.New("request cancelled")
	// ErrTimedOut is the cause of a request that waited longer than its timeout (T1).
	ErrTimedOut = errors.New("request timed out")
	// ErrClosed refuses calls on a closed engine and stops its requests.
	ErrClosed = errors.New("engine closed")
)

// Engine is one Solar2D-like networking runtime: a sandbox of base
// directories, trusted roots, a time scale, a logger and one dispatcher
// goroutine that calls every listener. Its methods are safe for concurrent
// use. The caller must call Close when finished.
type Engine struct {
	dirs      map[BaseDir]string
	ownedRoot string // temporary sandbox root that Close removes, or ""
	scale     float64
	log       *slog.Logger
	transport *http.Transport
	client    *http.Client
	disp      *dispatcher
	nextID    atomic.Uint64
	wg        sync.WaitGroup // running transfers

	beforeCommit func(*Handle) // test hook, called before a response file is renamed into place; set before any request

	mu     sync.Mutex // guards closed and active
	closed bool
	active map[*Handle]struct{}
}

// Handle identifies one request: network.request's return value and
// event.requestId (E13). It is opaque and comparable.
type Handle struct {
	id        uint64
	e         *Engine
	cancelled atomic.Bool
	cancel    context.CancelCauseFunc
	commitMu  sync.Mutex   // orders setting cancelled against renaming a response file into place (F3)
	prog      progressGate // E6, shared by the transfer and the dispatcher
}

// ID returns the handle's number, unique within its engine and starting at 1.
func (h *Handle) ID() uint64 { return h.id }

// Listener receives the events of a request, one at a time on the engine's
// dispatcher goroutine (E14). It may call Cancel, but not Close or Do.
type Listener func(Event)

// New returns an engine configured by opts. It fails only when the sandbox
// folders cannot be created.
func New(opts ...Option) (*Engine, error) {
	c := config{scale: 1, logger: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(&c)
	}
	e := &Engine{scale: c.scale, log: c.logger, active: make(map[*Handle]struct{})}
	if err := e.setupSandbox(c.root, c.dirs); err != nil {
		if e.ownedRoot != "" {
			_ = os.RemoveAll(e.ownedRoot)
		}
		return nil, fmt.Errorf("new engine: %w", err)
	}
	e.transport = newTransport(c.transport, c.roots)
	e.client = &http.Client{Transport: e.transport, CheckRedirect: checkRedirect}
	e.disp = newDispatcher(e.scaled(progressInterval))
	return e, nil
}

// newTransport clones base, or builds the default transport: HTTP/1.1, no
// keep-alives (so cancel and timeouts act on one connection), no transparent
// compression (so byte counts are wire counts), no proxy.
func newTransport(base *http.Transport, roots *x509.CertPool) *http.Transport {
	var t *http.Transport
	if base != nil {
		t = base.Clone()
	} else {
		t = &http.Transport{
			DialContext:        (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:  false,
			DisableKeepAlives:  true,
			DisableCompression: true,
		}
	}
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if roots != nil && t.TLSClientConfig.RootCAs == nil {
		t.TLSClientConfig.RootCAs = roots
	}
	return t
}

// HTTPClient returns the client the engine sends every request with. Tests
// may wrap its Transport (gock.InterceptClient); nothing else should change it.
func (e *Engine) HTTPClient() *http.Client { return e.client }

// Cancel stops the request of h (network.cancel). No listener call for h
// starts after Cancel returns, also for events already queued (C1); a call
// already under way is not interrupted. The transfer is aborted and a partial
// response file is removed; once Cancel returns, the destination file keeps
// the content it has then (C2, F3). Cancel reports true for any handle this
// engine issued, even a finished one, and false otherwise (C3). It may be
// called from a listener (C4).
func (e *Engine) Cancel(h *Handle) bool {
	if h == nil || h.e != e {
		return false
	}
	h.markCancelled()
	if h.cancel != nil {
		h.cancel(ErrCancelled)
	}
	return true
}

// Close cancels every request in flight (no further events), stops the
// dispatcher and waits for the engine's goroutines. It removes the sandbox
// only if New created it. Close must not be called from a listener.
// Calling Close again does nothing.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	for h := range e.active {
		h.markCancelled()
		h.cancel(ErrClosed)
	}
	e.mu.Unlock()
	e.wg.Wait()
	e.disp.stop()
	e.client.CloseIdleConnections()
	if e.ownedRoot != "" {
		if err := os.RemoveAll(e.ownedRoot); err != nil {
			return fmt.Errorf("remove sandbox: %w", err)
		}
	}
	return nil
}

// markCancelled sets h's cancelled flag once no response file of h is being
// renamed into place: after it returns, the destination no longer changes.
func (h *Handle) markCancelled() {
	h.commitMu.Lock()
	defer h.commitMu.Unlock()
	h.cancelled.Store(true)
}

// scaled converts API seconds to a duration at the engine's time scale.
// Durations too long for a time.Duration (a timeout of 1e10 s, about 317
// years) become the longest one: a float conversion out of range would give
// a negative duration, and the request would time out at once (T1, T3).
func (e *Engine) scaled(seconds float64) time.Duration {
	ns := seconds * e.scale * float64(time.Second)
	if ns >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(ns)
}

// start registers a new handle and runs t on its own goroutine.
func (e *Engine) start(t *transfer) (*Handle, error) {
	ctx, cancel := context.WithCancelCause(context.Background())
	h := &Handle{e: e, cancel: cancel}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		cancel(ErrClosed)
		return nil, ErrClosed
	}
	h.id = e.nextID.Add(1)
	e.active[h] = struct{}{}
	e.wg.Add(1)
	e.mu.Unlock()
	t.h = h
	go func() {
		defer e.wg.Done()
		defer func() {
			e.mu.Lock()
			delete(e.active, h)
			e.mu.Unlock()
			cancel(nil)
		}()
		t.run(ctx)
	}()
	return h, nil
}
