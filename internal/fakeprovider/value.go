package fakeprovider

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
)

// The request validators walk the result of one json.Unmarshal into any;
// these helpers keep the type switches short.

// jsonType names a decoded JSON value's type as the vendors' messages do.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

// number returns v as a float64 when it is a JSON number.
func number(v any) (float64, bool) {
	f, ok := v.(float64)
	return f, ok
}

// integer returns v as an int when it is a JSON number without a fraction.
func integer(v any) (int, bool) {
	f, ok := v.(float64)
	if !ok || f != float64(int64(f)) || f > 1<<53 || f < -(1<<53) {
		return 0, false
	}
	return int(f), true
}

// fmtNum formats a number as the vendors echo it back.
func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// compactJSON marshals v; maps come out with sorted keys, so the result is
// deterministic.
func compactJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// decodeObject unmarshals a request body that must be a JSON object.
func decodeObject(body []byte) (map[string]any, error) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errNotObject
	}
	return m, nil
}

type constError string

func (e constError) Error() string { return string(e) }

const errNotObject = constError("not a JSON object")

// mustMarshal marshals the fake's own response structs, which cannot fail.
// Like the real APIs, it does not escape <, > and & as JSON's HTML-safe
// form would.
func mustMarshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("fakeprovider: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// unknownKeys returns the keys of m not in known, sorted (map order would
// make the error messages nondeterministic).
func unknownKeys(m map[string]any, known map[string]bool) []string {
	var bad []string
	for k := range m {
		if !known[k] {
			bad = append(bad, k)
		}
	}
	slices.Sort(bad)
	return bad
}
