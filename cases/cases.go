// Package cases embeds the conformance cases (cases/<area>/<name>.yaml) and
// their JSON Schema, so the netconform binary needs no checkout. Load them
// with casefile.LoadFS(cases.FS, "cases").
package cases

import "embed"

// FS holds every */*.yaml case file and schema.json, at their paths relative
// to this folder (e.g. "redirects/302.yaml").
//
//go:embed */*.yaml schema.json
var FS embed.FS
