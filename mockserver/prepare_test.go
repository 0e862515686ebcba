package mockserver

import (
	"net/http"
	"reflect"
	"testing"
)

func TestPrepareHeaders(t *testing.T) {
	t.Parallel()
	p := prepare(&Response{Headers: Headers{
		{"content-type", "text/plain"}, {"Set-Cookie", "a=1"}, {"X-Ns", "{{ns}}/x"}, {"set-cookie", "b=2"},
	}})
	expand := func(v string) string { return map[string]string{"{{ns}}/x": "/c/n/x"}[v] }
	for range 2 { // a second response gets the same headers: nothing shared was changed
		h := http.Header{}
		p.setHeaders(h, expand)
		want := http.Header{"Content-Type": {"text/plain"}, "Set-Cookie": {"a=1", "b=2"}, "X-Ns": {"/c/n/x"}}
		if !reflect.DeepEqual(h, want) {
			t.Fatalf("headers %v, want %v", h, want)
		}
		h["Set-Cookie"] = append(h["Set-Cookie"], "c=3") // must not write into the shared slice
	}
	for _, hs := range p.headers {
		if cap(hs.vals) != len(hs.vals) {
			t.Errorf("%s: shared values with spare capacity %d > %d", hs.name, cap(hs.vals), len(hs.vals))
		}
	}
}

func TestPrepareLength(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		body Body
		size int64
	}{
		{"text", Body{Text: "hello"}, 5},
		{"empty", Body{}, 0},
		{"base64", Body{Base64: "AAEC"}, 3},
		{"template", Body{Text: "{{http}}"}, -1},
		{"generated", Body{Generate: &Generate{Size: 10}}, -1},
		{"file", Body{File: "x.bin"}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := prepare(&Response{Body: tc.body})
			if p.size != tc.size {
				t.Fatalf("size %d, want %d", p.size, tc.size)
			}
			if got := p.contentLength(7); !reflect.DeepEqual(got, []string{"7"}) {
				t.Fatalf("contentLength(7) = %v", got)
			}
			if tc.size >= 0 && !reflect.DeepEqual(p.contentLength(tc.size), []string{itoa(tc.size)}) {
				t.Fatalf("contentLength(%d) = %v", tc.size, p.contentLength(tc.size))
			}
		})
	}
}
