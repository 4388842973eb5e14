package openai

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go/v3"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
)

func fixClock(t *testing.T) {
	t.Helper()
	old := now
	now = func() time.Time { return time.Unix(1700000000, 0) }
	t.Cleanup(func() { now = old })
}

func TestEncodeResponse(t *testing.T) {
	fixClock(t)
	tests := []struct {
		name string
		resp *llm.Response
		want string
	}{
		{
			name: "text",
			resp: &llm.Response{ID: "chatcmpl-abc", Model: "served", Content: []llm.Part{
				{Kind: llm.PartThinking, Text: "hidden"}, text("Hello"), text(" world"),
			}, StopReason: llm.StopEnd, Usage: llm.Usage{Input: 10, Output: 5, CacheRead: 4, Reasoning: 2}},
			want: `{"id":"chatcmpl-abc","object":"chat.completion","created":1700000000,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hello world","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],` +
				`"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":2,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}`,
		},
		{
			name: "tool calls only, foreign id",
			resp: &llm.Response{ID: "msg_01", Content: []llm.Part{call("toolu_1", "get_weather", `{"city":"Paris"}`)}, StopReason: llm.StopToolCalls},
			want: `{"id":"chatcmpl-msg_01","object":"chat.completion","created":1700000000,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}],"annotations":[]},"logprobs":null,"finish_reason":"tool_calls"}],` +
				`"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New().EncodeResponse(tt.resp, "gpt-4o")
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestEncodeResponseSDK checks openai-go reads what we write.
func TestEncodeResponseSDK(t *testing.T) {
	resp := &llm.Response{ID: "x1", Content: []llm.Part{
		text("Let me look."), call("", "lookup", `{"q":"go"}`), call("call_b", "lookup", ``),
	}, StopReason: llm.StopEnd, Usage: llm.Usage{Input: 7, Output: 3}}
	body, err := New().EncodeResponse(resp, "gpt-4o-mini")
	if err != nil {
		t.Fatal(err)
	}
	var c openai.ChatCompletion
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatal(err)
	}
	if c.ID != "chatcmpl-x1" || c.Model != "gpt-4o-mini" || c.Object != "chat.completion" || len(c.Choices) != 1 {
		t.Fatalf("envelope: %+v", c)
	}
	ch := c.Choices[0]
	if ch.FinishReason != "tool_calls" {
		t.Errorf("finish_reason = %q, want tool_calls (the answer holds tool calls)", ch.FinishReason)
	}
	if ch.Message.Content != "Let me look." || len(ch.Message.ToolCalls) != 2 {
		t.Fatalf("message: %+v", ch.Message)
	}
	tc := ch.Message.ToolCalls[0]
	if !strings.HasPrefix(tc.ID, "call_") || len(tc.ID) != 29 || tc.Function.Name != "lookup" || tc.Function.Arguments != `{"q":"go"}` {
		t.Errorf("tool call 0: %+v", tc)
	}
	if ch.Message.ToolCalls[1].ID != "call_b" || ch.Message.ToolCalls[1].Function.Arguments != "{}" {
		t.Errorf("tool call 1: %+v", ch.Message.ToolCalls[1])
	}
	if c.Usage.PromptTokens != 7 || c.Usage.CompletionTokens != 3 || c.Usage.TotalTokens != 10 {
		t.Errorf("usage: %+v", c.Usage)
	}
}

func TestDecodeResponse(t *testing.T) {
	tests := []struct {
		name, body string
		want       *llm.Response
	}{
		{
			name: "OpenAI text",
			body: `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"Hi","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
				"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,"prompt_tokens_details":{"cached_tokens":3,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":5,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_1"}`,
			want: &llm.Response{ID: "chatcmpl-1", Model: "gpt-4o-2024-08-06", Content: []llm.Part{text("Hi")}, StopReason: llm.StopEnd,
				Usage: llm.Usage{Input: 9, Output: 12, CacheRead: 3, Reasoning: 5}},
		},
		{
			name: "tool calls",
			body: `{"id":"chatcmpl-2","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},{"id":"call_2","type":"function","function":{"name":"g","arguments":""}}]},"finish_reason":"tool_calls"}]}`,
			want: &llm.Response{ID: "chatcmpl-2", Model: "m", Content: []llm.Part{call("call_1", "f", `{"a":1}`), call("call_2", "g", `{}`)}, StopReason: llm.StopToolCalls},
		},
		{
			name: "length",
			body: `{"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"cut"},"finish_reason":"length"}]}`,
			want: &llm.Response{ID: "c", Model: "m", Content: []llm.Part{text("cut")}, StopReason: llm.StopMaxTokens},
		},
		{
			name: "content filter",
			body: `{"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}]}`,
			want: &llm.Response{ID: "c", Model: "m", Content: []llm.Part{}, StopReason: llm.StopRefused},
		},
		{
			name: "refusal",
			body: `{"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]}`,
			want: &llm.Response{ID: "c", Model: "m", Content: []llm.Part{text("I can't help with that.")}, StopReason: llm.StopRefused},
		},
		{
			name: "vLLM reasoning_content, Ollama stop with tool calls",
			body: `{"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","reasoning_content":"think","content":"ok","tool_calls":[{"id":"t","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}]}`,
			want: &llm.Response{ID: "c", Model: "m", Content: []llm.Part{{Kind: llm.PartThinking, Text: "think"}, text("ok"), call("t", "f", `{}`)}, StopReason: llm.StopToolCalls},
		},
		{
			name: "Ollama reasoning, no usage, no finish_reason",
			body: `{"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","reasoning":"r","content":"x"}}]}`,
			want: &llm.Response{ID: "c", Model: "m", Content: []llm.Part{{Kind: llm.PartThinking, Text: "r"}, text("x")}, StopReason: llm.StopEnd},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New().DecodeResponse([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeResponseErrors(t *testing.T) {
	for _, body := range []string{`{`, `{"id":"x","choices":[]}`, `{"error":{"message":"boom","type":"server_error"}}`, `[]`} {
		_, err := New().DecodeResponse([]byte(body))
		if err == nil {
			t.Errorf("%s: no error", body)
			continue
		}
		if c := switchboard.ErrorCode(err); c != switchboard.EUPSTREAM {
			t.Errorf("%s: code %q, want EUPSTREAM", body, c)
		}
	}
}

func TestResponseRoundTrip(t *testing.T) {
	fixClock(t)
	resps := []*llm.Response{
		{ID: "chatcmpl-1", Model: "gpt-4o", Content: []llm.Part{text("Hello")}, StopReason: llm.StopEnd, Usage: llm.Usage{Input: 3, Output: 2, CacheRead: 1, Reasoning: 1}},
		{ID: "chatcmpl-2", Model: "gpt-4o", Content: []llm.Part{text("x"), call("call_1", "f", `{"a":[1,2]}`), call("call_2", "g", `{}`)}, StopReason: llm.StopToolCalls},
		{ID: "chatcmpl-3", Model: "gpt-4o", Content: []llm.Part{text("cut")}, StopReason: llm.StopMaxTokens},
	}
	for _, r := range resps {
		b, err := New().EncodeResponse(r, r.Model)
		if err != nil {
			t.Fatal(err)
		}
		got, err := New().DecodeResponse(b)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}
