package mutants

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/trace"
)

// fileVariants break what ends up in the sandbox folders.
func fileVariants() []Variant {
	return []Variant{
		{Name: "error-body-to-file", Requirements: []string{"F2"},
			Doc: "an error response (status >= 400) body is written to the params.response file",
			h:   hooks{out: errorBodyToFile}},
		{Name: "file-truncated-early", Requirements: []string{"F3", "F2", "F5"},
			Doc: "the destination file is truncated when the call is made, so a failed download or an error response loses it and a reader sees it empty",
			h:   hooks{in: truncateDestination}},
		{Name: "temp-file-left", Requirements: []string{"F4"},
			Doc: "a temporary file is left next to the destination after a download to a file",
			h:   hooks{out: leaveTempFile}},
		{Name: "replace-delete-first", Requirements: []string{"F5"},
			Doc: "a download that succeeds removes the old destination and then renames its temporary file onto the name (as Android and Apple do), so for a moment a reader finds no file",
			h:   hooks{out: replaceDeleteFirst}},
		{Name: "temp-kept-until-close", Requirements: []string{"F4"},
			Doc: "a download to a file keeps a temporary file beside the destination until the session ends, instead of removing it when the call ends",
			h:   hooks{out: keepTempUntilClose, close: removeAtClose}},
		{Name: "response-dir-resource", Requirements: []string{"F6"},
			Doc: "params.response without baseDirectory resolves against ResourceDirectory (system.pathForFile on every platform), so the call is refused",
			h:   hooks{in: responseToResource}},
		{Name: "body-dir-resource", Requirements: []string{"F6", "U1"},
			Doc: "a file body without baseDirectory (params.body, network.upload) is read from ResourceDirectory, as Android reads it from the APK",
			h:   hooks{in: bodyFromResource}},
		{Name: "escape-joined-to-folder", Requirements: []string{"F9"},
			Doc: "an absolute params.response filename is not refused but joined onto its folder (system.pathForFile)",
			h:   hooks{in: absoluteIntoFolder}},
		{Name: "default-dir-temporary", Requirements: []string{"F6", "U2"},
			Doc: "a response file without baseDirectory goes to TemporaryDirectory instead of DocumentsDirectory",
			h:   hooks{in: defaultTemporary}},
	}
}

// destination returns the folder-relative path of the file a call writes its
// response to: params.response, or network.download's filename argument.
// ok is false when the call writes no file or names one outside its folder.
func (e *env) destination(c driver.Call) (string, bool) {
	var name, dir string
	switch t, isTable := c.Params["response"].(map[string]any); {
	case c.Fn == driver.FnDownload:
		name, dir = deref(c.Filename), deref(c.BaseDirectory)
	case isTable:
		name, _ = t["filename"].(string)
		dir, _ = t["baseDirectory"].(string)
	}
	if dir == "" {
		dir = driver.DocumentsDirectory
	}
	root := e.dirs[dir]
	if name == "" || root == "" || !filepath.IsLocal(filepath.FromSlash(name)) {
		return "", false
	}
	return filepath.Join(root, filepath.FromSlash(name)), true
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func errorBodyToFile(e *env, st *stream, ev driver.Event) []driver.Event {
	f := fields(ev)
	status, _ := f.Int(trace.FieldStatus)
	body, isText := ev.Fields[trace.FieldResponse].(string)
	if phase(ev) == driver.PhaseEnded && status >= 400 && isText {
		if p, ok := e.destination(st.call); ok {
			_ = os.WriteFile(p, []byte(body), 0o644) // a broken variant: errors do not matter
		}
	}
	return []driver.Event{ev}
}

func truncateDestination(e *env, c *driver.Call) {
	p, ok := e.destination(*c)
	if !ok {
		return
	}
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return
	}
	_ = os.Truncate(p, 0) // a broken variant: errors do not matter
}

func leaveTempFile(e *env, st *stream, ev driver.Event) []driver.Event {
	if _, isFile := ev.Fields[trace.FieldResponse].(map[string]any); isFile && phase(ev) == driver.PhaseEnded {
		if p, ok := e.destination(st.call); ok {
			_ = os.WriteFile(p+".part", nil, 0o644) // a broken variant: errors do not matter
		}
	}
	return []driver.Event{ev}
}

// replaceDeleteFirst, when a download to a file ended with its file in
// place, replaces the file again the way Android and Apple do: the
// destination removed first, then a temporary file with its bytes renamed
// onto the name. The files end as they were; only the file journal sees
// the gap.
func replaceDeleteFirst(e *env, st *stream, ev driver.Event) []driver.Event {
	if _, isFile := ev.Fields[trace.FieldResponse].(map[string]any); isFile && phase(ev) == driver.PhaseEnded {
		if p, ok := e.destination(st.call); ok {
			if b, err := os.ReadFile(p); err == nil && os.Remove(p) == nil && os.WriteFile(p+".new", b, 0o644) == nil {
				_ = os.Rename(p+".new", p) // a broken variant: errors do not matter
			}
		}
	}
	return []driver.Event{ev}
}

// keepTempUntilClose makes a temporary file beside a download's
// destination with the call's first event (began, or ended without
// progress), which removeAtClose removes.
func keepTempUntilClose(e *env, st *stream, ev driver.Event) []driver.Event {
	seen := 0
	for _, n := range st.phases {
		seen += n
	}
	if p, ok := e.destination(st.call); ok && seen == 1 {
		if os.WriteFile(p+".partial", []byte("part"), 0o644) == nil {
			e.mu.Lock()
			e.atClose = append(e.atClose, p+".partial")
			e.mu.Unlock()
		}
	}
	return []driver.Event{ev}
}

// removeAtClose removes the files keepTempUntilClose made.
func removeAtClose(e *env) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.atClose {
		_ = os.Remove(p)
	}
	e.atClose = nil
}

func defaultTemporary(_ *env, c *driver.Call) {
	if c.Fn == driver.FnDownload && c.BaseDirectory == nil {
		tmp := driver.TemporaryDirectory
		c.BaseDirectory = &tmp
	}
	if t, ok := c.Params["response"].(map[string]any); ok {
		if bd, has := t["baseDirectory"]; !has || bd == nil {
			t["baseDirectory"] = driver.TemporaryDirectory
		}
	}
}

// withoutDir reports whether params[k] is a file table without a
// baseDirectory, and returns it.
func withoutDir(c *driver.Call, k string) (map[string]any, bool) {
	t, ok := c.Params[k].(map[string]any)
	if !ok || !fileTable(t) {
		return nil, false
	}
	bd, has := t["baseDirectory"]
	return t, !has || bd == nil
}

func responseToResource(_ *env, c *driver.Call) {
	if t, ok := withoutDir(c, "response"); ok && c.Fn != driver.FnDownload {
		t["baseDirectory"] = driver.ResourceDirectory
	}
}

func bodyFromResource(_ *env, c *driver.Call) {
	if t, ok := withoutDir(c, "body"); ok {
		t["baseDirectory"] = driver.ResourceDirectory
	}
	if c.Fn == driver.FnUpload && c.BaseDirectory == nil {
		res := driver.ResourceDirectory
		c.BaseDirectory = &res
	}
}

// absoluteIntoFolder makes an absolute params.response filename relative,
// as joining it onto the folder's path does.
func absoluteIntoFolder(_ *env, c *driver.Call) {
	t, ok := c.Params["response"].(map[string]any)
	if !ok {
		return
	}
	if name, ok := t["filename"].(string); ok && path.IsAbs(name) {
		t["filename"] = strings.TrimLeft(name, "/")
	}
}
