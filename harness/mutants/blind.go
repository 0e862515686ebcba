package mutants

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

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
		{Name: "upload-total-deadline", Requirements: []string{"T2"},
			Doc: "the timeout bounds a request with a body from the call to its end, not each wait: an upload that keeps going for longer than the timeout ends with a timeout error",
			h:   hooks{out: uploadTotalDeadline}},
		{Name: "redirect-limit-nine", Requirements: []string{"D2"}, InfoClause: true,
			Doc: "a chain of redirects ends with an error after 9 hops, so one of exactly 10 (D2's limit, where the platforms disagree) fails",
			h:   hooks{out: redirectLimitNine}},
		{Name: "commit-ignores-cancel", Requirements: []string{"F3"},
			Doc: "a download that has received its whole body puts its file in place even when network.cancel comes while it does so (the cancel returns first; no event follows it)",
			h: hooks{in: stageDestination, out: commitDespiteCancel, cancel: cancelWhileCommitting,
				afterCancel: placeStaged, close: waitLate}},
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

// uploadTotalDeadline fails a request with a body that succeeded later
// than its timeout after the call: an implementation bounding the whole
// transfer by the timeout would have ended it then, with an error and no
// response.
func uploadTotalDeadline(e *env, st *stream, ev driver.Event) []driver.Event {
	if ev.Fields[trace.FieldPhase] != trace.Ended || ev.Fields[trace.FieldIsError] != false || st.started.IsZero() {
		return []driver.Event{ev}
	}
	_, hasBody := st.call.Params["body"]
	if !hasBody && st.call.Fn != driver.FnUpload {
		return []driver.Event{ev}
	}
	t, ok := st.call.Params["timeout"].(float64)
	if !ok || t <= 0 {
		t = 30
	}
	limit := time.Duration(t * e.scale * float64(time.Second))
	at := ev.Time
	if at.IsZero() {
		at = time.Now() // the pump passes events on as they come
	}
	if at.Sub(st.started) <= limit {
		return []driver.Event{ev}
	}
	return []driver.Event{asTransportFailure(ev, "The request timed out.")}
}

// asTransportFailure turns an ended event into the ended of a transport
// failure with message msg: isError, status -1, no response headers or
// counts, only the identity fields kept.
func asTransportFailure(ev driver.Event, msg string) driver.Event {
	f := make(map[string]any, len(ev.Fields))
	for _, k := range []string{trace.FieldName, trace.FieldPhase, trace.FieldURL, trace.FieldRequestID} {
		if v, ok := ev.Fields[k]; ok {
			f[k] = v
		}
	}
	f[trace.FieldIsError], f[trace.FieldStatus], f[trace.FieldResponse] = true, -1, msg
	ev.Fields = f
	return ev
}

// redirectLimitNine fails a successful response reached through 10 or more
// redirects, counting the 3xx answers of the case in the mock server's
// journal (its /__netconform/journal endpoint, on the case's http base URL).
func redirectLimitNine(e *env, _ *stream, ev driver.Event) []driver.Event {
	if ev.Fields[trace.FieldPhase] != trace.Ended || ev.Fields[trace.FieldIsError] != false {
		return []driver.Event{ev}
	}
	if n, ok := journaledRedirects(e); !ok || n < 10 {
		return []driver.Event{ev}
	}
	return []driver.Event{asTransportFailure(ev, "stopped after 9 redirects")}
}

// journaledRedirects counts the 3xx answers in the journal of the case's
// namespace; ok is false when it could not be read.
func journaledRedirects(e *env) (int, bool) {
	recs, ok := journal(e)
	n := 0
	for _, r := range recs {
		if r.Status >= 300 && r.Status < 400 {
			n++
		}
	}
	return n, ok
}

// journalRecord is what variants read of a journaled exchange.
type journalRecord struct {
	Status   int       `json:"status"`
	FullPath string    `json:"fullPath"`
	Done     time.Time `json:"done"`
	Events   []struct {
		Kind string `json:"kind"`
	} `json:"events"`
}

// journal returns the journal of the case's namespace, asked of the mock
// server over HTTP as any client of it could; ok is false when it could not
// be read.
func journal(e *env) ([]journalRecord, bool) {
	base, err := url.Parse(e.baseURLs["http"])
	if err != nil || base.Host == "" {
		return nil, false
	}
	ns := strings.TrimPrefix(base.Path, "/c/")
	q := url.URL{Scheme: base.Scheme, Host: base.Host, Path: "/__netconform/journal", RawQuery: url.Values{"case": {ns}}.Encode()}
	ctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, q.String(), nil)
	if err != nil {
		return nil, false
	}
	resp, err := journalClient.Do(req)
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	var recs []journalRecord
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&recs) != nil {
		return nil, false
	}
	return recs, true
}

// journalClient reads the mock server's journal; its own transport, so
// nothing here uses http.DefaultTransport.
var journalClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// stagePrefix starts the name commit-ignores-cancel gives a download's file
// in the implementation, beside the destination, until it puts it in place.
const stagePrefix = ".nc-stage-"

