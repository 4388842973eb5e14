package fakeprovider_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

func openAIClient(t *testing.T, opts fakeprovider.Options) (openai.Client, *fakeprovider.Server) {
	t.Helper()
	s, ts := fakeprovider.Start(opts)
	t.Cleanup(ts.Close)
	c := openai.NewClient(option.WithBaseURL(ts.URL+"/v1/"), option.WithAPIKey("sk-test"), option.WithMaxRetries(0))
	return c, s
}

var weatherTool = openai.ChatCompletionFunctionTool(openai.FunctionDefinitionParam{
	Name: "get_weather",
	Parameters: openai.FunctionParameters{
		"type":       "object",
		"properties": map[string]any{"location": map[string]any{"type": "string"}, "unit": map[string]any{"type": "string", "enum": []string{"celsius", "fahrenheit"}}},
		"required":   []string{"location", "unit"},
	},
})

var timeTool = openai.ChatCompletionFunctionTool(openai.FunctionDefinitionParam{
	Name:       "get_time",
	Parameters: openai.FunctionParameters{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []string{"city"}},
})

func TestOpenAIText(t *testing.T) {
	c, s := openAIClient(t, fakeprovider.Options{})
	ctx := context.Background()
	resp, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model:    "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("be brief"), openai.UserMessage("hello there world")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "Simulated reply from gpt-4o-mini (openai): hello there world"
	if got := resp.Choices[0].Message.Content; got != want {
		t.Fatalf("content = %q, want %q", got, want)
	}
	if resp.Choices[0].FinishReason != "stop" || resp.Object != "chat.completion" || !strings.HasPrefix(resp.ID, "chatcmpl-") {
		t.Fatalf("unexpected envelope: %+v", resp)
	}
	// input: "be brief" (2) + "hello there world" (3) + 2 messages * 3.
	u := resp.Usage
	if u.PromptTokens != 11 || u.CompletionTokens != 8 || u.TotalTokens != 19 {
		t.Fatalf("usage = %+v", u)
	}
	if !u.PromptTokensDetails.JSON.CachedTokens.Valid() || !u.CompletionTokensDetails.JSON.ReasoningTokens.Valid() {
		t.Fatalf("usage details missing: %s", u.RawJSON())
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Vendor != fakeprovider.OpenAI || reqs[0].Header.Get("Authorization") != "REDACTED" {
		t.Fatalf("recorded %+v", reqs)
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil || body["model"] != "gpt-4o-mini" {
		t.Fatalf("recorded body %s", reqs[0].Body)
	}
}

func TestOpenAIStream(t *testing.T) {
	c, _ := openAIClient(t, fakeprovider.Options{Chunks: 3})
	stream := c.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model:         "gpt-4o",
		Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("stream this please now")},
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	})
	var acc openai.ChatCompletionAccumulator
	n := 0
	for stream.Next() {
		if !acc.AddChunk(stream.Current()) {
			t.Fatalf("accumulator rejected chunk %d", n)
		}
		n++
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	// role chunk + 3 pieces + finish chunk + usage chunk
	if n != 6 {
		t.Fatalf("chunks = %d, want 6", n)
	}
	if got := acc.Choices[0].Message.Content; got != "Simulated reply from gpt-4o (openai): stream this please now" {
		t.Fatalf("content = %q", got)
	}
	if acc.Choices[0].FinishReason != "stop" || acc.Usage.PromptTokens != 7 || acc.Usage.CompletionTokens != 9 {
		t.Fatalf("finish %q usage %+v", acc.Choices[0].FinishReason, acc.Usage)
	}
}

func TestOpenAIStreamWithoutUsage(t *testing.T) {
	c, _ := openAIClient(t, fakeprovider.Options{})
	stream := c.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model: "gpt-4o", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")},
	})
	for stream.Next() {
		ch := stream.Current()
		if ch.JSON.Usage.Valid() || len(ch.Choices) == 0 {
			t.Fatalf("unexpected usage chunk: %s", ch.RawJSON())
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenAIToolRoundTrip(t *testing.T) {
	c, _ := openAIClient(t, fakeprovider.Options{})
	ctx := context.Background()
	params := openai.ChatCompletionNewParams{
		Model:    "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is the weather in Paris?")},
		Tools:    []openai.ChatCompletionToolUnionParam{weatherTool},
	}
	resp, err := c.Chat.Completions.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	msg := resp.Choices[0].Message
	if resp.Choices[0].FinishReason != "tool_calls" || len(msg.ToolCalls) != 1 {
		t.Fatalf("want one tool call, got %s", resp.RawJSON())
	}
	call := msg.ToolCalls[0]
	if call.Function.Name != "get_weather" || call.Function.Arguments != `{"location":"Paris","unit":"celsius"}` || !strings.HasPrefix(call.ID, "call_") {
		t.Fatalf("call = %+v", call)
	}
	params.Messages = append(params.Messages, msg.ToParam(), openai.ToolMessage("sunny, 21C", call.ID))
	resp, err = c.Chat.Completions.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; !strings.Contains(got, "The tool returned: sunny, 21C") || resp.Choices[0].FinishReason != "stop" {
		t.Fatalf("after tool result: %q", got)
	}
}

