package openai

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/ssestream"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/sse"
)

func encodeStream(model string, includeUsage bool, evs []llm.Event) string {
	enc := New().NewStreamEncoder(model, protocol.Target{}, includeUsage)
	var out []byte
	for _, ev := range evs {
		out = enc.Encode(out, ev)
	}
	return string(out)
}

var textEvents = []llm.Event{
	{Type: llm.EventMessageStart, ID: "chatcmpl-X", Model: "upstream-model"},
	{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
	{Type: llm.EventBlockDelta, Index: 0, Text: "Hel"},
	{Type: llm.EventBlockDelta, Index: 0, Text: "lo \"you\"\n"},
	{Type: llm.EventBlockStop, Index: 0},
	{Type: llm.EventUsage, Usage: llm.Usage{Input: 9, Output: 2, CacheRead: 1}},
	{Type: llm.EventMessageStop, StopReason: llm.StopEnd},
}

// toolEvents: text, then two tool calls (canonical blocks 2 and 3 after a
// thinking block 0), with argument fragments.
var toolEvents = []llm.Event{
	{Type: llm.EventMessageStart, ID: "msg_1", Model: "claude"},
	{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockThinking},
	{Type: llm.EventBlockDelta, Index: 0, Text: "let me think", Signature: "s"},
	{Type: llm.EventBlockStop, Index: 0},
	{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockText},
	{Type: llm.EventBlockDelta, Index: 1, Text: "Checking."},
	{Type: llm.EventBlockStop, Index: 1},
	{Type: llm.EventBlockStart, Index: 2, Kind: llm.BlockToolCall, ToolID: "toolu_1", ToolName: "get_weather"},
	{Type: llm.EventBlockDelta, Index: 2, Text: `{"city":`},
	{Type: llm.EventBlockDelta, Index: 2, Text: `"Paris"}`},
	{Type: llm.EventBlockStop, Index: 2},
	{Type: llm.EventBlockStart, Index: 3, Kind: llm.BlockToolCall, ToolID: "toolu_2", ToolName: "get_time"},
	{Type: llm.EventBlockDelta, Index: 3, Text: `{}`},
	{Type: llm.EventBlockStop, Index: 3},
	{Type: llm.EventUsage, Usage: llm.Usage{Input: 20, Output: 30, Reasoning: 10}},
	{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls},
}

func TestStreamEncoder(t *testing.T) {
	fixClock(t)
	const head = `data: {"id":"chatcmpl-X","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o","choices":[`
	const headMsg = `data: {"id":"chatcmpl-msg_1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o","choices":[`
	tests := []struct {
		name         string
		includeUsage bool
		events       []llm.Event
		want         string
	}{
		{
			name: "text with usage", includeUsage: true, events: textEvents,
			want: head + `{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n" +
				head + `{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n" +
				head + `{"index":0,"delta":{"content":"lo \"you\"\n"},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n" +
				head + `{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}` + "\n\n" +
				head + `],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":1,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}` + "\n\n" +
				"data: [DONE]\n\n",
		},
		{
			name: "text without usage", events: textEvents,
			want: head + `{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				head + `{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				head + `{"index":0,"delta":{"content":"lo \"you\"\n"},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				head + `{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}` + "\n\n" +
				"data: [DONE]\n\n",
		},
		{
			name: "parallel tool calls, thinking dropped", events: toolEvents,
			want: headMsg + `{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				headMsg + `{"index":0,"delta":{"content":"Checking."},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				headMsg + `{"index":0,"delta":{"tool_calls":[{"index":0,"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				headMsg + `{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				headMsg + `{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				headMsg + `{"index":0,"delta":{"tool_calls":[{"index":1,"id":"toolu_2","type":"function","function":{"name":"get_time","arguments":""}}]},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				headMsg + `{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				headMsg + `{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}` + "\n\n" +
				"data: [DONE]\n\n",
		},
		{
			name: "error mid-stream",
			events: []llm.Event{
				{Type: llm.EventMessageStart, ID: "chatcmpl-X"},
				{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
				{Type: llm.EventBlockDelta, Index: 0, Text: "Hi"},
				{Type: llm.EventError, Err: &switchboard.Error{Code: switchboard.EOVERLOADED, Message: "Overloaded"}},
				{Type: llm.EventMessageStop, StopReason: llm.StopEnd},
			},
			want: head + `{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				head + `{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				`data: {"error":{"message":"Overloaded","type":"server_error","param":null,"code":"service_unavailable"}}` + "\n\n",
		},
		{
			name: "stop while a block is open, max tokens",
			events: []llm.Event{
				{Type: llm.EventMessageStart, ID: "chatcmpl-X"},
				{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
				{Type: llm.EventBlockDelta, Index: 0, Text: "a"},
				{Type: llm.EventMessageStop, StopReason: llm.StopMaxTokens},
			},
			want: head + `{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				head + `{"index":0,"delta":{"content":"a"},"logprobs":null,"finish_reason":null}]}` + "\n\n" +
				head + `{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}]}` + "\n\n" +
				"data: [DONE]\n\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := encodeStream("gpt-4o", tt.includeUsage, tt.events)
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// serve answers every request with body and content type ct.
func serve(t *testing.T, status int, ct, body string) *openai.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	c := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("k"), option.WithMaxRetries(0))
	return &c
}

// TestStreamEncoderSDK streams our bytes to the real openai-go client and
// accumulates them.
func TestStreamEncoderSDK(t *testing.T) {
	for _, includeUsage := range []bool{false, true} {
		body := encodeStream("gpt-4o", includeUsage, toolEvents)
		client := serve(t, 200, "text/event-stream", body)
		stream := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{Model: "gpt-4o"})
		var acc openai.ChatCompletionAccumulator
		n := 0
		for stream.Next() {
			n++
			if !acc.AddChunk(stream.Current()) {
				t.Fatalf("AddChunk rejected chunk %d", n)
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		if len(acc.Choices) != 1 {
			t.Fatalf("choices = %d", len(acc.Choices))
		}
		m := acc.Choices[0].Message
		if m.Content != "Checking." || acc.Choices[0].FinishReason != "tool_calls" || len(m.ToolCalls) != 2 {
			t.Fatalf("accumulated: %+v", acc.Choices[0])
		}
		if tc := m.ToolCalls[0]; tc.ID != "toolu_1" || tc.Function.Name != "get_weather" || tc.Function.Arguments != `{"city":"Paris"}` {
			t.Errorf("tool call 0: %+v", tc)
		}
		if tc := m.ToolCalls[1]; tc.ID != "toolu_2" || tc.Function.Name != "get_time" || tc.Function.Arguments != `{}` {
			t.Errorf("tool call 1: %+v", tc)
		}
		if includeUsage && (acc.Usage.PromptTokens != 20 || acc.Usage.CompletionTokens != 30 || acc.Usage.CompletionTokensDetails.ReasoningTokens != 10) {
			t.Errorf("usage: %+v", acc.Usage)
		}
		if acc.ID != "chatcmpl-msg_1" || acc.Model != "gpt-4o" {
			t.Errorf("id %q model %q", acc.ID, acc.Model)
		}
	}
}

func TestStreamEncoderSDKError(t *testing.T) {
	body := encodeStream("gpt-4o", true, []llm.Event{
		{Type: llm.EventMessageStart, ID: "chatcmpl-X"},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
		{Type: llm.EventBlockDelta, Index: 0, Text: "Hi"},
		{Type: llm.EventError, Err: &switchboard.Error{Code: switchboard.ERATELIMIT, Message: "slow down"}},
	})
	client := serve(t, 200, "text/event-stream", body)
	stream := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{Model: "gpt-4o"})
	n := 0
	for stream.Next() {
		n++
	}
	var se *ssestream.StreamError
	if !errors.As(stream.Err(), &se) || !strings.Contains(se.Message, "slow down") || n != 2 {
		t.Fatalf("err = %v after %d chunks, want a StreamError after 2", stream.Err(), n)
	}
}

func TestEncodeResponseSDKClient(t *testing.T) {
	body, _ := New().EncodeResponse(&llm.Response{ID: "r", Content: []llm.Part{text("Hi")}, StopReason: llm.StopEnd, Usage: llm.Usage{Input: 1, Output: 1}}, "gpt-4o")
	client := serve(t, 200, "application/json", string(body))
	c, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{Model: "gpt-4o"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Choices[0].Message.Content != "Hi" || c.Usage.TotalTokens != 2 {
		t.Errorf("%+v", c)
	}
}

// decodeStream feeds raw SSE bytes through the decoder.
func decodeStream(t *testing.T, raw string) ([]llm.Event, error) {
	t.Helper()
	d := New().NewStreamDecoder()
	var evs []llm.Event
	emit := func(ev llm.Event) { evs = append(evs, ev) }
	var p sse.Parser
	err := p.Feed([]byte(raw), func(ev sse.Event) error { return d.Decode(ev, emit) })
	if err == nil {
		err = p.Flush(func(ev sse.Event) error { return d.Decode(ev, emit) })
	}
	if err != nil {
		return evs, err
	}
	return evs, d.Finish(emit)
}

func chunkLine(s string) string { return "data: " + s + "\n\n" }

func TestStreamDecoder(t *testing.T) {
	const pre = `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":`
	const post = `,"finish_reason":null}]}`
	tests := []struct {
		name string
		raw  string
		want []llm.Event
	}{
		{
			name: "text with usage chunk",
			raw: chunkLine(pre+`{"role":"assistant","content":"","refusal":null}`+post) +
				chunkLine(pre+`{"content":"Hel"}`+post) +
				chunkLine(pre+`{"content":"lo"}`+post) +
				chunkLine(`{"id":"chatcmpl-1","model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}`) +
				chunkLine(`{"id":"chatcmpl-1","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":1}}}`) +
				"data: [DONE]\n\n",
			want: []llm.Event{
				{Type: llm.EventMessageStart, ID: "chatcmpl-1", Model: "gpt-4o"},
				{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
				{Type: llm.EventBlockDelta, Index: 0, Text: "Hel"},
				{Type: llm.EventBlockDelta, Index: 0, Text: "lo"},
				{Type: llm.EventBlockStop, Index: 0},
				{Type: llm.EventUsage, Usage: llm.Usage{Input: 9, Output: 2, CacheRead: 4, Reasoning: 1}},
				{Type: llm.EventMessageStop, StopReason: llm.StopEnd},
			},
		},
		{
			name: "text then tool call with argument deltas",
			raw: chunkLine(pre+`{"role":"assistant","content":"Let me check."}`+post) +
				chunkLine(pre+`{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}`+post) +
				chunkLine(pre+`{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}`+post) +
				chunkLine(pre+`{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}`+post) +
				chunkLine(pre+`{},"finish_reason":"tool_calls"}]}`) +
				"data: [DONE]\n\n",
			want: []llm.Event{
				{Type: llm.EventMessageStart, ID: "chatcmpl-1", Model: "gpt-4o"},
				{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
				{Type: llm.EventBlockDelta, Index: 0, Text: "Let me check."},
				{Type: llm.EventBlockStop, Index: 0},
				{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockToolCall, ToolID: "call_1", ToolName: "get_weather"},
				{Type: llm.EventBlockDelta, Index: 1, Text: `{"city":`},
				{Type: llm.EventBlockDelta, Index: 1, Text: `"Paris"}`},
				{Type: llm.EventBlockStop, Index: 1},
				{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls},
			},
		},
		{
			name: "parallel tool calls, interleaved fragments",
			raw: chunkLine(pre+`{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":""}}]}`+post) +
				chunkLine(pre+`{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"g","arguments":"{\"b\""}}]}`+post) +
				chunkLine(pre+`{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":1}"}}]}`+post) +
				chunkLine(pre+`{"tool_calls":[{"index":1,"function":{"arguments":":2}"}}]}`+post) +
				chunkLine(pre+`{},"finish_reason":"tool_calls"}]}`) +
				"data: [DONE]\n\n",
			want: []llm.Event{
				{Type: llm.EventMessageStart, ID: "chatcmpl-1", Model: "gpt-4o"},
				{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockToolCall, ToolID: "call_a", ToolName: "f"},
				{Type: llm.EventBlockDelta, Index: 0, Text: `{"a":1}`},
				{Type: llm.EventBlockStop, Index: 0},
				{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockToolCall, ToolID: "call_b", ToolName: "g"},
				{Type: llm.EventBlockDelta, Index: 1, Text: `{"b":2}`},
				{Type: llm.EventBlockStop, Index: 1},
				{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls},
			},
		},
		{
			name: "Ollama: whole calls in one chunk, stop, usage in final chunk, no [DONE]",
			raw: chunkLine(`{"id":"chatcmpl-9","model":"llama3","choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"id":"call_x","index":0,"type":"function","function":{"name":"f","arguments":"{}"}},{"id":"call_y","index":1,"type":"function","function":{"name":"g","arguments":"{\"q\":1}"}}]},"finish_reason":null}]}`) +
				chunkLine(`{"id":"chatcmpl-9","model":"llama3","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":6,"total_tokens":11}}`),
			want: []llm.Event{
				{Type: llm.EventMessageStart, ID: "chatcmpl-9", Model: "llama3"},
				{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockToolCall, ToolID: "call_x", ToolName: "f"},
				{Type: llm.EventBlockDelta, Index: 0, Text: `{}`},
				{Type: llm.EventBlockStop, Index: 0},
				{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockToolCall, ToolID: "call_y", ToolName: "g"},
				{Type: llm.EventBlockDelta, Index: 1, Text: `{"q":1}`},
				{Type: llm.EventBlockStop, Index: 1},
				{Type: llm.EventUsage, Usage: llm.Usage{Input: 5, Output: 6}},
				{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls},
			},
		},
		{
			name: "vLLM reasoning_content then content, length",
			raw: chunkLine(pre+`{"role":"assistant","reasoning_content":"Think"}`+post) +
				chunkLine(pre+`{"reasoning_content":"ing"}`+post) +
				chunkLine(pre+`{"content":"Answer"}`+post) +
				chunkLine(pre+`{},"finish_reason":"length"}]}`) +
				"data: [DONE]\n\n",
			want: []llm.Event{
				{Type: llm.EventMessageStart, ID: "chatcmpl-1", Model: "gpt-4o"},
				{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockThinking},
				{Type: llm.EventBlockDelta, Index: 0, Text: "Think"},
				{Type: llm.EventBlockDelta, Index: 0, Text: "ing"},
				{Type: llm.EventBlockStop, Index: 0},
				{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockText},
				{Type: llm.EventBlockDelta, Index: 1, Text: "Answer"},
				{Type: llm.EventBlockStop, Index: 1},
				{Type: llm.EventMessageStop, StopReason: llm.StopMaxTokens},
			},
		},
		{
			name: "Azure prompt filter chunk first, refusal",
			raw: chunkLine(`{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[]}`) +
				chunkLine(pre+`{"role":"assistant","refusal":"No."}`+post) +
				chunkLine(pre+`{},"finish_reason":"stop"}]}`) +
				"data: [DONE]\n\n",
			want: []llm.Event{
				{Type: llm.EventMessageStart, ID: "chatcmpl-1", Model: "gpt-4o"},
				{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
				{Type: llm.EventBlockDelta, Index: 0, Text: "No."},
				{Type: llm.EventBlockStop, Index: 0},
				{Type: llm.EventMessageStop, StopReason: llm.StopRefused},
			},
		},
		{
			name: "error mid-stream",
			raw: chunkLine(pre+`{"content":"Hi"}`+post) +
				chunkLine(`{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}`) +
				chunkLine(pre+`{"content":"ignored"}`+post),
			want: []llm.Event{
				{Type: llm.EventMessageStart, ID: "chatcmpl-1", Model: "gpt-4o"},
				{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
				{Type: llm.EventBlockDelta, Index: 0, Text: "Hi"},
				{Type: llm.EventError, Err: &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "The server had an error"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeStream(t, tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestStreamDecoderIncomplete(t *testing.T) {
	for _, raw := range []string{
		"",
		chunkLine(`{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}`),
	} {
		_, err := decodeStream(t, raw)
		if switchboard.ErrorCode(err) != switchboard.EUPSTREAM {
			t.Errorf("%q: err = %v, want EUPSTREAM", raw, err)
		}
	}
	if _, err := decodeStream(t, "data: {not json\n\n"); switchboard.ErrorCode(err) != switchboard.EUPSTREAM {
		t.Errorf("malformed chunk: err = %v, want EUPSTREAM", err)
	}
}

// TestStreamRoundTrip: canonical events → our wire → our decoder → the same
// response when folded.
func TestStreamRoundTrip(t *testing.T) {
	fixClock(t)
	resps := []*llm.Response{
		{ID: "chatcmpl-1", Model: "gpt-4o", Content: []llm.Part{text("Hello world")}, StopReason: llm.StopEnd, Usage: llm.Usage{Input: 3, Output: 2, CacheRead: 1}},
		{ID: "chatcmpl-2", Model: "gpt-4o", Content: []llm.Part{text("x"), call("call_1", "f", `{"a":[1,2]}`), call("call_2", "g", `{}`)}, StopReason: llm.StopToolCalls, Usage: llm.Usage{Input: 1, Output: 1}},
		{ID: "chatcmpl-3", Model: "gpt-4o", Content: []llm.Part{text("cut")}, StopReason: llm.StopMaxTokens, Usage: llm.Usage{Input: 5, Output: 9, Reasoning: 4}},
	}
	for _, r := range resps {
		raw := encodeStream("gpt-4o", true, llm.Events(r))
		evs, err := decodeStream(t, raw)
		if err != nil {
			t.Fatal(err)
		}
		got, ferr := llm.Fold(evs)
		if ferr != nil {
			t.Fatal(ferr)
		}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s\n%s", diff, raw)
		}
	}
}

// TestStreamDecoderSDKChunks decodes chunks built from openai-go's own types.
func TestStreamDecoderSDKChunks(t *testing.T) {
	var c openai.ChatCompletionChunk
	if err := json.Unmarshal([]byte(`{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop","logprobs":null}]}`), &c); err != nil {
		t.Fatal(err)
	}
	raw := "data: " + c.RawJSON() + "\n\ndata: [DONE]\n\n"
	evs, err := decodeStream(t, raw)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := llm.Fold(evs)
	if got.ID != "chatcmpl-7" || len(got.Content) != 1 || got.Content[0].Text != "ok" || got.StopReason != llm.StopEnd {
		t.Errorf("%+v", got)
	}
}

// TestStreamEncoderOddEvents: events out of the canonical rules must not
// panic or write broken chunks.
func TestStreamEncoderOddEvents(t *testing.T) {
	got := encodeStream("m", true, []llm.Event{
		{Type: llm.EventBlockStart, Index: -1, Kind: llm.BlockToolCall},
		{Type: llm.EventBlockStart, Index: 1 << 30, Kind: llm.BlockText},
		{Type: llm.EventBlockDelta, Index: 7, Text: "x"},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockToolCall, ToolName: "f"},
		{Type: llm.EventMessageStop, StopReason: llm.StopEnd},
		{Type: llm.EventBlockDelta, Index: 0, Text: "late"},
	})
	if strings.Contains(got, "late") || !strings.HasSuffix(got, "data: [DONE]\n\n") || !strings.Contains(got, `"finish_reason":"tool_calls"`) {
		t.Errorf("%s", got)
	}
	var p sse.Parser
	_ = p.Feed([]byte(got), func(ev sse.Event) error {
		if string(ev.Data) != "[DONE]" && !json.Valid(ev.Data) {
			t.Errorf("invalid chunk %s", ev.Data)
		}
		return nil
	})
}
