package mockserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSlowReadPacesTheUpload(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithTimeScale(testScale))
	base := install(t, s, "slow", Route{Path: "/up", Method: "post",
		Request: RequestControl{SlowRead: &Pace{Bytes: 1000, Every: ms(500)}}})
	body := bytes.Repeat([]byte("u"), 4000)
	c := newClient(t, s, false)
	start := time.Now()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/up", bytes.NewReader(body))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if el := time.Since(start); el < 150*time.Millisecond {
		t.Errorf("upload of 4 steps took %v, want >= 3 pauses of 50ms", el)
	}
	r := awaitDone(t, s, "slow", 1)[0]
	reads := r.EventsOf(EventRequestRead)
	if len(reads) != 4 {
		t.Fatalf("%d requestRead events, want 4: %+v", len(reads), reads)
	}
	for i, e := range reads {
		if e.Bytes != int64(1000*(i+1)) {
			t.Errorf("read %d: %d bytes so far, want %d", i, e.Bytes, 1000*(i+1))
		}
		if i > 0 && e.At.Sub(reads[i-1].At) < 50*time.Millisecond { // the pause, waited after the previous read was stamped
			t.Errorf("read %d came %v after the previous, want >= 50ms", i, e.At.Sub(reads[i-1].At))
		}
	}
	sum := sha256.Sum256(body)
	if r.RequestBytes != 4000 || r.RequestSHA256 != hex.EncodeToString(sum[:]) || !bytes.Equal(r.RequestHead, body) {
		t.Errorf("request body in journal: %d bytes, sha %s", r.RequestBytes, r.RequestSHA256)
	}
}

func TestResetAfterRequestBytes(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "rst", Route{Path: "/up", Request: RequestControl{ResetAfter: 1500}})
	rc := dial(t, s, base)
	rc.send("POST", "/c/rst/up", []string{"Content-Length: 100000"}, strings.Repeat("b", 3000))
	got, err := rc.rest()
	if len(got) != 0 || !isReset(err) {
		t.Fatalf("got %q, %v; want no response and a reset", got, err)
	}
	r := awaitDone(t, s, "rst", 1)[0]
	if r.RequestBytes != 1500 || r.Fault != FaultReset || r.Status != 0 {
		t.Fatalf("record: read %d, fault %q, status %d", r.RequestBytes, r.Fault, r.Status)
	}
}

func TestAnswerEarlySkipsTheBody(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "early", Route{Path: "/up", Response: Response{Status: 413, Body: Body{Text: "too big"}},
		Request: RequestControl{AnswerEarly: true}})
	rc := dial(t, s, base)
	// Announce a large body and wait for the verdict before sending it.
	rc.send("PUT", "/c/early/up", []string{"Content-Length: 10000000", "Expect: 100-continue"}, "")
	status, hdr := rc.head()
	if status != "HTTP/1.1 413 Request Entity Too Large" {
		t.Fatalf("status %q (a 100 Continue would mean the server asked for the body)", status)
	}
	if v, _ := header(hdr, "Content-Length"); v != "7" {
		t.Fatalf("Content-Length %q", v)
	}
	if r := awaitDone(t, s, "early", 1)[0]; r.RequestBytes != 0 {
		t.Fatalf("server read %d body bytes", r.RequestBytes)
	}
}

func TestScenarioFailThenSucceed(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "scn", Route{Path: "/flaky", Response: Response{Status: 503},
		Then: []Response{{Status: 500}, {Status: 200, Body: Body{Text: "ok"}}}})
	c := newClient(t, s, false)
	var got []string
	for range 4 {
		resp, _ := get(t, c, base+"/flaky")
		got = append(got, strconv.Itoa(resp.StatusCode))
	}
	if strings.Join(got, ",") != "503,500,200,200" {
		t.Fatalf("statuses %v, want 503,500,200,200", got)
	}
	// Re-installing restarts the counters.
	install(t, s, "scn", Route{Path: "/flaky", Response: Response{Status: 503}, Then: []Response{{Status: 200}}})
	if resp, _ := get(t, c, base+"/flaky"); resp.StatusCode != 503 {
		t.Fatalf("after reinstall: %d, want 503", resp.StatusCode)
	}
	recs := awaitDone(t, s, "scn", 5)
	for i, want := range []int{1, 2, 3, 4, 1} {
		if recs[i].Call != want {
			t.Errorf("record %d: call %d, want %d", i, recs[i].Call, want)
		}
	}
}

func TestEcho(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "echo", Route{Path: "/e", Response: Response{Echo: true}})
	c := newClient(t, s, false)
	req, _ := http.NewRequestWithContext(t.Context(), "PATCH", base+"/e?x=1", strings.NewReader("héllo"))
	req.Header.Set("X-Custom", "42")
	req.Header.Set("Content-Type", "text/plain; charset=UTF-8")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e Echo
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	if e.Method != "PATCH" || e.Path != "/e" || e.Query != "x=1" || e.Body != "héllo" || e.BodySize != 6 ||
		e.Headers.Get("X-Custom") != "42" || e.Headers.Get("Content-Type") != "text/plain; charset=UTF-8" || e.Headers.Get("Host") == "" {
		t.Fatalf("echo %+v", e)
	}
	// Binary bodies come back in base64.
	req, _ = http.NewRequestWithContext(t.Context(), "POST", base+"/e", bytes.NewReader([]byte{0xff, 0, 1}))
	resp2, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	e = Echo{}
	if err := json.NewDecoder(resp2.Body).Decode(&e); err != nil || e.BodyBase64 != "/wAB" || e.Body != "" {
		t.Fatalf("binary echo %+v %v", e, err)
	}
}
