package anthropic

import (
	"encoding/json"
	"strconv"
)

// firstByte returns the first non-space byte of d, or 0.
func firstByte(d []byte) byte {
	for _, c := range d {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c
	}
	return 0
}

// eachKey calls f with each key of the JSON object d and its raw value, in
// order, until f returns false. d must be valid JSON (encoding/json has already accepted
// it); anything but an object has no keys. It returns nil so callers can
// use it as a tail call.
func eachKey(d []byte, f func(k string, v []byte) bool) error {
	i := skipSpace(d, 0)
	if i >= len(d) || d[i] != '{' {
		return nil
	}
	i++
	for {
		i = skipSpace(d, i)
		if i >= len(d) || d[i] != '"' {
			return nil
		}
		end, escaped := scanString(d, i)
		if end > len(d) {
			return nil
		}
		var k string
		if escaped {
			if err := json.Unmarshal(d[i:end], &k); err != nil {
				return nil
			}
		} else {
			k = string(d[i+1 : end-1])
		}
		i = skipSpace(d, end)
		if i >= len(d) || d[i] != ':' {
			return nil
		}
		start := skipSpace(d, i+1)
		i = skipValue(d, start)
		if !f(k, d[start:min(i, len(d))]) {
			return nil
		}
		i = skipSpace(d, i)
		if i >= len(d) || d[i] != ',' {
			return nil
		}
		i++
	}
}

// unknownKey returns the first key of the object d that is not in known.
func unknownKey(d []byte, known ...string) string {
	var bad string
	eachKey(d, func(k string, _ []byte) bool {
		for _, n := range known {
			if n == k {
				return true
			}
		}
		bad = k
		return false
	})
	return bad
}

func skipSpace(d []byte, i int) int {
	for i < len(d) {
		switch d[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString returns the index just past the string starting at d[i] (a
// quote) and whether it holds escapes.
func scanString(d []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(d); j++ {
		switch d[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return len(d) + 1, escaped
}

// skipValue returns the index just past the JSON value starting at d[i].
func skipValue(d []byte, i int) int {
	depth := 0
	for i < len(d) {
		switch d[i] {
		case '"':
			i, _ = scanString(d, i)
			if depth == 0 {
				return i
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth <= 0 {
				return i + 1
			}
		case ',':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return i
}

const hex = "0123456789abcdef"

func appendInt(dst []byte, n int) []byte { return strconv.AppendInt(dst, int64(n), 10) }
