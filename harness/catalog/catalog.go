package catalog

import (
	"regexp"
	"slices"
	"sort"

	"github.com/netconform/netconform/harness/result"
)

// Area is the part of the API a requirement is about; the profile has one
// section per area.
type Area string

// The areas, in profile order.
const (
	AreaEvents      Area = "events"
	AreaFiles       Area = "files"
	AreaRequest     Area = "request"
	AreaTimeouts    Area = "timeouts"
	AreaRedirects   Area = "redirects"
	AreaCancel      Area = "cancel"
	AreaConvenience Area = "convenience"
	AreaInput       Area = "input"
	AreaTLS         Area = "tls"
)

// Areas returns the valid areas in profile order.
func Areas() []Area {
	return []Area{AreaEvents, AreaFiles, AreaRequest, AreaTimeouts, AreaRedirects,
		AreaCancel, AreaConvenience, AreaInput, AreaTLS}
}

// Valid reports whether a is one of [Areas].
func (a Area) Valid() bool { return slices.Contains(Areas(), a) }

// SourceKind says where a requirement comes from, in the profile's order of
// authority.
type SourceKind string

// The source kinds.
const (
	// SourceDoc: Quote is verbatim from the official Solar2D docs page Ref.
	SourceDoc SourceKind = "doc"
	// SourcePlatform: Quote summarises what the native platforms do.
	SourcePlatform SourceKind = "platform"
	// SourceRFC: Quote is from the HTTP RFC section Ref.
	SourceRFC SourceKind = "rfc"
)

// Valid reports whether k is a known source kind.
func (k SourceKind) Valid() bool {
	return k == SourceDoc || k == SourcePlatform || k == SourceRFC
}

// Source is the evidence behind a requirement.
type Source struct {
	// Kind is doc, platform or rfc.
	Kind SourceKind
	// Ref optionally names the docs page, RFC section or code the quote is
	// from; empty means unnamed.
	Ref string
	// Quote is the verbatim doc or RFC text, or the platform summary.
	Quote string
}

// Note is a secondary clause of a requirement with its own level, such as
// E7's "should: exactly -1 when unknown".
type Note struct {
	// Level is the clause's level.
	Level result.Level
	// Text is the clause.
	Text string
}

// Requirement is one rule of the profile.
type Requirement struct {
	// ID is the rule number, e.g. "D4".
	ID string
	// Level is the rule's primary level.
	Level result.Level
	// Area is the profile section the rule belongs to.
	Area Area
	// Title is a one-line summary.
	Title string
	// Text is the rule, self-contained.
	Text string
	// Notes are secondary clauses with their own levels; nil if none.
	Notes []Note
	// Source is the evidence behind the rule.
	Source Source
	// Line is the line of the entry in the catalogue file (1-based).
	Line int
}

// idPattern is the shape of a requirement id: one capital letter, then digits.
var idPattern = regexp.MustCompile(`^[A-Z][0-9]+$`)

// Catalog is a validated set of requirements in profile order (see IDs). It is
// read-only and safe for concurrent use; the zero value is an empty catalogue.
type Catalog struct {
	reqs    []Requirement
	byID    map[string]int
	changes []Change // the change log, in file (date) order
}

// Len returns the number of requirements.
func (c *Catalog) Len() int { return len(c.reqs) }

// IDs returns the requirement ids in profile order: by area in the order of
// [Areas], then in file order within an area. docs/profile.md uses the same
// order.
func (c *Catalog) IDs() []string {
	ids := make([]string, len(c.reqs))
	for i, r := range c.reqs {
		ids[i] = r.ID
	}
	return ids
}

// Get returns the requirement with the given id, and whether it exists. The
// result is a copy: changing it does not change the catalogue.
func (c *Catalog) Get(id string) (Requirement, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Requirement{}, false
	}
	r := c.reqs[i]
	r.Notes = slices.Clone(r.Notes)
	return r, true
}

// Level returns the primary level of the requirement with the given id, and
// whether it exists.
func (c *Catalog) Level(id string) (result.Level, bool) {
	i, ok := c.byID[id]
	if !ok {
		return "", false
	}
	return c.reqs[i].Level, true
}

// Coverage compares a map from requirement id to the case ids that check it
// with the catalogue. It returns the ids of requirements that no case checks,
// in profile order, and the ids named in casesByReq that the catalogue does
// not know, sorted.
func (c *Catalog) Coverage(casesByReq map[string][]string) (uncovered, unknown []string) {
	for _, r := range c.reqs {
		if len(casesByReq[r.ID]) == 0 {
			uncovered = append(uncovered, r.ID)
		}
	}
	for id := range casesByReq {
		if _, ok := c.byID[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	sort.Strings(unknown)
	return uncovered, unknown
}
