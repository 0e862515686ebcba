package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const routesYAML = `routes:
  - path: /hello
    headers: {Content-Type: text/plain}
    body: {file: hello.txt}
  - path: /go
    redirect: {to: "{{https}}/hello"}
`

func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hi from a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "routes.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// readBanner reads "key: value" lines up to "ready".
func readBanner(t *testing.T, sc *bufio.Scanner) map[string]string {
	t.Helper()
	out := map[string]string{}
	for sc.Scan() {
		line := sc.Text()
		if line == "ready" {
			return out
		}
		k, v, _ := strings.Cut(line, ": ")
		out[k] = v
	}
	t.Fatalf("no ready line (banner so far %v, err %v)", out, sc.Err())
	return nil
}

func TestServeInProcess(t *testing.T) {
	t.Parallel()
	cfg := writeConfig(t, routesYAML)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--config", cfg, "--time-scale", "0.5"}, pw, &stderr)
		_ = pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	banner := readBanner(t, sc)
	for _, k := range []string{"http", "https", "untrusted", "expired", "wrongHost", "ca"} {
		if banner[k] == "" {
			t.Fatalf("banner has no %s: %v", k, banner)
		}
	}
	pem, err := os.ReadFile(banner["ca"])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, banner["http"]+"/go", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hi from a file" || resp.Request.URL.Scheme != "https" {
		t.Fatalf("got %q from %s", body, resp.Request.URL)
	}
	// One log line per request: the redirect, then the file.
	var logs []string
	for len(logs) < 2 && sc.Scan() {
		logs = append(logs, sc.Text())
	}
	if len(logs) != 2 || !strings.Contains(logs[0], "http GET /go 302") || !strings.Contains(logs[1], "https GET /hello 200 bytes=14") {
		t.Fatalf("request log %q", logs)
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if got := <-code; got != 0 {
		t.Fatalf("exit %d, stderr %s", got, stderr.String())
	}
	if _, err := os.Stat(banner["ca"]); !os.IsNotExist(err) {
		t.Fatalf("CA file left behind: %v", err)
	}
}

func TestServeConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args func(cfg string) []string
		yaml string
		want string
	}{
		{"unknown key", func(c string) []string { return []string{"serve", "--config", c} },
			"routes:\n  - path: /a\n    statsu: 200\n", `routes.yaml:3:5: routes[0].statsu: unknown key "statsu" (did you mean "status"?)`},
		{"wrong type", func(c string) []string { return []string{"serve", "--config", c} },
			"routes:\n  - path: /a\n    delayBody: [1]\n", `routes.yaml:3:16: routes[0].delayBody: want a duration`},
		{"missing file", func(string) []string { return []string{"serve", "--config", "/nonexistent/r.yaml"} },
			"", "read config"},
		{"body file outside", func(c string) []string { return []string{"serve", "--config", c} },
			"routes:\n  - {path: /a, body: {file: ../hello.txt}}\n",
			`routes.yaml:2:29: routes[0].body.file: local file "../hello.txt": a path through ".." is outside the folder`},
		{"bad flag", func(c string) []string { return []string{"serve", "--nope"} }, "", "flag provided but not defined"},
		{"bad scale", func(c string) []string { return []string{"serve", "--time-scale", "0"} }, "", "--time-scale must be > 0"},
		{"unknown command", func(string) []string { return []string{"srve"} }, "", `unknown command "srve"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := writeConfig(t, tc.yaml)
			var stdout, stderr bytes.Buffer
			if code := run(t.Context(), tc.args(cfg), &stdout, &stderr); code != 2 {
				t.Fatalf("exit %d, want 2 (stderr %s)", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("stderr %q does not contain %q", stderr.String(), tc.want)
			}
		})
	}
}

func TestServeSubprocessStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "netconform")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--config", writeConfig(t, routesYAML))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	banner := readBanner(t, sc)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, banner["http"]+"/hello", nil)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for sc.Scan() {
		rest = append(rest, sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v, stderr %s", err, stderr.String())
	}
	if len(rest) == 0 || rest[len(rest)-1] != "stopped" || !strings.Contains(strings.Join(rest, "\n"), "GET /hello 200") {
		t.Fatalf("output after ready: %q", rest)
	}
}

// TestServeAdmin drives `serve --admin` over plain HTTP as a test in another
// language would: it adds a route to the root namespace, where the routes
// file's routes are, and the next request is served by it. Without --admin
// the same request is refused and the banner has no admin line.
func TestServeAdmin(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{true, false} {
		t.Run(map[bool]string{true: "on", false: "off"}[on], func(t *testing.T) {
			t.Parallel()
			args := []string{"serve", "--config", writeConfig(t, routesYAML)}
			if on {
				args = append(args, "--admin")
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			pr, pw := io.Pipe()
			var stderr bytes.Buffer
			code := make(chan int, 1)
			go func() {
				code <- run(ctx, args, pw, &stderr)
				_ = pw.Close()
			}()
			banner := readBanner(t, bufio.NewScanner(pr))
			go func() { _, _ = io.Copy(io.Discard, pr) }()
			if got := banner["admin"] != ""; got != on {
				t.Fatalf("banner %v: admin line %v, want %v", banner, got, on)
			}
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr}
			do := func(method, u, body string) (int, string) {
				t.Helper()
				req, _ := http.NewRequestWithContext(ctx, method, u, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			status, body := do(http.MethodPost, banner["http"]+"/__netconform/routes?case=",
				`{"routes": [{"path": "/added", "body": "added over the API"}]}`)
			wantStatus := http.StatusOK
			if !on {
				wantStatus = http.StatusForbidden
			}
			if status != wantStatus {
				t.Fatalf("POST routes: %d %s, want %d", status, body, wantStatus)
			}
			if status, body := do(http.MethodGet, banner["http"]+"/added", ""); (status == http.StatusOK) != on ||
				on && body != "added over the API" {
				t.Fatalf("GET /added: %d %q", status, body)
			}
			if status, body := do(http.MethodGet, banner["http"]+"/hello", ""); status != http.StatusOK || body != "hi from a file" {
				t.Fatalf("the routes file's routes after the change: %d %q", status, body)
			}
			cancel()
			if got := <-code; got != 0 {
				t.Fatalf("exit %d, stderr %s", got, stderr.String())
			}
		})
	}
}
