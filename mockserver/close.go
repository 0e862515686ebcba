package mockserver

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// Close closes the listeners and every connection, including hijacked ones,
// waits for all of the server's goroutines to end (net/http's connection
// goroutines included, which can take up to half a second after a request
// whose body was not read to the end), closes the idle connections of
// [Server.Client] and removes the CA file. If the wait lasts 5 s, it logs
// each connection still open at warn level (see [WithLogger]), as
// net/http/httptest does, and goes on waiting. Await calls in progress
// return ErrClosed. Close is idempotent, and closes an unstarted server too.
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
	stuck := time.AfterFunc(s.cfg.stuckAfter, s.logStuckConns)
	s.serves.Wait() // no new connections from here on
	s.handlers.Wait()
	s.connWG.Wait()
	stuck.Stop()
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
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

// logStuckConns logs one line per connection that Close is still waiting
// for: those whose net/http goroutine runs, with their last state, and the
// hijacked ones whose handler has not returned.
func (s *Server) logStuckConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	after := s.cfg.stuckAfter.String()
	for c, st := range s.conns {
		s.cfg.logger.Warn("mockserver: Close still waiting for a connection", "after", after,
			"remote", addrString(c.RemoteAddr()), "local", addrString(c.LocalAddr()), "state", st.String())
	}
	for c := range s.hijacked {
		s.cfg.logger.Warn("mockserver: Close still waiting for a connection", "after", after,
			"remote", addrString(c.RemoteAddr()), "local", addrString(c.LocalAddr()), "state", "hijacked")
	}
}

// addrString is a's string, or "?" for none.
func addrString(a net.Addr) string {
	if a == nil {
		return "?"
	}
	return a.String()
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
// end (net/http's RST avoidance). The last state is kept for logStuckConns.
func (s *Server) connState(c net.Conn, st http.ConnState) {
	switch st {
	case http.StateNew:
		s.mu.Lock()
		s.conns[c] = st
		s.connWG.Add(1)
		s.mu.Unlock()
	case http.StateActive, http.StateIdle:
		s.mu.Lock()
		if _, ok := s.conns[c]; ok {
			s.conns[c] = st
		}
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
