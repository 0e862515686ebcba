package casefile

import (
	"errors"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/netconform/netconform/cases"
	"github.com/netconform/netconform/internal/strictyaml"
	"github.com/netconform/netconform/mockserver"
)

func TestLoadEmbeddedCases(t *testing.T) {
	t.Parallel()
	// Only the examples: the other folders are written by case authors and
	// checked by the specs suite, which loads everything.
	examples := fstest.MapFS{}
	names, err := fs.Glob(cases.FS, "example/*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(cases.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		examples[n] = &fstest.MapFile{Data: b}
	}
	all, err := LoadFS(examples, "cases")
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	if len(all) < 5 {
		t.Fatalf("loaded %d cases, want at least the 5 examples", len(all))
	}
	for _, c := range all {
		if len(c.Calls) == 0 || c.Call != nil || c.Pos.Line == 0 || !strings.HasPrefix(c.Pos.File, "cases/") {
			t.Errorf("%s: not normalised: calls %d, call %v, pos %v", c.ID, len(c.Calls), c.Call, c.Pos)
		}
	}
}

// docExample extracts the complete example from doc.go's comment.
func docExample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	start := strings.Index(s, "// # A complete example")
	end := strings.Index(s, "// Its failure")
	if start < 0 || end < start {
		t.Fatal("doc.go: complete example not found")
	}
	var out []string
	for _, line := range strings.Split(s[start:end], "\n") {
		if rest, ok := strings.CutPrefix(line, "//\t"); ok {
			out = append(out, rest)
		}
	}
	return strings.Join(out, "\n")
}

func TestDocExampleLoads(t *testing.T) {
	t.Parallel()
	cs, err := Load("doc.go", []byte(docExample(t)))
	if err != nil {
		t.Fatalf("the doc.go example does not load: %v", err)
	}
	c := cs[0]
	if c.ID != "files.error-body-keeps-file" || len(c.Calls) != 1 || c.Calls[0].ID != "main" || c.Calls[0].Fn != FnRequest {
		t.Errorf("unexpected case: %+v", c)
	}
	if got := c.Expect.Ended["status"]; got == nil || !got.HasEquals || got.Equals != 404.0 {
		t.Errorf("ended.status = %+v, want equals 404", got)
	}
	if got := c.Expect.Ended["bytesTransferred"]; got == nil || got.Served != "size" {
		t.Errorf("ended.bytesTransferred = %+v", got)
	}
	if len(c.Server.Routes) != 1 || c.Server.Routes[0].Status != 404 {
		t.Errorf("server = %+v", c.Server)
	}
}

