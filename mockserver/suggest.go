package mockserver

// Messages of the strict decoder: what a node is, and which known name a
// misspelt one probably meant.

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Describe names what a node is, for "want X, got Y" messages: "a mapping",
// "a list", "integer 5", "number 1.5", "boolean true", "null" or
// `string "x"`.
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!int":
		return "integer " + n.Value
	case "!!float":
		return "number " + n.Value
	case "!!bool":
		return "boolean " + n.Value
	case "!!null":
		return "null"
	}
	return fmt.Sprintf("string %q", n.Value)
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct, reflect.Map:
		return "a mapping"
	case reflect.Slice:
		return "a list"
	}
	return "an integer"
}

// Suggest returns ` (did you mean "x"?)` for the known name closest to got,
// or "" when none is close: within an edit distance (case-insensitive, a
// swap of two letters counting as one edit) of max(2, len(got)/3), or
// starting with got when got has three letters or more ("Documents" →
// "DocumentsDirectory"). Names longer than 64 bytes are never close.
func Suggest(got string, known []string) string {
	best, bestD := "", 1<<30
	lg := strings.ToLower(got)
	for _, k := range known {
		if len(got) > 64 || len(k) > 64 {
			continue
		}
		lk := strings.ToLower(k)
		dist := editDistance(lg, lk)
		if len(got) >= 3 && strings.HasPrefix(lk, lg) {
			dist = min(dist, 1)
		}
		if dist < bestD {
			best, bestD = k, dist
		}
	}
	if best == "" || bestD > max(2, len(got)/3) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// suggest is [Suggest], for the validator's messages.
func suggest(got string, known []string) string { return Suggest(got, known) }

// editDistance is the Damerau-Levenshtein (optimal string alignment)
// distance, so a swap of two letters ("statsu") counts as one edit. It is
// case-sensitive; the router also scores paths with it.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
