package openai

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/shared"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
)

func ptr[T any](v T) *T { return &v }

func text(s string) llm.Part { return llm.Part{Kind: llm.PartText, Text: s} }

func user(parts ...llm.Part) llm.Message { return llm.Message{Role: llm.RoleUser, Parts: parts} }

func assistant(parts ...llm.Part) llm.Message {
	return llm.Message{Role: llm.RoleAssistant, Parts: parts}
}

func call(id, name, args string) llm.Part {
	return llm.Part{Kind: llm.PartToolCall, ToolCall: &llm.ToolCall{ID: id, Name: name, Args: json.RawMessage(args)}}
}

func result(id, name, content string) llm.Part {
	return llm.Part{Kind: llm.PartToolResult, ToolResult: &llm.ToolResult{CallID: id, Name: name, Content: content}}
}

func decode(t *testing.T, body string) *llm.Request {
	t.Helper()
	r, err := New().DecodeRequest([]byte(body), protocol.Target{})
	if err != nil {
		t.Fatalf("DecodeRequest: %v", err)
	}
	return r
}

func TestDecodeRequest(t *testing.T) {
	tests := []struct {
		name string
		body string
		want *llm.Request
	}{
		{
			name: "text",
			body: `{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}`,
			want: &llm.Request{Model: "gpt-4o", Messages: []llm.Message{user(text("Hello"))}},
		},
		{
			name: "system and developer instructions in order, string and parts",
			body: `{"model":"m","messages":[
				{"role":"system","content":"Be brief."},
				{"role":"developer","content":[{"type":"text","text":"Cite sources."},{"type":"text","text":"No emoji."}]},
				{"role":"user","content":"Hi"}]}`,
			want: &llm.Request{Model: "m", System: []string{"Be brief.", "Cite sources.", "No emoji."}, Messages: []llm.Message{user(text("Hi"))}},
		},
		{
			name: "multi-turn",
			body: `{"model":"m","messages":[
				{"role":"user","content":"Hi"},
				{"role":"assistant","content":"Hello!"},
				{"role":"assistant","content":[{"type":"text","text":"More"},{"type":"refusal","refusal":"No."}]},
				{"role":"user","content":[{"type":"text","text":"Bye"}]}]}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{
				user(text("Hi")), assistant(text("Hello!")), assistant(text("More"), text("No.")), user(text("Bye")),
			}},
		},
		{
			name: "images: data URL, http URL, detail",
			body: `{"model":"m","messages":[{"role":"user","content":[
				{"type":"text","text":"What is this?"},
				{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
				{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"low"}}]}]}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(
				text("What is this?"),
				llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/png", Data: "iVBORw0KGgo="}},
				llm.Part{Kind: llm.PartImage, Image: &llm.Image{URL: "https://example.com/cat.jpg", Detail: "low"}},
			)}},
		},
		{
			name: "tools, named tool choice, parallel tool calls",
			body: `{"model":"m","messages":[{"role":"user","content":"Weather?"}],
				"tools":[{"type":"function","function":{"name":"get_weather","description":"Get weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}},
				         {"type":"function","function":{"name":"noargs"}}],
				"tool_choice":{"type":"function","function":{"name":"get_weather"}},
				"parallel_tool_calls":false}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("Weather?"))},
				Tools: []llm.Tool{
					{Name: "get_weather", Description: "Get weather", Parameters: json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}}}`), Strict: ptr(true)},
					{Name: "noargs"},
				},
				ToolChoice:        &llm.ToolChoice{Mode: llm.ToolNamed, Name: "get_weather"},
				ParallelToolCalls: ptr(false),
			},
		},
		{
			name: "tool choice none",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none"}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}, Tools: []llm.Tool{{Name: "f"}}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolNone}},
		},
		{
			name: "tool choice auto",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"auto"}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}, Tools: []llm.Tool{{Name: "f"}}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolAuto}},
		},
		{
			name: "tool choice required",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required"}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}, Tools: []llm.Tool{{Name: "f"}}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolRequired}},
		},
		{
			name: "parallel tool calls and results: merged, names recovered",
			body: `{"model":"m","messages":[
				{"role":"user","content":"Weather in Paris and Rome?"},
				{"role":"assistant","content":null,"tool_calls":[
					{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
					{"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]},
				{"role":"tool","tool_call_id":"call_2","content":"12:00"},
				{"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"sunny"},{"type":"text","text":", 20C"}]},
				{"role":"user","content":"Thanks"}]}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{
				user(text("Weather in Paris and Rome?")),
				assistant(call("call_1", "get_weather", `{"city":"Paris"}`), call("call_2", "get_time", `{}`)),
				user(result("call_2", "get_time", "12:00"), result("call_1", "get_weather", "sunny, 20C")),
				user(text("Thanks")),
			}},
		},
		{
			name: "assistant text with tool calls; empty content dropped",
			body: `{"model":"m","messages":[
				{"role":"user","content":"a"},
				{"role":"assistant","content":"Let me check.","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
				{"role":"tool","tool_call_id":"c1","content":"ok"},
				{"role":"assistant","content":"","tool_calls":[{"id":"c2","type":"function","function":{"name":"f","arguments":"{}"}}]}]}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{
				user(text("a")),
				assistant(text("Let me check."), call("c1", "f", `{}`)),
				user(result("c1", "f", "ok")),
				assistant(call("c2", "f", `{}`)),
			}},
		},
		{
			name: "sampling, stop string, max_completion_tokens wins",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":0.7,"top_p":0.9,"seed":42,
				"presence_penalty":0.5,"frequency_penalty":-0.5,"stop":"END","max_completion_tokens":100,"max_tokens":50}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}, Temperature: ptr(0.7), TopP: ptr(0.9), Seed: ptr(int64(42)),
				PresencePenalty: ptr(0.5), FrequencyPenalty: ptr(-0.5), Stop: []string{"END"}, MaxTokens: ptr(100)},
		},
		{
			name: "legacy max_tokens, stop array",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":50,"stop":["a","b"]}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}, MaxTokens: ptr(50), Stop: []string{"a", "b"}},
		},
		{
			name: "JSON mode",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}, ResponseFormat: &llm.ResponseFormat{Type: "json_object"}},
		},
		{
			name: "response schema",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"},"strict":true}}}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}, ResponseFormat: &llm.ResponseFormat{Type: "json_schema", Name: "out", Schema: json.RawMessage(`{"type":"object"}`), Strict: ptr(true)}},
		},
		{
			name: "reasoning and user",
			body: `{"model":"o3","messages":[{"role":"user","content":"x"}],"reasoning_effort":"high","user":"u-42"}`,
			want: &llm.Request{Model: "o3", Messages: []llm.Message{user(text("x"))}, Reasoning: &llm.Reasoning{Effort: "high"}, User: "u-42"},
		},
		{
			name: "safety_identifier is the user and stays extra",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"safety_identifier":"hash-1"}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}, User: "hash-1", Extra: map[string]json.RawMessage{"safety_identifier": json.RawMessage(`"hash-1"`)}},
		},
		{
			name: "streaming with usage",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":true}}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}, Stream: true, IncludeUsage: true},
		},
		{
			name: "streaming without usage; null stream_options ignored",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}, Stream: true},
		},
		{
			name: "stream false with null stream_options",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"stream":false,"stream_options":null}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}},
		},
		{
			name: "extras kept raw, nulls dropped",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"n":2,"logprobs":true,"top_logprobs":3,"logit_bias":{"50256":-100},
				"store":false,"metadata":{"k":"v"},"service_tier":"flex","verbosity":"low","prompt_cache_key":"abc","seed":null,"audio":null}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x"))}, Extra: map[string]json.RawMessage{
				"n": json.RawMessage(`2`), "logprobs": json.RawMessage(`true`), "top_logprobs": json.RawMessage(`3`),
				"logit_bias": json.RawMessage(`{"50256":-100}`), "store": json.RawMessage(`false`), "metadata": json.RawMessage(`{"k":"v"}`),
				"service_tier": json.RawMessage(`"flex"`), "verbosity": json.RawMessage(`"low"`), "prompt_cache_key": json.RawMessage(`"abc"`),
			}},
		},
		{
			name: "tool call at the end, not yet answered",
			body: `{"model":"m","messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]}]}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text("x")), assistant(call("c1", "f", `{}`))}},
		},
		{
			name: "empty user content string",
			body: `{"model":"m","messages":[{"role":"user","content":""}]}`,
			want: &llm.Request{Model: "m", Messages: []llm.Message{user(text(""))}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decode(t, tt.body)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DecodeRequest (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeRequestErrors(t *testing.T) {
	const u = `{"role":"user","content":"x"}`
	const tools = `"tools":[{"type":"function","function":{"name":"f"}}]`
	tests := []struct {
		name, body, param, msg string
	}{
		{"malformed JSON", `{"model":"m",`, "", "We could not parse the JSON body"},
		{"not an object", `[1,2]`, "", "must be a JSON object"},
		{"null body", `null`, "", "must be a JSON object"},
		{"invalid UTF-8", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"\xff\"}]}", "", "not valid UTF-8"},
		{"unknown field", `{"model":"m","messages":[` + u + `],"foo":1}`, "foo", "Unrecognized request argument supplied: foo"},
		{"wrong case field", `{"model":"m","messages":[` + u + `],"Temperature":1}`, "Temperature", "Unrecognized request argument supplied: Temperature"},
		{"missing model", `{"messages":[` + u + `]}`, "model", "you must provide a model parameter"},
		{"model wrong type", `{"model":5,"messages":[` + u + `]}`, "model", "Invalid type for 'model': expected a string, but got a number instead."},
		{"missing messages", `{"model":"m"}`, "messages", "Missing required parameter: 'messages'."},
		{"null messages", `{"model":"m","messages":null}`, "messages", "Missing required parameter: 'messages'."},
		{"empty messages", `{"model":"m","messages":[]}`, "messages", "empty array"},
		{"messages wrong type", `{"model":"m","messages":"hi"}`, "messages", "Invalid type for 'messages': expected an array, but got a string instead."},
		{"content wrong type", `{"model":"m","messages":[{"role":"user","content":5}]}`, "messages.content", "expected one of a string or array of objects, but got a number"},
		{"missing role", `{"model":"m","messages":[{"content":"x"}]}`, "messages[0].role", "Missing required parameter"},
		{"bad role", `{"model":"m","messages":[{"role":"bot","content":"x"}]}`, "messages[0].role", "Invalid value: 'bot'"},
		{"function role", `{"model":"m","messages":[{"role":"function","name":"f","content":"x"}]}`, "messages[0].role", "deprecated"},
		{"null user content", `{"model":"m","messages":[{"role":"user","content":null}]}`, "messages[0].content", "Missing required parameter"},
		{"missing user content", `{"model":"m","messages":[{"role":"user"}]}`, "messages[0].content", "Missing required parameter"},
		{"empty user parts", `{"model":"m","messages":[{"role":"user","content":[]}]}`, "messages[0].content", "empty array"},
		{"bad part type", `{"model":"m","messages":[{"role":"user","content":[{"type":"video"}]}]}`, "messages[0].content[0].type", "Invalid value: 'video'"},
		{"audio part", `{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}`, "messages[0].content[0].type", "does not support"},
		{"text part without text", `{"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]}`, "messages[0].content[0].text", "Missing required parameter"},
		{"image without url", `{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}`, "messages[0].content[0].image_url.url", "Missing required parameter"},
		{"image bad url", `{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x"}}]}]}`, "messages[0].content[0].image_url.url", "Expected an http(s) URL"},
		{"image data not base64", `{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,abc"}}]}]}`, "messages[0].content[0].image_url.url", "base64-encoded data URL"},
		{"image data not image", `{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:text/plain;base64,YQ=="}}]}]}`, "messages[0].content[0].image_url.url", "base64-encoded data URL"},
		{"image bad detail", `{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"max"}}]}]}`, "messages[0].content[0].image_url.detail", "Invalid value: 'max'"},
		{"system image", `{"model":"m","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://x"}}]},` + u + `]}`, "messages[0].content[0].type", "Supported values are: 'text'."},
		{"assistant null without tool calls", `{"model":"m","messages":[` + u + `,{"role":"assistant","content":null}]}`, "messages[1].content", "Missing required parameter"},
		{"tool without tool calls", `{"model":"m","messages":[` + u + `,{"role":"tool","tool_call_id":"c1","content":"x"}]}`, "messages[1].role", "must be a response to a preceeding message with 'tool_calls'"},
		{"tool with unknown id", `{"model":"m","messages":[` + u + `,{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c9","content":"x"}]}`, "messages[2].role", "must be a response to a preceeding message"},
		{"tool without tool_call_id", `{"model":"m","messages":[` + u + `,{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","content":"x"}]}`, "messages[2].tool_call_id", "Missing required parameter"},
		{"tool calls unanswered", `{"model":"m","messages":[` + u + `,{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"c2","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"x"},` + u + `]}`, "messages[1].role", "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: c2"},
		{"tool calls partly answered at the end", `{"model":"m","messages":[` + u + `,{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"c2","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c2","content":"x"}]}`, "messages[1].role", "did not have response messages: c1"},
		{"tool call without id", `{"model":"m","messages":[` + u + `,{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}]}`, "messages[1].tool_calls[0].id", "Missing required parameter"},
		{"tool call bad arguments", `{"model":"m","messages":[` + u + `,{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{oops"}}]}]}`, "messages[1].tool_calls[0].function.arguments", "expected a JSON object"},
		{"stream_options without stream", `{"model":"m","messages":[` + u + `],"stream_options":{"include_usage":true}}`, "stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled."},
		{"stream_options with stream false", `{"model":"m","messages":[` + u + `],"stream":false,"stream_options":{"include_usage":true}}`, "stream_options", "only allowed when 'stream' is enabled"},
		{"temperature too high", `{"model":"m","messages":[` + u + `],"temperature":3}`, "temperature", "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead."},
		{"temperature wrong type", `{"model":"m","messages":[` + u + `],"temperature":"hot"}`, "temperature", "Invalid type for 'temperature': expected a number, but got a string instead."},
		{"top_p negative", `{"model":"m","messages":[` + u + `],"top_p":-0.1}`, "top_p", "below minimum"},
		{"penalty too high", `{"model":"m","messages":[` + u + `],"presence_penalty":2.5}`, "presence_penalty", "above maximum"},
		{"max_tokens zero", `{"model":"m","messages":[` + u + `],"max_tokens":0}`, "max_tokens", "Expected a value >= 1"},
		{"max_completion_tokens fraction", `{"model":"m","messages":[` + u + `],"max_completion_tokens":1.5}`, "max_completion_tokens", "expected an integer"},
		{"too many stops", `{"model":"m","messages":[` + u + `],"stop":["a","b","c","d","e"]}`, "stop", "array too long"},
		{"stop wrong type", `{"model":"m","messages":[` + u + `],"stop":5}`, "stop", "expected one of a string or array of strings"},
		{"bad reasoning effort", `{"model":"m","messages":[` + u + `],"reasoning_effort":"max"}`, "reasoning_effort", "Invalid value: 'max'"},
		{"bad response format", `{"model":"m","messages":[` + u + `],"response_format":{"type":"xml"}}`, "response_format.type", "Invalid value: 'xml'"},
		{"json_schema without schema", `{"model":"m","messages":[` + u + `],"response_format":{"type":"json_schema"}}`, "response_format.json_schema", "Missing required parameter"},
		{"json_schema without name", `{"model":"m","messages":[` + u + `],"response_format":{"type":"json_schema","json_schema":{"schema":{}}}}`, "response_format.json_schema.name", "Missing required parameter"},
		{"empty tools", `{"model":"m","messages":[` + u + `],"tools":[]}`, "tools", "empty array"},
		{"tool without name", `{"model":"m","messages":[` + u + `],"tools":[{"type":"function","function":{}}]}`, "tools[0].function.name", "Missing required parameter"},
		{"tool bad name", `{"model":"m","messages":[` + u + `],"tools":[{"type":"function","function":{"name":"get weather"}}]}`, "tools[0].function.name", "does not match pattern"},
		{"tool bad type", `{"model":"m","messages":[` + u + `],"tools":[{"type":"retrieval","function":{"name":"f"}}]}`, "tools[0].type", "Invalid value: 'retrieval'"},
		{"custom tool", `{"model":"m","messages":[` + u + `],"tools":[{"type":"custom","custom":{"name":"f"}}]}`, "tools[0].type", "only tools of type 'function'"},
		{"tool_choice without tools", `{"model":"m","messages":[` + u + `],"tool_choice":"auto"}`, "tool_choice", "'tool_choice' is only allowed when 'tools' are specified."},
		{"parallel_tool_calls without tools", `{"model":"m","messages":[` + u + `],"parallel_tool_calls":true}`, "parallel_tool_calls", "'parallel_tool_calls' is only allowed when 'tools' are specified."},
		{"bad tool_choice string", `{"model":"m","messages":[` + u + `],` + tools + `,"tool_choice":"any"}`, "tool_choice", "Invalid value: 'any'"},
		{"tool_choice without name", `{"model":"m","messages":[` + u + `],` + tools + `,"tool_choice":{"type":"function"}}`, "tool_choice.function.name", "Missing required parameter"},
		{"tool_choice wrong type", `{"model":"m","messages":[` + u + `],` + tools + `,"tool_choice":5}`, "tool_choice", "expected one of a string or object"},
		{"trailing garbage", `{"model":"m","messages":[` + u + `]} x`, "", "We could not parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New().DecodeRequest([]byte(tt.body), protocol.Target{})
			var e *switchboard.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *switchboard.Error", err)
			}
			if e.Code != switchboard.EINVALID {
				t.Errorf("code = %q, want EINVALID", e.Code)
			}
			if e.Param != tt.param {
				t.Errorf("param = %q, want %q", e.Param, tt.param)
			}
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("message = %q, want it to contain %q", e.Message, tt.msg)
			}
		})
	}
}

