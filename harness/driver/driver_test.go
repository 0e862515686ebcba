package driver

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestJSONRoundTrip keeps the types JSON-friendly for the subprocess protocol.
func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	m := "GET"
	values := []any{
		&Call{Fn: FnDownload, URL: "http://x/y", Method: &m, Params: map[string]any{"timeout": 2.5,
			"headers": map[string]any{"A": "b"}}, Filename: &m, CancelInListener: PhaseBegan},
		&Event{Seq: 3, Kind: KindEvent, Handle: "h1", Time: time.Unix(5, 0).UTC(),
			Fields: map[string]any{"phase": "ended", "status": 200.0}},
		&Event{Seq: 4, Kind: KindCancel, Handle: "h1", Cancel: &Cancelled{Returned: true, AfterSeq: 3}},
		&Config{Dirs: map[string]string{DocumentsDirectory: "/tmp/d"}, CAPEM: "pem", TimeScale: 0.05},
		&Capabilities{TimeScale: true, Fns: []string{FnRequest}, BaseDirs: BaseDirs(), Files: true},
		&File{Dir: DocumentsDirectory, Name: "a/b.txt", Content: "hi"},
		&FileInfo{Dir: CachesDirectory, Name: "c", Size: 2, SHA256: "ab", Head: "hi"},
		&RejectedError{Message: "network: bad"},
	}
	for _, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal %T: %v", v, err)
		}
		out := reflect.New(reflect.TypeOf(v).Elem()).Interface()
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("unmarshal %T: %v", v, err)
		}
		if !reflect.DeepEqual(v, out) {
			t.Errorf("%T round trip: %s gave %+v", v, b, out)
		}
	}
}

func TestRejectedError(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("call main: %w", &RejectedError{Message: "network: bad url"})
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.Message != "network: bad url" {
		t.Fatalf("errors.As = %v", rej)
	}
	if got := err.Error(); got != "call main: call rejected: network: bad url" {
		t.Errorf("Error() = %q", got)
	}
}
