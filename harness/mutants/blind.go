package mutants

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/trace"
)

// edgeVariants break a rule only at its edges: long bodies, repeated
// headers, number magnitudes, near-miss enumerations, URLs a library would
// rewrite, an upload answered before it was sent.
func edgeVariants() []Variant {
	return []Variant{
		{Name: "repeated-header-first-only", Requirements: []string{"E10"},
			Doc: "a header the response repeats keeps only its first value (Header.Get), losing the last",
			h:   hooks{out: repeatedHeaderFirstOnly}},
		{Name: "number-header-exponent", Requirements: []string{"R2"},
			Doc: "number header values are printed in their shortest form, so 1e15 is sent as 1e+15 and -0 as -0",
			h:   hooks{in: numberHeaderExponent}},
		{Name: "enum-near-miss-accepted", Requirements: []string{"B1"},
			Doc: `bodyType and progress are trimmed and prefix-matched ("bin", "downloads", " upload"), and "" counts as absent, instead of refused`,
			h:   hooks{in: enumNearMissAccepted}},
		{Name: "long-body-cut", Requirements: []string{"E7"},
			Doc: "an in-memory response body longer than 64 KiB is cut to its first 64 KiB (bytesTransferred still counts it all)",
			h:   hooks{out: longBodyCut}},
		{Name: "upload-progress-after-ended", Requirements: []string{"E4"},
			Doc: "an upload that ends early (an error status before its body was read, or a failed write) delivers one more progress event after ended",
			h:   hooks{out: uploadProgressAfterEnded}},
		{Name: "url-reserialised", Requirements: []string{"E12"},
			Doc: `the event's url is the URL parsed and printed again: dot segments resolved, non-ASCII escaped, an empty "?" dropped`,
			h:   hooks{out: urlReserialised}},
	}
}

// repeatedHeaderFirstOnly keeps the first of the comma-joined values of
// every X- header, as reading a repeated header with Header.Get does.
func repeatedHeaderFirstOnly(_ *env, _ *stream, ev driver.Event) []driver.Event {
	h, ok := ev.Fields[trace.FieldResponseHeaders].(map[string]any)
	if !ok {
		return []driver.Event{ev}
	}
	out := make(map[string]any, len(h))
	for k, v := range h {
		if s, isText := v.(string); isText && strings.HasPrefix(k, "X-") {
			v, _, _ = strings.Cut(s, ",")
		}
		out[k] = v
	}
	return []driver.Event{with(ev, trace.FieldResponseHeaders, out)}
}

func numberHeaderExponent(_ *env, c *driver.Call) {
	h, ok := c.Params["headers"].(map[string]any)
	if !ok {
		return
	}
	for k, v := range h {
		if n, isNum := v.(float64); isNum {
			h[k] = strconv.FormatFloat(n, 'g', -1, 64)
		}
	}
}

// enumWords are the accepted values of the enumerated params.
var enumWords = map[string][]string{
	"bodyType": {"text", "binary"},
	"progress": {"upload", "download"},
}

func enumNearMissAccepted(_ *env, c *driver.Call) {
	for k, words := range enumWords {
		s, ok := c.Params[k].(string)
		if !ok {
			continue
		}
		t := strings.ToLower(strings.TrimSpace(s))
		if t == "" {
			delete(c.Params, k)
			continue
		}
		for _, w := range words {
			if strings.HasPrefix(w, t) || strings.HasPrefix(t, w) {
				c.Params[k] = w
			}
		}
	}
}

// cutAt is where long-body-cut cuts a body.
const cutAt = 64 << 10

func longBodyCut(_ *env, _ *stream, ev driver.Event) []driver.Event {
	if s, ok := ev.Fields[trace.FieldResponse].(string); ok && len(s) > cutAt {
		return []driver.Event{with(ev, trace.FieldResponse, s[:cutAt])}
	}
	return []driver.Event{ev}
}

// uploadProgressAfterEnded follows the ended of an upload that ended early
// (an error status from a server that answers before reading the body, or
// the write failing once it closed) with one more progress event, as a body
// writer that goes on after the response does. Whether the body was all
// sent by then depends on socket buffers, so the ending, not the byte count,
// marks the early answer.
func uploadProgressAfterEnded(_ *env, st *stream, ev driver.Event) []driver.Event {
	f := fields(ev)
	size, _ := f.Int(trace.FieldBytesEstimated)
	status, _ := f.Int(trace.FieldStatus)
	isErr, _ := f.Bool(trace.FieldIsError)
	if phase(ev) != driver.PhaseEnded || !uploadProgress(st.call) || (status < 400 && !isErr) {
		return []driver.Event{ev}
	}
	rest := with(ev, trace.FieldPhase, driver.PhaseProgress)
	rest.Fields[trace.FieldBytesTransferred] = size
	for _, k := range []string{trace.FieldResponse, trace.FieldResponseHeaders, trace.FieldResponseType} {
		delete(rest.Fields, k)
	}
	return []driver.Event{ev, rest}
}

func urlReserialised(_ *env, _ *stream, ev driver.Event) []driver.Event {
	s, ok := ev.Fields[trace.FieldURL].(string)
	if !ok {
		return []driver.Event{ev}
	}
	u, err := url.Parse(s)
	if err != nil {
		return []driver.Event{ev}
	}
	return []driver.Event{with(ev, trace.FieldURL, u.ResolveReference(&url.URL{}).String())}
}
