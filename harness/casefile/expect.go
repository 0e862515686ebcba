package casefile

// Expect is everything the oracle checks after the case ran, on top of the
// built-in invariants (see [Invariants]).
type Expect struct {
	// CallExpect applies to every call (and every instance of a repeated call).
	CallExpect `yaml:",inline"`
	// Calls adds expectations for single calls, by call id or instance id.
	Calls map[string]CallExpect `yaml:"calls,omitempty" json:"calls,omitempty"`
	// Files are checked in the sandbox after the run.
	Files []FileExpect `yaml:"files,omitempty" json:"files,omitempty"`
	// NoTempFiles, when explicitly false, turns off the F4 check that no file
	// other than the expected ones and the calls' destinations appeared in the
	// sandbox. Nil means true.
	NoTempFiles *bool `yaml:"noTempFiles,omitempty" json:"noTempFiles,omitempty"`
	// Journal checks what the mock server saw.
	Journal *JournalExpect `yaml:"journal,omitempty" json:"journal,omitempty"`
	// Timing holds lower bounds between moments of the run.
	Timing []TimingExpect `yaml:"timing,omitempty" json:"timing,omitempty"`
	// SkipInvariants names built-in invariants the case opts out of (it must
	// say why in its title or a comment), e.g. [url] for a case about E12.
	SkipInvariants []string `yaml:"skipInvariants,omitempty" json:"skipInvariants,omitempty"`
}

// CallExpect is what one call's outcome and events must look like.
type CallExpect struct {
	// Rejected, when true, expects a call-time rejection: nil handle and no
	// event ever (B1, F7, F9). When false (explicitly), expects a handle.
	Rejected *bool `yaml:"rejected,omitempty" json:"rejected,omitempty"`
	// Trace is a phase grammar expression (package trace) the call's whole
	// phase sequence must match, e.g. "began progress* ended".
	Trace string `yaml:"trace,omitempty" json:"trace,omitempty"`
	// Began holds predicates on the began event (it must exist if set).
	Began Fields `yaml:"began,omitempty" json:"began,omitempty"`
	// Progress holds predicates on every progress event.
	Progress Fields `yaml:"progress,omitempty" json:"progress,omitempty"`
	// Ended holds predicates on the ended event (it must exist if set).
	Ended Fields `yaml:"ended,omitempty" json:"ended,omitempty"`
	// Each holds predicates on every event of the call.
	Each Fields `yaml:"each,omitempty" json:"each,omitempty"`
	// CancelReturned is a predicate on what network.cancel returned for this
	// call (true, false, or absent for nil; C3).
	CancelReturned *Predicate `yaml:"cancelReturned,omitempty" json:"cancelReturned,omitempty"`
	// Req attributes these checks to one requirement; empty means the case's
	// first.
	Req string `yaml:"req,omitempty" json:"req,omitempty"`
	// Pos is where the expectation is in its file; set by the loader.
	Pos Pos `yaml:"-" json:"-"`
}

// Fields maps networkRequest event field names (name, phase, isError, status,
// response, responseType, responseHeaders, bytesTransferred, bytesEstimated,
// url, requestId) to predicates. The loader rejects other names.
type Fields map[string]*Predicate

