package mutants

import (
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/oracle"
	"github.com/netconform/netconform/harness/trace"
)

// eventVariants break the events on the way out.
func eventVariants() []Variant {
	return []Variant{
		{Name: "began-missing", Requirements: []string{"E3", "E4"},
			Doc: "began is never delivered: progress calls get progress* ended only",
			h:   hooks{out: dropBegan}},
		{Name: "began-after-progress", Requirements: []string{"E3", "E4"},
			Doc: "began is held back and delivered after the first progress event",
			h:   hooks{out: beganAfterProgress}},
		{Name: "began-without-progress", Requirements: []string{"E2", "E5"},
			Doc: "a call that never got began gets one just before ended, progress asked or not (so a failure before headers gets one too)",
			h:   hooks{out: beganBeforeEnded}},
		{Name: "ended-twice", Requirements: []string{"E2", "E3", "E4"},
			Doc: "ended is delivered twice",
			h:   hooks{out: endedTwice}},
		{Name: "events-after-cancel", Requirements: []string{"C1", "C2"},
			Doc: "network.cancel answers true but cancels nothing: the events keep coming, the transfer goes on",
			h:   hooks{keepDelivering: true}},
		{Name: "http-error-is-error", Requirements: []string{"E8"},
			Doc: "an HTTP 4xx or 5xx ends with isError = true",
			h:   hooks{out: httpErrorIsError}},
		{Name: "failure-status-zero", Requirements: []string{"E9"},
			Doc: "a transport failure reports status 0 instead of -1",
			h:   hooks{out: failureStatusZero}},
		{Name: "failure-message-empty", Requirements: []string{"E9"},
			Doc: "a transport failure reports an empty response instead of a message",
			h:   hooks{out: failureMessageEmpty}},
		{Name: "chunked-estimate-zero", Requirements: []string{"E7"},
			Doc: "bytesEstimated is 0 instead of -1 when the length is unknown (chunked, no length)",
			h:   hooks{out: chunkedEstimateZero}},
		{Name: "ended-bytes-reset", Requirements: []string{"E7"},
			Doc: "ended reports bytesTransferred 0 after progress counted bytes (the count goes down)",
			h:   hooks{out: endedBytesReset}},
		{Name: "upload-estimate-zero", Requirements: []string{"E4"},
			Doc: "began of an upload-progress call reports bytesEstimated 0 instead of the body size",
			h:   hooks{out: uploadEstimateZero}},
		{Name: "no-rate-limit", Requirements: []string{"E6"},
			Doc: "progress is not rate limited: every progress event comes twice, back to back",
			h:   hooks{out: progressTwice}},
		{Name: "headers-on-failure", Requirements: []string{"E10"},
			Doc: "responseHeaders is present on a transport failure with no response",
			h:   hooks{out: headersOnFailure}},
		{Name: "url-final", Requirements: []string{"E12"},
			Doc: "ended reports a URL other than the one passed (a stand-in for the final URL after redirects)",
			h:   hooks{out: urlFinal}},
		{Name: "request-id-wrong", Requirements: []string{"E13"},
			Doc: "requestId is not the handle the call returned",
			h:   hooks{out: requestIDWrong}},
		{Name: "name-wrong", Requirements: []string{"E1"},
			Doc: `the event name is "networkResponse" instead of "networkRequest"`,
			h:   hooks{out: nameWrong}},
		{Name: "file-response-text", Requirements: []string{"E11"},
			Doc: `a response written to a file reports responseType "text"`,
			h:   hooks{out: fileResponseText}},
	}
}

func dropBegan(_ *env, _ *stream, ev driver.Event) []driver.Event {
	if phase(ev) == driver.PhaseBegan {
		return nil
	}
	return []driver.Event{ev}
}

func beganAfterProgress(_ *env, st *stream, ev driver.Event) []driver.Event {
	switch phase(ev) {
	case driver.PhaseBegan:
		st.held = &ev
		return nil
	case driver.PhaseProgress:
		if st.held != nil {
			b := *st.held
			st.held = nil
			return []driver.Event{ev, b}
		}
	case driver.PhaseEnded:
		if st.held != nil { // no progress came: began keeps its place
			b := *st.held
			st.held = nil
			return []driver.Event{b, ev}
		}
	}
	return []driver.Event{ev}
}

func beganBeforeEnded(_ *env, st *stream, ev driver.Event) []driver.Event {
	if phase(ev) == driver.PhaseEnded && st.phases[driver.PhaseBegan] == 0 {
		return []driver.Event{with(ev, trace.FieldPhase, driver.PhaseBegan), ev}
	}
	return []driver.Event{ev}
}

