package impl_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/netconform/netconform/impl"
)

// This example downloads a file with progress events: began once the headers
// are known, progress while the body arrives (at most one per second), ended
// with the file table. It is network.request with params.progress =
// "download" and params.response = {filename, baseDirectory}.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "11")
		_, _ = io.WriteString(w, "hello solar")
	}))
	defer srv.Close()

	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	e, err := impl.New(impl.WithSandbox(dir))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()

	done := make(chan struct{})
	listener := func(ev impl.Event) {
		switch {
		case ev.IsError:
			fmt.Println("network error:", ev.Response.Text)
		case ev.Phase == impl.Began:
			fmt.Println("began, status", ev.Status, "estimated size", ev.BytesEstimated)
		case ev.Phase == impl.Ended:
			fmt.Println("ended, bytes transferred", ev.BytesTransferred)
			fmt.Println("saved to", ev.Response.File.Filename, "in", ev.Response.File.BaseDirectory)
		}
		if ev.Phase == impl.Ended {
			close(done)
		}
	}
	params := &impl.Params{
		Progress: impl.ProgressDownload,
		Response: &impl.FileRef{Filename: "solar.txt", BaseDirectory: impl.DocumentsDirectory},
	}
	if _, err := e.Request(srv.URL+"/solar.txt", "GET", listener, params); err != nil {
		fmt.Println(err) // refused at call time: no event will come
		return
	}
	<-done

	path, _ := e.Path("solar.txt", impl.DocumentsDirectory)
	b, _ := os.ReadFile(path)
	fmt.Println("content:", string(b))
	// Output:
	// began, status 200 estimated size 11
	// ended, bytes transferred 11
	// saved to solar.txt in DocumentsDirectory
	// content: hello solar
}

// This example posts a text body with custom headers and reads the response
// as a string; an HTTP error status is not a network error.
func ExampleEngine_Request() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTeapot)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.Header.Get("Content-Type"), b)
	}))
	defer srv.Close()

	e, _ := impl.New() // a private sandbox, removed by Close
	defer e.Close()

	done := make(chan impl.Event, 1)
	_, err := e.Request(srv.URL, "post", func(ev impl.Event) { done <- ev }, &impl.Params{
		Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		Body:    &impl.Body{Data: "color=red&size=small"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ev := <-done
	fmt.Println(ev.Phase, ev.IsError, ev.Status, ev.ResponseType)
	fmt.Println(ev.Response.Text)
	// Output:
	// ended false 418 text
	// POST application/x-www-form-urlencoded; charset=UTF-8 color=red&size=small
}

// This example uploads a file with upload progress, as network.upload does.
func ExampleEngine_Upload() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "got %d bytes of %s", n, r.Header.Get("Content-Type"))
	}))
	defer srv.Close()

	e, _ := impl.New()
	defer e.Close()
	path, _ := e.Path("object.json", impl.DocumentsDirectory)
	_ = os.WriteFile(path, []byte(strings.Repeat(" ", 1000)), 0o644)

	done := make(chan struct{})
	listener := func(ev impl.Event) {
		if ev.Phase == impl.Began {
			fmt.Println("began, uploading", ev.BytesEstimated, "bytes")
		}
		if ev.Phase == impl.Ended {
			fmt.Println("ended:", ev.Response.Text)
			close(done)
		}
	}
	params := &impl.Params{Progress: impl.ProgressOn}
	if _, err := e.Upload(srv.URL, "", listener, params, "object.json", impl.DocumentsDirectory, "application/json"); err != nil {
		fmt.Println(err)
		return
	}
	<-done
	// Output:
	// began, uploading 1000 bytes
	// ended: got 1000 bytes of application/json
}

// ParamsFromTable validates a params table the way Solar2D's native parser
// does, so a Lua binding can pass tables straight through.
func ExampleParamsFromTable() {
	_, err := impl.ParamsFromTable(map[string]any{"progress": "sideways"})
	fmt.Println(err)
	p, _ := impl.ParamsFromTable(map[string]any{
		"headers": map[string]any{"X-Count": 3.0, "X-Flag": true},
		"timeout": 5.0,
	})
	fmt.Println(p.Headers["X-Count"], p.Headers["X-Flag"], p.Timeout)
	// Output:
	// params.progress: invalid parameter: "sideways" is not one of ["upload" "download"]
	// 3 true 5
}
