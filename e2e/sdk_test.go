package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	aoption "github.com/anthropics/anthropic-sdk-go/option"
	"github.com/openai/openai-go/v3"
	ooption "github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
	"google.golang.org/genai"
)

// result is an SDK's answer, normalised so one table checks all three.
type result struct {
	text  string
	calls []call
	// stop is "end", "tool" or "length".
	stop          string
	input, output int64
	// next continues the conversation with tool results for calls.
	next func(ctx context.Context, results map[string]string) (result, error)
}

type call struct{ id, name, args string }

// sdkClient is one official SDK pointed at the gateway.
type sdkClient interface {
	name() string
	chat(ctx context.Context, model, prompt string, tools, stream bool) (result, error)
}

const weatherPrompt = "What is the weather in Paris? Use the get_weather tool."

// --- OpenAI -----------------------------------------------------------------

type openaiClient struct{ c openai.Client }

func newOpenAI(base string) sdkClient {
	return openaiClient{openai.NewClient(ooption.WithBaseURL(base+"/v1"), ooption.WithAPIKey(userKey), ooption.WithMaxRetries(0))}
}

func (openaiClient) name() string { return "openai" }

func (o openaiClient) chat(ctx context.Context, model, prompt string, tools, stream bool) (result, error) {
	params := openai.ChatCompletionNewParams{
		Model:    model,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("Be brief."), openai.UserMessage(prompt)},
	}
	if tools {
		params.Tools = []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name:        "get_weather",
			Description: openai.String("Current weather for a city"),
			Parameters: shared.FunctionParameters{
				"type":       "object",
				"properties": map[string]any{"location": map[string]any{"type": "string"}},
				"required":   []string{"location"},
			},
		})}
	}
	if stream {
		params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	}
	return o.send(ctx, params, stream)
}

func (o openaiClient) send(ctx context.Context, params openai.ChatCompletionNewParams, stream bool) (result, error) {
	var cc *openai.ChatCompletion
	if stream {
		s := o.c.Chat.Completions.NewStreaming(ctx, params)
		var acc openai.ChatCompletionAccumulator
		n := 0
		for s.Next() {
			if !acc.AddChunk(s.Current()) {
				return result{}, errorf("accumulator rejected chunk %d: %s", n, s.Current().RawJSON())
			}
			n++
		}
		if err := s.Err(); err != nil {
			return result{}, err
		}
		cc = &acc.ChatCompletion
	} else {
		var err error
		if cc, err = o.c.Chat.Completions.New(ctx, params); err != nil {
			return result{}, err
		}
	}
	if len(cc.Choices) != 1 {
		return result{}, errorf("%d choices", len(cc.Choices))
	}
	ch := cc.Choices[0]
	r := result{text: ch.Message.Content, input: cc.Usage.PromptTokens, output: cc.Usage.CompletionTokens}
	switch ch.FinishReason {
	case "stop":
		r.stop = "end"
	case "tool_calls":
		r.stop = "tool"
	case "length":
		r.stop = "length"
	default:
		r.stop = ch.FinishReason
	}
	for _, tc := range ch.Message.ToolCalls {
		r.calls = append(r.calls, call{tc.ID, tc.Function.Name, tc.Function.Arguments})
	}
	r.next = func(ctx context.Context, results map[string]string) (result, error) {
		p := params
		p.Messages = append(append([]openai.ChatCompletionMessageParamUnion{}, params.Messages...), ch.Message.ToParam())
		for _, c := range r.calls {
			p.Messages = append(p.Messages, openai.ToolMessage(results[c.id], c.id))
		}
		return o.send(ctx, p, stream)
	}
	return r, nil
}

// --- Anthropic --------------------------------------------------------------

type anthropicClient struct{ c anthropic.Client }

func newAnthropic(base string) sdkClient {
	return anthropicClient{anthropic.NewClient(aoption.WithBaseURL(base), aoption.WithAPIKey(userKey), aoption.WithMaxRetries(0))}
}

func (anthropicClient) name() string { return "anthropic" }

