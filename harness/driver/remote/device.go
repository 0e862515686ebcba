package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/driver/proto"
)

// RunDevice plays a device: it serves d (an in-process driver) over the
// control channel at base (a Driver's URL) with client, the way an app on a
// phone would. It returns nil when the harness says bye, or an error when
// the channel fails or ctx ends. It is how the remote driver is tested, and
// a template for device-side code.
func RunDevice(ctx context.Context, client *http.Client, base string, d driver.Driver, o proto.ServeOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	inR, inW := io.Pipe()   // harness → Serve
	outR, outW := io.Pipe() // Serve → harness
	var wg sync.WaitGroup
	defer wg.Wait()
	serveErr := make(chan error, 1)
	wg.Go(func() {
		err := proto.Serve(ctx, inR, outW, d, o)
		_ = outW.CloseWithError(errServeDone)
		serveErr <- err
	})
	defer func() { _, _ = inR.Close(), outR.Close() }()

	lr := proto.NewLineReader(outR, proto.MaxLine)
	hello, err := lr.ReadLine()
	if err != nil {
		return fmt.Errorf("device: read hello: %w", err)
	}
	welcome, err := post(ctx, client, base+"/hello", hello)
	if err != nil {
		return err
	}
	m, err := proto.Decode(bytes.TrimSpace(welcome))
	if err != nil {
		return fmt.Errorf("device: hello answer: %w", err)
	}
	if _, err := inW.Write(append(bytes.TrimSpace(welcome), '\n')); err != nil {
		return fmt.Errorf("device: %w", err)
	}
	if m.Type != proto.TypeWelcome {
		_ = inW.Close()
		return fmt.Errorf("device: harness said %s: %s", m.Type, m.Reason)
	}
	peer := url.QueryEscape(m.Peer)
	pollErr := make(chan error, 1)
	wg.Go(func() { pollErr <- pollLoop(ctx, client, base+"/poll?peer="+peer, inW) })
	sendErr := make(chan error, 1)
	wg.Go(func() { sendErr <- sendLoop(ctx, client, base+"/send?peer="+peer, lr) })
	select {
	case err = <-serveErr:
	case err = <-pollErr:
	case err = <-sendErr:
	}
	cancel()
	if err != nil {
		return fmt.Errorf("device: %w", err)
	}
	return nil
}

// errServeDone ends the send loop when Serve returned.
var errServeDone = errors.New("serve done")

// pollLoop copies polled lines into w until ctx ends.
func pollLoop(ctx context.Context, client *http.Client, u string, w *io.PipeWriter) error {
	defer w.Close()
	for ctx.Err() == nil {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return fmt.Errorf("poll: %w", err)
		}
		req.Header.Set("Content-Type", ndjson) // every control request says it (pairing.go)
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("poll: %w", err)
		}
		_, err = io.Copy(w, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("poll: %s", resp.Status)
		}
		if err != nil {
			return fmt.Errorf("poll: %w", err)
		}
	}
	return nil
}

// sendLoop posts each line Serve writes, in order.
func sendLoop(ctx context.Context, client *http.Client, u string, lr *proto.LineReader) error {
	for {
		line, err := lr.ReadLine()
		if errors.Is(err, errServeDone) || errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read driver output: %w", err)
		}
		if _, err := post(ctx, client, u, line); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// post sends one NDJSON line and returns the response body.
func post(ctx context.Context, client *http.Client, u string, line []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(append(bytes.Clone(line), '\n')))
	if err != nil {
		return nil, fmt.Errorf("post: %w", err)
	}
	req.Header.Set("Content-Type", ndjson)
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, proto.MaxLine))
	if err != nil {
		return nil, fmt.Errorf("post %s: %w", u, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("post %s: %s: %s", u, resp.Status, bytes.TrimSpace(body))
	}
	return body, nil
}
