package casefile

import (
	"cmp"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/internal/strictyaml"
)

// BaseDirs returns the Solar2D base directory constant names a case may use.
func BaseDirs() []string {
	return []string{"DocumentsDirectory", "TemporaryDirectory", "CachesDirectory", "ResourceDirectory"}
}

// Area returns the case's area: the first segment of its id.
func (c *Case) Area() string {
	area, _, _ := strings.Cut(c.ID, ".")
	return area
}

// AllLabels returns the case's Ginkgo labels: "area:<area>", "req:<id>" for
// each requirement, "level:<level>" when overridden, then Labels.
func (c *Case) AllLabels() []string {
	out := []string{"area:" + c.Area()}
	for _, r := range c.Requirements {
		out = append(out, "req:"+r)
	}
	if c.Level != "" {
		out = append(out, "level:"+string(c.Level))
	}
	return append(out, c.Labels...)
}

// validator checks one decoded case and fills its defaults in.
type validator struct {
	d     *strictyaml.Decoder
	c     *Case
	field string
	calls map[string]*Call
}

// failAt reports a problem at the node of field (relative to the case), or
// the closest decoded parent.
func (v *validator) failAt(field, format string, args ...any) {
	full := strictyaml.Join(v.field, field)
	n := nodeAt(v.d, full)
	if n == nil {
		n = v.d.Nearest(full) // "a.b#key" is not a field: its parent "a" is next
	}
	if n == nil {
		n = &yaml.Node{Line: v.c.Pos.Line, Column: v.c.Pos.Col}
	}
	v.d.Failf(n, strings.TrimSuffix(full, "#key"), format, args...)
}

func (v *validator) validate() {
	c := v.c
	switch {
	case c.ID == "":
		v.failAt("id", "missing id")
	case !IDPattern.MatchString(c.ID):
		v.failAt("id", "id %q must be dotted lower-case, area first (e.g. files.error-body-keeps-file)", c.ID)
	}
	if strings.TrimSpace(c.Title) == "" {
		v.failAt("title", "missing title")
	}
	if len(c.Requirements) == 0 {
		v.failAt("requirements", "missing requirements (at least one rule id, e.g. [F2])")
	}
	for i, r := range c.Requirements {
		v.req(fmt.Sprintf("requirements[%d]", i), r)
	}
	if c.Level != "" && !c.Level.Valid() {
		v.failAt("level", "level must be must, should or info, got %q", c.Level)
	}
	if c.MinScale < 0 {
		v.failAt("minScale", "minScale must not be negative")
	}
	for i := range c.Given.Files {
		v.givenFile(fmt.Sprintf("given.files[%d]", i), &c.Given.Files[i])
	}
	v.normaliseCalls()
	for i := range c.Actions {
		v.action(fmt.Sprintf("actions[%d]", i), &c.Actions[i])
	}
	v.expect()
}

func (v *validator) req(field, r string) {
	if r != "" && !ReqPattern.MatchString(r) {
		v.failAt(field, "requirement id %q must be a rule number such as E13", r)
	}
}

func (v *validator) dir(field, d string) {
	if d != "" && !slices.Contains(BaseDirs(), d) {
		v.failAt(field, "unknown base directory %q%s", d, strictyaml.Suggest(d, BaseDirs()))
	}
}

func (v *validator) givenFile(field string, g *GivenFile) {
	v.dir(field+".dir", g.Dir)
	switch dir := cmp.Or(g.Dir, driver.DocumentsDirectory); {
	case g.Name == "":
		v.failAt(field+".name", "missing name")
	default:
		if err := driver.CheckName(dir, g.Name); err != nil {
			v.failAt(field+".name", "%v", err)
		}
	}
	if g.Base64 != "" {
		if _, err := decodeGiven(g.Base64); err != nil {
			v.failAt(field+".base64", "%v", err)
		}
	}
	n := 0
	for _, set := range []bool{g.Text != nil, g.Base64 != "", g.Size > 0, g.Link != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		v.failAt(field, "give at most one of text, base64, size and link")
	}
	if g.Link != "" {
		dir, rest, _ := strings.Cut(g.Link, "/")
		if !slices.Contains(BaseDirs(), dir) || rest != "" && !filepath.IsLocal(filepath.FromSlash(rest)) {
			v.failAt(field+".link", "link must be a base directory name, optionally followed by /path inside it, got %q", g.Link)
		}
	}
	if g.Size < 0 {
		v.failAt(field+".size", "size must not be negative")
	}
}

