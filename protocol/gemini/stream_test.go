package gemini

import (
	"encoding/json"
	"strings"
	"testing"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/sse"
)

func TestEncodeResponse(t *testing.T) {
	r := &llm.Response{ID: "r1", Model: "upstream", Content: []llm.Part{
		{Kind: llm.PartThinking, Text: "plan", Signature: "c2ln"},
		text("Hi \"you\"\n<b>"),
		text(""),
		call("c1", "f", "{\"a\":\n1}"),
		{Kind: llm.PartToolCall, ToolCall: &llm.ToolCall{Name: "g"}},
	}, StopReason: llm.StopToolCalls, Usage: llm.Usage{Input: 10, Output: 8, Reasoning: 3, CacheRead: 2}}
	got, _ := New().EncodeResponse(r, "gemini-2.5-flash")
	want := `{"candidates":[{"content":{"parts":[{"text":"plan","thought":true,"thoughtSignature":"c2ln"},{"text":"Hi \"you\"\n<b>"},` +
		`{"functionCall":{"id":"c1","name":"f","args":{"a":1}}},{"functionCall":{"name":"g","args":{}}}],"role":"model"},"finishReason":"STOP","index":0}],` +
		`"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5,"totalTokenCount":18,"cachedContentTokenCount":2,"thoughtsTokenCount":3},"modelVersion":"gemini-2.5-flash","responseId":"r1"}`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for stop, finish := range map[llm.StopReason]string{llm.StopEnd: "STOP", llm.StopSequence: "STOP", llm.StopMaxTokens: "MAX_TOKENS", llm.StopRefused: "SAFETY", llm.StopError: "OTHER"} {
		got, _ := New().EncodeResponse(&llm.Response{StopReason: stop}, "m")
		if !strings.Contains(string(got), `"parts":[],"role":"model"},"finishReason":"`+finish+`"`) {
			t.Errorf("%s: %s", stop, got)
		}
	}
}