func (a anthropicClient) chat(ctx context.Context, model, prompt string, tools, stream bool) (result, error) {
	params := anthropic.MessageNewParams{
		Model:     anthropic.Model(model),
		MaxTokens: 512,
		System:    []anthropic.TextBlockParam{{Text: "Be brief."}},
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(prompt))},
	}
	if tools {
		params.Tools = []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{
			Name:        "get_weather",
			Description: anthropic.String("Current weather for a city"),
			InputSchema: anthropic.ToolInputSchemaParam{
				Properties: map[string]any{"location": map[string]any{"type": "string"}},
				Required:   []string{"location"},
			},
		}}}
	}
	return a.send(ctx, params, stream)
}

func (a anthropicClient) send(ctx context.Context, params anthropic.MessageNewParams, stream bool) (result, error) {
	var m *anthropic.Message
	if stream {
		s := a.c.Messages.NewStreaming(ctx, params)
		m = &anthropic.Message{}
		for s.Next() {
			if err := m.Accumulate(s.Current()); err != nil {
				return result{}, err
			}
		}
		if err := s.Err(); err != nil {
			return result{}, err
		}
	} else {
		var err error
		if m, err = a.c.Messages.New(ctx, params); err != nil {
			return result{}, err
		}
	}
	r := result{input: m.Usage.InputTokens + m.Usage.CacheReadInputTokens + m.Usage.CacheCreationInputTokens, output: m.Usage.OutputTokens}
	switch m.StopReason {
	case anthropic.StopReasonEndTurn, anthropic.StopReasonStopSequence:
		r.stop = "end"
	case anthropic.StopReasonToolUse:
		r.stop = "tool"
	case anthropic.StopReasonMaxTokens:
		r.stop = "length"
	default:
		r.stop = string(m.StopReason)
	}
	for _, b := range m.Content {
		switch b.Type {
		case "text":
			r.text += b.Text
		case "tool_use":
			r.calls = append(r.calls, call{b.ID, b.Name, string(b.Input)})
		}
	}
	r.next = func(ctx context.Context, results map[string]string) (result, error) {
		p := params
		var blocks []anthropic.ContentBlockParamUnion
		for _, c := range r.calls {
			blocks = append(blocks, anthropic.NewToolResultBlock(c.id, results[c.id], false))
		}
		p.Messages = append(append([]anthropic.MessageParam{}, params.Messages...), m.ToParam(), anthropic.NewUserMessage(blocks...))
		return a.send(ctx, p, stream)
	}
	return r, nil
}

// --- Gemini -----------------------------------------------------------------

type geminiClient struct{ c *genai.Client }

func newGemini(t testing.TB, base string) sdkClient {
	c, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey: userKey, Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: base},
	})
	if err != nil {
		t.Fatal(err)
	}
	return geminiClient{c}
}

func (geminiClient) name() string { return "gemini" }

func (g geminiClient) chat(ctx context.Context, model, prompt string, tools, stream bool) (result, error) {
	cfg := &genai.GenerateContentConfig{SystemInstruction: genai.NewContentFromText("Be brief.", genai.RoleUser)}
	if tools {
		cfg.Tools = []*genai.Tool{{FunctionDeclarations: []*genai.FunctionDeclaration{{
			Name:        "get_weather",
			Description: "Current weather for a city",
			Parameters: &genai.Schema{Type: genai.TypeObject,
				Properties: map[string]*genai.Schema{"location": {Type: genai.TypeString}},
				Required:   []string{"location"}},
		}}}}
	}
	return g.send(ctx, model, genai.Text(prompt), cfg, stream)
}

