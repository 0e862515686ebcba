package reports

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/netconform/netconform/harness/result"
	"github.com/netconform/netconform/harness/trace"
	"github.com/netconform/netconform/mockserver"
)

// SchemaVersion is the version of the report.json format, written as its
// "schemaVersion". It grows on every incompatible change (a field removed,
// renamed or retyped); added optional fields keep it. [ReadJSON] reads this
// version only.
const SchemaVersion = 1

//go:embed schema/report.schema.json
var schemaJSON []byte

// Schema returns the JSON Schema (draft 2020-12) of report.json, a copy of
// reports/schema/report.schema.json.
func Schema() []byte { return bytes.Clone(schemaJSON) }

// jsonDoc is report.json. Every field is documented in the schema.
type jsonDoc struct {
	SchemaVersion int        `json:"schemaVersion"`
	Run           jsonRun    `json:"run"`
	Summary       Summary    `json:"summary"`
	Requirements  []jsonRule `json:"requirements"`
	Cases         []jsonCase `json:"cases"`
}

type jsonRun struct {
	Implementation jsonImpl  `json:"implementation"`
	Driver         string    `json:"driver,omitempty"`
	Tool           string    `json:"tool,omitempty"`
	ToolBuild      ToolBuild `json:"toolBuild,omitzero"`
	Interrupted    string    `json:"interrupted,omitempty"`
	Strict         bool      `json:"strict"`
	TimeScale      float64   `json:"timeScale"`
	Started        time.Time `json:"started,omitzero"`
	Ended          time.Time `json:"ended,omitzero"`
	DurationMs     float64   `json:"durationMs"`
	Host           Host      `json:"host,omitzero"`
	Args           []string  `json:"args,omitempty"`
}

type jsonImpl struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

type jsonRule struct {
	Requirement
	Status result.Verdict              `json:"status"`
	Cases  map[result.Verdict][]string `json:"cases"`
}

type jsonCase struct {
	ID           string              `json:"id"`
	Title        string              `json:"title"`
	Pos          string              `json:"pos,omitempty"`
	Area         string              `json:"area"`
	Requirements []string            `json:"requirements"`
	Level        result.Level        `json:"level,omitempty"`
	Verdict      result.Verdict      `json:"verdict"`
	Reason       string              `json:"reason,omitempty"`
	TimeScale    float64             `json:"timeScale,omitempty"`
	Start        time.Time           `json:"start,omitzero"`
	DurationMs   float64             `json:"durationMs"`
	Attempts     int                 `json:"attempts,omitempty"`
	VoidAttempts []jsonVoid          `json:"voidAttempts,omitempty"`
	VoidResult   bool                `json:"voidResult,omitempty"`
	Interrupted  result.Interruption `json:"interrupted,omitempty"`
	Mismatches   []result.Mismatch   `json:"mismatches"`
	Trace        []jsonEvent         `json:"trace"`
	Journal      []mockserver.Record `json:"journal"`
	Files        []result.FileChange `json:"files"`
	FileJournal  []jsonFileEvent     `json:"fileJournal,omitempty"`
	Logs         []string            `json:"logs"`
}

// jsonFileEvent is a [result.FileEvent] with times in milliseconds.
type jsonFileEvent struct {
	AtMs   float64 `json:"atMs"`
	Op     string  `json:"op"`
	Dir    string  `json:"dir,omitempty"`
	Name   string  `json:"name,omitempty"`
	Count  int     `json:"count,omitempty"`
	LastMs float64 `json:"lastMs,omitempty"`
}

// jsonVoid is a [result.VoidAttempt] with durations in milliseconds.
type jsonVoid struct {
	Attempt int            `json:"attempt"`
	Verdict result.Verdict `json:"verdict,omitempty"`
	StallMs float64        `json:"stallMs"`
	AtMs    float64        `json:"atMs"`
	Note    string         `json:"note,omitempty"`
}

type jsonEvent struct {
	Call   string         `json:"call"`
	Seq    int            `json:"seq"`
	AtMs   float64        `json:"atMs"`
	Fields map[string]any `json:"fields"`
}

// WriteJSON writes rep as report.json: indented, HTML characters unescaped,
// map keys sorted, durations in milliseconds, times in RFC 3339.
func WriteJSON(w io.Writer, rep Report) error {
	doc := toDoc(rep)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write report json: %w", err)
	}
	return nil
}

// ReadJSON reads a report.json written by [WriteJSON] (schema version
// [SchemaVersion]) back into a Report, for example to render several runs
// with [RenderCompare]. Event field numbers come back as float64.
func ReadJSON(r io.Reader) (Report, error) {
	var doc jsonDoc
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return Report{}, fmt.Errorf("read report json: %w", err)
	}
	switch {
	case doc.SchemaVersion == 0:
		return Report{}, errors.New("read report json: no schemaVersion (not a netconform report?)")
	case doc.SchemaVersion != SchemaVersion:
		return Report{}, fmt.Errorf("read report json: schemaVersion %d, this netconform reads %d",
			doc.SchemaVersion, SchemaVersion)
	}
	return fromDoc(doc), nil
}