func endedTwice(_ *env, _ *stream, ev driver.Event) []driver.Event {
	if phase(ev) == driver.PhaseEnded {
		return []driver.Event{ev, with(ev, trace.FieldPhase, driver.PhaseEnded)}
	}
	return []driver.Event{ev}
}

// fields views an event's fields through trace's typed getters.
func fields(ev driver.Event) trace.Event { return trace.Event{Fields: ev.Fields} }

// transportFailure reports an isError event without a response (status -1).
func transportFailure(ev driver.Event) bool {
	f := fields(ev)
	isErr, _ := f.Bool(trace.FieldIsError)
	st, ok := f.Int(trace.FieldStatus)
	return isErr && ok && st == -1
}

func httpErrorIsError(_ *env, _ *stream, ev driver.Event) []driver.Event {
	if st, ok := fields(ev).Int(trace.FieldStatus); ok && st >= 400 && phase(ev) == driver.PhaseEnded {
		return []driver.Event{with(ev, trace.FieldIsError, true)}
	}
	return []driver.Event{ev}
}

func failureStatusZero(_ *env, _ *stream, ev driver.Event) []driver.Event {
	if transportFailure(ev) {
		return []driver.Event{with(ev, trace.FieldStatus, int64(0))}
	}
	return []driver.Event{ev}
}

func failureMessageEmpty(_ *env, _ *stream, ev driver.Event) []driver.Event {
	if transportFailure(ev) {
		return []driver.Event{with(ev, trace.FieldResponse, "")}
	}
	return []driver.Event{ev}
}

func chunkedEstimateZero(_ *env, _ *stream, ev driver.Event) []driver.Event {
	if n, ok := fields(ev).Int(trace.FieldBytesEstimated); ok && n == -1 {
		return []driver.Event{with(ev, trace.FieldBytesEstimated, int64(0))}
	}
	return []driver.Event{ev}
}

func endedBytesReset(_ *env, st *stream, ev driver.Event) []driver.Event {
	n, ok := fields(ev).Int(trace.FieldBytesTransferred)
	if phase(ev) == driver.PhaseEnded && ok && n > 0 && st.phases[driver.PhaseProgress] > 0 {
		return []driver.Event{with(ev, trace.FieldBytesTransferred, int64(0))}
	}
	return []driver.Event{ev}
}

// uploadProgress reports whether a call asked for upload progress, as the
// oracle reads it ([oracle.ProgressKind]: progress = "upload", or
// network.upload with progress set, U1).
func uploadProgress(c driver.Call) bool { return oracle.ProgressKind(c.Fn, c.Params) == "upload" }

func uploadEstimateZero(_ *env, st *stream, ev driver.Event) []driver.Event {
	if phase(ev) == driver.PhaseBegan && uploadProgress(st.call) {
		return []driver.Event{with(ev, trace.FieldBytesEstimated, int64(0))}
	}
	return []driver.Event{ev}
}

// progressTwice doubles every progress event, except the one the listener
// cancels at (C4): the cancel happens while the first copy is handled.
func progressTwice(_ *env, st *stream, ev driver.Event) []driver.Event {
	cancelsHere := st.call.CancelInListener == driver.PhaseProgress && st.phases[driver.PhaseProgress] == 1
	if phase(ev) == driver.PhaseProgress && !cancelsHere {
		return []driver.Event{ev, with(ev, trace.FieldPhase, driver.PhaseProgress)}
	}
	return []driver.Event{ev}
}

func headersOnFailure(_ *env, _ *stream, ev driver.Event) []driver.Event {
	if _, has := ev.Fields[trace.FieldResponseHeaders]; !has && transportFailure(ev) {
		return []driver.Event{with(ev, trace.FieldResponseHeaders, map[string]any{"Content-Length": "0"})}
	}
	return []driver.Event{ev}
}

func urlFinal(_ *env, _ *stream, ev driver.Event) []driver.Event {
	if u, ok := ev.Fields[trace.FieldURL].(string); ok && phase(ev) == driver.PhaseEnded {
		return []driver.Event{with(ev, trace.FieldURL, u+"#final")}
	}
	return []driver.Event{ev}
}

func requestIDWrong(_ *env, _ *stream, ev driver.Event) []driver.Event {
	if id, ok := ev.Fields[trace.FieldRequestID].(string); ok {
		return []driver.Event{with(ev, trace.FieldRequestID, id+"x")}
	}
	return []driver.Event{ev}
}

func nameWrong(_ *env, _ *stream, ev driver.Event) []driver.Event {
	return []driver.Event{with(ev, trace.FieldName, "networkResponse")}
}

func fileResponseText(_ *env, _ *stream, ev driver.Event) []driver.Event {
	if _, ok := ev.Fields[trace.FieldResponse].(map[string]any); ok {
		return []driver.Event{with(ev, trace.FieldResponseType, "text")}
	}
	return []driver.Event{ev}
}
