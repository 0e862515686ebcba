package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/netconform/netconform/mockserver"
)

// runServe implements `netconform serve --config routes.yaml [--addr
// 127.0.0.1:0] [--time-scale 1]`: it installs the routes at the root namespace
// (and any namespace can still be used under /c/<ns>/), prints the base URLs
// and the CA file path, logs one line per request on stdout, and stops
// cleanly when ctx is done (SIGINT/SIGTERM in main). A flag or config error
// exits with 2.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "routes file (YAML or JSON `file`); body files resolve in its folder and must be inside it")
	allowOutside := fs.Bool("allow-outside-files", false, "let the routes file name body files outside its folder (absolute paths, .., links that lead out)")
	addr := fs.String("addr", "127.0.0.1:0", "`host:port` of the plain HTTP listener; the HTTPS listeners use the same host")
	scale := fs.Float64("time-scale", 1, "multiply every scenario duration by `factor`")
	verbose := fs.Bool("v", false, "log server internals (TLS handshake errors, malformed requests) on stderr")
	advertise := fs.String("advertise", "", "`host` put in the printed URLs and the certificates instead of --addr's\n"+
		"(for --addr 0.0.0.0:PORT: the address clients on the LAN reach this host at)")
	admin := fs.Bool("admin", false, "serve the admin API under /__netconform/: add, replace and remove routes, restart\n"+
		"call counters, clear the journal (anyone reaching the listeners can then change them)")
	var ca caFlags
	ca.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: netconform serve [--config routes.yaml] [--addr 127.0.0.1:0] [--time-scale 1] [-v]
       [--advertise HOST] [--ca-cert ca.pem --ca-key ca-key.pem] [--admin]

Runs the mock HTTP/HTTPS server with the routes of a YAML or JSON file (a
"routes:" list, the model of a case's "server:" block) at the root path of
every listener; other paths get 404. It prints the HTTP, HTTPS, untrusted,
expired and wrong-host base URLs, the path of its CA, the URL serving that CA
and the journal URL (and with --admin the admin API's), then "ready"; it logs one
line per request on stdout and stops on Ctrl-C. The route fields: go doc
github.com/netconform/netconform/mockserver.Route; the endpoints: README's
"The mock server" section.

flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "netconform serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := ca.validate(); err != nil {
		fmt.Fprintf(stderr, "netconform serve: %v\n", err)
		return 2
	}
	if *scale <= 0 {
		fmt.Fprintf(stderr, "netconform serve: --time-scale must be > 0, got %v\n", *scale)
		return 2
	}
	var sc mockserver.Scenario
	if *config != "" {
		var err error
		if sc, err = loadConfig(ctx, *config, *allowOutside); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	caOpts, err := ca.options()
	if err != nil {
		fmt.Fprintf(stderr, "netconform serve: %v\n", err)
		return 2
	}
	srv, err := mockserver.New(append([]mockserver.Option{mockserver.WithHTTPAddr(*addr),
		mockserver.WithTimeScale(*scale), mockserver.WithRequestLog(stdout), mockserver.WithLogger(logger),
		mockserver.WithAdvertise(*advertise), mockserver.WithAdmin(*admin)}, caOpts...)...)
	if err != nil {
		fmt.Fprintf(stderr, "netconform serve: start mock server (CA: %s): %v\n", ca.describe(), err)
		return exitUsage
	}
	if err := srv.Install("", sc); err != nil {
		fmt.Fprintf(stderr, "netconform serve: %v\n", err)
		_ = srv.Close()
		return 2
	}
	u := srv.URLs()
	fmt.Fprintf(stdout, "http: %s\nhttps: %s\nuntrusted: %s\nexpired: %s\nwrongHost: %s\nnarrow: %s\nca: %s\ncaURL: %s\n"+
		"journal: %s/__netconform/journal?case=\n",
		u.HTTP, u.HTTPS, u.Untrusted, u.Expired, u.WrongHost, u.Narrow, srv.CAFile(), u.HTTP+caPath, u.HTTP)
	if *admin {
		fmt.Fprintf(stdout, "admin: %s/__netconform/routes?case=\n", u.HTTP)
	}
	fmt.Fprintln(stdout, "ready")
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "netconform serve: %v\n", err)
		return exitUsage
	}
	fmt.Fprintln(stdout, "stopped")
	return 0
}

// loadConfig reads and strictly decodes a routes file (mockserver.LoadConfig:
// body files inside its folder unless allowOutside); errors read
// "file:line:col: field: message".
func loadConfig(ctx context.Context, name string, allowOutside bool) (mockserver.Scenario, error) {
	sc, err := mockserver.LoadConfig(ctx, name, allowOutside)
	if err != nil {
		return mockserver.Scenario{}, fmt.Errorf("netconform serve: %w", err)
	}
	return sc, nil
}
