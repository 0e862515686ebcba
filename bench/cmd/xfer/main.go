// Command xfer is the reference implementation's side of the transfer
// benchmark: it makes one network.download to a file, or one network.upload
// from a file, through impl (an Engine on a sandbox folder), waits for the
// ended event and prints the byte count, the wall time and the throughput.
// bench/run.sh runs it under GNU time for its peak RSS and compares it with
// `curl -o` / `curl -T` against the same server (bench/cmd/files).
//
// Usage:
//
//	xfer -mode download -url URL -sandbox DIR -file NAME [-progress]
//	xfer -mode upload   -url URL -sandbox DIR -file NAME [-progress]
//
// NAME is relative to DIR/Documents (DocumentsDirectory). An upload must be
// answered with "<bytes read> bytes", as bench/cmd/files does. The output is
// one line: "<mode> bytes=N seconds=S MB/s=R" (MB = 10^6 bytes).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/netconform/netconform/impl"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "xfer:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("xfer", flag.ContinueOnError)
	mode := fs.String("mode", "download", "`download` (to the file) or upload (from the file)")
	url := fs.String("url", "", "`URL` to download from or upload to (PUT)")
	root := fs.String("sandbox", "", "sandbox `folder` (the file is in its Documents folder)")
	file := fs.String("file", "", "file `name` in DocumentsDirectory")
	progress := fs.Bool("progress", false, "ask for progress events (began, progress, ended)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parse flags: %w", err)
	}
	if *url == "" || *root == "" || *file == "" {
		return errors.New("-url, -sandbox and -file are required")
	}
	e, err := impl.New(impl.WithSandbox(*root))
	if err != nil {
		return fmt.Errorf("start engine: %w", err)
	}
	defer func() {
		if cerr := e.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close engine: %w", cerr)
		}
	}()
	p := &impl.Params{Timeout: 60}
	if *progress {
		p.Progress = impl.ProgressOn
	}
	ended := make(chan impl.Event, 1)
	listen := func(ev impl.Event) {
		if ev.Phase == impl.Ended {
			ended <- ev
		}
	}
	start := time.Now()
	switch *mode {
	case "download":
		_, err = e.Download(*url, "GET", listen, p, *file, "")
	case "upload":
		_, err = e.Upload(*url, "PUT", listen, p, *file, "", "application/octet-stream")
	default:
		return fmt.Errorf("unknown -mode %q (want download or upload)", *mode)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", *mode, err)
	}
	ev := <-ended
	secs := time.Since(start).Seconds()
	if ev.IsError || ev.Status != 200 {
		msg := ""
		if ev.Response != nil {
			msg = ev.Response.Text
		}
		return fmt.Errorf("%s ended with status %d, isError %v: %s", *mode, ev.Status, ev.IsError, msg)
	}
	var n int64
	if *mode == "download" {
		st, err := os.Stat(ev.Response.File.FullPath)
		if err != nil {
			return fmt.Errorf("stat download: %w", err)
		}
		n = st.Size()
	} else {
		// bench/cmd/files answers an upload with "<bytes read> bytes".
		st, err := os.Stat(filepath.Join(*root, "Documents", *file))
		if err != nil {
			return fmt.Errorf("stat upload: %w", err)
		}
		n = st.Size()
		if got := strings.TrimSpace(ev.Response.Text); got != strconv.FormatInt(n, 10)+" bytes" {
			return fmt.Errorf("server read %q of the %d-byte upload", got, n)
		}
	}
	fmt.Fprintf(stdout, "%s bytes=%d seconds=%.3f MB/s=%.1f\n", *mode, n, secs, float64(n)/secs/1e6)
	return nil
}
