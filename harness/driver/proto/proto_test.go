package proto

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/internal/schemacheck"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestBytesRoundTrip(t *testing.T) {
	t.Parallel()
	bin := "\x00\xff\xfe\x80"
	line, err := Encode(Message{Type: TypeEvent, Session: "s1", Seq: 1, Kind: driver.KindEvent, Handle: "h1",
		Fields: map[string]any{"response": bin, "status": int64(200), "responseHeaders": map[string]any{"X": "ok"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(line, []byte(`"response":{"$bytes":"AP/+gA=="}`)) || bytes.Contains(line, []byte("\n")) {
		t.Fatalf("line %s: want the response as $bytes, one line", line)
	}
	m, err := Decode(line)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"response": bin, "status": int64(200), "responseHeaders": map[string]any{"X": "ok"}}
	if !reflect.DeepEqual(m.Fields, want) {
		t.Errorf("fields %#v, want %#v", m.Fields, want)
	}
	call, err := Decode([]byte(`{"type":"call","id":1,"session":"s1","call":{"url":"u","params":{"timeout":2,"body":{"$bytes":"AQI="}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p := call.Call.Params; p["timeout"] != 2.0 || p["body"] != "\x01\x02" {
		t.Errorf("params %#v: want float64 numbers and the decoded bytes", p)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, line, want string }{
		{"not json", `oops`, "not a JSON message"},
		{"no type", `{"id":1}`, "without a type"},
		{"unknown type", `{"type":"frobnicate"}`, "unknown message type"},
		{"two values", `{"type":"log"} {"type":"log"}`, "more than one"},
		{"bad bytes", `{"type":"event","fields":{"response":{"$bytes":"!!"}}}`, "event fields"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode([]byte(tc.line))
			var pe *Error
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Decode(%s) = %v, want a protocol error with %q", tc.line, err, tc.want)
			}
		})
	}
}

func TestLineReaderLimit(t *testing.T) {
	t.Parallel()
	in := "short\r\n" + strings.Repeat("x", 100) + "\nlast"
	lr := NewLineReader(strings.NewReader(in), 50)
	if l, err := lr.ReadLine(); err != nil || string(l) != "short" {
		t.Fatalf("first = %q, %v", l, err)
	}
	if _, err := lr.ReadLine(); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("second = %v, want ErrLineTooLong", err)
	}
	lr = NewLineReader(strings.NewReader("a\nlast"), 0)
	_, _ = lr.ReadLine()
	if l, err := lr.ReadLine(); err != nil || string(l) != "last" {
		t.Errorf("unterminated last line = %q, %v", l, err)
	}
	if _, err := lr.ReadLine(); !errors.Is(err, io.EOF) {
		t.Errorf("after the end = %v, want EOF", err)
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	caps := driver.Capabilities{}
	if v, err := Negotiate(Message{Type: TypeHello, Versions: []int{2, 1}, Capabilities: &caps}); err != nil || v != 1 {
		t.Errorf("Negotiate([2 1]) = %d, %v", v, err)
	}
	if _, err := Negotiate(Message{Type: TypeHello, Versions: []int{2}, Capabilities: &caps}); err == nil ||
		!strings.Contains(err.Error(), "no common protocol version") {
		t.Errorf("Negotiate([2]) = %v", err)
	}
	if _, err := Negotiate(Message{Type: TypeLog}); err == nil {
		t.Error("Negotiate(log) succeeded")
	}
}

// TestSchemaAgrees: every message field is in the JSON Schema and the other
// way round, and so are the fields of the nested config, callArgs,
// capabilities, cancelled, placeFile and fileEntry objects, so the schema
// cannot drift from the code.
func TestSchemaAgrees(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../protocol.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Defs map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	inSchema := map[string]bool{}
	for _, typ := range []string{TypeHello, TypeWelcome, TypeBye, TypeOpen, TypeCall, TypeCancel, TypeClose,
		TypePlace, TypeFiles, TypeReply, TypeEvent, TypeLog} {
		def, ok := schema.Defs[typ]
		if !ok {
			t.Errorf("schema has no $defs/%s", typ)
		}
		for k := range def.Properties {
			inSchema[k] = true
		}
	}
	var tags []string
	rt := reflect.TypeFor[Message]()
	for i := range rt.NumField() {
		tags = append(tags, strings.Split(rt.Field(i).Tag.Get("json"), ",")[0])
	}
	for _, tag := range tags {
		if !inSchema[tag] {
			t.Errorf("Message field %q is in no message of the schema", tag)
		}
	}
	for k := range inSchema {
		if !slices.Contains(tags, k) {
			t.Errorf("schema property %q is no Message field", k)
		}
	}
	for name, typ := range map[string]reflect.Type{"config": reflect.TypeFor[driver.Config](),
		"callArgs": reflect.TypeFor[driver.Call](), "capabilities": reflect.TypeFor[driver.Capabilities](),
		"cancelled": reflect.TypeFor[driver.Cancelled](), "placeFile": reflect.TypeFor[PlaceFile](),
		"fileEntry": reflect.TypeFor[FileEntry]()} {
		var fields []string
		for i := range typ.NumField() {
			tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
			fields = append(fields, tag)
			if _, ok := schema.Defs[name].Properties[tag]; !ok {
				t.Errorf("schema $defs/%s lacks %q", name, tag)
			}
		}
		for k := range schema.Defs[name].Properties {
			if !slices.Contains(fields, k) {
				t.Errorf("schema $defs/%s property %q is no field of %s", name, k, typ)
			}
		}
	}
}

// TestDocExamplesDecode: every example line of docs/driver-protocol.md
// decodes as a message and is valid for its type's schema.
func TestDocExamplesDecode(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../../docs/driver-protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../protocol.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	defs, _ := schema["$defs"].(map[string]any)
	n := 0
	for line := range strings.SplitSeq(string(doc), "\n") {
		line = strings.Trim(strings.TrimSpace(line), "`")
		if !strings.HasPrefix(line, `{"type":`) {
			continue
		}
		n++
		m, err := Decode([]byte(line))
		if err != nil {
			t.Errorf("example %s: %v", line, err)
			continue
		}
		var v any
		_ = json.Unmarshal([]byte(line), &v)
		def, _ := defs[m.Type].(map[string]any)
		sub := map[string]any{"$defs": defs}
		maps.Copy(sub, def)
		for _, e := range schemacheck.Validate(sub, v) {
			t.Errorf("example %s: schema $defs/%s: %s", line, m.Type, e)
		}
	}
	if n < 12 {
		t.Errorf("found %d example lines, want one per message at least", n)
	}
}

// pipeConn is an in-memory Conn: the test plays the driver on the other end.
type pipeConn struct {
	lr     *LineReader
	r      *io.PipeReader
	w      *io.PipeWriter
	closed chan struct{}
}

// newPipeConn returns the harness's conn and the driver's reader and writer.
func newPipeConn() (*pipeConn, *LineReader, *io.PipeWriter) {
	toDrvR, toDrvW := io.Pipe()
	toHarR, toHarW := io.Pipe()
	return &pipeConn{lr: NewLineReader(toHarR, 0), r: toHarR, w: toDrvW}, NewLineReader(toDrvR, 0), toHarW
}

func (c *pipeConn) ReadLine() ([]byte, error) { return c.lr.ReadLine() }
func (c *pipeConn) WriteLine(_ context.Context, l []byte) error {
	_, err := c.w.Write(append(l, '\n'))
	return err
}
func (c *pipeConn) Close() error { return errors.Join(c.r.Close(), c.w.Close()) }

// TestPeerViolations: a driver that breaks the protocol fails the operation
// and the session with the reason, and the session's events close.
func TestPeerViolations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		after func(req Message) []string // lines answering a request
		op    func(s driver.Session) error
		want  string
	}{
		{"unknown reply id", func(req Message) []string { return []string{`{"type":"reply","id":99,"handle":"h1"}`} },
			func(s driver.Session) error {
				_, err := s.Call(context.Background(), driver.Call{URL: "u"})
				return err
			},
			"reply to unknown request 99"},
		{"two results", func(req Message) []string {
			return []string{replyLine(req.ID, `"handle":"h1","error":"x"`)}
		}, func(s driver.Session) error {
			_, err := s.Call(context.Background(), driver.Call{URL: "u"})
			return err
		},
			"has 2 results"},
		{"cancel after unseen seq", func(req Message) []string {
			return []string{replyLine(req.ID, `"cancelled":{"returned":true,"afterSeq":3}`)}
		}, func(s driver.Session) error { _, err := s.Cancel(context.Background(), "h1"); return err },
			"cancel after seq 3, but the last event was 0"},
		{"no reply", func(Message) []string { return nil },
			func(s driver.Session) error {
				_, err := s.Call(context.Background(), driver.Call{URL: "u"})
				return err
			},
			"no reply to call within " + noReplyOpTimeout.String()},
		{"event before reply", func(req Message) []string {
			return []string{`{"type":"event","session":"s1","seq":1,"kind":"event","handle":"h1","fields":{}}`,
				replyLine(req.ID, `"handle":"h1"`)}
		}, func(s driver.Session) error {
			_, err := s.Call(context.Background(), driver.Call{URL: "u"})
			return err
		},
			"unknown handle"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := DefaultOpTimeout // a bound that only catches a hang
			if tc.name == "no reply" {
				op = noReplyOpTimeout
			}
			s, closeAll := scripted(t, op, tc.after)
			defer closeAll()
			err := tc.op(s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if err := s.Close(context.Background()); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Close = %v, want the same reason", err)
			}
			if _, ok := <-s.Events(); ok {
				t.Error("events not closed after the peer broke")
			}
		})
	}
}

