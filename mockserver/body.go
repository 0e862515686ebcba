package mockserver

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
)

// GenerateBytes returns the bytes of a generated body: size pseudo-random
// bytes from a ChaCha8 stream keyed by seed, the same on every platform and Go
// version. A client test can compare what it received with it.
func GenerateBytes(size int64, seed uint64) []byte {
	b := make([]byte, size)
	_, _ = io.ReadFull(generator(size, seed), b)
	return b
}

// generator streams the bytes of GenerateBytes(size, seed).
func generator(size int64, seed uint64) io.Reader {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	copy(key[8:], "netconform body")
	return io.LimitReader(rand.NewChaCha8(key), size)
}

// bodySource is an opened response body.
type bodySource struct {
	r    io.Reader
	size int64
	file *os.File // non-nil for file bodies; closed by close
}

func (b *bodySource) close() {
	if b.file != nil {
		_ = b.file.Close()
	}
}

// openBody opens the body of a response, expanding templates in text bodies.
func openBody(b Body, expand func(string) string) (*bodySource, error) {
	switch {
	case b.Base64 != "":
		raw, err := decodeBase64(b.Base64)
		if err != nil {
			return nil, err
		}
		return &bodySource{r: bytes.NewReader(raw), size: int64(len(raw))}, nil
	case b.Generate != nil:
		return &bodySource{r: generator(b.Generate.Size, b.Generate.Seed), size: b.Generate.Size}, nil
	case b.File != "":
		f, err := os.Open(b.File)
		if err != nil {
			return nil, fmt.Errorf("open body file: %w", err)
		}
		st, err := f.Stat()
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("stat body file: %w", err)
		}
		return &bodySource{r: f, size: st.Size(), file: f}, nil
	}
	text := expand(b.Text)
	return &bodySource{r: strings.NewReader(text), size: int64(len(text))}, nil
}

// templater expands {{http}}, {{https}} and {{ns}} for one namespace.
func (s *Server) templater(ns string) func(string) string {
	p := nsPrefix(ns)
	rep := strings.NewReplacer("{{http}}", s.urls.HTTP+p, "{{https}}", s.urls.HTTPS+p, "{{ns}}", p)
	return func(v string) string {
		if !strings.Contains(v, "{{") {
			return v
		}
		return rep.Replace(v)
	}
}
