package gemini

import (
	"testing"

	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/sse"
)

// benchRequest is a typical ~1 KB chat request with a tool.
const benchRequest = `{
  "systemInstruction": {"parts": [{"text": "You are a helpful assistant for the Department of Transportation. Answer briefly and cite the relevant regulation when you can."}]},
  "contents": [
    {"role": "user", "parts": [{"text": "What is the maximum allowed weight for a commercial truck on an interstate highway?"}]},
    {"role": "model", "parts": [{"text": "The federal limit is 80,000 pounds gross vehicle weight on the Interstate System (23 CFR 658.17)."}]},
    {"role": "user", "parts": [{"text": "And what about the single axle limit? Also check the current permit rules for Ohio."}]}
  ],
  "tools": [{"functionDeclarations": [{"name": "lookup_permit_rules", "description": "Look up oversize and overweight permit rules for a state.", "parameters": {"type": "OBJECT", "properties": {"state": {"type": "STRING", "description": "Two-letter state code"}, "vehicle_class": {"type": "STRING", "enum": ["truck", "bus", "trailer"]}}, "required": ["state"]}}]}],
  "toolConfig": {"functionCallingConfig": {"mode": "AUTO"}},
  "generationConfig": {"temperature": 0.3, "topP": 0.95, "maxOutputTokens": 1024, "stopSequences": ["END"]}
}`

const benchStream = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"The single axle \"}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":120,\"totalTokenCount\":120},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"abc\"}\r\n\r\n" +
	"data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"limit is 20,000 pounds.\"}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":120,\"totalTokenCount\":120},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"abc\"}\r\n\r\n" +
	"data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"lookup_permit_rules\",\"args\":{\"state\":\"OH\"}}}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":120,\"candidatesTokenCount\":30,\"totalTokenCount\":150},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"abc\"}\r\n\r\n"

func BenchmarkDecodeRequest(b *testing.B) {
	body := []byte(benchRequest)
	c := New()
	t := protocol.Target{Model: "gemini-2.5-flash"}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DecodeRequest(body, t); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeRequest(b *testing.B) {
	c := New()
	r, err := c.DecodeRequest([]byte(benchRequest), protocol.Target{Model: "m"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.EncodeRequest(r, "gemini-2.5-flash"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStreamEncode encodes a 40-delta text answer plus a tool call.
func BenchmarkStreamEncode(b *testing.B) {
	evs := []llm.Event{{Type: llm.EventMessageStart, ID: "r1"}, {Type: llm.EventBlockStart, Kind: llm.BlockText}}
	for range 40 {
		evs = append(evs, llm.Event{Type: llm.EventBlockDelta, Text: "some words "})
	}
	evs = append(evs, llm.Event{Type: llm.EventBlockStop},
		llm.Event{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockToolCall, ToolID: "c", ToolName: "f"},
		llm.Event{Type: llm.EventBlockDelta, Index: 1, Text: `{"state":`},
		llm.Event{Type: llm.EventBlockDelta, Index: 1, Text: `"OH"}`},
		llm.Event{Type: llm.EventBlockStop, Index: 1},
		llm.Event{Type: llm.EventUsage, Usage: llm.Usage{Input: 100, Output: 50}},
		llm.Event{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls})
	c := New()
	buf := make([]byte, 0, 32<<10)
	b.ReportAllocs()
	for b.Loop() {
		enc := c.NewStreamEncoder("gemini-2.5-flash", protocol.Target{Stream: true, SSE: true}, true)
		buf = buf[:0]
		for _, ev := range evs {
			buf = enc.Encode(buf, ev)
		}
	}
	b.ReportMetric(float64(len(evs)), "events/op")
}

func BenchmarkStreamDecode(b *testing.B) {
	data := []byte(benchStream)
	c := New()
	n := 0
	emit := func(llm.Event) { n++ }
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d := c.NewStreamDecoder()
		var p sse.Parser
		if err := p.Feed(data, func(ev sse.Event) error { return d.Decode(ev, emit) }); err != nil {
			b.Fatal(err)
		}
		if err := d.Finish(emit); err != nil {
			b.Fatal(err)
		}
	}
}
