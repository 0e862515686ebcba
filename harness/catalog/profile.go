package catalog

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/netconform/netconform/harness/result"
)

// profileIntro is the fixed text at the top of docs/profile.md. It must stand
// on its own: users of the tool never see the project's research notes.
const profileIntro = `netconform judges an implementation of Solar2D's networking API
(` + "`network.request`, `network.upload`, `network.download`, `network.cancel`" + `
and the ` + "`networkRequest`" + ` event) against this profile. Each numbered rule
below is a requirement with an id, a level and its source; every conformance
case names the rules it checks, and the reference implementation in ` + "`impl/`" + `
follows the profile exactly.

## Levels

- **must**: the official Solar2D documentation says so. A failure is a
  conformance failure.
- **should**: the documentation is silent and the three main native
  platforms (Android, Apple, Win32) agree. A failure is a conformance failure
  in strict mode and a warning otherwise.
- **info**: the platforms disagree, or the documentation contradicts every
  platform. The case records what the implementation did and never fails the
  run; the reference does what the rule says.

A rule can carry a clause at another level than its own; it is shown under
the rule as "Also, at level ...". The change log at the end lists every
revision of a rule, with the evidence for it.

## Order of authority

1. The official Solar2D documentation, quoted verbatim below.
2. Where the documentation is silent: what Android, Apple and Win32 all do.
3. Where they disagree: the HTTP RFCs (RFC 9110) or the majority of the
   platforms; such a rule is informational only.

## Time

Durations are in API seconds. The harness may run an implementation at a time
scale (for example 0.05, so that 30 s take 1.5 s); every duration in a rule
scales with it.
`

// RenderProfile renders the readable profile (docs/profile.md) from cat:
// the levels and order of authority, a summary table, one section per area
// with each rule's level, text, secondary clauses, source, and the ids of
// the cases that check it from casesByReq (requirement id to case ids; nil
// means no case yet). Case ids are sorted and deduplicated, and ids in
// casesByReq that cat does not know are listed at the end, after the change
// log (one section per date; none when the log is empty), so the output is
// deterministic and nothing is dropped silently.
func RenderProfile(cat *Catalog, casesByReq map[string][]string) []byte {
	var b bytes.Buffer
	b.WriteString("<!-- Code generated from harness/catalog/requirements.yaml by harness/catalog.RenderProfile. DO NOT EDIT.\n")
	b.WriteString("     Regenerate with: go test ./harness/catalog -run TestProfileDoc -update -->\n\n")
	b.WriteString("# The netconform profile\n\n")
	b.WriteString(profileIntro)
	writeSummary(&b, cat, casesByReq)
	var area Area
	for _, r := range cat.reqs { // already in profile order
		if r.Area != area {
			area = r.Area
			fmt.Fprintf(&b, "\n## %s\n", areaTitle(area))
		}
		writeRule(&b, r, caseIDs(casesByReq[r.ID]))
	}
	writeChanges(&b, cat.changes)
	if _, unknown := cat.Coverage(casesByReq); len(unknown) > 0 {
		b.WriteString("\n## Cases naming unknown rules\n\n")
		for _, id := range unknown {
			fmt.Fprintf(&b, "- %s: %s\n", id, codeList(caseIDs(casesByReq[id])))
		}
	}
	return b.Bytes()
}

func writeSummary(b *bytes.Buffer, cat *Catalog, casesByReq map[string][]string) {
	count := map[result.Level]int{}
	for _, r := range cat.reqs {
		count[r.Level]++
	}
	fmt.Fprintf(b, "\n## Summary\n\n%d rules: %d must, %d should, %d info.\n\n",
		len(cat.reqs), count[result.LevelMust], count[result.LevelShould], count[result.LevelInfo])
	b.WriteString("| Rule | Level | Area | Title | Cases |\n|---|---|---|---|---:|\n")
	for _, r := range cat.reqs {
		fmt.Fprintf(b, "| [%s](#%s) | %s | %s | %s | %d |\n",
			r.ID, anchor(r.ID), r.Level, r.Area, tableCell(r.Title), len(caseIDs(casesByReq[r.ID])))
	}
}

