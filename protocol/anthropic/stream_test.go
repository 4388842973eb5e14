package anthropic

import (
	"bytes"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/packages/ssestream"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/sse"
)

func encodeAll(evs []llm.Event) []byte {
	enc := New().NewStreamEncoder("claude-x", protocol.Target{}, false)
	var b []byte
	for _, ev := range evs {
		b = enc.Encode(b, ev)
	}
	return b
}

// sdkAccumulate runs b through anthropic-sdk-go's stream decoder and
// Message.Accumulate, as a client would.
func sdkAccumulate(t *testing.T, b []byte) (anthropic.Message, error) {
	t.Helper()
	res := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: io.NopCloser(bytes.NewReader(b))}
	stream := ssestream.NewStream[anthropic.MessageStreamEventUnion](ssestream.NewDecoder(res), nil)
	var m anthropic.Message
	for stream.Next() {
		if err := m.Accumulate(stream.Current()); err != nil {
			t.Fatalf("Accumulate: %v\n%s", err, b)
		}
	}
	return m, stream.Err()
}

const ev = "event: "

func TestStreamEncodeText(t *testing.T) {
	got := encodeAll([]llm.Event{
		{Type: llm.EventMessageStart, ID: "chatcmpl-1", Model: "gpt"},
		{Type: llm.EventUsage, Usage: llm.Usage{Input: 25, CacheRead: 5}},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
		{Type: llm.EventBlockDelta, Index: 0, Text: "Hel"},
		{Type: llm.EventBlockDelta, Index: 0, Text: ""},
		{Type: llm.EventBlockDelta, Index: 0, Text: "lo \"<x>\"\n"},
		{Type: llm.EventBlockStop, Index: 0},
		{Type: llm.EventUsage, Usage: llm.Usage{Input: 25, CacheRead: 5, Output: 15}},
		{Type: llm.EventMessageStop, StopReason: llm.StopEnd},
	})
	want := ev + "message_start\ndata: " + `{"type":"message_start","message":{"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":5,"output_tokens":0}}}` + "\n\n" +
		ev + "content_block_start\ndata: " + `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}` + "\n\n" +
		ev + "content_block_delta\ndata: " + `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}` + "\n\n" +
		ev + "content_block_delta\ndata: " + `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo \"<x>\"\n"}}` + "\n\n" +
		ev + "content_block_stop\ndata: " + `{"type":"content_block_stop","index":0}` + "\n\n" +
		ev + "message_delta\ndata: " + `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":5,"output_tokens":15}}` + "\n\n" +
		ev + "message_stop\ndata: " + `{"type":"message_stop"}` + "\n\n"
	if string(got) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	m, err := sdkAccumulate(t, got)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "msg_chatcmpl-1" || len(m.Content) != 1 || m.Content[0].Text != "Hello \"<x>\"\n" || m.StopReason != "end_turn" ||
		m.Usage.InputTokens != 20 || m.Usage.CacheReadInputTokens != 5 || m.Usage.OutputTokens != 15 {
		t.Fatalf("SDK built %s", m.RawJSON())
	}
}

