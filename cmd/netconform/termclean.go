package main

import (
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/internal/termtext"
	"github.com/netconform/netconform/mockserver"
)

// cleanResult returns a copy of res whose text that the implementation
// under test controls is safe to print to a terminal ([termtext.Clean]):
// its reason (which quotes driver errors and stderr), its log lines, the
// mismatches' observed values, the events' fields and the journal's
// request lines. Each field stays on one line, so none can start a line of
// its own (a fake summary). res is not changed.
func cleanResult(res result.CaseResult) result.CaseResult {
	res.ID = termtext.Clean(res.ID)
	res.Reason = termtext.Clean(res.Reason)
	if res.Logs != nil {
		logs := make([]string, len(res.Logs))
		for i, l := range res.Logs {
			logs[i] = termtext.Clean(l)
		}
		res.Logs = logs
	}
	if res.Mismatches != nil {
		ms := make([]result.Mismatch, len(res.Mismatches))
		for i, m := range res.Mismatches {
			m.Want, m.Got, m.Check, m.Call = termtext.Clean(m.Want), termtext.Clean(m.Got), termtext.Clean(m.Check),
				termtext.Clean(m.Call)
			ms[i] = m
		}
		res.Mismatches = ms
	}
	if res.Trace != nil {
		tr := make([]trace.Event, len(res.Trace))
		for i, e := range res.Trace {
			e.Call = termtext.Clean(e.Call)
			if e.Fields != nil {
				e.Fields, _ = cleanValue(e.Fields).(map[string]any)
			}
			tr[i] = e
		}
		res.Trace = tr
	}
	if res.Journal != nil {
		js := make([]mockserver.Record, len(res.Journal))
		for i, r := range res.Journal {
			r.Method, r.Path, r.Fault, r.Listener = termtext.Clean(r.Method), termtext.Clean(r.Path),
				termtext.Clean(r.Fault), termtext.Clean(r.Listener)
			js[i] = r
		}
		res.Journal = js
	}
	return res
}

// cleanValue cleans the strings of an event field's value (map keys too),
// copying maps and lists.
func cleanValue(v any) any {
	switch x := v.(type) {
	case string:
		return termtext.Clean(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[termtext.Clean(k)] = cleanValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cleanValue(e)
		}
		return out
	}
	return v
}
