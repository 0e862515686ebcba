package mutants

import (
	"reflect"
	"testing"

	"github.com/netconform/netconform/harness/driver"
)

// TestCallHooks checks the in hooks on the calls they must change and on
// those they must leave alone (a value of the wrong type stays for B1, a
// table with a baseDirectory keeps it).
func TestCallHooks(t *testing.T) {
	t.Parallel()
	post, get := "POST", "GET"
	res, docs := driver.ResourceDirectory, driver.DocumentsDirectory
	tests := []struct {
		name      string
		hook      func(*env, *driver.Call)
		call      driver.Call
		wantParam map[string]any
		wantDir   *string
	}{
		{"follow: false becomes true", forceFollow, driver.Call{Params: map[string]any{"handleRedirects": false}},
			map[string]any{"handleRedirects": true}, nil},
		{"follow: a string stays", forceFollow, driver.Call{Params: map[string]any{"handleRedirects": "no"}},
			map[string]any{"handleRedirects": "no"}, nil},
		{"drop timeout: a number goes", dropTimeout, driver.Call{Params: map[string]any{"timeout": 2.0}},
			map[string]any{}, nil},
		{"drop timeout: a string stays", dropTimeout, driver.Call{Params: map[string]any{"timeout": "2"}},
			map[string]any{"timeout": "2"}, nil},
		{"3 s default", shortDefaultTimeout, driver.Call{}, map[string]any{"timeout": 3.0}, nil},
		{"3 s default: a given timeout stays", shortDefaultTimeout, driver.Call{Params: map[string]any{"timeout": 40.0}},
			map[string]any{"timeout": 40.0}, nil},
		{"0 is no limit", truncateTimeout, driver.Call{Params: map[string]any{"timeout": 0.0}},
			map[string]any{"timeout": float64(noLimit)}, nil},
		{"a fraction below 1 is no limit", truncateTimeout, driver.Call{Params: map[string]any{"timeout": 0.5}},
			map[string]any{"timeout": float64(noLimit)}, nil},
		{"fractions are cut", truncateTimeout, driver.Call{Params: map[string]any{"timeout": 2.7}},
			map[string]any{"timeout": 2.0}, nil},
		{"form default on a POST body", formContentType, driver.Call{Method: &post, Params: map[string]any{"body": "a=1"}},
			map[string]any{"body": "a=1", "headers": map[string]any{"Content-Type": "application/x-www-form-urlencoded"}}, nil},
		{"form default: a given type stays", formContentType,
			driver.Call{Method: &post, Params: map[string]any{"body": "a", "headers": map[string]any{"content-type": "text/plain"}}},
			map[string]any{"body": "a", "headers": map[string]any{"content-type": "text/plain"}}, nil},
		{"form default: not for GET", formContentType, driver.Call{Method: &get, Params: map[string]any{"body": "a"}},
			map[string]any{"body": "a"}, nil},
		{"response without dir: Resource", responseToResource,
			driver.Call{Params: map[string]any{"response": map[string]any{"filename": "x"}}},
			map[string]any{"response": map[string]any{"filename": "x", "baseDirectory": res}}, nil},
		{"response with dir stays", responseToResource,
			driver.Call{Params: map[string]any{"response": map[string]any{"filename": "x", "baseDirectory": docs}}},
			map[string]any{"response": map[string]any{"filename": "x", "baseDirectory": docs}}, nil},
		{"body without dir: Resource", bodyFromResource,
			driver.Call{Params: map[string]any{"body": map[string]any{"filename": "x"}}},
			map[string]any{"body": map[string]any{"filename": "x", "baseDirectory": res}}, nil},
		{"upload without dir: Resource", bodyFromResource, driver.Call{Fn: driver.FnUpload, Params: map[string]any{}},
			map[string]any{}, &res},
		{"upload with dir stays", bodyFromResource, driver.Call{Fn: driver.FnUpload, BaseDirectory: &docs, Params: map[string]any{}},
			map[string]any{}, &docs},
		{"absolute name joined", absoluteIntoFolder,
			driver.Call{Params: map[string]any{"response": map[string]any{"filename": "/tmp/x"}}},
			map[string]any{"response": map[string]any{"filename": "tmp/x"}}, nil},
		{"relative name stays", absoluteIntoFolder,
			driver.Call{Params: map[string]any{"response": map[string]any{"filename": "a/x"}}},
			map[string]any{"response": map[string]any{"filename": "a/x"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := tc.call
			c.Params = copyTable(c.Params)
			tc.hook(&env{}, &c)
			if c.Params == nil {
				c.Params = map[string]any{}
			}
			if !reflect.DeepEqual(c.Params, tc.wantParam) {
				t.Errorf("params = %v, want %v", c.Params, tc.wantParam)
			}
			if (c.BaseDirectory == nil) != (tc.wantDir == nil) || c.BaseDirectory != nil && *c.BaseDirectory != *tc.wantDir {
				t.Errorf("baseDirectory = %v, want %v", c.BaseDirectory, tc.wantDir)
			}
		})
	}
}

// TestProgressTwiceSparesTheCancelledProgress checks that the no-rate-limit
// variant does not double the progress event the listener cancels at: the
// copy would come after the cancel, a C4 failure rather than an E6 one.
func TestProgressTwiceSparesTheCancelledProgress(t *testing.T) {
	t.Parallel()
	st := &stream{phases: map[string]int{driver.PhaseProgress: 1}, call: driver.Call{CancelInListener: driver.PhaseProgress}}
	if got := progressTwice(nil, st, ev(2, "h1", driver.PhaseProgress)); len(got) != 1 {
		t.Errorf("the cancelled progress gave %d events, want 1", len(got))
	}
	st.call.CancelInListener = ""
	if got := progressTwice(nil, st, ev(2, "h1", driver.PhaseProgress)); len(got) != 2 {
		t.Errorf("a progress gave %d events, want 2", len(got))
	}
}
