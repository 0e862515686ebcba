package runner

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/result"
)

// driverSandbox is a session's own sandbox on the driver's side (the files
// capability): the given files are placed and the folders looked at
// through the session. What the driver reports is checked before the oracle
// judges it: every entry must be well formed, and the look before the first
// call must show each placed file as it was placed, so a driver that drops
// entries or hashes wrongly gets an error verdict naming the file instead
// of a verdict on files it misreported.
type driverSandbox struct {
	s      driver.FileSession
	placed map[fileKey]driver.FileInfo // what place wrote, by file
	looks  int
}

// fileKey names a file of a sandbox.
type fileKey struct{ dir, name string }

// maxListProblems bounds the problems a reason names.
const maxListProblems = 4

func (sb *driverSandbox) live() bool { return true }

// LinkSkip ends the Reason of a case skipped because a driver that keeps its
// files on its own side (the files capability) cannot place a given file
// that is a symbolic link.
const LinkSkip = "is a symbolic link, which a driver that keeps its files on its own side cannot place"

func (sb *driverSandbox) place(ctx context.Context, files []casefile.GivenFile) error {
	sb.placed = make(map[fileKey]driver.FileInfo, len(files))
	for _, f := range files {
		if f.Link != "" {
			return &skipError{why: fmt.Sprintf("the case's given file %s %s", f.Name, LinkSkip)}
		}
		df, err := givenFile(f)
		if err == nil {
			err = sb.s.PlaceFile(ctx, df)
		}
		if err != nil {
			return fmt.Errorf("given file %s: %w", f.Pos, err)
		}
		sb.placed[fileKey{df.Dir, df.Name}] = infoOf(df, result.HeadLimit)
	}
	return nil
}

// look does not look: asking the driver over its control channel (which
// hashes every file of the sandbox, in Lua on a phone) takes far too long
// to tell what the file was right after a cancel, so the checks that need
// it rely on the look after the run alone.
func (sb *driverSandbox) look(context.Context, string) (*result.FileState, bool, error) {
	return nil, false, nil
}

func (sb *driverSandbox) snapshot(ctx context.Context) ([]result.FileState, error) {
	when := "before the first call"
	if sb.looks > 0 {
		when = "after the run"
	}
	sb.looks++
	list, err := sb.s.Files(ctx, result.HeadLimit)
	if err != nil {
		return nil, fmt.Errorf("driver files %s: %w", when, err)
	}
	problems := listingProblems(list, result.HeadLimit)
	if sb.looks == 1 {
		problems = append(problems, placedProblems(list, sb.placed)...)
	}
	if len(problems) > 0 {
		more := ""
		if n := len(problems) - maxListProblems; n > 0 {
			problems, more = problems[:maxListProblems], fmt.Sprintf(" (and %d more)", n)
		}
		return nil, fmt.Errorf("driver files %s: %s%s", when, strings.Join(problems, "; "), more)
	}
	list = slices.Clone(list)
	slices.SortFunc(list, func(a, b driver.FileInfo) int {
		return cmp.Or(cmp.Compare(a.Dir, b.Dir), cmp.Compare(a.Name, b.Name))
	})
	return fileStates(list), nil
}

// infoOf returns what a listing must say of a file with f's content.
func infoOf(f driver.File, head int) driver.FileInfo {
	sum := sha256.Sum256([]byte(f.Content))
	return driver.FileInfo{Dir: f.Dir, Name: f.Name, Size: int64(len(f.Content)), SHA256: hex.EncodeToString(sum[:]),
		Head: f.Content[:min(len(f.Content), head)]}
}

// listingProblems checks that every entry is well formed: a known base
// directory, a relative "/"-separated name, a hex SHA-256, a head of
// exactly min(size, head) bytes and, for a file that short, a hash that is
// its head's. Each file may appear once.
func listingProblems(list []driver.FileInfo, head int) []string {
	var out []string
	seen := make(map[fileKey]bool, len(list))
	for _, f := range list {
		at := f.Dir + "/" + f.Name
		k := fileKey{f.Dir, f.Name}
		switch {
		case !slices.Contains(driver.BaseDirs(), f.Dir):
			out = append(out, fmt.Sprintf("%s: unknown base directory %q", at, f.Dir))
		case !fs.ValidPath(f.Name) || f.Name == ".":
			out = append(out, fmt.Sprintf("%s: name %q is not a relative /-separated path", at, f.Name))
		case seen[k]:
			out = append(out, at+": listed twice")
		case f.Size < 0:
			out = append(out, fmt.Sprintf("%s: size %d", at, f.Size))
		case !isSHA256(f.SHA256):
			out = append(out, fmt.Sprintf("%s: sha256 %q is not 64 lower-case hex digits", at, f.SHA256))
		case int64(len(f.Head)) != min(f.Size, int64(head)):
			out = append(out, fmt.Sprintf("%s: head has %d bytes, want %d of its %d", at, len(f.Head),
				min(f.Size, int64(head)), f.Size))
		case f.Size <= int64(head) && infoOf(driver.File{Content: f.Head}, head).SHA256 != f.SHA256:
			out = append(out, fmt.Sprintf("%s: sha256 %s is not the hash of its %d bytes", at, short(f.SHA256), f.Size))
		}
		seen[k] = true
	}
	return out
}

// placedProblems checks the first look against the placed files: each
// must be there with the size, hash and head it was placed with.
func placedProblems(list []driver.FileInfo, placed map[fileKey]driver.FileInfo) []string {
	var out []string
	byName := func(a, b fileKey) int { return cmp.Or(cmp.Compare(a.dir, b.dir), cmp.Compare(a.name, b.name)) }
	for _, k := range slices.SortedFunc(maps.Keys(placed), byName) {
		p := placed[k]
		i := slices.IndexFunc(list, func(f driver.FileInfo) bool { return f.Dir == k.dir && f.Name == k.name })
		want := fmt.Sprintf("%d bytes, sha256 %s", p.Size, short(p.SHA256))
		switch {
		case i < 0:
			out = append(out, fmt.Sprintf("%s/%s was placed (%s) but is missing from the listing", k.dir, k.name, want))
		case list[i].Size != p.Size || list[i].SHA256 != p.SHA256 || list[i].Head != p.Head:
			out = append(out, fmt.Sprintf("%s/%s was placed as %s but is listed as %d bytes, sha256 %s", k.dir, k.name,
				want, list[i].Size, short(list[i].SHA256)))
		}
	}
	return out
}

// isSHA256 reports whether s is 64 lower-case hex digits.
func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// short abbreviates a hash for messages.
func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}
