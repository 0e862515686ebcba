package strictyaml

// The limits of every YAML document the project reads: its size in bytes
// and its size in nodes once aliases are expanded. yaml.v3 parses aliases
// into references (a yaml.Node whose Alias points at the anchored node), so
// parsing a "billion laughs" document is cheap; the cost is in walking it,
// where each alias stands for a whole copy of its target. yaml.v3's own
// alias-ratio check only runs when it decodes into Go values, and lets
// small documents expand 99 % from aliases; it never runs for a yaml.Node.
// So Parse counts the expanded size itself, on the node graph (each node's
// size once, memoised), before any walk, and the Decoder counts the nodes
// it walks against the same limit.

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// The limits of a document, shared by every loader (case files, the
// catalogue, expectations files and routes files).
const (
	// MaxBytes bounds the size of a YAML document: 1 MiB, about 24 times
	// the largest file of the project (the requirement catalogue, 43 KB).
	// Larger content belongs in a body file or a generated body.
	MaxBytes = 1 << 20
	// MaxNodes bounds the nodes of a document counted with every alias
	// expanded (a mapping entry is two nodes, its key and its value): about
	// 80 times the largest file of the project (the catalogue, 1,278).
	MaxNodes = 100_000
)

// ErrTooLarge is the problem of a document over [MaxBytes] or [MaxNodes];
// the error that Parse or a Decoder returns wraps it (errors.Is).
var ErrTooLarge = errors.New("document too large")

// nodeCounter computes expanded node counts over a node graph, memoised
// per node and saturating just past MaxNodes.
type nodeCounter struct {
	size    map[*yaml.Node]int
	onStack map[*yaml.Node]bool
	// cycle is the first alias found that leads back to itself, or nil.
	cycle *yaml.Node
}

// checkNodes returns a *PosError wrapping ErrTooLarge when the document
// under root has more than MaxNodes nodes once its aliases are expanded,
// at the node (an alias, mostly) where the count crosses the limit in
// document order, or at an alias that refers to itself; else nil.
func checkNodes(file string, root *yaml.Node) error {
	c := &nodeCounter{size: map[*yaml.Node]int{}, onStack: map[*yaml.Node]bool{}}
	total := c.count(root)
	switch {
	case c.cycle != nil:
		return &PosError{File: file, Line: c.cycle.Line, Col: c.cycle.Column,
			Err: fmt.Errorf("%w: alias *%s refers to itself", ErrTooLarge, c.cycle.Value)}
	case total > MaxNodes:
		at := c.crossing(root, MaxNodes)
		return &PosError{File: file, Line: at.Line, Col: at.Column,
			Err: fmt.Errorf("%w: more than %d nodes once aliases are expanded (an alias bomb?)", ErrTooLarge, MaxNodes)}
	}
	return nil
}

// count returns the expanded size of n, at most MaxNodes+1.
func (c *nodeCounter) count(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	if s, ok := c.size[n]; ok {
		return s
	}
	c.onStack[n] = true
	defer delete(c.onStack, n)
	total := 1
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		if c.onStack[n.Alias] {
			if c.cycle == nil {
				c.cycle = n
			}
			return MaxNodes + 1 // not memoised: only its cycle is reported
		}
		total = c.count(n.Alias)
	}
	for _, ch := range n.Content {
		if total > MaxNodes {
			break
		}
		total += c.count(ch)
	}
	total = min(total, MaxNodes+1)
	c.size[n] = total
	return total
}

// crossing returns the node of n's expanded tree where a walk in document
// order passes budget nodes: the alias (or plain node) whose expansion
// goes over. n's count must be over budget.
func (c *nodeCounter) crossing(n *yaml.Node, budget int) *yaml.Node {
	for range MaxNodes { // bounded: each step descends one level
		if n.Kind == yaml.AliasNode || budget < 1 {
			return n
		}
		budget--
		next := (*yaml.Node)(nil)
		for _, ch := range n.Content {
			if s := c.size[ch]; s > budget {
				next = ch
				break
			} else {
				budget -= s
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}
