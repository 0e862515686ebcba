package reports

import (
	"runtime/debug"
	"strings"
)

// ToolBuild describes the netconform binary that ran a suite, as the Go
// toolchain recorded it at build time (runtime/debug.ReadBuildInfo). A
// field the build did not record is empty: `go install ...@v1.2.0` records
// the module version and no revision, `go build` in a git checkout records
// "(devel)" and the revision, and a build with -buildvcs=false neither.
type ToolBuild struct {
	// Version is the main module's version: a release ("v1.2.0"), a
	// pseudo-version, or "(devel)" for a build from a source tree.
	Version string `json:"version,omitempty"`
	// Revision is the VCS revision the binary was built from (a full git
	// commit hash).
	Revision string `json:"revision,omitempty"`
	// Time is the revision's commit time (RFC 3339).
	Time string `json:"time,omitempty"`
	// Modified reports that the source tree had uncommitted changes.
	Modified bool `json:"modified,omitempty"`
	// GoVersion is the Go toolchain that built the binary ("go1.26.8").
	GoVersion string `json:"goVersion,omitempty"`
}

// CurrentTool returns the ToolBuild of the running binary; it is the zero
// value when the binary carries no build information.
func CurrentTool() ToolBuild {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ToolBuild{}
	}
	return buildOf(bi)
}

// buildOf reads the fields of a ToolBuild from bi.
func buildOf(bi *debug.BuildInfo) ToolBuild {
	b := ToolBuild{Version: bi.Main.Version, GoVersion: bi.GoVersion}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is the build on one line, as RunInfo.Tool records it: the
// version, then the revision's first 12 digits with "+dirty" for a
// modified tree ("(devel) 1a2b3c4d5e6f+dirty", "v1.2.0").
func (b ToolBuild) String() string {
	parts := []string{b.Version}
	if rev := b.Revision; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if b.Modified {
			rev += "+dirty"
		}
		parts = append(parts, rev)
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}
