package fakeprovider_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"

	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

func anthropicClient(t *testing.T, opts fakeprovider.Options) (anthropic.Client, *fakeprovider.Server) {
	t.Helper()
	s, ts := fakeprovider.Start(opts)
	t.Cleanup(ts.Close)
	c := anthropic.NewClient(option.WithBaseURL(ts.URL), option.WithAPIKey("sk-ant-test"), option.WithMaxRetries(0))
	return c, s
}

var anWeather = anthropic.ToolUnionParam{OfTool: &anthropic.ToolParam{
	Name: "get_weather",
	InputSchema: anthropic.ToolInputSchemaParam{
		Properties: map[string]any{"location": map[string]any{"type": "string"}},
		Required:   []string{"location"},
	},
}}

var anTime = anthropic.ToolUnionParam{OfTool: &anthropic.ToolParam{
	Name:        "get_time",
	InputSchema: anthropic.ToolInputSchemaParam{Properties: map[string]any{"zone": map[string]any{"type": "string"}}, Required: []string{"zone"}},
}}

func anUser(text string) anthropic.MessageParam {
	return anthropic.NewUserMessage(anthropic.NewTextBlock(text))
}

func TestAnthropicText(t *testing.T) {
	c, s := anthropicClient(t, fakeprovider.Options{})
	msg, err := c.Messages.New(context.Background(), anthropic.MessageNewParams{
		Model: "claude-test", MaxTokens: 100,
		System:   []anthropic.TextBlockParam{{Text: "be brief"}},
		Messages: []anthropic.MessageParam{anUser("hello there world")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Content) != 1 || msg.Content[0].Text != "Simulated reply from claude-test (anthropic): hello there world" {
		t.Fatalf("content = %+v", msg.Content)
	}
	if msg.StopReason != anthropic.StopReasonEndTurn || !strings.HasPrefix(msg.ID, "msg_") {
		t.Fatalf("msg = %s", msg.RawJSON())
	}
	if msg.Usage.InputTokens != 11 || msg.Usage.OutputTokens != 8 || !msg.Usage.JSON.CacheReadInputTokens.Valid() {
		t.Fatalf("usage = %s", msg.Usage.RawJSON())
	}
	r := s.Requests()[0]
	if r.Header.Get("X-Api-Key") != "REDACTED" || r.Header.Get("Anthropic-Version") == "" {
		t.Fatalf("headers = %v", r.Header)
	}
}

func TestAnthropicStream(t *testing.T) {
	c, _ := anthropicClient(t, fakeprovider.Options{Chunks: 3})
	stream := c.Messages.NewStreaming(context.Background(), anthropic.MessageNewParams{
		Model: "claude-test", MaxTokens: 100, Messages: []anthropic.MessageParam{anUser("stream this please now")},
	})
	var msg anthropic.Message
	var types []string
	for stream.Next() {
		ev := stream.Current()
		types = append(types, ev.Type)
		if err := msg.Accumulate(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	// The SDK drops ping events before they reach the caller.
	want := "message_start content_block_start content_block_delta content_block_delta content_block_delta content_block_stop message_delta message_stop"
	if got := strings.Join(types, " "); got != want {
		t.Fatalf("events:\n%s\nwant\n%s", got, want)
	}
	if msg.Content[0].Text != "Simulated reply from claude-test (anthropic): stream this please now" || msg.StopReason != "end_turn" {
		t.Fatalf("msg = %s", msg.RawJSON())
	}
	if msg.Usage.InputTokens != 7 || msg.Usage.OutputTokens != 9 {
		t.Fatalf("usage = %+v", msg.Usage)
	}
}

func TestAnthropicToolRoundTrip(t *testing.T) {
	c, _ := anthropicClient(t, fakeprovider.Options{})
	ctx := context.Background()
	params := anthropic.MessageNewParams{
		Model: "claude-test", MaxTokens: 100,
		Messages: []anthropic.MessageParam{anUser("What is the weather in Paris?")},
		Tools:    []anthropic.ToolUnionParam{anWeather},
	}
	msg, err := c.Messages.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if msg.StopReason != anthropic.StopReasonToolUse || len(msg.Content) != 1 || msg.Content[0].Type != "tool_use" {
		t.Fatalf("msg = %s", msg.RawJSON())
	}
	tu := msg.Content[0]
	if tu.Name != "get_weather" || string(tu.Input) != `{"location":"Paris"}` {
		t.Fatalf("tool_use = %s", tu.RawJSON())
	}
	params.Messages = append(params.Messages, msg.ToParam(),
		anthropic.NewUserMessage(anthropic.NewToolResultBlock(tu.ID, "sunny, 21C", false)))
	msg, err = c.Messages.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg.Content[0].Text, "The tool returned: sunny, 21C") || msg.StopReason != "end_turn" {
		t.Fatalf("msg = %s", msg.RawJSON())
	}
}

func TestAnthropicParallelToolsStreaming(t *testing.T) {
	c, _ := anthropicClient(t, fakeprovider.Options{})
	stream := c.Messages.NewStreaming(context.Background(), anthropic.MessageNewParams{
		Model: "claude-test", MaxTokens: 100,
		Messages: []anthropic.MessageParam{anUser("use a tool for each, in parallel")},
		Tools:    []anthropic.ToolUnionParam{anWeather, anTime},
	})
	var msg anthropic.Message
	deltas := 0
	for stream.Next() {
		ev := stream.Current()
		if ev.Type == "content_block_delta" && ev.Delta.Type == "input_json_delta" {
			deltas++
		}
		if err := msg.Accumulate(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if len(msg.Content) != 2 || msg.StopReason != "tool_use" || deltas < 6 {
		t.Fatalf("msg = %s (deltas %d)", msg.RawJSON(), deltas)
	}
	var in0, in1 map[string]string
	_ = json.Unmarshal(msg.Content[0].Input, &in0)
	_ = json.Unmarshal(msg.Content[1].Input, &in1)
	if msg.Content[0].Name != "get_weather" || in0["location"] != "Paris" || msg.Content[1].Name != "get_time" || in1["zone"] != "example" {
		t.Fatalf("msg = %s", msg.RawJSON())
	}
	if msg.Content[0].ID == msg.Content[1].ID {
		t.Fatal("duplicate tool_use ids")
	}
}

func TestAnthropicStopReasons(t *testing.T) {
	c, _ := anthropicClient(t, fakeprovider.Options{})
	ctx := context.Background()
	msg, err := c.Messages.New(ctx, anthropic.MessageNewParams{
		Model: "c", MaxTokens: 100, StopSequences: []string{"zzz", "STOP"},
		Messages: []anthropic.MessageParam{anUser("one two STOP three")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.StopReason != "stop_sequence" || msg.StopSequence != "STOP" || msg.Content[0].Text != "Simulated reply from c (anthropic): one two " {
		t.Fatalf("msg = %s", msg.RawJSON())
	}
	msg, err = c.Messages.New(ctx, anthropic.MessageNewParams{
		Model: "c", MaxTokens: 2, Messages: []anthropic.MessageParam{anUser("one two three")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.StopReason != "max_tokens" || msg.Content[0].Text != "Simulated reply" || msg.Usage.OutputTokens != 2 {
		t.Fatalf("msg = %s", msg.RawJSON())
	}
}

func TestAnthropicOverloaded(t *testing.T) {
	c, _ := anthropicClient(t, fakeprovider.Options{})
	_, err := c.Messages.New(context.Background(), anthropic.MessageNewParams{
		Model: "c", MaxTokens: 10, Messages: []anthropic.MessageParam{anUser("hi [[fake:status=529]]")},
	})
	var apiErr *anthropic.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	if apiErr.StatusCode != 529 || apiErr.Type() != "overloaded_error" || apiErr.RequestID == "" {
		t.Fatalf("err = %+v %s", apiErr, apiErr.RawJSON())
	}
	_, err = c.Messages.New(context.Background(), anthropic.MessageNewParams{
		Model: "c", MaxTokens: 10, Messages: []anthropic.MessageParam{anUser("hi [[fake:status=503]]")},
	})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("err = %v", err)
	}
}
