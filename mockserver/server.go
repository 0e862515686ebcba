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
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// URLs are the base URLs of the server's listeners, without a trailing slash,
// for example "http://127.0.0.1:41234". Append [NamespacePath](ns) and the
// route's path for a route; [URLs.Templates] gives the namespace's base URLs.
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
	// Narrow is plain HTTP over connections with a small receive window
	// and segment size (see [narrowControl]), so that a client's kernel
	// buffers hold little of a request body: its writes block in step
	// with the server's reads, and a slowly read upload shows the client
	// busy all along (rule T2), not idle while its buffers drain.
	Narrow string
}

// The listener names used in Record.Listener.
const (
	ListenerHTTP      = "http"
	ListenerHTTPS     = "https"
	ListenerUntrusted = "untrusted"
	ListenerExpired   = "expired"
	ListenerWrongHost = "wrongHost"
	ListenerNarrow    = "narrow"
)

// Server is a mock server: one plain HTTP listener and four HTTPS
// listeners, all serving the same namespaces. All its methods are safe for
// concurrent use; the exported fields are read by Start. The caller must
// call Close when finished.
type Server struct {
	// TLS, if set before Start, is the base of the HTTPS listeners' TLS
	// configurations (for example a MinVersion or CipherSuites): each one is
	// a clone with the listener's certificate set. nil means TLS 1.2 and up
	// with Go's defaults. It must not be changed after Start.
	TLS *tls.Config

	cfg       config
	ca        *authority
	caDir     string
	caFile    string
	urls      URLs
	client    *http.Client // trusts the CA; made by Start
	servers   []*http.Server
	done      chan struct{} // closed by Close
	seq       atomic.Int64
	reqLog    *lineLog  // nil without WithRequestLog
	hashes    sync.Pool // of reset *hasher
	exchanges sync.Pool // of zero *exchange
	bufs      sync.Pool // of *[writeSize]byte
	serves    sync.WaitGroup
	budget    budget     // the journal's limits and the bytes held; set by NewUnstarted
	trimming  sync.Mutex // held by the one trimJournals running

	mu       sync.Mutex // guards started, closed, spaces, hijacked, conns, handlers.Add and connWG.Add
	started  bool       // Start was called
	closed   bool
	spaces   map[string]*space
	hijacked map[net.Conn]struct{}
	handlers sync.WaitGroup
	conns    map[net.Conn]http.ConnState // connections whose net/http goroutine still runs, by last state
	connWG   sync.WaitGroup              // one count per entry of conns
}

// New starts a server at once: NewUnstarted(opts...) then Start. The caller
// must call Close.
func New(opts ...Option) (*Server, error) {
	s := NewUnstarted(opts...)
	if err := s.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

// NewUnstarted returns a server that listens nowhere yet, to set its TLS
// field or install scenarios before the first connection; Start starts it.
// URLs are empty and the CA accessors and Client panic until Start. The
// caller must call Close, started or not.
func NewUnstarted(opts ...Option) *Server {
	cfg := config{host: DefaultHost, timeScale: 1, journalCap: DefaultJournalLimit,
		journalNSBytes: DefaultJournalNamespaceBytes, journalTotal: DefaultJournalTotalBytes, stuckAfter: stuckAfter}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.timeScale <= 0 {
		cfg.timeScale = 1
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg: cfg, done: make(chan struct{}),
		spaces: map[string]*space{}, hijacked: map[net.Conn]struct{}{}, conns: map[net.Conn]http.ConnState{},
	}
	s.budget.records, s.budget.nsBytes, s.budget.total = cfg.journalCap, cfg.journalNSBytes, cfg.journalTotal
	if cfg.requestLog != nil {
		s.reqLog = newLineLog(cfg.requestLog)
	}
	return s
}

// Start makes the CA and the certificates and starts every listener (plain
// HTTP, HTTPS, the untrusted, expired and wrong-host HTTPS listeners and
// the narrow HTTP listener, each
// on a free port of the host unless WithHTTPAddr says otherwise). On error
// the server is closed. Start panics if called twice or after Close.
func (s *Server) Start() error {
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		panic("mockserver: Start after Close")
	case s.started:
		s.mu.Unlock()
		panic("mockserver: already started")
	}
	s.started = true
	s.mu.Unlock()
	if s.cfg.httpAddr != "" {
		h, _, err := net.SplitHostPort(s.cfg.httpAddr)
		if err != nil {
			s.Close()
			return fmt.Errorf("parse address %q: %w", s.cfg.httpAddr, err)
		}
		s.cfg.host = h
	} else {
		s.cfg.httpAddr = net.JoinHostPort(s.cfg.host, "0")
	}
	if err := s.start(); err != nil {
		s.Close()
		return err
	}
	s.client = &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: s.CACertPool()}, ForceAttemptHTTP2: true}}
	return nil
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
		name   string
		addr   string
		cert   *tls.Certificate
		h2     bool
		url    *string
		narrow bool
	}
	any0 := net.JoinHostPort(s.cfg.host, "0")
	specs := []spec{
		{ListenerHTTP, s.cfg.httpAddr, nil, false, &s.urls.HTTP, false},
		{ListenerHTTPS, any0, &certs.main, true, &s.urls.HTTPS, false},
		{ListenerUntrusted, any0, &certs.untrusted, false, &s.urls.Untrusted, false},
		{ListenerExpired, any0, &certs.expired, false, &s.urls.Expired, false},
		{ListenerWrongHost, any0, &certs.wrongHost, false, &s.urls.WrongHost, false},
		{ListenerNarrow, any0, nil, false, &s.urls.Narrow, true},
	}
	for _, sp := range specs {
		var lc net.ListenConfig
		if sp.narrow {
			lc.Control = narrowControl
		}
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
			srv.TLSConfig = s.tlsConfig(*sp.cert)
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
	sp := s.spaceLocked(ns)
	sp.users.Add(1) // under s.mu: the total trim forgets only unused spaces
	return sp, true
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
		defer sp.users.Add(-1)
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
