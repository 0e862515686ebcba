package runner

import (
	"testing"
	"time"

	"github.com/netconform/netconform/mockserver"
)

func TestExpandTemplates(t *testing.T) {
	t.Parallel()
	b := caseBases(mockserver.URLs{HTTP: "http://h:1", HTTPS: "https://h:2", Untrusted: "https://h:3",
		Expired: "https://h:4", WrongHost: "https://h:5"}, "a.b.7", "http://127.0.0.1:9")
	tests := []struct{ in, want string }{
		{"{{http}}/x?i={{i}}", "http://h:1/c/a.b.7/x?i=3"},
		{"{{https}}/x", "https://h:2/c/a.b.7/x"},
		{"{{untrusted}}{{expired}}{{wronghost}}", "https://h:3/c/a.b.7https://h:4/c/a.b.7https://h:5/c/a.b.7"},
		{"{{refused}}/x", "http://127.0.0.1:9/c/a.b.7/x"},
		{"{{unknown}}", "{{unknown}}"},
		{"plain", "plain"},
	}
	for _, tc := range tests {
		if got := b.expand(tc.in, 3); got != tc.want {
			t.Errorf("expand(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	p := b.expandAny(map[string]any{"headers": map[string]any{"Referer": "{{http}}/r"}, "n": 1.0}, 1).(map[string]any)
	if got := p["headers"].(map[string]any)["Referer"]; got != "http://h:1/c/a.b.7/r" || p["n"] != 1.0 {
		t.Errorf("expandAny = %v", p)
	}
}

func TestScaleScenario(t *testing.T) {
	t.Parallel()
	sec := mockserver.Duration(time.Second)
	sc := mockserver.Scenario{Routes: []mockserver.Route{{
		Path:     "/x",
		Response: mockserver.Response{DelayHeaders: sec, Trickle: &mockserver.Trickle{Bytes: 1, Every: sec}},
		Then:     []mockserver.Response{{DelayBody: 2 * sec}},
		Request:  mockserver.RequestControl{SlowRead: &mockserver.Pace{Bytes: 1, Every: sec}},
	}}}
	got := scaleScenario(sc, 0.05)
	r := got.Routes[0]
	want := mockserver.Duration(50 * time.Millisecond)
	if r.DelayHeaders != want || r.Trickle.Every != want || r.Then[0].DelayBody != 2*want || r.Request.SlowRead.Every != want {
		t.Errorf("scaled = %+v", r)
	}
	if sc.Routes[0].DelayHeaders != sec || sc.Routes[0].Trickle.Every != sec || sc.Routes[0].Request.SlowRead.Every != sec {
		t.Errorf("scaleScenario changed its input: %+v", sc.Routes[0])
	}
}
