package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	aoption "github.com/anthropics/anthropic-sdk-go/option"
	"github.com/anthropics/anthropic-sdk-go/packages/ssestream"
	"github.com/openai/openai-go/v3"
	ooption "github.com/openai/openai-go/v3/option"
	"google.golang.org/genai"

	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/gateway"
)

// Answers are more than text: the arguments of a tool call and a model's
// thinking reach the client too, and are redacted like text.

// guardedGateway starts a gateway with guardConfig in front of up and
// returns its URL and audit database; the gateway is closed (and its audit
// flushed) by the returned function.
func guardedGateway(t *testing.T, up http.Handler) (string, string, func()) {
	t.Helper()
	srv := httptest.NewServer(up)
	t.Cleanup(srv.Close)
	return sqliteGateway(t, fmt.Sprintf(guardConfig, srv.URL, userKey))
}

// sqliteGateway starts a gateway on the configuration text raw with a
// SQLite store of its own, and returns its URL and database path; the
// returned function closes it, flushing its audit trail.
func sqliteGateway(t *testing.T, raw string) (string, string, func()) {
	t.Helper()
	cfg, err := config.Parse([]byte(raw), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "sb.db")
	cfg.Store = "sqlite:" + dbPath
	g, err := gateway.New(context.Background(), cfg, gateway.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gw := httptest.NewServer(g.Handler())
	return gw.URL, dbPath, func() {
		gw.Close()
		if err := g.Close(); err != nil {
			t.Error(err)
		}
	}
}

// toolCallOpenAI is an OpenAI upstream that answers with one call to
// file_record whose arguments are args: streamed in the given pieces, or
// whole when the request does not stream.
func toolCallOpenAI(pieces ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Stream bool }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		if !req.Stream {
			args, _ := json.Marshal(strings.Join(pieces, ""))
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4.1","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"file_record","arguments":%s}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}}`, args)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		chunk := func(delta, finish string) {
			fmt.Fprintf(w, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}\n\n", delta, finish)
			w.(http.Flusher).Flush()
		}
		chunk(`{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"file_record","arguments":""}}]}`, "null")
		for _, p := range pieces {
			args, _ := json.Marshal(p)
			chunk(fmt.Sprintf(`{"tool_calls":[{"index":0,"function":{"arguments":%s}}]}`, args), "null")
		}
		chunk(`{}`, `"tool_calls"`)
		fmt.Fprint(w, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9,\"total_tokens\":14}}\n\ndata: [DONE]\n\n")
	})
}

// The arguments, split inside the SSN and inside the phone number; the
// phone is a JSON number, which must come out as a string.
var recordArgs = []string{`{"name":"Ann","ssn":"536-2`, `2-1234","phone":20255`, `50143,"note":"call\nback"}`}

// checkRecordArgs fails t unless args is valid JSON with both values
// replaced and the rest intact.
func checkRecordArgs(t *testing.T, args string) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal([]byte(args), &got); err != nil {
		t.Fatalf("arguments %q are not valid JSON: %v", args, err)
	}
	want := map[string]any{"name": "Ann", "ssn": "[US_SSN]", "phone": "[PHONE_NUMBER]", "note": "call\nback"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("arguments %s: %s = %v, want %v", args, k, got[k], v)
		}
	}
}

func TestStreamedToolCallArgumentsAreRedacted(t *testing.T) {
	url, dbPath, stop := guardedGateway(t, toolCallOpenAI(recordArgs...))
	tool := openai.ChatCompletionFunctionTool(openai.FunctionDefinitionParam{Name: "file_record",
		Parameters: openai.FunctionParameters{"type": "object", "properties": map[string]any{}}})

	t.Run("openai", func(t *testing.T) {
		c := openai.NewClient(ooption.WithBaseURL(url+"/v1"), ooption.WithAPIKey(userKey), ooption.WithMaxRetries(0))
		s := c.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
			Model:    "m-openai",
			Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("File my record.")},
			Tools:    []openai.ChatCompletionToolUnionParam{tool},
		})
		var acc openai.ChatCompletionAccumulator
		for s.Next() {
			acc.AddChunk(s.Current())
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		calls := acc.Choices[0].Message.ToolCalls
		if len(calls) != 1 || calls[0].ID != "call_1" || calls[0].Function.Name != "file_record" {
			t.Fatalf("tool calls = %+v", calls)
		}
		checkRecordArgs(t, calls[0].Function.Arguments)
	})

	// The same answer to an Anthropic client: input_json_delta.
	t.Run("anthropic", func(t *testing.T) {
		c := anthropic.NewClient(aoption.WithBaseURL(url), aoption.WithAPIKey(userKey), aoption.WithMaxRetries(0))
		s := c.Messages.NewStreaming(context.Background(), anthropic.MessageNewParams{
			Model:     "m-openai",
			MaxTokens: 256,
			Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("File my record."))},
			Tools: []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{Name: "file_record",
				InputSchema: anthropic.ToolInputSchemaParam{Properties: map[string]any{}}}}},
		})
		msg := accumulate(t, s)
		if len(msg.Content) != 1 || msg.Content[0].Type != "tool_use" {
			t.Fatalf("content = %+v", msg.Content)
		}
		checkRecordArgs(t, string(msg.Content[0].Input))
	})
	// And to a Gemini client: a functionCall part with args as an object.
	t.Run("gemini", func(t *testing.T) {
		calls := geminiCalls(t, url, "m-openai")
		if len(calls) != 1 || calls[0].Name != "file_record" {
			t.Fatalf("function calls = %+v", calls)
		}
		args, _ := json.Marshal(calls[0].Args)
		checkRecordArgs(t, string(args))
	})
	stop()
	assertAuditHas(t, dbPath, []string{"US_SSN", "PHONE_NUMBER"}, []string{testSSN, "2-1234", "2025550143", "50143"})
}

// geminiCalls streams "File my record." to model through the Gemini SDK
// and returns the function calls of the answer, with their parts' thought
// signatures in Signatures.
func geminiCalls(t *testing.T, url, model string) []geminiCall {
	t.Helper()
	c, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey: userKey, Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: url},
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &genai.GenerateContentConfig{Tools: []*genai.Tool{{FunctionDeclarations: []*genai.FunctionDeclaration{{
		Name: "file_record", Parameters: &genai.Schema{Type: genai.TypeObject, Properties: map[string]*genai.Schema{}},
	}}}}}
	var calls []geminiCall
	for resp, err := range c.Models.GenerateContentStream(context.Background(), model, genai.Text("File my record."), cfg) {
		if err != nil {
			t.Fatal(err)
		}
		for _, cand := range resp.Candidates {
			if cand.Content == nil {
				continue
			}
			for _, p := range cand.Content.Parts {
				if p.FunctionCall != nil {
					calls = append(calls, geminiCall{p.FunctionCall, string(p.ThoughtSignature)})
				}
			}
		}
	}
	return calls
}

type geminiCall struct {
	*genai.FunctionCall
	Signature string
}

// TestGeminiSignedToolCallIsRedacted: a Gemini upstream's function call
// carries a thought signature, which Gemini requires back on the same
// part; the arguments are redacted and the signature stays with them.
func TestGeminiSignedToolCallIsRedacted(t *testing.T) {
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, `data: {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"file_record","args":{"ssn":"`+testSSN+`","n":3}},"thoughtSignature":"c2lnbmVk"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":9,"totalTokenCount":14},"modelVersion":"gemini-2.5-flash"}`+"\r\n\r\n")
	})
	url, _, stop := guardedGateway(t, up)
	defer stop()
	calls := geminiCalls(t, url, "m-gemini")
	if len(calls) != 1 {
		t.Fatalf("function calls = %+v", calls)
	}
	if got := calls[0].Args["ssn"]; got != "[US_SSN]" || calls[0].Args["n"] != 3.0 {
		t.Errorf("args = %v; want the SSN redacted and n kept", calls[0].Args)
	}
	if calls[0].Signature != "signed" {
		t.Errorf("thought signature = %q, want it passed on with the call", calls[0].Signature)
	}
}

