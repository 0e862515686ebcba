package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
)

// filesDriver is a fakeDriver whose sessions keep their folders themselves
// (the files capability), elsewhere than Config.Dirs, and whose listings
// tamper may alter (look 1 is before the first call).
type filesDriver struct {
	*fakeDriver
	tamper func(look int, list []driver.FileInfo) []driver.FileInfo

	mu       sync.Mutex
	sessions []*filesSession
}

func (d *filesDriver) Open(ctx context.Context, cfg driver.Config) (driver.Session, error) {
	own, err := driver.NewFolders(os.TempDir(), "netconform-fake-")
	if err != nil {
		return nil, err
	}
	harness := cfg.Dirs
	cfg.Dirs = own.Dirs // the session's calls see its own folders
	s, err := d.fakeDriver.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	fs := s.(*fakeSession)
	fs.caps.Files = true
	s2 := &filesSession{fakeSession: fs, own: own, harness: harness, tamper: d.tamper}
	d.mu.Lock()
	d.sessions = append(d.sessions, s2)
	d.mu.Unlock()
	return s2, nil
}

// filesSession is a fakeSession with the files capability.
type filesSession struct {
	*fakeSession
	own     *driver.Folders
	harness map[string]string // the Config.Dirs it was given and ignores
	tamper  func(int, []driver.FileInfo) []driver.FileInfo
	looks   int
	local   []string // what the harness's folders held at the first look
}

func (s *filesSession) PlaceFile(_ context.Context, f driver.File) error { return s.own.Place(f) }

func (s *filesSession) Files(_ context.Context, head int) ([]driver.FileInfo, error) {
	list, err := s.own.List(head)
	s.looks++
	if s.looks == 1 {
		local := &driver.Folders{Dirs: s.harness}
		l, _ := local.List(0)
		for _, f := range l {
			s.local = append(s.local, f.Dir+"/"+f.Name)
		}
	}
	if err == nil && s.tamper != nil {
		list = s.tamper(s.looks, list)
	}
	return list, err
}

func (s *filesSession) Close(ctx context.Context) error {
	err := s.fakeSession.Close(ctx)
	_ = s.own.Remove()
	return err
}

const driverFilesCase = `
id: t.driver-files
title: the given file is read and a response file written in the session's own folders
requirements: [F1]
given:
  files: [{name: in.txt, text: "CONTENT"}]
call: {url: "{{http}}/x"}
expect:
  ended: {response: "CONTENT"}
  files:
    - {name: in.txt, unchanged: true}
    - {name: out/r.txt, content: "written"}
`

// writeOut answers each call with the given file's content after writing
// out/r.txt into the session's Documents.
func writeOut(s *fakeSession, h string, c driver.Call) error {
	body, err := s.readGiven(driver.DocumentsDirectory, "in.txt")
	if err != nil {
		return err
	}
	p := filepath.Join(s.cfg.Dirs[driver.DocumentsDirectory], "out", "r.txt")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, []byte("written"), 0o644); err != nil {
		return err
	}
	s.emit(h, ended(h, c, 200, body))
	return nil
}

// TestDriverSideFiles: a session with the files capability gets the given
// files through PlaceFile and is judged on its own listing (the harness's
// folders stay empty); a listing that drops a placed file, misreports its
// hash or sends a head of the wrong length errors the case with the file
// named.
func TestDriverSideFiles(t *testing.T) {
	t.Parallel()
	drop := func(look int, l []driver.FileInfo) []driver.FileInfo {
		if look == 1 {
			return nil
		}
		return l
	}
	rehash := func(_ int, l []driver.FileInfo) []driver.FileInfo {
		for i := range l {
			l[i].SHA256 = strings.Repeat("0", 64)
		}
		return l
	}
	cut := func(look int, l []driver.FileInfo) []driver.FileInfo {
		for i := range l {
			if look == 2 {
				l[i].Head = l[i].Head[:1]
			}
		}
		return l
	}
	for _, tc := range []struct {
		name    string
		tamper  func(int, []driver.FileInfo) []driver.FileInfo
		verdict result.Verdict
		reason  []string
	}{
		{"sound", nil, result.Pass, nil},
		{"missing entry", drop, result.Error,
			[]string{"driver files before the first call", "DocumentsDirectory/in.txt was placed (7 bytes", "missing"}},
		{"wrong hash", rehash, result.Error, []string{"DocumentsDirectory/in.txt", "not the hash of its 7 bytes"}},
		{"short head", cut, result.Error, []string{"driver files after the run", "head has 1 bytes, want 7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := &filesDriver{fakeDriver: &fakeDriver{onCall: writeOut}, tamper: tc.tamper}
			r := newRunner(t, d, newFakeFixture())
			r.watch = (&fakeStalls{}).watch
			res := r.Case(t.Context(), loadCase(t, driverFilesCase))
			if res.Verdict != tc.verdict {
				t.Fatalf("verdict %s (%s) %+v, want %s", res.Verdict, res.Reason, res.Mismatches, tc.verdict)
			}
			for _, part := range tc.reason {
				if !strings.Contains(res.Reason, part) {
					t.Errorf("reason %q lacks %q", res.Reason, part)
				}
			}
			if tc.verdict == result.Pass && len(res.Files) != 2 {
				t.Errorf("report files %+v, want in.txt and out/r.txt", res.Files)
			}
			for _, s := range d.sessions {
				if len(s.local) > 0 {
					t.Errorf("the harness's own folders hold %q: the given files went there, not to the session", s.local)
				}
			}
		})
	}
}

