package openai

import (
	"strings"
	"testing"

	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/sse"
)

// benchRequest is a typical ~1 KB chat request with tools and a tool turn.
const benchRequest = `{"model":"gpt-4o","messages":[` +
	`{"role":"system","content":"You are a helpful assistant for the Department of Transportation. Answer briefly and cite the regulation when you can."},` +
	`{"role":"user","content":"What is the maximum driving time for a property-carrying commercial vehicle driver, and what is the weather in Denver?"},` +
	`{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Denver\",\"unit\":\"fahrenheit\"}"}}]},` +
	`{"role":"tool","tool_call_id":"call_abc123","content":"{\"temperature\":41,\"conditions\":\"light snow\",\"wind_mph\":12}"},` +
	`{"role":"user","content":"Thanks. Summarise both answers in two sentences."}],` +
	`"tools":[{"type":"function","function":{"name":"get_weather","description":"Get the current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"],"additionalProperties":false},"strict":true}}],` +
	`"tool_choice":"auto","temperature":0.3,"max_completion_tokens":512,"stream":true,"stream_options":{"include_usage":true},"user":"agent-42","metadata":{"case":"1234"}}`

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

// benchEvents is a 100-delta text answer followed by one tool call.
func benchEvents() []llm.Event {
	evs := []llm.Event{{Type: llm.EventMessageStart, ID: "chatcmpl-bench", Model: "gpt-4o"},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText}}
	for range 100 {
		evs = append(evs, llm.Event{Type: llm.EventBlockDelta, Index: 0, Text: "Hours of service "})
	}
	evs = append(evs, llm.Event{Type: llm.EventBlockStop, Index: 0},
		llm.Event{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockToolCall, ToolID: "call_1", ToolName: "get_weather"},
		llm.Event{Type: llm.EventBlockDelta, Index: 1, Text: `{"city":"Denver"}`},
		llm.Event{Type: llm.EventBlockStop, Index: 1},
		llm.Event{Type: llm.EventUsage, Usage: llm.Usage{Input: 300, Output: 120}},
		llm.Event{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls})
	return evs
}

func BenchmarkStreamEncode(b *testing.B) {
	c := New()
	evs := benchEvents()
	buf := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		enc := c.NewStreamEncoder("gpt-4o", protocol.Target{}, true)
		buf = buf[:0]
		for _, ev := range evs {
			buf = enc.Encode(buf, ev)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(evs)), "ns/event")
}

func BenchmarkStreamDecode(b *testing.B) {
	c := New()
	raw := []byte(encodeStream("gpt-4o", true, benchEvents()))
	n := strings.Count(string(raw), "data: ")
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	emit := func(llm.Event) {}
	for b.Loop() {
		d := c.NewStreamDecoder()
		var p sse.Parser
		if err := p.Feed(raw, func(ev sse.Event) error { return d.Decode(ev, emit) }); err != nil {
			b.Fatal(err)
		}
		if err := d.Finish(emit); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/chunk")
}
