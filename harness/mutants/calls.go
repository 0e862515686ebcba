package mutants

import (
	"math"
	"strings"

	"github.com/netconform/netconform/harness/driver"
	"github.com/netconform/netconform/harness/oracle"
)

// callVariants break the calls on the way in.
func callVariants() []Variant {
	return []Variant{
		{Name: "redirects-always-followed", Requirements: []string{"D4"},
			Doc: "handleRedirects = false is ignored: every redirect is followed",
			h:   hooks{in: forceFollow}},
		{Name: "redirects-not-followed", Requirements: []string{"D1"},
			Doc: "handleRedirects defaults to false: with no setting, the 3xx ends the request",
			h:   hooks{in: defaultNoFollow}},
		{Name: "timeout-ignored", Requirements: []string{"T1"},
			Doc: "params.timeout is ignored: every request gets the 30 s default",
			h:   hooks{in: dropTimeout}},
		{Name: "timeout-default-3s", Requirements: []string{"T1"},
			Doc: "without params.timeout a request gets 3 s instead of 30 (as a third-party HTTP/3 plugin does)",
			h:   hooks{in: shortDefaultTimeout}},
		{Name: "timeout-zero-no-limit", Requirements: []string{"T3"},
			Doc: "params.timeout is cut to whole seconds and 0 or less means no limit (Android, Win32)",
			h:   hooks{in: truncateTimeout}},
		{Name: "content-type-form-default", Requirements: []string{"R5"},
			Doc: "a POST body without Content-Type is sent as application/x-www-form-urlencoded (Android, Win32)",
			h:   hooks{in: formContentType}},
		{Name: "text-body-as-binary", Requirements: []string{"R4"},
			Doc: "a text body is sent as binary, so no charset is appended to its Content-Type",
			h:   hooks{in: textAsBinary}},
		{Name: "default-method-post", Requirements: []string{"R1"},
			Doc: "network.request with a nil method sends POST instead of GET",
			h:   hooks{in: defaultPost}},
		{Name: "bad-input-accepted", Requirements: []string{"B1"},
			Doc: "ill-typed params are silently dropped and the call goes ahead instead of returning nil",
			h:   hooks{in: dropBadParams}},
		{Name: "tls-unverified", Requirements: []string{"S2"},
			Doc: "certificates are not verified: an untrusted, expired or wrong-host server is reached anyway",
			h:   hooks{in: trustEveryServer}},
		{Name: "resource-dir-accepted", Requirements: []string{"F7"},
			Doc: "params.response into ResourceDirectory is not refused (the file goes to DocumentsDirectory)",
			h:   hooks{in: resourceToDocuments}},
		{Name: "upload-progress-downloads", Requirements: []string{"U1"},
			Doc: "network.upload's progress = true means download progress instead of upload progress",
			h:   hooks{in: uploadProgressDownloads}},
		{Name: "download-progress-ignored", Requirements: []string{"U2"},
			Doc: "network.download ignores progress = true: only ended is delivered",
			h:   hooks{in: downloadProgressIgnored}},
	}
}

// forceFollow turns handleRedirects = false into true; a value of the
// wrong type stays, for B1 to refuse.
func forceFollow(_ *env, c *driver.Call) {
	if c.Params["handleRedirects"] == false {
		c.Params["handleRedirects"] = true
	}
}

func defaultNoFollow(_ *env, c *driver.Call) {
	if _, ok := c.Params["handleRedirects"]; ok {
		return
	}
	if c.Params == nil {
		c.Params = make(map[string]any)
	}
	c.Params["handleRedirects"] = false
}

// dropTimeout removes a numeric params.timeout; a value of the wrong type
// stays, for B1 to refuse.
func dropTimeout(_ *env, c *driver.Call) {
	if _, isNum := c.Params["timeout"].(float64); isNum {
		delete(c.Params, "timeout")
	}
}

func shortDefaultTimeout(_ *env, c *driver.Call) {
	if _, has := c.Params["timeout"]; has {
		return
	}
	if c.Params == nil {
		c.Params = make(map[string]any)
	}
	c.Params["timeout"] = 3.0
}

// noLimit is the timeout, in seconds, that stands for none.
const noLimit = 1e6

func truncateTimeout(_ *env, c *driver.Call) {
	t, isNum := c.Params["timeout"].(float64)
	switch {
	case !isNum:
	case t < 1:
		c.Params["timeout"] = float64(noLimit)
	default:
		c.Params["timeout"] = math.Trunc(t)
	}
}