func (v *validator) normaliseCalls() {
	c := v.c
	switch {
	case c.Call != nil && c.Calls != nil:
		v.failAt("calls", "give call or calls, not both")
	case c.Call != nil:
		if c.Call.ID == "" {
			c.Call.ID = "main"
		}
		c.Calls = []*Call{c.Call}
		c.Call = nil
		v.callDefaults("call", c.Calls[0])
	case len(c.Calls) == 0:
		v.failAt("call", "missing call (or calls)")
	default:
		for i, cl := range c.Calls {
			f := fmt.Sprintf("calls[%d]", i)
			if cl.ID == "" {
				v.failAt(f, "missing id (every call of calls needs one)")
			}
			v.callDefaults(f, cl)
		}
	}
	v.calls = map[string]*Call{}
	for i, cl := range c.Calls {
		if cl.ID == "" {
			continue
		}
		if _, dup := v.calls[cl.ID]; dup {
			v.failAt(fmt.Sprintf("calls[%d].id", i), "duplicate call id %q", cl.ID)
		}
		v.calls[cl.ID] = cl
	}
	for i, cl := range c.Calls {
		if cl.After != "" && (v.calls[cl.After] == nil || cl.After == cl.ID) {
			v.failAt(fmt.Sprintf("calls[%d].after", i), "after names no other call: %q", cl.After)
		}
	}
}

func (v *validator) callDefaults(field string, cl *Call) {
	if cl.ID != "" && !CallIDPattern.MatchString(cl.ID) {
		v.failAt(field+".id", "call id %q must be letters, digits, _ or -", cl.ID)
	}
	switch cl.Fn {
	case "":
		cl.Fn = FnRequest
	case FnRequest, FnUpload, FnDownload:
	default:
		v.failAt(field+".fn", "fn must be request, upload or download, got %q", cl.Fn)
	}
	if cl.URL == "" {
		v.failAt(field+".url", "missing url")
	}
	if cl.Listener != "" && cl.Listener != "none" {
		v.failAt(field+".listener", `listener must be "none" or absent, got %q`, cl.Listener)
	}
	if cl.Repeat < 0 || cl.Repeat > 1000 {
		v.failAt(field+".repeat", "repeat must be 0..1000")
	}
	v.dir(field+".baseDirectory", cl.BaseDirectory)
	if cl.Fn == FnRequest && (cl.Filename != "" || cl.BaseDirectory != "" || cl.ContentType != "") {
		v.failAt(field, "filename, baseDirectory and contentType are upload/download arguments; use params for request")
	}
	if cl.Fn == FnDownload && cl.ContentType != "" {
		v.failAt(field+".contentType", "download has no contentType argument")
	}
}

// callRef checks that id names a call or an instance "<call>#n".
func (v *validator) callRef(field, id string) {
	base, inst, hasInst := strings.Cut(id, "#")
	cl := v.calls[base]
	if cl == nil {
		v.failAt(field, "no call %q%s", id, strictyaml.Suggest(base, v.callIDs()))
		return
	}
	if hasInst {
		n := 0
		if _, err := fmt.Sscanf(inst, "%d", &n); err != nil || n < 1 || n > max(cl.Repeat, 1) || fmt.Sprint(n) != inst {
			v.failAt(field, "no instance %q (call %q has %d)", id, base, max(cl.Repeat, 1))
		}
	}
}

