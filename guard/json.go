package guard

import (
	"encoding/json"
	"strings"
)

// Tool-call arguments are JSON text. They are scanned as the text they are,
// so that a key gives its value context ({"account_number": "12345678"}),
// but with every escape sequence of a string read as spaces: "\n" must not
// glue the letter n to the number after it. Redaction then keeps the JSON
// valid: a finding inside a string is replaced within the string, and a
// number a finding touches becomes the placeholder as a string.

// IsJSON reports whether text is to be read as JSON: its first byte after
// ASCII whitespace opens an object, an array or a string. Tool-call
// arguments, and tool results that look like JSON, are scanned with
// ScanJSON and redacted with RedactJSON, which agree on offsets whether or
// not the JSON is valid (a result cut short, a bare string).
func IsJSON(text string) bool {
	t := strings.TrimLeft(text, " \t\r\n")
	return t != "" && (t[0] == '{' || t[0] == '[' || t[0] == '"')
}

// ScanJSON returns the findings in the JSON text raw (see Scan). Offsets are
// into raw.
func (s *Scanner) ScanJSON(raw string) []Finding {
	return s.Scan(jsonView(raw))
}

// jsonView returns raw with the escape sequences of its strings replaced by
// as many spaces, so offsets into it are offsets into raw. Text that is not
// valid JSON is read the same way: a string runs to its closing quote or to
// the end.
func jsonView(raw string) string {
	k := strings.IndexByte(raw, '\\')
	if k < 0 {
		return raw
	}
	b := []byte(raw)
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		for i++; i < len(b) && b[i] != '"'; i++ {
			if b[i] == '\\' {
				e := escapeEnd(raw, i)
				for ; i < e; i++ {
					b[i] = ' '
				}
				i--
			}
		}
	}
	return string(b)
}

// escapeEnd returns the end of the escape sequence that starts with the
// backslash at raw[i]: six bytes for \uXXXX, else two (one at the end of
// the text).
func escapeEnd(raw string, i int) int {
	if i+1 < len(raw) && raw[i+1] == 'u' {
		return min(i+6, len(raw))
	}
	return min(i+2, len(raw))
}

// RedactJSON returns raw with every finding's span replaced by a placeholder
// naming its type, as Redact does, keeping valid JSON valid: inside a
// string the placeholder replaces the span's characters (widened to whole
// escape sequences); a number the span touches is replaced whole by the
// placeholder as a string ("[US_BANK_NUMBER]"); the JSON punctuation a span
// crosses (a card number split over an array) is kept. Use-policy findings
// are not replaced. Text that is not valid JSON (a model's malformed
// arguments) is redacted as text, by Redact: nothing found is kept.
func RedactJSON(raw string, fs []Finding) string {
	spans := redactable(fs, 0, len(raw))
	if len(spans) == 0 {
		return raw
	}
	if !json.Valid([]byte(raw)) {
		return Redact(raw, fs)
	}
	var b strings.Builder
	b.Grow(len(raw))
	last, k := 0, 0 // raw[:last] is written; spans[:k] are done
	for i := 0; i < len(raw) && k < len(spans); {
		if spans[k].End <= i {
			k++
			continue
		}
		switch c := raw[i]; {
		case c == '"':
			lo, q := i+1, stringEnd(raw, i+1)
			for k < len(spans) && spans[k].Start < q {
				sp := spans[k]
				if sp.End > lo {
					a, e := escapeBounds(raw, lo, max(sp.Start, lo), min(sp.End, q))
					b.WriteString(raw[last:a])
					b.WriteString(jsonPlaceholder(sp.Type))
					last, lo = e, e
				}
				if sp.End > q {
					break // it goes on past the string
				}
				k++
			}
			i = q + 1
		case c == '-' || isDigit(c):
			e := i + 1
			for e < len(raw) && strings.IndexByte("0123456789.eE+-", raw[e]) >= 0 {
				e++
			}
			if spans[k].Start < e {
				b.WriteString(raw[last:i])
				b.WriteString(`"` + jsonPlaceholder(spans[k].Type) + `"`)
				last = e
			}
			i = e
		default:
			i++
		}
	}
	b.WriteString(raw[min(last, len(raw)):])
	return b.String()
}

// stringEnd returns the index of the quote that closes the string whose
// characters start at raw[i], or len(raw).
func stringEnd(raw string, i int) int {
	for i < len(raw) {
		switch raw[i] {
		case '"':
			return i
		case '\\':
			i = escapeEnd(raw, i)
		default:
			i++
		}
	}
	return len(raw)
}

// escapeBounds widens [a, e), inside the string characters that start at
// raw[lo], so that it cuts no escape sequence.
func escapeBounds(raw string, lo, a, e int) (int, int) {
	for i := lo; i < e; {
		if raw[i] != '\\' {
			i++
			continue
		}
		end := escapeEnd(raw, i)
		if i < a && a < end {
			a = i
		}
		if i < e && e < end {
			e = end
		}
		i = end
	}
	return a, e
}

// jsonPlaceholder is the placeholder for t as JSON string characters: a
// custom type's name may hold a quote or a backslash.
func jsonPlaceholder(t Type) string {
	p := "[" + string(t) + "]"
	if !strings.ContainsAny(p, "\"\\") && !strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 }) {
		return p
	}
	b, _ := json.Marshal(p)
	return string(b[1 : len(b)-1])
}
