package cases_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/netconform/netconform/harness/casefile"
)

// readmeCase is the case README.md shows as its complete example.
const readmeCase = "example/error-body-keeps-file.yaml"

// TestReadmeExampleIsARealCase keeps README.md's case example identical to
// the embedded case it names (comments aside), and loadable, so the example a
// new user copies is one the suite really runs.
func TestReadmeExampleIsARealCase(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("read README: %v", err)
	}
	var block string
	for _, m := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(readme), -1) {
		if strings.Contains(m[1], "\nid: ") {
			block = m[1]
			break
		}
	}
	if block == "" {
		t.Fatal("README.md has no yaml block holding a case")
	}
	if _, err := casefile.Load("README.md", []byte(block)); err != nil {
		t.Fatalf("README.md's example case does not load: %v", err)
	}
	file, err := os.ReadFile(readmeCase)
	if err != nil {
		t.Fatalf("read %s: %v", readmeCase, err)
	}
	if got, want := withoutComments(block), withoutComments(string(file)); got != want {
		t.Errorf("README.md's example differs from %s:\n--- README\n%s\n--- %s\n%s", readmeCase, got, readmeCase, want)
	}
}

// withoutComments drops YAML comments, trailing blanks and empty lines.
func withoutComments(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "#"); i == 0 || (i > 0 && line[i-1] == ' ') {
			line = line[:i]
		}
		if line = strings.TrimRight(line, " "); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