// TestDecodeSDKRequest decodes what openai-go itself sends.
func TestDecodeSDKRequest(t *testing.T) {
	params := openai.ChatCompletionNewParams{
		Model: "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage("Be brief."),
			openai.UserMessage([]openai.ChatCompletionContentPartUnionParam{
				openai.TextContentPart("Describe"),
				openai.ImageContentPart(openai.ChatCompletionContentPartImageImageURLParam{URL: "data:image/jpeg;base64,/9j/4AAQ", Detail: "high"}),
			}),
			{OfAssistant: &openai.ChatCompletionAssistantMessageParam{
				ToolCalls: []openai.ChatCompletionMessageToolCallUnionParam{{OfFunction: &openai.ChatCompletionMessageFunctionToolCallParam{
					ID: "call_a", Function: openai.ChatCompletionMessageFunctionToolCallFunctionParam{Name: "look", Arguments: `{"q":1}`},
				}}},
			}},
			openai.ToolMessage("found", "call_a"),
		},
		Tools: []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name: "look", Description: openai.String("Look"), Parameters: shared.FunctionParameters{"type": "object"},
		})},
		ToolChoice:          openai.ChatCompletionToolChoiceOptionUnionParam{OfAuto: openai.String("required")},
		MaxCompletionTokens: openai.Int(256),
		Temperature:         openai.Float(0.2),
		StreamOptions:       openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
		ReasoningEffort:     shared.ReasoningEffortLow,
		N:                   openai.Int(1),
		User:                openai.String("alice"),
	}
	body, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	// openai-go adds "stream": true itself for NewStreaming.
	var m map[string]json.RawMessage
	_ = json.Unmarshal(body, &m)
	m["stream"] = json.RawMessage("true")
	body, _ = json.Marshal(m)
	got := decode(t, string(body))
	want := &llm.Request{
		Model:  "gpt-4o",
		System: []string{"Be brief."},
		Messages: []llm.Message{
			user(text("Describe"), llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/jpeg", Data: "/9j/4AAQ", Detail: "high"}}),
			assistant(call("call_a", "look", `{"q":1}`)),
			user(result("call_a", "look", "found")),
		},
		Tools:        []llm.Tool{{Name: "look", Description: "Look", Parameters: json.RawMessage(`{"type":"object"}`)}},
		ToolChoice:   &llm.ToolChoice{Mode: llm.ToolRequired},
		MaxTokens:    ptr(256),
		Temperature:  ptr(0.2),
		Reasoning:    &llm.Reasoning{Effort: "low"},
		Stream:       true,
		IncludeUsage: true,
		User:         "alice",
		Extra:        map[string]json.RawMessage{"n": json.RawMessage("1")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEncodeRequest(t *testing.T) {
	tests := []struct {
		name string
		req  *llm.Request
		want string
	}{
		{
			name: "minimal",
			req:  &llm.Request{Model: "client-name", Messages: []llm.Message{user(text("Hi"))}},
			want: `{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "stream always asks for usage",
			req:  &llm.Request{Messages: []llm.Message{user(text("Hi"))}, Stream: true},
			want: `{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}`,
		},
		{
			name: "no stream_options without stream",
			req:  &llm.Request{Messages: []llm.Message{user(text("Hi"))}, IncludeUsage: true},
			want: `{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "system, tools, results, thinking dropped",
			req: &llm.Request{
				System: []string{"Be brief.", "Be kind."},
				Messages: []llm.Message{
					user(text("Weather?")),
					assistant(llm.Part{Kind: llm.PartThinking, Text: "hmm", Signature: "sig"}, text("Checking."), call("toolu_1", "get_weather", `{"city":"Paris"}`), call("toolu_2", "get_time", ``)),
					user(result("toolu_1", "get_weather", "sunny"), result("toolu_2", "get_time", "noon"), text("and tomorrow?")),
					assistant(call("toolu_3", "get_weather", `{}`)),
					user(result("toolu_3", "get_weather", "rain")),
				},
				Tools: []llm.Tool{
					{Name: "get_weather", Description: "Weather", Parameters: json.RawMessage(`{"type":"object"}`), Strict: ptr(true)},
					{Name: "get_time"},
				},
				ToolChoice:        &llm.ToolChoice{Mode: llm.ToolNamed, Name: "get_weather"},
				ParallelToolCalls: ptr(true),
			},
			want: `{"model":"gpt-4o","messages":[` +
				`{"role":"system","content":"Be brief."},{"role":"system","content":"Be kind."},` +
				`{"role":"user","content":"Weather?"},` +
				`{"role":"assistant","content":"Checking.","tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"toolu_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},` +
				`{"role":"tool","content":"sunny","tool_call_id":"toolu_1"},{"role":"tool","content":"noon","tool_call_id":"toolu_2"},` +
				`{"role":"user","content":"and tomorrow?"},` +
				`{"role":"assistant","content":null,"tool_calls":[{"id":"toolu_3","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},` +
				`{"role":"tool","content":"rain","tool_call_id":"toolu_3"}],` +
				`"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object"},"strict":true}},{"type":"function","function":{"name":"get_time"}}],` +
				`"tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":true}`,
		},
		{
			name: "tool choice without tools is dropped",
			req:  &llm.Request{Messages: []llm.Message{user(text("Hi"))}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolNone}, ParallelToolCalls: ptr(false)},
			want: `{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "images",
			req: &llm.Request{Messages: []llm.Message{user(
				llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/png", Data: "iVBO"}},
				llm.Part{Kind: llm.PartImage, Image: &llm.Image{URL: "https://x/y.jpg", Detail: "high"}},
				text("What?"),
			)}},
			want: `{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}},{"type":"image_url","image_url":{"url":"https://x/y.jpg","detail":"high"}},{"type":"text","text":"What?"}]}]}`,
		},
		{
			name: "sampling, stop, schema, budget reasoning, user",
			req: &llm.Request{
				Messages:    []llm.Message{user(text("Hi"))},
				MaxTokens:   ptr(100),
				Temperature: ptr(0.0), TopP: ptr(1.0), TopK: ptr(40), Seed: ptr(int64(7)),
				PresencePenalty: ptr(0.1), FrequencyPenalty: ptr(0.2),
				Stop:           []string{"a", "b", "c", "d", "e"},
				ResponseFormat: &llm.ResponseFormat{Type: "json_schema", Schema: json.RawMessage(`{"type":"object"}`)},
				Reasoning:      &llm.Reasoning{BudgetTokens: 4000},
				User:           "bob",
			},
			want: `{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":100,"temperature":0,"top_p":1,"seed":7,` +
				`"presence_penalty":0.1,"frequency_penalty":0.2,"stop":["a","b","c","d"],` +
				`"response_format":{"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object"}}},"reasoning_effort":"medium","user":"bob"}`,
		},
		{
			name: "extras: OpenAI fields only, foreign values dropped",
			req: &llm.Request{Messages: []llm.Message{user(text("Hi"))}, User: "h1", Extra: map[string]json.RawMessage{
				"n": json.RawMessage("2"), "logit_bias": json.RawMessage(`{"1":-1}`), "safety_identifier": json.RawMessage(`"h1"`),
				"service_tier": json.RawMessage(`"standard_only"`), "top_k": json.RawMessage("5"), "safetySettings": json.RawMessage("[]"),
				"metadata": json.RawMessage(`{"user_id":"x","n":1}`),
			}},
			want: `{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"logit_bias":{"1":-1},"n":2,"safety_identifier":"h1"}`,
		},
		{
			name: "assistant with only thinking",
			req:  &llm.Request{Messages: []llm.Message{user(text("a")), assistant(llm.Part{Kind: llm.PartThinking, Text: "t"}), user(text("b"))}},
			want: `{"model":"gpt-4o","messages":[{"role":"user","content":"a"},{"role":"assistant","content":""},{"role":"user","content":"b"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New().EncodeRequest(tt.req, "gpt-4o")
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("EncodeRequest:\n got %s\nwant %s", got, tt.want)
			}
			// What we send must be what a client could have sent.
			if _, err := New().DecodeRequest(got, protocol.Target{}); err != nil {
				t.Errorf("re-decode: %v", err)
			}
		})
	}
}

func TestRequestRoundTrip(t *testing.T) {
	bodies := []string{
		`{"model":"m","messages":[{"role":"system","content":"S"},{"role":"user","content":"Hi"}],"temperature":0.5,"max_completion_tokens":10}`,
		`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}}]},
			{"role":"assistant","content":"x","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},
			{"role":"tool","tool_call_id":"c1","content":"r"}],
			"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"required","parallel_tool_calls":false,
			"stop":["x"],"seed":3,"response_format":{"type":"json_object"},"reasoning_effort":"low","stream":true,"stream_options":{"include_usage":true},
			"user":"u","n":1,"store":true,"safety_identifier":"s"}`,
	}
	for _, body := range bodies {
		r1 := decode(t, body)
		enc, err := New().EncodeRequest(r1, r1.Model)
		if err != nil {
			t.Fatal(err)
		}
		r2 := decode(t, string(enc))
		if diff := cmp.Diff(r1, r2); diff != "" {
			t.Errorf("round trip (-first +second):\n%s\nencoded: %s", diff, enc)
		}
	}
}