// commitHold is how long commit-ignores-cancel takes to put a downloaded
// file in place once its ended arrives (the ended follows it), so that a
// cancel made as the server sent the last byte comes meanwhile.
const commitHold = 10 * time.Millisecond

// stageDestination makes the implementation write a download's file under a
// staging name beside its destination; commitDespiteCancel moves it.
func stageDestination(_ *env, c *driver.Call) {
	stage := func(name string) string {
		dir, base := path.Split(name)
		return dir + stagePrefix + base
	}
	switch t, isTable := c.Params["response"].(map[string]any); {
	case c.Fn == driver.FnDownload && c.Filename != nil:
		s := stage(*c.Filename)
		c.Filename = &s
	case isTable:
		if name, ok := t["filename"].(string); ok && name != "" {
			t["filename"] = stage(name)
		}
	}
}

// unstaged returns the destination of a staged name, and whether it was one.
func unstaged(name string) (string, bool) {
	dir, base := path.Split(name)
	orig, ok := strings.CutPrefix(base, stagePrefix)
	return dir + orig, ok
}

// commitDespiteCancel puts a download's staged file in place commitHold
// after its ended arrives, then delivers the ended, even when a cancel came
// once the whole body was sent (then it drops the ended, so C1 holds);
// every event names the destination, not the staging name.
func commitDespiteCancel(e *env, st *stream, ev driver.Event) []driver.Event {
	r, isFile := ev.Fields[trace.FieldResponse].(map[string]any)
	if !isFile {
		return []driver.Event{ev}
	}
	name, _ := r["filename"].(string)
	dest, staged := unstaged(name)
	if !staged {
		return []driver.Event{ev}
	}
	out := maps.Clone(r)
	out["filename"] = dest
	if fp, ok := r["fullPath"].(string); ok {
		out["fullPath"] = strings.Replace(fp, stagePrefix, "", 1)
	}
	ev = with(ev, trace.FieldResponse, out)
	if phase(ev) != driver.PhaseEnded || ev.Fields[trace.FieldIsError] == true {
		return []driver.Event{ev}
	}
	// Where the implementation wrote it: its fullPath (a download to
	// ResourceDirectory lands in Documents), else the destination's folder.
	staging, _ := r["fullPath"].(string)
	if staging == "" || !strings.HasPrefix(filepath.Base(staging), stagePrefix) {
		p, ok := e.destination(st.call) // the call as made: staged
		if !ok {
			return []driver.Event{ev}
		}
		staging = p
	}
	to := filepath.Join(filepath.Dir(staging), strings.TrimPrefix(filepath.Base(staging), stagePrefix))
	// It takes commitHold to put the file in place; the ended follows, as
	// the next event, unless a cancel came once the whole body was sent.
	e.late.Go(func() {
		time.Sleep(commitHold)
		_ = os.Rename(staging, to)
		e.mu.Lock()
		st.committed = true
		cancelled := st.cancelled
		e.mu.Unlock()
		if !cancelled {
			e.inject(ev)
		}
	})
	return nil
}

// waitLate waits for the files commitDespiteCancel is still putting in
// place, before the session closes.
func waitLate(e *env) { e.late.Wait() }

// cancelWhileCommitting answers a cancel that comes once the server has
// sent the call's whole response without stopping the call: its file is
// put in place after the cancel returned (commitHold after its ended
// arrives).
func cancelWhileCommitting(e *env, st *stream) bool {
	e.mu.Lock()
	done := st.committed
	e.mu.Unlock()
	if done {
		return false
	}
	if staged, ok := e.destination(st.call); ok {
		if _, err := os.Stat(staged); err == nil { // the implementation has the whole body
			e.mu.Lock()
			defer e.mu.Unlock()
			if st.committed {
				return false
			}
			st.cancelled = true
			return true
		}
	}
	u, err := url.Parse(st.call.URL)
	recs, ok := journal(e)
	if err != nil || !ok {
		return false
	}
	sent := false
	for _, r := range recs {
		if r.FullPath == u.Path && !r.Done.IsZero() && r.Status >= 200 && r.Status < 300 &&
			!slices.ContainsFunc(r.Events, func(ev struct {
				Kind string `json:"kind"`
			}) bool {
				return ev.Kind == "clientClosed"
			}) {
			sent = true
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !sent || st.committed {
		return false // still receiving (a real cancel), or over
	}
	st.cancelled = true
	return true
}

// placeStaged puts in place a staged file the implementation had finished
// when a cancel passed on reached it (the server's journal did not yet say
// the exchange was over): the implementation then sends no ended, so
// commitDespiteCancel never sees it.
func placeStaged(e *env, st *stream) {
	staged, ok := e.destination(st.call) // the call as made: staged
	if !ok {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if st.committed {
		return
	}
	if _, err := os.Stat(staged); err == nil {
		_ = os.Rename(staged, filepath.Join(filepath.Dir(staged), strings.TrimPrefix(filepath.Base(staged), stagePrefix)))
		st.committed = true
	}
}
