package strictyaml

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// laughs returns a billion-laughs document: levels anchored lists of
// width aliases each to the level below, the last under key, so that the
// last list stands for width^levels scalars.
func laughs(levels, width int, key string) string {
	var b strings.Builder
	b.WriteString("l0: &l0 lol\n")
	for i := 1; i <= levels; i++ {
		refs := strings.Repeat(fmt.Sprintf("*l%d, ", i-1), width)
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(refs, ", "))
	}
	fmt.Fprintf(&b, "%s: *l%d\n", key, levels)
	return b.String()
}

// allocated returns the bytes allocated while fn runs
// (runtime.MemStats.TotalAlloc). Parallel tests add theirs, so the tests
// that measure do not call t.Parallel, and assert only a generous bound.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// allocBound is the most a refused document may cost: far below the 6.1 GB
// an alias bomb took before the limits.
const allocBound = 100 << 20

func TestParseRefusesAliasBomb(t *testing.T) {
	src := laughs(9, 9, "bomb") // 9^9 = 387,420,489 scalars
	var err error
	alloc := allocated(func() { _, err = Parse("bomb.yaml", []byte(src)) })
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse = %v, want ErrTooLarge", err)
	}
	// At the first alias whose expansion goes past the limit: *l5 (9^6 >
	// 100,000) in the list of l6, line 7.
	if want := "bomb.yaml:7:10: document too large: more than 100000 nodes once aliases are expanded"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start %q", err, want)
	}
	if alloc > allocBound {
		t.Errorf("refusing the bomb allocated %d MB, want at most %d", alloc>>20, allocBound>>20)
	}
}

func TestDecoderStopsAliasBomb(t *testing.T) {
	// A node tree that did not come through Parse (yaml.Unmarshal straight
	// into a yaml.Node costs little: aliases stay references); the walk
	// counts against the same limit.
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(laughs(9, 9, "bomb")), &doc); err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	d := NewDecoder("bomb.yaml")
	alloc := allocated(func() { d.Decode(&doc, &out, "") })
	err := d.Err()
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 100000 nodes") {
		t.Fatalf("Decode = %v, want ErrTooLarge", err)
	}
	if alloc > allocBound {
		t.Errorf("walking the bomb allocated %d MB, want at most %d", alloc>>20, allocBound>>20)
	}
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src, want string
	}{
		{"alias to itself", "a: &x [1, *x]\n", "s.yaml:1:11: document too large: alias *x refers to itself"},
		{"too many bytes", "a: " + strings.Repeat("x", MaxBytes) + "\n", "s.yaml:1:1: document too large: 1048580 bytes, more than 1048576"},
		{"too many plain nodes", "a: [" + strings.Repeat("1,", MaxNodes) + "1]\n", "s.yaml:1:"},
		{"many aliases, each small", strings.Repeat("- &a [1, 2, 3]\n", 1) + strings.Repeat("- *a\n", MaxNodes/4), "s.yaml:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("s.yaml", []byte(tc.src))
			if !errors.Is(err, ErrTooLarge) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("Parse = %v, want ErrTooLarge starting %q", err, tc.want)
			}
		})
	}
	// Aliases within the limit are fine: 9^4 = 6,561 scalars.
	n, err := Parse("ok.yaml", []byte(laughs(4, 9, "fine")))
	if err != nil || n == nil {
		t.Fatalf("a document within the limits: %v", err)
	}
	var out map[string]any
	d := NewDecoder("ok.yaml")
	d.Decode(n, &out, "")
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	if got := len(out["fine"].([]any)); got != 9 {
		t.Fatalf("fine has %d entries, want 9", got)
	}
}

func TestParseDenseDocumentBounded(t *testing.T) {
	// The worst a document within MaxBytes can do: as many nodes as it has
	// room for. It is refused for its nodes, at a bounded cost.
	src := "[" + strings.Repeat("1,", MaxBytes/2-2) + "1]\n"
	var err error
	alloc := allocated(func() { _, err = Parse("dense.yaml", []byte(src)) })
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse = %v, want ErrTooLarge", err)
	}
	if alloc > 4*allocBound {
		t.Errorf("a dense 1 MiB document allocated %d MB, want at most %d", alloc>>20, 4*allocBound>>20)
	}
	t.Logf("a dense 1 MiB document: %d MB allocated", alloc>>20)
}

func TestDecoderHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	n, err := Parse("c.yaml", []byte("a: [1, 2, 3]\nb: {c: d}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	d := NewDecoder("c.yaml")
	d.Context = ctx
	d.Decode(n, &out, "")
	err = d.Err()
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "c.yaml:1:1: stopped: context canceled") {
		t.Fatalf("Decode with a cancelled context = %v, want it stopped at 1:1", err)
	}
	if len(out) != 0 {
		t.Errorf("decoded %v after the context was done", out)
	}
}
