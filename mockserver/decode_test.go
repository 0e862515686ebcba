package mockserver

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/netconform/netconform/internal/strictyaml"
)

const fullConfig = `routes:
  - path: /file
    method: GET
    status: 200
    headers:
      Content-Type: text/plain
      Set-Cookie: [a=1, b=2]
    body: {generate: {size: 65536, seed: 7}}
    length: none
    delayHeaders: 150ms
    delayBody: 50ms
    trickle: {bytes: 1024, every: 100ms}
    fault: {kind: reset, at: afterBody, bytes: 32768}
  - path: /flaky
    status: 503
    then:
      - status: 503
      - {status: 200, body: ok}
  - path: /hop
    redirect: {status: 301, to: "{{https}}/file", hops: 3, hopStyle: relative}
  - path: /lie
    body: {base64: "AAEC"}
    length: {lie: 100}
  - path: /upload
    method: POST
    request: {slowRead: {bytes: 4096, every: 50ms}}
    echo: true
`

func TestParseConfigFull(t *testing.T) {
	t.Parallel()
	sc, err := ParseConfig("routes.yaml", []byte(fullConfig))
	if err != nil {
		t.Fatal(err)
	}
	want := Scenario{Routes: []Route{
		{Path: "/file", Method: "GET", Response: Response{
			Status:       200,
			Headers:      Headers{{"Content-Type", "text/plain"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}},
			Body:         Body{Generate: &Generate{Size: 65536, Seed: 7}},
			Length:       Length{Mode: LengthNone},
			DelayHeaders: Duration(150 * time.Millisecond),
			DelayBody:    Duration(50 * time.Millisecond),
			Trickle:      &Trickle{Bytes: 1024, Every: Duration(100 * time.Millisecond)},
			Fault:        &Fault{Kind: FaultReset, At: AtAfterBody, Bytes: 32768},
		}},
		{Path: "/flaky", Response: Response{Status: 503}, Then: []Response{{Status: 503}, {Status: 200, Body: Body{Text: "ok"}}}},
		{Path: "/hop", Response: Response{Redirect: &Redirect{Status: 301, To: "{{https}}/file", Hops: 3, HopStyle: HopRelative}}},
		{Path: "/lie", Response: Response{Body: Body{Base64: "AAEC"}, Length: Length{Mode: LengthLie, Lie: 100}}},
		{Path: "/upload", Method: "POST", Response: Response{Echo: true},
			Request: RequestControl{SlowRead: &Pace{Bytes: 4096, Every: Duration(50 * time.Millisecond)}}},
	}}
	if !reflect.DeepEqual(sc, want) {
		t.Fatalf("got  %+v\nwant %+v", sc, want)
	}

	// The same data survives JSON and YAML round trips.
	js, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	var back Scenario
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatalf("unmarshal %s: %v", js, err)
	}
	if !reflect.DeepEqual(back, want) {
		t.Fatalf("JSON round trip:\ngot  %+v\nwant %+v\njson %s", back, want, js)
	}
	ys, err := yaml.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	back, err = ParseConfig("again.yaml", ys)
	if err != nil {
		t.Fatalf("reparse %s: %v", ys, err)
	}
	if !reflect.DeepEqual(back, want) {
		t.Fatalf("YAML round trip:\ngot  %+v\nwant %+v\nyaml %s", back, want, ys)
	}
}

func TestParseConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string // each must appear in the error, in order
	}{
		{"unknown key suggests", "routes:\n  - path: /a\n    statsu: 200\n",
			[]string{`r.yaml:3:5: routes[0].statsu: unknown key "statsu" (did you mean "status"?)`}},
		{"unknown key far from all", "routes:\n  - path: /a\n    zzzzzzzz: 1\n",
			[]string{`r.yaml:3:5: routes[0].zzzzzzzz: unknown key "zzzzzzzz"` + "\n"}},
		{"top-level typo", "route:\n  - path: /a\n", []string{`r.yaml:1:1: route: unknown key "route" (did you mean "routes"?)`}},
		{"wrong scalar type", "routes:\n  - path: /a\n    status: ok\n",
			[]string{`r.yaml:3:13: routes[0].status: want an integer, got string "ok"`}},
		{"bool wanted", "routes:\n  - path: /a\n    echo: 1\n",
			[]string{`r.yaml:3:11: routes[0].echo: want true or false, got integer 1`}},
		{"list wanted", "routes: {path: /a}\n", []string{`r.yaml:1:9: routes: want a list, got a mapping`}},
		{"duration without unit", "routes:\n  - path: /a\n    delayBody: 150\n",
			[]string{`r.yaml:3:16: routes[0].delayBody: duration 150 needs a unit`}},
		{"bad duration", "routes:\n  - path: /a\n    delayBody: soon\n",
			[]string{`r.yaml:3:16: routes[0].delayBody: invalid duration "soon"`}},
		{"duplicate key", "routes:\n  - path: /a\n    path: /b\n",
			[]string{`r.yaml:3:5: routes[0].path: duplicate key "path"`}},
		{"nested unknown key", "routes:\n  - path: /a\n    fault: {kind: reset, att: afterHeaders}\n",
			[]string{`r.yaml:3:26: routes[0].fault.att: unknown key "att" (did you mean "at"?)`}},
		{"validation positioned", "routes:\n  - path: /a\n    fault:\n      kind: rest\n",
			[]string{`r.yaml:4:13: routes[0].fault.kind: unknown fault kind "rest"`, `(did you mean "reset"?)`}},
		{"missing path positioned at route", "routes:\n  - status: 200\n",
			[]string{`r.yaml:2:5: routes[0].path: missing path`}},
		{"several errors in order", "routes:\n  - path: /a\n    statsu: 1\n  - path: /b\n    bdy: x\n",
			[]string{`r.yaml:3:5: routes[0].statsu`, `r.yaml:5:5: routes[1].bdy: unknown key "bdy" (did you mean "body"?)`}},
		{"length mapping strict", "routes:\n  - path: /a\n    length: {lies: 3}\n",
			[]string{`routes[0].length.lies: unknown key "lies" (did you mean "lie"?)`}},
		{"header null", "routes:\n  - path: /a\n    headers: {X-A: null}\n",
			[]string{`r.yaml:3:20: routes[0].headers.X-A: want a string or a list of strings, got null`}},
		{"syntax error", "routes: [\n", []string{`r.yaml:1:9: did not find expected node content`}},
		{"empty", "", []string{`r.yaml: empty config`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseConfig("r.yaml", []byte(tc.in))
			wantInOrder(t, err, tc.want)
		})
	}
}

// wantInOrder fails unless err's message, plus a final newline, holds each
// of want in order.
func wantInOrder(t *testing.T, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error() + "\n"
	at := 0
	for _, w := range want {
		i := strings.Index(msg[at:], w)
		if i < 0 {
			t.Fatalf("error\n%s\ndoes not contain (after offset %d)\n%s", msg, at, w)
		}
		at += i + len(w)
	}
}

func TestDecodeScenarioFromCaseNode(t *testing.T) {
	t.Parallel()
	// A case file embeds the scenario under `server:`; the loader hands over
	// that node, and positions stay those of the case file.
	src := "id: x\nserver:\n  routes:\n    - path: /a\n      delayBdy: 1s\n"
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	node := doc.Content[0].Content[3]
	_, err := DecodeScenario("cases/x.yaml", node)
	var pe *PosError
	if !errors.As(err, &pe) {
		t.Fatalf("want a *PosError, got %v", err)
	}
	if pe.Line != 5 || pe.Col != 7 || pe.Field != "routes[0].delayBdy" {
		t.Fatalf("got %d:%d %s (%v)", pe.Line, pe.Col, pe.Field, err)
	}
	if !strings.Contains(err.Error(), `(did you mean "delayBody"?)`) {
		t.Fatalf("no suggestion in %v", err)
	}
	sc, err := DecodeScenario("cases/x.yaml", nil)
	if err != nil || len(sc.Routes) != 0 {
		t.Fatalf("nil node: %v %v", sc, err)
	}
}

// caseLike embeds a Scenario as a case file does.
type caseLike struct {
	ID     string   `yaml:"id"`
	Server Scenario `yaml:"server"`
}

