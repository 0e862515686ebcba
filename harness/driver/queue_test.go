package driver

import "testing"

// TestQueueOrderAndClose pushes more events than any channel buffer holds
// before anyone reads (Push must not block), then checks they come out in
// order, that Out closes after Close once drained, and that a Push after
// Close is dropped.
func TestQueueOrderAndClose(t *testing.T) {
	q := NewQueue()
	const n = 1000
	for i := int64(1); i <= n; i++ {
		q.Push(Event{Seq: i})
	}
	q.Push(Event{Seq: n + 1}, Event{Seq: n + 2})
	q.Close()
	q.Push(Event{Seq: -1})
	q.Close()
	want := int64(1)
	for ev := range q.Out() {
		if ev.Seq != want {
			t.Fatalf("event %d came out as Seq %d", want, ev.Seq)
		}
		want++
	}
	if want != n+3 {
		t.Fatalf("got %d events, want %d", want-1, n+2)
	}
}
