package oracle

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/netconform/netconform/harness/result"
)

// atomicReplace judges F5 on the file journal in a case that names F5: a
// call's destination must never be removed (a reader would find no file)
// nor written in place (a reader would find part of one), however short
// the moment; a temporary file renamed onto it shows only as its create.
// Without a journal (the folders are on the driver's side) the case's
// expectations alone judge it.
func (ck *checker) atomicReplace() {
	if ck.obs.FileJournal == nil || !slices.Contains(ck.c.Requirements, "F5") {
		return
	}
	seen := map[string]bool{}
	for _, cl := range ck.c.Calls {
		dest, ok := destination(cl)
		if !ok || seen[dest] {
			continue
		}
		seen[dest] = true
		var bad []string
		for _, e := range ck.obs.FileJournal {
			if e.Dir+"/"+e.Name != dest {
				continue
			}
			switch e.Op {
			case result.FileRemove:
				bad = append(bad, "removed at "+journalMs(e.At)+" (a reader found no file)")
			case result.FileWrite:
				bad = append(bad, "written in place at "+journalMs(e.At)+" (a reader found part of a file)")
			}
		}
		if len(bad) > 0 {
			ck.add(result.Mismatch{Requirement: "F5", Check: "fileJournal " + dest,
				Want: "replaced only by a rename onto it", Got: strings.Join(bad, "; "), Pos: cl.Pos.String()})
		}
	}
}

// leftAtClose returns the files the journal shows present when the
// session's close began that were neither there before the first call nor
// known (a destination or an expected file) and that are gone after the
// run: temporary files only the session's end removed (F4). The listing
// after the run shows the ones still there.
func (ck *checker) leftAtClose(known map[string]bool) []string {
	present := map[string]time.Duration{}
	closed := false
	for _, e := range ck.obs.FileJournal {
		if e.Op == result.FileClose {
			closed = true
			break
		}
		key := e.Dir + "/" + e.Name
		switch e.Op {
		case result.FileCreate:
			if _, ok := present[key]; !ok {
				present[key] = e.At
			}
		case result.FileRemove, result.FileRename:
			delete(present, key)
		}
	}
	if !closed {
		return nil
	}
	var out []string
	for key, at := range present {
		dir, name, _ := strings.Cut(key, "/")
		if known[key] || findFile(ck.obs.FilesBefore, dir, name) != nil || findFile(ck.obs.FilesAfter, dir, name) != nil {
			continue
		}
		out = append(out, fmt.Sprintf("%s (made at %s, still there when the session closed; only the close removed it)", key, journalMs(at)))
	}
	slices.Sort(out)
	return out
}

// journalMs formats a journal time: "12.5 ms".
func journalMs(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
