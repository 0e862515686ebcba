package reports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// The file names WriteAll uses.
const (
	JSONFile     = "report.json"
	JUnitFile    = "junit.xml"
	MarkdownFile = "report.md"
	HTMLFile     = "report.html"
)

// WriteAll writes the four reports (report.json, junit.xml, report.md,
// report.html) into dir, creating it if needed, and returns their paths in
// that order. A file that fails is removed; the others stay.
func WriteAll(dir string, rep Report) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create report dir: %w", err)
	}
	outs := []struct {
		name  string
		write func(io.Writer, Report) error
	}{
		{JSONFile, WriteJSON}, {JUnitFile, WriteJUnit}, {MarkdownFile, WriteMarkdown}, {HTMLFile, WriteHTML},
	}
	var paths []string
	var errs []error
	for _, o := range outs {
		p := filepath.Join(dir, o.name)
		if err := writeFile(p, func(w io.Writer) error { return o.write(w, rep) }); err != nil {
			errs = append(errs, err)
			continue
		}
		paths = append(paths, p)
	}
	return paths, errors.Join(errs...)
}

// writeFile renders into path with write, removing the file when
// rendering fails.
func writeFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close %s: %w", path, cerr)
		}
		if err != nil {
			_ = os.Remove(path)
		}
	}()
	if err := write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
