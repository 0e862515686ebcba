package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/driver/proto"
	"github.com/netconform/netconform/harness/driver/remote"
	"github.com/netconform/netconform/internal/refdriver"
)

// helperEnv makes this test binary act as `netconform driver` (see
// TestHelperStdioDriver), so the exec driver has a real subprocess to run.
const helperEnv = "NETCONFORM_HELPER_DRIVER"

// TestHelperStdioDriver is not a test: started by the exec driver with
// helperEnv=1, it runs `netconform driver` on this process's stdio and exits.
func TestHelperStdioDriver(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for the exec driver tests")
	}
	os.Exit(run(context.Background(), []string{"driver"}, os.Stdout, os.Stderr))
}

// helperArgv is the command after -- that runs the helper driver.
func helperArgv() []string {
	return []string{"env", helperEnv + "=1", os.Args[0], "-test.run=^TestHelperStdioDriver$"}
}

func TestRunExecDriver(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	args := append([]string{"--driver", "exec", "--id", "events.status.*", "--time-scale", "0.05", "--out", out, "--"},
		helperArgv()...)
	code, stdout, stderr := cli{}.run(t, args...)
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if summary, _ := lastLines(t, stdout); !summaryRE.MatchString(summary) || !strings.Contains(summary, " 0 fail, 0 error,") {
		t.Errorf("summary %q", summary)
	}
	rep := readReport(t, out)
	if rep.Info.Driver != "exec" || rep.Info.Implementation != refdriver.Name || len(rep.Run.Cases) == 0 {
		t.Errorf("report: driver %q, implementation %q (from the subprocess's hello), %d cases", rep.Info.Driver,
			rep.Info.Implementation, len(rep.Run.Cases))
	}
}

