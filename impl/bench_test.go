package impl

import (
	"io"
	"net/http"
	"os"
	"testing"
)

// benchSize is the body size of the transfer benchmarks.
const benchSize = 256 << 20

// zeros is an endless reader of zero bytes that allocates nothing.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func BenchmarkDownloadToFile(b *testing.B) {
	srv := newServer(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "268435456")
		_, _ = io.CopyN(w, zeros{}, benchSize)
	})
	e := newEngine(b)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		r := newRecorder()
		if _, err := e.Download(srv.URL, "GET", r.listen, &Params{Progress: ProgressOn}, "big.bin", ""); err != nil {
			b.Fatal(err)
		}
		<-r.ended
		if ev := r.snapshot(); ev[len(ev)-1].IsError || ev[len(ev)-1].BytesTransferred != benchSize {
			b.Fatalf("ended %+v", ev[len(ev)-1])
		}
	}
}

func BenchmarkUploadFromFile(b *testing.B) {
	srv := newServer(b, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	})
	e := newEngine(b)
	path, _ := e.Path("big.bin", "")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, zeros{}, benchSize); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		r := newRecorder()
		if _, err := e.Upload(srv.URL, "PUT", r.listen, &Params{Progress: ProgressOn}, "big.bin", "", "application/octet-stream"); err != nil {
			b.Fatal(err)
		}
		<-r.ended
		if ev := r.snapshot(); ev[len(ev)-1].IsError || ev[len(ev)-1].BytesTransferred != benchSize {
			b.Fatalf("ended %+v", ev[len(ev)-1])
		}
	}
}
