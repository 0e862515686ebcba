package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// node is a parsed HTML element: enough DOM for structural assertions.
type node struct {
	Name     string
	Attrs    map[string]string
	Children []*node
	Text     string // direct text content
	Parent   *node
}

// parseHTML parses HTML with encoding/xml in its lenient HTML mode (void
// elements auto-closed, HTML entities, valueless attributes).
func parseHTML(t *testing.T, b []byte) *node {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	root := &node{Name: "#root", Attrs: map[string]string{}}
	cur := root
	for i := 0; ; i++ {
		if i > 1_000_000 {
			t.Fatal("too many tokens")
		}
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("html does not parse: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			n := &node{Name: strings.ToLower(x.Name.Local), Attrs: map[string]string{}, Parent: cur}
			for _, a := range x.Attr {
				n.Attrs[a.Name.Local] = a.Value
			}
			cur.Children = append(cur.Children, n)
			cur = n
		case xml.EndElement:
			if cur.Parent == nil || cur.Name != strings.ToLower(x.Name.Local) {
				t.Fatalf("mismatched </%s> inside <%s>", x.Name.Local, cur.Name)
			}
			cur = cur.Parent
		case xml.CharData:
			cur.Text += string(x)
		}
	}
	if cur != root {
		t.Fatalf("unclosed <%s>", cur.Name)
	}
	return root
}

// all returns the descendants of n that match.
func (n *node) all(match func(*node) bool) []*node {
	var out []*node
	for _, c := range n.Children {
		if match(c) {
			out = append(out, c)
		}
		out = append(out, c.all(match)...)
	}
	return out
}

// byID returns the descendant with the given id, or nil.
func (n *node) byID(id string) *node {
	if got := n.all(func(c *node) bool { return c.Attrs["id"] == id }); len(got) > 0 {
		return got[0]
	}
	return nil
}

// tag matches elements by name.
func tag(name string) func(*node) bool { return func(c *node) bool { return c.Name == name } }

// class matches elements with a class.
func class(cls string) func(*node) bool {
	return func(c *node) bool { return strings.Contains(" "+c.Attrs["class"]+" ", " "+cls+" ") }
}

// text returns all the text under n.
func (n *node) text() string {
	var b strings.Builder
	b.WriteString(n.Text)
	for _, c := range n.Children {
		b.WriteString(c.text())
	}
	return b.String()
}
