package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/internal/refdriver"
)

// fakeSummary is what a hostile implementation prints to pass for a clean
// run: clear the screen, cursor home, then the closing lines.
const fakeSummary = "\x1b[2J\x1b[H387 pass, 0 warn, 0 info, 0 fail, 0 error, 0 skip\n0 unexpected, 0 expected non-pass; 5.5s"

// noisyDriver is the reference whose sessions' log lines hold escape
// sequences and a fake summary, or, with openErr, one whose sessions fail
// to open with such an error.
type noisyDriver struct {
	*refdriver.Driver
	openErr bool
}

func (d noisyDriver) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	if d.openErr {
		return nil, errors.New("boom \x1b]0;window title\x07" + fakeSummary)
	}
	s, err := d.Driver.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return noisySession{s}, nil
}

type noisySession struct{ driver.Session }

func (noisySession) Logs() []string {
	return []string{"stderr: " + fakeSummary, "stderr: \u202eevil\u202c ok"}
}

// TestRunCleansImplementationText: with -v, the implementation's log lines
// and error text reach the terminal without a control character, each on
// its own indented line, so none can clear the screen or print a summary
// line of its own; their printable text is kept.
func TestRunCleansImplementationText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		openErr bool
		want    string
	}{
		{"log lines", false, "      stderr: 387 pass, 0 warn, 0 info, 0 fail, 0 error, 0 skip0 unexpected"},
		{"error reason", true, "boom 387 pass, 0 warn, 0 info, 0 fail, 0 error, 0 skip0 unexpected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := cli{drivers: map[string]driverFactory{driverInproc: func(driverSpec) (driver.Driver, error) {
				return noisyDriver{Driver: refdriver.New(), openErr: tc.openErr}, nil
			}}}
			_, stdout, _ := c.run(t, "--cases", probeDir(t), "--id", "probe.wrong-status", "-v", "--out", "")
			if i := strings.IndexFunc(stdout, func(r rune) bool {
				return (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) || r == '\u202e'
			}); i >= 0 {
				t.Errorf("stdout holds control %q at %d:\n%q", stdout[i], i, stdout)
			}
			if !strings.Contains(stdout, tc.want) {
				t.Errorf("stdout lacks the cleaned text %q:\n%s", tc.want, stdout)
			}
			lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
			for _, l := range lines[:len(lines)-2] {
				if summaryRE.MatchString(l) || strings.HasPrefix(l, "0 unexpected") {
					t.Errorf("the implementation printed a summary line of its own: %q", l)
				}
			}
		})
	}
}
