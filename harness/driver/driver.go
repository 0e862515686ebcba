package driver

import (
	"context"
	"time"
)

// Driver starts sessions of one implementation of Solar2D's network API. A
// Driver is safe for concurrent use: the runner opens one session per case,
// several at a time.
type Driver interface {
	// Name names the implementation, e.g. "reference" or "lua:solar2d".
	Name() string
	// Open starts a session: a fresh runtime of the implementation with the
	// sandbox folders, trust and time scale of cfg. The caller must Close it.
	Open(ctx context.Context, cfg Config) (Session, error)
}

// Session is one running instance of an implementation: network.request,
// upload, download and cancel, with every listener event reported on one
// channel in delivery order. Its methods are safe for concurrent use.
type Session interface {
	// Capabilities says what the session supports; it never changes.
	Capabilities() Capabilities
	// Call makes one network.* call and returns the handle's token (what the
	// implementation's requestId field will hold). A call-time rejection
	// (network.request returned nil and logged an error, rule B1) is a
	// *[RejectedError]; any other error means the driver broke.
	Call(ctx context.Context, c Call) (handle string, err error)
	// Cancel calls network.cancel on a handle token. It takes effect between
	// two listener calls, never during one (as on Solar2D's main thread), and
	// reports after which event it took effect. A token the session never
	// issued is passed on as an unknown value (C3). An error means the driver
	// broke.
	Cancel(ctx context.Context, handle string) (Cancelled, error)
	// Events returns the channel of listener events and in-listener cancels,
	// in delivery order. It is the same channel on every call, never blocks
	// the implementation (the session buffers), and is closed by Close after
	// the last event.
	Events() <-chan Event
	// Logs returns the lines the implementation logged so far (call-time
	// errors, warnings), oldest first.
	Logs() []string
	// Close stops the runtime (requests in flight are abandoned, no further
	// event), closes the Events channel and releases the session's
	// resources. It does not remove the sandbox folders, which the caller
	// owns. Calling Close again does nothing.
	Close(ctx context.Context) error
}

// The base directory names of Config.Dirs and of file arguments: Solar2D's
// system.* constants.
const (
	DocumentsDirectory = "DocumentsDirectory"
	TemporaryDirectory = "TemporaryDirectory"
	CachesDirectory    = "CachesDirectory"
	ResourceDirectory  = "ResourceDirectory"
)

// BaseDirs returns the four base directory names in a fixed order.
func BaseDirs() []string {
	return []string{DocumentsDirectory, TemporaryDirectory, CachesDirectory, ResourceDirectory}
}

// Config sets up a session.
type Config struct {
	// Dirs maps each base directory name (DocumentsDirectory, ...) to an
	// existing absolute folder the session must use for it.
	Dirs map[string]string `json:"dirs"`
	// CAFile is the path of a PEM file with the certificate authorities the
	// implementation must trust for HTTPS (the mock server's CA).
	CAFile string `json:"caFile,omitempty"`
	// CAPEM is the same bundle's content, for drivers that cannot read files.
	CAPEM string `json:"caPem,omitempty"`
	// TimeScale multiplies every duration of the profile (timeouts, the 1 s
	// progress interval); 0 means 1. A session whose Capabilities lack
	// TimeScale runs at 1 whatever is asked.
	TimeScale float64 `json:"timeScale,omitempty"`
	// BaseURLs are the mock server's base URLs by template name (http, https,
	// untrusted, expired, wronghost, narrow, refused), for drivers that log them or
	// pre-resolve names; calls always carry full URLs.
	BaseURLs map[string]string `json:"baseUrls,omitempty"`
}

// The network functions of Call.Fn.
const (
	FnRequest  = "request"
	FnUpload   = "upload"
	FnDownload = "download"
)

// The phases of a networkRequest event.
const (
	PhaseBegan    = "began"
	PhaseProgress = "progress"
	PhaseEnded    = "ended"
)

