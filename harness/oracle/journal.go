package oracle

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/mockserver"
)

// journal checks expect.journal.
func (ck *checker) journal() {
	je := ck.c.Expect.Journal
	if je == nil {
		return
	}
	j := ck.obs.Journal
	req := ck.req(je.Req)
	mis := func(check, want, got string, pos casefile.Pos) {
		ck.add(result.Mismatch{Requirement: req, Check: "journal." + check, Want: want, Got: got, Pos: pos.String()})
	}
	count := je.Count
	if count == nil && je.Requests != nil {
		n := len(je.Requests)
		count = &n
	}
	if count != nil && len(j) != *count {
		mis("count", fmt.Sprintf("%d requests", *count), fmt.Sprintf("%d: %s", len(j), journalSummary(j)), je.Pos)
	}
	if je.ClientClosed != nil {
		closed := false
		for _, r := range j {
			closed = closed || !r.ClientClosed.IsZero()
		}
		if closed != *je.ClientClosed {
			mis("clientClosed", fmt.Sprintf("client closed a connection early: %v", *je.ClientClosed),
				fmt.Sprint(closed), je.Pos)
		}
	}
	for i, re := range je.Requests {
		if i >= len(j) {
			break
		}
		r := j[i]
		rreq := ck.req(re.Req, je.Req)
		at := fmt.Sprintf("requests[%d]", i)
		bad := func(check, want, got string, pos casefile.Pos) {
			if pos.Line == 0 {
				pos = re.Pos
			}
			ck.add(result.Mismatch{Requirement: rreq, Check: "journal." + at + "." + check, Want: want, Got: got, Pos: pos.String()})
		}
		if re.Method != "" && re.Method != r.Method {
			bad("method", re.Method, r.Method, casefile.Pos{})
		}
		if re.Path != "" && re.Path != r.Path {
			bad("path", re.Path, r.Path, casefile.Pos{})
		}
		if re.Status != 0 && re.Status != r.Status {
			bad("status", fmt.Sprint(re.Status), fmt.Sprint(r.Status), casefile.Pos{})
		}
		if re.TLS != nil && *re.TLS != r.TLS {
			bad("tls", fmt.Sprint(*re.TLS), fmt.Sprint(r.TLS), casefile.Pos{})
		}
		if re.ClientClosed != nil && *re.ClientClosed != !r.ClientClosed.IsZero() {
			bad("clientClosed", fmt.Sprint(*re.ClientClosed), fmt.Sprint(!r.ClientClosed.IsZero()), casefile.Pos{})
		}
		if re.BodySHA256 != "" && !strings.EqualFold(re.BodySHA256, r.RequestSHA256) {
			bad("bodySha256", re.BodySHA256, fmt.Sprintf("%s (%d bytes)", r.RequestSHA256, r.RequestBytes), casefile.Pos{})
		}
		sv := served{rec: r, ok: true}
		if re.Query != nil {
			if w := eval(re.Query, r.Query, true, sv); w != "" {
				bad("query", w, fmt.Sprintf("%q", r.Query), re.Query.Pos)
			}
		}
		if re.BodySize != nil {
			if w := eval(re.BodySize, r.RequestBytes, true, sv); w != "" {
				bad("bodySize", w, fmt.Sprint(r.RequestBytes), re.BodySize.Pos)
			}
		}
		if re.BodyText != nil {
			if w := eval(re.BodyText, string(r.RequestHead), true, sv); w != "" {
				bad("bodyText", w, fmt.Sprintf("%q", string(r.RequestHead)), re.BodyText.Pos)
			}
		}
		for _, name := range sortedKeys(re.Headers) {
			p := re.Headers[name]
			vals := r.Headers.Values(name)
			v := strings.Join(vals, ", ")
			if w := eval(p, v, len(vals) > 0, sv); w != "" {
				got := "absent"
				if len(vals) > 0 {
					got = fmt.Sprintf("%q", v)
				}
				bad("headers."+name, w, got, p.Pos)
			}
		}
	}
}

// lastServed returns the last journaled 2xx record, of path if not empty.
func (ck *checker) lastServed(path string) (mockserver.Record, bool) {
	j := ck.obs.Journal
	for i := len(j) - 1; i >= 0; i-- {
		if j[i].Status >= 200 && j[i].Status < 300 && (path == "" || j[i].Path == path) {
			return j[i], true
		}
	}
	return mockserver.Record{}, false
}

// lastWhole returns the last journaled 2xx request (of path, if not "")
// whose response went out whole: no fault fired and the client did not
// close the connection while it was being sent.
func (ck *checker) lastWhole(path string) (mockserver.Record, bool) {
	j := ck.obs.Journal
	for i := len(j) - 1; i >= 0; i-- {
		r := j[i]
		if r.Status < 200 || r.Status >= 300 || path != "" && r.Path != path || r.Fault != "" {
			continue
		}
		if _, closed := r.Event(mockserver.EventClientClosed); !closed {
			return r, true
		}
	}
	return mockserver.Record{}, false
}

func journalSummary(j []mockserver.Record) string {
	parts := make([]string, len(j))
	for i, r := range j {
		parts[i] = fmt.Sprintf("%s %s → %d", r.Method, r.Path, r.Status)
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// splitURL returns a URL's path and raw query ("" for an unparsable URL).
func splitURL(raw string) (string, string) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", ""
	}
	return u.EscapedPath(), u.RawQuery
}
