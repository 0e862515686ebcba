package reports

import (
	"fmt"
	"io"
	"testing"
)

// bigReport repeats the fixture's cases n times under distinct ids.
func bigReport(n int) Report {
	rep := fixture()
	base := rep.Run.Cases
	rep.Run.Cases = nil
	for i := range n {
		for _, c := range base {
			c.ID = fmt.Sprintf("%s-%03d", c.ID, i)
			rep.Run.Cases = append(rep.Run.Cases, c)
		}
	}
	return rep
}

// BenchmarkRender renders a 350-case run (the suite's size) in each format.
func BenchmarkRender(b *testing.B) {
	rep := bigReport(50)
	for _, w := range []struct {
		name  string
		write func(io.Writer, Report) error
	}{{"json", WriteJSON}, {"junit", WriteJUnit}, {"markdown", WriteMarkdown}, {"html", WriteHTML}} {
		b.Run(w.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := w.write(io.Discard, rep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("compare-3", func(b *testing.B) {
		reps := []Report{rep, rep, rep}
		b.ReportAllocs()
		for b.Loop() {
			if err := RenderCompare(io.Discard, reps); err != nil {
				b.Fatal(err)
			}
		}
	})
}