func TestOpenAIParallelToolsStreaming(t *testing.T) {
	c, _ := openAIClient(t, fakeprovider.Options{})
	stream := c.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model:    "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("call get_weather and get_time in parallel")},
		Tools:    []openai.ChatCompletionToolUnionParam{weatherTool, timeTool},
	})
	var acc openai.ChatCompletionAccumulator
	var finished []string
	for stream.Next() {
		ch := stream.Current()
		for _, c := range ch.Choices {
			for _, tc := range c.Delta.ToolCalls {
				if tc.ID == "" && tc.Function.Arguments == "" {
					t.Fatalf("empty fragment: %s", ch.RawJSON())
				}
			}
		}
		acc.AddChunk(ch)
		if tc, ok := acc.JustFinishedToolCall(); ok {
			finished = append(finished, tc.Name)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	calls := acc.Choices[0].Message.ToolCalls
	if len(calls) != 2 || calls[0].Function.Name != "get_weather" || calls[1].Function.Name != "get_time" {
		t.Fatalf("calls = %+v", calls)
	}
	if calls[1].Function.Arguments != `{"city":"Paris"}` || calls[0].ID == calls[1].ID {
		t.Fatalf("calls = %+v", calls)
	}
	if acc.Choices[0].FinishReason != "tool_calls" || len(finished) != 2 {
		t.Fatalf("finish %q finished %v", acc.Choices[0].FinishReason, finished)
	}
}

func TestOpenAIStopAndLength(t *testing.T) {
	c, _ := openAIClient(t, fakeprovider.Options{})
	ctx := context.Background()
	resp, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model:    "m",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("one two STOP three")},
		Stop:     openai.ChatCompletionNewParamsStopUnion{OfStringArray: []string{"STOP"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; got != "Simulated reply from m (openai): one two " || resp.Choices[0].FinishReason != "stop" {
		t.Fatalf("stop: %q %q", got, resp.Choices[0].FinishReason)
	}
	resp, err = c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model:               "m",
		Messages:            []openai.ChatCompletionMessageParamUnion{openai.UserMessage("one two three")},
		MaxCompletionTokens: openai.Int(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; got != "Simulated reply from" || resp.Choices[0].FinishReason != "length" || resp.Usage.CompletionTokens != 3 {
		t.Fatalf("length: %q %q", got, resp.Choices[0].FinishReason)
	}
}

func TestOpenAIJSONMode(t *testing.T) {
	c, _ := openAIClient(t, fakeprovider.Options{})
	resp, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model:          "m",
		Messages:       []openai.ChatCompletionMessageParamUnion{openai.UserMessage("give json")},
		ResponseFormat: openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONObject: &openai.ResponseFormatJSONObjectParam{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Reply string }
	if err := json.Unmarshal([]byte(resp.Choices[0].Message.Content), &v); err != nil || !strings.Contains(v.Reply, "Simulated") {
		t.Fatalf("not JSON: %q (%v)", resp.Choices[0].Message.Content, err)
	}
}

func TestOpenAIFault(t *testing.T) {
	c, _ := openAIClient(t, fakeprovider.Options{})
	_, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi [[fake:status=503]]")},
	})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	if apiErr.StatusCode != 503 || apiErr.Type != "server_error" {
		t.Fatalf("err = %+v", apiErr)
	}
}

func TestOpenAIWrongKey(t *testing.T) {
	_, ts := fakeprovider.Start(fakeprovider.Options{APIKeys: map[string]string{fakeprovider.OpenAI: "sk-right"}})
	defer ts.Close()
	c := openai.NewClient(option.WithBaseURL(ts.URL+"/v1/"), option.WithAPIKey("sk-wrong-key"), option.WithMaxRetries(0))
	_, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")},
	})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != "invalid_api_key" {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(apiErr.Message, "sk-wrong-key") {
		t.Fatalf("key leaked: %s", apiErr.Message)
	}
}

func TestOpenAIModels(t *testing.T) {
	c, _ := openAIClient(t, fakeprovider.Options{})
	page, err := c.Models.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) == 0 || page.Data[0].Object != "model" {
		t.Fatalf("models = %+v", page.Data)
	}
}