func (v *validator) callIDs() []string {
	out := make([]string, 0, len(v.calls))
	for id := range v.calls {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func (v *validator) action(field string, a *Action) {
	if a.Cancel == "" && a.At == "" && a.After == 0 {
		v.failAt(field, "an action needs cancel, at or after")
	}
	if a.Cancel != "" {
		v.callRef(field+".cancel", a.Cancel)
	}
	target := a.Call
	if target == "" {
		target = a.Cancel
	}
	if a.Call != "" {
		v.callRef(field+".call", a.Call)
	}
	switch a.At {
	case "", AtBegan, AtProgress, AtEnded, AtReceived, AtSent:
	default:
		v.failAt(field+".at", "at must be began, progress, ended, received or sent, got %q", a.At)
	}
	if a.At != "" && target == "" {
		if len(v.c.Calls) == 1 {
			a.Call = v.c.Calls[0].ID
		} else {
			v.failAt(field+".call", "at needs a call (cancel or call)")
		}
	}
	if a.InListener {
		if a.Cancel == "" || a.At == "" || a.At == AtReceived || a.At == AtSent || a.After != 0 {
			v.failAt(field+".inListener", "inListener needs cancel and at: began, progress or ended, and no after")
		}
	}
}

// eventFields are the keys a Fields map may use.
var eventFields = trace.FieldNames()

func (v *validator) expect() {
	e := &v.c.Expect
	v.callExpect("expect", &e.CallExpect)
	for id := range e.Calls {
		ce := e.Calls[id]
		f := "expect.calls." + id
		if v.calls != nil {
			v.callRef(f+"#key", id)
		}
		v.callExpect(f, &ce)
		e.Calls[id] = ce
	}
	for i := range e.Files {
		v.fileExpect(fmt.Sprintf("expect.files[%d]", i), &e.Files[i])
	}
	if j := e.Journal; j != nil {
		v.req("expect.journal.req", j.Req)
		if j.Count != nil && *j.Count < 0 {
			v.failAt("expect.journal.count", "count must not be negative")
		}
		if j.Count != nil && j.Requests != nil && *j.Count != len(j.Requests) {
			v.failAt("expect.journal.count", "count %d disagrees with %d requests", *j.Count, len(j.Requests))
		}
		for i, r := range j.Requests {
			f := fmt.Sprintf("expect.journal.requests[%d]", i)
			v.req(f+".req", r.Req)
			if r.Path != "" && !strings.HasPrefix(r.Path, "/") {
				v.failAt(f+".path", "path must start with / (it is relative to the case namespace)")
			}
		}
	}
	for i := range e.Timing {
		v.timing(fmt.Sprintf("expect.timing[%d]", i), &e.Timing[i])
	}
	for i, name := range e.SkipInvariants {
		if _, ok := InvariantReqs()[Invariant(name)]; !ok {
			v.failAt(fmt.Sprintf("expect.skipInvariants[%d]", i), "unknown invariant %q%s", name, strictyaml.Suggest(name, invariantNames()))
		}
	}
}

func invariantNames() []string {
	var out []string
	for k := range InvariantReqs() {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

func (v *validator) callExpect(field string, ce *CallExpect) {
	v.req(field+".req", ce.Req)
	if ce.Trace != "" {
		if _, err := trace.Compile(ce.Trace); err != nil {
			v.traceError(field+".trace", err)
		}
	}
	for _, ph := range []struct {
		name string
		f    Fields
	}{{"began", ce.Began}, {"progress", ce.Progress}, {"ended", ce.Ended}, {"each", ce.Each}} {
		for k := range ph.f {
			if !slices.Contains(eventFields, k) {
				v.failAt(field+"."+ph.name+"."+k+"#key", "unknown event field %q%s", k, strictyaml.Suggest(k, eventFields))
			}
		}
	}
	if ce.Rejected != nil && *ce.Rejected && (len(ce.Began)+len(ce.Progress)+len(ce.Ended)+len(ce.Each) > 0 || ce.Trace != "") {
		v.failAt(field+".rejected", "a rejected call has no events: drop trace and event predicates")
	}
}

// traceError positions a grammar error at its column inside the scalar.
func (v *validator) traceError(field string, err error) {
	full := strictyaml.Join(v.field, field)
	n := nodeAt(v.d, full)
	var se *trace.SyntaxError
	if n == nil || !errors.As(err, &se) {
		v.failAt(field, "%v", err)
		return
	}
	col := n.Column + se.Col - 1
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		col++
	}
	v.d.Failf(&yaml.Node{Line: n.Line, Column: col}, full, "trace: %s", se.Msg)
}

func (v *validator) fileExpect(field string, fe *FileExpect) {
	v.dir(field+".dir", fe.Dir)
	v.req(field+".req", fe.Req)
	if fe.Name == "" {
		v.failAt(field+".name", "missing name")
	}
	n := 0
	for _, set := range []bool{fe.Content != nil, fe.Base64 != "", fe.SHA256 != "", fe.Absent, fe.Unchanged, fe.SameAsServed,
		fe.UnchangedOrServed} {
		if set {
			n++
		}
	}
	if n > 1 {
		v.failAt(field, "give one of content, base64, sha256, absent, unchanged, sameAsServed and unchangedOrServed")
	}
	if fe.Absent && fe.Size != nil {
		v.failAt(field+".size", "size contradicts absent")
	}
	if fe.ServedPath != "" && !fe.SameAsServed && !fe.UnchangedOrServed {
		v.failAt(field+".servedPath", "servedPath needs sameAsServed or unchangedOrServed: true")
	}
}

func (v *validator) timing(field string, te *TimingExpect) {
	v.req(field+".req", te.Req)
	if te.Call != "" {
		v.callRef(field+".call", te.Call)
	}
	if te.AtLeast <= 0 {
		v.failAt(field+".atLeast", "atLeast must be a positive duration")
	}
	if te.Each != "" {
		if te.Each != "progress" {
			v.failAt(field+".each", `each must be "progress", got %q`, te.Each)
		}
		if te.From != "" || te.To != "" {
			v.failAt(field, "give each, or from and to")
		}
		return
	}
	for _, m := range []struct{ key, val string }{{"from", te.From}, {"to", te.To}} {
		if m.val == "" {
			v.failAt(field+"."+m.key, "missing %s", m.key)
		} else if !slices.Contains(TimingMoments(), m.val) {
			v.failAt(field+"."+m.key, "unknown moment %q%s", m.val, strictyaml.Suggest(m.val, TimingMoments()))
		}
	}
}