func toDoc(rep Report) jsonDoc {
	doc := jsonDoc{
		SchemaVersion: SchemaVersion,
		Run: jsonRun{
			Implementation: jsonImpl{Name: rep.name(), Version: rep.Info.Version},
			Driver:         rep.Info.Driver, Tool: rep.Info.Tool, ToolBuild: rep.Info.Build,
			Interrupted: rep.Info.Interrupted, Strict: rep.Run.Strict,
			TimeScale: rep.Run.TimeScale, Started: rep.started(), Ended: rep.ended(),
			DurationMs: ms(rep.duration()), Host: rep.Info.Host, Args: rep.Info.Args,
		},
		Summary:      Summarize(rep.Run),
		Requirements: []jsonRule{},
		Cases:        make([]jsonCase, 0, len(rep.Run.Cases)),
	}
	for _, r := range Matrix(rep) {
		doc.Requirements = append(doc.Requirements, jsonRule{Requirement: r.Requirement, Status: r.Status, Cases: r.Cases})
	}
	for _, c := range rep.Run.Cases {
		jc := jsonCase{
			ID: c.ID, Title: c.Title, Pos: c.Pos, Area: Area(c.ID), Requirements: nonNil(c.Requirements),
			Level: c.Level, Verdict: c.Verdict, Reason: c.Reason, TimeScale: c.TimeScale, Start: c.Start,
			DurationMs: ms(c.Duration), Mismatches: nonNil(c.Mismatches), Trace: make([]jsonEvent, 0, len(c.Trace)),
			Journal: nonNil(c.Journal), Files: nonNil(c.Files), Logs: nonNil(c.Logs), Interrupted: c.Interrupted,
		}
		for _, e := range c.Trace {
			jc.Trace = append(jc.Trace, jsonEvent{Call: e.Call, Seq: e.Seq, AtMs: ms(e.At), Fields: nonNilMap(e.Fields)})
		}
		if n := c.AttemptCount(); n > 1 {
			jc.Attempts = n
		}
		for _, v := range c.VoidAttempts {
			jc.VoidAttempts = append(jc.VoidAttempts, jsonVoid{Attempt: v.Attempt, Verdict: v.Verdict,
				StallMs: ms(v.Stall), AtMs: ms(v.At), Note: v.Note})
		}
		jc.VoidResult = c.LastAttemptVoid()
		for _, e := range c.FileJournal {
			jc.FileJournal = append(jc.FileJournal, jsonFileEvent{AtMs: ms(e.At), Op: e.Op, Dir: e.Dir, Name: e.Name,
				Count: e.Count, LastMs: ms(e.Last)})
		}
		doc.Cases = append(doc.Cases, jc)
	}
	return doc
}

func fromDoc(doc jsonDoc) Report {
	rep := Report{
		Info: RunInfo{Implementation: doc.Run.Implementation.Name, Version: doc.Run.Implementation.Version,
			Driver: doc.Run.Driver, Host: doc.Run.Host, Started: doc.Run.Started, Ended: doc.Run.Ended,
			Args: doc.Run.Args, Tool: doc.Run.Tool, Build: doc.Run.ToolBuild, Interrupted: doc.Run.Interrupted},
		Run: result.Run{Implementation: doc.Run.Implementation.Name, Strict: doc.Run.Strict,
			TimeScale: doc.Run.TimeScale, Started: doc.Run.Started, Duration: fromMs(doc.Run.DurationMs)},
	}
	for _, r := range doc.Requirements {
		rep.Requirements = append(rep.Requirements, r.Requirement)
	}
	for _, jc := range doc.Cases {
		c := result.CaseResult{ID: jc.ID, Title: jc.Title, Pos: jc.Pos, Requirements: jc.Requirements,
			Level: jc.Level, Verdict: jc.Verdict, Reason: jc.Reason, Mismatches: jc.Mismatches,
			TimeScale: jc.TimeScale, Start: jc.Start, Duration: fromMs(jc.DurationMs), Journal: jc.Journal, Files: jc.Files,
			Logs: jc.Logs, Attempts: jc.Attempts, Interrupted: jc.Interrupted}
		for _, v := range jc.VoidAttempts {
			c.VoidAttempts = append(c.VoidAttempts, result.VoidAttempt{Attempt: v.Attempt, Verdict: v.Verdict,
				Stall: fromMs(v.StallMs), At: fromMs(v.AtMs), Note: v.Note})
		}
		for _, e := range jc.Trace {
			c.Trace = append(c.Trace, trace.Event{Call: e.Call, Seq: e.Seq, At: fromMs(e.AtMs), Fields: e.Fields})
		}
		for _, e := range jc.FileJournal {
			c.FileJournal = append(c.FileJournal, result.FileEvent{At: fromMs(e.AtMs), Op: e.Op, Dir: e.Dir, Name: e.Name,
				Count: e.Count, Last: fromMs(e.LastMs)})
		}
		rep.Run.Cases = append(rep.Run.Cases, c)
	}
	return rep
}

// ms converts a duration to milliseconds, kept to the microsecond.
func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// fromMs converts milliseconds back to a duration.
func fromMs(f float64) time.Duration { return time.Duration(math.Round(f * 1e6)) }

// nonNil returns s, or an empty slice for nil, so JSON has [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