// accumulate reads an Anthropic stream into the message it builds.
func accumulate(t *testing.T, s *ssestream.Stream[anthropic.MessageStreamEventUnion]) anthropic.Message {
	t.Helper()
	var msg anthropic.Message
	for s.Next() {
		if err := msg.Accumulate(s.Current()); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return msg
}

func TestToolCallArgumentsAreRedactedWhole(t *testing.T) {
	url, _, stop := guardedGateway(t, toolCallOpenAI(recordArgs...))
	defer stop()
	c := openai.NewClient(ooption.WithBaseURL(url+"/v1"), ooption.WithAPIKey(userKey), ooption.WithMaxRetries(0))
	r, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model:    "m-openai",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("File my record.")},
	})
	if err != nil {
		t.Fatal(err)
	}
	calls := r.Choices[0].Message.ToolCalls
	if len(calls) != 1 {
		t.Fatalf("tool calls = %+v", calls)
	}
	checkRecordArgs(t, calls[0].Function.Arguments)
}

// thinkingAnthropic is an Anthropic upstream that streams a thinking block
// (split inside an SSN, then signed) and a text block.
func thinkingAnthropic() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		ev := func(name, data string) {
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, data)
			w.(http.Flusher).Flush()
		}
		ev("message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}`)
		ev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}`)
		for _, p := range []string{"The user's SSN 536-2", "2-1234 is on file; I should not repeat it."} {
			b, _ := json.Marshal(p)
			ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":`+string(b)+`}}`)
		}
		ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3h"}}`)
		ev("content_block_stop", `{"type":"content_block_stop","index":0}`)
		ev("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`)
		ev("content_block_delta", `{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Your record is on file."}}`)
		ev("content_block_stop", `{"type":"content_block_stop","index":1}`)
		ev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":20}}`)
		ev("message_stop", `{"type":"message_stop"}`)
	})
}

