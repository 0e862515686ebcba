package impl

// Phase is the phase of a networkRequest event (rule E1).
type Phase string

// The three phases of a networkRequest event, in the order a request goes through them.
const (
	// Began is the first notification: for download progress it comes after the
	// status line and headers (E3), for upload progress before the body is sent (E4).
	Began Phase = "began"
	// Progress is an intermediate notification: a listener call for it starts
	// at least one second of (scaled) time after the previous progress call of
	// the same request returned (E6).
	Progress Phase = "progress"
	// Ended is the last notification of a request; it is always sent unless the
	// request was cancelled or has no listener.
	Ended Phase = "ended"
)

// EventName is the name every event carries (rule E1).
const EventName = "networkRequest"

// FileResult is event.response when the body was written to a file (rule F1):
// Solar2D's table {filename, baseDirectory, fullPath}.
type FileResult struct {
	// Filename is the file name as given by the caller.
	Filename string
	// BaseDirectory is the directory the name is relative to (never "").
	BaseDirectory BaseDir
	// FullPath is the absolute path of the written file (an undocumented extra
	// every native platform sends).
	FullPath string
}

// Response is event.response: either the body (or an error message) as a
// string of bytes, or the table of the file the body was written to.
type Response struct {
	// Text is the body bytes, or the error message when IsError is set. It is
	// used when File is nil.
	Text string
	// File is set when the body was written to params.response.
	File *FileResult
}

// Event is Solar2D's networkRequest event. A nil pointer or map field, or an
// empty string, stands for a field that is absent from the Lua table.
type Event struct {
	// Name is always "networkRequest" (E1).
	Name string
	// Phase is Began, Progress or Ended.
	Phase Phase
	// IsError reports transport and local file failures only (E8): an HTTP 404
	// or 500 is a normal ended event with IsError false.
	IsError bool
	// Status is the HTTP status code, or -1 when no response arrived (E9).
	Status int
	// Response is the body or error message; nil means the field is absent
	// (began and progress events).
	Response *Response
	// ResponseType is "text" or "binary" when Response is set, "" otherwise (E11).
	ResponseType string
	// ResponseHeaders holds the response headers once they arrived and is nil
	// before that (E10). A header sent several times is joined with ", ".
	ResponseHeaders map[string]string
	// BytesTransferred counts the bytes moved in the progress direction (the
	// request body for upload progress, the response body otherwise). It never
	// decreases across a request's events (E7).
	BytesTransferred int64
	// BytesEstimated is the upload body size for upload progress, otherwise the
	// response Content-Length, or -1 when it is unknown (E7).
	BytesEstimated int64
	// URL is the URL as passed in, also after redirects (E12).
	URL string
	// RequestID is the handle the call returned (E13).
	RequestID *Handle
}