// TestListingProblems: each malformed entry is named; a sound listing has
// no problem.
func TestListingProblems(t *testing.T) {
	t.Parallel()
	good := infoOf(driver.File{Dir: driver.DocumentsDirectory, Name: "a/b.txt", Content: "hello"}, 3)
	long := infoOf(driver.File{Dir: driver.CachesDirectory, Name: "big", Content: strings.Repeat("x", 10)}, 3)
	long.SHA256 = strings.Repeat("a", 64) // unverifiable from a 3-byte head: accepted
	if p := listingProblems([]driver.FileInfo{good, long}, 3); len(p) != 0 {
		t.Fatalf("sound listing: %q", p)
	}
	for _, tc := range []struct {
		name string
		edit func(*driver.FileInfo)
		want string
	}{
		{"unknown dir", func(f *driver.FileInfo) { f.Dir = "HomeDirectory" }, "unknown base directory"},
		{"absolute name", func(f *driver.FileInfo) { f.Name = "/etc/passwd" }, "not a relative"},
		{"dotdot name", func(f *driver.FileInfo) { f.Name = "../x" }, "not a relative"},
		{"negative size", func(f *driver.FileInfo) { f.Size = -1 }, "size -1"},
		{"upper-case hash", func(f *driver.FileInfo) { f.SHA256 = strings.ToUpper(f.SHA256) }, "lower-case hex"},
		{"long head", func(f *driver.FileInfo) { f.Head = "hell" }, "head has 4 bytes, want 3"},
	} {
		f := good
		tc.edit(&f)
		if p := listingProblems([]driver.FileInfo{f}, 3); len(p) != 1 || !strings.Contains(p[0], tc.want) {
			t.Errorf("%s: problems %q, want one naming %q", tc.name, p, tc.want)
		}
	}
	if p := listingProblems([]driver.FileInfo{good, good}, 3); len(p) != 1 || !strings.Contains(p[0], "listed twice") {
		t.Errorf("duplicate: %q", p)
	}
}

// TestLocalSandboxPlaces: the local sandbox writes given files of every
// content source and refuses names that leave their folder.
func TestLocalSandboxPlaces(t *testing.T) {
	t.Parallel()
	sb, err := newSandbox(t.TempDir(), "place")
	if err != nil {
		t.Fatal(err)
	}
	text := "t"
	files := []casefile.GivenFile{{Name: "a.txt", Text: &text}, {Dir: driver.CachesDirectory, Name: "d/b.bin", Base64: "AP8="},
		{Dir: driver.TemporaryDirectory, Name: "g", Size: 100, Seed: 1}}
	if err := sb.place(t.Context(), files); err != nil {
		t.Fatal(err)
	}
	got, err := sb.snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Dir != driver.CachesDirectory || string(got[0].Head) != "\x00\xff" || got[2].Size != 100 {
		t.Errorf("snapshot %+v", got)
	}
	if err := sb.place(t.Context(), []casefile.GivenFile{{Name: "../x", Text: &text}}); err == nil {
		t.Error("a name leaving the folder was placed")
	}
}

// TestPlaceAllowance: 2 s per MiB of given content, whatever its form.
func TestPlaceAllowance(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("x", 1<<19)
	got := placeAllowance([]casefile.GivenFile{{Size: 1 << 20}, {Text: &text}, {Base64: "AAAA"}})
	if want := time.Duration(1<<20+1<<19+3) * 2 * time.Second / (1 << 20); got != want { // 1.5 MiB and 3 bytes
		t.Errorf("allowance %v, want %v", got, want)
	}
	if got := placeAllowance(nil); got != 0 {
		t.Errorf("no files: %v", got)
	}
}
