package driver

import "context"

// FileSession is a [Session] whose sandbox lives on the driver's side
// (Capabilities.Files): the harness cannot read its folders, so it places
// the case's given files and looks at the folders through the session. The
// folders are the session's own (a session of a later one never sees them)
// and start empty but for what the platform itself keeps there (an app's
// own files in ResourceDirectory).
type FileSession interface {
	Session
	// PlaceFile writes one given file before the first call, creating its
	// parent folders; an existing file is replaced. An error means the file
	// could not be placed (a read-only ResourceDirectory on a device) or the
	// driver broke; the case then errors.
	PlaceFile(ctx context.Context, f File) error
	// Files lists every file in the session's folders at this moment, at
	// any depth, hidden and temporary ones included, each with its size,
	// SHA-256 and at most head leading bytes.
	Files(ctx context.Context, head int) ([]FileInfo, error)
}

// File is a file to place in a session's sandbox.
type File struct {
	// Dir is the base directory name (DocumentsDirectory, ...).
	Dir string `json:"dir"`
	// Name is the path relative to Dir, "/"-separated.
	Name string `json:"name"`
	// Content is the file's bytes (a Go string holds any bytes, as a Lua
	// string does).
	Content string `json:"content"`
}

// FileInfo is one file of a session's sandbox as the session sees it.
type FileInfo struct {
	// Dir is the base directory name (DocumentsDirectory, ...).
	Dir string `json:"dir"`
	// Name is the path relative to Dir, "/"-separated.
	Name string `json:"name"`
	// Size is the size in bytes.
	Size int64 `json:"size"`
	// SHA256 is the lower-case hex SHA-256 of the content.
	SHA256 string `json:"sha256"`
	// Head is the content's first min(Size, head) bytes, head being what
	// the listing asked for.
	Head string `json:"head,omitempty"`
}
