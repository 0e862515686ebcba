package impl

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestParamsFromTable(t *testing.T) {
	got, err := ParamsFromTable(map[string]any{
		"headers":         map[string]any{"X-S": "s", "X-N": 42.0, "X-F": 1.5, "X-B": true, "X-T": map[string]any{}},
		"body":            map[string]any{"filename": "in.bin", "baseDirectory": "TemporaryDirectory"},
		"bodyType":        "binary",
		"progress":        "download",
		"response":        map[string]any{"filename": "out.bin"},
		"timeout":         2.5,
		"handleRedirects": false,
		"debug":           true, // unknown keys are ignored
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &Params{
		Headers:         map[string]string{"X-S": "s", "X-N": "42", "X-F": "1.5", "X-B": "true"},
		Body:            &Body{File: &FileRef{Filename: "in.bin", BaseDirectory: TemporaryDirectory}},
		BodyType:        "binary",
		Progress:        "download",
		Response:        &FileRef{Filename: "out.bin"},
		Timeout:         2.5,
		HandleRedirects: ptr(false),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestParamsFromTableValues(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]any
		want *Params
	}{
		{"empty", map[string]any{}, &Params{}},
		{"string body", map[string]any{"body": "a=1"}, &Params{Body: &Body{Data: "a=1"}}},
		{"empty headers list", map[string]any{"headers": []any{}}, &Params{Headers: map[string]string{}}},
		{"progress true", map[string]any{"progress": true}, &Params{Progress: ProgressOn}},
		{"progress false", map[string]any{"progress": false}, &Params{}},
		{"values in any letter case (B1)", map[string]any{"bodyType": "Binary", "progress": "DOWNLOAD"},
			&Params{BodyType: BodyBinary, Progress: ProgressDownload}},
		{"int timeout", map[string]any{"timeout": 3}, &Params{Timeout: 3}},
		{"nil baseDirectory", map[string]any{"response": map[string]any{"filename": "f", "baseDirectory": nil}},
			&Params{Response: &FileRef{Filename: "f"}}},
		{"negative whole header", map[string]any{"headers": map[string]any{"X": -7.0}},
			&Params{Headers: map[string]string{"X": "-7"}}},
		{"integer kinds of a YAML or Go caller (R2)", map[string]any{
			"headers": map[string]any{"A": uint64(1) << 63, "B": int32(-5), "C": uint8(7), "D": int64(9)},
			"timeout": uint(4)},
			&Params{Headers: map[string]string{"A": "9223372036854775808", "B": "-5", "C": "7", "D": "9"}, Timeout: 4}},
		{"large whole number without exponent (R2)", map[string]any{"headers": map[string]any{"X": 1e21, "Y": math.Copysign(0, -1)}},
			&Params{Headers: map[string]string{"X": "1000000000000000000000", "Y": "0"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParamsFromTable(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParamsFromTableErrors(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]any
	}{
		{"headers not a table", map[string]any{"headers": "X: y"}},
		{"bodyType unknown", map[string]any{"bodyType": "json"}},
		{"bodyType not a string", map[string]any{"bodyType": 1.0}},
		{"progress unknown", map[string]any{"progress": "none"}},
		{"progress number", map[string]any{"progress": 1.0}},
		{"body number", map[string]any{"body": 3.0}},
		{"body table without filename", map[string]any{"body": map[string]any{"baseDirectory": "DocumentsDirectory"}}},
		{"response not a table", map[string]any{"response": "out.bin"}},
		{"response without filename", map[string]any{"response": map[string]any{}}},
		{"response filename number", map[string]any{"response": map[string]any{"filename": 1.0}}},
		{"unknown baseDirectory", map[string]any{"response": map[string]any{"filename": "f", "baseDirectory": "Home"}}},
		{"baseDirectory number", map[string]any{"body": map[string]any{"filename": "f", "baseDirectory": 2.0}}},
		{"timeout string", map[string]any{"timeout": "10"}},
		{"handleRedirects string", map[string]any{"handleRedirects": "false"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := ParamsFromTable(tc.in)
			if !errors.Is(err, ErrInvalidParam) || p != nil {
				t.Errorf("got %+v, %v; want nil, ErrInvalidParam", p, err)
			}
		})
	}
}

func TestParamsCloneIsDeep(t *testing.T) {
	p := &Params{
		Headers:         map[string]string{"A": "1"},
		Body:            &Body{File: &FileRef{Filename: "a"}},
		Response:        &FileRef{Filename: "b"},
		HandleRedirects: ptr(true),
	}
	c := p.clone()
	c.Headers["A"] = "2"
	c.Body.File.Filename = "x"
	c.Response.Filename = "y"
	*c.HandleRedirects = false
	if p.Headers["A"] != "1" || p.Body.File.Filename != "a" || p.Response.Filename != "b" || !*p.HandleRedirects {
		t.Errorf("clone shares state with the original: %+v", p)
	}
	if z := (*Params)(nil).clone(); z == nil || z.Body != nil {
		t.Errorf("nil clone = %+v, want zero Params", z)
	}
}
