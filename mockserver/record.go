package mockserver

// This file holds what the server reports back: a Record per exchange, with
// its timeline of Events, and the Echo body.

import (
	"net/http"
	"time"
)

// The Event kinds of a [Record]'s timeline.
const (
	// EventReceived: the request line and headers were read.
	EventReceived = "received"
	// EventRequestRead: request body bytes were read; Bytes is the total so
	// far.
	EventRequestRead = "requestRead"
	// EventHeadersSent: the status line and headers were handed to the
	// connection (stamped as the write or flush that sends them starts, so
	// it is a lower bound of when a client can see them). For a body of at
	// most 2 KiB with no trickle, delay or fault, headers and body are
	// handed to net/http unflushed and leave in one write as the exchange
	// ends, microseconds after this event and its bodyChunk.
	EventHeadersSent = "headersSent"
	// EventBodyChunk: response body bytes were written and flushed (but see
	// EventHeadersSent for small bodies); Bytes is the total so far. It is
	// stamped as the write starts, like EventHeadersSent: a large write
	// returns only once the client has read most of it.
	EventBodyChunk = "bodyChunk"
	// EventFault: the fault fired; Detail is its kind, Bytes the body bytes
	// sent before it.
	EventFault = "fault"
	// EventClientClosed: the client closed or aborted the connection while
	// the exchange was in progress (a cancel or a client timeout); Detail says
	// how it was noticed.
	EventClientClosed = "clientClosed"
	// EventDone: the server finished with the exchange (always the last
	// event).
	EventDone = "done"
)

// Event is one timestamped step of an exchange.
type Event struct {
	// At is when it happened (wall clock with monotonic reading stripped).
	At time.Time `json:"at"`
	// Kind is one of the Event* constants.
	Kind string `json:"kind"`
	// Bytes is a byte count where the kind has one (see the constants).
	Bytes int64 `json:"bytes,omitempty"`
	// Detail is a short free-form note (fault kind, error text).
	Detail string `json:"detail,omitempty"`
}

// Record is the journal entry of one request. Journal returns copies, so a
// Record can be kept and compared freely. Its JSON form is stable (it is what
// GET /__netconform/journal returns).
type Record struct {
	// Seq numbers the requests of the whole server from 1, in arrival order.
	Seq int64 `json:"seq"`
	// Namespace is the namespace the request was addressed to ("" = root).
	Namespace string `json:"case"`
	// Listener names the listener: "http", "https", "untrusted", "expired" or
	// "wrongHost".
	Listener string `json:"listener"`
	// Method is the request method.
	Method string `json:"method"`
	// Path is the request path without the /c/<ns> prefix.
	Path string `json:"path"`
	// FullPath is the request path as received, with the prefix.
	FullPath string `json:"fullPath"`
	// Query is the raw query string, without "?".
	Query string `json:"query,omitempty"`
	// Proto is the protocol, such as "HTTP/1.1" or "HTTP/2.0".
	Proto string `json:"proto"`
	// TLS reports whether the request came over TLS.
	TLS bool `json:"tls"`
	// RemoteAddr is the client's address.
	RemoteAddr string `json:"remoteAddr"`
	// Headers are the request headers (Host included).
	Headers http.Header `json:"headers"`

	// Route is the index of the matched route in the scenario, or -1 when no
	// route matched (the request got a 404).
	Route int `json:"route"`
	// Call is the call number within the route, from 1; 0 when unmatched.
	Call int `json:"call"`

	// Status is the status code sent, or 0 if none was sent.
	Status int `json:"status"`
	// Fault is the kind of fault that fired, or "".
	Fault string `json:"fault,omitempty"`
	// BytesSent counts the response body bytes written.
	BytesSent int64 `json:"bytesSent"`
	// BodySHA256 is the hex SHA-256 of the response body bytes written.
	BodySHA256 string `json:"bodySha256"`

	// RequestBytes counts the request body bytes read.
	RequestBytes int64 `json:"requestBytes"`
	// RequestSHA256 is the hex SHA-256 of the request body bytes read.
	RequestSHA256 string `json:"requestSha256"`
	// RequestHead is the first 64 KiB (at most) of the request body read
	// (base64 in JSON).
	RequestHead []byte `json:"requestHead,omitempty"`

	// Received is when the request headers were read.
	Received time.Time `json:"received"`
	// HeadersSent is when the response headers were handed to the
	// connection (see EventHeadersSent; zero if never).
	HeadersSent time.Time `json:"headersSent,omitzero"`
	// FaultAt is when the fault fired (zero if none).
	FaultAt time.Time `json:"faultAt,omitzero"`
	// ClientClosed is when the server noticed that the client closed or
	// aborted the connection during the exchange (zero if it did not).
	ClientClosed time.Time `json:"clientClosed,omitzero"`
	// Done is when the server finished the exchange (zero while in progress).
	Done time.Time `json:"done,omitzero"`
	// Events is the full timeline, in order. Body chunk events are capped
	// (the last one keeps being updated past the cap).
	Events []Event `json:"events"`
	// Error notes a server-side problem with the exchange (for example a body
	// file that could not be opened), or "".
	Error string `json:"error,omitempty"`
}

// Echo is the JSON body sent by a route with Echo set.
type Echo struct {
	// Method is the request method.
	Method string `json:"method"`
	// Path is the request path without the namespace prefix.
	Path string `json:"path"`
	// Query is the raw query string.
	Query string `json:"query"`
	// Proto is the request protocol.
	Proto string `json:"proto"`
	// Headers are the request headers (Host included, as "Host").
	Headers http.Header `json:"headers"`
	// BodySize is the request body size in bytes.
	BodySize int64 `json:"bodySize"`
	// BodySHA256 is the hex SHA-256 of the request body.
	BodySHA256 string `json:"bodySha256"`
	// Body is the first 64 KiB of the request body when it is valid UTF-8.
	Body string `json:"body"`
	// BodyBase64 is the first 64 KiB of the request body in base64 when it is
	// not valid UTF-8.
	BodyBase64 string `json:"bodyBase64,omitempty"`
	// Truncated reports whether Body/BodyBase64 hold only the first 64 KiB.
	Truncated bool `json:"truncated,omitempty"`
}

// RequestHeadLimit is how many request body bytes a Record (and an Echo) keeps.
const RequestHeadLimit = 64 << 10
