package mockserver

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/netconform/netconform/internal/strictyaml"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// adminPrefix is the path prefix of the server's own endpoints, reserved on
// every listener and never journaled. Always on:
//
//	GET /__netconform/journal?case=<ns>   the journal of <ns> as a JSON list of Record, oldest first
//	    [&method=M][&path=P][&from=N][&limit=L]   (case= with an empty value: the root namespace)
//	GET /__netconform/journal             {"cases": [...], "bytes": N}: the known namespaces
//	GET /__netconform/ca.pem              the CA certificate (PEM)
//
// With [WithAdmin] (netconform serve --admin), the admin API too:
//
//	GET    /__netconform/routes?case=<ns>          {"case": <ns>, "routes": [...]}: the routes, each with its "calls"
//	PUT    /__netconform/routes?case=<ns>          replace the routes by the body's scenario
//	POST   /__netconform/routes?case=<ns>          append the body's routes
//	DELETE /__netconform/routes?case=<ns>&route=I  remove route I (0 for the first)
//	POST   /__netconform/reset?case=<ns>           restart every route's call counter
//	DELETE /__netconform/journal?case=<ns>         clear the journal
//
// A body is a scenario in the routes file's format, JSON or YAML ({"routes":
// [...]}), decoded and validated as `serve --config` reads one, with the same
// body:line:col messages; body.file is refused (a remote caller must not read
// the server's files). A mutating request must carry a Content-Type of
// application/json or application/yaml, even with no body: an HTML form
// cannot send those, nor PUT or DELETE, without the browser asking first
// (CORS preflight, which this server never grants).
const adminPrefix = "/__netconform/"

// maxAdminBody bounds the body of an admin request: what any YAML or JSON
// document may hold (strictyaml.MaxBytes).
const maxAdminBody = strictyaml.MaxBytes

func (s *Server) admin(w http.ResponseWriter, r *http.Request) {
	read := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch r.URL.Path {
	case adminPrefix + "ca.pem":
		if !allow(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(s.ca.certPEM)
	case adminPrefix + "journal":
		if !allow(w, r, http.MethodGet, http.MethodHead, http.MethodDelete) {
			return
		}
		if read {
			s.serveJournal(w, r)
			return
		}
		ns, ok := s.mutating(w, r)
		if ok {
			s.answer(w, ns, s.ResetJournal(ns), func() any { return s.JournalStats(ns) })
		}
	case adminPrefix + "routes":
		if !allow(w, r, http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete) {
			return
		}
		if read {
			if ns, ok := s.adminCase(w, r); ok {
				writeJSON(w, http.StatusOK, s.routesAnswer(ns))
			}
			return
		}
		s.changeRoutesOverHTTP(w, r)
	case adminPrefix + "reset":
		if !allow(w, r, http.MethodPost) {
			return
		}
		if ns, ok := s.mutating(w, r); ok {
			s.answer(w, ns, s.ResetCalls(ns), func() any { return s.routesAnswer(ns) })
		}
	default:
		adminError(w, http.StatusNotFound, "unknown endpoint; see /__netconform/journal?case=<ns>, /__netconform/ca.pem, "+
			"and with the admin API on, /__netconform/routes?case=<ns> and /__netconform/reset?case=<ns>")
	}
}

// allow answers 405 unless r's method is one of methods.
func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	adminError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; allowed: "+strings.Join(methods, ", "))
	return false
}

// adminCase checks that the admin API is on and returns the namespace of
// r's case= parameter; it answers the error otherwise.
func (s *Server) adminCase(w http.ResponseWriter, r *http.Request) (string, bool) {
	if !s.cfg.admin {
		adminError(w, http.StatusForbidden, "the admin API is off: start the server with `netconform serve --admin` "+
			"(mockserver.WithAdmin(true)); reading the journal is always on")
		return "", false
	}
	q := r.URL.Query()
	if !q.Has("case") {
		adminError(w, http.StatusBadRequest, "missing case=<namespace> (case= alone is the root namespace, "+
			"where `netconform serve` installs its routes)")
		return "", false
	}
	ns := q.Get("case")
	if err := validNamespace(ns); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return "", false
	}
	return ns, true
}

// mutating is adminCase for a request that changes the server: it also
// demands a JSON or YAML Content-Type (see adminPrefix).
func (s *Server) mutating(w http.ResponseWriter, r *http.Request) (string, bool) {
	ns, ok := s.adminCase(w, r)
	if !ok {
		return "", false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !adminMediaType(mt) {
		adminError(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %q: a request that changes the server "+
			"must send application/json or application/yaml (what an HTML form cannot send)", r.Header.Get("Content-Type")))
		return "", false
	}
	return ns, true
}

