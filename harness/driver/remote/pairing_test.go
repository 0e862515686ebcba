package remote_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/proto"
	"github.com/netconform/netconform/harness/driver/remote"
)

// helloLine is a device's hello, named name.
func helloLine(name string) string {
	return `{"type":"hello","versions":[1],"name":"` + name +
		`","capabilities":{"timeScale":false,"fns":["request"],"baseDirs":[],"cancelInListener":false}}` + "\n"
}

// newClient returns an HTTP client whose connections close when the test
// ends.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// req is one control request as a device (or an intruder) makes it.
type req struct {
	method, url, body string
	ctype             string // "" means application/x-ndjson; "-" none
	host              string // "" means the URL's
}

// do makes r and returns the status and body.
func (r req) do(t *testing.T, c *http.Client) (int, string) {
	t.Helper()
	hr, err := http.NewRequestWithContext(t.Context(), r.method, r.url, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	switch r.ctype {
	case "":
		hr.Header.Set("Content-Type", "application/x-ndjson")
	case "-":
	default:
		hr.Header.Set("Content-Type", r.ctype)
	}
	if r.host != "" {
		hr.Host = r.host
	}
	resp, err := c.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// control makes a control request the way a device does.
func control(t *testing.T, c *http.Client, method, u, body string) (int, string) {
	t.Helper()
	return req{method: method, url: u, body: body}.do(t, c)
}

// hello says hello as a device named name at base and returns the welcome.
func hello(t *testing.T, c *http.Client, base, name string) proto.Message {
	t.Helper()
	status, body := control(t, c, http.MethodPost, base+"/hello", helloLine(name))
	m, err := proto.Decode(bytes.TrimSpace([]byte(body)))
	if status != http.StatusOK || err != nil || m.Type != proto.TypeWelcome {
		t.Fatalf("hello: %d %q (%v), want a welcome", status, body, err)
	}
	return m
}

// notices collects a driver's notices.
type notices struct {
	mu    sync.Mutex
	lines []string
	added chan struct{} // gets a value per line, never blocks
}

func newNotices() *notices { return &notices{added: make(chan struct{}, 1000)} }

func (n *notices) add(line string) {
	n.mu.Lock()
	n.lines = append(n.lines, line)
	n.mu.Unlock()
	select {
	case n.added <- struct{}{}:
	default:
	}
}

// await waits (bounded by the test) for a notice holding sub.
func (n *notices) await(t *testing.T, sub string) string {
	t.Helper()
	for {
		n.mu.Lock()
		for _, l := range n.lines {
			if strings.Contains(l, sub) {
				n.mu.Unlock()
				return l
			}
		}
		got := strings.Join(n.lines, "\n")
		n.mu.Unlock()
		select {
		case <-n.added:
		case <-t.Context().Done():
			t.Fatalf("no notice with %q; got:\n%s", sub, got)
		}
	}
}

// TestPairingToken: the control URL carries a random token; a device
// without it, or with another run's, is refused (and the user told), one
// with it is welcomed with an unguessable peer id.
func TestPairingToken(t *testing.T) {
	t.Parallel()
	ns := newNotices()
	d := newDriver(t, remote.Options{Notify: ns.add})
	other := newDriver(t, remote.Options{})
	base, tok, _ := strings.Cut(d.URL(), remote.Path+"/")
	base += remote.Path
	otherTok := other.URL()[strings.LastIndex(other.URL(), "/")+1:]
	if len(tok) != 26 || tok == otherTok || remote.CheckToken(tok) != nil {
		t.Fatalf("tokens %q and %q: want two different 26-character tokens", tok, otherTok)
	}
	c := newClient(t)
	for _, u := range []string{base, base + "/" + otherTok, base + "/" + strings.ToUpper(tok)} {
		status, body := control(t, c, http.MethodPost, u+"/hello", helloLine("fake"))
		if status != http.StatusForbidden || !strings.Contains(body, "pairing token") || strings.Contains(body, tok) {
			t.Errorf("hello at %s: %d %q, want 403 naming the token without giving it", u, status, body)
		}
		for _, p := range []string{"/poll?peer=p1", "/send?peer=p1"} {
			m := http.MethodPost
			if strings.HasPrefix(p, "/poll") {
				m = http.MethodGet
			}
			if status, _ := control(t, c, m, u+p, ""); status != http.StatusForbidden {
				t.Errorf("%s%s without the token: %d, want 403", u, p, status)
			}
		}
	}
	if n := d.Devices(); n != 0 {
		t.Fatalf("%d devices after hellos without the token", n)
	}
	ns.await(t, "refused a control request from 127.0.0.1: wrong pairing token")
	w := hello(t, c, d.URL(), "real")
	if len(w.Peer) < 26 || strings.Contains(w.Peer, tok) {
		t.Errorf("peer id %q: want 128 random bits, not the token", w.Peer)
	}
	if d.Devices() != 1 {
		t.Errorf("%d devices after a hello with the token, want 1", d.Devices())
	}
	ns.await(t, `device 1 "real" at 127.0.0.1 connected`)
}

// TestPairingFixedToken: Options.Token keeps a token across runs; one too
// short or with characters a URL path would change is refused.
func TestPairingFixedToken(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{Token: "lab-phone_0123456789"})
	if !strings.HasSuffix(d.URL(), remote.Path+"/lab-phone_0123456789") {
		t.Errorf("URL %s, want the fixed token", d.URL())
	}
	hello(t, newClient(t), d.URL(), "phone")
	for _, bad := range []string{"short", "0123456789abcdef/x", "0123456789abcdef?x", "0123456789abcdéf"} {
		if d, err := remote.New(remote.Options{Token: bad}); err == nil {
			_ = d.Close()
			t.Errorf("token %q accepted", bad)
		} else if !strings.Contains(err.Error(), "pairing token") {
			t.Errorf("token %q: %v, want a pairing token error", bad, err)
		}
	}
}

// TestPairingGuessedPeer: with the token but a guessed peer id (the old
// sequential p1, p2, or a random one) poll and send get 404 and nothing of
// the device's; the real device's session is unharmed.
func TestPairingGuessedPeer(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{PollWait: 200 * time.Millisecond})
	startDevice(t, d)
	waitDevices(t, d, 1)
	s, err := d.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	for _, p := range []string{"p1", "p2", "", remote.NewToken()} {
		q := "?peer=" + url.QueryEscape(p)
		if status, body := control(t, c, http.MethodGet, d.URL()+"/poll"+q, ""); status != http.StatusNotFound ||
			strings.Contains(body, `"type"`) {
			t.Errorf("poll as %q: %d %q, want 404 and no message", p, status, body)
		}
		garbage := `{"type":"reply","id":1,"ok":true}` + "\nnot json\n"
		if status, _ := control(t, c, http.MethodPost, d.URL()+"/send"+q, garbage); status != http.StatusNotFound {
			t.Errorf("send as %q: %d, want 404", p, status)
		}
	}
	if _, err := s.Call(t.Context(), driver.Call{URL: "http://x/"}); err != nil {
		t.Fatalf("the real device's session after the guesses: %v", err)
	}
	if ev := <-s.Events(); ev.Fields["response"] != "http://x/" {
		t.Errorf("event %+v", ev)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Error(err)
	}
}

