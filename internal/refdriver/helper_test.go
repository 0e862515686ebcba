package refdriver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/internal/refdriver"
)

// The helper process: the test binary re-executed with NETCONFORM_HELPER set
// serves the reference over stdio, optionally with one injected fault (only
// once per marker file NETCONFORM_HELPER_ONCE, so the restarted process
// behaves).
const (
	envMode = "NETCONFORM_HELPER"
	envOnce = "NETCONFORM_HELPER_ONCE"
	// envSessions, if set, is how many sessions the helper serves at once.
	envSessions = "NETCONFORM_HELPER_SESSIONS"
)

// helperArgs is the command line of the helper process.
func helperArgs() []string { return []string{os.Args[0], "-test.run=^TestHelperProcess$"} }

// helperEnv is the environment of a helper in mode, faulting once per marker.
//
// TMPDIR is marker's folder (a test's temporary folder), so the folders a
// helper keeps for its sessions there (the files capability) go with the
// test even when the test kills the helper.
func helperEnv(mode, marker string) []string {
	return []string{envMode + "=" + mode, envOnce + "=" + marker, "TMPDIR=" + filepath.Dir(marker)}
}

// TestHelperProcess is not a test: it is the helper process's body.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(envMode)
	if mode == "" {
		t.Skip("helper process only")
	}
	if m := os.Getenv(envOnce); mode != "ref" && m != "" {
		if f, err := os.OpenFile(m, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err != nil {
			mode = "ref" // already faulted once
		} else {
			_ = f.Close()
		}
	}
	out := &faultWriter{w: os.Stdout, mode: mode}
	if mode == "hang" {
		signal.Ignore(os.Interrupt) // only a kill ends it
	}
	sessions, _ := strconv.Atoi(os.Getenv(envSessions))
	err := refdriver.ServeStdio(context.Background(), os.Stdin, out, refdriver.StdioOptions{Sessions: sessions})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// faultWriter passes the server's lines through and injects its mode's fault
// after the first call reply (or, for dup, the first event; for late, the
// first close reply). The files-* modes alter the first reply to a files
// request instead: files-missing drops its entries, files-hash reports a
// wrong SHA-256 for each, files-hang never sends it.
type faultWriter struct {
	w    io.Writer
	mode string

	mu      sync.Mutex
	done    bool
	lastSeq int64
	session string
}

func (f *faultWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var m struct {
		Type    string           `json:"type"`
		Handle  string           `json:"handle"`
		Seq     int64            `json:"seq"`
		Session string           `json:"session"`
		OK      bool             `json:"ok"`
		Files   []map[string]any `json:"files"`
	}
	_ = json.Unmarshal(bytes.TrimSpace(p), &m)
	if m.Type == "event" {
		f.lastSeq, f.session = m.Seq, m.Session
	}
	if m.Type == "reply" && m.Files != nil && strings.HasPrefix(f.mode, "files-") && !f.done {
		return f.filesFault(p)
	}
	if _, err := f.w.Write(p); err != nil || f.done {
		return len(p), err
	}
	callReply := m.Type == "reply" && m.Handle != ""
	switch {
	case f.mode == "crash" && callReply:
		os.Exit(3)
	case f.mode == "hang" && callReply:
		// Never writes again and ignores interrupts. A sleep, not select {}:
		// without -race the runtime ends a process whose goroutines all
		// block forever as a deadlock.
		time.Sleep(10 * time.Minute)
		os.Exit(4)
	case f.mode == "garbage" && callReply:
		f.done = true
		_, err := io.WriteString(f.w, "oops, not JSON\n")
		return len(p), err
	case f.mode == "unknown-handle" && m.Type == "event":
		f.done = true
		_, err := fmt.Fprintf(f.w, `{"type":"event","session":%q,"seq":%d,"kind":"event","handle":"h-nope","fields":{"name":"networkRequest","phase":"ended"}}`+"\n", m.Session, m.Seq+1)
		return len(p), err
	case f.mode == "dup" && m.Type == "event":
		f.done = true
		_, err := f.w.Write(p)
		return len(p), err
	case f.mode == "late" && m.Type == "reply" && m.OK && f.session != "":
		// The close reply (open's has no session events before it).
		f.done = true
		_, err := fmt.Fprintf(f.w, `{"type":"event","session":%q,"seq":%d,"kind":"event","handle":"h1","fields":{"name":"networkRequest","phase":"ended"}}`+"\n", f.session, f.lastSeq+1)
		return len(p), err
	}
	return len(p), nil
}

// wantReason reports whether a result reason mentions every part.
func wantReason(reason string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(reason, p) {
			return false
		}
	}
	return true
}

// filesFault writes a files reply p altered by the writer's files-* mode.
func (f *faultWriter) filesFault(p []byte) (int, error) {
	var reply map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(p), &reply); err != nil {
		return 0, err
	}
	entries, _ := reply["files"].([]any)
	if len(entries) == 0 && f.mode != "files-hang" {
		_, err := f.w.Write(p) // nothing to alter in an empty listing
		return len(p), err
	}
	f.done = true
	switch f.mode {
	case "files-hang":
		time.Sleep(10 * time.Minute) // as hang: only a kill ends it
		os.Exit(4)
	case "files-missing":
		reply["files"] = []any{}
	case "files-hash":
		for _, e := range entries {
			e.(map[string]any)["sha256"] = strings.Repeat("0", 64)
		}
	}
	b, err := json.Marshal(reply)
	if err != nil {
		return 0, err
	}
	_, err = f.w.Write(append(b, '\n'))
	return len(p), err
}
