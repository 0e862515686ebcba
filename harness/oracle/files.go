package oracle

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/netconform/netconform/harness/casefile"
	"github.com/netconform/netconform/harness/result"
)

// DefaultDir is the base directory used when a case names none (F6).
const DefaultDir = "DocumentsDirectory"

func dirOr(d string) string {
	if d == "" {
		return DefaultDir
	}
	return d
}

func findFile(list []result.FileState, dir, name string) *result.FileState {
	for i := range list {
		if list[i].Dir == dir && list[i].Name == name {
			return &list[i]
		}
	}
	return nil
}

func fileText(f *result.FileState) string {
	if f == nil {
		return "absent"
	}
	head := string(f.Head)
	if int64(len(f.Head)) < f.Size {
		head += "…"
	}
	return fmt.Sprintf("%d bytes, sha256 %s, starting %q", f.Size, short(f.SHA256), head)
}

// files checks expect.files.
func (ck *checker) files() {
	for i, fe := range ck.c.Expect.Files {
		dir := dirOr(fe.Dir)
		before := findFile(ck.obs.FilesBefore, dir, fe.Name)
		after := findFile(ck.obs.FilesAfter, dir, fe.Name)
		var want string
		ok := true
		switch {
		case fe.Absent:
			want, ok = "absent", after == nil
		case fe.Unchanged:
			want = "unchanged (" + fileText(before) + ")"
			ok = sameFile(before, after)
		case fe.UnchangedOrServed:
			want = "unchanged (" + fileText(before) + ")"
			ok = sameFile(before, after)
			if rec, found := ck.lastWhole(fe.ServedPath); found {
				want += fmt.Sprintf(" or the body served for %s (%d bytes, sha256 %s)", rec.Path, rec.BytesSent, short(rec.BodySHA256))
				ok = ok || after != nil && after.SHA256 == rec.BodySHA256
			}
			ck.stableAfterCancel(i, fe, dir, after)
		case fe.Content != nil:
			want = fmt.Sprintf("content %q", *fe.Content)
			ok = after != nil && after.SHA256 == shaBytes([]byte(*fe.Content))
		case fe.Base64 != "":
			b, err := base64.StdEncoding.DecodeString(fe.Base64)
			want = fmt.Sprintf("%d bytes (base64)", len(b))
			ok = err == nil && after != nil && after.SHA256 == shaBytes(b)
		case fe.SHA256 != "":
			want = "sha256 " + fe.SHA256
			ok = after != nil && strings.EqualFold(after.SHA256, fe.SHA256)
		case fe.SameAsServed:
			rec, found := ck.lastServed(fe.ServedPath)
			if !found {
				want, ok = "the body served by a 2xx response (none was journaled)", false
			} else {
				want = fmt.Sprintf("the body served for %s (%d bytes, sha256 %s)", rec.Path, rec.BytesSent, short(rec.BodySHA256))
				ok = after != nil && after.SHA256 == rec.BodySHA256
			}
		default:
			want = "present"
			ok = after != nil
		}
		if fe.Size != nil && !fe.Absent {
			if want != "present" {
				want += ", "
			} else {
				want = ""
			}
			want += fmt.Sprintf("%d bytes", *fe.Size)
			ok = ok && after != nil && after.Size == *fe.Size
		}
		if !ok {
			ck.add(result.Mismatch{Requirement: ck.req(fe.Req), Check: fmt.Sprintf("files[%d] %s/%s", i, dir, fe.Name),
				Want: want, Got: fileText(after), Pos: fe.Pos.String()})
		}
	}
}

// sameFile reports whether two looks at a file saw the same bytes, or both
// no file.
func sameFile(a, b *result.FileState) bool {
	return (a == nil) == (b == nil) && (a == nil || a.SHA256 == b.SHA256 && a.Size == b.Size)
}