func TestLoadShapesAndDefaults(t *testing.T) {
	t.Parallel()
	src := `
id: request.shapes
title: shapes
requirements: [R2]
call:
  url: "{{http}}/x"
  params: {timeout: 3, headers: {X-N: 12, X-B: true}, nested: [1, "a", ~]}
actions:
  - {at: ended, after: 50ms}
expect:
  ended:
    status: {gte: 200, lte: 299}
    responseHeaders: {contains: {Location: ~}}
    response: {contains: "abc"}
    url: ~
  settleNothing: 1
`
	_, err := Load("s.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), `s.yaml:16:3: expect.settleNothing: unknown key "settleNothing"`) {
		t.Fatalf("want unknown key error, got %v", err)
	}
	cs, err := Load("s.yaml", []byte(strings.Replace(src, "  settleNothing: 1\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	c := cs[0]
	want := map[string]any{"timeout": 3.0, "headers": map[string]any{"X-N": 12.0, "X-B": true}, "nested": []any{1.0, "a", nil}}
	if !reflect.DeepEqual(c.Calls[0].Params, want) {
		t.Errorf("params = %#v", c.Calls[0].Params)
	}
	if c.Actions[0].Call != "main" || c.Actions[0].After != mockserver.Duration(50e6) {
		t.Errorf("action = %+v", c.Actions[0])
	}
	st := c.Expect.Ended["status"]
	if *st.Gte != 200 || *st.Lte != 299 {
		t.Errorf("status predicate = %+v", st)
	}
	if !c.Expect.Ended["url"].Absent || !c.Expect.Ended["responseHeaders"].Contains.Keys["Location"].Absent {
		t.Error("bare null should mean absent")
	}
	if *c.Expect.Ended["response"].Contains.Text != "abc" {
		t.Error("contains text")
	}
	if st.Pos.Line != 12 || st.Pos.Col != 13 {
		t.Errorf("predicate pos = %v", st.Pos)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	head := "id: files.x\ntitle: t\nrequirements: [F2]\ncall: {url: \"{{http}}/x\"}\n"
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"typo top", head + "expext: {}\n", []string{`f.yaml:5:1: expext: unknown key "expext" (did you mean "expect"?)`}},
		{"typo field", head + "expect:\n  ended: {statsu: 200}\n", []string{`f.yaml:6:11: expect.ended.statsu: unknown event field "statsu" (did you mean "status"?)`}},
		{"typo predicate", head + "expect:\n  ended: {status: {gt: 1}}\n", []string{`f.yaml:6:20: expect.ended.status.gt: unknown predicate "gt" (did you mean "gte"?)`}},
		{"wrong type", head + "minScale: fast\n", []string{`f.yaml:5:11: minScale: want a number, got string "fast"`}},
		{"bool type", head + "expect: {rejected: yes please}\n", []string{`f.yaml:5:20: expect.rejected: want true or false, got string "yes please"`}},
		{"bad id", strings.Replace(head, "files.x", "Files", 1), []string{`f.yaml:1:5: id: id "Files" must be dotted`}},
		{"bad req", strings.Replace(head, "[F2]", "[F2, f3]", 1), []string{`f.yaml:3:20: requirements[1]: requirement id "f3"`}},
		{"no reqs", strings.Replace(head, "requirements: [F2]\n", "", 1), []string{`requirements: missing requirements`}},
		{"trace col", head + "expect:\n  trace: began progres ended\n", []string{`f.yaml:6:16: expect.trace: trace: unknown phase "progres"`}},
		{"trace col quoted", head + "expect:\n  trace: \"began )\"\n", []string{`f.yaml:6:17: expect.trace: trace: unexpected ')'`}},
		{"bad regexp", head + "expect:\n  ended: {response: {matches: \"(\"}}\n", []string{`f.yaml:6:31: expect.ended.response.matches: invalid regexp`}},
		{"server typo", head + "server:\n  routes:\n    - {path: /x, statsu: 200}\n", []string{`f.yaml:7:18: server.routes[0].statsu: unknown key "statsu" (did you mean "status"?)`}},
		{"call and calls", head + "calls: [{id: a, url: x}]\n", []string{`calls: give call or calls, not both`}},
		{"cancel unknown", head + "actions: [{cancel: mian, at: began}]\n", []string{`f.yaml:5:20: actions[0].cancel: no call "mian" (did you mean "main"?)`}},
		{"inListener received", head + "actions: [{cancel: main, at: received, inListener: true}]\n", []string{`actions[0].inListener: inListener needs`}},
		{"inListener sent", head + "actions: [{cancel: main, at: sent, inListener: true}]\n", []string{`actions[0].inListener: inListener needs`}},
		{"unknown trigger", head + "actions: [{cancel: main, at: done}]\n", []string{`actions[0].at: at must be began, progress, ended, received or sent, got "done"`}},
		{"unchangedOrServed and unchanged", head + "expect:\n  files: [{name: a, unchanged: true, unchangedOrServed: true}]\n", []string{`expect.files[0]: give one of content, base64, sha256, absent, unchanged, sameAsServed and unchangedOrServed`}},
		{"unknown moment", head + "expect:\n  timing: [{from: server.lastbody, to: ended, atLeast: 1s}]\n", []string{`expect.timing[0].from: unknown moment "server.lastbody" (did you mean "server.lastBody"?)`}},
		{"bad duration", head + "budget: 3 seconds\n", []string{`f.yaml:5:9: budget: invalid duration "3 seconds"`}},
		{"files two checks", head + "expect:\n  files: [{name: a, absent: true, unchanged: true}]\n", []string{`expect.files[0]: give one of`}},
		{"bad dir", head + "given: {files: [{dir: Documents, name: a}]}\n", []string{`given.files[0].dir: unknown base directory "Documents" (did you mean "DocumentsDirectory"?)`}},
		{"skip invariant", head + "expect: {skipInvariants: [urll]}\n", []string{`unknown invariant "urll" (did you mean "url"?)`}},
		{"unknown calls key", head + "expect:\n  calls: {other: {trace: ended}}\n", []string{`f.yaml:6:11: expect.calls.other: no call "other"`}},
		{"list predicate", head + "expect: {ended: {status: [1, 2]}}\n", []string{`expect.ended.status: a list is not a predicate`}},
		{"duplicate ids", "- " + strings.ReplaceAll(head, "\n", "\n  ") + "\n- " + strings.ReplaceAll(head, "\n", "\n  "), []string{`[1].id: duplicate case id "files.x"`}},
		{"two problems", head + "expext: 1\nminScale: x\n", []string{`5:1: expext`, `6:11: minScale`}},
		{"number for string", head + "labels: [1]\n", []string{`f.yaml:5:10: labels[0]: want a string, got integer 1 (quote it)`}},
		{"duration unit", head + "budget: 5\n", []string{`f.yaml:5:9: budget: duration 5 needs a unit, such as "5ms" or "5s"`}},
		{"contains duplicate", head + "expect: {ended: {responseHeaders: {contains: {A: 1, A: 2}}}}\n",
			[]string{`f.yaml:5:53: expect.ended.responseHeaders.contains.A: duplicate key "A"`}},
		{"server validated in place", head + "server:\n  routes:\n    - {status: 200}\n", []string{`f.yaml:7:7: server.routes[0].path: missing path`}},
		{"not a case", "- 1\n", []string{`f.yaml:1:3: [0]: want a mapping, got integer 1`}},
		{"empty", "", []string{`f.yaml:1:1: empty case file`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load("f.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("Load succeeded, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadPositions(t *testing.T) {
	t.Parallel()
	src := `id: files.pos
title: t
requirements: [F2]
calls:
  - {id: a, url: x}
  - id: b
    url: y
server:
  routes: [{path: /x, method: 200}]
expect:
  calls:
    b: {ended: {responseHeaders: {contains: {Location: ~}}}}
  files:
    - {name: f, absent: true}
  journal: {count: 2}
`
	cs, err := Load("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := cs[0]
	for _, tc := range []struct {
		name      string
		got       Pos
		line, col int
	}{
		{"case", c.Pos, 1, 1},
		{"calls[0]", c.Calls[0].Pos, 5, 5},
		{"calls[1]", c.Calls[1].Pos, 6, 5},
		{"expect.calls.b", c.Expect.Calls["b"].Pos, 12, 8},
		{"contains key predicate", c.Expect.Calls["b"].Ended["responseHeaders"].Contains.Keys["Location"].Pos, 12, 56},
		{"expect.files[0]", c.Expect.Files[0].Pos, 14, 7},
		{"expect.journal", c.Expect.Journal.Pos, 15, 12},
	} {
		if tc.got != (Pos{File: "p.yaml", Line: tc.line, Col: tc.col}) {
			t.Errorf("%s: pos %v, want p.yaml:%d:%d", tc.name, tc.got, tc.line, tc.col)
		}
	}
	// The server block reads strings as serve --config does: any scalar.
	if m := c.Server.Routes[0].Method; m != "200" {
		t.Errorf("server method = %q, want the text 200", m)
	}
}

func TestLoadErrorsArePositioned(t *testing.T) {
	t.Parallel()
	_, err := Load("f.yaml", []byte("id: a.b\ntitle: t\nrequirements: [F2]\ncall: {url: x}\nexpect: {ended: {statsu: 1}}\n"))
	var pe *strictyaml.PosError
	if !errors.As(err, &pe) || pe.Line != 5 || pe.Field != "expect.ended.statsu" {
		t.Fatalf("want a *strictyaml.PosError at line 5, got %#v", err)
	}
}

func TestLoadFSAreaAndDuplicates(t *testing.T) {
	t.Parallel()
	fsys := mapFS{
		"files/a.yaml":    "id: files.a\ntitle: t\nrequirements: [F2]\ncall: {url: x}\n",
		"files/b.yaml":    "id: files.a\ntitle: t\nrequirements: [F2]\ncall: {url: x}\n",
		"cancel/c.yaml":   "id: files.c\ntitle: t\nrequirements: [F2]\ncall: {url: x}\n",
		"cancel/notes.md": "ignored",
	}
	_, err := LoadFS(fsys.fs(), "cases")
	if err == nil {
		t.Fatal("LoadFS succeeded")
	}
	for _, w := range []string{`cases/files/b.yaml:1:1: id: duplicate case id "files.a" (also at cases/files/a.yaml:1:1)`,
		`cases/cancel/c.yaml:1:1: id: case "files.c" has area "files" but lives in folder "cancel"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error\n%v\nlacks %q", err, w)
		}
	}
}

func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"id: a.b\ntitle: t\nrequirements: [F2]\ncall: {url: x}\nexpect: {trace: ended, ended: {status: {gte: 1}}}\n",
		"cases: [{id: a.b}]", "- {}", "expect: {calls: {x: {}}}", "&a [*a]", "id: [",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := Load("f.yaml", data)
		if err == nil && len(cs) == 0 {
			t.Fatal("no cases and no error")
		}
	})
}