// TestPairingHost: a Host header other than the listener's or the
// advertised address (a page rebound to this host by DNS) is refused with
// 421 before anything else, so its replies are never read.
func TestPairingHost(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{})
	u, _ := url.Parse(d.URL())
	port := u.Port()
	c := newClient(t)
	for _, tc := range []struct {
		host string
		want int
	}{
		{"evil.example:" + port, http.StatusMisdirectedRequest},
		{"evil.example", http.StatusMisdirectedRequest},
		{"127.0.0.1:1", http.StatusMisdirectedRequest},
		{"127.0.0.2:" + port, http.StatusMisdirectedRequest},
		{"LOCALHOST:" + port, http.StatusOK},
		{"127.0.0.1:" + port, http.StatusOK},
	} {
		status, body := req{method: http.MethodPost, url: d.URL() + "/hello", body: helloLine("h"), host: tc.host}.do(t, c)
		if status != tc.want {
			t.Errorf("Host %s: %d %q, want %d", tc.host, status, body, tc.want)
		}
		if status == http.StatusMisdirectedRequest && !strings.Contains(body, "not this control channel's address") {
			t.Errorf("Host %s: body %q does not say why", tc.host, body)
		}
	}
	if n := d.Devices(); n != 2 {
		t.Errorf("%d devices, want the 2 hellos with a right Host", n)
	}
}

// TestPairingContentType: every control request, the poll's GET too, must
// say application/x-ndjson (parameters allowed): what a web page cannot
// send without a CORS preflight, which the channel never answers.
func TestPairingContentType(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{PollWait: 10 * time.Millisecond})
	c := newClient(t)
	w := hello(t, c, d.URL(), "ct")
	poll := d.URL() + "/poll?peer=" + w.Peer
	for _, tc := range []struct {
		name, method, url, ctype string
		want                     int
	}{
		{"hello as a form", http.MethodPost, d.URL() + "/hello", "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"hello as text", http.MethodPost, d.URL() + "/hello", "text/plain", http.StatusUnsupportedMediaType},
		{"send without a type", http.MethodPost, d.URL() + "/send?peer=" + w.Peer, "-", http.StatusUnsupportedMediaType},
		{"poll without a type", http.MethodGet, poll, "-", http.StatusUnsupportedMediaType},
		{"poll with a charset", http.MethodGet, poll, "application/x-ndjson; charset=UTF-8", http.StatusOK},
	} {
		body := ""
		if strings.HasSuffix(tc.url, "/hello") {
			body = helloLine("x")
		}
		status, text := req{method: tc.method, url: tc.url, ctype: tc.ctype, body: body}.do(t, c)
		if status != tc.want {
			t.Errorf("%s: %d %q, want %d", tc.name, status, text, tc.want)
		}
		if status == http.StatusUnsupportedMediaType && !strings.Contains(text, "application/x-ndjson") {
			t.Errorf("%s: body %q does not name the type", tc.name, text)
		}
	}
	if n := d.Devices(); n != 1 {
		t.Errorf("%d devices, want only the first hello's", n)
	}
}

// TestFakeDeviceWithoutToken: a device played in full (RunDevice) at the
// control URL without its token never gets a session: it fails at hello,
// and Open still waits.
func TestFakeDeviceWithoutToken(t *testing.T) {
	t.Parallel()
	d := newDriver(t, remote.Options{})
	base := d.URL()[:strings.LastIndex(d.URL(), "/")] + "/" + remote.NewToken()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second) // a device let in would serve until then
	defer cancel()
	err := remote.RunDevice(ctx, newClient(t), base, echoDriver{name: "fake"}, proto.ServeOptions{Name: "fake"})
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("fake device = %v, want refused with 403", err)
	}
	octx, ocancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer ocancel()
	if s, err := d.Open(octx, driver.Config{}); err == nil {
		_ = s.Close(t.Context())
		t.Errorf("a session opened on the fake device")
	}
}
