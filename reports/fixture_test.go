package reports

import (
	"fmt"
	"net/http"
	"time"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

// t0 is the fixture's fixed clock: no test reads the real one.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func at(ms float64) time.Time { return t0.Add(time.Duration(ms * 1e6)) }

func dur(ms float64) time.Duration { return time.Duration(ms * 1e6) }

func ev(call string, seq int, ms float64, fields map[string]any) trace.Event {
	fields["name"] = "networkRequest"
	return trace.Event{Call: call, Seq: seq, At: dur(ms), Fields: fields}
}

// voided is a void attempt as the runner describes it: its longest stall
// and when it began, in milliseconds.
func voided(n int, v result.Verdict, stallMs, atMs float64, retried bool) result.VoidAttempt {
	what := "the case ran again"
	if !retried {
		what = fmt.Sprintf("no attempt left (%d made); this result may be void", n)
	}
	return result.VoidAttempt{Attempt: n, Verdict: v, Stall: dur(stallMs), At: dur(atMs),
		Note: fmt.Sprintf("attempt %d: the host stalled this process for %s at +%s (tolerance 100ms): timing unobservable, %s",
			n, dur(stallMs), dur(atMs), what)}
}

// fixture returns a hand-built report with every verdict, a trace with all
// phases, a journal with every server event kind, file changes and logs, a
// case re-run after two void attempts and one whose verdict is from a void
// attempt.
func fixture() Report {
	full := mockserver.Record{
		Seq: 7, Namespace: "events.download-progress.1", Listener: "http", Method: "GET", Path: "/body",
		FullPath: "/c/events.download-progress.1/body", Query: "n=3", Proto: "HTTP/1.1", TLS: false,
		RemoteAddr: "127.0.0.1:50000", Headers: http.Header{"Host": {"127.0.0.1:1"}, "User-Agent": {"x"}},
		Route: 0, Call: 1, Status: 200, BytesSent: 3000, BodySHA256: "ab12", RequestBytes: 0, RequestSHA256: "e3b0",
		RequestHead: []byte("hi"), Received: at(1), HeadersSent: at(2), Done: at(40), Error: "",
		Events: []mockserver.Event{
			{At: at(1), Kind: mockserver.EventReceived},
			{At: at(1.5), Kind: mockserver.EventRequestRead, Bytes: 2},
			{At: at(2), Kind: mockserver.EventHeadersSent, Detail: "200"},
			{At: at(10), Kind: mockserver.EventBodyChunk, Bytes: 1000},
			{At: at(20), Kind: mockserver.EventBodyChunk, Bytes: 2000},
			{At: at(30), Kind: mockserver.EventBodyChunk, Bytes: 3000},
			{At: at(40), Kind: mockserver.EventDone, Bytes: 3000},
		},
	}
	faulty := mockserver.Record{
		Seq: 9, Namespace: "cancel.at-began.1", Listener: "https", Method: "GET", Path: "/slow",
		FullPath: "/c/cancel.at-began.1/slow", Proto: "HTTP/2.0", TLS: true, RemoteAddr: "[::1]:50001",
		Headers: http.Header{"Host": {"x"}}, Route: 0, Call: 1, Status: 200, Fault: "reset", BytesSent: 10,
		Received: at(0), HeadersSent: at(1), FaultAt: at(8), ClientClosed: at(6), Done: at(9),
		Events: []mockserver.Event{
			{At: at(0), Kind: mockserver.EventReceived},
			{At: at(1), Kind: mockserver.EventHeadersSent, Detail: "200"},
			{At: at(6), Kind: mockserver.EventClientClosed, Detail: "read: connection reset"},
			{At: at(8), Kind: mockserver.EventFault, Bytes: 10, Detail: "reset after 10 bytes"},
			{At: at(9), Kind: mockserver.EventDone},
		},
	}
	hdr := map[string]any{"Content-Length": "3000", "Content-Type": "text/plain"}
	cases := []result.CaseResult{
		{ID: "cancel.at-began", Title: "cancel from the began listener", Pos: "cases/cancel/at-began.yaml:1:1",
			Requirements: []string{"C1", "C4"}, Level: result.LevelMust, Verdict: result.Pass, TimeScale: 0.05,
			Start: t0, Duration: dur(12.5), Journal: []mockserver.Record{faulty},
			Trace: []trace.Event{ev("main", 0, 3, map[string]any{"phase": "began", "status": 200, "requestId": "r1",
				"isError": false, "bytesEstimated": -1, "bytesTransferred": 0, "url": "https://x/slow"})}},
		{ID: "events.download-progress", Title: "download progress <b>phases</b> | pipes", Pos: "cases/events/progress.yaml:3:1",
			Requirements: []string{"E1", "E3"}, Level: result.LevelMust, Verdict: result.Pass, TimeScale: 0.05,
			Start: t0, Duration: dur(45.25), Journal: []mockserver.Record{full},
			Attempts: 3, VoidAttempts: []result.VoidAttempt{
				voided(1, result.Fail, 496, 120, true), voided(2, result.Pass, 180, 3, true)},
			Logs: []string{"runner: " + voided(1, result.Fail, 496, 120, true).Note,
				"runner: " + voided(2, result.Pass, 180, 3, true).Note},
			Trace: []trace.Event{
				ev("main", 0, 4, map[string]any{"phase": "began", "status": 200, "responseHeaders": hdr,
					"bytesEstimated": 3000, "bytesTransferred": 0, "isError": false, "requestId": "r1"}),
				ev("main", 1, 22, map[string]any{"phase": "progress", "bytesEstimated": 3000, "bytesTransferred": 2000,
					"isError": false, "requestId": "r1"}),
				ev("main", 2, 41, map[string]any{"phase": "ended", "status": 200, "response": "abc",
					"responseType": "text", "bytesTransferred": 3000, "isError": false, "requestId": "r1"}),
			}},
		{ID: "events.response-type", Title: "in-memory JSON is text", Requirements: []string{"E11"},
			Level: result.LevelInfo, Verdict: result.Info, Duration: dur(3),
			Mismatches: []result.Mismatch{{Requirement: "E11", Call: "main", Check: "ended.responseType",
				Want: `"text"`, Got: `"binary"`, Pos: "cases/events/rt.yaml:9:5", Level: result.LevelInfo}},
			Trace: []trace.Event{ev("main", 0, 2, map[string]any{"phase": "ended", "responseType": "binary",
				"status": 200, "isError": false})}},
		{ID: "files.error-keeps", Title: "a 404 leaves the file alone", Pos: "cases/files/error-keeps.yaml:1:1",
			Requirements: []string{"F2"}, Level: result.LevelMust, Verdict: result.Fail, Duration: dur(7),
			Reason: "2 mismatch(es), first: ended.response: want \"not found\", got {filename:\"a.txt\"}",
			Mismatches: []result.Mismatch{
				{Requirement: "F2", Call: "main", Check: "ended.response", Want: `"not found"`,
					Got: `{baseDirectory:"DocumentsDirectory" filename:"a.txt"}`, Pos: "cases/files/error-keeps.yaml:14:7", Level: result.LevelMust},
				{Requirement: "F2", Check: "files[0]", Want: "DocumentsDirectory/a.txt unchanged (5 bytes)",
					Got: "3 bytes `x|y`", Level: result.LevelMust},
				{Requirement: "E10", Invariant: "headers", Call: "main", Check: "ended.responseHeaders",
					Want: "present", Got: "absent", Level: result.LevelShould},
			},
			Trace: []trace.Event{ev("main", 0, 5, map[string]any{"phase": "ended", "status": 404, "isError": false,
				"response": map[string]any{"filename": "a.txt", "baseDirectory": "DocumentsDirectory"}})},
			Files: []result.FileChange{{
				Before: &result.FileState{Dir: "DocumentsDirectory", Name: "a.txt", Size: 5, SHA256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", Head: []byte("hello")},
				After:  &result.FileState{Dir: "DocumentsDirectory", Name: "a.txt", Size: 3, SHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Head: []byte("abc")},
			}},
			FileJournal: []result.FileEvent{
				{At: dur(1), Op: result.FileWrite, Dir: "DocumentsDirectory", Name: "a.txt", Count: 3, Last: dur(4)},
				{At: dur(6), Op: result.FileClose},
			},
			Logs: []string{"WARNING: network.request: something", "runner: settled"}},
		{ID: "redirects.303-get", Title: "303 continues as GET", Requirements: []string{"D3", "X9"}, Level: result.LevelShould,
			Verdict: result.Warn, Duration: dur(4),
			Reason:   "result from a void attempt (3, host stalled 150 ms), none left: verdict kept, timing unobservable",
			Attempts: 3, VoidAttempts: []result.VoidAttempt{voided(1, result.Warn, 210, 1, true),
				voided(2, result.Warn, 130, 2, true), voided(3, result.Warn, 150, 1.5, false)},
			Mismatches: []result.Mismatch{{Requirement: "D3", Call: "main", Check: "journal[1].method", Want: "GET",
				Got: "POST", Level: result.LevelShould}}},
		{ID: "timeouts.idle", Title: "idle timeout", Requirements: []string{"T1", "T2"}, Level: result.LevelMust,
			Verdict: result.Error, Duration: dur(1500), Reason: "driver failed: session closed\nunexpectedly"},
		{ID: "tls.untrusted", Title: "untrusted certificate", Requirements: []string{"S2"}, Level: result.LevelShould,
			Verdict: result.Skip, Reason: "driver x does not support network.request"},
	}
	return Report{
		Info: RunInfo{Implementation: "netconform reference", Version: "0.1.0", Driver: "inproc",
			Host: Host{Name: "ci-1", OS: "linux", Arch: "amd64", GoVersion: "go1.26.8", CPUs: 2},
			Args: []string{"netconform", "run"}, Tool: "0.1.0-dev"},
		Requirements: []Requirement{
			{ID: "E1", Level: result.LevelMust, Area: "events", Title: "Event name and phase"},
			{ID: "E3", Level: result.LevelMust, Area: "events", Title: "Download progress phases"},
			{ID: "E10", Level: result.LevelShould, Area: "events", Title: "responseHeaders once a response arrived"},
			{ID: "E11", Level: result.LevelMust, Area: "events", Title: "responseType"},
			{ID: "F2", Level: result.LevelMust, Area: "files", Title: "Error response leaves the file"},
			{ID: "T1", Level: result.LevelMust, Area: "timeouts", Title: "Timeout"},
			{ID: "T2", Level: result.LevelShould, Area: "timeouts", Title: "Idle timeout"},
			{ID: "D3", Level: result.LevelShould, Area: "redirects", Title: "Method after redirect"},
			{ID: "C1", Level: result.LevelMust, Area: "cancel", Title: "No event after cancel"},
			{ID: "C4", Level: result.LevelShould, Area: "cancel", Title: "Cancel in listener"},
			{ID: "S2", Level: result.LevelShould, Area: "tls", Title: "Untrusted certificate"},
			{ID: "U1", Level: result.LevelMust, Area: "convenience", Title: "network.upload"},
			{ID: "R6", Level: result.LevelInfo, Area: "request", Title: "Bodies with GET dropped"},
		},
		Run: result.Run{Implementation: "inproc", Strict: false, TimeScale: 0.05, Started: t0,
			Duration: dur(2100), Cases: cases},
	}
}