func TestStreamedThinkingIsRedacted(t *testing.T) {
	url, dbPath, stop := guardedGateway(t, thinkingAnthropic())
	c := anthropic.NewClient(aoption.WithBaseURL(url), aoption.WithAPIKey(userKey), aoption.WithMaxRetries(0))
	s := c.Messages.NewStreaming(context.Background(), anthropic.MessageNewParams{
		Model:     "m-anthropic",
		MaxTokens: 2048,
		Thinking:  anthropic.ThinkingConfigParamOfEnabled(1024),
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Is my record on file?"))},
	})
	msg := accumulate(t, s)
	if len(msg.Content) != 2 || msg.Content[0].Type != "thinking" || msg.Content[1].Type != "text" {
		t.Fatalf("content = %+v", msg.Content)
	}
	th := msg.Content[0]
	if want := "The user's SSN [US_SSN] is on file; I should not repeat it."; th.Thinking != want {
		t.Errorf("thinking = %q, want %q", th.Thinking, want)
	}
	if th.Signature != "EqQBCgIYAhIM1gbcDa9GJwZA2b3h" {
		t.Errorf("signature = %q: it must pass through", th.Signature)
	}
	if msg.Content[1].Text != "Your record is on file." {
		t.Errorf("text = %q", msg.Content[1].Text)
	}
	stop()
	assertAuditHas(t, dbPath, []string{"US_SSN"}, []string{testSSN, "2-1234"})
}

