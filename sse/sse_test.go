package sse

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

type ev struct{ name, data string }

func parseAll(t testing.TB, chunks ...string) []ev {
	var p Parser
	var out []ev
	emit := func(e Event) error {
		out = append(out, ev{string(e.Name), string(e.Data)})
		return nil
	}
	for _, c := range chunks {
		if err := p.Feed([]byte(c), emit); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(emit); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParser(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		want   []ev
	}{
		{"openai", []string{"data: {\"a\":1}\n\ndata: [DONE]\n\n"}, []ev{{"", `{"a":1}`}, {"", "[DONE]"}}},
		{"anthropic", []string{"event: ping\ndata: {\"type\":\"ping\"}\n\n"}, []ev{{"ping", `{"type":"ping"}`}}},
		{"gemini crlf", []string{"data: {}\r\n\r\ndata: {\"b\":2}\r\n\r\n"}, []ev{{"", "{}"}, {"", `{"b":2}`}}},
		{"cr only", []string{"data: x\r\rdata: y\r\r"}, []ev{{"", "x"}, {"", "y"}}},
		{"split everywhere", []string{"ev", "ent: a\r", "\nda", "ta: 1", "\r", "\n", "\r", "\n"}, []ev{{"a", "1"}}},
		{"multi-line data", []string{"data: a\ndata: b\n\n"}, []ev{{"", "a\nb"}}},
		{"comment and no space", []string{": keep-alive\ndata:x\n\n"}, []ev{{"", "x"}}},
		{"event without data is dropped", []string{"event: a\n\ndata: b\n\n"}, []ev{{"", "b"}}},
		{"no trailing blank line", []string{"data: last"}, []ev{{"", "last"}}},
		{"field without colon", []string{"data\n\n"}, []ev{{"", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseAll(t, tt.chunks...)
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("event %d: got %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestAppendEventRoundTrip(t *testing.T) {
	var b []byte
	b = AppendEvent(b, "message_start", []byte("{\"a\":\n1}"))
	b = AppendEvent(b, "", []byte("[DONE]"))
	want := "event: message_start\ndata: {\"a\":\ndata: 1}\n\ndata: [DONE]\n\n"
	if string(b) != want {
		t.Fatalf("got %q", b)
	}
	got := parseAll(t, string(b))
	if len(got) != 2 || got[0] != (ev{"message_start", "{\"a\":\n1}"}) || got[1] != (ev{"", "[DONE]"}) {
		t.Fatalf("round trip: %q", got)
	}
}

func TestReader(t *testing.T) {
	r := NewReader(io.MultiReader(strings.NewReader("data: a\n"), strings.NewReader("\ndata: b\n\n")))
	var got []string
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(e.Data))
	}
	if strings.Join(got, ",") != "a,b" {
		t.Fatalf("got %q", got)
	}
}

func TestLineTooLong(t *testing.T) {
	var p Parser
	err := p.Feed(bytes.Repeat([]byte("x"), MaxLine+1), func(Event) error { return nil })
	if err != ErrLineTooLong {
		t.Fatalf("err = %v", err)
	}
}

// FuzzParser checks that any split of any input yields the same events as
// parsing it whole, and that nothing panics.
func FuzzParser(f *testing.F) {
	f.Add([]byte("event: a\ndata: b\n\n"), uint8(3))
	f.Add([]byte("data: x\r\n\r\ndata: y\r\r: c\n"), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, split uint8) {
		whole := parseAll(t, string(in))
		s := int(split)
		if s > len(in) {
			s = len(in)
		}
		parts := parseAll(t, string(in[:s]), string(in[s:]))
		if len(whole) != len(parts) {
			t.Fatalf("whole %q vs split %q", whole, parts)
		}
		for i := range whole {
			if whole[i] != parts[i] {
				t.Fatalf("event %d: whole %q vs split %q", i, whole[i], parts[i])
			}
		}
	})
}
