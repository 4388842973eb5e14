package anthropic

import (
	"testing"

	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/sse"
)

func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"model":"m","max_tokens":10,` + hi + `}`))
	f.Add([]byte(benchRequest))
	f.Add([]byte(`{"model":"m","max_tokens":5000,"thinking":{"type":"enabled","budget_tokens":2048},"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"redacted_thinking","data":"d"},{"type":"tool_use","id":"a","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":[{"type":"text","text":"r"}]},{"type":"image","source":{"type":"url","url":"u"}}]}]}`))
	f.Add([]byte(`{"model":"m","max_tokens":1,"tools":[{"type":"web_search_20250305","name":"w"}],"tool_choice":{"type":"tool","name":"x"},"output_config":{"effort":"low","format":{"type":"json_schema","schema":{}}},"service_tier":"auto",` + hi + `}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := New().DecodeRequest(body, protocol.Target{})
		if err != nil {
			return
		}
		for _, c := range []protocol.Codec{New()} {
			b, err := c.EncodeRequest(r, "up")
			if err != nil {
				continue
			}
			if _, err := c.DecodeRequest(b, protocol.Target{}); err != nil {
				t.Fatalf("re-decode of %s failed: %v\nfrom %s", b, err, body)
			}
		}
	})
}

func FuzzDecodeResponse(f *testing.F) {
	f.Add([]byte(`{"id":"msg_01","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"Hi"},{"type":"tool_use","id":"t","name":"f","input":{"a":1}},{"type":"thinking","thinking":"x","signature":"y"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":2}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := New().DecodeResponse(body)
		if err != nil {
			return
		}
		if _, err := New().EncodeResponse(r, "m"); err != nil {
			t.Fatal(err)
		}
		enc := New().NewStreamEncoder("m", protocol.Target{}, true)
		var b []byte
		for _, ev := range llm.Events(r) {
			b = enc.Encode(b, ev)
		}
	})
}

func FuzzStreamDecoder(f *testing.F) {
	f.Add([]byte(upstreamStream))
	f.Add([]byte("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"x\"}}\n\n"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		dec := New().NewStreamDecoder()
		enc := New().NewStreamEncoder("m", protocol.Target{}, true)
		var out []byte
		var f llm.Folder
		emit := func(ev llm.Event) {
			f.Add(ev)
			out = enc.Encode(out, ev)
		}
		var p sse.Parser
		if p.Feed(stream, func(e sse.Event) error { return dec.Decode(e, emit) }) != nil {
			return
		}
		_ = p.Flush(func(e sse.Event) error { return dec.Decode(e, emit) })
		_ = dec.Finish(emit)
		f.Response()
	})
}
