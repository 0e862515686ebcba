package mockserver

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
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

// bodySource is an opened response body: in memory (text) or streamed (r).
type bodySource struct {
	text string    // the body when r is nil
	r    io.Reader // the body when not nil
	size int64
	file *os.File // non-nil for file bodies; closed by close
}

func (b *bodySource) close() {
	if b.file != nil {
		_ = b.file.Close()
	}
}

// read fills p from offset off of the body (off counts the bytes read so
// far; streamed bodies ignore it).
func (b *bodySource) read(p []byte, off int64) (int, error) {
	if b.r != nil {
		return io.ReadFull(b.r, p)
	}
	n := copy(p, b.text[min(off, int64(len(b.text))):])
	if n < len(p) {
		return n, io.ErrUnexpectedEOF
	}
	return n, nil
}

// openBody opens the body of a response, expanding templates in text bodies.
func openBody(b Body, expand func(string) string) (bodySource, error) {
	switch {
	case b.Base64 != "":
		raw, err := decodeBase64(b.Base64)
		if err != nil {
			return bodySource{}, err
		}
		return bodySource{text: string(raw), size: int64(len(raw))}, nil
	case b.Generate != nil:
		return bodySource{r: generator(b.Generate.Size, b.Generate.Seed), size: b.Generate.Size}, nil
	case b.File != "":
		f, err := os.Open(b.File)
		if err != nil {
			return bodySource{}, fmt.Errorf("open body file: %w", err)
		}
		st, err := f.Stat()
		if err != nil {
			_ = f.Close()
			return bodySource{}, fmt.Errorf("stat body file: %w", err)
		}
		return bodySource{r: f, size: st.Size(), file: f}, nil
	}
	text := expand(b.Text)
	return bodySource{text: text, size: int64(len(text))}, nil
}
