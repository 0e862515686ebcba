package impl

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// copyBufSize is the fixed buffer of a body copy: memory stays flat whatever
// the response size.
const copyBufSize = 64 << 10

// fileTarget is params.response resolved to a path.
type fileTarget struct {
	ref  FileRef // BaseDirectory never ""
	path string
}

// localError marks a failure of a local file, not of the network (E8).
type localError struct{ err error }

func (e *localError) Error() string { return "local file error: " + e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// readBody copies the response body to w with a fixed buffer. Every read is
// progress for the idle timer and, with download progress, may give a
// progress event. Write errors are localErrors.
func (t *transfer) readBody(body io.Reader, w io.Writer, base Event) (int64, error) {
	buf := make([]byte, copyBufSize)
	var n int64
	for {
		k, err := body.Read(buf)
		if k > 0 {
			t.timer.reset()
			if _, werr := w.Write(buf[:k]); werr != nil {
				return n, &localError{werr}
			}
			n += int64(k)
			t.down.Store(n)
			if t.progress == ProgressDownload && t.progressDue(time.Now()) {
				ev := base
				ev.BytesTransferred = n
				ev.ResponseHeaders = cloneHeaders(base.ResponseHeaders)
				t.emitProgress(ev)
			}
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// fileWriter streams a body to a temporary file next to the destination and
// renames it over the destination only on commit (F3-F5).
type fileWriter struct {
	tmp  *os.File
	dest string
}

// createFileWriter creates the destination folder and the temporary file.
func createFileWriter(dest string) (*fileWriter, error) {
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, &localError{fmt.Errorf("create folder: %w", err)}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".*.part")
	if err != nil {
		return nil, &localError{fmt.Errorf("create temporary file: %w", err)}
	}
	return &fileWriter{tmp: tmp, dest: dest}, nil
}

// Write writes to the temporary file.
func (w *fileWriter) Write(p []byte) (int, error) { return w.tmp.Write(p) }

// flush syncs and closes the temporary file; on failure it removes it.
func (w *fileWriter) flush() error {
	err := w.tmp.Sync()
	if cerr := w.tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		w.discard()
		return &localError{fmt.Errorf("save %s: %w", filepath.Base(w.dest), err)}
	}
	return nil
}

// rename moves the flushed temporary file over the destination, an atomic
// replace: readers see the old file or the new one, never a partial one.
func (w *fileWriter) rename() error {
	if err := os.Rename(w.tmp.Name(), w.dest); err != nil {
		w.discard()
		return &localError{fmt.Errorf("save %s: %w", filepath.Base(w.dest), err)}
	}
	return nil
}

// abort closes and removes the temporary file; the destination is untouched.
func (w *fileWriter) abort() {
	_ = w.tmp.Close()
	w.discard()
}

// discard removes the temporary file.
func (w *fileWriter) discard() { _ = os.Remove(w.tmp.Name()) }

// responseType classifies an in-memory body by its Content-Type (E11, info):
// text for text/*, JSON, XML and form media types or a declared charset,
// binary otherwise.
//
// A bad parameter ("text/html; charset", "application/json; v") does not
// hide the media type: mime.ParseMediaType still returns it with
// ErrInvalidMediaParameter.
func responseType(contentType string) string {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil && strings.Contains(strings.ToLower(contentType), "charset=") {
		return BodyText
	}
	if err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter) {
		return BodyBinary
	}
	if _, ok := params["charset"]; ok {
		return BodyText
	}
	switch {
	case strings.HasPrefix(mt, "text/"),
		mt == "application/json", strings.HasSuffix(mt, "+json"),
		mt == "application/xml", strings.HasSuffix(mt, "+xml"),
		mt == "application/x-www-form-urlencoded":
		return BodyText
	}
	return BodyBinary
}
