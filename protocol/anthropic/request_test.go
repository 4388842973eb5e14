package anthropic

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
)

func ptr[T any](v T) *T { return &v }

func dump(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

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

const hi = `"messages":[{"role":"user","content":"hi"}]`

func TestDecodeRequest(t *testing.T) {
	base := func(r *llm.Request) *llm.Request {
		if r.Model == "" {
			r.Model = "claude-sonnet-4-5"
		}
		if r.MaxTokens == nil {
			r.MaxTokens = ptr(1024)
		}
		if r.Messages == nil {
			r.Messages = []llm.Message{user(text("hi"))}
		}
		return r
	}
	tests := []struct {
		name string
		body string
		want *llm.Request
	}{
		{"text", `{"model":"claude-sonnet-4-5","max_tokens":1024,` + hi + `}`, base(&llm.Request{})},
		{"system string", `{"model":"claude-sonnet-4-5","max_tokens":1024,"system":"be brief",` + hi + `}`,
			base(&llm.Request{System: []string{"be brief"}})},
		{"system blocks with cache_control", `{"model":"claude-sonnet-4-5","max_tokens":1024,"system":[{"type":"text","text":"a","cache_control":{"type":"ephemeral"}},{"type":"text","text":"b"}],` + hi + `}`,
			base(&llm.Request{System: []string{"a", "b"}})},
		{"multi-turn blocks", `{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[
			{"role":"user","content":[{"type":"text","text":"hi"}]},
			{"role":"assistant","content":"hello"},
			{"role":"user","content":"how are you?"}]}`,
			base(&llm.Request{Messages: []llm.Message{user(text("hi")), assistant(text("hello")), user(text("how are you?"))}})},
		{"images", `{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":[
			{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
			{"type":"image","source":{"type":"url","url":"https://example.gov/a.jpg"}},
			{"type":"text","text":"what is this?"}]}]}`,
			base(&llm.Request{Messages: []llm.Message{user(
				llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/png", Data: "iVBORw0KGgo="}},
				llm.Part{Kind: llm.PartImage, Image: &llm.Image{URL: "https://example.gov/a.jpg"}},
				text("what is this?"))}})},
		{"tools, parallel calls and results", `{"model":"claude-sonnet-4-5","max_tokens":1024,
			"tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
				{"type":"custom","name":"t2","input_schema":{"type":"object"},"strict":true}],
			"tool_choice":{"type":"auto","disable_parallel_tool_use":false},
			"messages":[{"role":"user","content":"weather?"},
			{"role":"assistant","content":[{"type":"text","text":"checking"},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},{"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Rome"}}]},
			{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},{"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"rain"},{"type":"text","text":"cold"}],"is_error":true},{"type":"text","text":"thanks"}]}]}`,
			base(&llm.Request{
				Tools: []llm.Tool{
					{Name: "get_weather", Description: "Weather", Parameters: json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`)},
					{Name: "t2", Parameters: json.RawMessage(`{"type":"object"}`), Strict: ptr(true)}},
				ToolChoice:        &llm.ToolChoice{Mode: llm.ToolAuto},
				ParallelToolCalls: ptr(true),
				Messages: []llm.Message{user(text("weather?")),
					assistant(text("checking"), call("toolu_1", "get_weather", `{"city":"Paris"}`), call("toolu_2", "get_weather", `{"city":"Rome"}`)),
					user(result("toolu_1", "get_weather", "sunny"),
						llm.Part{Kind: llm.PartToolResult, ToolResult: &llm.ToolResult{CallID: "toolu_2", Name: "get_weather", Content: "rain\ncold", IsError: true}},
						text("thanks"))}})},
		{"tool choice any, no parallel", `{"model":"claude-sonnet-4-5","max_tokens":1024,"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"any","disable_parallel_tool_use":true},` + hi + `}`,
			base(&llm.Request{Tools: []llm.Tool{{Name: "f", Parameters: json.RawMessage(`{"type":"object"}`)}}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolRequired}, ParallelToolCalls: ptr(false)})},
		{"tool choice tool", `{"model":"claude-sonnet-4-5","max_tokens":1024,"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"f"},` + hi + `}`,
			base(&llm.Request{Tools: []llm.Tool{{Name: "f", Parameters: json.RawMessage(`{"type":"object"}`)}}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolNamed, Name: "f"}})},
		{"tool choice none", `{"model":"claude-sonnet-4-5","max_tokens":1024,"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"none"},` + hi + `}`,
			base(&llm.Request{Tools: []llm.Tool{{Name: "f", Parameters: json.RawMessage(`{"type":"object"}`)}}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolNone}})},
		{"server tool kept in extra", `{"model":"claude-sonnet-4-5","max_tokens":1024,"tools":[{"type":"web_search_20250305","name":"web_search","max_uses":5}],` + hi + `}`,
			base(&llm.Request{Extra: map[string]json.RawMessage{ExtraServerTools: json.RawMessage(`[{"type":"web_search_20250305","name":"web_search","max_uses":5}]`)}})},
		{"sampling, stop, user, stream", `{"model":"claude-sonnet-4-5","max_tokens":50,"temperature":0.5,"top_p":0.9,"top_k":40,"stop_sequences":["END"],"metadata":{"user_id":"u-1"},"stream":true,` + hi + `}`,
			base(&llm.Request{MaxTokens: ptr(50), Temperature: ptr(0.5), TopP: ptr(0.9), TopK: ptr(40), Stop: []string{"END"}, User: "u-1", Stream: true, IncludeUsage: true})},
		{"thinking and history", `{"model":"claude-sonnet-4-5","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[
			{"role":"user","content":"q"},
			{"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"redacted_thinking","data":"xyz"},{"type":"text","text":"a"}]},
			{"role":"user","content":"q2"}]}`,
			base(&llm.Request{MaxTokens: ptr(4000), Reasoning: &llm.Reasoning{BudgetTokens: 2048}, Messages: []llm.Message{
				user(text("q")),
				assistant(llm.Part{Kind: llm.PartThinking, Text: "hmm", Signature: "sig"}, llm.Part{Kind: llm.PartThinking, Signature: RedactedPrefix + "xyz"}, text("a")),
				user(text("q2"))}})},
		{"json schema output", `{"model":"claude-sonnet-4-5","max_tokens":1024,"output_config":{"format":{"type":"json_schema","schema":{"type":"object"}}},` + hi + `}`,
			base(&llm.Request{ResponseFormat: &llm.ResponseFormat{Type: "json_schema", Schema: json.RawMessage(`{"type":"object"}`)}})},
		{"beta output_format", `{"model":"claude-sonnet-4-5","max_tokens":1024,"output_format":{"type":"json_schema","schema":{"type":"object"}},` + hi + `}`,
			base(&llm.Request{ResponseFormat: &llm.ResponseFormat{Type: "json_schema", Schema: json.RawMessage(`{"type":"object"}`)}})},
		{"adaptive thinking and effort", `{"model":"claude-opus-4-6","max_tokens":1024,"thinking":{"type":"adaptive"},"output_config":{"effort":"high"},` + hi + `}`,
			base(&llm.Request{Model: "claude-opus-4-6", Reasoning: &llm.Reasoning{Effort: "high"},
				Extra: map[string]json.RawMessage{ExtraThinking: json.RawMessage(`{"type":"adaptive"}`), ExtraEffort: json.RawMessage(`"high"`)}})},
		{"pass-through fields", `{"model":"claude-sonnet-4-5","max_tokens":1024,"service_tier":"auto","container":"c1",` + hi + `}`,
			base(&llm.Request{Extra: map[string]json.RawMessage{"service_tier": json.RawMessage(`"auto"`), "container": json.RawMessage(`"c1"`)}})},
		{"consecutive user turns answer tools", `{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[
			{"role":"user","content":"q"},
			{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},
			{"role":"user","content":"first"},
			{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1"}]}]}`,
			base(&llm.Request{Messages: []llm.Message{user(text("q")), assistant(call("t1", "f", `{}`)), user(text("first")), user(result("t1", "f", ""))}})},
		{"empty final assistant dropped", `{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":""}]}`,
			base(&llm.Request{})},
		{"assistant prefill", `{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"{"}]}`,
			base(&llm.Request{Messages: []llm.Message{user(text("hi")), assistant(text("{"))}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New().DecodeRequest([]byte(tt.body), protocol.Target{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %s\nwant %s", dump(got), dump(tt.want))
			}
		})
	}
}

func TestDecodeRequestErrors(t *testing.T) {
	tests := []struct {
		name, body, param, msg string
	}{
		{"not json", `{"model":`, "", "error parsing the body"},
		{"not an object", `[1]`, "", "must be a JSON object"},
		{"empty", ``, "", "empty"},
		{"invalid utf-8", "{\"model\":\"\xff\"}", "", "UTF-8"},
		{"unknown field", `{"model":"m","max_tokens":1,"foo":1,` + hi + `}`, "foo", "foo: Extra inputs are not permitted"},
		{"case matters", `{"Model":"m","max_tokens":1,` + hi + `}`, "Model", "Extra inputs are not permitted"},
		{"unknown message field", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x","name":"bob"}]}`, "messages.0.name", "Extra inputs"},
		{"unknown block field", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":"x","source":{}}]}]}`, "messages.0.content.0.source", "Extra inputs"},
		{"missing model", `{"max_tokens":1,` + hi + `}`, "model", "model: Field required"},
		{"missing max_tokens", `{"model":"m",` + hi + `}`, "max_tokens", "max_tokens: Field required"},
		{"max_tokens zero", `{"model":"m","max_tokens":0,` + hi + `}`, "max_tokens", "greater than or equal to 1"},
		{"max_tokens float", `{"model":"m","max_tokens":1.5,` + hi + `}`, "max_tokens", "valid integer"},
		{"max_tokens string", `{"model":"m","max_tokens":"1",` + hi + `}`, "max_tokens", "valid integer"},
		{"missing messages", `{"model":"m","max_tokens":1}`, "messages", "messages: Field required"},
		{"no messages", `{"model":"m","max_tokens":1,"messages":[]}`, "messages", "at least one message"},
		{"temperature", `{"model":"m","max_tokens":1,"temperature":1.5,` + hi + `}`, "temperature", "between 0 and 1"},
		{"top_p", `{"model":"m","max_tokens":1,"top_p":2,` + hi + `}`, "top_p", "between 0 and 1"},
		{"top_k", `{"model":"m","max_tokens":1,"top_k":-1,` + hi + `}`, "top_k", "greater than or equal to 0"},
		{"system role", `{"model":"m","max_tokens":1,"messages":[{"role":"system","content":"x"},{"role":"user","content":"hi"}]}`, "messages", `Unexpected role "system"`},
		{"bad role", `{"model":"m","max_tokens":1,"messages":[{"role":"tool","content":"x"}]}`, "messages.0.role", "'user' or 'assistant'"},
		{"empty text", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}`, "messages.0.content.0", "text content blocks must be non-empty"},
		{"whitespace text", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":"  "}]}]}`, "messages.0.content.0", "non-whitespace"},
		{"empty system block", `{"model":"m","max_tokens":1,"system":[{"type":"text","text":""}],` + hi + `}`, "system.0", "non-empty"},
		{"empty user content", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":""}]}`, "messages.0", "non-empty content"},
		{"content null", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":null}]}`, "messages.0.content", "valid list"},
		{"content number", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":5}]}`, "", "string or a list"},
		{"bad media type", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"AA=="}}]}]}`, "messages.0.content.0.source.media_type", "image/jpeg"},
		{"bad source type", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}`, "messages.0.content.0.source.file_id", "Extra inputs"},
		{"unsupported block", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"document","source":{}}]}]}`, "messages.0.content.0.type", "not supported"},
		{"bad tool_use id", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"tool_use","id":"call.1","name":"f","input":{}}]}]}`, "messages.1.content.0.id", "pattern"},
		{"tool_use input not object", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"tool_use","id":"c","name":"f","input":"{}"}]}]}`, "messages.1.content.0.input", "dictionary"},
		{"orphan tool_result", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"x","content":"r"}]}]}`, "messages.0.content.0", "unexpected `tool_use_id`"},
		{"unanswered tool_use", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"tool_use","id":"c1","name":"f","input":{}}]},{"role":"user","content":"nope"}]}`, "messages.1", "`tool_use` ids were found without `tool_result` blocks immediately after: c1"},
		{"tool_use in user", `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_use","id":"c","name":"f","input":{}}]}]}`, "messages.0.content.0.type", "assistant"},
		{"tool without schema", `{"model":"m","max_tokens":1,"tools":[{"name":"f"}],` + hi + `}`, "tools.0.input_schema", "Field required"},
		{"tool schema not object", `{"model":"m","max_tokens":1,"tools":[{"name":"f","input_schema":{"type":"string"}}],` + hi + `}`, "tools.0.input_schema.type", "'object'"},
		{"tool bad name", `{"model":"m","max_tokens":1,"tools":[{"name":"a b","input_schema":{"type":"object"}}],` + hi + `}`, "tools.0.name", "pattern"},
		{"tool unknown field", `{"model":"m","max_tokens":1,"tools":[{"name":"f","input_schema":{"type":"object"},"parameters":{}}],` + hi + `}`, "tools.0.parameters", "Extra inputs"},
		{"duplicate tools", `{"model":"m","max_tokens":1,"tools":[{"name":"f","input_schema":{"type":"object"}},{"name":"f","input_schema":{"type":"object"}}],` + hi + `}`, "tools", "unique"},
		{"tool_choice type", `{"model":"m","max_tokens":1,"tool_choice":{"type":"required"},` + hi + `}`, "tool_choice.type", "'auto'"},
		{"tool_choice tool without name", `{"model":"m","max_tokens":1,"tool_choice":{"type":"tool"},` + hi + `}`, "tool_choice.name", "Field required"},
		{"thinking budget", `{"model":"m","max_tokens":5000,"thinking":{"type":"enabled","budget_tokens":100},` + hi + `}`, "thinking.enabled.budget_tokens", "1024"},
		{"thinking over max_tokens", `{"model":"m","max_tokens":1000,"thinking":{"type":"enabled","budget_tokens":2000},` + hi + `}`, "max_tokens", "greater than"},
		{"metadata extra", `{"model":"m","max_tokens":1,"metadata":{"user":"x"},` + hi + `}`, "metadata.user", "Extra inputs"},
		{"stop_sequences type", `{"model":"m","max_tokens":1,"stop_sequences":"END",` + hi + `}`, "stop_sequences", "valid list"},
		{"output format type", `{"model":"m","max_tokens":1,"output_config":{"format":{"type":"json_object"}},` + hi + `}`, "output_config.format.type", "json_schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New().DecodeRequest([]byte(tt.body), protocol.Target{})
			var e *switchboard.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *switchboard.Error", err)
			}
			if e.Code != switchboard.EINVALID || e.Param != tt.param || !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("got code %q param %q message %q; want param %q message containing %q", e.Code, e.Param, e.Message, tt.param, tt.msg)
			}
		})
	}
}

