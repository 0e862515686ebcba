// Package catalog loads and validates netconform's requirement catalogue
// (requirements.yaml in this folder, embedded as [Requirements]) and renders
// the readable profile (docs/profile.md) from it.
//
// Each requirement is one numbered rule of the profile: an id such as "D4", a
// level (a result.Level: must, should or info; what a level means for a
// verdict is the oracle's policy), an area, a one-line title, the rule's text and
// its source (a verbatim quote from the Solar2D docs, a summary of what the
// Android, Apple and Win32 implementations do, or an RFC quote). A rule whose
// clauses carry different levels has the primary level in Level and each
// secondary clause as a [Note] with its own level.
//
// The catalogue also holds the profile's change log ([Change], from
// [Catalog.Changes]): each revision of a rule with its date, what the clause
// said before and says now with its level, why, and the evidence. The
// loader checks each entry against the rules, and [RenderProfile] prints the
// log at the end of the profile.
//
// The loader is strict: unknown keys, wrong types, duplicate ids and invalid
// values are errors that name their line and column, as [PosError]. Parsing,
// the position errors and the did-you-mean are package internal/strictyaml's
// (the project's strict YAML toolkit); this package walks the catalogue's
// schema and words its messages. A loaded [Catalog] is read-only and safe
// for concurrent use.
//
// The package owns the catalogue's data: which rules exist and the level of
// each; [Catalog.Level] is the lookup the oracle's policy takes.
package catalog
