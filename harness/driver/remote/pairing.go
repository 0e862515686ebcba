package remote

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strings"
)

// Pairing: every control request must carry the run's token (the last
// segment of the control URL's path), the NDJSON content type and a Host
// header that names this listener. The token keeps out a process or a host
// that did not see the URL the run printed; the content type makes a web
// page's cross-origin request need a CORS preflight, which the channel never
// grants; the Host check defeats DNS rebinding (a page whose name resolves
// to this host still sends its own name).

// MinTokenLen is the shortest token Options.Token may be.
const MinTokenLen = 16

// tokenBytes is how many random bytes a token or a peer id holds (128 bits).
const tokenBytes = 16

// tokenEncoding spells random bytes in lower-case letters and digits: safe
// in a URL path and a query, and easy to read aloud.
var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewToken returns a new random pairing token (128 bits from crypto/rand,
// 26 characters).
func NewToken() string { return randomID() }

// randomID returns 128 random bits as 26 lower-case characters.
func randomID() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it crashes the program instead)
	return tokenEncoding.EncodeToString(b)
}

// CheckToken reports why tok cannot be a pairing token: shorter than
// MinTokenLen, or holding a character other than a letter, a digit, '-' or
// '_' (it goes in a URL path as it is).
func CheckToken(tok string) error {
	if len(tok) < MinTokenLen {
		return fmt.Errorf("pairing token: %d characters, want at least %d", len(tok), MinTokenLen)
	}
	for i, r := range tok {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("pairing token: character %d is %q: use letters, digits, - and _", i+1, r)
		}
	}
	return nil
}

// tokenOK reports whether got is the token, in time independent of where
// they differ.
func tokenOK(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// hostPolicy says which Host headers name this control channel.
type hostPolicy struct {
	exact  map[string]bool // "host:port", lower-case
	port   string          // the listener's port
	anyIP  bool            // the listener is on every interface: any IP literal on its port
	noPort bool            // the port is 80: a Host without a port names it too
}

// newHostPolicy accepts the listener's address, the advertised address and,
// for a listener on loopback or on every interface, localhost and any IP
// literal on the listener's port. A name other than localhost and the
// advertised one is refused: that is what a page rebound to this host sends.
func newHostPolicy(listen net.Addr, advertised string) hostPolicy {
	host, port, _ := net.SplitHostPort(listen.String())
	p := hostPolicy{exact: map[string]bool{}, port: port, noPort: port == "80"}
	p.exact[strings.ToLower(listen.String())] = true
	p.exact[strings.ToLower(advertised)] = true
	ip := net.ParseIP(host)
	if ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		p.exact[net.JoinHostPort("localhost", port)] = true
	}
	p.anyIP = ip != nil && ip.IsUnspecified()
	return p
}

// allows reports whether a request's Host header names this channel.
func (p hostPolicy) allows(hostHeader string) bool {
	h := strings.ToLower(hostHeader)
	host, port, err := net.SplitHostPort(h)
	if err != nil { // no port
		if !p.noPort {
			return false
		}
		host, port = strings.Trim(h, "[]"), p.port
	}
	hp := net.JoinHostPort(host, port)
	if p.exact[hp] {
		return true
	}
	return p.anyIP && port == p.port && net.ParseIP(host) != nil
}

// isNDJSON reports whether a Content-Type header is application/x-ndjson
// (with any parameters, such as a charset).
func isNDJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == ndjson
}

// guard wraps a control handler with the pairing checks, in this order: the
// Host header (421), the token (403), the content type (415). A refused
// request gets a one-line text body saying what to fix, and never the
// token.
func (d *Driver) guard(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !d.hosts.allows(r.Host) {
			http.Error(w, fmt.Sprintf("netconform: Host %q is not this control channel's address %s: "+
				"use the control URL netconform run printed", r.Host, d.hostOfURL()), http.StatusMisdirectedRequest)
			return
		}
		if !tokenOK(r.PathValue("token"), d.token) {
			d.refused(r, "wrong pairing token")
			http.Error(w, "netconform: wrong pairing token: use the control URL this run printed "+
				"(it ends in /netconform/v1/TOKEN)", http.StatusForbidden)
			return
		}
		if !isNDJSON(r.Header.Get("Content-Type")) {
			http.Error(w, fmt.Sprintf("netconform: Content-Type %q: control requests must be %s",
				r.Header.Get("Content-Type"), ndjson), http.StatusUnsupportedMediaType)
			return
		}
		next(w, r)
	}
}

// handleUnpaired answers the other requests under Path: without the token
// (an app built with a URL of another run, or from before pairing), or with
// it but no control request.
func (d *Driver) handleUnpaired(w http.ResponseWriter, r *http.Request) {
	if !d.hosts.allows(r.Host) {
		http.Error(w, fmt.Sprintf("netconform: Host %q is not this control channel's address", r.Host),
			http.StatusMisdirectedRequest)
		return
	}
	tok, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, Path+"/"), "/")
	if tokenOK(tok, d.token) {
		http.Error(w, fmt.Sprintf("netconform: no control request %s %s: POST hello, GET poll and POST send "+
			"follow the control URL", r.Method, strings.TrimPrefix(r.URL.Path, Path+"/"+tok)), http.StatusNotFound)
		return
	}
	d.refused(r, "no pairing token in the URL")
	http.Error(w, "netconform: wrong or no pairing token: use the control URL this run printed "+
		"(it ends in /netconform/v1/TOKEN)", http.StatusForbidden)
}

// refused tells the user (once a notice period per client address and
// reason) that a request was turned away, so a device with a stale URL is
// not a silent wait.
func (d *Driver) refused(r *http.Request, why string) {
	from := remoteHost(r)
	d.notifyOnce("refused "+from+" "+why, fmt.Sprintf("refused a control request from %s: %s", from, why))
}

// remoteHost is the address a request came from, without its port.
func remoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}
