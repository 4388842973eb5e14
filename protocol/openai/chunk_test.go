package openai

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// parseChunkStd is the encoding/json reference for parseChunk.
func parseChunkStd(data []byte, c *chunk) error {
	*c = chunk{}
	return json.Unmarshal(data, c)
}

const typicalChunk = `{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":" world"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"xk2"}`

func TestParseChunk(t *testing.T) {
	for _, s := range []string{
		typicalChunk,
		`{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"a\"b\u00e9\n","refusal":null},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"x","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`,
		`{"choices":[],"usage":null,"error":{"message":"x"}}`,
		`{"choices":null}`,
		`{"choices":[null,{"index":0,"delta":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{"reasoning_content":"r","reasoning":"s"}}]}`,
		"{\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"\xff\"}}]}",
	} {
		var fast, std chunk
		if err := parseChunk([]byte(s), &fast, true); err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if err := parseChunkStd([]byte(s), &std); err != nil {
			t.Fatalf("%s: std: %v", s, err)
		}
		if diff := cmp.Diff(std, fast, cmp.AllowUnexported(chunk{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: (-std +fast)\n%s", s, diff)
		}
	}
	for _, s := range []string{`{"choices":5}`, `{"choices":[{"index":"0"}]}`, `{"choices":[{"index":1.5}]}`, `{"choices":[{"delta":{"content":5}}]}`, `[]`, `{`, `{"choices":[{"finish_reason":1}]}`} {
		var c chunk
		if err := parseChunk([]byte(s), &c, true); err == nil {
			t.Errorf("%s: no error", s)
		}
	}
}

// FuzzParseChunk checks parseChunk against encoding/json on chunks built
// from fuzzed field values.
func FuzzParseChunk(f *testing.F) {
	f.Add("chatcmpl-1", "Hello", "", "stop", 0, `{"a":1}`)
	f.Add("", "a\"\\\n\u2028", "think", "", -1, "")
	f.Fuzz(func(t *testing.T, id, content, reasoning, finish string, index int, args string) {
		ch := map[string]any{"index": index, "delta": map[string]any{
			"content": content, "reasoning_content": reasoning,
			"tool_calls": []any{map[string]any{"index": index, "function": map[string]any{"arguments": args}}},
		}}
		if finish != "" {
			ch["finish_reason"] = finish
		}
		data, err := json.Marshal(map[string]any{"id": id, "model": "m", "choices": []any{ch}})
		if err != nil {
			return
		}
		var fast, std chunk
		errFast := parseChunk(data, &fast, true)
		errStd := parseChunkStd(data, &std)
		if (errFast == nil) != (errStd == nil) {
			t.Fatalf("%s: fast err %v, std err %v", data, errFast, errStd)
		}
		if errFast == nil {
			if diff := cmp.Diff(std, fast, cmp.AllowUnexported(chunk{}), cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("%s: (-std +fast)\n%s", data, diff)
			}
		}
	})
}

func BenchmarkParseChunk(b *testing.B) {
	data := []byte(typicalChunk)
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		var c chunk
		for b.Loop() {
			if err := parseChunk(data, &c, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		var c chunk
		for b.Loop() {
			if err := parseChunkStd(data, &c); err != nil {
				b.Fatal(err)
			}
		}
	})
}