func TestStreamEncodeToolCalls(t *testing.T) {
	// An OpenAI-like upstream: an empty text block, then two parallel calls,
	// usage known only at the end, canonical indexes that skip.
	got := encodeAll([]llm.Event{
		{Type: llm.EventMessageStart, ID: "msg_1"},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
		{Type: llm.EventBlockStop, Index: 0},
		{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockToolCall, ToolID: "call_a", ToolName: "get_weather"},
		{Type: llm.EventBlockDelta, Index: 1, Text: `{"city":`},
		{Type: llm.EventBlockDelta, Index: 1, Text: `"Paris"}`},
		{Type: llm.EventBlockStart, Index: 2, Kind: llm.BlockToolCall, ToolID: "call.b", ToolName: "get_time"}, // no stop for 1
		{Type: llm.EventBlockDelta, Index: 2, Text: `{}`},
		{Type: llm.EventUsage, Usage: llm.Usage{Input: 50, Output: 30}},
		{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls}, // block 2 still open
	})
	want := ev + "message_start\ndata: " + `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}` + "\n\n" +
		ev + "content_block_start\ndata: " + `{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"call_a","name":"get_weather","input":{}}}` + "\n\n" +
		ev + "content_block_delta\ndata: " + `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}` + "\n\n" +
		ev + "content_block_delta\ndata: " + `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}` + "\n\n" +
		ev + "content_block_stop\ndata: " + `{"type":"content_block_stop","index":0}` + "\n\n" +
		ev + "content_block_start\ndata: " + `{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_b_5c464ba5","name":"get_time","input":{}}}` + "\n\n" +
		ev + "content_block_delta\ndata: " + `{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{}"}}` + "\n\n" +
		ev + "content_block_stop\ndata: " + `{"type":"content_block_stop","index":1}` + "\n\n" +
		ev + "message_delta\ndata: " + `{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":50,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":30}}` + "\n\n" +
		ev + "message_stop\ndata: " + `{"type":"message_stop"}` + "\n\n"
	if string(got) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	m, err := sdkAccumulate(t, got)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Content) != 2 || string(m.Content[0].Input) != `{"city":"Paris"}` || string(m.Content[1].Input) != `{}` ||
		m.Content[1].ID != "call_b_5c464ba5" || m.StopReason != "tool_use" || m.Usage.InputTokens != 50 || m.Usage.OutputTokens != 30 {
		t.Fatalf("SDK built %s", m.RawJSON())
	}
}

func TestStreamEncodeThinkingAndStopSequence(t *testing.T) {
	got := encodeAll([]llm.Event{
		{Type: llm.EventMessageStart, ID: "msg_1"},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockThinking},
		{Type: llm.EventBlockDelta, Index: 0, Text: "hmm"},
		{Type: llm.EventBlockDelta, Index: 0, Signature: "sig"},
		{Type: llm.EventBlockStop, Index: 0},
		{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockThinking},
		{Type: llm.EventBlockDelta, Index: 1, Signature: RedactedPrefix + "opaque"},
		{Type: llm.EventBlockStop, Index: 1},
		{Type: llm.EventBlockStart, Index: 2, Kind: llm.BlockThinking}, // empty: left out
		{Type: llm.EventBlockStop, Index: 2},
		{Type: llm.EventBlockStart, Index: 3, Kind: llm.BlockText},
		{Type: llm.EventBlockDelta, Index: 3, Text: "a"},
		{Type: llm.EventBlockStop, Index: 3},
		{Type: llm.EventUsage, Usage: llm.Usage{Input: 5, Output: 9, Reasoning: 4}},
		{Type: llm.EventMessageStop, StopReason: llm.StopSequence, StopSequence: "END"},
		{Type: llm.EventUsage, Usage: llm.Usage{Input: 1}}, // after the end: ignored
	})
	want := ev + "message_start\ndata: " + `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}` + "\n\n" +
		ev + "content_block_start\ndata: " + `{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}` + "\n\n" +
		ev + "content_block_delta\ndata: " + `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}` + "\n\n" +
		ev + "content_block_delta\ndata: " + `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig"}}` + "\n\n" +
		ev + "content_block_stop\ndata: " + `{"type":"content_block_stop","index":0}` + "\n\n" +
		ev + "content_block_start\ndata: " + `{"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"opaque"}}` + "\n\n" +
		ev + "content_block_stop\ndata: " + `{"type":"content_block_stop","index":1}` + "\n\n" +
		ev + "content_block_start\ndata: " + `{"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}` + "\n\n" +
		ev + "content_block_delta\ndata: " + `{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"a"}}` + "\n\n" +
		ev + "content_block_stop\ndata: " + `{"type":"content_block_stop","index":2}` + "\n\n" +
		ev + "message_delta\ndata: " + `{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"input_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":9,"output_tokens_details":{"thinking_tokens":4}}}` + "\n\n" +
		ev + "message_stop\ndata: " + `{"type":"message_stop"}` + "\n\n"
	if string(got) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	m, err := sdkAccumulate(t, got)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Content) != 3 || m.Content[0].Thinking != "hmm" || m.Content[0].Signature != "sig" || m.Content[1].Data != "opaque" ||
		m.StopSequence != "END" || m.Usage.OutputTokensDetails.ThinkingTokens != 4 {
		t.Fatalf("SDK built %s", m.RawJSON())
	}
}