func formContentType(_ *env, c *driver.Call) {
	if c.Fn != driver.FnRequest && c.Fn != "" || c.Method == nil || !strings.EqualFold(*c.Method, "POST") {
		return
	}
	if _, has := c.Params["body"]; !has {
		return
	}
	h, isTable := c.Params["headers"].(map[string]any)
	if _, has := c.Params["headers"]; has && !isTable {
		return // refused anyway (B1)
	}
	for k := range h {
		if strings.EqualFold(k, "Content-Type") {
			return
		}
	}
	if h == nil {
		h = make(map[string]any)
		c.Params["headers"] = h
	}
	h["Content-Type"] = "application/x-www-form-urlencoded"
}

func textAsBinary(_ *env, c *driver.Call) {
	if _, ok := c.Params["body"].(string); !ok {
		return
	}
	if bt, has := c.Params["bodyType"]; !has || bt == "text" {
		c.Params["bodyType"] = "binary"
	}
}

func defaultPost(_ *env, c *driver.Call) {
	if c.Method == nil && (c.Fn == driver.FnRequest || c.Fn == "") {
		post := "POST"
		c.Method = &post
	}
}

// dropBadParams removes every param whose type or value the profile says to
// refuse (B1), as a lenient implementation would.
func dropBadParams(_ *env, c *driver.Call) {
	for k, v := range c.Params {
		if !goodParam(k, v) {
			delete(c.Params, k)
		}
	}
}

// goodParam reports whether a param value has an accepted shape.
func goodParam(k string, v any) bool {
	switch k {
	case "headers":
		_, ok := v.(map[string]any)
		return ok
	case "bodyType":
		return v == "text" || v == "binary"
	case "progress":
		_, isBool := v.(bool)
		return isBool || v == "upload" || v == "download"
	case "response":
		return fileTable(v)
	case "body":
		_, isText := v.(string)
		return isText || fileTable(v)
	case "timeout":
		_, ok := v.(float64)
		return ok
	case "handleRedirects":
		_, ok := v.(bool)
		return ok
	}
	return true
}

// fileTable reports whether v is a {filename = string, ...} table.
func fileTable(v any) bool {
	t, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, ok = t["filename"].(string)
	return ok
}

func trustEveryServer(e *env, c *driver.Call) {
	good := e.baseURLs["https"]
	if good == "" {
		return
	}
	for _, k := range []string{"untrusted", "expired", "wronghost"} {
		if b := e.baseURLs[k]; b != "" && strings.HasPrefix(c.URL, b) {
			c.URL = good + strings.TrimPrefix(c.URL, b)
			return
		}
	}
}

func resourceToDocuments(_ *env, c *driver.Call) {
	if t, ok := c.Params["response"].(map[string]any); ok && t["baseDirectory"] == driver.ResourceDirectory {
		t["baseDirectory"] = driver.DocumentsDirectory
	}
}

// uploadProgressDownloads rewrites network.upload with progress asked (true,
// as the oracle reads U1) into the network.request it stands for, except
// that progress becomes "download": the implementation's own upload would
// force upload progress.
func uploadProgressDownloads(_ *env, c *driver.Call) {
	if c.Fn != driver.FnUpload || oracle.ProgressKind(c.Fn, c.Params) != driver.FnUpload {
		return
	}
	body := map[string]any{"filename": deref(c.Filename)}
	if c.BaseDirectory != nil {
		body["baseDirectory"] = *c.BaseDirectory
	}
	c.Params["body"] = body
	if c.ContentType != nil {
		h, _ := c.Params["headers"].(map[string]any)
		if h == nil {
			h = make(map[string]any)
		}
		h["Content-Type"] = *c.ContentType
		c.Params["headers"] = h
	}
	c.Params["progress"] = "download"
	if c.Method == nil {
		post := "POST"
		c.Method = &post
	}
	c.Fn, c.Filename, c.BaseDirectory, c.ContentType = driver.FnRequest, nil, nil, nil
}

// downloadProgressIgnored drops the progress a network.download asked for
// (U2).
func downloadProgressIgnored(_ *env, c *driver.Call) {
	if c.Fn == driver.FnDownload && oracle.ProgressKind(c.Fn, c.Params) == driver.FnDownload {
		delete(c.Params, "progress")
	}
}
