package casefile

import (
	"io/fs"
	"testing/fstest"
)

// mapFS is a small in-memory file tree for loader tests.
type mapFS map[string]string

func (m mapFS) fs() fs.FS {
	out := fstest.MapFS{}
	for k, v := range m {
		out[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return out
}