func TestRunExecDriverThatCannotStart(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli{}.run(t, "--driver", "exec", "--out", t.TempDir(), "--", "/nonexistent/netconform-driver")
	if code != 2 || !strings.Contains(stderr, "start driver") {
		t.Fatalf("exit %d, want 2 with a start error\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestRunRemoteDriver(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	var errb strings.Builder
	code := make(chan int, 1)
	out := t.TempDir()
	go func() {
		rc := runCmd{drivers: defaultDrivers(), terminal: func(io.Writer) bool { return false }, width: 100}
		code <- rc.run(t.Context(), []string{"--driver", "remote", "--id", "events.status.*", "--time-scale", "0.05",
			"--out", out}, pw, &errb)
		_ = pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var url string
	for sc.Scan() {
		if _, u, ok := strings.Cut(sc.Text(), " for a device at "); ok {
			url = u
			break
		}
	}
	if url == "" {
		t.Fatalf("no control URL printed (stderr %s)", errb.String())
	}
	var rest strings.Builder
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		for sc.Scan() {
			rest.WriteString(sc.Text() + "\n")
		}
	})
	dctx, stop := context.WithCancel(t.Context())
	defer stop()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	wg.Go(func() {
		_ = remote.RunDevice(dctx, client, url, refdriver.New(),
			proto.ServeOptions{Name: "test-device", Capabilities: refdriver.Capabilities()})
	})
	if c := <-code; c != 0 {
		stop()
		wg.Wait()
		t.Fatalf("exit %d, want 0\n%s\nstderr:\n%s", c, rest.String(), errb.String())
	}
	stop()
	wg.Wait()
	if !strings.Contains(rest.String(), "1 device connected") {
		t.Errorf("no device connected line:\n%s", rest.String())
	}
	if !strings.Contains(errb.String(), `netconform: device 1 "test-device" at 127.0.0.1 connected`) {
		t.Errorf("the driver's notice of the device is not on stderr:\n%s", errb.String())
	}
	if rep := readReport(t, out); rep.Info.Driver != "remote" || rep.Info.Implementation != "test-device" {
		t.Errorf("report: driver %q, implementation %q; want remote, test-device", rep.Info.Driver, rep.Info.Implementation)
	}
}

func TestRunRemoteWithoutDevice(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli{}.run(t, "--driver", "remote", "--device-wait", "200ms", "--out", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "no device connected to http://127.0.0.1:") {
		t.Fatalf("exit %d, want 2 with no device\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// remoteRun is `netconform run --driver remote` running in the background.
type remoteRun struct {
	banner []string // the output lines up to the control URL's
	cancel context.CancelFunc
	done   chan struct{} // closed when run has returned and stdout is drained
	code   int           // valid after done
	errb   strings.Builder
}

// startRemoteRun starts a remote run with args, reads its output up to the
// line with the control URL and stops it at cleanup.
func startRemoteRun(t *testing.T, args ...string) *remoteRun {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	r := &remoteRun{cancel: cancel, done: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Go(func() {
		rc := runCmd{drivers: defaultDrivers(), terminal: func(io.Writer) bool { return false }, width: 100,
			lanAddr: func() (string, error) { return "", errors.New("no LAN address in tests") }}
		r.code = rc.run(ctx, append([]string{"--driver", "remote", "--out", t.TempDir()}, args...), pw, &r.errb)
		_ = pw.Close()
	})
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		r.banner = append(r.banner, sc.Text())
		if strings.Contains(sc.Text(), " for a device at ") {
			break
		}
	}
	wg.Go(func() { _, _ = io.Copy(io.Discard, pr) })
	go func() {
		wg.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

// bannerValue returns what follows prefix on a banner line.
func (r *remoteRun) bannerValue(t *testing.T, prefix string) string {
	t.Helper()
	for _, l := range r.banner {
		if v, ok := strings.CutPrefix(l, prefix); ok {
			return v
		}
	}
	t.Fatalf("no %q line in the banner:\n%s", prefix, strings.Join(r.banner, "\n"))
	return ""
}

// getBody fetches u with c and returns the body.
func getBody(t *testing.T, c *http.Client, u string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, %v", u, resp.StatusCode, err)
	}
	return b
}

func TestRunRemotePrintsWhatDevicesNeed(t *testing.T) {
	t.Parallel()
	caDir := t.TempDir()
	certPath, keyPath, err := writeCA(caDir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		wantCA string // the CA file printed ("" = a new one)
	}{
		{"new CA", nil, ""},
		{"given CA", []string{"--ca-cert", certPath, "--ca-key", keyPath}, certPath},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startRemoteRun(t, append([]string{"--listen", "127.0.0.1:0", "--device-wait", "1h"}, tc.args...)...)
			urls := strings.Fields(r.bannerValue(t, "netconform: mock server for devices: "))
			if len(urls) != 2 || !strings.HasPrefix(urls[0], "http://127.0.0.1:") ||
				!strings.HasPrefix(urls[1], "https://127.0.0.1:") {
				t.Fatalf("mock server URLs %q", urls)
			}
			caLine := r.bannerValue(t, "netconform: CA of its https listeners: ")
			caFile, caURL, ok := strings.Cut(caLine, ", served at ")
			if !ok || caURL != urls[0]+"/__netconform/ca.pem" {
				t.Fatalf("CA line %q, want the file and %s/__netconform/ca.pem", caLine, urls[0])
			}
			if tc.wantCA != "" && caFile != tc.wantCA+" (--ca-cert)" {
				t.Errorf("CA file %q, want %s (--ca-cert)", caFile, tc.wantCA)
			}
			fresh := strings.Contains(strings.Join(r.banner, "\n"), "this CA is new for this run")
			if fresh != (tc.wantCA == "") {
				t.Errorf("new-CA note shown %v, want %v", fresh, tc.wantCA == "")
			}
			// A device fetches the CA over plain HTTP, trusts it and
			// reaches the HTTPS listener.
			plain := &http.Transport{}
			defer plain.CloseIdleConnections()
			pemBytes := getBody(t, &http.Client{Transport: plain}, caURL)
			file, err := os.ReadFile(strings.TrimSuffix(caFile, " (--ca-cert)"))
			if err != nil || !bytes.Equal(file, pemBytes) {
				t.Fatalf("printed CA file (%v) differs from the served CA", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pemBytes) {
				t.Fatalf("served CA is not PEM: %q", pemBytes)
			}
			secure := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
			defer secure.CloseIdleConnections()
			if got := getBody(t, &http.Client{Transport: secure}, urls[1]+"/__netconform/ca.pem"); !bytes.Equal(got, pemBytes) {
				t.Errorf("HTTPS listener serves another CA")
			}
		})
	}
}

func TestRunRemoteInterruptedWhileWaiting(t *testing.T) {
	t.Parallel()
	r := startRemoteRun(t, "--device-wait", "1h")
	r.cancel() // as if SIGINT arrived while the harness waits for a device
	<-r.done
	stderr := r.errb.String()
	if r.code != 130 || !strings.Contains(stderr, "interrupted while waiting for a device at http://127.0.0.1:") ||
		strings.Contains(stderr, "no device connected") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, stderr)
	}
}
