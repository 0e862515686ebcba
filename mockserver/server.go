package mockserver

import (
	"context"
	"crypto/x509"
	"errors"
)

// errUnbuilt marks the API skeleton committed ahead of its implementation.
var errUnbuilt = errors.New("mockserver: not implemented yet")

// URLs are the base URLs of the server's listeners, without a trailing slash,
// for example "http://127.0.0.1:41234". Append "/c/<ns>/<path>" for a route.
type URLs struct {
	// HTTP is the plain HTTP listener.
	HTTP string
	// HTTPS is the main HTTPS listener (certificate for 127.0.0.1, ::1 and
	// localhost signed by the server's CA; HTTP/2 offered).
	HTTPS string
	// Untrusted serves a self-signed certificate no CA vouches for.
	Untrusted string
	// Expired serves a CA-signed certificate that has expired.
	Expired string
	// WrongHost serves a CA-signed certificate for "wrong.invalid" only.
	WrongHost string
}

// Server is a running mock server. All its methods are safe for concurrent
// use. The caller must call Close when finished.
type Server struct{}

// New starts every listener at once (plain HTTP, HTTPS and the three bad-cert
// HTTPS listeners) and returns the running server. The caller must call Close.
func New(opts ...Option) (*Server, error) { return nil, errUnbuilt }

// URLs returns the base URLs of the listeners.
func (s *Server) URLs() URLs { return URLs{} }

// CACertPEM returns the PEM of the server's CA certificate.
func (s *Server) CACertPEM() []byte { return nil }

// CACertPool returns a new pool holding the server's CA certificate.
func (s *Server) CACertPool() *x509.CertPool { return nil }

// CAFile returns the path of a PEM file holding the CA certificate; it exists
// until Close.
func (s *Server) CAFile() string { return "" }

// Install serves sc under namespace ns: routes are matched against the path
// after /c/<ns>. ns is one path segment of [A-Za-z0-9._~-]+, or "" for the
// unprefixed root. Installing again replaces the routes and restarts the call
// counters; the journal is kept. It returns an error if ns or sc is invalid
// (see [Scenario.Validate]).
func (s *Server) Install(ns string, sc Scenario) error { return errUnbuilt }

// Remove deletes the routes and the journal of namespace ns.
func (s *Server) Remove(ns string) {}

// Journal returns copies of the records of namespace ns, in arrival order.
func (s *Server) Journal(ns string) []Record { return nil }

// Await blocks until cond, called with the journal of ns after every change to
// it (and once at the start), returns true, or until ctx is done. It returns
// ctx's error (with its cause) when ctx ends first, or an error if the server
// is closed.
func (s *Server) Await(ctx context.Context, ns string, cond func([]Record) bool) error {
	return errUnbuilt
}

// Close closes the listeners and every connection, including hijacked ones,
// waits for all of the server's goroutines to end, and removes the CA file.
func (s *Server) Close() error { return nil }
