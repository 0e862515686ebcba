package mockserver

import (
	"bytes"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fullEntry returns a done entry with every field of its record set.
func fullEntry() *entry {
	t0 := now()
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	e := newEntry(Record{
		Seq: 42, Namespace: "ns.1", Listener: ListenerHTTPS, Method: "PUT", Path: "/up", FullPath: "/c/ns.1/up",
		Query: "a=1&b=\x00", Proto: "HTTP/2.0", TLS: true, RemoteAddr: "[::1]:5555", Route: 3, Call: 7,
		Received: at(0),
	}, http.Header{"X-A": {"1", "2"}, "Content-Type": {"text/plain"}, "Empty": {}, "Host": {"ignored"},
		"X-Long": {strings.Repeat("v", 300)}}, "h.test", Event{At: at(0), Kind: EventReceived})
	r := &e.rec
	r.Status, r.Fault, r.BytesSent, r.RequestBytes = 503, FaultReset, 1<<40, 70000
	r.RequestHead = bytes.Repeat([]byte{0, 0xff, 'x'}, 300)
	r.HeadersSent, r.FaultAt, r.ClientClosed, r.Done = at(1), at(2), at(3), at(4)
	r.Error = strings.Repeat("é", 100)
	r.Events = append(r.Events,
		Event{At: at(1), Kind: EventHeadersSent, Detail: "503"},
		Event{At: at(2), Kind: EventBodyChunk, Bytes: 1 << 40},
		Event{At: at(2), Kind: EventFault, Bytes: -1, Detail: "reset afterBody"},
		Event{At: at(3), Kind: EventClientClosed, Detail: "write: broken pipe"},
		Event{At: at(-5), Kind: "someday", Detail: "a kind packed as text, a time before Received"},
		Event{At: at(4), Kind: EventDone, Bytes: 1 << 40})
	e.sums[0][0], e.sums[1][31], e.summed, e.reqBody = 0xab, 0xcd, true, true
	return e
}

func TestPackedRecordRoundTrip(t *testing.T) {
	t.Parallel()
	empty := newEntry(Record{Route: -1}, http.Header{}, "", Event{Kind: EventReceived})
	unsummed := fullEntry()
	unsummed.summed = false
	noBody := fullEntry()
	noBody.reqBody, noBody.rec.RequestHead, noBody.rec.TLS = false, nil, false
	bigHeaders := fullEntry()
	bigHeaders.hdr = http.Header{"X-Huge": {strings.Repeat("h", 3<<20)}} // past the fixed-width length
	for _, tc := range []struct {
		name string
		e    *entry
	}{
		{"every field", fullEntry()},
		{"zero record", empty},
		{"not summed", unsummed},
		{"no request body", noBody},
		{"3 MiB of headers", bigHeaders},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := tc.e.record()
			got, err := unpackRecord(string(packEntry(tc.e)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip:\ngot  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestPackedRecordRejectsDamage(t *testing.T) {
	t.Parallel()
	p := string(packEntry(fullEntry()))
	for n := range len(p) {
		if _, err := unpackRecord(p[:n]); err == nil {
			t.Fatalf("truncated to %d of %d bytes: no error", n, len(p))
		}
	}
	if _, err := unpackRecord(p + "x"); err == nil {
		t.Fatal("trailing byte: no error")
	}
}

// TestDoneRecordsArePacked checks that the journal keeps a finished record
// packed (no pointers for the garbage collector to follow) and still
// returns it whole.
func TestDoneRecordsArePacked(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	base := install(t, s, "pk", Route{Path: "/a", Response: Response{Body: Body{Text: "A"}}})
	c := newClient(t, s, false)
	get(t, c, base+"/a?x=1")
	recs := awaitDone(t, s, "pk", 1)
	sp := s.space("pk")
	sp.mu.Lock()
	sl := sp.records[0]
	sp.mu.Unlock()
	if sl.live != nil || len(sl.packed) == 0 {
		t.Fatalf("done record not packed: live %v, %d packed bytes", sl.live != nil, len(sl.packed))
	}
	r := recs[0]
	if r.Query != "x=1" || r.Status != 200 || r.BytesSent != 1 || r.Done.IsZero() || r.Headers.Get("Host") == "" ||
		len(r.BodySHA256) != 64 || r.RequestSHA256 != emptySHA256 || r.Events[len(r.Events)-1].Kind != EventDone {
		t.Fatalf("unpacked record %+v", r)
	}
	if again := s.Journal("pk"); !reflect.DeepEqual(again, recs) {
		t.Fatalf("second read differs:\n%+v\n%+v", again, recs)
	}
}
