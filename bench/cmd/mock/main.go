// Command mock serves a routes file with the mock server exactly as
// `netconform serve` does (root namespace, default journal limit), but with
// its per-request log line switched off unless -log is given. bench/run.sh
// runs both under wrk to show what the log line costs.
//
// Usage:
//
//	mock -config bench/static.yaml [-addr 127.0.0.1:0] [-log file] [-cpuprofile file]
//
// It prints "http: <base URL>" and "ready", then serves until SIGINT or
// SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/netconform/netconform/mockserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mock:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("mock", flag.ContinueOnError)
	config := fs.String("config", "", "routes `file` (YAML or JSON)")
	addr := fs.String("addr", "127.0.0.1:0", "`host:port` of the plain HTTP listener")
	logFile := fs.String("log", "", "append the per-request log lines to `file` (default: none)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to `file`")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parse flags: %w", err)
	}
	data, err := os.ReadFile(*config)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	sc, err := mockserver.ParseConfig(*config, data)
	if err != nil {
		return err
	}
	if *profile != "" {
		stop, err := startProfile(*profile)
		if err != nil {
			return err
		}
		defer func() {
			if perr := stop(); perr != nil && err == nil {
				err = perr
			}
		}()
	}
	opts := []mockserver.Option{mockserver.WithHTTPAddr(*addr)}
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("open log: %w", err)
		}
		defer func() {
			if cerr := f.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("close log: %w", cerr)
			}
		}()
		opts = append(opts, mockserver.WithRequestLog(f))
	}
	srv, err := mockserver.New(opts...)
	if err != nil {
		return fmt.Errorf("start mock server: %w", err)
	}
	defer func() {
		if cerr := srv.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close mock server: %w", cerr)
		}
	}()
	if err := srv.Install("", sc); err != nil {
		return fmt.Errorf("install routes: %w", err)
	}
	fmt.Fprintf(stdout, "http: %s\nready\n", srv.URLs().HTTP)
	<-ctx.Done()
	return nil
}

// startProfile starts a CPU profile to file name; stop ends and closes it.
func startProfile(name string) (stop func() error, err error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("create profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("start profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("close profile: %w", err)
		}
		return nil
	}, nil
}
