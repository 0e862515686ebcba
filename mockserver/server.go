package mockserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// URLs are the base URLs of the server's listeners, without a trailing slash,
// for example "http://127.0.0.1:41234". Append "/c/<ns>/<path>" for a route.
type URLs struct {
	// HTTP is the plain HTTP listener.
	HTTP string
	// HTTPS is the main HTTPS listener (certificate for 127.0.0.1, ::1 and
	// localhost signed by the server's CA; HTTP/2 offered through ALPN).
	HTTPS string
	// Untrusted serves a self-signed certificate for the same names, which no
	// CA vouches for.
	Untrusted string
	// Expired serves a CA-signed certificate for the same names that expired
	// a day ago.
	Expired string
	// WrongHost serves a CA-signed certificate for "wrong.invalid" only.
	WrongHost string
}

// The listener names used in Record.Listener.
const (
	ListenerHTTP      = "http"
	ListenerHTTPS     = "https"
	ListenerUntrusted = "untrusted"
	ListenerExpired   = "expired"
	ListenerWrongHost = "wrongHost"
)

// Server is a running mock server: one plain HTTP listener and four HTTPS
// listeners, all serving the same namespaces. All its methods are safe for
// concurrent use. The caller must call Close when finished.
type Server struct {
	cfg       config
	ca        *authority
	caDir     string
	caFile    string
	urls      URLs
	servers   []*http.Server
	done      chan struct{} // closed by Close
	seq       atomic.Int64
	reqLog    *lineLog  // nil without WithRequestLog
	hashes    sync.Pool // of reset *hasher
	exchanges sync.Pool // of zero *exchange
	bufs      sync.Pool // of *[writeSize]byte
	serves    sync.WaitGroup

	mu       sync.Mutex // guards closed, spaces, hijacked, conns, handlers.Add and connWG.Add
	closed   bool
	spaces   map[string]*space
	hijacked map[net.Conn]struct{}
	handlers sync.WaitGroup
	conns    map[net.Conn]struct{} // connections whose net/http goroutine still runs
	connWG   sync.WaitGroup        // one count per entry of conns
}

// New starts every listener at once (plain HTTP, HTTPS and the untrusted,
// expired and wrong-host HTTPS listeners, each on a free port of the host) and
// returns the running server. The caller must call Close.
func New(opts ...Option) (*Server, error) {
	cfg := config{host: DefaultHost, timeScale: 1, journalCap: DefaultJournalLimit}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.timeScale <= 0 {
		cfg.timeScale = 1
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	if cfg.httpAddr != "" {
		h, _, err := net.SplitHostPort(cfg.httpAddr)
		if err != nil {
			return nil, fmt.Errorf("parse address %q: %w", cfg.httpAddr, err)
		}
		cfg.host = h
	} else {
		cfg.httpAddr = net.JoinHostPort(cfg.host, "0")
	}
	s := &Server{
		cfg: cfg, done: make(chan struct{}),
		spaces: map[string]*space{}, hijacked: map[net.Conn]struct{}{}, conns: map[net.Conn]struct{}{},
	}
	if cfg.requestLog != nil {
		s.reqLog = newLineLog(cfg.requestLog)
	}
	if err := s.start(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) start() error {
	t := time.Now()
	var err error
	if s.ca, err = s.cfg.authority(t); err != nil {
		return err
	}
	if s.caDir, s.caFile, err = writeCAFile(s.ca.certPEM); err != nil {
		return err
	}
	certs, err := newCertSet(s.ca, []string{s.cfg.host, s.cfg.advertise}, t)
	if err != nil {
		return err
	}
	type spec struct {
		name string
		addr string
		cert *tls.Certificate
		h2   bool
		url  *string
	}
	any0 := net.JoinHostPort(s.cfg.host, "0")
	specs := []spec{
		{ListenerHTTP, s.cfg.httpAddr, nil, false, &s.urls.HTTP},
		{ListenerHTTPS, any0, &certs.main, true, &s.urls.HTTPS},
		{ListenerUntrusted, any0, &certs.untrusted, false, &s.urls.Untrusted},
		{ListenerExpired, any0, &certs.expired, false, &s.urls.Expired},
		{ListenerWrongHost, any0, &certs.wrongHost, false, &s.urls.WrongHost},
	}
	var lc net.ListenConfig
	for _, sp := range specs {
		ln, err := lc.Listen(context.Background(), "tcp", sp.addr)
		if err != nil {
			return fmt.Errorf("listen %s on %s: %w", sp.name, sp.addr, err)
		}
		srv := &http.Server{
			Handler:           s.handler(sp.name),
			ReadHeaderTimeout: 30 * time.Second,
			IdleTimeout:       2 * time.Minute,
			ErrorLog:          log.New(errorLogWriter{s.cfg.logger, sp.name}, "", 0),
			ConnState:         s.connState,
		}
		scheme := "http"
		if sp.cert != nil {
			scheme = "https"
			protos := new(http.Protocols)
			protos.SetHTTP1(true)
			protos.SetHTTP2(sp.h2)
			srv.Protocols = protos
			srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*sp.cert}, MinVersion: tls.VersionTLS12}
		}
		*sp.url = scheme + "://" + s.cfg.urlAddr(ln.Addr())
		s.servers = append(s.servers, srv)
		s.serves.Add(1)
		go func() {
			defer s.serves.Done()
			var err error
			if sp.cert != nil {
				err = srv.ServeTLS(ln, "", "")
			} else {
				err = srv.Serve(ln)
			}
			if err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.cfg.logger.Error("serve stopped", "listener", sp.name, "err", err)
			}
		}()
	}
	return nil
}

