// Command bare is the limit of the requests/second benchmark: a bare
// net/http handler that answers every request with the body of
// bench/static.yaml's route ("hello, static route\n", text/plain), so wrk
// can compare `netconform serve` with nothing but net/http itself.
//
// Usage:
//
//	bare [-addr 127.0.0.1:0]
//
// It prints "http: <base URL>" and "ready", then serves until SIGINT or
// SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/netconform/netconform/bench/internal/serve"
)

// body is the static body, the same as bench/static.yaml's.
const body = "hello, static route\n"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "`host:port` to listen on")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parse flags: %w", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, body)
		}),
		ReadHeaderTimeout: 30 * time.Second,
	}
	fmt.Fprintf(stdout, "http: http://%s\nready\n", ln.Addr())
	return serve.Until(ctx, srv, ln)
}
