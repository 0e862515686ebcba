package impl

import (
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/h2non/gock"
)

// gockEngine returns an engine whose client gock intercepts. gock is
// process-global: tests using it are never parallel and always clean up.
func gockEngine(t *testing.T) *Engine {
	t.Helper()
	e := newEngine(t, WithTransport(&http.Transport{}))
	gock.InterceptClient(e.HTTPClient())
	t.Cleanup(func() {
		gock.RestoreClient(e.HTTPClient())
		gock.Off()
	})
	return e
}

// sent is what a gock matcher saw of a request.
type sent struct {
	method  string
	header  http.Header
	body    string
	hasBody bool
}

// capture registers a mock for any method on url that records the request.
func capture(t *testing.T, url string, got *sent) *gock.Response {
	t.Helper()
	return gock.New(url).AddMatcher(func(r *http.Request, _ *gock.Request) (bool, error) {
		got.method, got.header = r.Method, r.Header.Clone()
		if r.Body != nil && r.Body != http.NoBody {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return false, err
			}
			_ = r.Body.Close()
			got.body, got.hasBody = string(b), true
		}
		return true, nil
	}).Reply(200)
}

func TestRequestBuilding(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		p        *Params
		wantMeth string
		wantHdr  map[string]string // "" means absent
		wantBody *string           // nil means no body
	}{
		{name: "default method is GET (R1)", method: "", wantMeth: "GET"},
		{name: "method upper-cased (R1)", method: "patch", p: &Params{Body: &Body{Data: "x"}}, wantMeth: "PATCH",
			wantBody: ptr("x")},
		{name: "any token sent as given (R1)", method: "purge", wantMeth: "PURGE"},
		{name: "header values as text (R2)", method: "GET",
			p:        &Params{Headers: map[string]string{"x-num": "42", "X-Bool": "true"}},
			wantMeth: "GET", wantHdr: map[string]string{"X-Num": "42", "X-Bool": "true"}},
		{name: "user Content-Length ignored (R2)", method: "POST",
			p:        &Params{Headers: map[string]string{"content-length": "999"}, Body: &Body{Data: "abc"}},
			wantMeth: "POST", wantHdr: map[string]string{"Content-Length": ""}, wantBody: ptr("abc")},
		{name: "text body default type (R5)", method: "POST", p: &Params{Body: &Body{Data: "hi"}},
			wantMeth: "POST", wantHdr: map[string]string{"Content-Type": "text/plain; charset=UTF-8"}, wantBody: ptr("hi")},
		{name: "charset appended to text body (R4)", method: "PUT",
			p:        &Params{Headers: map[string]string{"Content-Type": "application/json"}, Body: &Body{Data: "{}"}},
			wantMeth: "PUT", wantHdr: map[string]string{"Content-Type": "application/json; charset=UTF-8"}, wantBody: ptr("{}")},
		{name: "declared charset kept (R4)", method: "POST",
			p:        &Params{Headers: map[string]string{"content-type": "text/csv; charset=ISO-8859-1"}, Body: &Body{Data: "a"}},
			wantMeth: "POST", wantHdr: map[string]string{"Content-Type": "text/csv; charset=ISO-8859-1"}, wantBody: ptr("a")},
		{name: "text body encoded in the declared charset (R4)", method: "POST",
			p:        &Params{Headers: map[string]string{"Content-Type": "text/plain; charset=ISO-8859-1"}, Body: &Body{Data: "café"}},
			wantMeth: "POST", wantHdr: map[string]string{"Content-Type": "text/plain; charset=ISO-8859-1"},
			wantBody: ptr("caf\xe9")},
		{name: "windows-1252 by a WHATWG label, quoted (R4)", method: "PUT",
			p:        &Params{Headers: map[string]string{"Content-Type": `text/plain; charset="cp1252"`}, Body: &Body{Data: "5 €"}},
			wantMeth: "PUT", wantBody: ptr("5 \x80")},
		{name: "character the charset lacks sent as ? (R4, info)", method: "POST",
			p:        &Params{Headers: map[string]string{"Content-Type": "text/plain; charset=latin1"}, Body: &Body{Data: "a€b\xffc"}},
			wantMeth: "POST", wantBody: ptr("a?b?c")},
		{name: "declared UTF-8 sent as is (R4)", method: "POST",
			p:        &Params{Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"}, Body: &Body{Data: "café\xff"}},
			wantMeth: "POST", wantBody: ptr("café\xff")},
		{name: "binary body not converted (R3, R4)", method: "POST",
			p: &Params{BodyType: "Binary", Body: &Body{Data: "café"},
				Headers: map[string]string{"Content-Type": "text/plain; charset=ISO-8859-1"}},
			wantMeth: "POST", wantBody: ptr("café")},
		{name: "binary body unchanged with default type (R3, R5)", method: "POST",
			p:        &Params{BodyType: BodyBinary, Body: &Body{Data: "\x00\xff\xfe\n"}},
			wantMeth: "POST", wantHdr: map[string]string{"Content-Type": "application/octet-stream"}, wantBody: ptr("\x00\xff\xfe\n")},
		{name: "binary body keeps its type without charset (R4)", method: "POST",
			p: &Params{BodyType: BodyBinary, Body: &Body{Data: "\x89PNG"},
				Headers: map[string]string{"Content-Type": "image/png"}},
			wantMeth: "POST", wantHdr: map[string]string{"Content-Type": "image/png"}, wantBody: ptr("\x89PNG")},
		{name: "GET body dropped (R6)", method: "GET", p: &Params{Body: &Body{Data: "x"}},
			wantMeth: "GET", wantHdr: map[string]string{"Content-Type": ""}},
		{name: "HEAD body dropped (R6)", method: "HEAD", p: &Params{Body: &Body{Data: "x"}}, wantMeth: "HEAD"},
		{name: "DELETE body dropped (R6)", method: "delete", p: &Params{Body: &Body{Data: "x"}}, wantMeth: "DELETE"},
		{name: "no charset without a body (R4)", method: "POST",
			p:        &Params{Headers: map[string]string{"Content-Type": "text/plain"}},
			wantMeth: "POST", wantHdr: map[string]string{"Content-Type": "text/plain"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gockEngine(t)
			var got sent
			capture(t, "http://api.test", &got)
			ev := last(t, do(t, e, "http://api.test/x", tc.method, tc.p))
			if ev.IsError || ev.Status != 200 {
				t.Fatalf("ended %+v", ev)
			}
			if got.method != tc.wantMeth {
				t.Errorf("method %q, want %q", got.method, tc.wantMeth)
			}
			for k, v := range tc.wantHdr {
				if g := got.header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
			switch {
			case tc.wantBody == nil && got.hasBody:
				t.Errorf("body %q sent, want none", got.body)
			case tc.wantBody != nil && got.body != *tc.wantBody:
				t.Errorf("body %q, want %q", got.body, *tc.wantBody)
			}
			if !gock.IsDone() {
				t.Error("mock not called")
			}
		})
	}
}

func TestHostHeader(t *testing.T) {
	e := gockEngine(t)
	var host string
	gock.New("http://api.test").AddMatcher(func(r *http.Request, _ *gock.Request) (bool, error) {
		host = r.Host
		return true, nil
	}).Reply(204)
	last(t, do(t, e, "http://api.test/", "GET", &Params{Headers: map[string]string{"host": "virtual.test"}}))
	if host != "virtual.test" {
		t.Errorf("Host %q, want virtual.test", host)
	}
	if !gock.IsDone() {
		t.Error("mock not called")
	}
}

func TestUploadBuilding(t *testing.T) {
	e := gockEngine(t)
	path, err := e.Path("up.json", TemporaryDirectory)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"a":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var got sent
	capture(t, "http://api.test", &got)
	r := newRecorder()
	p := &Params{Headers: map[string]string{"content-type": "text/plain", "X-Key": "k"}}
	if _, err := e.Upload("http://api.test/up", "", r.listen, p, "up.json", TemporaryDirectory, "application/json"); err != nil {
		t.Fatal(err)
	}
	ev := last(t, r.wait(t))
	if ev.IsError || got.method != "POST" || got.body != `{"a":1}` {
		t.Errorf("ended %+v; sent %+v", ev, got)
	}
	if ct := got.header.Values("Content-Type"); len(ct) != 1 || ct[0] != "application/json" {
		t.Errorf("Content-Type %q, want the upload's contentType only (U1)", ct)
	}
	if got.header.Get("X-Key") != "k" {
		t.Errorf("X-Key %q, want k", got.header.Get("X-Key"))
	}
	if p.Body != nil || p.Headers["content-type"] != "text/plain" {
		t.Errorf("caller's params changed: %+v", p)
	}
}

func TestResponseClassification(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		ctype    string
		body     string
		wantType string
	}{
		{"404 is not an error (E8)", 404, "text/html", "nope", "text"},
		{"500 is not an error (E8)", 500, "", "\x00boom", "binary"},
		{"json is text (E11)", 200, "application/json", `{"a":1}`, "text"},
		{"problem+json is text", 422, "application/problem+json", `{}`, "text"},
		{"xml is text", 200, "application/xml", "<a/>", "text"},
		{"atom+xml is text", 200, "application/atom+xml", "<feed/>", "text"},
		{"form is text", 200, "application/x-www-form-urlencoded", "a=1", "text"},
		{"declared charset is text", 200, "application/octet-stream; charset=utf-8", "x", "text"},
		{"unparsable type with charset is text", 200, "weird;;charset=utf-8", "x", "text"},
		{"unparsable type is binary", 200, "weird;;", "x", "binary"},
		{"text type with a bad parameter is text", 200, "text/html; charset", "x", "text"},
		{"json with a bad parameter is text", 200, "application/json; v", "x", "text"},
		{"png with a bad parameter is binary", 200, "image/png; v", "x", "binary"},
		{"png is binary", 200, "image/png", "\x89PNG", "binary"},
		{"no type is binary", 200, "", "", "binary"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := gockEngine(t)
			res := gock.New("http://api.test").Get("/r").Reply(tc.status).BodyString(tc.body)
			if tc.ctype != "" {
				res.SetHeader("Content-Type", tc.ctype)
			}
			ev := last(t, do(t, e, "http://api.test/r", "GET", nil))
			if ev.IsError || ev.Status != tc.status || ev.Response == nil || ev.Response.Text != tc.body ||
				ev.ResponseType != tc.wantType || ev.ResponseHeaders == nil {
				t.Errorf("ended %+v; want status %d, body %q, type %s, headers", ev, tc.status, tc.body, tc.wantType)
			}
			if !gock.IsDone() {
				t.Error("mock not called")
			}
		})
	}
}

func TestRepeatedHeadersJoined(t *testing.T) {
	e := gockEngine(t)
	gock.New("http://api.test").Get("/").Reply(200).AddHeader("X-Multi", "a").AddHeader("X-Multi", "b")
	ev := last(t, do(t, e, "http://api.test/", "GET", nil))
	if got := ev.ResponseHeaders["X-Multi"]; got != "a, b" {
		t.Errorf("X-Multi %q, want %q", got, "a, b")
	}
	if !gock.IsDone() {
		t.Error("mock not called")
	}
}

func TestTransportErrorFromGock(t *testing.T) {
	e := gockEngine(t)
	gock.New("http://api.test").Get("/").ReplyError(io.ErrClosedPipe)
	ev := last(t, do(t, e, "http://api.test/", "GET", &Params{Progress: ProgressDownload}))
	if !ev.IsError || ev.Status != -1 || ev.Response == nil || ev.Response.Text == "" ||
		ev.ResponseType != "text" || ev.ResponseHeaders != nil || ev.BytesEstimated != -1 {
		t.Errorf("ended %+v; want isError, status -1, message, no headers (E8, E9, E10)", ev)
	}
}
