package mockserver

// This file holds the ways to read a journal: Journal, QueryJournal and
// JournalStats, and the conditions for Await.

import (
	"strings"
)

// JournalQuery selects records of one namespace's journal for
// [Server.QueryJournal]. The zero JournalQuery selects every record.
//
// Positions number a namespace's records from 0 in arrival order, and keep
// counting when records are dropped (see [WithJournalBytes]) or cleared
// ([Server.ResetJournal]), so a reader can page through the journal, or
// follow it, with From = the Next of the previous page.
type JournalQuery struct {
	// Method keeps the records of this request method (compared
	// case-insensitively); "" keeps any.
	Method string
	// Path keeps the records of this path, relative to the namespace as
	// Record.Path is; a final "*" keeps the paths that start with the rest.
	// "" keeps any.
	Path string
	// From is the position of the first record to look at; records before
	// it are skipped.
	From int64
	// Limit caps the records returned; 0 means no cap.
	Limit int
}

// JournalPage is the answer of [Server.QueryJournal].
type JournalPage struct {
	// Records are the selected records, oldest first.
	Records []Record
	// Next is the From of the following page: the position after the last
	// record looked at, or, when Limit stopped the page, the position of the
	// next record the filters select.
	Next int64
	// More reports that Limit stopped the page before the end of the
	// journal.
	More bool
	// Stats are the namespace's figures as the page was read.
	Stats JournalStats
}

// JournalStats are the figures of one namespace's journal.
type JournalStats struct {
	// Records is the number of records kept.
	Records int `json:"records"`
	// Bytes is what they cost against the budgets of [WithJournalBytes]
	// (about the memory they hold).
	Bytes int64 `json:"bytes"`
	// Dropped counts the records dropped to keep to the budgets (and to
	// [WithJournalLimit]) since the namespace's journal began or was last
	// reset; the oldest go first.
	Dropped int64 `json:"dropped"`
	// First is the position of the oldest record kept (see [JournalQuery]).
	First int64 `json:"first"`
}

// keep reports whether r is selected by q's filters.
func (q *JournalQuery) keep(r *Record) bool {
	if q.Method != "" && !strings.EqualFold(q.Method, r.Method) {
		return false
	}
	if q.Path == "" {
		return true
	}
	if prefix, ok := strings.CutSuffix(q.Path, "*"); ok {
		return strings.HasPrefix(r.Path, prefix)
	}
	return q.Path == r.Path
}

// item is a record as a query reads it: packed bytes (immutable, read
// without the lock) or a copy of a live record.
type item struct {
	packed []byte
	live   *Record
}

// view returns the records from position from on (a copy of the slot list,
// with copies of the live records), the position of the first one, and the
// space's figures.
func (sp *space) view(from int64) ([]item, int64, JournalStats) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	st := JournalStats{Records: len(sp.records), Bytes: sp.bytes.Load(), Dropped: sp.dropped, First: sp.first}
	start := max(from, sp.first)
	i0 := min(start-sp.first, int64(len(sp.records)))
	out := make([]item, 0, int64(len(sp.records))-i0)
	for _, s := range sp.records[i0:] {
		if s.live != nil {
			r := s.live.record()
			out = append(out, item{live: &r})
		} else {
			out = append(out, item{packed: s.packed})
		}
	}
	return out, sp.first + i0, st
}

// record returns the item's record (unpacked on each call).
func (it item) record() Record {
	if it.live != nil {
		return *it.live
	}
	return slot{packed: it.packed}.record()
}

// selection is the outcome of a query's first pass: the items it selects
// (references, unpacked only when read), where it stopped, and the
// namespace's figures.
type selection struct {
	items []item
	next  int64
	more  bool
	stats JournalStats
}

// selectRecords runs q over namespace ns's journal. Without filters it
// unpacks nothing; with them, one record at a time.
func (s *Server) selectRecords(ns string, q JournalQuery) selection {
	s.mu.Lock()
	sp := s.spaces[ns]
	s.mu.Unlock()
	if sp == nil {
		return selection{next: max(q.From, 0)}
	}
	items, pos, st := sp.view(q.From)
	// After the view: a record done in it had its log line queued under
	// the same lock (see exchange.finish), so it is written now.
	s.syncLog()
	sel := selection{stats: st, next: pos + int64(len(items))}
	filtered := q.Method != "" || q.Path != ""
	for i, it := range items {
		if filtered {
			if r := it.record(); !q.keep(&r) {
				continue
			}
		}
		if q.Limit > 0 && len(sel.items) == q.Limit {
			sel.next, sel.more = pos+int64(i), true
			break
		}
		sel.items = append(sel.items, it)
	}
	return sel
}

// QueryJournal returns the records of namespace ns that q selects, in
// arrival order, with the position to read on from and the journal's
// figures. Records of exchanges still in progress are included, with a
// zero Done.
func (s *Server) QueryJournal(ns string, q JournalQuery) JournalPage {
	sel := s.selectRecords(ns, q)
	p := JournalPage{Records: make([]Record, 0, len(sel.items)), Next: sel.next, More: sel.more, Stats: sel.stats}
	for _, it := range sel.items {
		p.Records = append(p.Records, it.record())
	}
	return p
}

// Journal returns copies of the records of namespace ns, in arrival order
// (oldest first): every record kept within the budgets ([WithJournalBytes],
// [WithJournalLimit]). Records of exchanges still in progress are
// included, with a zero Done.
func (s *Server) Journal(ns string) []Record {
	return s.QueryJournal(ns, JournalQuery{}).Records
}

// JournalStats returns the figures of namespace ns's journal (zero for a
// namespace the server does not know).
func (s *Server) JournalStats(ns string) JournalStats {
	s.mu.Lock()
	sp := s.spaces[ns]
	s.mu.Unlock()
	if sp == nil {
		return JournalStats{}
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return JournalStats{Records: len(sp.records), Bytes: sp.bytes.Load(), Dropped: sp.dropped, First: sp.first}
}

// JournalBytes returns what all namespaces' journals cost against the total
// budget of [WithJournalBytes].
func (s *Server) JournalBytes() int64 { return s.budget.held.Load() }

// ResetJournal clears the journal of namespace ns and its Dropped count;
// positions go on counting. Routes and call counters are kept.
func (s *Server) ResetJournal(ns string) error {
	sp, err := s.lockSpace(ns)
	if err != nil {
		return err
	}
	defer sp.mu.Unlock()
	sp.clearLocked()
	sp.dropped = 0
	sp.notifyLocked()
	return nil
}

// HasEvent returns an Await condition that holds once some record has an
// event of the given kind.
func HasEvent(kind string) func([]Record) bool {
	return func(recs []Record) bool {
		for _, r := range recs {
			for _, e := range r.Events {
				if e.Kind == kind {
					return true
				}
			}
		}
		return false
	}
}

// DoneCount returns an Await condition that holds once at least n records
// are done.
func DoneCount(n int) func([]Record) bool {
	return func(recs []Record) bool {
		done := 0
		for _, r := range recs {
			if !r.Done.IsZero() {
				done++
			}
		}
		return done >= n
	}
}

// Event returns the first event of the given kind and true, or a zero Event
// and false.
func (r Record) Event(kind string) (Event, bool) {
	for _, e := range r.Events {
		if e.Kind == kind {
			return e, true
		}
	}
	return Event{}, false
}

// EventsOf returns the events of the given kind, in order.
func (r Record) EventsOf(kind string) []Event {
	var out []Event
	for _, e := range r.Events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}
