package mockserver

import (
	"net"
	"net/url"
	"syscall"
	"testing"
)

// mssOf returns the segment size a client connection to base uses.
func mssOf(t *testing.T, base string) int {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatalf("dial %s: %v", u.Host, err)
	}
	defer c.Close()
	raw, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatalf("raw conn: %v", err)
	}
	var mss int
	var serr error
	if err := raw.Control(func(fd uintptr) {
		mss, serr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_MAXSEG)
	}); err != nil || serr != nil {
		t.Fatalf("TCP_MAXSEG: %v %v", err, serr)
	}
	return mss
}

// TestNarrowListener: a client of the narrow listener sends segments of
// at most its announced size (and so keeps a small send buffer), while the
// plain HTTP listener's clients use loopback's large ones; both serve the
// same namespaces.
func TestNarrowListener(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	if got := mssOf(t, s.URLs().Narrow); got > narrowMSS {
		t.Errorf("narrow listener: a client's segment size is %d, want at most %d", got, narrowMSS)
	}
	if got := mssOf(t, s.URLs().HTTP); got <= narrowMSS {
		t.Errorf("plain listener: a client's segment size is %d, want loopback's (over %d)", got, narrowMSS)
	}
	base := install(t, s, "narrow.ns", Route{Path: "/x", Response: Response{Body: Body{Text: "hi"}}})
	nb := s.URLs().Narrow + base[len(s.URLs().HTTP):]
	resp, body := get(t, newClient(t, s, false), nb+"/x")
	if resp.StatusCode != 200 || string(body) != "hi" {
		t.Errorf("narrow listener: GET %s = %d %q, want 200 \"hi\"", nb, resp.StatusCode, body)
	}
}