// Predicate is a check on one value. In YAML a bare scalar is shorthand for
// equals; a mapping holds one or more operators, all of which must hold.
// Numbers compare numerically whatever their Go type; maps compare key by key.
type Predicate struct {
	// Equals is the exact value; it counts only when HasEquals is set (so
	// that `equals: null` can be written).
	Equals any `yaml:"equals,omitempty" json:"equals,omitempty"`
	// HasEquals reports that Equals was given; the loader sets it.
	HasEquals bool `yaml:"-" json:"-"`
	// OneOf lists acceptable values.
	OneOf []any `yaml:"oneOf,omitempty" json:"oneOf,omitempty"`
	// Matches is a Go regexp (RE2) the string value must match.
	Matches string `yaml:"matches,omitempty" json:"matches,omitempty"`
	// Present true requires the field to exist; false requires it absent.
	Present *bool `yaml:"present,omitempty" json:"present,omitempty"`
	// Absent true requires the field to be absent.
	Absent bool `yaml:"absent,omitempty" json:"absent,omitempty"`
	// Gte and Lte bound a number (inclusive).
	Gte *float64 `yaml:"gte,omitempty" json:"gte,omitempty"`
	Lte *float64 `yaml:"lte,omitempty" json:"lte,omitempty"`
	// Contains is a substring of a string value, or entries of a map value.
	Contains *Contains `yaml:"contains,omitempty" json:"contains,omitempty"`
	// Served compares with what the server sent for the call's last journaled
	// request: "size" (a number equals the response body bytes written) or
	// "body" (a string's SHA-256 equals the response body's).
	Served string `yaml:"served,omitempty" json:"served,omitempty"`
	// Pos is where the predicate is in its file; set by the loader.
	Pos Pos `yaml:"-" json:"-"`
}

// Eq returns a predicate that holds when the value equals v.
func Eq(v any) *Predicate { return &Predicate{Equals: v, HasEquals: true} }

// Contains is the operand of a contains predicate. In YAML it is a string
// (Text: a substring) or a mapping (Keys: key to predicate, a bare value
// meaning equals; keys compare case-insensitively, as header names do).
type Contains struct {
	// Text is the substring a string value must contain.
	Text *string `json:"text,omitempty"`
	// Keys are entries a map value must have, each checked by its predicate.
	Keys map[string]*Predicate `json:"keys,omitempty"`
}

// FileExpect is a check on one sandbox file after the run. Exactly one of
// Content, Base64, SHA256, Absent, Unchanged and SameAsServed is set; Size may
// be combined with any but Absent.
type FileExpect struct {
	// Dir is the base directory constant name; empty means DocumentsDirectory.
	Dir string `yaml:"dir,omitempty" json:"dir,omitempty"`
	// Name is the file name relative to Dir.
	Name string `yaml:"name" json:"name"`
	// Content is the exact expected text.
	Content *string `yaml:"content,omitempty" json:"content,omitempty"`
	// Base64 is the exact expected bytes, standard base64.
	Base64 string `yaml:"base64,omitempty" json:"base64,omitempty"`
	// SHA256 is the hex SHA-256 of the expected bytes.
	SHA256 string `yaml:"sha256,omitempty" json:"sha256,omitempty"`
	// Size is the expected size in bytes (nil: not checked).
	Size *int64 `yaml:"size,omitempty" json:"size,omitempty"`
	// Absent expects no file.
	Absent bool `yaml:"absent,omitempty" json:"absent,omitempty"`
	// Unchanged expects the file exactly as before the first call (bytes, or
	// still absent if it did not exist).
	Unchanged bool `yaml:"unchanged,omitempty" json:"unchanged,omitempty"`
	// SameAsServed expects the bytes the server wrote: the SHA-256 of the
	// response body of the last journaled 2xx request (of ServedPath if set).
	SameAsServed bool `yaml:"sameAsServed,omitempty" json:"sameAsServed,omitempty"`
	// UnchangedOrServed expects the file either as before the first call
	// (Unchanged) or holding exactly a body the server wrote for a 2xx
	// request (of ServedPath if set): a cancel may come after the body was
	// put in place. Either way the file must not change after any
	// network.cancel of the case returned: the runner reads the file again
	// as each cancel returns, and it then must be as it is at the end (in
	// folders the harness keeps; a driver that keeps its files on its own
	// side is judged by the look after the run alone).
	UnchangedOrServed bool `yaml:"unchangedOrServed,omitempty" json:"unchangedOrServed,omitempty"`
	// ServedPath narrows SameAsServed and UnchangedOrServed to requests of
	// this path.
	ServedPath string `yaml:"servedPath,omitempty" json:"servedPath,omitempty"`
	// Req attributes the check; empty means the case's first requirement.
	Req string `yaml:"req,omitempty" json:"req,omitempty"`
	// Pos is where the check is in its file; set by the loader.
	Pos Pos `yaml:"-" json:"-"`
}

