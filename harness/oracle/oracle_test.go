package oracle

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

const testURL = "http://127.0.0.1:1/c/t/file"

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// ev builds an event of call "main" with the usual fields; extra pairs
// override or add fields (a nil value deletes the field).
func ev(seq int, phase string, at time.Duration, kv ...any) trace.Event {
	f := map[string]any{"name": "networkRequest", "phase": phase, "requestId": "h1", "url": testURL}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(f, kv[i].(string))
			continue
		}
		f[kv[i].(string)] = kv[i+1]
	}
	return trace.Event{Call: "main", Seq: seq, At: at, Fields: f}
}

func oneCall(params map[string]any) *casefile.Case {
	return &casefile.Case{ID: "t.case", Requirements: []string{"F2"},
		Calls: []*casefile.Call{{ID: "main", Fn: casefile.FnRequest, URL: testURL, Params: params}}}
}

func obsOf(events ...trace.Event) Observation {
	return Observation{Start: t0, Calls: []CallObservation{{Call: "main", Instance: "main", URL: testURL, Handle: "h1", Events: events}}}
}

func checks(ms []result.Mismatch) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Check + "@" + m.Requirement
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func TestInvariants(t *testing.T) {
	t.Parallel()
	download := map[string]any{"progress": "download"}
	tests := []struct {
		name   string
		params map[string]any
		mutate func(*Observation)
		events []trace.Event
		want   []string
	}{
		{"plain ended is fine", nil, nil, []trace.Event{ev(0, "ended", 1)}, nil},
		{"download trace is fine", download, nil,
			[]trace.Event{ev(0, "began", 1), ev(1, "progress", 2, "bytesTransferred", 5), ev(2, "ended", 3, "bytesTransferred", int64(9))}, nil},
		{"wrong name", nil, nil, []trace.Event{ev(0, "ended", 1, "name", "other")}, []string{"invariant.name@E1"}},
		{"bad phase", nil, nil, []trace.Event{ev(0, "done", 1)}, []string{"invariant.phase@E1", "invariant.oneEnded@E2"}},
		{"began without progress", nil, nil, []trace.Event{ev(0, "began", 1), ev(1, "ended", 2)}, []string{"invariant.progressAsked@E2"}},
		{"began after progress", download, nil,
			[]trace.Event{ev(0, "progress", 1), ev(1, "began", 2), ev(2, "ended", 3)}, []string{"invariant.beganFirst@E3"}},
		{"began after progress is blamed once", download, nil,
			[]trace.Event{ev(0, "progress", 1, "bytesTransferred", 7), ev(1, "began", 2, "bytesTransferred", 0), ev(2, "ended", 3, "bytesTransferred", 7)},
			[]string{"invariant.beganFirst@E3"}},
		{"upload uses E4", map[string]any{"progress": "upload"}, nil,
			[]trace.Event{ev(0, "began", 1), ev(1, "began", 2), ev(2, "ended", 3)}, []string{"invariant.beganFirst@E4"}},
		{"no ended", nil, nil, nil, []string{"invariant.oneEnded@E2"}},
		{"two ended", nil, nil, []trace.Event{ev(0, "ended", 1), ev(1, "ended", 2)},
			[]string{"invariant.nothingAfterEnded@E2", "invariant.oneEnded@E2"}},
		{"bytes decrease", download, nil,
			[]trace.Event{ev(0, "began", 1, "bytesTransferred", 0), ev(1, "progress", 2, "bytesTransferred", 10.0), ev(2, "ended", 3, "bytesTransferred", 4)},
			[]string{"invariant.bytesMonotonic@E7"}},
		{"fractional bytes decrease", download, nil,
			[]trace.Event{ev(0, "began", 1, "bytesTransferred", 0), ev(1, "progress", 2, "bytesTransferred", 10.5), ev(2, "ended", 3, "bytesTransferred", 10.25)},
			[]string{"invariant.bytesMonotonic@E7"}},
		{"bytes not a number", download, nil,
			[]trace.Event{ev(0, "began", 1, "bytesTransferred", 0), ev(1, "progress", 2, "bytesTransferred", "5"), ev(2, "ended", 3, "bytesTransferred", 9)},
			[]string{"invariant.bytesMonotonic@E7"}},
		{"bytes absent is not a decrease", download, nil,
			[]trace.Event{ev(0, "began", 1), ev(1, "progress", 2, "bytesTransferred", 5), ev(2, "ended", 3)}, nil},
		{"requestId wrong", nil, nil, []trace.Event{ev(0, "ended", 1, "requestId", "h2")}, []string{"invariant.requestId@E13"}},
		{"requestId absent", nil, nil, []trace.Event{ev(0, "ended", 1, "requestId", nil)}, []string{"invariant.requestId@E13"}},
		{"url replaced", nil, nil, []trace.Event{ev(0, "ended", 1, "url", "http://127.0.0.1:1/c/t/final")}, []string{"invariant.url@E12"}},
		{"cancelled without ended is fine", download, func(o *Observation) {
			o.Calls[0].Cancels = []Cancel{{EventsBefore: 1, Returned: true}}
		}, []trace.Event{ev(0, "began", 1)}, nil},
		{"event after cancel", download, func(o *Observation) {
			o.Calls[0].Cancels = []Cancel{{EventsBefore: 1, Returned: true}}
		}, []trace.Event{ev(0, "began", 1), ev(1, "ended", 2)}, []string{"invariant.nothingAfterCancel@C1"}},
		{"rejected with events", nil, func(o *Observation) { o.Calls[0].Rejected = true }, []trace.Event{ev(0, "ended", 1)},
			[]string{"invariant.noEvents@B1"}},
		{"rejected without events", nil, func(o *Observation) { o.Calls[0].Rejected = true }, nil, nil},
		{"ended inside the call", nil, nil, []trace.Event{inCall(ev(0, "ended", 1))}, []string{"invariant.afterReturn@E16"}},
		{"events inside the call blamed once", download, nil,
			[]trace.Event{inCall(ev(0, "began", 1)), inCall(ev(1, "progress", 2)), inCall(ev(2, "ended", 3))},
			[]string{"invariant.afterReturn@E16"}},
		{"an upload's began inside the call is fine (info clause)", map[string]any{"progress": "upload"}, nil,
			[]trace.Event{inCall(ev(0, "began", 1)), ev(1, "ended", 2)}, nil},
		{"nil after calling the listener: no handle, once", nil, func(o *Observation) {
			o.Calls[0].Handle, o.Calls[0].NoHandle = "", true
		}, []trace.Event{inCall(ev(0, "ended", 1, "requestId", nil))},
			[]string{"invariant.afterReturn@E16", "invariant.requestId@E13"}},
		{"a raise instead of a handle", nil, func(o *Observation) {
			o.Calls[0].Handle, o.Calls[0].Rejected, o.Calls[0].Raised = "", true, true
		}, nil, []string{"invariant.noRaise@B3"}},
		{"a missing network.upload", nil, func(o *Observation) {
			o.Calls[0].Handle, o.Calls[0].Rejected, o.Calls[0].Raised, o.Calls[0].Missing = "", true, true, true
		}, nil, []string{"invariant.noRaise@B3"}}, // oneCall is a network.request: B3
		{"a blocked call", nil, func(o *Observation) {
			o.Calls[0].Handle = ""
			o.Pending = []Pending{{Call: "main", Instance: "main", Started: true, Blocked: true}}
		}, nil, []string{"invariant.afterReturn@E16"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			obs := obsOf(tc.events...)
			if tc.mutate != nil {
				tc.mutate(&obs)
			}
			got := checks(Check(oneCall(tc.params), obs))
			if !slices.Equal(got, tc.want) {
				t.Errorf("mismatches = %v, want %v", got, tc.want)
			}
		})
	}
}

