package catalog

import "github.com/netconform/netconform/internal/strictyaml"

// PosError is a catalogue error at a position of the YAML input: the strict
// decoder's position error (package internal/strictyaml), named here for
// users of this package. Load returns one per problem, joined with
// errors.Join. Its File and Field are empty, so it reads "line L:C:
// message", like a compiler; Col is 0 when unknown.
type PosError = strictyaml.PosError
