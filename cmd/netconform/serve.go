package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

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
	config := fs.String("config", "", "routes file (YAML or JSON `file`); relative body files resolve against its directory")
	addr := fs.String("addr", "127.0.0.1:0", "`host:port` of the plain HTTP listener; the HTTPS listeners use the same host")
	scale := fs.Float64("time-scale", 1, "multiply every scenario duration by `factor`")
	verbose := fs.Bool("v", false, "log server internals (TLS handshake errors, malformed requests) on stderr")
	advertise := fs.String("advertise", "", "`host` put in the printed URLs and the certificates instead of --addr's\n"+
		"(for --addr 0.0.0.0:PORT: the address clients on the LAN reach this host at)")
	var ca caFlags
	ca.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: netconform serve [--config routes.yaml] [--addr 127.0.0.1:0] [--time-scale 1] [-v]
       [--advertise HOST] [--ca-cert ca.pem --ca-key ca-key.pem]

Runs the mock HTTP/HTTPS server with the routes of a YAML or JSON file (a
"routes:" list, the model of a case's "server:" block) at the root path of
every listener; other paths get 404. It prints the HTTP, HTTPS, untrusted,
expired and wrong-host base URLs, the path of its CA, the URL serving that CA
and the journal URL, then "ready"; it logs one line per request on stdout and stops on
Ctrl-C. The route fields: go doc github.com/netconform/netconform/mockserver.Route

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
		if sc, err = loadConfig(*config); err != nil {
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
		mockserver.WithAdvertise(*advertise)}, caOpts...)...)
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
		"journal: %s/__netconform/journal?case=\nready\n",
		u.HTTP, u.HTTPS, u.Untrusted, u.Expired, u.WrongHost, u.Narrow, srv.CAFile(), u.HTTP+caPath, u.HTTP)
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "netconform serve: %v\n", err)
		return exitUsage
	}
	fmt.Fprintln(stdout, "stopped")
	return 0
}

// loadConfig reads and strictly decodes a routes file; errors read
// "file:line:col: field: message".
func loadConfig(name string) (mockserver.Scenario, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return mockserver.Scenario{}, fmt.Errorf("netconform serve: read config: %w", err)
	}
	sc, err := mockserver.ParseConfig(name, data)
	if err != nil {
		return mockserver.Scenario{}, err
	}
	dir := filepath.Dir(name)
	fix := func(r *mockserver.Response) {
		if f := r.Body.File; f != "" && !filepath.IsAbs(f) {
			r.Body.File = filepath.Join(dir, f)
		}
	}
	for i := range sc.Routes {
		fix(&sc.Routes[i].Response)
		for j := range sc.Routes[i].Then {
			fix(&sc.Routes[i].Then[j])
		}
	}
	return sc, nil
}