func (g geminiClient) send(ctx context.Context, model string, contents []*genai.Content, cfg *genai.GenerateContentConfig, stream bool) (result, error) {
	var r result
	var parts []*genai.Part
	var usage *genai.GenerateContentResponseUsageMetadata
	var finish genai.FinishReason
	add := func(resp *genai.GenerateContentResponse) {
		if resp.UsageMetadata != nil {
			usage = resp.UsageMetadata
		}
		for _, c := range resp.Candidates {
			if c.FinishReason != "" {
				finish = c.FinishReason
			}
			if c.Content != nil {
				parts = append(parts, c.Content.Parts...)
			}
		}
	}
	if stream {
		for resp, err := range g.c.Models.GenerateContentStream(ctx, model, contents, cfg) {
			if err != nil {
				return result{}, err
			}
			add(resp)
		}
	} else {
		resp, err := g.c.Models.GenerateContent(ctx, model, contents, cfg)
		if err != nil {
			return result{}, err
		}
		add(resp)
	}
	for _, p := range parts {
		if p.Text != "" && !p.Thought {
			r.text += p.Text
		}
		if p.FunctionCall != nil {
			args, _ := json.Marshal(p.FunctionCall.Args)
			r.calls = append(r.calls, call{p.FunctionCall.ID, p.FunctionCall.Name, string(args)})
		}
	}
	if usage != nil {
		r.input = int64(usage.PromptTokenCount)
		r.output = int64(usage.CandidatesTokenCount + usage.ThoughtsTokenCount)
	}
	switch {
	case finish == genai.FinishReasonStop && len(r.calls) > 0:
		r.stop = "tool"
	case finish == genai.FinishReasonStop:
		r.stop = "end"
	case finish == genai.FinishReasonMaxTokens:
		r.stop = "length"
	default:
		r.stop = string(finish)
	}
	r.next = func(ctx context.Context, results map[string]string) (result, error) {
		next := append([]*genai.Content{}, contents...)
		next = append(next, &genai.Content{Role: genai.RoleModel, Parts: parts})
		resp := &genai.Content{Role: genai.RoleUser}
		for _, c := range r.calls {
			fr := genai.NewPartFromFunctionResponse(c.name, map[string]any{"output": results[c.id]})
			fr.FunctionResponse.ID = c.id
			resp.Parts = append(resp.Parts, fr)
		}
		return g.send(ctx, model, append(next, resp), cfg, stream)
	}
	return r, nil
}

// --- the matrix -------------------------------------------------------------

// TestSDKMatrix sends every official SDK through the gateway to every
// upstream protocol: 3 clients × 3 upstreams × (plain, streamed) × (text,
// tool round trip).
func TestSDKMatrix(t *testing.T) {
	e := start(t)
	clients := []sdkClient{newOpenAI(e.gw.URL), newAnthropic(e.gw.URL), newGemini(t, e.gw.URL)}
	ctx := context.Background()
	for _, c := range clients {
		for _, up := range upstreams {
			for _, stream := range []bool{false, true} {
				mode := "whole"
				if stream {
					mode = "stream"
				}
				t.Run(c.name()+"→"+up.protocol+"/"+mode+"/text", func(t *testing.T) {
					r, err := c.chat(ctx, up.model, "Hello from the matrix", false, stream)
					if err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(r.text, "Simulated") || !strings.Contains(r.text, "Hello from the matrix") {
						t.Errorf("text = %q", r.text)
					}
					if r.stop != "end" {
						t.Errorf("stop = %q, want end", r.stop)
					}
					if r.input <= 0 || r.output <= 0 {
						t.Errorf("usage in=%d out=%d, want both > 0", r.input, r.output)
					}
				})
				t.Run(c.name()+"→"+up.protocol+"/"+mode+"/tools", func(t *testing.T) {
					r, err := c.chat(ctx, up.model, weatherPrompt, true, stream)
					if err != nil {
						t.Fatal(err)
					}
					if r.stop != "tool" || len(r.calls) != 1 {
						t.Fatalf("stop = %q, calls = %+v; want one tool call", r.stop, r.calls)
					}
					tc := r.calls[0]
					var args map[string]any
					if tc.name != "get_weather" || json.Unmarshal([]byte(tc.args), &args) != nil || args["location"] != "Paris" {
						t.Fatalf("call = %+v", tc)
					}
					if c.name() != "gemini" && tc.id == "" {
						t.Errorf("tool call has no id")
					}
					r2, err := r.next(ctx, map[string]string{tc.id: "18C and sunny"})
					if err != nil {
						t.Fatal(err)
					}
					if r2.stop != "end" || !strings.Contains(r2.text, "18C and sunny") {
						t.Errorf("after tool result: stop=%q text=%q", r2.stop, r2.text)
					}
				})
			}
		}
	}
}

func errorf(format string, args ...any) error { return &sdkError{msg: sprintf(format, args...)} }

type sdkError struct{ msg string }

func (e *sdkError) Error() string { return e.msg }

var sprintf = fmt.Sprintf
