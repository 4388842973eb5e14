package openai

import (
	"encoding/json"
	"strconv"
)

// This file holds two small JSON tools encoding/json lacks: a scanner over
// the keys of an object already known to be valid (to find unknown and extra
// top-level fields without a second full decode), and an appender for JSON
// strings (to build stream chunks without reflection).

// scanObject calls fn with each key and raw value of the JSON object b,
// stopping when fn returns false. b must be valid JSON (json.Valid or
// json.Unmarshal has accepted it); scanObject returns false when b is not an
// object. Keys with escapes are unescaped; key is only valid during the call.
func scanObject(b []byte, fn func(key, val []byte) bool) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] == '}' {
			return true
		}
		if b[i] == ',' {
			i++
			continue
		}
		if b[i] != '"' {
			return false
		}
		end := skipString(b, i)
		key := b[i+1 : end-1]
		if containsByte(key, '\\') {
			var s string
			if json.Unmarshal(b[i:end], &s) != nil {
				return false
			}
			key = []byte(s)
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		vend := skipValue(b, i)
		if !fn(key, b[i:vend]) {
			return true
		}
		i = vend
	}
}

// scanArray calls fn with each raw element of the JSON array b (valid
// JSON), stopping when fn returns false; it returns false when b is not an
// array.
func scanArray(b []byte, fn func(val []byte) bool) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return false
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] == ']' {
			return true
		}
		if b[i] == ',' {
			i++
			continue
		}
		end := skipValue(b, i)
		if end == i || !fn(b[i:end]) {
			return true
		}
		i = end
	}
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index just past the value starting at b[i].
func skipValue(b []byte, i int) int {
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

// isNull reports whether the raw JSON value v is null.
func isNull(v []byte) bool {
	return len(v) == 4 && string(v) == "null"
}

func appendInt(dst []byte, n int64) []byte { return strconv.AppendInt(dst, n, 10) }
