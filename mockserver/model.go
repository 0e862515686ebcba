package mockserver

// This file holds the data model: what a case author writes under `server:`
// (Scenario and its parts); record.go holds what the server reports back.
//
// YAML keys are lowerCamel and mirror the Go field names. Every type decodes
// from YAML through the strict decoder (DecodeScenario, ParseConfig: unknown
// keys and wrong types are errors with file:line:col) and from JSON through
// encoding/json. Zero values are always valid and mean "the default".
//
// A complete example:
//
//	routes:
//	  - path: /file                 # served at /c/<ns>/file
//	    method: GET                 # "" or absent: any method
//	    status: 200                 # 0 or absent: 200 (302 with redirect)
//	    headers:
//	      Content-Type: text/plain
//	      Set-Cookie: [a=1, b=2]    # repeated header
//	    body: {generate: {size: 65536, seed: 7}}
//	    length: none                # auto (default) | none (chunked) | {lie: 100}
//	    delayHeaders: 150ms
//	    delayBody: 50ms
//	    trickle: {bytes: 1024, every: 100ms}   # or {chunks: 10, total: 1s}
//	    fault: {kind: reset, at: afterBody, bytes: 32768}
//	  - path: /flaky
//	    status: 503                 # 1st call
//	    then:                       # 2nd, 3rd, ... call; the last repeats
//	      - status: 503
//	      - {status: 200, body: ok}
//	  - path: /hop
//	    redirect: {status: 301, to: "{{https}}/file", hops: 3, hopStyle: relative}
//	  - path: /upload
//	    method: POST
//	    request: {slowRead: {bytes: 4096, every: 50ms}}
//	    echo: true

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Scenario is the set of routes installed under one namespace with
// [Server.Install]. It is plain data: build it in Go, decode it from YAML with
// [DecodeScenario] or [ParseConfig], or from JSON with encoding/json.
type Scenario struct {
	// Routes are tried in order; the first whose method and path match wins.
	Routes []Route `yaml:"routes,omitempty" json:"routes"`
}

// Route matches a request by method and path and plays a response for it.
//
// The embedded Response is played on the first call, and on every call when
// Then is empty. Calls are counted per route (redirect hop paths included) from
// the moment the scenario is installed.
type Route struct {
	// Method is the request method to match, compared case-sensitively after
	// upper-casing the route's value; "" matches any method.
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Path is the request path relative to the namespace, for example "/file"
	// for a request to /c/<ns>/file. It must start with "/". The match is
	// exact, on the path only (the query is ignored). A route with a
	// Redirect.Hops chain also matches Path + "/1" ... Path + "/<hops-1>".
	Path string `yaml:"path,omitempty" json:"path"`
	// Response is the response for the first call (and every call if Then is
	// empty).
	Response `yaml:",inline"`
	// Then holds the responses for calls 2, 3, ...; the last one repeats, so
	// "fail twice, then succeed" is Response = 503, Then = [503, 200].
	Then []Response `yaml:"then,omitempty" json:"then,omitempty"`
	// Request controls how the request body is read.
	Request RequestControl `yaml:"request,omitempty" json:"request,omitzero"`
}

