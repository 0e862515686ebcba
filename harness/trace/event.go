// Package trace holds the events an implementation reported (networkRequest
// events exactly as delivered, tagged by call) and a small grammar over their
// phases, used by the oracle to accept every legal event sequence at once.
//
// It is a leaf package: it imports nothing of netconform.
package trace

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// The networkRequest event field names (the keys of [Event.Fields]).
const (
	FieldName             = "name"
	FieldPhase            = "phase"
	FieldIsError          = "isError"
	FieldStatus           = "status"
	FieldResponse         = "response"
	FieldResponseType     = "responseType"
	FieldResponseHeaders  = "responseHeaders"
	FieldBytesTransferred = "bytesTransferred"
	FieldBytesEstimated   = "bytesEstimated"
	FieldURL              = "url"
	FieldRequestID        = "requestId"
)

// FieldNames returns every event field name, in the order reports show them.
func FieldNames() []string {
	return []string{FieldName, FieldPhase, FieldIsError, FieldStatus, FieldResponse, FieldResponseType,
		FieldResponseHeaders, FieldBytesTransferred, FieldBytesEstimated, FieldURL, FieldRequestID}
}

// The phases of a networkRequest event.
const (
	Began    = "began"
	Progress = "progress"
	Ended    = "ended"
)

// Event is one networkRequest event as an implementation delivered it.
//
// Fields holds the event table's fields exactly as reported: absent fields are
// absent keys; numbers may be float64, int64 or int (use [Event.Int] or
// [Number]); response is a string or a map {filename, baseDirectory,
// fullPath}; responseHeaders is a map[string]any; requestId is a string token
// naming the handle.
type Event struct {
	// Call is the call instance the event belongs to, e.g. "main" or "c#3".
	Call string `json:"call"`
	// Seq numbers the events of the whole case from 0 in delivery order.
	Seq int `json:"seq"`
	// At is when the listener received it, since the case started.
	At time.Duration `json:"at"`
	// Fields are the event's fields.
	Fields map[string]any `json:"fields"`
	// InCall reports that the listener got the event inside a network.*
	// call, before the call returned, instead of from the event loop.
	InCall bool `json:"inCall,omitempty"`
}

// Get returns a field and whether it is present.
func (e Event) Get(name string) (any, bool) {
	v, ok := e.Fields[name]
	return v, ok
}

// Phase returns the phase field, or "" when it is absent or not a string.
func (e Event) Phase() string {
	s, _ := e.String(FieldPhase)
	return s
}

// String returns a string field; ok is false when absent or not a string.
func (e Event) String(name string) (string, bool) {
	s, ok := e.Fields[name].(string)
	return s, ok
}

// Bool returns a boolean field; ok is false when absent or not a boolean.
func (e Event) Bool(name string) (bool, bool) {
	b, ok := e.Fields[name].(bool)
	return b, ok
}

// Int returns a whole-number field; ok is false when absent, not a number, or
// not whole.
func (e Event) Int(name string) (int64, bool) {
	f, ok := Number(e.Fields[name])
	if !ok || f != math.Trunc(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return int64(f), true
}

// Map returns a map field (response as a file table, responseHeaders); ok is
// false when absent or not a map.
func (e Event) Map(name string) (map[string]any, bool) {
	m, ok := e.Fields[name].(map[string]any)
	return m, ok
}

// Summary renders the event on one line for failure messages, fields sorted,
// long strings shortened: `ended isError=false status=404 response="no such…"`.
func (e Event) Summary() string {
	var b strings.Builder
	b.WriteString(e.Phase())
	if b.Len() == 0 {
		b.WriteString("?")
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		if k != FieldPhase {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%s", k, Format(e.Fields[k]))
	}
	return b.String()
}

// Format renders a field value compactly: strings quoted and cut at 60 bytes,
// whole numbers without decimals, maps with sorted keys.
func Format(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		if len(x) > 60 {
			return fmt.Sprintf("%q…(%d bytes)", x[:60], len(x))
		}
		return fmt.Sprintf("%q", x)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + Format(x[k])
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	if f, ok := Number(v); ok {
		if f == math.Trunc(f) && math.Abs(f) < 1e15 {
			return fmt.Sprintf("%d", int64(f))
		}
		return fmt.Sprintf("%g", f)
	}
	return fmt.Sprintf("%v", v)
}

// Number converts any Go number (float64, float32, int, int64, ...) to
// float64; ok is false for anything else.
func Number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

// Phases returns the phase of each event, in order.
func Phases(events []Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Phase()
	}
	return out
}

// ForCall returns the events of one call instance, in order.
func ForCall(events []Event, call string) []Event {
	var out []Event
	for _, e := range events {
		if e.Call == call {
			out = append(out, e)
		}
	}
	return out
}