func TestStreamEncodeError(t *testing.T) {
	got := encodeAll([]llm.Event{
		{Type: llm.EventMessageStart, ID: "msg_1"},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
		{Type: llm.EventBlockDelta, Index: 0, Text: "par"},
		{Type: llm.EventError, Err: &switchboard.Error{Code: switchboard.EOVERLOADED, Message: "Overloaded"}},
		{Type: llm.EventMessageStop},
	})
	tail := ev + "error\ndata: " + `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}` + "\n\n"
	if !strings.HasSuffix(string(got), `"text":"par"}}`+"\n\n"+tail) {
		t.Fatalf("got:\n%s", got)
	}
	m, err := sdkAccumulate(t, got)
	if err == nil || !strings.Contains(err.Error(), "overloaded_error") || m.Content[0].Text != "par" {
		t.Fatalf("SDK: err %v, message %s", err, m.RawJSON())
	}
}

// upstreamStream is a stream as the API sends it.
const upstreamStream = `event: message_start
data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":3,"cache_read_input_tokens":2,"output_tokens":1,"service_tier":"standard"}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: content_block_start
data: {"type":"content_block_start","index":1,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"q\":1}"}}

event: content_block_stop
data: {"type":"content_block_stop","index":1}

event: content_block_start
data: {"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Hi"}}

event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"citations_delta","citation":{}}}

event: content_block_stop
data: {"type":"content_block_stop","index":2}

event: content_block_start
data: {"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\"a\": 1}"}}

event: content_block_stop
data: {"type":"content_block_stop","index":3}

event: some_future_event
data: {"type":"some_future_event"}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":40}}

event: message_stop
data: {"type":"message_stop"}

`

func decodeAll(t *testing.T, stream string) ([]llm.Event, error) {
	t.Helper()
	dec := New().NewStreamDecoder()
	var evs []llm.Event
	emit := func(e llm.Event) { evs = append(evs, e) }
	var p sse.Parser
	err := p.Feed([]byte(stream), func(e sse.Event) error { return dec.Decode(e, emit) })
	if err == nil {
		err = p.Flush(func(e sse.Event) error { return dec.Decode(e, emit) })
	}
	if err == nil {
		err = dec.Finish(emit)
	}
	return evs, err
}

func TestStreamDecode(t *testing.T) {
	got, err := decodeAll(t, upstreamStream)
	if err != nil {
		t.Fatal(err)
	}
	start := llm.Usage{Input: 30, Output: 1, CacheRead: 2, CacheWrite: 3}
	end := start
	end.Output = 40
	want := []llm.Event{
		{Type: llm.EventMessageStart, ID: "msg_01", Model: "claude-sonnet-4-5"},
		{Type: llm.EventUsage, Usage: start},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockThinking},
		{Type: llm.EventBlockDelta, Index: 0, Text: "Let me"},
		{Type: llm.EventBlockDelta, Index: 0, Signature: "EqQB"},
		{Type: llm.EventBlockStop, Index: 0},
		{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockText},
		{Type: llm.EventBlockDelta, Index: 1, Text: "Hi"},
		{Type: llm.EventBlockStop, Index: 1},
		{Type: llm.EventBlockStart, Index: 2, Kind: llm.BlockToolCall, ToolID: "toolu_1", ToolName: "f"},
		{Type: llm.EventBlockDelta, Index: 2, Text: `{"a": 1}`},
		{Type: llm.EventBlockStop, Index: 2},
		{Type: llm.EventUsage, Usage: end},
		{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %s\nwant %s", dump(got), dump(want))
	}
}

func TestStreamDecodeInputInDelta(t *testing.T) {
	got, err := decodeAll(t, `event: message_start
data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":0,"output_tokens":0}}}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":12,"cache_read_input_tokens":4,"output_tokens":7}}

event: message_stop
data: {"type":"message_stop"}

`)
	if err != nil {
		t.Fatal(err)
	}
	if u := got[2].Usage; u != (llm.Usage{Input: 16, Output: 7, CacheRead: 4}) || got[3].StopReason != llm.StopMaxTokens {
		t.Fatalf("got %s", dump(got))
	}
}

