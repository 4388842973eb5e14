package gemini

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/sse"
)

func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}`), false)
	f.Add([]byte(benchRequest), true)
	f.Add([]byte(`{"contents":[{"role":"model","parts":[{"functionCall":{"name":"f"}}]},{"parts":[{"functionResponse":{"name":"f","response":{"error":{"a":1}}}}]}],"generation_config":{"thinking_config":{"thinking_budget":"0"},"response_mime_type":"text/x.enum","response_schema":{"type":"STRING","enum":["a"]}}}`), false)
	f.Add([]byte(`{"contents":[{"parts":[{"te\u0078t":"\ud800"}]}],"tools":[{"googleSearch":{}},{"function_declarations":[{"name":"a","parameters":{"type":"OBJECT"}}]}]}`), false)
	f.Fuzz(func(t *testing.T, body []byte, stream bool) {
		c := New()
		r, err := c.DecodeRequest(body, protocol.Target{Model: "m", Stream: stream, SSE: stream})
		if err != nil {
			return
		}
		if len(r.Messages) == 0 {
			t.Fatal("decoded a request without messages")
		}
		out, err := c.EncodeRequest(r, "gemini-2.5-flash")
		if err == nil && !json.Valid(out) {
			t.Fatalf("EncodeRequest wrote invalid JSON: %s", out)
		}
		_, _ = c.EncodeRequest(r, "gemini-3-pro")
	})
}

func FuzzDecodeResponse(f *testing.F) {
	f.Add([]byte(`{"candidates":[{"content":{"parts":[{"text":"Hel"},{"functionCall":{"name":"f","args":{"a":1}}}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2,"totalTokenCount":6},"modelVersion":"m","responseId":"abc"}`))
	f.Add([]byte(`{"promptFeedback":{"blockReason":"SAFETY"}}`))
	f.Add([]byte(`{"error":{"code":400,"message":"x","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c := New()
		r, err := c.DecodeResponse(body)
		_ = c.DecodeError(400, body)
		if err != nil {
			return
		}
		out, _ := c.EncodeResponse(r, "m")
		if !json.Valid(out) {
			t.Fatalf("EncodeResponse wrote invalid JSON: %s", out)
		}
	})
}

func FuzzStreamDecoder(f *testing.F) {
	f.Add([]byte(benchStream))
	f.Add([]byte("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\",\"thought\":true},{\"functionCall\":{\"name\":\"f\",\"args\":{\"x\":\"\\n\"}}}]},\"finishReason\":\"STOP\"}]}\n\ndata: {\"error\":{\"code\":500}}\n\n"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		d := New().NewStreamDecoder()
		var evs []llm.Event
		emit := func(ev llm.Event) { evs = append(evs, ev) }
		var p sse.Parser
		decode := func(ev sse.Event) error { return d.Decode(ev, emit) }
		if p.Feed(stream, decode) == nil && p.Flush(decode) == nil {
			_ = d.Finish(emit)
		}
		// Whatever was decoded must re-encode to well-formed Gemini chunks.
		enc := New().NewStreamEncoder("m", protocol.Target{Stream: true, SSE: true}, true)
		var out []byte
		for _, ev := range evs {
			out = enc.Encode(out, ev)
		}
		for _, chunk := range bytes.Split(out, []byte("\r\n\r\n")) {
			if len(chunk) == 0 {
				continue
			}
			data, ok := bytes.CutPrefix(chunk, []byte("data: "))
			if !ok || bytes.ContainsAny(data, "\r\n") || !json.Valid(data) {
				t.Fatalf("bad SSE chunk %q", chunk)
			}
		}
		arr := New().NewStreamEncoder("m", protocol.Target{Stream: true}, true)
		out = out[:0]
		for _, ev := range evs {
			out = arr.Encode(out, ev)
		}
		if len(evs) > 0 && evs[len(evs)-1].Type >= llm.EventMessageStop && !json.Valid(out) {
			t.Fatalf("bad JSON array %s", out)
		}
	})
}
