package catalog

import (
	_ "embed"
)

// requirementsYAML is netconform's requirement catalogue, embedded so the
// binary needs no checkout. It is a string so that no caller can change it.
//
//go:embed requirements.yaml
var requirementsYAML string

// Requirements returns a fresh copy of the embedded requirement catalogue
// (harness/catalog/requirements.yaml); pass it to [Load] to decode and
// validate it.
func Requirements() []byte {
	return []byte(requirementsYAML)
}
