package main

import "runtime/debug"

// toolVersion returns netconform's version for reports: the module version
// and, when the build recorded it, the VCS revision ("(devel) 1a2b3c4d5e6f",
// "(devel) 1a2b3c4d5e6f+dirty").
func toolVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	v := bi.Main.Version
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += " " + rev
		if dirty {
			v += "+dirty"
		}
	}
	return v
}
