package mockserver

import (
	"io"
	"net"
	"net/http"
	"testing"
)

// benchBody is the static body served in both benchmarks.
const benchBody = "hello, static route\n"

// BenchmarkStaticRoute measures requests/second on a static route of the mock
// server (journal, hashing and all), over loopback with keep-alive.
func BenchmarkStaticRoute(b *testing.B) {
	s, err := New(WithJournalLimit(1000))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Install("bench", Scenario{Routes: []Route{{Path: "/static", Response: Response{
		Headers: Headers{{"Content-Type", "text/plain"}}, Body: Body{Text: benchBody},
	}}}}); err != nil {
		b.Fatal(err)
	}
	runParallelGets(b, s.URLs().HTTP+"/c/bench/static")
}

// BenchmarkBareNetHTTP is the baseline: a bare net/http handler writing the
// same body, in the same process, over loopback with keep-alive.
func BenchmarkBareNetHTTP(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, benchBody)
	})}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close(); <-done }()
	runParallelGets(b, "http://"+ln.Addr().String()+"/static")
}

func runParallelGets(b *testing.B, u string) {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, cpuOK := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Get(u)
			if err != nil {
				b.Error(err)
				return
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if n != int64(len(benchBody)) {
				b.Errorf("read %d bytes", n)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	// CPU time per request (client and server: same process) is steadier
	// than req/s on a machine shared with other work.
	if cpu1, ok := processCPU(); ok && cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}