// Capabilities says what a session supports, so the runner can skip cases the
// implementation cannot run instead of failing them.
type Capabilities struct {
	// TimeScale reports that Config.TimeScale is honoured.
	TimeScale bool `json:"timeScale"`
	// Fns lists the supported functions (FnRequest, FnUpload, FnDownload).
	Fns []string `json:"fns"`
	// BaseDirs lists the base directory names the session maps.
	BaseDirs []string `json:"baseDirs"`
	// CancelInListener reports support for Call.CancelInListener.
	CancelInListener bool `json:"cancelInListener"`
	// Files reports that the session keeps its sandbox folders itself, on
	// the driver's side (a device, a container, another computer): the
	// harness places the given files and looks at the folders through
	// [FileSession], and Config.Dirs is not used. Without it the session
	// works in Config.Dirs, which the harness reads directly.
	Files bool `json:"files,omitempty"`
	// Sessions is how many sessions the driver serves at once on one
	// connection (a device, a process); 0 and 1 mean one at a time. Each
	// session keeps its own state and, with Files, its own folders.
	Sessions int `json:"sessions,omitempty"`
}

// MaxSessions returns how many sessions at once c allows: Sessions, at
// least 1.
func (c Capabilities) MaxSessions() int { return max(c.Sessions, 1) }

// Call mirrors the arguments of one network.* call. Pointer fields are nil
// when the Lua argument is nil (absent).
type Call struct {
	// Fn is FnRequest (also for ""), FnUpload or FnDownload.
	Fn string `json:"fn"`
	// URL is the url argument.
	URL string `json:"url"`
	// Method is the method argument; nil passes nil.
	Method *string `json:"method,omitempty"`
	// Params is the params table as JSON gives it (string keys; float64
	// numbers; bools; nested maps; base directories as their constant
	// names); nil passes no table. It may be ill-typed on purpose (B1).
	Params map[string]any `json:"params,omitempty"`
	// Filename, BaseDirectory and ContentType are upload's and download's
	// positional arguments; nil passes nil. BaseDirectory is a constant name.
	Filename      *string `json:"filename,omitempty"`
	BaseDirectory *string `json:"baseDirectory,omitempty"`
	ContentType   *string `json:"contentType,omitempty"`
	// NoListener passes a nil listener (B2): the request is sent and no
	// event is reported.
	NoListener bool `json:"noListener,omitempty"`
	// CancelInListener, if set to a phase, makes the session's own listener
	// call network.cancel on this call's handle while handling the first
	// event of that phase (C4), then report a [Event] of kind KindCancel.
	CancelInListener string `json:"cancelInListener,omitempty"`
}

// The kinds of [Event].
const (
	// KindEvent is a networkRequest event delivered to a listener.
	KindEvent = "event"
	// KindCancel is a network.cancel made by the listener itself
	// (Call.CancelInListener).
	KindCancel = "cancel"
)

// Event is one thing that happened on the listener side, in delivery order.
type Event struct {
	// Seq numbers the session's events from 1 in delivery order, across
	// all handles; KindCancel reports share the numbering.
	Seq int64 `json:"seq"`
	// Kind is KindEvent or KindCancel.
	Kind string `json:"kind"`
	// Handle is the token of the call the event belongs to.
	Handle string `json:"handle"`
	// Time is when the listener was called (zero: the receiver stamps it).
	Time time.Time `json:"time,omitzero"`
	// InCall reports that the listener was called inside a network.* call,
	// before it returned (rule E16), rather than from the event loop. The
	// driver reports such events after the call's reply.
	InCall bool `json:"inCall,omitempty"`
	// Fields are the networkRequest event's fields exactly as delivered
	// (KindEvent): absent fields are absent keys; response is a string or a
	// map {filename, baseDirectory, fullPath}; responseHeaders a map of
	// strings; requestId the handle token.
	Fields map[string]any `json:"fields,omitempty"`
	// Cancel is the in-listener cancel's outcome (KindCancel).
	Cancel *Cancelled `json:"cancel,omitempty"`
}

// Cancelled is the outcome of a network.cancel call.
type Cancelled struct {
	// Returned is what network.cancel returned: true, false or nil (C3).
	Returned any `json:"returned"`
	// AfterSeq is the Seq of the last event delivered before the cancel took
	// effect (0 if none): an event of the same handle with a larger Seq was
	// delivered after cancel (a C1 violation). A cancel made inside the
	// listener handling event n has AfterSeq n.
	AfterSeq int64 `json:"afterSeq"`
}
