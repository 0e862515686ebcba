package mockserver

import (
	"encoding/json"
	"net/http"
)

// adminPrefix is the path prefix of the server's own endpoints, reserved on
// every listener and never journaled:
//
//	GET /__netconform/journal?case=<ns>  the journal of <ns> as a JSON list of Record
//	                                     (case= with an empty value: the root namespace)
//	GET /__netconform/journal            {"cases": [...]}: the known namespaces
//	GET /__netconform/ca.pem             the CA certificate (PEM)
const adminPrefix = "/__netconform/"

func (s *Server) admin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case adminPrefix + "ca.pem":
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(s.ca.certPEM)
	case adminPrefix + "journal":
		q := r.URL.Query()
		var v any
		if q.Has("case") {
			v = s.Journal(q.Get("case"))
		} else {
			v = map[string][]string{"cases": s.namespaces()}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		if err := enc.Encode(v); err != nil {
			s.cfg.logger.Debug("write journal", "err", err)
		}
	default:
		http.Error(w, "unknown endpoint; see /__netconform/journal?case=<ns> and /__netconform/ca.pem", http.StatusNotFound)
	}
}