// adminMediaType reports whether mt is a JSON or YAML media type.
func adminMediaType(mt string) bool {
	switch mt {
	case "application/json", "application/yaml", "application/x-yaml":
		return true
	}
	return strings.HasPrefix(mt, "application/") && (strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+yaml"))
}

// changeRoutesOverHTTP serves PUT, POST and DELETE /__netconform/routes.
func (s *Server) changeRoutesOverHTTP(w http.ResponseWriter, r *http.Request) {
	ns, ok := s.mutating(w, r)
	if !ok {
		return
	}
	routesAnswer := func() any { return s.routesAnswer(ns) }
	if r.Method == http.MethodDelete {
		i, err := strconv.Atoi(r.URL.Query().Get("route"))
		if err != nil {
			adminError(w, http.StatusBadRequest, fmt.Sprintf("route=%q: want the index of the route to remove (0 for the first)",
				r.URL.Query().Get("route")))
			return
		}
		s.answer(w, ns, s.RemoveRoute(ns, i), routesAnswer)
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAdminBody))
	if err != nil {
		if _, big := errors.AsType[*http.MaxBytesError](err); big {
			adminError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body over %d bytes", maxAdminBody))
			return
		}
		adminError(w, http.StatusBadRequest, "read body: "+err.Error())
		return
	}
	sc, err := decodeAdminScenario(data)
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if r.Method == http.MethodPut {
		err = s.SetRoutes(ns, sc)
	} else {
		err = s.AddRoutes(ns, sc.Routes...)
	}
	s.answer(w, ns, err, routesAnswer)
}

// answer writes the outcome of a change: 200 with ok()'s value, or the
// error (400, or 503 once the server is closing).
func (s *Server) answer(w http.ResponseWriter, ns string, err error, ok func() any) {
	switch {
	case errors.Is(err, ErrClosed):
		adminError(w, http.StatusServiceUnavailable, err.Error())
	case err != nil:
		adminError(w, http.StatusBadRequest, err.Error())
	default:
		writeJSON(w, http.StatusOK, ok())
	}
}

// routesAnswer is the JSON answer of the routes endpoint: the namespace and
// its routes in the routes file's form, each with its "calls".
func (s *Server) routesAnswer(ns string) any {
	routes := s.Routes(ns)
	if routes == nil {
		routes = []InstalledRoute{}
	}
	return map[string]any{"case": ns, "routes": routes}
}

// adminError answers a problem as {"error": msg}.
func adminError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeJSON answers v as indented JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	_ = enc.Encode(v)
}

// serveJournal serves GET /__netconform/journal, streaming the records one
// at a time (see journalQuery for the parameters).
func (s *Server) serveJournal(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("case") {
		writeJSON(w, http.StatusOK, map[string]any{"cases": s.namespaces(), "bytes": s.JournalBytes()})
		return
	}
	jq, err := journalQuery(q)
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	sel := s.selectRecords(q.Get("case"), jq)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Netconform-Dropped", strconv.FormatInt(sel.stats.Dropped, 10))
	h.Set("Netconform-First", strconv.FormatInt(sel.stats.First, 10))
	h.Set("Netconform-Next", strconv.FormatInt(sel.next, 10))
	if sel.more {
		q.Set("from", strconv.FormatInt(sel.next, 10))
		next := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		h.Set("Link", "<"+next.String()+`>; rel="next"`)
	}
	if r.Method == http.MethodHead {
		return
	}
	if err := writeRecords(w, sel.items); err != nil {
		s.cfg.logger.Debug("write journal", "err", err)
	}
}

// journalQuery reads the journal endpoint's parameters: method, path, from
// (a position, see JournalQuery) and limit.
func journalQuery(q url.Values) (JournalQuery, error) {
	jq := JournalQuery{Method: q.Get("method"), Path: q.Get("path")}
	for _, p := range []struct {
		name string
		bits int
		set  func(int64)
	}{{"from", 63, func(v int64) { jq.From = v }}, {"limit", 31, func(v int64) { jq.Limit = int(v) }}} {
		if !q.Has(p.name) {
			continue
		}
		v, err := strconv.ParseInt(q.Get(p.name), 10, p.bits+1)
		if err != nil || v < 0 {
			return JournalQuery{}, fmt.Errorf("%s=%q: want a whole number >= 0", p.name, q.Get(p.name))
		}
		p.set(v)
	}
	return jq, nil
}

// writeRecords writes items as an indented JSON list, encoding one record
// at a time (the answer never holds the journal a second time).
func writeRecords(w io.Writer, items []item) error {
	if len(items) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	for i, it := range items {
		sep := ",\n "
		if i == 0 {
			sep = "[\n "
		}
		b, err := json.MarshalIndent(it.record(), " ", " ")
		if err != nil {
			return fmt.Errorf("encode record: %w", err)
		}
		_, _ = bw.WriteString(sep)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("write record: %w", err)
		}
	}
	_, _ = bw.WriteString("\n]\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	return nil
}