func TestDecodeResponse(t *testing.T) {
	tests := []struct {
		name, body string
		want       llm.Response
	}{
		{"text parts merged", `{"candidates":[{"content":{"parts":[{"text":"Hel"},{"text":"lo"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2,"totalTokenCount":6},"modelVersion":"gemini-2.5-flash","responseId":"abc"}`,
			llm.Response{ID: "abc", Model: "gemini-2.5-flash", Content: []llm.Part{text("Hello")}, StopReason: llm.StopEnd, Usage: llm.Usage{Input: 4, Output: 2}}},
		{"thoughts, signature, tool call", `{"candidates":[{"content":{"parts":[{"text":"hmm","thought":true},{"text":"ok","thoughtSignature":"AA"},{"functionCall":{"id":"x","name":"f","args":{"a":1}},"thoughtSignature":"BB"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2,"thoughtsTokenCount":5,"cachedContentTokenCount":1,"toolUsePromptTokenCount":3}}`,
			llm.Response{Content: []llm.Part{{Kind: llm.PartThinking, Text: "hmm"}, {Kind: llm.PartText, Text: "ok", Signature: "AA"},
				{Kind: llm.PartToolCall, Signature: "BB", ToolCall: &llm.ToolCall{ID: "x", Name: "f", Args: json.RawMessage(`{"a":1}`)}}},
				StopReason: llm.StopToolCalls, Usage: llm.Usage{Input: 7, Output: 7, Reasoning: 5, CacheRead: 1}}},
		{"max tokens", `{"candidates":[{"content":{"parts":[{"text":"a"}]},"finishReason":"MAX_TOKENS"}]}`,
			llm.Response{Content: []llm.Part{text("a")}, StopReason: llm.StopMaxTokens}},
		{"safety", `{"candidates":[{"finishReason":"SAFETY","safetyRatings":[]}]}`,
			llm.Response{StopReason: llm.StopRefused}},
		{"recitation", `{"candidates":[{"content":{"parts":[{"text":"a"}]},"finishReason":"RECITATION"}]}`,
			llm.Response{Content: []llm.Part{text("a")}, StopReason: llm.StopRefused}},
		{"malformed call", `{"candidates":[{"content":{},"finishReason":"MALFORMED_FUNCTION_CALL"}]}`,
			llm.Response{StopReason: llm.StopError}},
		{"other", `{"candidates":[{"content":{"parts":[{"text":"a"}]},"finishReason":"OTHER"}]}`,
			llm.Response{Content: []llm.Part{text("a")}, StopReason: llm.StopEnd}},
		{"missing finish reason", `{"candidates":[{"content":{"parts":[{"text":"a"}]}}]}`,
			llm.Response{Content: []llm.Part{text("a")}, StopReason: llm.StopEnd}},
		{"blocked prompt", `{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":3,"totalTokenCount":3}}`,
			llm.Response{StopReason: llm.StopRefused, Usage: llm.Usage{Input: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New().DecodeResponse([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if g, w := jsonOf(t, got), jsonOf(t, &tt.want); g != w {
				t.Errorf("got\n%s\nwant\n%s", g, w)
			}
		})
	}
	// A function call without an id gets a fresh one.
	r, err := New().DecodeResponse([]byte(`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f"}},{"functionCall":{"name":"f"}}]},"finishReason":"STOP"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	a, b := r.Content[0].ToolCall, r.Content[1].ToolCall
	if !strings.HasPrefix(a.ID, "call_") || len(a.ID) != 29 || a.ID == b.ID || string(a.Args) != "{}" || r.StopReason != llm.StopToolCalls {
		t.Errorf("synthesized ids: %+v %+v", a, b)
	}
	for _, body := range []string{`{"candidates":[]}`, `not json`, `{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}`} {
		if _, err := New().DecodeResponse([]byte(body)); err == nil {
			t.Errorf("DecodeResponse(%s) succeeded", body)
		}
	}
}

func TestResponseRoundTrip(t *testing.T) {
	for _, want := range []*llm.Response{
		{ID: "r", Model: "m", Content: []llm.Part{text("hi")}, StopReason: llm.StopEnd, Usage: llm.Usage{Input: 1, Output: 2}},
		{ID: "r", Model: "m", Content: []llm.Part{{Kind: llm.PartThinking, Text: "t", Signature: "AA"}, text("a"), call("c1", "f", `{"x":"y"}`), call("c2", "f", `{}`)},
			StopReason: llm.StopToolCalls, Usage: llm.Usage{Input: 10, Output: 20, Reasoning: 5, CacheRead: 3}},
		{ID: "r", Model: "m", Content: []llm.Part{text("a")}, StopReason: llm.StopMaxTokens},
		{ID: "r", Model: "m", StopReason: llm.StopRefused},
	} {
		body, _ := New().EncodeResponse(want, "m")
		got, err := New().DecodeResponse(body)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := jsonOf(t, got), jsonOf(t, want); g != w {
			t.Errorf("body %s\ngot\n%s\nwant\n%s", body, g, w)
		}
	}
}

func encodeAll(t protocol.Target, evs []llm.Event) string {
	enc := New().NewStreamEncoder("gemini-2.5-flash", t, false)
	var out []byte
	for _, ev := range evs {
		out = enc.Encode(out, ev)
	}
	return string(out)
}

var toolStream = []llm.Event{
	{Type: llm.EventMessageStart, ID: "r1", Model: "upstream"},
	{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
	{Type: llm.EventBlockDelta, Index: 0, Text: "Let me "},
	{Type: llm.EventBlockDelta, Index: 0, Text: "check."},
	{Type: llm.EventBlockStop, Index: 0},
	{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockToolCall, ToolID: "c1", ToolName: "get_weather"},
	{Type: llm.EventBlockDelta, Index: 1, Text: ""},
	{Type: llm.EventBlockDelta, Index: 1, Text: `{"city":`},
	{Type: llm.EventBlockDelta, Index: 1, Text: `"Paris"}`},
	{Type: llm.EventBlockStop, Index: 1},
	{Type: llm.EventBlockStart, Index: 2, Kind: llm.BlockToolCall, ToolID: "c2", ToolName: "get_time"},
	{Type: llm.EventUsage, Usage: llm.Usage{Input: 9, Output: 4}},
	{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls},
}

func TestStreamEncodeSSE(t *testing.T) {
	const tail = `"modelVersion":"gemini-2.5-flash","responseId":"r1"}` + "\r\n\r\n"
	want := `data: {"candidates":[{"content":{"parts":[{"text":"Let me "}],"role":"model"},"index":0}],` + tail +
		`data: {"candidates":[{"content":{"parts":[{"text":"check."}],"role":"model"},"index":0}],` + tail +
		`data: {"candidates":[{"content":{"parts":[{"functionCall":{"id":"c1","name":"get_weather","args":{"city":"Paris"}}}],"role":"model"},"index":0}],` + tail +
		`data: {"candidates":[{"content":{"parts":[{"functionCall":{"id":"c2","name":"get_time","args":{}}}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":4,"totalTokenCount":13},` + tail +
		`data: {"candidates":[{"content":{"parts":[],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":4,"totalTokenCount":13},` + tail
	if got := encodeAll(protocol.Target{Stream: true, SSE: true}, toolStream); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if ct := New().NewStreamEncoder("m", protocol.Target{SSE: true}, false).ContentType(); ct != "text/event-stream" {
		t.Errorf("content type %q", ct)
	}
}

func TestStreamEncodeArray(t *testing.T) {
	evs := []llm.Event{
		{Type: llm.EventMessageStart, ID: "r1"},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockThinking},
		{Type: llm.EventBlockDelta, Index: 0, Text: "hmm", Signature: "AA"},
		{Type: llm.EventBlockStop, Index: 0},
		{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockText},
		{Type: llm.EventBlockDelta, Index: 1, Text: "Hi"},
		{Type: llm.EventMessageStop, StopReason: llm.StopMaxTokens},
		{Type: llm.EventBlockDelta, Index: 1, Text: "ignored"},
	}
	const tail = `"modelVersion":"gemini-2.5-flash","responseId":"r1"}`
	want := `[{"candidates":[{"content":{"parts":[{"text":"hmm","thought":true,"thoughtSignature":"AA"}],"role":"model"},"index":0}],` + tail + ",\r\n" +
		`{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"index":0}],` + tail + ",\r\n" +
		`{"candidates":[{"content":{"parts":[],"role":"model"},"finishReason":"MAX_TOKENS","index":0}],"usageMetadata":{"promptTokenCount":0,"candidatesTokenCount":0,"totalTokenCount":0},` + tail + "]"
	got := encodeAll(protocol.Target{Stream: true}, evs)
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	var arr []json.RawMessage
	if err := json.Unmarshal([]byte(got), &arr); err != nil || len(arr) != 3 {
		t.Errorf("not a JSON array of 3: %v", err)
	}
	if ct := New().NewStreamEncoder("m", protocol.Target{}, false).ContentType(); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
}

func TestStreamEncodeError(t *testing.T) {
	evs := []llm.Event{
		{Type: llm.EventMessageStart, ID: "r1"},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockToolCall, ToolID: "c", ToolName: "f"},
		{Type: llm.EventBlockDelta, Index: 0, Text: `{"a`},
		{Type: llm.EventError, Err: &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "upstream broke"}},
	}
	errJSON := `{"error":{"code":502,"message":"upstream broke","status":"UNAVAILABLE"}}`
	if got := encodeAll(protocol.Target{SSE: true}, evs); got != "data: "+errJSON+"\r\n\r\n" {
		t.Errorf("sse: %q", got)
	}
	if got := encodeAll(protocol.Target{}, evs); got != "["+errJSON+"]" {
		t.Errorf("array: %q", got)
	}
	// An error right away is still a valid array.
	if got := encodeAll(protocol.Target{}, evs[3:]); !strings.HasPrefix(got, "[{\"error\"") || !strings.HasSuffix(got, "}]") {
		t.Errorf("array: %q", got)
	}
}

func decodeAll(t *testing.T, stream string) ([]llm.Event, error) {
	t.Helper()
	d := New().NewStreamDecoder()
	var evs []llm.Event
	emit := func(ev llm.Event) { evs = append(evs, ev) }
	var p sse.Parser
	if err := p.Feed([]byte(stream), func(ev sse.Event) error { return d.Decode(ev, emit) }); err != nil {
		return evs, err
	}
	_ = p.Flush(func(ev sse.Event) error { return d.Decode(ev, emit) })
	return evs, d.Finish(emit)
}

func TestStreamDecode(t *testing.T) {
	stream := "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"think\",\"thought\":true}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":9,\"totalTokenCount\":9},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"abc\"}\r\n\r\n" +
		"data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},\"index\":0}],\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"abc\"}\r\n\r\n" +
		"data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lo\"},{\"text\":\"\",\"thoughtSignature\":\"AA\"}],\"role\":\"model\"},\"index\":0}]}\r\n\r\n" +
		"data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"id\":\"f1\",\"name\":\"f\",\"args\":{\"a\":1}}},{\"functionCall\":{\"id\":\"f2\",\"name\":\"g\"}}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":5,\"thoughtsTokenCount\":2,\"totalTokenCount\":16}}\r\n\r\n"
	evs, err := decodeAll(t, stream)
	if err != nil {
		t.Fatal(err)
	}
	want := []llm.Event{
		{Type: llm.EventMessageStart, ID: "abc", Model: "gemini-2.5-flash"},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockThinking},
		{Type: llm.EventBlockDelta, Index: 0, Text: "think"},
		{Type: llm.EventBlockStop, Index: 0},
		{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockText},
		{Type: llm.EventBlockDelta, Index: 1, Text: "Hel"},
		{Type: llm.EventBlockDelta, Index: 1, Text: "lo"},
		{Type: llm.EventBlockDelta, Index: 1, Signature: "AA"},
		{Type: llm.EventBlockStop, Index: 1},
		{Type: llm.EventBlockStart, Index: 2, Kind: llm.BlockToolCall, ToolID: "f1", ToolName: "f"},
		{Type: llm.EventBlockDelta, Index: 2, Text: `{"a":1}`},
		{Type: llm.EventBlockStop, Index: 2},
		{Type: llm.EventBlockStart, Index: 3, Kind: llm.BlockToolCall, ToolID: "f2", ToolName: "g"},
		{Type: llm.EventBlockDelta, Index: 3, Text: `{}`},
		{Type: llm.EventBlockStop, Index: 3},
		{Type: llm.EventUsage, Usage: llm.Usage{Input: 9, Output: 7, Reasoning: 2}},
		{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls},
	}
	if g, w := jsonOf(t, evs), jsonOf(t, want); g != w {
		t.Errorf("got\n%s\nwant\n%s", g, w)
	}
}

func TestStreamDecodeEnds(t *testing.T) {
	// An error chunk ends the stream with an Error event.
	evs, err := decodeAll(t, "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}\n\ndata: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}\n\n")
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Type != llm.EventError || last.Err.Code != switchboard.EUNAVAILABLE || last.Err.Message != "The model is overloaded." || evs[len(evs)-2].Type != llm.EventBlockStop {
		t.Errorf("events %+v", evs)
	}
	// No finishReason: ended early.
	if _, err := decodeAll(t, "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}\n\n"); err == nil || !strings.Contains(err.Error(), "ended early") {
		t.Errorf("early end: %v", err)
	}
	// Nothing at all.
	if _, err := decodeAll(t, ""); err == nil {
		t.Error("empty stream: no error")
	}
	// Malformed chunk.
	if _, err := decodeAll(t, "data: {nope\n\n"); err == nil {
		t.Error("malformed chunk: no error")
	}
	// A blocked prompt is a refusal, and usage after the finish reason counts.
	evs, err = decodeAll(t, "data: {\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"}}\n\ndata: {\"usageMetadata\":{\"promptTokenCount\":3}}\n\n")
	if err != nil || evs[len(evs)-1].StopReason != llm.StopRefused || evs[len(evs)-2].Usage.Input != 3 {
		t.Errorf("blocked: %+v %v", evs, err)
	}
}

// TestStreamRoundTrip folds what the decoder reads from what the encoder
// wrote and compares it with the fold of the original events.
func TestStreamRoundTrip(t *testing.T) {
	streams := [][]llm.Event{
		toolStream[:len(toolStream)-3],
		llm.Events(&llm.Response{ID: "r1", Model: "gemini-2.5-flash", Content: []llm.Part{
			{Kind: llm.PartThinking, Text: "t", Signature: "AA"}, text("Hello\nworld"), call("c1", "f", `{"a":[1,2]}`), call("c2", "f", `{}`)},
			StopReason: llm.StopToolCalls, Usage: llm.Usage{Input: 3, Output: 9, Reasoning: 2, CacheRead: 1}}),
	}
	streams[0] = append(streams[0], llm.Event{Type: llm.EventUsage, Usage: llm.Usage{Input: 9, Output: 4}}, llm.Event{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls})
	for i, evs := range streams {
		wire := encodeAll(protocol.Target{Stream: true, SSE: true}, evs)
		got, err := decodeAll(t, wire)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		want, _ := llm.Fold(evs)
		want.Model = "gemini-2.5-flash"
		back, _ := llm.Fold(got)
		if g, w := jsonOf(t, back), jsonOf(t, want); g != w {
			t.Errorf("%d: wire\n%s\ngot\n%s\nwant\n%s", i, wire, g, w)
		}
	}
}
