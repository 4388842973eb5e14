package fakeprovider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

// post sends a raw request through the handler and returns status, headers
// and body.
func post(t testing.TB, h http.Handler, vendor, path, body string) (int, http.Header, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	switch vendor {
	case fakeprovider.OpenAI:
		r.Header.Set("Authorization", "Bearer k")
	case fakeprovider.Anthropic:
		r.Header.Set("X-Api-Key", "k")
		r.Header.Set("Anthropic-Version", "2023-06-01")
	case fakeprovider.Gemini:
		r.Header.Set("X-Goog-Api-Key", "k")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Header(), w.Body.String()
}

const (
	oaPath = "/v1/chat/completions"
	anPath = "/v1/messages"
	gmPath = "/v1beta/models/gemini-2.5-flash:generateContent"
)

func TestValidationErrors(t *testing.T) {
	s := fakeprovider.New(fakeprovider.Options{NoRecord: true})
	const oaMsgs = `"messages":[{"role":"user","content":"hi"}]`
	const anBase = `"model":"c","max_tokens":10`
	cases := []struct {
		name, vendor, path, body string
		status                   int
		want                     string // the exact body
	}{
		{"openai unknown field", "openai", oaPath, `{"model":"m",` + oaMsgs + `,"foo":1}`, 400,
			`{"error":{"message":"Unrecognized request argument supplied: foo","type":"invalid_request_error","param":null,"code":null}}`},
		{"openai missing messages", "openai", oaPath, `{"model":"m"}`, 400,
			`{"error":{"message":"Missing required parameter: 'messages'.","type":"invalid_request_error","param":"messages","code":"missing_required_parameter"}}`},
		{"openai missing model", "openai", oaPath, `{` + oaMsgs + `}`, 400,
			`{"error":{"message":"you must provide a model parameter","type":"invalid_request_error","param":null,"code":null}}`},
		{"openai bad role", "openai", oaPath, `{"model":"m","messages":[{"role":"bot","content":"hi"}]}`, 400,
			`{"error":{"message":"Invalid value: 'bot'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.","type":"invalid_request_error","param":"messages[0].role","code":"invalid_value"}}`},
		{"openai message not object", "openai", oaPath, `{"model":"m","messages":["hi"]}`, 400,
			`{"error":{"message":"Invalid type for 'messages[0]': expected an object, but got a string instead.","type":"invalid_request_error","param":"messages[0]","code":"invalid_type"}}`},
		{"openai orphan tool message", "openai", oaPath, `{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"c1","content":"x"}]}`, 400,
			`{"error":{"message":"Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.","type":"invalid_request_error","param":"messages.[1].role","code":null}}`},
		{"openai unanswered tool call", "openai", oaPath, `{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"c2","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"x"},{"role":"user","content":"and?"}]}`, 400,
			`{"error":{"message":"An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: c2","type":"invalid_request_error","param":"messages.[1].role","code":null}}`},
		{"openai stream_options without stream", "openai", oaPath, `{"model":"m",` + oaMsgs + `,"stream_options":{"include_usage":true}}`, 400,
			`{"error":{"message":"The 'stream_options' parameter is only allowed when 'stream' is enabled.","type":"invalid_request_error","param":"stream_options","code":null}}`},
		{"openai flat tool", "openai", oaPath, `{"model":"m",` + oaMsgs + `,"tools":[{"type":"function","name":"f"}]}`, 400,
			`{"error":{"message":"Missing required parameter: 'tools[0].function'.","type":"invalid_request_error","param":"tools[0].function","code":"missing_required_parameter"}}`},
		{"openai temperature", "openai", oaPath, `{"model":"m",` + oaMsgs + `,"temperature":2.5}`, 400,
			`{"error":{"message":"Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.","type":"invalid_request_error","param":"temperature","code":"decimal_above_max_value"}}`},

		{"anthropic unknown field", "anthropic", anPath, `{` + anBase + `,"messages":[{"role":"user","content":"hi"}],"foo":1}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"foo: Extra inputs are not permitted"},"request_id":"REQ"}`},
		{"anthropic max_tokens required", "anthropic", anPath, `{"model":"c","messages":[{"role":"user","content":"hi"}]}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"},"request_id":"REQ"}`},
		{"anthropic temperature", "anthropic", anPath, `{` + anBase + `,"temperature":1.5,"messages":[{"role":"user","content":"hi"}]}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"temperature: Input should be less than or equal to 1"},"request_id":"REQ"}`},
		{"anthropic system role", "anthropic", anPath, `{` + anBase + `,"messages":[{"role":"user","content":"hi"},{"role":"system","content":"x"}]}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"messages.1.role: Input should be 'user' or 'assistant'"},"request_id":"REQ"}`},
		{"anthropic empty text", "anthropic", anPath, `{` + anBase + `,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"messages: text content blocks must be non-empty"},"request_id":"REQ"}`},
		{"anthropic input_schema required", "anthropic", anPath, `{` + anBase + `,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f"}]}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"tools.0.custom.input_schema: Field required"},"request_id":"REQ"}`},
		{"anthropic input_schema object", "anthropic", anPath, `{` + anBase + `,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":{"type":"string"}}]}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"tools.0.custom.input_schema.type: Input should be 'object'"},"request_id":"REQ"}`},
		{"anthropic tool_use id", "anthropic", anPath, `{` + anBase + `,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"bad id","name":"f","input":{}}]}]}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"messages.1.content.0.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'"},"request_id":"REQ"}`},
		{"anthropic unanswered tool_use", "anthropic", anPath, `{` + anBase + `,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},{"role":"user","content":"next"}]}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"messages.2: ` + "`tool_use` ids were found without `tool_result` blocks immediately after: t1. Each `tool_use` block must have a corresponding `tool_result` block in the next message." + `"},"request_id":"REQ"}`},
		{"anthropic orphan tool_result", "anthropic", anPath, `{` + anBase + `,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t9","content":"x"}]}]}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"messages.0.content.0: unexpected ` + "`tool_use_id` found in `tool_result` blocks: t9. Each `tool_result` block must have a corresponding `tool_use` block in the previous message." + `"},"request_id":"REQ"}`},
		{"anthropic image type", "anthropic", anPath, `{` + anBase + `,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"AA=="}}]}]}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"messages.0.content.0.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"},"request_id":"REQ"}`},
		{"anthropic first message", "anthropic", anPath, `{` + anBase + `,"messages":[{"role":"assistant","content":"hi"}]}`, 400,
			`{"type":"error","error":{"type":"invalid_request_error","message":"messages: first message must use the \"user\" role"},"request_id":"REQ"}`},

		{"gemini unknown top-level", "gemini", gmPath, `{"contents":[{"parts":[{"text":"hi"}]}],"foo":1}`, 400,
			`{"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \"foo\": Cannot find field.","status":"INVALID_ARGUMENT"}}`},
		{"gemini unknown in part", "gemini", gmPath, `{"contents":[{"role":"user","parts":[{"text":"hi","bogus":1}]}]}`, 400,
			`{"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \"bogus\" at 'contents[0].parts[0]': Cannot find field.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"description":"Invalid JSON payload received. Unknown name \"bogus\" at 'contents[0].parts[0]': Cannot find field.","field":"contents[0].parts[0]"}]}]}}`},
		{"gemini unknown in generation_config", "gemini", gmPath, `{"contents":[{"parts":[{"text":"hi"}]}],"generation_config":{"max_tokens":5}}`, 400,
			`{"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \"max_tokens\" at 'generation_config': Cannot find field.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"description":"Invalid JSON payload received. Unknown name \"max_tokens\" at 'generation_config': Cannot find field.","field":"generation_config"}]}]}}`},
		{"gemini bad role", "gemini", gmPath, `{"contents":[{"role":"assistant","parts":[{"text":"hi"}]}]}`, 400,
			`{"error":{"code":400,"message":"Please use a valid role: user, model.","status":"INVALID_ARGUMENT"}}`},
		{"gemini additionalProperties", "gemini", gmPath, `{"contents":[{"parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"object","additionalProperties":false}}]}]}`, 400,
			`{"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \"additionalProperties\" at 'tools[0].function_declarations[0].parameters': Cannot find field.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"description":"Invalid JSON payload received. Unknown name \"additionalProperties\" at 'tools[0].function_declarations[0].parameters': Cannot find field.","field":"tools[0].function_declarations[0].parameters"}]}]}}`},
		{"gemini two data fields", "gemini", gmPath, `{"contents":[{"parts":[{"text":"hi","functionCall":{"name":"f"}}]}]}`, 400,
			`{"error":{"code":400,"message":"Invalid JSON payload received. Oneof field 'data' is already set. Cannot set 'functionCall'","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"description":"Invalid JSON payload received. Oneof field 'data' is already set. Cannot set 'functionCall'","field":"contents[0].parts[0]"}]}]}}`},
		{"gemini functionResponse name", "gemini", gmPath, `{"contents":[{"parts":[{"functionResponse":{"response":{}}}]}]}`, 400,
			`{"error":{"code":400,"message":"* GenerateContentRequest.contents[0].parts[0].function_response.name: Name cannot be empty.\n","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"description":"* GenerateContentRequest.contents[0].parts[0].function_response.name: Name cannot be empty.\n","field":"contents[0].parts[0].function_response.name"}]}]}}`},
		{"gemini stop sequences", "gemini", gmPath, `{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"stopSequences":["a","b","c","d","e","f"]}}`, 400,
			`{"error":{"code":400,"message":"* GenerateContentRequest.generation_config.stop_sequences: stop_sequences must have at most 5 elements.\n","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"description":"* GenerateContentRequest.generation_config.stop_sequences: stop_sequences must have at most 5 elements.\n","field":"generation_config.stop_sequences"}]}]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := post(t, s, tc.vendor, tc.path, tc.body)
			want := strings.ReplaceAll(tc.want, "REQ", h.Get("Request-Id"))
			if status != tc.status || body != want {
				t.Fatalf("got %d\n%s\nwant %d\n%s", status, body, tc.status, want)
			}
			if ct := h.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("content-type %q", ct)
			}
		})
	}
}

func TestValidRequestsAccepted(t *testing.T) {
	s := fakeprovider.New(fakeprovider.Options{NoRecord: true})
	cases := []struct{ vendor, path, body string }{
		{"openai", oaPath, `{"model":"m","messages":[{"role":"developer","content":[{"type":"text","text":"x"}]},{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}],"tools":[{"type":"function","function":{"name":"f"}}],"stream":false}`},
		{"anthropic", anPath, `{"model":"c","max_tokens":50,"system":"s","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"ok"}]}]}],"tools":[{"name":"f","input_schema":{"type":"object"}}]}`},
		{"gemini", gmPath, `{"model":"models/x","system_instruction":{"parts":[{"text":"s"}]},"contents":[{"role":"user","parts":[{"text":"hi"}]},{"role":"model","parts":[{"function_call":{"name":"f","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"f","response":{"a":1}}}]}],"generation_config":{"max_output_tokens":50,"stop_sequences":["x"]},"tools":[{"function_declarations":[{"name":"f","parameters":{"type":"OBJECT","properties":{"a":{"type":"STRING"}}}}]}]}`},
	}
	for _, tc := range cases {
		status, _, body := post(t, s, tc.vendor, tc.path, tc.body)
		if status != 200 || !strings.Contains(body, "The tool returned:") {
			t.Errorf("%s: %d %s", tc.vendor, status, body)
		}
	}
}

func TestAuth(t *testing.T) {
	s := fakeprovider.New(fakeprovider.Options{})
	do := func(path string, hdr map[string]string) (int, string) {
		r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(`{}`))
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w.Code, w.Body.String()
	}
	if code, body := do(anPath, map[string]string{"X-Api-Key": "k"}); code != 400 || !strings.Contains(body, "anthropic-version: header is required") {
		t.Errorf("anthropic without version: %d %s", code, body)
	}
	if code, body := do(anPath, nil); code != 401 || !strings.Contains(body, `"authentication_error"`) {
		t.Errorf("anthropic without key: %d %s", code, body)
	}
	if code, body := do(oaPath, nil); code != 401 || !strings.Contains(body, `"invalid_request_error"`) {
		t.Errorf("openai without key: %d %s", code, body)
	}
	if code, body := do(gmPath, nil); code != 403 || !strings.Contains(body, `"PERMISSION_DENIED"`) {
		t.Errorf("gemini without key: %d %s", code, body)
	}
	if code, _ := do(gmPath+"?key=k", nil); code != 400 { // authorised; the body has no contents
		t.Errorf("gemini ?key=: %d", code)
	}
}

func TestStreamWireFormat(t *testing.T) {
	s := fakeprovider.New(fakeprovider.Options{Chunks: 2})
	_, h, body := post(t, s, "anthropic", anPath, `{"model":"c","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi you"}]}`)
	if h.Get("Content-Type") != "text/event-stream; charset=utf-8" {
		t.Fatalf("content-type %q", h.Get("Content-Type"))
	}
	id := "msg_" + strings.SplitN(strings.SplitN(body, `"id":"msg_`, 2)[1], `"`, 2)[0]
	want := `event: message_start
data: {"type":"message_start","message":{"id":"` + id + `","type":"message","role":"assistant","model":"c","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1,"service_tier":"standard"}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: ping
data: {"type":"ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Simulated reply from "}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"c (anthropic): hi you"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}}

event: message_stop
data: {"type":"message_stop"}

`
	if body != want {
		t.Fatalf("anthropic stream:\n%s\nwant\n%s", body, want)
	}

	_, h, body = post(t, s, "gemini", "/v1beta/models/g:streamGenerateContent?alt=sse", `{"contents":[{"parts":[{"text":"hi you"}]}]}`)
	if h.Get("Content-Type") != "text/event-stream" || strings.Count(body, "data: ") != 2 || !strings.HasSuffix(body, "}\r\n\r\n") ||
		strings.Contains(body, "event:") || strings.Contains(body, "[DONE]") {
		t.Fatalf("gemini stream: %q", body)
	}
	_, h, body = post(t, s, "gemini", "/v1beta/models/g:streamGenerateContent", `{"contents":[{"parts":[{"text":"hi you"}]}]}`)
	var arr []map[string]any
	if err := json.Unmarshal([]byte(body), &arr); err != nil || len(arr) != 2 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("gemini array stream: %v %q", err, body)
	}

	_, _, body = post(t, s, "openai", oaPath, `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi you"}]}`)
	lines := strings.Split(strings.TrimSuffix(body, "\n\n"), "\n\n")
	if lines[len(lines)-1] != "data: [DONE]" || strings.Contains(body, "event:") || strings.Contains(body, `"usage"`) {
		t.Fatalf("openai stream: %q", body)
	}
	if strings.Count(body, `"finish_reason":"stop"`) != 1 {
		t.Fatalf("finish_reason not exactly once: %q", body)
	}
}

func TestDeterministic(t *testing.T) {
	bodies := map[string][2]string{
		"openai":    {oaPath, `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"weather in parallel"}],"tools":[{"type":"function","function":{"name":"w","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}`},
		"anthropic": {anPath, `{"model":"c","max_tokens":9,"messages":[{"role":"user","content":"some words here"}]}`},
		"gemini":    {gmPath, `{"contents":[{"parts":[{"text":"some words here"}]}]}`},
	}
	for vendor, pb := range bodies {
		_, _, a := post(t, fakeprovider.New(fakeprovider.Options{}), vendor, pb[0], pb[1])
		_, _, b := post(t, fakeprovider.New(fakeprovider.Options{}), vendor, pb[0], pb[1])
		if a != b || !strings.Contains(a, "Simulated") && !strings.Contains(a, "tool_calls") {
			t.Errorf("%s: not deterministic or wrong:\n%s\n%s", vendor, a, b)
		}
	}
}

func TestFailTimesWithSDKRetries(t *testing.T) {
	s, ts := fakeprovider.Start(fakeprovider.Options{})
	defer ts.Close()
	// SDK default retries (2), with the fake's retry-after honoured being
	// irrelevant for 500: the third attempt succeeds.
	c := openai.NewClient(option.WithBaseURL(ts.URL+"/v1/"), option.WithAPIKey("k"), option.WithMaxRetries(2))
	resp, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("retry me [[fake:fail_times=2,status=500]]")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; got != "Simulated reply from m (openai): retry me" {
		t.Fatalf("content %q", got)
	}
	if n := len(s.Requests()); n != 3 {
		t.Fatalf("upstream saw %d requests, want 3", n)
	}
	s.Reset()
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("after Reset: %d", n)
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	s := fakeprovider.New(fakeprovider.Options{})
	status, h, body := post(t, s, "anthropic", anPath, `{"model":"c","max_tokens":9,"messages":[{"role":"user","content":"x [[fake:status=429]]"}]}`)
	if status != 429 || h.Get("Retry-After") != "1" || !strings.Contains(body, `"rate_limit_error"`) {
		t.Fatalf("%d %v %s", status, h, body)
	}
}

func TestDisconnectAfter(t *testing.T) {
	c, _ := openAIClient(t, fakeprovider.Options{})
	stream := c.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("a b c d e f [[fake:disconnect_after=2]]")},
	})
	n := 0
	for stream.Next() {
		n++
	}
	if stream.Err() == nil || n != 2 {
		t.Fatalf("want an error after 2 chunks, got %d chunks, err %v", n, stream.Err())
	}
	_, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x [[fake:disconnect_after=0]]")},
	})
	if err == nil {
		t.Fatal("non-streaming disconnect: no error")
	}
}

