package openai

import (
	"testing"

	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/sse"
)

func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"model":"m","messages":[{"role":"user","content":"Hi"}]}`,
		benchRequest,
		`{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}}]},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"x"}],"stop":"s","tool_choice":"auto","tools":[{"type":"function","function":{"name":"f"}}]}`,
		`{"model":"m","messages":[{"role":"system","content":[{"type":"text","text":"S"}]},{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{}}},"stream":true,"stream_options":{"include_usage":true},"n":2}`,
		`{"\u006dodel":"m","messages":[]}`,
	} {
		f.Add([]byte(s))
	}
	c := New()
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := c.DecodeRequest(body, protocol.Target{})
		if err != nil {
			return
		}
		out, err := c.EncodeRequest(r, "m")
		if err != nil {
			t.Fatalf("EncodeRequest: %v", err)
		}
		if _, err := c.DecodeRequest(out, protocol.Target{}); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
	})
}

func FuzzDecodeResponse(f *testing.F) {
	for _, s := range []string{
		`{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`,
		`{"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"reasoning_content":"r","tool_calls":[{"id":"t","function":{"name":"f","arguments":"{"}}]},"finish_reason":"tool_calls"}]}`,
		`{"error":{"message":"x","code":1}}`,
	} {
		f.Add([]byte(s))
	}
	c := New()
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := c.DecodeResponse(body)
		if err != nil {
			return
		}
		if _, err := c.EncodeResponse(r, "m"); err != nil {
			t.Fatalf("EncodeResponse: %v", err)
		}
	})
}

func FuzzStreamDecoder(f *testing.F) {
	for _, s := range []string{
		"data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1}}\n\ndata: [DONE]\n\n",
		"data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}\n\ndata: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"name\":\"g\"}}]}}]}\n\ndata: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\",\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n",
		"data: {\"error\":{\"message\":\"boom\"}}\n\n",
		"data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"r\",\"refusal\":\"no\"}}]}\n\n",
	} {
		f.Add([]byte(s))
	}
	c := New()
	f.Fuzz(func(t *testing.T, raw []byte) {
		d := c.NewStreamDecoder()
		enc := c.NewStreamEncoder("m", protocol.Target{}, true)
		var evs []llm.Event
		var out []byte
		emit := func(ev llm.Event) {
			evs = append(evs, ev)
			out = enc.Encode(out, ev)
		}
		var p sse.Parser
		err := p.Feed(raw, func(ev sse.Event) error { return d.Decode(ev, emit) })
		if err == nil {
			err = p.Flush(func(ev sse.Event) error { return d.Decode(ev, emit) })
		}
		if err == nil {
			_ = d.Finish(emit)
		}
		checkWellFormed(t, evs)
		llm.Fold(evs)
	})
}

// checkWellFormed asserts the canonical stream rules the decoder promises.
func checkWellFormed(t *testing.T, evs []llm.Event) {
	t.Helper()
	open, next, ended := -1, 0, false
	for i, ev := range evs {
		if ended {
			t.Fatalf("event %d after the end: %+v", i, ev)
		}
		if i == 0 && ev.Type != llm.EventMessageStart && ev.Type != llm.EventError {
			t.Fatalf("first event %+v", ev)
		}
		switch ev.Type {
		case llm.EventBlockStart:
			if open >= 0 || ev.Index != next {
				t.Fatalf("event %d: block %d starts (open %d, next %d)", i, ev.Index, open, next)
			}
			open, next = ev.Index, next+1
		case llm.EventBlockDelta:
			if ev.Index != open {
				t.Fatalf("event %d: delta for %d, open %d", i, ev.Index, open)
			}
		case llm.EventBlockStop:
			if ev.Index != open {
				t.Fatalf("event %d: stop for %d, open %d", i, ev.Index, open)
			}
			open = -1
		case llm.EventMessageStop:
			if open >= 0 {
				t.Fatalf("event %d: MessageStop with block %d open", i, open)
			}
			ended = true
		case llm.EventError:
			ended = true
		}
	}
}