// JournalExpect checks the mock server's journal of the case.
type JournalExpect struct {
	// Count is the exact number of requests (nil: not checked; implied by
	// Requests when that is set).
	Count *int `yaml:"count,omitempty" json:"count,omitempty"`
	// Requests must match the journal one to one, in arrival order.
	Requests []RequestExpect `yaml:"requests,omitempty" json:"requests,omitempty"`
	// ClientClosed true expects at least one request whose connection the
	// client closed while the exchange was in progress (cancel, timeout); false
	// expects none.
	ClientClosed *bool `yaml:"clientClosed,omitempty" json:"clientClosed,omitempty"`
	// Req attributes the checks; empty means the case's first requirement.
	Req string `yaml:"req,omitempty" json:"req,omitempty"`
	// Pos is where the block is in its file; set by the loader.
	Pos Pos `yaml:"-" json:"-"`
}

// RequestExpect is a check on one journaled request.
type RequestExpect struct {
	// Method is the exact method seen.
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Path is the path without the namespace prefix, e.g. "/file".
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
	// Query is a predicate on the raw query string.
	Query *Predicate `yaml:"query,omitempty" json:"query,omitempty"`
	// Headers maps request header names (case-insensitive) to predicates;
	// {absent: true} expects the header not sent.
	Headers Fields `yaml:"headers,omitempty" json:"headers,omitempty"`
	// BodyText is a predicate on the request body as text (first 64 KiB).
	BodyText *Predicate `yaml:"bodyText,omitempty" json:"bodyText,omitempty"`
	// BodySize is a predicate on the request body size.
	BodySize *Predicate `yaml:"bodySize,omitempty" json:"bodySize,omitempty"`
	// BodySHA256 is the hex SHA-256 of the whole request body.
	BodySHA256 string `yaml:"bodySha256,omitempty" json:"bodySha256,omitempty"`
	// Status is the status the server answered (0: not checked).
	Status int `yaml:"status,omitempty" json:"status,omitempty"`
	// ClientClosed checks whether the client closed this exchange early.
	ClientClosed *bool `yaml:"clientClosed,omitempty" json:"clientClosed,omitempty"`
	// TLS checks whether the request came over TLS.
	TLS *bool `yaml:"tls,omitempty" json:"tls,omitempty"`
	// Req attributes the check; empty means the block's, else the case's first.
	Req string `yaml:"req,omitempty" json:"req,omitempty"`
	// Pos is where the entry is in its file; set by the loader.
	Pos Pos `yaml:"-" json:"-"`
}

// TimingExpect is a lower bound, in API time scaled by the run's time scale:
// moment To comes at least AtLeast after moment From. Moments are client
// events "began", "progress" (the first), "lastProgress", "ended" (of Call,
// default the only or first call) or server moments of the call's last
// journaled request: "server.received", "server.headers", "server.firstBody",
// "server.lastBody", "server.done", "server.clientClosed". With Each set to
// "progress" instead, consecutive progress events of the call are at least
// AtLeast apart (E6). Upper bounds are deliberately not expressible.
type TimingExpect struct {
	// From is the earlier moment.
	From string `yaml:"from,omitempty" json:"from,omitempty"`
	// To is the later moment.
	To string `yaml:"to,omitempty" json:"to,omitempty"`
	// Each is "progress": a bound on every gap between progress events.
	Each string `yaml:"each,omitempty" json:"each,omitempty"`
	// AtLeast is the lower bound (API time).
	AtLeast Duration `yaml:"atLeast" json:"atLeast"`
	// Call names the call whose events are meant; empty means the first call.
	Call string `yaml:"call,omitempty" json:"call,omitempty"`
	// Req attributes the check; empty means the case's first requirement.
	Req string `yaml:"req,omitempty" json:"req,omitempty"`
	// Pos is where the check is in its file; set by the loader.
	Pos Pos `yaml:"-" json:"-"`
}
