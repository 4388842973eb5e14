package openai

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
)

// now is the clock for "created"; tests replace it.
var now = time.Now

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomID returns prefix followed by n random alphanumerics. The ids only
// need to be unique within a conversation, not unguessable.
func randomID(prefix string, n int) string {
	b := make([]byte, len(prefix)+n)
	copy(b, prefix)
	for i := len(prefix); i < len(b); i++ {
		b[i] = idAlphabet[rand.IntN(len(idAlphabet))]
	}
	return string(b)
}

// completionID returns the chatcmpl- id a client sees for id.
func completionID(id string) string {
	switch {
	case id == "":
		return randomID("chatcmpl-", 29)
	case strings.HasPrefix(id, "chatcmpl-"):
		return id
	default:
		return "chatcmpl-" + id
	}
}

// finishReason maps a canonical stop reason to OpenAI's finish_reason;
// toolCalls says whether the answer holds tool calls, for sources (Gemini)
// that end tool calls with a plain stop.
func finishReason(sr llm.StopReason, toolCalls bool) string {
	switch sr {
	case llm.StopMaxTokens:
		return "length"
	case llm.StopToolCalls:
		return "tool_calls"
	case llm.StopRefused:
		return "content_filter"
	}
	if toolCalls {
		return "tool_calls"
	}
	return "stop"
}

// stopReason maps OpenAI's finish_reason to the canonical stop reason.
func stopReason(fr string, toolCalls, refused bool) llm.StopReason {
	switch fr {
	case "length":
		return llm.StopMaxTokens
	case "tool_calls", "function_call":
		return llm.StopToolCalls
	case "content_filter":
		return llm.StopRefused
	}
	switch {
	case toolCalls:
		return llm.StopToolCalls // Ollama and others say "stop"
	case refused:
		return llm.StopRefused
	}
	return llm.StopEnd
}

func wireUsage(u llm.Usage) *usage {
	return &usage{
		PromptTokens:            u.Input,
		CompletionTokens:        u.Output,
		TotalTokens:             u.Total(),
		PromptTokensDetails:     &promptTokensDetails{CachedTokens: u.CacheRead},
		CompletionTokensDetails: &completionTokensDetails{ReasoningTokens: u.Reasoning},
	}
}

func canonicalUsage(u *usage) llm.Usage {
	c := llm.Usage{Input: u.PromptTokens, Output: u.CompletionTokens}
	if u.PromptTokensDetails != nil {
		c.CacheRead = u.PromptTokensDetails.CachedTokens
	}
	if u.CompletionTokensDetails != nil {
		c.Reasoning = u.CompletionTokensDetails.ReasoningTokens
	}
	return c
}

func encodeResponse(r *llm.Response, model string) ([]byte, error) {
	msg := responseMessage{Role: "assistant", Annotations: []struct{}{}}
	var text strings.Builder
	hasText := false
	for _, p := range r.Content {
		switch p.Kind {
		case llm.PartText:
			text.WriteString(p.Text)
			hasText = true
		case llm.PartToolCall:
			if p.ToolCall == nil {
				continue
			}
			id := p.ToolCall.ID
			if id == "" {
				id = randomID("call_", 24)
			}
			args := string(p.ToolCall.Args)
			if strings.TrimSpace(args) == "" {
				args = "{}"
			}
			msg.ToolCalls = append(msg.ToolCalls, toolCall{ID: id, Type: "function", Function: functionCall{Name: p.ToolCall.Name, Arguments: args}})
		}
	}
	if hasText && text.Len() > 0 || len(msg.ToolCalls) == 0 {
		s := text.String()
		msg.Content = &s
	}
	fr := finishReason(r.StopReason, len(msg.ToolCalls) > 0)
	c := chatCompletion{
		ID:      completionID(r.ID),
		Object:  "chat.completion",
		Created: now().Unix(),
		Model:   model,
		Choices: []choice{{Index: 0, Message: msg, FinishReason: &fr}},
		Usage:   wireUsage(r.Usage),
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, switchboard.AsError(err)
	}
	return b, nil
}

func decodeResponse(body []byte) (*llm.Response, error) {
	var c chatCompletion
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "the upstream sent a chat completion the gateway could not parse", Cause: err}
	}
	if c.Error != nil && len(c.Choices) == 0 {
		return nil, streamError(c.Error)
	}
	if len(c.Choices) == 0 {
		return nil, &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "the upstream sent a chat completion without choices"}
	}
	ch := &c.Choices[0]
	for i := range c.Choices {
		if c.Choices[i].Index == 0 {
			ch = &c.Choices[i]
			break
		}
	}
	m := &ch.Message
	r := &llm.Response{ID: c.ID, Model: c.Model}
	r.Content = make([]llm.Part, 0, 1+len(m.ToolCalls))
	if t := reasoningText(m.ReasoningContent, m.Reasoning); t != "" {
		r.Content = append(r.Content, llm.Part{Kind: llm.PartThinking, Text: t})
	}
	if m.Content != nil && *m.Content != "" {
		r.Content = append(r.Content, llm.Part{Kind: llm.PartText, Text: *m.Content})
	}
	refused := m.Refusal != nil && *m.Refusal != ""
	if refused {
		r.Content = append(r.Content, llm.Part{Kind: llm.PartText, Text: *m.Refusal})
	}
	for i := range m.ToolCalls {
		tc := &m.ToolCalls[i]
		id := tc.ID
		if id == "" {
			id = randomID("call_", 24)
		}
		args := json.RawMessage(tc.Function.Arguments)
		if strings.TrimSpace(tc.Function.Arguments) == "" {
			args = json.RawMessage("{}")
		}
		r.Content = append(r.Content, llm.Part{Kind: llm.PartToolCall, ToolCall: &llm.ToolCall{ID: id, Name: tc.Function.Name, Args: args}})
	}
	fr := ""
	if ch.FinishReason != nil {
		fr = *ch.FinishReason
	}
	r.StopReason = stopReason(fr, len(m.ToolCalls) > 0, refused)
	if c.Usage != nil {
		r.Usage = canonicalUsage(c.Usage)
	}
	return r, nil
}

func reasoningText(a, b *string) string {
	if a != nil && *a != "" {
		return *a
	}
	if b != nil {
		return *b
	}
	return ""
}
