// Command files is the plain static server of the transfer benchmark: GET
// and HEAD serve the files of -dir (net/http's file server, which uses
// sendfile), and PUT and POST read the request body to the end, discard it
// and answer 200 with the byte count. curl and the reference implementation
// (bench/cmd/xfer) download from and upload to the same instance, so the
// ratio measures the clients only.
//
// Usage:
//
//	files -dir DIR [-addr 127.0.0.1:0]
//
// It prints "http: <base URL>" and "ready", then serves until SIGINT or
// SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/netconform/netconform/bench/internal/serve"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "files:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("files", flag.ContinueOnError)
	dir := fs.String("dir", "", "`folder` whose files GET serves")
	addr := fs.String("addr", "127.0.0.1:0", "`host:port` to listen on")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parse flags: %w", err)
	}
	if *dir == "" {
		return errors.New("-dir is required")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{Handler: handler(*dir), ReadHeaderTimeout: 30 * time.Second}
	fmt.Fprintf(stdout, "http: http://%s\nready\n", ln.Addr())
	return serve.Until(ctx, srv, ln)
}

// handler serves dir on GET and HEAD and sinks PUT and POST bodies.
func handler(dir string) http.Handler {
	static := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			static.ServeHTTP(w, r)
		case http.MethodPut, http.MethodPost:
			n, err := io.CopyBuffer(io.Discard, r.Body, make([]byte, 256<<10))
			if err != nil {
				http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, strconv.FormatInt(n, 10)+" bytes\n")
		default:
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}
