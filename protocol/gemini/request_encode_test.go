package gemini

import (
	"encoding/json"
	"strings"
	"testing"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
)

func TestEncodeRequest(t *testing.T) {
	tests := []struct {
		name  string
		model string
		req   llm.Request
		want  string
	}{
		{"text and system", "gemini-2.5-flash", llm.Request{Model: "gpt-x", System: []string{"Be brief.", ""}, Messages: []llm.Message{user(text("hi"))}, User: "u1", Stream: true},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"systemInstruction":{"parts":[{"text":"Be brief."}]}}`},
		{"sampling and stop", "gemini-2.5-flash", llm.Request{Messages: []llm.Message{user(text("hi"))},
			MaxTokens: ptr(100), Temperature: ptr(0.7), TopP: ptr(0.9), TopK: ptr(40), Seed: ptr(int64(3)), PresencePenalty: ptr(0.1), FrequencyPenalty: ptr(0.2), Stop: []string{"x", "y"}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"stopSequences":["x","y"],"maxOutputTokens":100,"temperature":0.7,"topP":0.9,"topK":40,"seed":3,"presencePenalty":0.1,"frequencyPenalty":0.2}}`},
		{"tool round trip, merged turns, empty text dropped", "gemini-2.5-flash", llm.Request{
			Messages: []llm.Message{
				user(text("weather?")),
				model(text(""), call("call_1", "get_weather", `{"city": "Paris"}`), call("call_2", "get_weather", "")),
				user(result("call_1", "get_weather", "sunny")),
				user(result("call_2", "get_weather", `{"temp": 20}`), llm.Part{Kind: llm.PartToolResult, ToolResult: &llm.ToolResult{CallID: "call_3", Name: "f", Content: "boom", IsError: true}}),
			},
			Tools: []llm.Tool{
				{Name: "get_weather", Description: "Weather", Parameters: json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`)},
				{Name: "strict", Parameters: json.RawMessage(`{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`), Strict: ptr(true)},
				{Name: "noargs", Parameters: json.RawMessage(`{"type":"object","properties":{}}`)},
				{Name: "nothing"},
			},
			ToolChoice:        &llm.ToolChoice{Mode: llm.ToolNamed, Name: "get_weather"},
			ParallelToolCalls: ptr(false),
		},
			`{"contents":[{"role":"user","parts":[{"text":"weather?"}]},` +
				`{"role":"model","parts":[{"functionCall":{"id":"call_1","name":"get_weather","args":{"city":"Paris"}}},{"functionCall":{"id":"call_2","name":"get_weather","args":{}}}]},` +
				`{"role":"user","parts":[{"functionResponse":{"id":"call_1","name":"get_weather","response":{"output":"sunny"}}},{"functionResponse":{"id":"call_2","name":"get_weather","response":{"temp":20}}},{"functionResponse":{"id":"call_3","name":"f","response":{"error":"boom"}}}]}],` +
				`"tools":[{"functionDeclarations":[{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},` +
				`{"name":"strict","parametersJsonSchema":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}},{"name":"noargs"},{"name":"nothing"}]}],` +
				`"toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}}}`},
		{"tool choice modes: required", "m", llm.Request{Messages: []llm.Message{user(text("hi"))}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolRequired}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY"}}}`},
		{"tool choice modes: none", "m", llm.Request{Messages: []llm.Message{user(text("hi"))}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolNone}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"toolConfig":{"functionCallingConfig":{"mode":"NONE"}}}`},
		{"tool choice modes: auto", "m", llm.Request{Messages: []llm.Message{user(text("hi"))}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolAuto}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"toolConfig":{"functionCallingConfig":{"mode":"AUTO"}}}`},
		{"images", "m", llm.Request{Messages: []llm.Message{user(
			llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/png", Data: "iVBORw0KGgo="}},
			llm.Part{Kind: llm.PartImage, Image: &llm.Image{Data: "R0lGODlh"}},
			llm.Part{Kind: llm.PartImage, Image: &llm.Image{URL: "data:image/webp;base64,UklGRg=="}},
			llm.Part{Kind: llm.PartImage, Image: &llm.Image{URL: "https://example.com/cat.PNG?x=1", Detail: "high"}},
			llm.Part{Kind: llm.PartImage, Image: &llm.Image{URL: "https://example.com/photo"}},
		)}},
			`{"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},{"inlineData":{"mimeType":"image/gif","data":"R0lGODlh"}},` +
				`{"inlineData":{"mimeType":"image/webp","data":"UklGRg=="}},{"fileData":{"mimeType":"image/png","fileUri":"https://example.com/cat.PNG?x=1"}},{"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/photo"}}]}]}`},
		{"json object", "m", llm.Request{Messages: []llm.Message{user(text("hi"))}, ResponseFormat: &llm.ResponseFormat{Type: "json_object"}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"responseMimeType":"application/json"}}`},
		{"json schema", "m", llm.Request{Messages: []llm.Message{user(text("hi"))}, ResponseFormat: &llm.ResponseFormat{Type: "json_schema", Name: "x", Schema: json.RawMessage(`{"type":"object","additionalProperties":false}`), Strict: ptr(true)}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"responseMimeType":"application/json","responseJsonSchema":{"type":"object","additionalProperties":false}}}`},
		{"reasoning budget", "gemini-2.5-flash", llm.Request{Messages: []llm.Message{user(text("hi"))}, Reasoning: &llm.Reasoning{BudgetTokens: 2000, Effort: "high"}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true,"thinkingBudget":2000}}}`},
		{"reasoning effort on 2.5", "gemini-2.5-flash", llm.Request{Messages: []llm.Message{user(text("hi"))}, Reasoning: &llm.Reasoning{Effort: "medium"}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true,"thinkingBudget":8192}}}`},
		{"reasoning minimal on 2.5 flash is off", "gemini-2.5-flash", llm.Request{Messages: []llm.Message{user(text("hi"))}, Reasoning: &llm.Reasoning{Effort: "minimal"}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":0}}}`},
		{"reasoning minimal on 2.5 pro", "gemini-2.5-pro", llm.Request{Messages: []llm.Message{user(text("hi"))}, Reasoning: &llm.Reasoning{Effort: "minimal"}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true,"thinkingBudget":128}}}`},
		{"reasoning effort on 3", "models/gemini-3-pro-preview", llm.Request{Messages: []llm.Message{user(text("hi"))}, Reasoning: &llm.Reasoning{Effort: "low"}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true,"thinkingLevel":"LOW"}}}`},
		{"thinking and signatures passed back", "gemini-3-pro-preview", llm.Request{Messages: []llm.Message{user(text("q")), model(
			llm.Part{Kind: llm.PartThinking, Text: "plan", Signature: "c2ln"},
			llm.Part{Kind: llm.PartText, Text: "", Signature: "QUJD"},
			llm.Part{Kind: llm.PartToolCall, Signature: "ZGVm", ToolCall: &llm.ToolCall{ID: "a", Name: "f", Args: json.RawMessage(`{}`)}},
			llm.Part{Kind: llm.PartThinking, Text: "anthropic", Signature: "not base64!"},
		)}},
			`{"contents":[{"role":"user","parts":[{"text":"q"}]},{"role":"model","parts":[{"text":"plan","thought":true,"thoughtSignature":"c2ln"},{"text":"","thoughtSignature":"QUJD"},{"functionCall":{"id":"a","name":"f","args":{}},"thoughtSignature":"ZGVm"},{"text":"anthropic","thought":true}]}]}`},
		{"gemini 3 needs a signature on function calls", "gemini-3-flash-preview", llm.Request{Messages: []llm.Message{user(text("q")), model(call("a", "f", `{}`), call("b", "f", `{}`)), user(result("a", "f", "x"), result("b", "f", "y"))}},
			`{"contents":[{"role":"user","parts":[{"text":"q"}]},{"role":"model","parts":[{"functionCall":{"id":"a","name":"f","args":{}},"thoughtSignature":"skip_thought_signature_validator"},{"functionCall":{"id":"b","name":"f","args":{}}}]},` +
				`{"role":"user","parts":[{"functionResponse":{"id":"a","name":"f","response":{"output":"x"}}},{"functionResponse":{"id":"b","name":"f","response":{"output":"y"}}}]}]}`},
		{"gemini extras passed through", "m", llm.Request{Messages: []llm.Message{user(text("hi"))}, MaxTokens: ptr(5), ToolChoice: &llm.ToolChoice{Mode: llm.ToolAuto},
			Extra: map[string]json.RawMessage{
				"safetySettings": json.RawMessage(`[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}]`), "cachedContent": json.RawMessage(`"cachedContents/1"`),
				"labels": json.RawMessage(`{"a":"b"}`), "tools": json.RawMessage(`[{"googleSearch":{}}]`), "toolConfig": json.RawMessage(`{"retrievalConfig":{}}`),
				"generationConfig": json.RawMessage(`{"responseModalities":["TEXT"]}`), "metadata": json.RawMessage(`{"x":1}`), "store": json.RawMessage(`true`)}},
			`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"googleSearch":{}}],"toolConfig":{"functionCallingConfig":{"mode":"AUTO"},"retrievalConfig":{}},` +
				`"safetySettings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}],"generationConfig":{"maxOutputTokens":5,"responseModalities":["TEXT"]},"cachedContent":"cachedContents/1","labels":{"a":"b"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New().EncodeRequest(&tt.req, tt.model)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestEncodeRequestErrors(t *testing.T) {
	for _, tt := range []struct {
		name, param, msg string
		req              llm.Request
	}{
		{"too many stops", "stop", "at most 5", llm.Request{Messages: []llm.Message{user(text("hi"))}, Stop: []string{"1", "2", "3", "4", "5", "6"}}},
		{"args not an object", "messages[0].content[0]", "not a JSON object", llm.Request{Messages: []llm.Message{model(call("a", "f", `"x"`))}}},
		{"result without name", "messages[0].content[0]", "does not name its function", llm.Request{Messages: []llm.Message{user(result("a", "", "x"))}}},
		{"nothing to send", "messages", "no content", llm.Request{Messages: []llm.Message{user(text(""))}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New().EncodeRequest(&tt.req, "m")
			e, ok := err.(*switchboard.Error)
			if !ok || e.Code != switchboard.EINVALID || e.Param != tt.param || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("err = %#v", err)
			}
		})
	}
}

// TestRequestRoundTrip checks decode(encode(x)) == x for canonical requests
// in the form the Gemini decoder produces.
func TestRequestRoundTrip(t *testing.T) {
	reqs := []llm.Request{
		{Model: "m", System: []string{"sys"}, Messages: []llm.Message{user(text("hi"))}},
		{Model: "m", Messages: []llm.Message{
			user(text("weather?"), llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/png", Data: "iVBORw0KGgo="}},
				llm.Part{Kind: llm.PartImage, Image: &llm.Image{MediaType: "image/jpeg", URL: "gs://b/x.jpg"}}),
			model(llm.Part{Kind: llm.PartThinking, Text: "t", Signature: "c2ln"}, text("ok"),
				llm.Part{Kind: llm.PartToolCall, Signature: "AAAA", ToolCall: &llm.ToolCall{ID: "c1", Name: "f", Args: json.RawMessage(`{"a":1}`)}},
				call("c2", "g", `{}`)),
			user(result("c1", "f", "sunny"), result("c2", "g", `{"x":[1,2]}`),
				llm.Part{Kind: llm.PartToolResult, ToolResult: &llm.ToolResult{CallID: "c3", Name: "h", Content: `{"code":1}`, IsError: true}}),
		},
			Tools: []llm.Tool{
				{Name: "f", Description: "d", Parameters: json.RawMessage(`{"type":"object","properties":{"a":{"type":"integer"}}}`)},
				{Name: "g", Parameters: json.RawMessage(`{"type":"object","properties":{"a":{"const":1}}}`)},
				{Name: "h"},
			},
			ToolChoice: &llm.ToolChoice{Mode: llm.ToolNamed, Name: "f"},
			MaxTokens:  ptr(10), Temperature: ptr(1.5), TopP: ptr(0.5), TopK: ptr(3), Seed: ptr(int64(9)),
			PresencePenalty: ptr(0.25), FrequencyPenalty: ptr(0.5), Stop: []string{"END"},
			ResponseFormat: &llm.ResponseFormat{Type: "json_schema", Schema: json.RawMessage(`{"type":"object"}`)},
			Reasoning:      &llm.Reasoning{BudgetTokens: 512},
			Extra: map[string]json.RawMessage{"safetySettings": json.RawMessage(`[]`), "tools": json.RawMessage(`[{"googleSearch":{}}]`),
				"generationConfig": json.RawMessage(`{"responseLogprobs":true}`)},
		},
		{Model: "m", Messages: []llm.Message{user(text("hi"))}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolRequired}, ResponseFormat: &llm.ResponseFormat{Type: "json_object"}, Reasoning: &llm.Reasoning{Effort: "minimal"}},
		{Model: "m", Messages: []llm.Message{user(text("hi"))}, ToolChoice: &llm.ToolChoice{Mode: llm.ToolNone}, Reasoning: &llm.Reasoning{}},
	}
	for i, want := range reqs {
		body, err := New().EncodeRequest(&want, "gemini-2.5-flash")
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		got, err := New().DecodeRequest(body, protocol.Target{Model: "m"})
		if err != nil {
			t.Fatalf("%d: %v\n%s", i, err, body)
		}
		if g, w := jsonOf(t, got), jsonOf(t, &want); g != w {
			t.Errorf("%d: body %s\ngot\n%s\nwant\n%s", i, body, g, w)
		}
	}
}
