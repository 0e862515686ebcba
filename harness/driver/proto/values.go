package proto

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"unicode/utf8"
)

// bytesKey is the key of the raw-bytes convention: {"$bytes": "<base64>"}.
const bytesKey = "$bytes"

// encodeValue returns v ready for JSON: every string that is not valid UTF-8
// and every []byte become {"$bytes": base64}, at any depth of maps and
// slices. Other values are returned as they are.
func encodeValue(v any) any {
	switch x := v.(type) {
	case string:
		if utf8.ValidString(x) {
			return x
		}
		return map[string]any{bytesKey: base64.StdEncoding.EncodeToString([]byte(x))}
	case []byte:
		return map[string]any{bytesKey: base64.StdEncoding.EncodeToString(x)}
	case map[string]any:
		if x == nil {
			return x
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = encodeValue(e)
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = encodeValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = encodeValue(e)
		}
		return out
	}
	return v
}

// encodeMap is encodeValue for a table.
func encodeMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out, _ := encodeValue(m).(map[string]any)
	return out
}

// numberMode says how decodeValue converts JSON numbers.
type numberMode int

const (
	// asFloat makes every number a float64, as Lua tables give them.
	asFloat numberMode = iota
	// asInt makes integral numbers int64 and the others float64, as the
	// reference's event fields are.
	asInt
)

// decodeValue undoes encodeValue on a value decoded with UseNumber:
// {"$bytes": b64} objects become strings and json.Numbers become numbers
// per mode. A malformed $bytes is an error.
func decodeValue(v any, mode numberMode) (any, error) {
	switch x := v.(type) {
	case json.Number:
		return decodeNumber(x, mode)
	case map[string]any:
		if b, ok := x[bytesKey]; ok && len(x) == 1 {
			s, ok := b.(string)
			if !ok {
				return nil, fmt.Errorf("%s is %T, want a base64 string", bytesKey, b)
			}
			raw, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, fmt.Errorf("decode %s: %w", bytesKey, err)
			}
			return string(raw), nil
		}
		for k, e := range x {
			d, err := decodeValue(e, mode)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			x[k] = d
		}
		return x, nil
	case []any:
		for i, e := range x {
			d, err := decodeValue(e, mode)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			x[i] = d
		}
		return x, nil
	}
	return v, nil
}

// decodeMap is decodeValue for a table.
func decodeMap(m map[string]any, mode numberMode) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	v, err := decodeValue(m, mode)
	if err != nil {
		return nil, err
	}
	out, _ := v.(map[string]any)
	return out, nil
}

// decodeNumber converts a JSON number per mode.
func decodeNumber(n json.Number, mode numberMode) (any, error) {
	f, err := n.Float64()
	if err != nil {
		return nil, fmt.Errorf("number %s: %w", n, err)
	}
	if mode == asInt && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f), nil
	}
	return f, nil
}
