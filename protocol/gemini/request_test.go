package gemini

import (
	"encoding/json"
	"strings"
	"testing"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
)

func ptr[T any](v T) *T { return &v }

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func user(parts ...llm.Part) llm.Message { return llm.Message{Role: llm.RoleUser, Parts: parts} }
func model(parts ...llm.Part) llm.Message {
	return llm.Message{Role: llm.RoleAssistant, Parts: parts}
}
func text(s string) llm.Part { return llm.Part{Kind: llm.PartText, Text: s} }
func call(id, name, args string) llm.Part {
	return llm.Part{Kind: llm.PartToolCall, ToolCall: &llm.ToolCall{ID: id, Name: name, Args: json.RawMessage(args)}}
}
func result(id, name, content string) llm.Part {
	return llm.Part{Kind: llm.PartToolResult, ToolResult: &llm.ToolResult{CallID: id, Name: name, Content: content}}
}

var target = protocol.Target{Model: "gemini-2.5-flash"}

func TestDecodeRequest(t *testing.T) {
	hi := []llm.Message{user(text("hi"))}
	tests := []struct {
		name   string
		body   string
		target protocol.Target
		want   llm.Request
	}{
		{"text", `{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi}},
		{"empty role is user, models/ prefix stripped", `{"contents":[{"parts":[{"text":"hi"}]}]}`, protocol.Target{Model: "models/gemini-2.5-pro"},
			llm.Request{Model: "gemini-2.5-pro", Messages: hi}},
		{"streaming flags", `{"contents":[{"parts":[{"text":"hi"}]}]}`, protocol.Target{Model: "m", Stream: true, SSE: true},
			llm.Request{Model: "m", Messages: hi, Stream: true, IncludeUsage: true}},
		{"system instruction, snake case", `{"system_instruction":{"parts":[{"text":"Be brief."},{"text":"Be kind."}]},"contents":[{"parts":[{"text":"hi"}]}]}`, target,
			llm.Request{Model: "gemini-2.5-flash", System: []string{"Be brief.", "Be kind."}, Messages: hi}},
		{"multi-turn", `{"contents":[{"role":"user","parts":[{"text":"a"}]},{"role":"model","parts":[{"text":"b"}]},{"role":"user","parts":[{"text":"c"}]}]}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: []llm.Message{user(text("a")), model(text("b")), user(text("c"))}}},
		{"images", `{"contents":[{"parts":[{"text":"what?"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo"}},{"inline_data":{"mime_type":"image/jpeg","data":"_-8"}},{"fileData":{"mimeType":"image/webp","fileUri":"https://x/y.webp"}}]}]}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: []llm.Message{user(text("what?"),
				llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/png", Data: "iVBORw0KGgo="}},
				llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/jpeg", Data: "/+8="}},
				llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/webp", URL: "https://x/y.webp"}})}}},
		{"thinking and signatures", `{"contents":[{"parts":[{"text":"q"}]},{"role":"model","parts":[{"text":"plan","thought":true,"thoughtSignature":"AAAA"},{"text":"ans"},{"thoughtSignature":"BBBB"}]}]}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: []llm.Message{user(text("q")), model(
				llm.Part{Kind: llm.PartThinking, Text: "plan", Signature: "AAAA"}, text("ans"), llm.Part{Kind: llm.PartText, Signature: "BBBB"})}}},
		{"tools and parallel calls with results", `{
			"contents":[
				{"role":"user","parts":[{"text":"weather in Paris and Rome?"}]},
				{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2ln"},{"function_call":{"name":"get_weather","args":{"city":"Rome"}}},{"functionCall":{"id":"x7","name":"now"}}]},
				{"role":"user","parts":[{"functionResponse":{"name":"now","response":{"time":"noon"}}},{"functionResponse":{"name":"get_weather","response":{"output":"sunny"}}},{"function_response":{"name":"get_weather","response":{"error":"no data"}}}]}],
			"tools":[{"functionDeclarations":[
				{"name":"get_weather","description":"Weather","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}},
				{"name":"now"},
				{"name":"lookup","parametersJsonSchema":{"type":"object","additionalProperties":false}}]},
				{"googleSearch":{}},{"code_execution":{}}]}`, target,
			llm.Request{Model: "gemini-2.5-flash",
				Messages: []llm.Message{
					user(text("weather in Paris and Rome?")),
					model(llm.Part{Kind: llm.PartToolCall, Signature: "c2ln", ToolCall: &llm.ToolCall{ID: "call_0", Name: "get_weather", Args: json.RawMessage(`{"city":"Paris"}`)}},
						call("call_1", "get_weather", `{"city":"Rome"}`), call("x7", "now", `{}`)),
					user(result("x7", "now", `{"time":"noon"}`), result("call_0", "get_weather", "sunny"),
						llm.Part{Kind: llm.PartToolResult, ToolResult: &llm.ToolResult{CallID: "call_1", Name: "get_weather", Content: "no data", IsError: true}}),
				},
				Tools: []llm.Tool{
					{Name: "get_weather", Description: "Weather", Parameters: json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`)},
					{Name: "now"},
					{Name: "lookup", Parameters: json.RawMessage(`{"type":"object","additionalProperties":false}`)},
				},
				Extra: map[string]json.RawMessage{"tools": json.RawMessage(`[{"googleSearch":{}},{"codeExecution":{}}]`)},
			}},
		{"tool choice auto", `{"contents":[{"parts":[{"text":"hi"}]}],"toolConfig":{"functionCallingConfig":{"mode":"AUTO"}}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, ToolChoice: &llm.ToolChoice{Mode: llm.ToolAuto}}},
		{"tool choice none", `{"contents":[{"parts":[{"text":"hi"}]}],"tool_config":{"function_calling_config":{"mode":"NONE"}}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, ToolChoice: &llm.ToolChoice{Mode: llm.ToolNone}}},
		{"tool choice any", `{"contents":[{"parts":[{"text":"hi"}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY"}}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, ToolChoice: &llm.ToolChoice{Mode: llm.ToolRequired}}},
		{"tool choice named", `{"contents":[{"parts":[{"text":"hi"}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY","allowed_function_names":["f"]}}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, ToolChoice: &llm.ToolChoice{Mode: llm.ToolNamed, Name: "f"}}},
		{"tool choice validated, by number", `{"contents":[{"parts":[{"text":"hi"}]}],"toolConfig":{"functionCallingConfig":{"mode":4}}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, ToolChoice: &llm.ToolChoice{Mode: llm.ToolAuto}}},
		{"generation config", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"temperature":0.2,"top_p":0.9,"topK":40,"maxOutputTokens":"100","stopSequences":["a","b"],"seed":7,"presencePenalty":0.5,"frequency_penalty":-0.5,"candidateCount":1,"responseLogprobs":true}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, Temperature: ptr(0.2), TopP: ptr(0.9), TopK: ptr(40), MaxTokens: ptr(100),
				Stop: []string{"a", "b"}, Seed: ptr(int64(7)), PresencePenalty: ptr(0.5), FrequencyPenalty: ptr(-0.5),
				Extra: map[string]json.RawMessage{"generationConfig": json.RawMessage(`{"responseLogprobs":true}`)}}},
		{"json mode", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"responseMimeType":"application/json"}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, ResponseFormat: &llm.ResponseFormat{Type: "json_object"}}},
		{"response schema", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"response_mime_type":"application/json","responseSchema":{"type":"ARRAY","items":{"type":"STRING"}}}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, ResponseFormat: &llm.ResponseFormat{Type: "json_schema", Schema: json.RawMessage(`{"type":"array","items":{"type":"string"}}`)}}},
		{"response json schema", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"responseMimeType":"application/json","responseJsonSchema":{"type":"object","additionalProperties":false}}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, ResponseFormat: &llm.ResponseFormat{Type: "json_schema", Schema: json.RawMessage(`{"type":"object","additionalProperties":false}`)}}},
		{"reasoning budget", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":1024,"includeThoughts":true}}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, Reasoning: &llm.Reasoning{BudgetTokens: 1024}}},
		{"reasoning off", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"thinking_config":{"thinking_budget":0}}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, Reasoning: &llm.Reasoning{Effort: "minimal"}}},
		{"reasoning level", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingLevel":"HIGH"}}}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, Reasoning: &llm.Reasoning{Effort: "high"}}},
		{"extras and nulls", `{"contents":[{"parts":[{"text":"hi"}]}],"safetySettings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}],"cached_content":"cachedContents/1","labels":{"a":"b"},"generationConfig":null,"tools":null}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: hi, Extra: map[string]json.RawMessage{
				"safetySettings": json.RawMessage(`[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}]`),
				"cachedContent":  json.RawMessage(`"cachedContents/1"`), "labels": json.RawMessage(`{"a":"b"}`)}}},
		{"escaped key and unicode", `{"contents":[{"parts":[{"te\u0078t":"h\u00e9 \"x\""}]}]}`, target,
			llm.Request{Model: "gemini-2.5-flash", Messages: []llm.Message{user(text(`hé "x"`))}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New().DecodeRequest([]byte(tt.body), tt.target)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := jsonOf(t, got), jsonOf(t, &tt.want); g != w {
				t.Errorf("got\n%s\nwant\n%s", g, w)
			}
		})
	}
}

func TestDecodeRequestErrors(t *testing.T) {
	tests := []struct {
		name, body, param, msg string
	}{
		{"not json", `{"contents":`, "", "Invalid JSON payload received."},
		{"bad utf8", "{\"contents\":[{\"parts\":[{\"text\":\"\xff\"}]}]}", "", "not valid UTF-8"},
		{"not an object", `[]`, "", "must be a JSON object"},
		{"null", `null`, "", "must be a JSON object"},
		{"unknown top-level", `{"contents":[{"parts":[{"text":"hi"}]}],"foo":1}`, "foo", `Invalid JSON payload received. Unknown name "foo": Cannot find field.`},
		{"unknown nested", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"max_tokens":1}}`, "generation_config.max_tokens", `Unknown name "max_tokens" at 'generation_config': Cannot find field.`},
		{"unknown in part", `{"contents":[{"parts":[{"text":"hi","type":"text"}]}]}`, "contents[0].parts[0].type", `Unknown name "type" at 'contents[0].parts[0]'`},
		{"no contents", `{}`, "contents", "contents is not specified"},
		{"empty contents", `{"contents":[]}`, "contents", "contents is not specified"},
		{"no model", `{"contents":[{"parts":[{"text":"hi"}]}]}`, "model", "model is required"},
		{"assistant role", `{"contents":[{"role":"assistant","parts":[{"text":"hi"}]}]}`, "contents[0].role", "Please use a valid role: user, model."},
		{"no parts", `{"contents":[{"role":"user"}]}`, "contents[0].parts", "must not be empty"},
		{"empty part", `{"contents":[{"parts":[{}]}]}`, "contents[0].parts[0].data", "required oneof field 'data'"},
		{"two data fields", `{"contents":[{"parts":[{"text":"a","inlineData":{"mimeType":"image/png","data":"AA=="}}]}]}`, "contents[0].parts[0].inlineData", "Oneof field 'data' is already set"},
		{"empty text", `{"contents":[{"parts":[{"text":""}]}]}`, "contents[0].parts[0].text", "empty text parameter"},
		{"text not a string", `{"contents":[{"parts":[{"text":1}]}]}`, "contents[0].parts[0].text", "(TYPE_STRING), 1"},
		{"contents not array", `{"contents":{"parts":[]}}`, "contents", "Invalid value at 'contents'"},
		{"bad base64", `{"contents":[{"parts":[{"inlineData":{"mimeType":"image/png","data":"not base64!"}}]}]}`, "contents[0].parts[0].inline_data.data", "TYPE_BYTES"},
		{"no mime type", `{"contents":[{"parts":[{"inlineData":{"data":"AAAA"}}]}]}`, "contents[0].parts[0].inline_data.mime_type", "mimeType is required"},
		{"no file uri", `{"contents":[{"parts":[{"fileData":{"mimeType":"image/png"}}]}]}`, "contents[0].parts[0].file_data.file_uri", "fileUri is required"},
		{"call in user turn", `{"contents":[{"parts":[{"functionCall":{"name":"f"}}]}]}`, "contents[0].parts[0].function_call", "role \"model\""},
		{"response in model turn", `{"contents":[{"role":"model","parts":[{"functionResponse":{"name":"f","response":{}}}]}]}`, "contents[0].parts[0].function_response", "role \"user\""},
		{"call without name", `{"contents":[{"role":"model","parts":[{"functionCall":{"args":{}}}]}]}`, "contents[0].parts[0].function_call.name", "Name cannot be empty"},
		{"args not object", `{"contents":[{"role":"model","parts":[{"functionCall":{"name":"f","args":"{}"}}]}]}`, "contents[0].parts[0].function_call.args", "google.protobuf.Struct"},
		{"response without name", `{"contents":[{"parts":[{"functionResponse":{"response":{}}}]}]}`, "contents[0].parts[0].function_response.name", "Name cannot be empty"},
		{"response not object", `{"contents":[{"parts":[{"functionResponse":{"name":"f","response":"ok"}}]}]}`, "contents[0].parts[0].function_response.response", "google.protobuf.Struct"},
		{"executable code", `{"contents":[{"role":"model","parts":[{"executableCode":{"code":"x"}}]}]}`, "contents[0].parts[0].executableCode", "not supported by this gateway"},
		{"system with image", `{"systemInstruction":{"parts":[{"inlineData":{}}]},"contents":[{"parts":[{"text":"hi"}]}]}`, "system_instruction.parts[0].inlineData", "only text parts"},
		{"bad function name", `{"contents":[{"parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"get weather"}]}]}`, "tools[0].function_declarations[0].name", "Invalid function name"},
		{"unknown tool", `{"contents":[{"parts":[{"text":"hi"}]}],"tools":[{"type":"function"}]}`, "tools[0].type", "Cannot find field"},
		{"bad mode", `{"contents":[{"parts":[{"text":"hi"}]}],"toolConfig":{"functionCallingConfig":{"mode":"REQUIRED"}}}`, "tool_config.function_calling_config.mode", "FunctionCallingConfig.Mode"},
		{"temperature type", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"temperature":"hot"}}`, "generation_config.temperature", "(TYPE_FLOAT)"},
		{"temperature range", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"temperature":3}}`, "generation_config.temperature", "between 0.0 and 2.0"},
		{"top k fraction", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"topK":1.5}}`, "generation_config.top_k", "(TYPE_INT32)"},
		{"too many stops", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"stopSequences":["1","2","3","4","5","6"]}}`, "generation_config.stop_sequences", "at most 5"},
		{"candidates", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"candidateCount":2}}`, "generation_config.candidate_count", "one candidate"},
		{"schema without json", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"responseSchema":{"type":"STRING"}}}`, "generation_config.response_mime_type", "application/json"},
		{"bad thinking level", `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingLevel":"max"}}}`, "generation_config.thinking_config.thinking_level", "ThinkingLevel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target
			if tt.name == "no model" {
				tg = protocol.Target{}
			}
			_, err := New().DecodeRequest([]byte(tt.body), tg)
			e, ok := err.(*switchboard.Error)
			if !ok {
				t.Fatalf("err = %v, want *switchboard.Error", err)
			}
			if e.Code != switchboard.EINVALID || e.Param != tt.param || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("got code %q param %q message %q; want param %q message containing %q", e.Code, e.Param, e.Message, tt.param, tt.msg)
			}
		})
	}
}

func TestParsePath(t *testing.T) {
	for _, tt := range []struct{ path, model, method string }{
		{"/v1beta/models/gemini-2.5-flash:generateContent", "gemini-2.5-flash", "generateContent"},
		{"/v1beta/models/gemini-2.5-flash:streamGenerateContent", "gemini-2.5-flash", "streamGenerateContent"},
		{"/v1/models/gemini-1.5-pro-002:generateContent", "gemini-1.5-pro-002", "generateContent"},
		{"/v1beta/models/gemini-2.5-flash", "", ""},
		{"/v1beta/models/:generateContent", "", ""},
		{"/v1beta/models/a/b:generateContent", "", ""},
		{"/v1/chat/completions", "", ""},
	} {
		m, meth, ok := ParsePath(tt.path)
		if m != tt.model || meth != tt.method || ok != (tt.model != "") {
			t.Errorf("ParsePath(%q) = %q, %q, %v", tt.path, m, meth, ok)
		}
	}
}
