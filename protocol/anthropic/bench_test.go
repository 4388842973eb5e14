package anthropic

import (
	"testing"

	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/sse"
)

// benchRequest is a typical ~1KB chat request with a tool round trip.
const benchRequest = `{"model":"claude-sonnet-4-5","max_tokens":1024,"temperature":0.7,"stream":true,
"system":"You are a helpful assistant for a city permits office. Answer briefly and cite the relevant ordinance when you can.",
"tools":[{"name":"lookup_permit","description":"Look up a permit by its number","input_schema":{"type":"object","properties":{"number":{"type":"string","description":"The permit number"}},"required":["number"]}}],
"messages":[
{"role":"user","content":"Hello, I applied for a building permit last month and have not heard back. Can you check the status of permit BP-2024-00123 for me?"},
{"role":"assistant","content":[{"type":"text","text":"Let me look that up for you."},{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"lookup_permit","input":{"number":"BP-2024-00123"}}]},
{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A09q90qw90lq917835lq9","content":"{\"status\":\"under review\",\"reviewer\":\"Planning\",\"submitted\":\"2024-05-02\"}"}]},
{"role":"assistant","content":"Your permit BP-2024-00123 is under review by the Planning department; it was submitted on 2024-05-02."},
{"role":"user","content":"Thanks. How long does a review usually take, and is there anything I can do to speed it up?"}]}`

func BenchmarkDecodeRequest(b *testing.B) {
	c := New()
	body := []byte(benchRequest)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DecodeRequest(body, protocol.Target{}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchEvents() []llm.Event {
	evs := []llm.Event{{Type: llm.EventMessageStart, ID: "msg_1", Model: "m"}, {Type: llm.EventUsage, Usage: llm.Usage{Input: 100}},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText}}
	for range 100 {
		evs = append(evs, llm.Event{Type: llm.EventBlockDelta, Index: 0, Text: "Hello, world and "})
	}
	evs = append(evs, llm.Event{Type: llm.EventBlockStop, Index: 0},
		llm.Event{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockToolCall, ToolID: "toolu_1", ToolName: "f"},
		llm.Event{Type: llm.EventBlockDelta, Index: 1, Text: `{"number":`},
		llm.Event{Type: llm.EventBlockDelta, Index: 1, Text: `"BP-1"}`},
		llm.Event{Type: llm.EventBlockStop, Index: 1},
		llm.Event{Type: llm.EventUsage, Usage: llm.Usage{Input: 100, Output: 120}},
		llm.Event{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls})
	return evs
}

// BenchmarkStreamEncode encodes a 110-event stream; per-op numbers are per stream.
func BenchmarkStreamEncode(b *testing.B) {
	evs := benchEvents()
	buf := make([]byte, 0, 32<<10)
	b.ReportAllocs()
	for b.Loop() {
		enc := New().NewStreamEncoder("claude-x", protocol.Target{}, false)
		buf = buf[:0]
		for _, ev := range evs {
			buf = enc.Encode(buf, ev)
		}
	}
}

// BenchmarkStreamDecode decodes the same stream as it arrives on the wire.
func BenchmarkStreamDecode(b *testing.B) {
	enc := New().NewStreamEncoder("claude-x", protocol.Target{}, false)
	var wire []byte
	for _, ev := range benchEvents() {
		wire = enc.Encode(wire, ev)
	}
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	emit := func(llm.Event) {}
	for b.Loop() {
		dec := New().NewStreamDecoder()
		var p sse.Parser
		if err := p.Feed(wire, func(e sse.Event) error { return dec.Decode(e, emit) }); err != nil {
			b.Fatal(err)
		}
		if err := dec.Finish(emit); err != nil {
			b.Fatal(err)
		}
	}
}
