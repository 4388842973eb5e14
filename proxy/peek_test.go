package proxy

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/switchboard-gov/switchboard/protocol"
)

var benchBody = []byte(`{"model":"m-openai","messages":[` +
	`{"role":"system","content":"You are a helpful assistant for the Department of State travel office. Answer briefly and cite the regulation that applies when you can."},` +
	`{"role":"user","content":"I am travelling to Geneva for a three-day conference next month. Which per diem rate applies, and must I book lodging through the agency travel system or may I book it myself and claim reimbursement?"}],` +
	`"temperature":0.2,"max_tokens":256,"user":"bench-user-0001","stream":true,"stream_options":{"include_usage":true}}`)

func TestPeek(t *testing.T) {
	many := `{"model":"m","messages":[{"role":"user","content":"x"}]`
	for i := range 100 {
		many += `,"f` + strings.Repeat("x", i) + `":1`
	}
	cases := []struct {
		proto protocol.Name
		body  string
		want  head
		dup   string
		ok    bool
	}{
		{protocol.OpenAI, string(benchBody), head{Model: "m-openai", Stream: true, IncludeUsage: true, User: "bench-user-0001"}, "", true},
		{protocol.OpenAI, `{"model":"a","messages":[{}],"model":"b"}`, head{}, "model", false},
		{protocol.OpenAI, `{"model":"a","messages":[{}],"stream":true,"stream_options":{"include_usage":true,"include_usage":false}}`, head{}, "stream_options.include_usage", false},
		{protocol.OpenAI, many + `,"fxxxxx":2}`, head{}, "fxxxxx", false}, // found past the short list
		{protocol.OpenAI, many + `,"model":"b"}`, head{}, "model", false}, // a key from the short list, met after the map took over
		{protocol.OpenAI, many + `}`, head{Model: "m"}, "", true},
		{protocol.OpenAI, `{"model":"a","messages":[]}`, head{}, "", false}, // empty messages: the decoder says so
		{protocol.OpenAI, `{"model":"a","messages":[{}],"stream_options":{"include_usage":true}}`, head{}, "", false},
		{protocol.OpenAI, `{"model":"a","messages":[{}],"stream":true,"stream_options":[1]}`, head{}, "", false},
		{protocol.OpenAI, `{"model":"a","messages":[{}],"stream":"yes"}`, head{}, "", false},
		{protocol.OpenAI, `{"model":"a",`, head{}, "", false},
		{protocol.OpenAI, `[{"model":"a"}]`, head{}, "", false},
		{protocol.Anthropic, `{"model":"c","messages":[{}],"stream":true,"metadata":{"user_id":"u1"}}`, head{Model: "c", Stream: true, IncludeUsage: true, User: "u1"}, "", true},
		{protocol.Anthropic, `{"model":"c","messages":[{}],"metadata":"u1"}`, head{}, "", false},
		{protocol.Anthropic, `{"model":"c","messages":[{}],"metadata":{"user_id":7}}`, head{}, "", false},
		{protocol.Gemini, `{"contents":[{"parts":[{"text":"hi"}]}]}`, head{Model: "g", Stream: true, IncludeUsage: true}, "", true},
		{protocol.Gemini, `{"contents":[],"contents":[1]}`, head{}, "contents", false},
	}
	for _, c := range cases {
		h, dup, ok := peek(c.proto, []byte(c.body), protocol.Target{Model: "g", Stream: true})
		if h != c.want || dup != c.dup || ok != c.ok {
			t.Errorf("peek(%s, %.60s…) = %+v, %q, %v; want %+v, %q, %v", c.proto, c.body, h, dup, ok, c.want, c.dup, c.ok)
		}
	}
}

// BenchmarkPeek is what reading a request's head costs before routing,
// the duplicate-field check included.
func BenchmarkPeek(b *testing.B) {
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	for b.Loop() {
		if _, dup, ok := peek(protocol.OpenAI, benchBody, protocol.Target{}); !ok || dup != "" {
			b.Fatal("no head")
		}
	}
}

// FuzzPeek checks peek against a plain reading of the body: no panic, a
// duplicate is reported exactly when the top level or stream_options has a
// field twice, and a head is only read from valid JSON.
func FuzzPeek(f *testing.F) {
	f.Add(string(benchBody))
	f.Add(`{"model":"a","messages":[{}],"model":"b"}`)
	f.Add(`{"model":"a","messages":[{}],"stream":true,"stream_options":{"include_usage":true,"include_usage":false}}`)
	f.Fuzz(func(t *testing.T, body string) {
		for _, proto := range []protocol.Name{protocol.OpenAI, protocol.Anthropic, protocol.Gemini} {
			h, dup, ok := peek(proto, []byte(body), protocol.Target{Model: "g"})
			valid := len(body) > 0 && body[0] == '{' && gjson.Valid(body)
			if ok && (!valid || h.Model == "") {
				t.Fatalf("%s: head %+v read from %q", proto, h, body)
			}
			want := ""
			if valid {
				want = refDuplicate(gjson.Parse(body), "")
				if so := gjson.Get(body, "stream_options"); want == "" && so.IsObject() {
					want = refDuplicate(so, "stream_options.")
				}
			}
			if dup != want {
				t.Fatalf("%s: dup %q, want %q in %q", proto, dup, want, body)
			}
		}
	})
}

func refDuplicate(obj gjson.Result, prefix string) string {
	seen := map[string]bool{}
	found := ""
	obj.ForEach(func(k, _ gjson.Result) bool {
		if seen[k.Str] {
			found = prefix + k.Str
			return false
		}
		seen[k.Str] = true
		return true
	})
	return found
}