// replyLine formats a reply with id and result fields.
func replyLine(id int64, fields string) string {
	b, _ := json.Marshal(id)
	return `{"type":"reply","id":` + string(b) + `,` + fields + `}`
}

// noReplyOpTimeout is the op timeout of the one case that waits for it to
// expire; every other scripted peer keeps DefaultOpTimeout, so that a slow
// goroutine under -race, a fuzzer or a loaded machine is never a violation.
const noReplyOpTimeout = 300 * time.Millisecond

// scripted starts a peer with op timeout op over a pipe whose driver end
// says hello, accepts open, then answers each later request with after(req).
func scripted(t *testing.T, op time.Duration, after func(Message) []string) (driver.Session, func()) {
	t.Helper()
	conn, drvIn, drvOut := newPipeConn()
	done := make(chan struct{})
	go func() {
		defer close(done)
		hello, _ := Encode(Hello("scripted", driver.Capabilities{}))
		if _, err := drvOut.Write(append(hello, '\n')); err != nil {
			return
		}
		for {
			line, err := drvIn.ReadLine()
			if err != nil {
				return
			}
			m, _ := Decode(line)
			var out []string
			switch m.Type {
			case TypeWelcome, TypeBye:
			case TypeOpen:
				out = []string{replyLine(m.ID, `"ok":true`)}
			default:
				out = after(m)
			}
			for _, l := range out {
				if _, err := io.WriteString(drvOut, l+"\n"); err != nil {
					return
				}
			}
		}
	}()
	p, err := Handshake(t.Context(), conn, PeerOptions{OpTimeout: op})
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	s, err := p.Open(t.Context(), driver.Config{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s, func() {
		_ = p.Close(context.Background())
		_ = drvOut.Close()
		<-done
	}
}