// URLs returns the base URLs of the listeners.
func (s *Server) URLs() URLs { return s.urls }

// Close closes the listeners and every connection, including hijacked ones,
// waits for all of the server's goroutines to end (net/http's connection
// goroutines included, which can take up to half a second after a request
// whose body was not read to the end), and removes the CA file. Await calls
// in progress return ErrClosed. Close is idempotent.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	s.mu.Unlock()

	var errs []error
	for _, srv := range s.servers {
		if err := srv.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close server: %w", err))
		}
	}
	s.mu.Lock()
	for c := range s.hijacked {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.serves.Wait() // no new connections from here on
	s.handlers.Wait()
	s.connWG.Wait()
	if s.reqLog != nil {
		s.reqLog.close()
	}
	if s.caDir != "" {
		if err := os.RemoveAll(s.caDir); err != nil {
			errs = append(errs, fmt.Errorf("remove CA directory: %w", err))
		}
	}
	return errors.Join(errs...)
}

// enter registers a running handler and, if withSpace, returns the space of
// namespace ns (created if needed), under one lock; it returns false once the
// server is closing.
func (s *Server) enter(ns string, withSpace bool) (*space, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, false
	}
	s.handlers.Add(1)
	if !withSpace {
		return nil, true
	}
	return s.spaceLocked(ns), true
}

// track and untrack keep hijacked connections known to Close.
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.hijacked[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.hijacked, c)
	s.mu.Unlock()
}

// connState follows every connection from StateNew to its end, so Close can
// wait for net/http's goroutine of each one: it outlives http.Server.Close,
// for example sleeping 500ms after a request whose body was not read to the
// end (net/http's RST avoidance).
func (s *Server) connState(c net.Conn, st http.ConnState) {
	switch st {
	case http.StateNew:
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.connWG.Add(1)
		s.mu.Unlock()
	case http.StateClosed, http.StateHijacked:
		s.mu.Lock()
		_, ok := s.conns[c]
		delete(s.conns, c)
		s.mu.Unlock()
		if ok {
			s.connWG.Done()
		}
	}
}

// handler is the entry point of every request on listener name.
func (s *Server) handler(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		admin := strings.HasPrefix(r.URL.Path, adminPrefix)
		var ns, rel string
		if !admin {
			ns, rel = splitNamespace(r.URL.Path)
		}
		sp, ok := s.enter(ns, !admin)
		if !ok {
			http.Error(w, "server closing", http.StatusServiceUnavailable)
			return
		}
		defer s.handlers.Done()
		if admin {
			s.admin(w, r)
			return
		}
		s.exchange(name, sp, ns, rel, w, r)
	})
}

// errorLogWriter sends net/http's internal log lines (TLS handshake errors,
// malformed requests) to the logger at debug level.
type errorLogWriter struct {
	l    *slog.Logger
	name string
}

// Write logs p as one debug line; it never fails.
func (e errorLogWriter) Write(p []byte) (int, error) {
	e.l.Debug(strings.TrimSpace(string(p)), "listener", e.name)
	return len(p), nil
}
