package gemini

import (
	"encoding/json"
	"strconv"

	switchboard "github.com/switchboard-gov/switchboard"
)

// This file reads proto3-JSON the way Google's front end does: every field
// by its lowerCamel json_name or its snake_case proto name, null meaning
// "not set", numbers also as strings. The body is checked once with
// json.Valid, so the iterators below can walk it without re-validating and
// without building maps.

// Proto type names used in "Invalid value" messages.
const (
	typeString = "TYPE_STRING"
	typeFloat  = "TYPE_FLOAT"
	typeInt32  = "TYPE_INT32"
	typeBool   = "TYPE_BOOL"
	typeBytes  = "TYPE_BYTES"
	typeStruct = "type.googleapis.com/google.protobuf.Struct"
	msgPrefix  = "type.googleapis.com/google.ai.generativelanguage.v1beta."
)

func invalidf(param, format string, args ...any) *switchboard.Error {
	e := switchboard.Errorf(switchboard.EINVALID, format, args...)
	e.Param = param
	return e
}

// unknownField is Google's answer to a field the message does not have.
func unknownField(path string, key []byte) *switchboard.Error {
	k := string(key)
	if path == "" {
		return invalidf(k, "Invalid JSON payload received. Unknown name %q: Cannot find field.", k)
	}
	return invalidf(path+"."+k, "Invalid JSON payload received. Unknown name %q at '%s': Cannot find field.", k, path)
}

// invalidValue is Google's answer to a value of the wrong type.
func invalidValue(path, typ string, val []byte) *switchboard.Error {
	v := string(val)
	if len(v) > 100 {
		v = v[:100] + "…"
	}
	return invalidf(path, "Invalid value at '%s' (%s), %s", path, typ, v)
}

func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value starting at b[i]
// (after spaces). b must be valid JSON.
func skipValue(b []byte, i int) int {
	i = skipSpace(b, i)
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default:
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// skipString returns the index just past the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	i++
	for i < len(b) {
		switch b[i] {
		case '\\':
			i += 2
			continue
		case '"':
			return i + 1
		}
		i++
	}
	return i
}

func trim(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isNull(v []byte) bool { return len(v) == 4 && string(v) == "null" }

// fields calls fn with each key and value of the object val; values are
// trimmed, null values are skipped (proto3-JSON: null means unset). A
// value that is not an object is an error naming typ.
func fields(val []byte, path, typ string, fn func(key, v []byte) error) error {
	val = trim(val)
	if len(val) == 0 || val[0] != '{' {
		return invalidValue(path, typ, val)
	}
	i := skipSpace(val, 1)
	for i < len(val) && val[i] != '}' {
		if val[i] == ',' {
			i = skipSpace(val, i+1)
			continue
		}
		ke := skipString(val, i)
		key := val[i+1 : ke-1]
		if hasEscape(key) {
			var s string
			if json.Unmarshal(val[i:ke], &s) == nil {
				key = []byte(s)
			}
		}
		i = skipSpace(val, ke)
		i = skipSpace(val, i+1) // ':'
		ve := skipValue(val, i)
		v := val[i:ve]
		i = skipSpace(val, ve)
		if isNull(v) {
			continue
		}
		if err := fn(key, v); err != nil {
			return err
		}
	}
	return nil
}

// elems calls fn with each element of the array val (null elements are
// passed through: a null inside a repeated field is an error for the
// callee to report).
func elems(val []byte, path, typ string, fn func(i int, v []byte) error) error {
	val = trim(val)
	if len(val) == 0 || val[0] != '[' {
		return invalidValue(path, typ, val)
	}
	i := skipSpace(val, 1)
	n := 0
	for i < len(val) && val[i] != ']' {
		if val[i] == ',' {
			i = skipSpace(val, i+1)
			continue
		}
		ve := skipValue(val, i)
		if err := fn(n, val[i:ve]); err != nil {
			return err
		}
		n++
		i = skipSpace(val, ve)
	}
	return nil
}

func hasEscape(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}

func getString(v []byte, path string) (string, error) {
	if len(v) < 2 || v[0] != '"' {
		return "", invalidValue(path, typeString, v)
	}
	if !hasEscape(v) {
		return string(v[1 : len(v)-1]), nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", invalidValue(path, typeString, v)
	}
	return s, nil
}

func getFloat(v []byte, path string) (float64, error) {
	s := v
	if len(v) > 0 && v[0] == '"' {
		s = v[1 : len(v)-1]
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return 0, invalidValue(path, typeFloat, v)
	}
	return f, nil
}

func getInt(v []byte, path string) (int64, error) {
	s := v
	if len(v) > 0 && v[0] == '"' {
		s = v[1 : len(v)-1]
	}
	n, err := strconv.ParseInt(string(s), 10, 32)
	if err == nil {
		return n, nil
	}
	f, ferr := strconv.ParseFloat(string(s), 64)
	if ferr != nil || f != float64(int64(f)) || f > 1<<31-1 || f < -(1<<31) {
		return 0, invalidValue(path, typeInt32, v)
	}
	return int64(f), nil
}

func getBool(v []byte, path string) (bool, error) {
	switch string(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, invalidValue(path, typeBool, v)
}

// getStruct returns v, which must be a JSON object (google.protobuf.Struct),
// as a copy.
func getStruct(v []byte, path string) (json.RawMessage, error) {
	if len(v) == 0 || v[0] != '{' {
		return nil, invalidValue(path, typeStruct, v)
	}
	return append(json.RawMessage(nil), v...), nil
}
