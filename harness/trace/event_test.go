package trace

import (
	"strings"
	"testing"
)

func TestEventAccessors(t *testing.T) {
	t.Parallel()
	e := Event{Fields: map[string]any{
		FieldPhase: "ended", FieldIsError: false, FieldStatus: float64(404),
		FieldBytesTransferred: int64(13), FieldBytesEstimated: 1.5,
		FieldResponse: map[string]any{"filename": "a.bin"},
	}}
	if e.Phase() != Ended {
		t.Errorf("Phase() = %q", e.Phase())
	}
	if v, ok := e.Int(FieldStatus); !ok || v != 404 {
		t.Errorf("Int(status) = %d, %v", v, ok)
	}
	if v, ok := e.Int(FieldBytesTransferred); !ok || v != 13 {
		t.Errorf("Int(bytesTransferred) = %d, %v", v, ok)
	}
	if _, ok := e.Int(FieldBytesEstimated); ok {
		t.Error("Int accepted a fraction")
	}
	if _, ok := e.Int(FieldURL); ok {
		t.Error("Int accepted an absent field")
	}
	if b, ok := e.Bool(FieldIsError); !ok || b {
		t.Errorf("Bool(isError) = %v, %v", b, ok)
	}
	if _, ok := e.String(FieldStatus); ok {
		t.Error("String accepted a number")
	}
	if m, ok := e.Map(FieldResponse); !ok || m["filename"] != "a.bin" {
		t.Errorf("Map(response) = %v, %v", m, ok)
	}
	if _, ok := e.Get(FieldURL); ok {
		t.Error("Get found an absent field")
	}
	got := e.Summary()
	want := `ended bytesEstimated=1.5 bytesTransferred=13 isError=false response={filename:"a.bin"} status=404`
	if got != want {
		t.Errorf("Summary() = %s\nwant          %s", got, want)
	}
	if s := Format(strings.Repeat("x", 100)); !strings.HasSuffix(s, "…(100 bytes)") {
		t.Errorf("Format(long) = %s", s)
	}
	if (Event{}).Phase() != "" {
		t.Error("Phase of empty event")
	}
}

func TestForCallAndPhases(t *testing.T) {
	t.Parallel()
	evs := []Event{
		{Call: "a", Fields: map[string]any{FieldPhase: Began}},
		{Call: "b", Fields: map[string]any{FieldPhase: Ended}},
		{Call: "a", Fields: map[string]any{FieldPhase: Ended}},
	}
	got := strings.Join(Phases(ForCall(evs, "a")), " ")
	if got != "began ended" {
		t.Errorf("ForCall a phases = %q", got)
	}
	if len(ForCall(evs, "c")) != 0 {
		t.Error("ForCall c not empty")
	}
}