// inCall marks an event as delivered inside the call.
func inCall(e trace.Event) trace.Event {
	e.InCall = true
	return e
}

// TestRaiseAndNilInRejectionCases: in a case that expects a call-time
// rejection, a raise or a nil return after calling the listener fails the
// case's own rejection check (B1), with what happened leading, and the
// raise is not blamed again on B3.
func TestRaiseAndNilInRejectionCases(t *testing.T) {
	t.Parallel()
	c := oneCall(nil)
	c.Requirements = []string{"B1"}
	c.Expect.Rejected = ptr(true)
	raised := obsOf()
	raised.Calls[0].Handle, raised.Calls[0].Rejected, raised.Calls[0].Raised = "", true, true
	raised.Calls[0].RejectMessage = "bad headers"
	ms := Check(c, raised)
	if len(ms) != 1 || ms[0].Requirement != "B1" || ms[0].Got != "raised an error: bad headers" {
		t.Errorf("raise in a B1 case: %v", ms)
	}
	heard := obsOf(inCall(ev(0, "ended", 1, "requestId", nil)))
	heard.Calls[0].Handle, heard.Calls[0].NoHandle = "", true
	got := checks(Check(c, heard))
	if !slices.Equal(got, []string{"invariant.afterReturn@E16", "rejected@B1"}) {
		t.Errorf("nil after the listener in a B1 case: %v", got)
	}
	up := oneCall(nil)
	up.Calls[0].Fn = casefile.FnUpload
	up.Expect.Rejected = ptr(true)
	missing := obsOf()
	missing.Calls[0].Handle, missing.Calls[0].Rejected, missing.Calls[0].Raised, missing.Calls[0].Missing = "", true, true, true
	if got := checks(Check(up, missing)); !slices.Equal(got, []string{"invariant.noRaise@U1"}) {
		t.Errorf("missing network.upload: %v, want U1 alone", got)
	}
}