// stableAfterCancel reports an expected file that changed after a
// network.cancel returned (F3: once cancel has returned, the destination no
// longer changes): the look right after the cancel differs from the end.
func (ck *checker) stableAfterCancel(i int, fe casefile.FileExpect, dir string, after *result.FileState) {
	key, ok := inFolder(dir, fe.Name)
	if !ok {
		return
	}
	for _, co := range ck.obs.Calls {
		if co.Destination != key {
			continue
		}
		for _, c := range co.Cancels {
			if c.Files == nil {
				continue
			}
			at := findFile(c.Files, dir, fe.Name)
			if sameFile(at, after) {
				continue
			}
			ck.add(result.Mismatch{Requirement: ck.req(fe.Req), Check: fmt.Sprintf("files[%d] %s/%s after cancel", i, dir, fe.Name),
				Want: fmt.Sprintf("no change once network.cancel of %s returned (at %s): %s", co.Instance,
					c.At.Round(time.Millisecond), fileText(at)),
				Got: fileText(after), Pos: fe.Pos.String()})
			return
		}
	}
}

// noTempFiles reports files that appeared during the run and are neither a
// call's destination nor an expected file (F4): left after the run, or, as
// the file journal shows, left until the session's close removed them.
func (ck *checker) noTempFiles() {
	if ck.skip[casefile.InvNoTempFiles] || (ck.c.Expect.NoTempFiles != nil && !*ck.c.Expect.NoTempFiles) {
		return
	}
	known := make(map[string]bool)
	for _, fe := range ck.c.Expect.Files {
		known[dirOr(fe.Dir)+"/"+fe.Name] = true
	}
	for _, cl := range ck.c.Calls {
		if d, ok := destination(cl); ok {
			known[d] = true
		}
	}
	var extra []string
	for _, f := range ck.obs.FilesAfter {
		if known[f.Dir+"/"+f.Name] || findFile(ck.obs.FilesBefore, f.Dir, f.Name) != nil {
			continue
		}
		extra = append(extra, fmt.Sprintf("%s/%s (%d bytes)", f.Dir, f.Name, f.Size))
	}
	extra = append(extra, ck.leftAtClose(known)...)
	if len(extra) > 0 {
		ck.add(result.Mismatch{Requirement: "F4", Invariant: string(casefile.InvNoTempFiles), Check: "invariant.noTempFiles",
			Want: "no file left besides the destinations", Got: strings.Join(extra, ", "), Pos: ck.c.Pos.String()})
	}
}

// destination returns "dir/name" of the file a call writes its response to,
// as a snapshot names it (see inFolder).
func destination(cl *casefile.Call) (string, bool) { return Destination(cl) }

// Destination returns "dir/name" of the file a call writes its response to
// (network.download's filename, or params.response), as a snapshot of the
// folders names it; ok is false when the call writes no file or names one
// outside its folder.
func Destination(cl *casefile.Call) (string, bool) {
	if cl.Fn == casefile.FnDownload && cl.Filename != "" {
		return inFolder(cl.BaseDirectory, cl.Filename)
	}
	r, ok := cl.Params["response"].(map[string]any)
	if !ok {
		return "", false
	}
	name, ok := r["filename"].(string)
	if !ok {
		return "", false
	}
	dir, _ := r["baseDirectory"].(string)
	return inFolder(dir, name)
}

// inFolder returns "dir/name" for the file that name joined onto the folder
// of dir ("" means Documents) is, as a snapshot of the folder names it:
// "/tmp/x" and "./tmp//x" are both "tmp/x" there, as an implementation that
// concatenates the folder and the name (system.pathForFile) writes them. ok
// is false for a name that leaves the folder ("../x") or is the folder
// itself: no snapshot of the folder shows such a file.
func inFolder(dir, name string) (string, bool) {
	p := path.Clean(strings.TrimLeft(name, "/"))
	if p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return dirOr(dir) + "/" + p, true
}

func shaBytes(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