func TestStreamDecodeErrors(t *testing.T) {
	const start = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\",\"usage\":{}}}\n\n"
	tests := []struct {
		name   string
		stream string
		code   string // of the Error event
		fail   bool   // Decode or Finish fails
	}{
		{"overloaded mid-stream", start + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n", switchboard.EOVERLOADED, false},
		{"rate limit", "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"x\"}}\n\n", switchboard.ERATELIMIT, false},
		{"api error", start + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"x\"}}\n\n", switchboard.EUPSTREAM, false},
		{"garbage error", start + "event: error\ndata: oops\n\n", switchboard.EUPSTREAM, false},
		{"truncated", start, "", true},
		{"empty", "", "", true},
		{"malformed json", start + "event: content_block_start\ndata: {\n\n", "", true},
		{"delta for unknown block", start + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}}\n\n", "", true},
		{"block before start", "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := decodeAll(t, tt.stream)
			if tt.fail != (err != nil) {
				t.Fatalf("err = %v", err)
			}
			if tt.code != "" {
				last := evs[len(evs)-1]
				if last.Type != llm.EventError || last.Err.Code != tt.code {
					t.Fatalf("got %s", dump(evs))
				}
			}
		})
	}
}

// TestStreamRoundTrip checks that decoding what the encoder wrote gives the
// canonical stream back (with the API's block numbering) and that both
// fold to the same response.
func TestStreamRoundTrip(t *testing.T) {
	in := []llm.Event{
		{Type: llm.EventMessageStart, ID: "msg_1", Model: "claude-x"},
		{Type: llm.EventUsage, Usage: llm.Usage{Input: 10, CacheRead: 2, CacheWrite: 1}},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockThinking},
		{Type: llm.EventBlockDelta, Index: 0, Text: "t"},
		{Type: llm.EventBlockDelta, Index: 0, Signature: "s"},
		{Type: llm.EventBlockStop, Index: 0},
		{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockText},
		{Type: llm.EventBlockDelta, Index: 1, Text: "héllo \u2028 \x01"},
		{Type: llm.EventBlockStop, Index: 1},
		{Type: llm.EventBlockStart, Index: 2, Kind: llm.BlockToolCall, ToolID: "toolu_1", ToolName: "f"},
		{Type: llm.EventBlockDelta, Index: 2, Text: `{"a":`},
		{Type: llm.EventBlockDelta, Index: 2, Text: `1}`},
		{Type: llm.EventBlockStop, Index: 2},
		{Type: llm.EventUsage, Usage: llm.Usage{Input: 10, CacheRead: 2, CacheWrite: 1, Output: 20}},
		{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls},
	}
	got, err := decodeAll(t, string(encodeAll(in)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Fatalf("got %s\nwant %s", dump(got), dump(in))
	}
	r1, _ := llm.Fold(in)
	r2, _ := llm.Fold(got)
	if !reflect.DeepEqual(r1, r2) {
		t.Fatal("folds differ")
	}
}

// TestStreamOfResponse streams a whole response (llm.Events) and checks the
// SDK builds the same message EncodeResponse renders.
func TestStreamOfResponse(t *testing.T) {
	r := &llm.Response{ID: "msg_9", Model: "m", Content: []llm.Part{text("a"), call("toolu_1", "f", `{"x":1}`)},
		StopReason: llm.StopToolCalls, Usage: llm.Usage{Input: 3, Output: 4}}
	m, err := sdkAccumulate(t, encodeAll(llm.Events(r)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := New().EncodeResponse(r, "claude-x")
	var want anthropic.Message
	if err := want.UnmarshalJSON(body); err != nil {
		t.Fatal(err)
	}
	if m.ID != want.ID || len(m.Content) != 2 || string(m.Content[1].Input) != `{"x":1}` || m.Usage.OutputTokens != 4 || m.StopReason != want.StopReason {
		t.Fatalf("stream %s\nresponse %s", m.RawJSON(), body)
	}
}
