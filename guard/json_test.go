package guard

import (
	"encoding/json"
	"testing"
)

func TestRedactJSON(t *testing.T) {
	s := mustScanner(t, Config{})
	cases := []struct{ raw, want string }{
		// Inside a string, with the key giving context.
		{`{"ssn":"536-22-1234","note":"ok"}`, `{"ssn":"[US_SSN]","note":"ok"}`},
		{`{"account_number": 12345678, "amount": 12.5}`, `{"account_number": "[US_BANK_NUMBER]", "amount": 12.5}`},
		{`{"account_number": "12345678"}`, `{"account_number": "[US_BANK_NUMBER]"}`},
		// An escape before the number neither hides it nor is cut.
		{`{"text":"Record:\n536-22-1234\tcall (202) 555-0143"}`, `{"text":"Record:\n[US_SSN]\tcall [PHONE_NUMBER]"}`},
		{`{"to":["bob.smith@agency.gov"]}`, `{"to":["[EMAIL_ADDRESS]"]}`},
		// Nothing found: the text is returned as it is.
		{`{"city":"Springfield","count":3}`, `{"city":"Springfield","count":3}`},
		{`{}`, `{}`},
	}
	for _, c := range cases {
		got := RedactJSON(c.raw, s.ScanJSON(c.raw))
		if got != c.want {
			t.Errorf("RedactJSON(%s)\n got %s\nwant %s", c.raw, got, c.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("RedactJSON(%s) = %s: not valid JSON", c.raw, got)
		}
	}
}

// TestRedactJSONSpans covers spans that cross JSON punctuation and cut
// escape sequences, which the scanner rarely produces.
func TestRedactJSONSpans(t *testing.T) {
	cases := []struct {
		raw        string
		start, end int
		want       string
	}{
		// A card split over an array: each piece is replaced, the
		// punctuation kept.
		{`["4111","1111"]`, 2, 13, `["[CREDIT_CARD]","[CREDIT_CARD]"]`},
		// A span ending inside "\u00e9" or starting inside "\n" widens.
		{`{"a":"x\u00e9y"}`, 7, 9, `{"a":"x[CREDIT_CARD]y"}`},
		{`{"a":"x\ny"}`, 8, 10, `{"a":"x[CREDIT_CARD]"}`},
		// A span over a number and the string after it.
		{`[123456, "789"]`, 1, 13, `["[CREDIT_CARD]", "[CREDIT_CARD]"]`},
	}
	for _, c := range cases {
		fs := []Finding{{Type: CreditCard, Start: c.start, End: c.end}}
		got := RedactJSON(c.raw, fs)
		if got != c.want {
			t.Errorf("RedactJSON(%s, [%d,%d))\n got %s\nwant %s", c.raw, c.start, c.end, got, c.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("RedactJSON(%s) = %s: not valid JSON", c.raw, got)
		}
	}
}

// TestRedactJSONInvalid: arguments that are not valid JSON (a model's
// Python-style dict) are redacted as text: nothing found is kept.
func TestRedactJSONInvalid(t *testing.T) {
	s := mustScanner(t, Config{})
	raw := `{'to': 'bob.smith@agency.gov', 'ssn': 536-22-1234}`
	got := RedactJSON(raw, s.ScanJSON(raw))
	if want := `{'to': '[EMAIL_ADDRESS]', 'ssn': [US_SSN]}`; got != want {
		t.Errorf("RedactJSON(%s) = %s, want %s", raw, got, want)
	}
	// A custom type's name is escaped inside JSON strings.
	got = RedactJSON(`{"a":"x"}`, []Finding{{Type: `A"B\`, Start: 6, End: 7}})
	if !json.Valid([]byte(got)) {
		t.Errorf("placeholder for a custom type broke the JSON: %s", got)
	}
}

func TestIsJSON(t *testing.T) {
	for text, want := range map[string]bool{`{"a":1}`: true, ` [1, 2] `: true, `"s"`: true, `{"cut": "sho`: true,
		"\u00a0{}": false, `SSN 536-22-1234`: false, ``: false} {
		if got := IsJSON(text); got != want {
			t.Errorf("IsJSON(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestScanJSONHiddenByEscape: a bare JSON string and JSON cut short are
// read as JSON too, so "\n" does not hide the number after it.
func TestScanJSONHiddenByEscape(t *testing.T) {
	s := mustScanner(t, Config{})
	for raw, want := range map[string]string{
		`"call\n536-22-1234"`:           `"call\n[US_SSN]"`,
		`{"note": "call\n536-22-1234"`:  `{"note": "call\n[US_SSN]"`,
		`{"note": "call\n536-22-1234"}`: `{"note": "call\n[US_SSN]"}`,
	} {
		if !IsJSON(raw) {
			t.Errorf("IsJSON(%s) = false", raw)
		}
		if got := RedactJSON(raw, s.ScanJSON(raw)); got != want {
			t.Errorf("RedactJSON(%s) = %s, want %s", raw, got, want)
		}
	}
}

func TestJSONView(t *testing.T) {
	raw := `{"a\"b":"x\n1\u00e92\\"}`
	got := jsonView(raw)
	if len(got) != len(raw) {
		t.Fatalf("jsonView changed the length: %d -> %d", len(raw), len(got))
	}
	if want := `{"a  b":"x  1      2  "}`; got != want {
		t.Fatalf("jsonView(%s) = %s, want %s", raw, got, want)
	}
}

// FuzzRedactJSON: for any valid JSON and any findings the scanner reports
// on it, the redacted text is valid JSON, and no digit of a redacted span
// is left: changing those digits does not change the output.
func FuzzRedactJSON(f *testing.F) {
	for _, seed := range []string{
		`{"ssn":"536-22-1234"}`, `{"acct": 12345678}`, `["4111 1111 1111 1111"]`,
		`{"t":"a\nb 202-555-0143\u0041"}`, `[1e5, -0.5, "x"]`, `"plain 10.20.30.40"`,
	} {
		f.Add(seed)
	}
	s := mustScanner(f, Config{})
	f.Fuzz(func(t *testing.T, raw string) {
		fs := s.ScanJSON(raw)
		got := RedactJSON(raw, fs)
		if !json.Valid([]byte(raw)) {
			return
		}
		if !json.Valid([]byte(got)) {
			t.Fatalf("RedactJSON(%q) = %q: not valid JSON (findings %v)", raw, got, fs)
		}
		// Change every digit a span covers (1 for any other, 2 for 1: a
		// number stays a valid number); the output must not notice.
		alt := []byte(raw)
		for _, sp := range redactable(fs, 0, len(raw)) {
			for i := sp.Start; i < sp.End; i++ {
				if isDigit(alt[i]) {
					alt[i] = map[bool]byte{true: '2', false: '1'}[alt[i] == '1']
				}
			}
		}
		if again := RedactJSON(string(alt), fs); again != got {
			t.Fatalf("RedactJSON(%q) = %q keeps a redacted digit: with them changed it is %q", raw, got, again)
		}
	})
}
