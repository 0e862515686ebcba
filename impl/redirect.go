package impl

import (
	"errors"
	"fmt"
	"net/http"
)

// maxRedirects is the number of redirect hops followed; one more ends the
// request with isError (D2). A loop ends the same way.
const maxRedirects = 10

// ErrTooManyRedirects ends a request whose redirect chain is too long or loops (D2).
var ErrTooManyRedirects = errors.New("too many redirects")

// transferKey is the request context key under which the transfer is stored,
// so the client-wide CheckRedirect can apply per-request settings.
type transferKey struct{}

// checkRedirect is the engine client's CheckRedirect. With handleRedirects
// false the 3xx itself ends the request (D4). Otherwise net/http follows 301,
// 302, 303, 307 and 308 with RFC 9110 §15.4 semantics: 303 (and 301/302 for
// a POST) become GET without a body; 307 and 308 keep the method and body,
// which GetBody re-opens (D3). Relative Locations and cross-scheme hops are
// resolved and followed by net/http (D2, D5). Every hop is progress for the
// idle timeout.
func checkRedirect(req *http.Request, via []*http.Request) error {
	t, _ := req.Context().Value(transferKey{}).(*transfer)
	if t != nil && !t.follow {
		return http.ErrUseLastResponse
	}
	if len(via) > maxRedirects {
		return fmt.Errorf("stopped after %d redirects: %w", maxRedirects, ErrTooManyRedirects)
	}
	if t != nil && t.timer != nil {
		t.timer.reset()
	}
	return nil
}