// TestPromptToolCallArgumentsAreRedacted: a conversation sent back with an
// earlier tool call holds the SSN in the call's arguments; it is redacted
// there before the request leaves, as in text.
func TestPromptToolCallArgumentsAreRedacted(t *testing.T) {
	e := startCustom(t, guardConfig, nil)
	body := `{"model":"m-anthropic","messages":[
		{"role":"user","content":"File my record."},
		{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"file_record","arguments":"{\"ssn\":\"` + testSSN + `\",\"n\":3}"}}]},
		{"role":"tool","tool_call_id":"call_1","content":"filed"}],
		"tools":[{"type":"function","function":{"name":"file_record","parameters":{"type":"object","properties":{}}}}]}`
	resp, _, sent := sendGuarded(t, e, "/v1/chat/completions", func(h http.Header) { h.Set("Authorization", "Bearer "+userKey) }, body)
	if h := resp.Header.Get("Switchboard-Guardrail"); h != "redacted: US_SSN=1" {
		t.Errorf("Switchboard-Guardrail = %q", h)
	}
	if strings.Contains(sent, testSSN) || !strings.Contains(sent, `"input":{"ssn":"[US_SSN]","n":3}`) {
		t.Errorf("upstream received: %s", sent)
	}
}

// TestPromptToolResultAndThinkingAreRedacted: a JSON tool result whose
// string holds "\n" right before the SSN (read as raw text, "n536-…" is a
// word), and thinking sent back from an earlier answer, are both redacted
// before the request leaves; the JSON stays valid.
func TestPromptToolResultAndThinkingAreRedacted(t *testing.T) {
	e := startCustom(t, guardConfig, nil)
	body := `{"model":"m-anthropic","max_tokens":512,"messages":[
		{"role":"user","content":"Look up the record."},
		{"role":"assistant","content":[
			{"type":"thinking","thinking":"The record's SSN is ` + testSSN + `; keep it private.","signature":"EqQBCgIYAhIM"},
			{"type":"tool_use","id":"toolu_01","name":"lookup","input":{"id":7}}]},
		{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"{\"record\":\"Record:\\n` + testSSN + `\"}"}]}],
		"tools":[{"name":"lookup","input_schema":{"type":"object","properties":{}}}]}`
	resp, _, sent := sendGuarded(t, e, "/v1/messages", func(h http.Header) {
		h.Set("x-api-key", userKey)
		h.Set("anthropic-version", "2023-06-01")
	}, body)
	if h := resp.Header.Get("Switchboard-Guardrail"); !strings.HasPrefix(h, "redacted: US_SSN=2") {
		t.Errorf("Switchboard-Guardrail = %q; want both SSNs counted", h)
	}
	if strings.Contains(sent, testSSN) {
		t.Fatalf("upstream received the SSN: %s", sent)
	}
	if !strings.Contains(sent, `The record's SSN is [US_SSN]; keep it private.`) || !strings.Contains(sent, `{\"record\":\"Record:\\n[US_SSN]\"}`) {
		t.Errorf("upstream received: %s", sent)
	}
}

// TestMalformedToolCallArgumentsAreRedacted: an OpenAI-compatible upstream
// (a small local model) returns arguments that are not JSON; what is found
// in them is still replaced, streamed or not.
func TestMalformedToolCallArgumentsAreRedacted(t *testing.T) {
	url, _, stop := guardedGateway(t, toolCallOpenAI(`{'ssn': '536-2`, `2-1234', 'to': 'records'}`))
	defer stop()
	c := openai.NewClient(ooption.WithBaseURL(url+"/v1"), ooption.WithAPIKey(userKey), ooption.WithMaxRetries(0))
	params := openai.ChatCompletionNewParams{
		Model:    "m-openai",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("File my record.")},
	}
	want := `{'ssn': '[US_SSN]', 'to': 'records'}`
	r, err := c.Chat.Completions.New(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Choices[0].Message.ToolCalls[0].Function.Arguments; got != want {
		t.Errorf("whole: arguments = %q, want %q", got, want)
	}
	s := c.Chat.Completions.NewStreaming(context.Background(), params)
	var acc openai.ChatCompletionAccumulator
	for s.Next() {
		acc.AddChunk(s.Current())
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if got := acc.Choices[0].Message.ToolCalls[0].Function.Arguments; got != want {
		t.Errorf("streamed: arguments = %q, want %q", got, want)
	}
}