func TestScenarioInStrictDecoder(t *testing.T) {
	t.Parallel()
	// The scenario validates itself where it is embedded, its errors under
	// the embedding field, and reads strings leniently even in a strict
	// decoder.
	src := "id: x\nserver:\n  routes:\n    - status: 200\n    - {path: /b, method: 1}\n"
	var c caseLike
	d := strictyaml.NewDecoder("c.yaml")
	d.StrictStrings = true
	d.Decode(parseNode(t, src), &c, "")
	err := d.Err()
	var pe *PosError
	if !errors.As(err, &pe) || pe.Field != "server.routes[0].path" || pe.Line != 4 || pe.Col != 7 {
		t.Fatalf("want a PosError at 4:7 server.routes[0].path, got %v", err)
	}
	if strings.Contains(err.Error(), "quote it") || len(c.Server.Routes) != 2 || c.Server.Routes[1].Method != "1" {
		t.Fatalf("scenario strings not lenient: %v %+v", err, c.Server)
	}

	// A valid scenario decodes with no error, and StrictStrings is restored.
	d = strictyaml.NewDecoder("c.yaml")
	d.StrictStrings = true
	d.Decode(parseNode(t, "id: 3\nserver: {routes: [{path: /a}]}\n"), &c, "")
	if err := d.Err(); err == nil || !strings.Contains(err.Error(), "c.yaml:1:5: id: want a string") {
		t.Fatalf("want the strict id error only, got %v", err)
	}
}

// parseNode parses src into its root node.
func parseNode(t *testing.T, src string) *yaml.Node {
	t.Helper()
	n, err := strictyaml.Parse("", []byte(src))
	if err != nil || n == nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return n
}

func TestJSONStrictBody(t *testing.T) {
	t.Parallel()
	var r Route
	if err := json.Unmarshal([]byte(`{"path":"/a","body":{"txt":"x"}}`), &r); err == nil {
		t.Fatal("unknown body key accepted")
	}
	if err := json.Unmarshal([]byte(`{"path":"/a","body":"hi","delayBody":"2s","length":{"lie":3}}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.Body.Text != "hi" || time.Duration(r.DelayBody) != 2*time.Second || r.Length != (Length{Mode: LengthLie, Lie: 3}) {
		t.Fatalf("got %+v", r)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	bad := []struct {
		name  string
		route Route
		field string
	}{
		{"two bodies", Route{Path: "/a", Response: Response{Body: Body{Text: "x", File: "f"}}}, "routes[0].body"},
		{"bad base64", Route{Path: "/a", Response: Response{Body: Body{Base64: "!!"}}}, "routes[0].body.base64"},
		{"trickle both", Route{Path: "/a", Response: Response{Trickle: &Trickle{Bytes: 1, Chunks: 2}}}, "routes[0].trickle"},
		{"trickle empty", Route{Path: "/a", Response: Response{Trickle: &Trickle{}}}, "routes[0].trickle"},
		{"bytes needs afterBody", Route{Path: "/a", Response: Response{Fault: &Fault{Kind: FaultClose, Bytes: 3}}}, "routes[0].fault.bytes"},
		{"redirect no to", Route{Path: "/a", Response: Response{Redirect: &Redirect{}}}, "routes[0].redirect.to"},
		{"redirect non-3xx", Route{Path: "/a", Response: Response{Redirect: &Redirect{To: "/b", Status: 200}}}, "routes[0].redirect.status"},
		{"lie zero", Route{Path: "/a", Response: Response{Length: Length{Mode: LengthLie}}}, "routes[0].length.lie"},
		{"echo and body", Route{Path: "/a", Response: Response{Echo: true, Body: Body{Text: "x"}}}, "routes[0].echo"},
		{"path relative", Route{Path: "a"}, "routes[0].path"},
		{"then validated", Route{Path: "/a", Then: []Response{{Status: 42}}}, "routes[0].then[0].status"},
		{"early and slow", Route{Path: "/a", Request: RequestControl{AnswerEarly: true, SlowRead: &Pace{Bytes: 1}}}, "routes[0].request.answerEarly"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Scenario{Routes: []Route{tc.route}}.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("want a FieldError at %s, got %v", tc.field, err)
			}
		})
	}
	if err := (Scenario{Routes: []Route{{Path: "/ok"}}}).Validate(); err != nil {
		t.Fatal(err)
	}
}