func writeRule(b *bytes.Buffer, r Requirement, cases []string) {
	fmt.Fprintf(b, "\n<a id=\"%s\"></a>\n### %s (%s): %s\n\n", anchor(r.ID), r.ID, r.Level, r.Title)
	b.WriteString(paragraph(r.Text))
	b.WriteString("\n")
	for _, n := range r.Notes {
		fmt.Fprintf(b, "\nAlso, at level **%s**: %s\n", n.Level, paragraph(n.Text))
	}
	fmt.Fprintf(b, "\n%s:\n\n", sourceLabel(r.Source))
	for _, line := range strings.Split(paragraph(r.Source.Quote), "\n") {
		b.WriteString(strings.TrimRight("> "+line, " ") + "\n")
	}
	if len(cases) == 0 {
		b.WriteString("\nChecked by: no case yet.\n")
	} else {
		fmt.Fprintf(b, "\nChecked by: %s.\n", codeList(cases))
	}
}

// writeChanges renders the change log, one section per date in file order,
// or nothing when the log is empty.
func writeChanges(b *bytes.Buffer, changes []Change) {
	if len(changes) == 0 {
		return
	}
	b.WriteString("\n## Change log\n\n")
	b.WriteString("Each entry names the rule, what it said before and what it says now (in brief,\n")
	b.WriteString("with the level of that clause), why it changed, and the evidence.\n")
	date := ""
	for _, ch := range changes {
		if ch.Date != date {
			date = ch.Date
			fmt.Fprintf(b, "\n### %s\n\n", date)
		}
		switch {
		case ch.Old == nil:
			fmt.Fprintf(b, "- [%s](#%s), new rule (%s)\n", ch.Rule, anchor(ch.Rule), ch.New.Level)
		case ch.LevelChanged():
			fmt.Fprintf(b, "- [%s](#%s), level %s → %s\n", ch.Rule, anchor(ch.Rule), ch.Old.Level, ch.New.Level)
			fmt.Fprintf(b, "  - before (%s): %s\n", ch.Old.Level, inline(ch.Old.Text))
		default:
			fmt.Fprintf(b, "- [%s](#%s), text (%s)\n", ch.Rule, anchor(ch.Rule), ch.New.Level)
			fmt.Fprintf(b, "  - before (%s): %s\n", ch.Old.Level, inline(ch.Old.Text))
		}
		fmt.Fprintf(b, "  - now (%s): %s\n", ch.New.Level, inline(ch.New.Text))
		if ch.Why != "" {
			fmt.Fprintf(b, "  - why: %s\n", inline(ch.Why))
		}
		fmt.Fprintf(b, "  - source: %s\n", inline(ch.Source))
	}
}

// inline joins the lines of a YAML block scalar into one line, for a list item.
func inline(s string) string { return strings.ReplaceAll(paragraph(s), "\n", " ") }

// caseIDs returns ids sorted, without duplicates or empty strings.
func caseIDs(ids []string) []string {
	out := slices.DeleteFunc(slices.Clone(ids), func(s string) bool { return s == "" })
	slices.Sort(out)
	return slices.Compact(out)
}

func codeList(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = "`" + id + "`"
	}
	return strings.Join(q, ", ")
}

// paragraph trims s and its lines, so YAML block scalars render cleanly.
func paragraph(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}

func tableCell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

// anchor is the HTML id of a rule's heading; ids are ^[A-Z][0-9]+$, so the id
// itself is safe.
func anchor(id string) string { return id }

func sourceLabel(s Source) string {
	label := "Source"
	switch s.Kind {
	case SourceDoc:
		label = "Source: the Solar2D docs"
	case SourcePlatform:
		label = "Source: what the platforms do (Android, Apple, Win32)"
	case SourceRFC:
		label = "Source: the HTTP RFCs"
	}
	if s.Ref != "" {
		label += ", `" + s.Ref + "`"
	}
	return label
}

func areaTitle(a Area) string {
	switch a {
	case AreaEvents:
		return "Events"
	case AreaFiles:
		return "Response to a file"
	case AreaRequest:
		return "Request building"
	case AreaTimeouts:
		return "Timeouts"
	case AreaRedirects:
		return "Redirects"
	case AreaCancel:
		return "Cancel"
	case AreaConvenience:
		return "Convenience calls (network.upload, network.download)"
	case AreaInput:
		return "Bad input at call time"
	case AreaTLS:
		return "TLS"
	}
	return string(a)
}
