package mutants

import (
	"os"
	"path/filepath"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/oracle"
	"github.com/netconform/netconform/harness/trace"
)

// forcedKey marks a call whose download progress the variant asked for
// itself: its began and progress events are not delivered.
const forcedKey = "netconform.mutants.forcedProgress"

// folderVariant is the variant whose downloads into one folder share one
// temporary file.
func folderVariant() Variant {
	return Variant{Name: "temp-file-per-folder", Requirements: []string{"F1"},
		Doc: "downloads into one folder share one temporary file: one whose body arrived while another's did ends with the bytes mixed (half its file)",
		h:   hooks{in: watchBody, out: sharedTempFile}}
}

// watchBody asks for download progress on a call that writes a file without
// asking for progress itself, so that sharedTempFile sees when its body
// starts (began) and ends; the marker hides those events again.
func watchBody(e *env, c *driver.Call) {
	if _, ok := e.destination(*c); !ok || oracle.ProgressKind(c.Fn, c.Params) != "" {
		return
	}
	if c.Params == nil {
		c.Params = make(map[string]any)
	}
	if c.Fn == driver.FnDownload {
		c.Params["progress"] = true
	} else {
		c.Params["progress"] = "download"
	}
	c.Params[forcedKey] = true
}

func sharedTempFile(e *env, st *stream, ev driver.Event) []driver.Event {
	p, ok := e.destination(st.call)
	if !ok {
		return []driver.Event{ev}
	}
	dir, h := filepath.Dir(p), ev.Handle
	if e.receiving == nil {
		e.receiving = make(map[string]map[string]bool)
	}
	if e.receiving[dir] == nil {
		e.receiving[dir] = make(map[string]bool)
	}
	switch phase(ev) {
	case driver.PhaseBegan:
		e.receiving[dir][h] = true
	case driver.PhaseEnded:
		delete(e.receiving[dir], h)
		status, _ := fields(ev).Int(trace.FieldStatus)
		if len(e.receiving[dir]) > 0 && status/100 == 2 {
			if fi, err := os.Stat(p); err == nil {
				_ = os.Truncate(p, fi.Size()/2) // a broken variant: errors do not matter
			}
		}
		return []driver.Event{ev}
	}
	if st.call.Params[forcedKey] == true {
		return nil
	}
	return []driver.Event{ev}
}