func TestChunksAndSlowMarkers(t *testing.T) {
	c, _ := openAIClient(t, fakeprovider.Options{})
	stream := c.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("one two three four five six seven eight nine ten [[fake:chunks=10,delay=1ms]] [[fake:slow_first_byte=5ms]]")},
	})
	n := 0
	var text strings.Builder
	for stream.Next() {
		ch := stream.Current()
		if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != "" {
			n++
			text.WriteString(ch.Choices[0].Delta.Content)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 10 || text.String() != "Simulated reply from m (openai): one two three four five six seven eight nine ten" {
		t.Fatalf("%d pieces: %q", n, text.String())
	}
}

func TestRecordingRing(t *testing.T) {
	s := fakeprovider.New(fakeprovider.Options{})
	for i := 0; i < fakeprovider.MaxRecorded+5; i++ {
		post(t, s, "openai", oaPath, `{"model":"m`+strings.Repeat("x", i%3)+`","messages":[{"role":"user","content":"hi"}]}`)
	}
	reqs := s.Requests()
	if len(reqs) != fakeprovider.MaxRecorded {
		t.Fatalf("recorded %d", len(reqs))
	}
	// The oldest kept is request #5 (0-based), whose model has 5%3=2 x's.
	if !bytes.Contains(reqs[0].Body, []byte(`"mxx"`)) {
		t.Fatalf("oldest = %s", reqs[0].Body)
	}
	off := fakeprovider.New(fakeprovider.Options{NoRecord: true})
	post(t, off, "openai", oaPath, `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if len(off.Requests()) != 0 {
		t.Fatal("NoRecord recorded")
	}
}

func TestListen(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, err := fakeprovider.New(fakeprovider.Options{}).Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/models", nil)
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"object":"list"`) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}

func TestUnknownRoute(t *testing.T) {
	s := fakeprovider.New(fakeprovider.Options{})
	status, _, _ := post(t, s, "", "/nope", `{}`)
	if status != 404 {
		t.Fatalf("status %d", status)
	}
}

func BenchmarkNonStreaming(b *testing.B) {
	s := fakeprovider.New(fakeprovider.Options{NoRecord: true})
	for _, tc := range []struct{ vendor, path, body string }{
		{"openai", oaPath, `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"Summarise the quarterly report in three sentences please."}],"max_completion_tokens":200}`},
		{"anthropic", anPath, `{"model":"claude","max_tokens":200,"system":"You are helpful.","messages":[{"role":"user","content":"Summarise the quarterly report in three sentences please."}]}`},
		{"gemini", gmPath, `{"systemInstruction":{"parts":[{"text":"You are helpful."}]},"contents":[{"role":"user","parts":[{"text":"Summarise the quarterly report in three sentences please."}]}]}`},
	} {
		b.Run(tc.vendor, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if status, _, _ := post(b, s, tc.vendor, tc.path, tc.body); status != 200 {
					b.Fatal(status)
				}
			}
		})
	}
}
