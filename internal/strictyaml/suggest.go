package strictyaml

// Messages of the strict decoder: what a node is, and which known name a
// misspelt one probably meant (the project's one did-you-mean).

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

// KindOf names what sort of node n is, without its value, for messages
// that should not quote the input: "a mapping", "a list", "an alias",
// "null", "a boolean", "a number", "a string", or "nothing" (any other
// node). An alias is named as one, not as its target, for formats that
// reject aliases; [Describe] expects a resolved node.
func KindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!bool":
			return "a boolean"
		case "!!int", "!!float":
			return "a number"
		}
		return "a string"
	}
	return "nothing"
}

// kindName names what a Go value of kind k takes, for "want X" messages.
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

// Suggest returns ` (did you mean "x"?)` for the known name x closest to
// got (see [Closest]), or "" when none is close, to append to an "unknown
// name" message.
func Suggest(got string, known []string) string {
	best := Closest(got, known)
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// Closest returns the known name closest to got, or "" when none is close
// enough to be a likely misspelling: within an edit distance
// (case-insensitive, a swap of two letters counting as one edit) of
// max(2, len(got)/3), or starting with got when got has three letters or
// more ("Documents" → "DocumentsDirectory"). Names longer than 64 bytes are
// never close. Of equally close names the first in known wins.
func Closest(got string, known []string) string {
	best, bestD := "", 1<<30
	lg := strings.ToLower(got)
	for _, k := range known {
		if len(got) > 64 || len(k) > 64 {
			continue
		}
		lk := strings.ToLower(k)
		dist := EditDistance(lg, lk)
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
	return best
}

// EditDistance is the Damerau-Levenshtein (optimal string alignment)
// distance between a and b, over runes, so a swap of two letters ("statsu")
// counts as one edit. It is case-sensitive; the mock server's router also
// scores paths with it.
func EditDistance(a, b string) int {
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
