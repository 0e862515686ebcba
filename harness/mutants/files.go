package mutants

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/trace"
)

// fileVariants break what ends up in the sandbox folders.
func fileVariants() []Variant {
	return []Variant{
		{Name: "error-body-to-file", Requirements: []string{"F2"},
			Doc: "an error response (status >= 400) body is written to the params.response file",
			h:   hooks{out: errorBodyToFile}},
		{Name: "file-truncated-early", Requirements: []string{"F3"},
			Doc: "the destination file is truncated when the call is made, so a failed download loses it",
			h:   hooks{in: truncateDestination}},
		{Name: "temp-file-left", Requirements: []string{"F4"},
			Doc: "a temporary file is left next to the destination after a download to a file",
			h:   hooks{out: leaveTempFile}},
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
