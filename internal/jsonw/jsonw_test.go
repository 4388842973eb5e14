package jsonw

import (
	"encoding/json"
	"testing"
)

// FuzzAppendString: the output is always JSON that decodes back to the
// input, with each invalid UTF-8 byte replaced by U+FFFD as encoding/json
// does.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote \" and \\ slash", "tab\tnew\nline\r\b\f", "\x00\x1f", "\u2028\u2029", "bad \xff utf8", "é ✓ 😀", "<b>&</b>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := AppendString([]byte("prefix"), s)[len("prefix"):]
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("AppendString(%q) = %s, not JSON: %v", s, got, err)
		}
		if want := string([]rune(s)); back != want {
			t.Fatalf("AppendString(%q) decodes to %q, want %q", s, back, want)
		}
	})
}
