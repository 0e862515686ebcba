package proto

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/netconform/netconform/harness/driver"
)

// PlaceFile is a place request's file. Content is a string, or a
// {"$bytes": base64} object when it is not valid UTF-8 (Encode and Decode
// convert; in Go it holds a string).
type PlaceFile struct {
	// Dir is the base directory name.
	Dir string `json:"dir"`
	// Name is the path relative to Dir, "/"-separated.
	Name string `json:"name"`
	// Content is the file's bytes.
	Content any `json:"content"`
}

// FileEntry is one file of a files reply. Head is a string, or $bytes
// when it is not valid UTF-8, as PlaceFile's Content.
type FileEntry struct {
	// Dir is the base directory name.
	Dir string `json:"dir"`
	// Name is the path relative to Dir, "/"-separated.
	Name string `json:"name"`
	// Size is the size in bytes.
	Size int64 `json:"size"`
	// SHA256 is the lower-case hex SHA-256 of the content.
	SHA256 string `json:"sha256"`
	// Head is the first bytes of the content, as many as the request's head
	// asked for (fewer only when the file is shorter).
	Head any `json:"head,omitempty"`
}

// encodeFiles applies the $bytes convention to a place file's content and
// the heads of a files reply, on copies.
func encodeFiles(m *Message) {
	if m.File != nil {
		f := *m.File
		f.Content = encodeValue(f.Content)
		m.File = &f
	}
	if m.Files != nil {
		es := slices.Clone(*m.Files)
		for i := range es {
			es[i].Head = encodeValue(es[i].Head)
		}
		m.Files = &es
	}
}

// decodeFiles undoes encodeFiles: contents and heads become strings.
func decodeFiles(m *Message) error {
	var err error
	if m.File != nil {
		if m.File.Content, err = decodeString(m.File.Content); err != nil {
			return violation("place file content: %v", err)
		}
	}
	if m.Files != nil {
		for i := range *m.Files {
			e := &(*m.Files)[i]
			if e.Head, err = decodeString(e.Head); err != nil {
				return violation("files entry %d head: %v", i, err)
			}
		}
	}
	return nil
}

// decodeString returns a decoded string or $bytes value; absent is "".
func decodeString(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	d, err := decodeValue(v, asFloat)
	if err != nil {
		return "", err
	}
	s, ok := d.(string)
	if !ok {
		return "", fmt.Errorf("%T, want a string or $bytes", v)
	}
	return s, nil
}

// text returns a decoded content or head ("" for anything but a string).
func text(v any) string {
	s, _ := v.(string)
	return s
}

// entries converts a listing to a files reply's entries.
func entries(fs []driver.FileInfo) []FileEntry {
	out := make([]FileEntry, len(fs))
	for i, f := range fs {
		out[i] = FileEntry{Dir: f.Dir, Name: f.Name, Size: f.Size, SHA256: f.SHA256}
		if f.Head != "" {
			out[i].Head = f.Head
		}
	}
	return out
}

// errNoFiles is the error of a files request to a session without the
// capability.
var errNoFiles = errors.New("the driver keeps no files of its own (no files capability)")

// PlaceFile sends a place request: the driver writes the file in the
// session's own folders.
func (s *session) PlaceFile(ctx context.Context, f driver.File) error {
	if !s.Capabilities().Files {
		return fmt.Errorf("place file: %w", errNoFiles)
	}
	r, err := s.p.request(ctx, s, Message{Type: TypePlace, Session: s.id,
		File: &PlaceFile{Dir: f.Dir, Name: f.Name, Content: f.Content}})
	switch {
	case err != nil:
		return fmt.Errorf("place file %s/%s: %w", f.Dir, f.Name, err)
	case r.Error != "":
		return fmt.Errorf("place file %s/%s: driver error: %s", f.Dir, f.Name, r.Error)
	}
	return nil
}

// Files sends a files request and returns the driver's listing as it
// came; the runner judges whether it is sound.
func (s *session) Files(ctx context.Context, head int) ([]driver.FileInfo, error) {
	if !s.Capabilities().Files {
		return nil, fmt.Errorf("list files: %w", errNoFiles)
	}
	r, err := s.p.request(ctx, s, Message{Type: TypeFiles, Session: s.id, Head: head})
	switch {
	case err != nil:
		return nil, fmt.Errorf("list files: %w", err)
	case r.Error != "":
		return nil, fmt.Errorf("list files: driver error: %s", r.Error)
	}
	out := make([]driver.FileInfo, len(*r.Files))
	for i, e := range *r.Files {
		out[i] = driver.FileInfo{Dir: e.Dir, Name: e.Name, Size: e.Size, SHA256: e.SHA256, Head: text(e.Head)}
	}
	return out, nil
}

// place serves a place request in the session's own folders.
func (srv *server) place(sv *served, m Message) error {
	switch {
	case sv.folders == nil:
		return srv.reply(m, Message{Error: "place: " + errNoFiles.Error()})
	case m.File == nil:
		return srv.reply(m, Message{Error: "place without a file"})
	}
	f := driver.File{Dir: m.File.Dir, Name: m.File.Name, Content: text(m.File.Content)}
	if err := sv.folders.Place(f); err != nil {
		return srv.reply(m, Message{Error: err.Error()})
	}
	return srv.reply(m, Message{OK: true})
}

// files serves a files request: the session's folders as they are now.
func (srv *server) files(sv *served, m Message) error {
	if sv.folders == nil {
		return srv.reply(m, Message{Error: "files: " + errNoFiles.Error()})
	}
	list, err := sv.folders.List(m.Head)
	if err != nil {
		return srv.reply(m, Message{Error: err.Error()})
	}
	es := entries(list)
	return srv.reply(m, Message{Files: &es})
}
