// Package serve runs the benchmark peers' HTTP servers until their context
// ends.
package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
)

// Until serves srv on ln until ctx ends, then closes it. It returns nil after
// a clean stop and the serve error if serving ended by itself.
func Until(ctx context.Context, srv *http.Server, ln net.Listener) error {
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	if err := srv.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