func TestSkipInvariants(t *testing.T) {
	t.Parallel()
	c := oneCall(nil)
	c.Expect.SkipInvariants = []string{"url"}
	if got := Check(c, obsOf(ev(0, "ended", 1, "url", "x"))); len(got) != 0 {
		t.Errorf("skipped invariant still reported: %v", checks(got))
	}
}

func TestNilListenerNoEvents(t *testing.T) {
	t.Parallel()
	c := oneCall(nil)
	c.Calls[0].Listener = "none"
	if got := checks(Check(c, obsOf(ev(0, "ended", 1)))); !slices.Equal(got, []string{"invariant.noEvents@B2"}) {
		t.Errorf("got %v", got)
	}
	if got := Check(c, obsOf()); len(got) != 0 {
		t.Errorf("no events should pass: %v", checks(got))
	}
}

func TestCallExpect(t *testing.T) {
	t.Parallel()
	rec := mockserver.Record{Path: "/file", FullPath: "/c/t/file", Status: 404, BytesSent: 13,
		BodySHA256: shaBytes([]byte("no such thing"))}
	good := []trace.Event{
		ev(0, "began", 1, "status", 404.0, "bytesEstimated", int64(13)),
		ev(1, "progress", 2, "bytesTransferred", 13),
		ev(2, "ended", 3, "status", 404, "isError", false, "response", "no such thing", "bytesTransferred", 13,
			"responseHeaders", map[string]any{"Content-Type": "text/plain"}),
	}
	tests := []struct {
		name   string
		expect casefile.CallExpect
		events []trace.Event
		want   []string
	}{
		{"all hold", casefile.CallExpect{
			Trace: "began progress* ended",
			Began: casefile.Fields{"status": casefile.Eq(404), "bytesEstimated": {Gte: ptr(1.0)}},
			Ended: casefile.Fields{
				"isError": casefile.Eq(false), "response": {Served: "body"}, "bytesTransferred": {Served: "size"},
				"responseType":    {Absent: true},
				"responseHeaders": {Contains: &casefile.Contains{Keys: map[string]*casefile.Predicate{"content-type": {Matches: "^text/"}}}},
				"status":          {OneOf: []any{404, 410}},
			},
			Progress: casefile.Fields{"bytesTransferred": {Lte: ptr(13.0)}},
			Each:     casefile.Fields{"url": {Contains: &casefile.Contains{Text: ptr("/c/t/")}}},
		}, good, nil},
		{"trace mismatch", casefile.CallExpect{Trace: "ended"}, good, []string{"trace@F2"}},
		{"field mismatch", casefile.CallExpect{Ended: casefile.Fields{"status": casefile.Eq(200)}}, good, []string{"ended.status@F2"}},
		{"req attribution", casefile.CallExpect{Req: "E8", Ended: casefile.Fields{"isError": casefile.Eq(true)}}, good, []string{"ended.isError@E8"}},
		{"missing began", casefile.CallExpect{Began: casefile.Fields{"status": casefile.Eq(404)}}, good[2:], []string{"began@F2"}},
		{"present false", casefile.CallExpect{Ended: casefile.Fields{"responseHeaders": {Present: ptr(false)}}}, good, []string{"ended.responseHeaders@F2"}},
		{"served size wrong", casefile.CallExpect{Ended: casefile.Fields{"bytesTransferred": {Served: "size"}}},
			[]trace.Event{ev(0, "ended", 1, "bytesTransferred", 12)}, []string{"ended.bytesTransferred@F2"}},
		{"every progress", casefile.CallExpect{Progress: casefile.Fields{"bytesTransferred": {Gte: ptr(20.0)}}}, good, []string{"progress.bytesTransferred@F2"}},
		{"matches needs a string", casefile.CallExpect{Ended: casefile.Fields{"status": {Matches: "4"}}}, good, []string{"ended.status@F2"}},
		{"rejected expected", casefile.CallExpect{Rejected: ptr(true)}, good, []string{"rejected@F2"}},
		{"cancelReturned without cancel", casefile.CallExpect{CancelReturned: casefile.Eq(true)}, good, []string{"cancelReturned@F2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := oneCall(map[string]any{"progress": "download"})
			c.Expect.CallExpect = tc.expect
			obs := obsOf(tc.events...)
			obs.Journal = []mockserver.Record{rec}
			got := Check(c, obs)
			if !slices.Equal(checks(got), tc.want) {
				t.Errorf("mismatches = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPerCallExpectAndCancelReturn(t *testing.T) {
	t.Parallel()
	c := oneCall(nil)
	c.Expect.Calls = map[string]casefile.CallExpect{"main": {CancelReturned: casefile.Eq(true)}}
	obs := obsOf(ev(0, "ended", 1))
	obs.Calls[0].Cancels = []Cancel{{EventsBefore: 1, Returned: false}}
	got := Check(c, obs)
	if !slices.Equal(checks(got), []string{"calls.main.cancelReturned@F2"}) || !strings.Contains(got[0].Got, "false") {
		t.Errorf("got %+v", got)
	}
	obs.Calls[0].Cancels[0].Returned = true
	if got := Check(c, obs); len(got) != 0 {
		t.Errorf("cancel returned true should pass: %+v", got)
	}
}

func fs(dir, name, content string) result.FileState {
	return result.FileState{Dir: dir, Name: name, Size: int64(len(content)), SHA256: shaBytes([]byte(content)), Head: []byte(content)}
}

func TestFiles(t *testing.T) {
	t.Parallel()
	const docs = "DocumentsDirectory"
	before := []result.FileState{fs(docs, "out.bin", "old contents")}
	served := mockserver.Record{Path: "/file", Status: 200, BytesSent: 3, BodySHA256: shaBytes([]byte("new"))}
	tests := []struct {
		name  string
		fe    casefile.FileExpect
		after []result.FileState
		want  bool
	}{
		{"unchanged holds", casefile.FileExpect{Name: "out.bin", Unchanged: true}, before, true},
		{"unchanged broken", casefile.FileExpect{Name: "out.bin", Unchanged: true}, []result.FileState{fs(docs, "out.bin", "no such thing")}, false},
		{"unchanged deleted", casefile.FileExpect{Name: "out.bin", Unchanged: true}, nil, false},
		{"absent", casefile.FileExpect{Dir: docs, Name: "x", Absent: true}, before, true},
		{"absent broken", casefile.FileExpect{Name: "out.bin", Absent: true}, before, false},
		{"content", casefile.FileExpect{Name: "out.bin", Content: ptr("new")}, []result.FileState{fs(docs, "out.bin", "new")}, true},
		{"content wrong", casefile.FileExpect{Name: "out.bin", Content: ptr("new")}, before, false},
		{"base64", casefile.FileExpect{Name: "out.bin", Base64: "bmV3"}, []result.FileState{fs(docs, "out.bin", "new")}, true},
		{"sha256", casefile.FileExpect{Name: "out.bin", SHA256: strings.ToUpper(shaBytes([]byte("new")))}, []result.FileState{fs(docs, "out.bin", "new")}, true},
		{"sameAsServed", casefile.FileExpect{Name: "out.bin", SameAsServed: true}, []result.FileState{fs(docs, "out.bin", "new")}, true},
		{"sameAsServed wrong", casefile.FileExpect{Name: "out.bin", SameAsServed: true, ServedPath: "/file"}, before, false},
		{"size only", casefile.FileExpect{Name: "out.bin", Size: ptr(int64(12))}, before, true},
		{"size wrong", casefile.FileExpect{Name: "out.bin", Size: ptr(int64(3))}, before, false},
		{"other dir", casefile.FileExpect{Dir: "CachesDirectory", Name: "out.bin", Absent: true}, before, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := oneCall(map[string]any{"response": map[string]any{"filename": "out.bin"}})
			c.Expect.Files = []casefile.FileExpect{tc.fe}
			obs := obsOf(ev(0, "ended", 1))
			obs.FilesBefore, obs.FilesAfter = before, tc.after
			obs.Journal = []mockserver.Record{served}
			got := checks(Check(c, obs))
			want := []string{}
			if !tc.want {
				want = []string{fmt.Sprintf("files[0] %s/%s@F2", dirOr(tc.fe.Dir), tc.fe.Name)}
			}
			if !slices.Equal(got, want) {
				t.Errorf("mismatches = %v, want %v", got, want)
			}
		})
	}
}

// TestUnchangedOrServed: the file may be as before or the whole body a 2xx
// response sent out whole (not one the client closed, nor a fault's); and
// the file as the runner read it right after its call's cancel returned
// must be the file at the end (else an "after cancel" mismatch), the
// looks at other calls' cancels not counting.
func TestUnchangedOrServed(t *testing.T) {
	t.Parallel()
	const docs = "DocumentsDirectory"
	before := []result.FileState{fs(docs, "out.bin", "old contents")}
	newer := []result.FileState{fs(docs, "out.bin", "new")}
	part := []result.FileState{fs(docs, "out.bin", "ne")}
	whole := mockserver.Record{Path: "/file", Status: 200, BytesSent: 3, BodySHA256: shaBytes([]byte("new"))}
	closed := whole
	closed.BodySHA256 = shaBytes([]byte("ne"))
	closed.Events = []mockserver.Event{{Kind: mockserver.EventClientClosed}}
	const chk = "files[0] DocumentsDirectory/out.bin"
	tests := []struct {
		name     string
		after    []result.FileState
		journal  []mockserver.Record
		atCancel []result.FileState // this call's look; nil: none
		other    []result.FileState // another call's look
		want     []string
	}{
		{"unchanged", before, []mockserver.Record{whole}, before, nil, nil},
		{"served whole", newer, []mockserver.Record{whole}, newer, nil, nil},
		{"a part of the body", part, []mockserver.Record{whole}, part, nil, []string{chk + "@F3"}},
		{"served to a client that closed", part, []mockserver.Record{closed}, part, nil, []string{chk + "@F3"}},
		{"put in place after cancel returned", newer, []mockserver.Record{whole}, before, nil, []string{chk + " after cancel@F3"}},
		{"appeared after cancel returned", newer, []mockserver.Record{whole}, []result.FileState{}, nil, []string{chk + " after cancel@F3"}},
		{"not looked at", newer, []mockserver.Record{whole}, nil, nil, nil},
		{"another call's cancel", newer, []mockserver.Record{whole}, nil, before, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := oneCall(map[string]any{"response": map[string]any{"filename": "out.bin"}})
			c.Requirements = []string{"F3"}
			c.Expect.Files = []casefile.FileExpect{{Name: "out.bin", UnchangedOrServed: true, ServedPath: "/file"}}
			obs := obsOf()
			obs.Calls[0].Destination = docs + "/out.bin"
			obs.Calls[0].Cancels = []Cancel{{At: time.Millisecond, Returned: true, Files: tc.atCancel}}
			obs.Calls = append(obs.Calls, CallObservation{Call: "other", Instance: "other", URL: testURL, Handle: "h2",
				Destination: docs + "/other.bin", Cancels: []Cancel{{At: time.Millisecond, Returned: true, Files: tc.other}}})
			obs.FilesBefore, obs.FilesAfter, obs.Journal = before, tc.after, tc.journal
			got := checks(Check(c, obs))
			if !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("mismatches = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNoTempFiles(t *testing.T) {
	t.Parallel()
	c := oneCall(map[string]any{"response": map[string]any{"filename": "out.bin", "baseDirectory": "CachesDirectory"}})
	obs := obsOf(ev(0, "ended", 1))
	obs.FilesBefore = []result.FileState{fs("DocumentsDirectory", "keep", "x")}
	obs.FilesAfter = []result.FileState{fs("DocumentsDirectory", "keep", "y"), fs("CachesDirectory", "out.bin", "z")}
	if got := Check(c, obs); len(got) != 0 {
		t.Fatalf("destination and changed files are not temp files: %+v", got)
	}
	obs.FilesAfter = append(obs.FilesAfter, fs("CachesDirectory", ".out.bin.tmp123", "partial"))
	got := Check(c, obs)
	if !slices.Equal(checks(got), []string{"invariant.noTempFiles@F4"}) || !strings.Contains(got[0].Got, ".out.bin.tmp123") {
		t.Errorf("got %+v", got)
	}
	c.Expect.NoTempFiles = ptr(false)
	if got := Check(c, obs); len(got) != 0 {
		t.Errorf("noTempFiles: false still checked: %+v", got)
	}
}

func TestJournal(t *testing.T) {
	t.Parallel()
	rec := mockserver.Record{Method: "POST", Path: "/echo", FullPath: "/c/t/echo", Query: "a=1", Status: 200, TLS: true,
		Headers:      http.Header{"Content-Type": {"text/plain; charset=UTF-8"}, "X-N": {"1", "2"}},
		RequestBytes: 5, RequestSHA256: shaBytes([]byte("hello")), RequestHead: []byte("hello"),
		ClientClosed: t0.Add(time.Second)}
	tests := []struct {
		name string
		je   casefile.JournalExpect
		want []string
	}{
		{"all hold", casefile.JournalExpect{ClientClosed: ptr(true), Requests: []casefile.RequestExpect{{
			Method: "POST", Path: "/echo", Status: 200, TLS: ptr(true), ClientClosed: ptr(true),
			Query:    &casefile.Predicate{Matches: "a=1"},
			Headers:  casefile.Fields{"content-type": {Matches: "charset=UTF-8$"}, "X-N": casefile.Eq("1, 2"), "Content-Length": {Absent: true}},
			BodyText: casefile.Eq("hello"), BodySize: casefile.Eq(5), BodySHA256: shaBytes([]byte("hello")),
		}}}, nil},
		{"count", casefile.JournalExpect{Count: ptr(2)}, []string{"journal.count@F2"}},
		{"requests imply count", casefile.JournalExpect{Requests: []casefile.RequestExpect{{}, {}}}, []string{"journal.count@F2"}},
		{"method and header", casefile.JournalExpect{Req: "R4", Requests: []casefile.RequestExpect{{
			Method: "GET", Headers: casefile.Fields{"Content-Type": casefile.Eq("text/plain")}}}},
			[]string{"journal.requests[0].method@R4", "journal.requests[0].headers.Content-Type@R4"}},
		{"body", casefile.JournalExpect{Requests: []casefile.RequestExpect{{BodySHA256: "00", BodySize: casefile.Eq(4)}}},
			[]string{"journal.requests[0].bodySha256@F2", "journal.requests[0].bodySize@F2"}},
		{"not closed", casefile.JournalExpect{ClientClosed: ptr(false)}, []string{"journal.clientClosed@F2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := oneCall(nil)
			c.Expect.Journal = &tc.je
			obs := obsOf(ev(0, "ended", 1))
			obs.Journal = []mockserver.Record{rec}
			if got := checks(Check(c, obs)); !slices.Equal(got, tc.want) {
				t.Errorf("mismatches = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTiming(t *testing.T) {
	t.Parallel()
	rec := mockserver.Record{Path: "/slow", FullPath: "/c/t/file", Received: t0.Add(10 * time.Millisecond),
		Events: []mockserver.Event{{At: t0.Add(20 * time.Millisecond), Kind: mockserver.EventBodyChunk},
			{At: t0.Add(100 * time.Millisecond), Kind: mockserver.EventBodyChunk}}}
	events := []trace.Event{ev(0, "began", 15*time.Millisecond), ev(1, "progress", 30*time.Millisecond),
		ev(2, "progress", 80*time.Millisecond), ev(3, "ended", 160*time.Millisecond)}
	d := func(s string) casefile.Duration { v, _ := time.ParseDuration(s); return casefile.Duration(v) }
	tests := []struct {
		name  string
		scale float64
		te    casefile.TimingExpect
		pass  bool
	}{
		{"ended after last body", 1, casefile.TimingExpect{From: "server.lastBody", To: "ended", AtLeast: d("60ms")}, true},
		{"too early", 1, casefile.TimingExpect{From: "server.lastBody", To: "ended", AtLeast: d("61ms")}, false},
		{"scaled", 0.5, casefile.TimingExpect{From: "server.lastBody", To: "ended", AtLeast: d("120ms")}, true},
		{"first body", 1, casefile.TimingExpect{From: "server.firstBody", To: "ended", AtLeast: d("140ms")}, true},
		{"received", 1, casefile.TimingExpect{From: "server.received", To: "began", AtLeast: d("5ms")}, true},
		{"missing moment", 1, casefile.TimingExpect{From: "server.clientClosed", To: "ended", AtLeast: d("1ms")}, false},
		{"progress gaps hold", 1, casefile.TimingExpect{Each: "progress", AtLeast: d("50ms")}, true},
		{"progress gaps too short", 1, casefile.TimingExpect{Each: "progress", AtLeast: d("51ms")}, false},
		{"lastProgress", 1, casefile.TimingExpect{From: "lastProgress", To: "ended", AtLeast: d("80ms")}, true},
		{"unknown call", 1, casefile.TimingExpect{Call: "zz", From: "began", To: "ended"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := oneCall(map[string]any{"progress": "download"})
			c.Expect.Timing = []casefile.TimingExpect{tc.te}
			obs := obsOf(events...)
			obs.TimeScale = tc.scale
			obs.Journal = []mockserver.Record{rec}
			got := checks(Check(c, obs))
			want := []string{}
			if !tc.pass {
				want = []string{"timing[0]@F2"}
			}
			if !slices.Equal(got, want) {
				t.Errorf("mismatches = %v, want %v", got, want)
			}
		})
	}
}

func TestEqualNoPanic(t *testing.T) {
	t.Parallel()
	if equal([]string{"a"}, []string{"a"}) != true || equal(map[string]any{"a": 1}, map[string]any{"a": 1.0}) != true {
		t.Error("equal failed on equal values")
	}
	if equal(map[string]any{"a": 1}, map[string]any{"b": 1}) || equal([]any{1}, []any{2}) || equal("1", 1) {
		t.Error("equal true on different values")
	}
}

// TestUnobservedCall: a call of the case, or an expect.calls key, with no
// observed instance is a mismatch, not a vacuous pass of its expectations.
func TestUnobservedCall(t *testing.T) {
	t.Parallel()
	c := oneCall(nil)
	c.Calls = append(c.Calls, &casefile.Call{ID: "other", Fn: casefile.FnRequest, URL: testURL})
	c.Expect.Calls = map[string]casefile.CallExpect{"other": {Req: "E8", Ended: casefile.Fields{"isError": casefile.Eq(true)}}}
	got := Check(c, obsOf(ev(0, "ended", 1)))
	if want := []string{"call other@F2", "calls.other@E8"}; !slices.Equal(checks(got), want) {
		t.Errorf("mismatches = %v, want %v", checks(got), want)
	}
	if got := Check(oneCall(nil), Observation{Start: t0}); !slices.Equal(checks(got), []string{"call main@F2"}) {
		t.Errorf("no observation at all: mismatches = %v, want the call reported", checks(got))
	}
}