// TestDecodeSDKRequest decodes what anthropic-sdk-go sends.
func TestDecodeSDKRequest(t *testing.T) {
	params := anthropic.MessageNewParams{
		Model:         "claude-sonnet-4-5",
		MaxTokens:     2048,
		System:        []anthropic.TextBlockParam{{Text: "be brief", CacheControl: anthropic.NewCacheControlEphemeralParam()}},
		Temperature:   anthropic.Float(0.2),
		StopSequences: []string{"END"},
		Metadata:      anthropic.MetadataParam{UserID: anthropic.String("u1")},
		Thinking:      anthropic.ThinkingConfigParamOfEnabled(1024),
		Tools: []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{Name: "get_weather", Description: anthropic.String("w"),
			InputSchema: anthropic.ToolInputSchemaParam{Properties: map[string]any{"city": map[string]any{"type": "string"}}, Required: []string{"city"}}}}},
		ToolChoice: anthropic.ToolChoiceUnionParam{OfAuto: &anthropic.ToolChoiceAutoParam{DisableParallelToolUse: anthropic.Bool(true)}},
		Messages: []anthropic.MessageParam{
			anthropic.NewUserMessage(anthropic.NewTextBlock("weather in Paris?"), anthropic.NewImageBlockBase64("image/png", "iVBORw0KGgo=")),
			anthropic.NewAssistantMessage(anthropic.NewToolUseBlock("toolu_01", map[string]any{"city": "Paris"}, "get_weather")),
			anthropic.NewUserMessage(anthropic.NewToolResultBlock("toolu_01", "sunny", false)),
		},
	}
	body, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	got, err := New().DecodeRequest(body, protocol.Target{})
	if err != nil {
		t.Fatalf("%v\nbody: %s", err, body)
	}
	want := &llm.Request{
		Model: "claude-sonnet-4-5", MaxTokens: ptr(2048), System: []string{"be brief"}, Temperature: ptr(0.2),
		Stop: []string{"END"}, User: "u1", Reasoning: &llm.Reasoning{BudgetTokens: 1024},
		Tools:             []llm.Tool{{Name: "get_weather", Description: "w", Parameters: json.RawMessage(`{"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}`)}},
		ToolChoice:        &llm.ToolChoice{Mode: llm.ToolAuto},
		ParallelToolCalls: ptr(false),
		Messages: []llm.Message{
			user(text("weather in Paris?"), llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/png", Data: "iVBORw0KGgo="}}),
			assistant(call("toolu_01", "get_weather", `{"city":"Paris"}`)),
			user(result("toolu_01", "get_weather", "sunny")),
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %s\nwant %s\nbody %s", dump(got), dump(want), body)
	}
}

func TestEncodeRequest(t *testing.T) {
	tests := []struct {
		name string
		in   *llm.Request
		want string
	}{
		{"minimal gets default max_tokens", &llm.Request{Messages: []llm.Message{user(text("hi"))}},
			`{"model":"up","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`},
		{"openai-style conversation", &llm.Request{
			System:      []string{"sys1", "sys2"},
			MaxTokens:   ptr(100),
			Temperature: ptr(1.7),
			Stop:        []string{"END"},
			User:        "u1",
			Stream:      true,
			Seed:        ptr(int64(7)),
			Tools:       []llm.Tool{{Name: "f", Description: "d", Parameters: json.RawMessage(`{"type":"object"}`)}, {Name: "g"}},
			ToolChoice:  &llm.ToolChoice{Mode: llm.ToolRequired}, ParallelToolCalls: ptr(false),
			Messages: []llm.Message{
				user(text("q")),
				assistant(text(""), call("call.1", "f", `{"a":1}`), call("call_2", "g", "")),
				user(result("call.1", "f", "r1")),
				user(text("and"), result("call_2", "g", "")),
				assistant(llm.Part{Kind: llm.PartThinking, Text: "openai reasoning"}, text("done")),
			},
			Extra: map[string]json.RawMessage{"logprobs": json.RawMessage(`true`), "service_tier": json.RawMessage(`"auto"`)},
		}, `{"model":"up","max_tokens":100,"system":[{"type":"text","text":"sys1"},{"type":"text","text":"sys2"}],"messages":[` +
			`{"role":"user","content":[{"type":"text","text":"q"}]},` +
			`{"role":"assistant","content":[{"type":"tool_use","id":"call_1_2945fb5c","name":"f","input":{"a":1}},{"type":"tool_use","id":"call_2","name":"g","input":{}}]},` +
			`{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1_2945fb5c","content":"r1"},{"type":"tool_result","tool_use_id":"call_2"},{"type":"text","text":"and"}]},` +
			`{"role":"assistant","content":[{"type":"text","text":"done"}]}],` +
			`"tools":[{"name":"f","description":"d","input_schema":{"type":"object"}},{"name":"g","input_schema":{"type":"object","properties":{}}}],` +
			`"tool_choice":{"type":"any","disable_parallel_tool_use":true},"temperature":1,"stop_sequences":["END"],"metadata":{"user_id":"u1"},"stream":true,"service_tier":"auto"}`},
		{"images", &llm.Request{MaxTokens: ptr(10), Messages: []llm.Message{user(
			llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/png", Data: "AAA="}},
			llm.Part{Kind: llm.PartImage, Image: &llm.Image{URL: "data:image/jpeg;base64,BBB="}},
			llm.Part{Kind: llm.PartImage, Image: &llm.Image{URL: "https://x.gov/a.png", Detail: "high"}})}},
			`{"model":"up","max_tokens":10,"messages":[{"role":"user","content":[` +
				`{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAA="}},` +
				`{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"BBB="}},` +
				`{"type":"image","source":{"type":"url","url":"https://x.gov/a.png"}}]}]}`},
		{"reasoning effort without max_tokens", &llm.Request{Temperature: ptr(0.3), TopK: ptr(5), TopP: ptr(0.5), Reasoning: &llm.Reasoning{Effort: "high"}, Messages: []llm.Message{user(text("hi"))}},
			`{"model":"up","max_tokens":20480,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"top_p":0.95,"thinking":{"type":"enabled","budget_tokens":16384}}`},
		{"budget clamped below max_tokens", &llm.Request{MaxTokens: ptr(2000), Reasoning: &llm.Reasoning{BudgetTokens: 5000}, Messages: []llm.Message{user(text("hi"))}},
			`{"model":"up","max_tokens":2000,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"thinking":{"type":"enabled","budget_tokens":1999}}`},
		{"thinking off when max_tokens too small", &llm.Request{MaxTokens: ptr(500), Reasoning: &llm.Reasoning{Effort: "low"}, Messages: []llm.Message{user(text("hi"))}},
			`{"model":"up","max_tokens":500,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`},
		{"thinking off when a tool is forced", &llm.Request{Tools: []llm.Tool{{Name: "f"}}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolNamed, Name: "f"}, Reasoning: &llm.Reasoning{Effort: "low"}, Messages: []llm.Message{user(text("hi"))}},
			`{"model":"up","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"tools":[{"name":"f","input_schema":{"type":"object","properties":{}}}],"tool_choice":{"type":"tool","name":"f"}}`},
		{"tool choice without tools is dropped", &llm.Request{ToolChoice: &llm.ToolChoice{Mode: llm.ToolNone}, Messages: []llm.Message{user(text("hi"))}},
			`{"model":"up","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`},
		{"json schema", &llm.Request{ResponseFormat: &llm.ResponseFormat{Type: "json_schema", Name: "x", Schema: json.RawMessage(`{"type":"object"}`)}, Messages: []llm.Message{user(text("hi"))}},
			`{"model":"up","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"output_config":{"format":{"type":"json_schema","schema":{"type":"object"}}}}`},
		{"json object", &llm.Request{System: []string{"s"}, ResponseFormat: &llm.ResponseFormat{Type: "json_object"}, Messages: []llm.Message{user(text("hi"))}},
			`{"model":"up","max_tokens":4096,"system":[{"type":"text","text":"s"},{"type":"text","text":"` + jsonObjectInstruction + `"}],"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`},
		{"thinking with signature and redacted", &llm.Request{MaxTokens: ptr(3000), Reasoning: &llm.Reasoning{BudgetTokens: 1024}, Messages: []llm.Message{user(text("q")),
			assistant(llm.Part{Kind: llm.PartThinking, Text: "t", Signature: "s"}, llm.Part{Kind: llm.PartThinking, Signature: RedactedPrefix + "d"}, text("a"))}},
			`{"model":"up","max_tokens":3000,"messages":[{"role":"user","content":[{"type":"text","text":"q"}]},{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"redacted_thinking","data":"d"},{"type":"text","text":"a"}]}],"thinking":{"type":"enabled","budget_tokens":1024}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New().EncodeRequest(tt.in, "up")
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			// The SDK's request type must accept it too.
			var p anthropic.MessageNewParams
			if err := json.Unmarshal(got, &p); err != nil {
				t.Fatalf("SDK rejects it: %v", err)
			}
		})
	}
}

func TestEncodeRequestBadArgs(t *testing.T) {
	_, err := New().EncodeRequest(&llm.Request{Messages: []llm.Message{user(text("q")), assistant(call("c", "f", `not json`))}}, "m")
	if switchboard.ErrorCode(err) != switchboard.EINVALID {
		t.Fatalf("err = %v", err)
	}
}

func TestToolID(t *testing.T) {
	if ToolID("toolu_01-A") != "toolu_01-A" {
		t.Fatal("a valid id changed")
	}
	a, b := ToolID("a.b"), ToolID("a:b")
	if a == b || !validName(a, 0) || !validName(b, 0) || ToolID("a.b") != a || !validName(ToolID(""), 0) {
		t.Fatalf("ToolID: %q %q %q", a, b, ToolID(""))
	}
}

// TestRequestRoundTrip checks decode(encode(x)) == x for requests the
// protocol can carry whole.
func TestRequestRoundTrip(t *testing.T) {
	reqs := []*llm.Request{
		{Model: "up", MaxTokens: ptr(100), System: []string{"s"}, Temperature: ptr(0.5), TopP: ptr(0.9), TopK: ptr(3),
			Stop: []string{"x"}, User: "u", Stream: true, IncludeUsage: true,
			Messages: []llm.Message{user(text("q"))}},
		{Model: "up", MaxTokens: ptr(5000), System: []string{"a", "b"}, Reasoning: &llm.Reasoning{BudgetTokens: 2048},
			Tools:      []llm.Tool{{Name: "f", Description: "d", Parameters: json.RawMessage(`{"type":"object"}`), Strict: ptr(true)}},
			ToolChoice: &llm.ToolChoice{Mode: llm.ToolAuto}, ParallelToolCalls: ptr(false),
			ResponseFormat: &llm.ResponseFormat{Type: "json_schema", Schema: json.RawMessage(`{"type":"object"}`)},
			Messages: []llm.Message{
				user(text("q"), llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/gif", Data: "R0lG"}}),
				assistant(llm.Part{Kind: llm.PartThinking, Text: "t", Signature: "sig"}, text("a"), call("t1", "f", `{"x":[1,2]}`), call("t2", "f", `{}`)),
				user(result("t1", "f", "r1"), llm.Part{Kind: llm.PartToolResult, ToolResult: &llm.ToolResult{CallID: "t2", Name: "f", Content: "boom", IsError: true}}, text("more")),
			},
			Extra: map[string]json.RawMessage{"service_tier": json.RawMessage(`"auto"`)}},
	}
	for i, r := range reqs {
		b, err := New().EncodeRequest(r, "up")
		if err != nil {
			t.Fatal(err)
		}
		got, err := New().DecodeRequest(b, protocol.Target{})
		if err != nil {
			t.Fatalf("%d: %v\n%s", i, err, b)
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("%d: got %s\nwant %s\nwire %s", i, dump(got), dump(r), b)
		}
	}
}