// Response describes one response: its status, headers and body, and how (and
// whether) it is delivered. Stages run in this order: read the request body
// (see [RequestControl]), DelayHeaders, status line and headers (flushed),
// DelayBody, the body (trickled if Trickle is set), with the Fault fired at its
// point.
type Response struct {
	// Status is the status code; 0 means 200, or 302 when Redirect is set.
	Status int `yaml:"status,omitempty" json:"status,omitempty"`
	// Headers are sent in order; a name may repeat. Names are canonicalised
	// (HTTP/2 lower-cases them anyway). Values may use templates (see
	// [URLs.Templates]). Without a Content-Type header none is sent
	// (nothing is sniffed).
	Headers Headers `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Body is the response body; the zero Body is empty.
	Body Body `yaml:"body,omitempty" json:"body,omitzero"`
	// Length chooses the Content-Length framing; the zero Length is "auto".
	Length Length `yaml:"length,omitempty" json:"length,omitzero"`
	// DelayHeaders is waited before the status line is sent (after the
	// request body has been read, unless Request.AnswerEarly).
	DelayHeaders Duration `yaml:"delayHeaders,omitempty" json:"delayHeaders,omitempty"`
	// DelayBody is waited after the headers are flushed, before the first body
	// byte.
	DelayBody Duration `yaml:"delayBody,omitempty" json:"delayBody,omitempty"`
	// Trickle, if set, paces the body and flushes after every chunk.
	Trickle *Trickle `yaml:"trickle,omitempty" json:"trickle,omitempty"`
	// Fault, if set, breaks the exchange at an exact point.
	Fault *Fault `yaml:"fault,omitempty" json:"fault,omitempty"`
	// Redirect, if set, makes this a 3xx response with a Location header; the
	// Body, if any, is still sent with it.
	Redirect *Redirect `yaml:"redirect,omitempty" json:"redirect,omitempty"`
	// Echo, if true, replaces the body with a JSON [Echo] of the request
	// (method, path, query, headers and body) with Content-Type
	// application/json, unless Headers set another one.
	Echo bool `yaml:"echo,omitempty" json:"echo,omitempty"`
}

// Header is one response header line.
type Header struct {
	// Name is the header name (canonicalised when sent).
	Name string `json:"name"`
	// Value is the header value; templates are expanded.
	Value string `json:"value"`
}

// Headers is an ordered list of header lines; a name may appear more than
// once. In YAML and JSON it is a mapping from name to a string or a list of
// strings (a list gives one header line per item):
//
//	headers: {Content-Type: text/plain, Set-Cookie: [a=1, b=2]}
//
// A Content-Length header given here is sent as written and replaces the
// framing chosen by [Length]. A Location header given here replaces the one
// a [Redirect] computes.
type Headers []Header

// Body is a response body given by exactly one of its fields. In YAML and JSON
// a plain string is shorthand for Text:
//
//	body: hello                          # text
//	body: {base64: "AAEC"}
//	body: {generate: {size: 1048576, seed: 42}}
//	body: {file: testdata/big.bin}
type Body struct {
	// Text is the body as text; templates (see [URLs.Templates]) are
	// expanded.
	Text string `yaml:"text,omitempty" json:"text,omitempty"`
	// Base64 is the body as standard base64 (padding optional).
	Base64 string `yaml:"base64" json:"base64,omitempty"`
	// Generate, if set, produces deterministic pseudo-random bytes.
	Generate *Generate `yaml:"generate,omitempty" json:"generate,omitempty"`
	// File is the path of a file whose content is streamed as the body.
	// Relative paths are resolved against the server's working directory;
	// a routes file or case file read by [ParseConfig] or [LoadConfig] (or
	// casefile's loader) resolves them in its own folder instead, and
	// refuses a file outside it unless allowed (strictyaml.Files), so the
	// decoded File is an absolute path.
	File string `yaml:"file,omitempty" json:"file,omitempty"`
}

// Generate describes Size deterministic pseudo-random bytes: the same Size and
// Seed always give the same bytes (see [GenerateBytes]).
type Generate struct {
	// Size is the number of bytes.
	Size int64 `yaml:"size,omitempty" json:"size"`
	// Seed selects the byte sequence.
	Seed uint64 `yaml:"seed,omitempty" json:"seed"`
}

// The Length modes.
const (
	// LengthAuto sends a correct Content-Length when the body size is known
	// (always, for a Body), chunked otherwise. It is the zero value's mode.
	LengthAuto = "auto"
	// LengthNone sends no Content-Length: chunked transfer coding on HTTP/1.1
	// (over HTTP/2, no length).
	LengthNone = "none"
	// LengthLie declares a Content-Length Lie bytes longer than the body
	// actually sent, then closes the connection after the body (a truncated
	// response).
	LengthLie = "lie"
)

// Length chooses how the body length is framed. In YAML and JSON it is one of
// "auto", "none" or a mapping {lie: N}:
//
//	length: none
//	length: {lie: 100}   # declares size+100, sends size bytes, closes
type Length struct {
	// Mode is LengthAuto (or ""), LengthNone or LengthLie.
	Mode string `json:"mode,omitempty"`
	// Lie is the number of bytes declared beyond the real size (Mode LengthLie,
	// must be > 0).
	Lie int64 `json:"lie,omitempty"`
}

// Trickle paces the response body, flushing after every chunk so each chunk
// reaches the socket on its own (nothing buffers it). Give either Bytes and
// Every (B bytes every T), or Chunks and Total (the body split into N chunks of
// near-equal size spread over total T). The first chunk is sent at once (after
// DelayBody); the wait comes between chunks.
type Trickle struct {
	// Bytes is the chunk size in bytes (with Every).
	Bytes int `yaml:"bytes,omitempty" json:"bytes,omitempty"`
	// Every is the pause between chunks (with Bytes).
	Every Duration `yaml:"every,omitempty" json:"every,omitempty"`
	// Chunks is the number of chunks (with Total).
	Chunks int `yaml:"chunks,omitempty" json:"chunks,omitempty"`
	// Total is the time over which the Chunks are spread (with Chunks); the
	// pause between chunks is Total/(Chunks-1).
	Total Duration `yaml:"total,omitempty" json:"total,omitempty"`
}

// The fault kinds.
const (
	// FaultReset aborts the TCP connection with an RST (SO_LINGER 0, close).
	FaultReset = "reset"
	// FaultClose closes the connection cleanly (FIN): the client reads EOF.
	FaultClose = "close"
	// FaultMalformedChunk forces chunked framing (no Content-Length) and
	// writes an invalid chunk-size line where the next chunk should start,
	// then closes.
	FaultMalformedChunk = "malformedChunk"
	// FaultGarbage writes a fixed non-HTTP byte string, then closes. Before
	// the status line the client gets garbage instead of a response.
	FaultGarbage = "garbage"
)

// The fault points.
const (
	// AtBeforeStatus fires the fault before anything of the response is sent
	// (after the request body was read, or not read with AnswerEarly, and
	// after DelayHeaders).
	AtBeforeStatus = "beforeStatus"
	// AtAfterHeaders fires the fault after the status line and headers were
	// flushed (before DelayBody and the body).
	AtAfterHeaders = "afterHeaders"
	// AtAfterBody fires the fault after Fault.Bytes body bytes were written
	// and flushed, or after the whole body when Fault.Bytes is 0.
	AtAfterBody = "afterBody"
)

// Fault breaks the exchange at an exact point. Over TLS the fault happens
// inside TLS: garbage and malformed chunks are sent as TLS records, a reset
// resets the TCP connection under the TLS session. Over HTTP/2 a connection
// cannot be hijacked, so every kind aborts the stream (RST_STREAM) instead.
type Fault struct {
	// Kind is FaultReset, FaultClose, FaultMalformedChunk or FaultGarbage.
	Kind string `yaml:"kind,omitempty" json:"kind"`
	// At is AtBeforeStatus, AtAfterHeaders or AtAfterBody. "" means
	// AtBeforeStatus, except for FaultMalformedChunk, which needs a chunked
	// body already started: there "" means AtAfterHeaders.
	At string `yaml:"at,omitempty" json:"at,omitempty"`
	// Bytes is, with AtAfterBody, the number of body bytes sent before the
	// fault; 0 means the whole body. A Bytes beyond the body size means the
	// whole body.
	Bytes int64 `yaml:"bytes,omitempty" json:"bytes,omitempty"`
}

// The redirect hop styles (how the Location of an intermediate hop in a chain
// is written).
const (
	// HopPath writes a path-absolute reference: /c/<ns>/p/2. It is the
	// default for "".
	HopPath = "path"
	// HopRelative writes a relative reference resolved against the current
	// URL: "p/1" from /c/<ns>/p, then "2" from /c/<ns>/p/1.
	HopRelative = "relative"
	// HopAbsolute writes an absolute URL on the scheme of the request.
	HopAbsolute = "absolute"
	// HopHTTP writes an absolute http:// URL (cross-scheme from https).
	HopHTTP = "http"
	// HopHTTPS writes an absolute https:// URL (cross-scheme from http).
	HopHTTPS = "https"
)

// Redirect makes a response a redirect. With Hops = N > 1, the route's path p
// starts a chain p → p/1 → ... → p/(N-1) → To, so a client following it sees N
// redirects before reaching To. With Loop, the last hop points back at p
// instead of To, forever.
//
// To and header values accept templates (see [URLs.Templates]): {{http}},
// {{https}}, {{untrusted}}, {{expired}} and {{wronghost}} expand to the
// absolute base URL of the namespace on that listener (for example
// "https://127.0.0.1:41234/c/ns"), and {{ns}} to the namespace path prefix
// ([NamespacePath]: "/c/ns", or "" for the root namespace). Anything else in
// To is sent as written, so "final" or "../x" stay relative.
type Redirect struct {
	// Status is the 3xx status; 0 means the Response's Status, or 302.
	Status int `yaml:"status,omitempty" json:"status,omitempty"`
	// To is the final Location (ignored with Loop).
	To string `yaml:"to,omitempty" json:"to,omitempty"`
	// Hops is the number of redirects in the chain; 0 and 1 mean one.
	Hops int `yaml:"hops,omitempty" json:"hops,omitempty"`
	// Loop makes the chain point back at its start instead of To.
	Loop bool `yaml:"loop,omitempty" json:"loop,omitempty"`
	// HopStyle is how intermediate Locations are written: HopPath (default),
	// HopRelative, HopAbsolute, HopHTTP or HopHTTPS. It also applies to the
	// loop's way back.
	HopStyle string `yaml:"hopStyle,omitempty" json:"hopStyle,omitempty"`
}

// RequestControl controls how the server reads the request body. By default
// the whole body is read (streamed, hashed, its first 64 KiB kept) before the
// response starts.
type RequestControl struct {
	// SlowRead, if set, reads the body Bytes at a time with a pause of Every
	// between reads, so a client's upload progress can be observed.
	SlowRead *Pace `yaml:"slowRead,omitempty" json:"slowRead,omitempty"`
	// ResetAfter, if > 0, stops reading after that many body bytes and resets
	// the connection (RST); no response is sent.
	ResetAfter int64 `yaml:"resetAfter,omitempty" json:"resetAfter,omitempty"`
	// AnswerEarly sends the response without reading the body (for example a
	// 413 or 401 before the upload); no 100 Continue is sent.
	AnswerEarly bool `yaml:"answerEarly,omitempty" json:"answerEarly,omitempty"`
}

// Pace is a rate: Bytes every Every.
type Pace struct {
	// Bytes is the number of bytes per step; it must be > 0.
	Bytes int `yaml:"bytes,omitempty" json:"bytes"`
	// Every is the pause between steps.
	Every Duration `yaml:"every,omitempty" json:"every"`
}

// Duration is a time.Duration that reads and writes as a Go duration string
// ("150ms", "2s") in YAML and JSON. Every Duration in a scenario is multiplied
// by its namespace's time scale: the one given to Install with
// [InstallTimeScale], else the server's ([WithTimeScale]).
type Duration time.Duration

// String returns the duration in time.Duration's format.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as a string such as "150ms".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a duration string such as "150ms" (or the number 0).
func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(b) == "0" {
		*d = 0
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"150ms\": %w", err)
	}
	v, err := parseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalYAML writes the duration as a string such as "150ms".
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

func parseDuration(s string) (Duration, error) {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (want e.g. \"150ms\", \"2s\")", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return Duration(v), nil
}
