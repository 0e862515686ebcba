package catalog

import (
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/harness/result"
)

// dateLayout is the form of a change's date: an ISO 8601 calendar date.
const dateLayout = "2006-01-02"

// Version is what a rule said before or after a [Change], in brief: the
// level of the clause the change is about and its text.
type Version struct {
	// Level is the level of the clause described by Text.
	Level result.Level
	// Text says the clause in brief.
	Text string
}

// Change is one entry of the profile's change log: a rule revised, with the
// evidence for it. A change that adds a rule has no Old version.
type Change struct {
	// Date is the day the change was made, as YYYY-MM-DD.
	Date string
	// Rule is the id of the requirement changed; it exists in the catalogue.
	Rule string
	// Old is what the rule said before, in brief; nil for a new rule.
	Old *Version
	// New is what the rule says now, in brief. Its level is the rule's
	// level or the level of one of its notes.
	New Version
	// Why says why the rule changed; it is required when the level changed
	// or the rule is new.
	Why string
	// Source names the evidence (docs page, RFC section, platform code).
	Source string
	// Line is the line of the entry in the catalogue file (1-based).
	Line int
}

// LevelChanged reports whether the change moved the clause to another level.
func (c Change) LevelChanged() bool { return c.Old != nil && c.Old.Level != c.New.Level }

// Changes returns the change log in file order, which is date order. The
// result is a copy: changing it does not change the catalogue.
func (c *Catalog) Changes() []Change {
	out := make([]Change, len(c.changes))
	for i, ch := range c.changes {
		out[i] = ch
		if ch.Old != nil {
			old := *ch.Old
			out[i].Old = &old
		}
	}
	return out
}

// changeList decodes the changes list; the checks against the requirements
// are in checkChanges.
func (d *decoder) changeList(n *yaml.Node) []Change {
	return list(d, n, "changes", d.change)
}

// change decodes one change entry; ok is false when it is not a mapping.
func (d *decoder) change(n *yaml.Node) (ch Change, ok bool) {
	ch.Line = n.Line
	seen := d.fields(n, "change", []string{"date", "rule", "old", "new", "why", "source"},
		func(key string, v *yaml.Node) {
			switch key {
			case "date":
				if v.Kind == yaml.ScalarNode && v.Tag == "!!timestamp" {
					v.Tag = "!!str" // YAML reads an unquoted 2026-12-02 as a timestamp
				}
				if ch.Date = d.str(v, "date"); ch.Date != "" {
					if _, err := time.Parse(dateLayout, ch.Date); err != nil {
						d.errorf(v, "date: %q is not a date of the form YYYY-MM-DD", ch.Date)
					}
				}
			case "rule":
				ch.Rule = d.str(v, "rule")
			case "old":
				old := d.version(v, "old")
				ch.Old = &old
			case "new":
				ch.New = d.version(v, "new")
			case "why":
				ch.Why = d.str(v, "why")
			case "source":
				ch.Source = d.str(v, "source")
			}
		})
	if seen == nil {
		return ch, false
	}
	d.missing(n, "change", seen, "date", "rule", "new", "source")
	return ch, true
}

// version decodes an old or new {level, text} mapping.
func (d *decoder) version(n *yaml.Node, what string) Version {
	l, text, _ := d.levelText(n, what, what)
	return Version{Level: l, Text: text}
}

// checkChanges checks each change against the requirements: the rule exists,
// the new level is one the rule has, a changed level or a new rule says why,
// and dates never go back.
func (d *decoder) checkChanges(changes []Change, reqs []Requirement, nodes []*yaml.Node) {
	byID := make(map[string]Requirement, len(reqs))
	for _, r := range reqs {
		byID[r.ID] = r
	}
	prev := ""
	for i, ch := range changes {
		n := nodes[i]
		if ch.Date != "" {
			if ch.Date < prev {
				d.errorf(n, "change %s: date %s is before the previous entry's %s (keep the log in date order)", ch.Rule, ch.Date, prev)
			}
			prev = max(prev, ch.Date)
		}
		if ch.Rule == "" {
			continue
		}
		r, ok := byID[ch.Rule]
		if !ok {
			d.errorf(n, "change: rule %q is not in the catalogue", ch.Rule)
			continue
		}
		if ch.New.Level != "" && !slices.Contains(r.levels(), ch.New.Level) {
			d.errorf(n, "change %s: new.level %q is not a level of the rule (%s)", ch.Rule, ch.New.Level, joinQuoted(r.levels()))
		}
		if ch.Why == "" && (ch.Old == nil || ch.LevelChanged()) {
			d.errorf(n, "change %s: a new rule or a changed level needs a why", ch.Rule)
		}
	}
}

// levels returns the rule's level and its notes' levels, without duplicates.
func (r Requirement) levels() []result.Level {
	out := []result.Level{r.Level}
	for _, n := range r.Notes {
		if !slices.Contains(out, n.Level) {
			out = append(out, n.Level)
		}
	}
	return out
}
