package impl

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// decodedBody returns the body of resp as the listener gets it (E15): a
// gzip body the caller did not ask for (no Accept-Encoding of its own in
// reqHeader) is decoded, any other body is given as received. The engine's
// transport never asks for compression itself, so every byte count stays a
// count of what the listener gets.
func (t *transfer) decodedBody(resp *http.Response, reqHeader http.Header) io.Reader {
	if len(reqHeader.Values("Accept-Encoding")) > 0 {
		return resp.Body
	}
	switch strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))) {
	case "gzip", "x-gzip":
		return &gunzipReader{src: &wireReader{r: resp.Body, t: t}}
	}
	return resp.Body
}

// wireReader resets the idle timer on every read of compressed bytes, so a
// compressed body that keeps arriving never times out while the decoder
// waits for enough input to give output (T2).
type wireReader struct {
	r io.Reader
	t *transfer
}

// Read reads from the wire and resets the idle timer.
func (w *wireReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		w.t.timer.reset()
	}
	return n, err
}

// gunzipReader decodes a gzip stream, starting at the first Read: an empty
// body (a HEAD, a 204) is read as empty, not as a broken gzip header.
type gunzipReader struct {
	src io.Reader
	zr  *gzip.Reader
	err error // sticky error of opening the stream
}

// Read returns decoded bytes.
func (g *gunzipReader) Read(p []byte) (int, error) {
	if g.zr == nil {
		if g.err != nil {
			return 0, g.err
		}
		zr, err := gzip.NewReader(g.src)
		switch {
		case errors.Is(err, io.EOF):
			g.err = io.EOF
			return 0, g.err
		case err != nil:
			g.err = fmt.Errorf("decode gzip body: %w", err)
			return 0, g.err
		}
		g.zr = zr
	}
	n, err := g.zr.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = fmt.Errorf("decode gzip body: %w", err)
	}
	return n, err
}
