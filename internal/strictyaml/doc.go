// Package strictyaml owns strict YAML decoding for netconform: the one
// decoder that turns YAML nodes into Go values rejecting unknown keys,
// duplicate keys and wrongly typed scalars ([Decoder]); the one position
// error, "file:line:col: field: message" ([PosError]); the field-path
// validation error a decoder positions ([FieldError]); and the one
// did-you-mean for misspelt names ([Suggest], [Closest]); the one parser
// ([Parse]), which holds every document to the same limits ([MaxBytes],
// [MaxNodes] with aliases expanded, so an alias bomb is refused before it
// is walked) and positions syntax errors at file:line:col; and the one
// rule for local files a document names ([Files]: inside the document's
// folder unless allowed).
//
// The mock server's scenarios (package mockserver), case files (package
// casefile) and the requirement catalogue (package catalog) decode through
// it; anything else that reads YAML written by people should too, so that
// every file the project reads reports its problems the same way.
//
// strictyaml imports nothing else of netconform (it sits below mockserver,
// which imports only it).
package strictyaml
