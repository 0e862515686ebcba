package specs

import (
	_ "embed"
)

// requirementsYAML is the requirement catalogue, embedded so the binary needs
// no checkout. It is a string so that no caller can change it.
//
//go:embed requirements.yaml
var requirementsYAML string

// Requirements returns a fresh copy of the embedded requirement catalogue
// (specs/requirements.yaml); pass it to catalog.Load to decode and validate it.
func Requirements() []byte {
	return []byte(requirementsYAML)
}
