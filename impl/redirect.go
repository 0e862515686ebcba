package impl

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
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
// false the 3xx itself ends the request (D4). Otherwise 301, 302, 303, 307
// and 308 are followed, with the method and body that nextHop gives (D3)
// and the cookies the 3xx set (D6).
// Relative Locations and cross-scheme hops are resolved and followed by
// net/http (D2, D5). Every hop is progress for the idle timeout.
func checkRedirect(req *http.Request, via []*http.Request) error {
	t, _ := req.Context().Value(transferKey{}).(*transfer)
	if t != nil && !t.follow {
		return http.ErrUseLastResponse
	}
	if len(via) > maxRedirects {
		return fmt.Errorf("stopped after %d redirects: %w", maxRedirects, ErrTooManyRedirects)
	}
	if t == nil || req.Response == nil || len(via) == 0 {
		return nil
	}
	if t.timer != nil {
		t.timer.reset()
	}
	t.forwardCookies(req)
	return t.rewriteHop(req, via[len(via)-1])
}

// forwardCookies sends on req, the next hop of a redirect, the cookies that
// the 3xx responses of this request have set and that match req's URL
// (D6, RFC 6265 section 5.4). The jar lives as long as the request: no
// cookie outlives it or reaches another request. The caller's own headers,
// its Cookie header included, are carried by net/http, which drops
// Authorization and Cookie on a hop to another host (D6, info).
func (t *transfer) forwardCookies(req *http.Request) {
	set := req.Response.Cookies()
	if len(set) == 0 && t.jar == nil {
		return
	}
	if t.jar == nil {
		t.jar, _ = cookiejar.New(nil) // never fails without options
	}
	if prev := req.Response.Request; prev != nil {
		t.jar.SetCookies(prev.URL, set)
	}
	for _, c := range t.jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
}

// nextHop maps a redirect status and the method of the request it answers to
// the next request's method and whether the body is sent again, as RFC 9110
// §15.4 describes (D3): 303 continues as GET (HEAD stays HEAD, §15.4.4)
// without a body; 301 and 302 turn only a POST into a GET without a body
// (the "historical reasons" notes of §15.4.2 and §15.4.3) and keep any other
// method with its body; 307 and 308 keep the method and the body.
//
// net/http differs on 301 and 302: it turns every method but GET and HEAD
// into GET (golang/go issue 18570), so a PUT or PATCH would lose its body.
// The profile follows the RFC, as Apple and Win32 do.
func nextHop(status int, method string) (next string, keepBody bool) {
	switch status {
	case http.StatusSeeOther:
		if method == http.MethodHead {
			return http.MethodHead, false
		}
		return http.MethodGet, false
	case http.StatusMovedPermanently, http.StatusFound:
		if method == http.MethodPost {
			return http.MethodGet, false
		}
	}
	return method, true
}

// rewriteHop sets the method, body and body headers of req, the next hop of
// a redirect answering prev, to what nextHop gives. prev carries a body when
// its GetBody is set: attachBody sets it on the first request and rewriteHop
// on every later one, so a body dropped once is never sent again.
func (t *transfer) rewriteHop(req, prev *http.Request) error {
	// The headers that describe the body go with it (net/http's list, from
	// the Fetch standard's redirect steps).
	bodyHeaders := [...]string{"Content-Type", "Content-Encoding", "Content-Language", "Content-Location"}
	method, keep := nextHop(req.Response.StatusCode, prev.Method)
	req.Method = method
	if keep && prev.GetBody != nil {
		if req.GetBody == nil { // net/http dropped it (a 301/302 of a PUT, or a hop after one)
			body, err := prev.GetBody()
			if err != nil {
				return fmt.Errorf("reopen body for redirect: %w", err)
			}
			req.Body, req.GetBody, req.ContentLength = body, prev.GetBody, prev.ContentLength
		}
		for _, k := range bodyHeaders {
			if v := t.header.Values(k); len(v) > 0 {
				req.Header[k] = v
			}
		}
		return nil
	}
	if req.Body != nil {
		_ = req.Body.Close()
	}
	req.Body, req.GetBody, req.ContentLength = nil, nil, 0
	for _, k := range bodyHeaders {
		req.Header.Del(k)
	}
	return nil
}
