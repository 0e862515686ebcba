package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// CompareFile is the side-by-side page [WriteSet] writes beside the
// implementations' folders.
const CompareFile = "compare.html"

// maxDirName bounds the readable part of a folder name from [DirNames].
const maxDirName = 64

// DirNames returns a folder name for each implementation name, in order,
// for [WriteSet]: the name with every character other than an ASCII letter,
// digit, '.', '_' or '-' replaced by '_', and so is a leading '.' and a
// '.' after another (so no path separator, no "..", no hidden folder), at
// most 64 characters (bytes: each byte of a non-ASCII letter is one '_'), and
// "_" for an empty name ("solar2d:ios" → "solar2d_ios"). Names whose folders
// would then coincide (also when they differ only in case, as on macOS and
// Windows file systems) each get "-" and the first 8 hex digits of the
// SHA-256 of the name appended. A name's folder depends only on the names
// of its run, not on their order.
func DirNames(names []string) []string {
	out := make([]string, len(names))
	count := map[string]int{}
	for i, n := range names {
		out[i] = slug(n)
		count[strings.ToLower(out[i])]++
	}
	for i, n := range names {
		if count[strings.ToLower(out[i])] > 1 || strings.EqualFold(out[i], CompareFile) {
			sum := sha256.Sum256([]byte(n))
			out[i] += "-" + hex.EncodeToString(sum[:4])
		}
	}
	return out
}

// slug is DirNames's readable part of one name.
func slug(name string) string {
	var b strings.Builder
	for i := 0; i < len(name) && b.Len() < maxDirName; i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
			b.WriteByte(c)
		case c == '.' && b.Len() > 0 && !strings.HasSuffix(b.String(), "."):
			b.WriteByte(c)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// Written lists what [WriteSet] wrote.
type Written struct {
	// Dirs holds each report's folder, in the order of the reports.
	Dirs []string
	// Reports holds each report's files, as [WriteAll] returns them.
	Reports [][]string
	// Compare is the side-by-side page, "" when it was not written.
	Compare string
}

// WriteSet writes the reports of several implementations' runs of one
// suite under dir: each report into its own folder, dir/<folder>/ (the
// folder from [DirNames] of the implementations' names), with the four
// files of [WriteAll], then one page putting them side by side,
// dir/compare.html ([RenderCompare], each column linked to its
// report.html). It writes what it can and joins the errors.
func WriteSet(dir string, reps []Report) (Written, error) {
	var w Written
	if len(reps) == 0 {
		return w, errors.New("write reports: no runs")
	}
	names := make([]string, len(reps))
	for i, rep := range reps {
		names[i] = rep.name()
	}
	folders := DirNames(names)
	links := make([]string, len(reps))
	var errs []error
	for i, rep := range reps {
		sub := filepath.Join(dir, folders[i])
		paths, err := WriteAll(sub, rep)
		w.Dirs, w.Reports = append(w.Dirs, sub), append(w.Reports, paths)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", names[i], err))
		}
		links[i] = folders[i] + "/" + HTMLFile
	}
	page := filepath.Join(dir, CompareFile)
	if err := writeCompare(page, reps, links); err != nil {
		errs = append(errs, err)
	} else {
		w.Compare = page
	}
	return w, errors.Join(errs...)
}

// writeCompare renders the side-by-side page of reps into path, creating
// its folder.
func writeCompare(path string, reps []Report, links []string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create report dir: %w", err)
	}
	return writeFile(path, func(w io.Writer) error { return renderCompare(w, reps, links) })
}

// WriteCompare writes the side-by-side page of reps ([RenderCompare]) into
// path, creating its folder; a page that fails is removed.
func WriteCompare(path string, reps []Report) error { return writeCompare(path, reps, nil) }
