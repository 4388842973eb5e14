package anthropic

import (
	"crypto/rand"
	"encoding/json"
	"hash/fnv"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
)

// stopReason is the API's stop_reason for a canonical one. A stop sequence
// the source did not name becomes end_turn, as the API has no way to say
// "some stop sequence".
func stopReason(r llm.StopReason, seq string) string {
	switch r {
	case llm.StopMaxTokens:
		return "max_tokens"
	case llm.StopSequence:
		if seq != "" {
			return "stop_sequence"
		}
	case llm.StopToolCalls:
		return "tool_use"
	case llm.StopRefused:
		return "refusal"
	}
	return "end_turn"
}

// canonicalStop maps the API's stop_reason; pause_turn (a server tool
// paused the turn) and anything unknown are best-effort "end".
func canonicalStop(s string) llm.StopReason {
	switch s {
	case "max_tokens", "model_context_window_exceeded":
		return llm.StopMaxTokens
	case "stop_sequence":
		return llm.StopSequence
	case "tool_use":
		return llm.StopToolCalls
	case "refusal":
		return llm.StopRefused
	case "":
		return ""
	}
	return llm.StopEnd
}

// wireUsage splits canonical usage: the API's input_tokens excludes cache
// reads and writes.
func wireUsage(u llm.Usage) usage {
	w := usage{
		InputTokens:              max(u.Input-u.CacheRead-u.CacheWrite, 0),
		CacheCreationInputTokens: u.CacheWrite,
		CacheReadInputTokens:     u.CacheRead,
		OutputTokens:             u.Output,
	}
	if u.Reasoning > 0 {
		w.OutputTokensDetails = &outputDetails{ThinkingTokens: u.Reasoning}
	}
	return w
}

func canonicalUsage(w usage) llm.Usage {
	u := llm.Usage{
		Input:      w.InputTokens + w.CacheReadInputTokens + w.CacheCreationInputTokens,
		Output:     w.OutputTokens,
		CacheRead:  w.CacheReadInputTokens,
		CacheWrite: w.CacheCreationInputTokens,
	}
	if w.OutputTokensDetails != nil {
		u.Reasoning = w.OutputTokensDetails.ThinkingTokens
	}
	return u
}

// ToolID returns id if it matches the API's ^[a-zA-Z0-9_-]+$, and
// otherwise a deterministic replacement: the invalid bytes become "_" and a
// hash of the original is appended, so distinct ids stay distinct and a
// tool_result maps the same way as its tool_use. An empty id becomes
// "toolu_" plus the hash of the empty string.
func ToolID(id string) string {
	if validName(id, 0) {
		return id
	}
	b := make([]byte, 0, len(id)+16)
	if id == "" {
		b = append(b, "toolu"...)
	}
	for i := 0; i < len(id); i++ {
		if idByte(id[i]) {
			b = append(b, id[i])
		} else {
			b = append(b, '_')
		}
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	s := h.Sum32()
	b = append(b, '_')
	for i := 28; i >= 0; i -= 4 {
		b = append(b, hex[s>>uint(i)&0xf])
	}
	return string(b)
}

const idChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newID returns prefix plus 24 random base62 characters.
func newID(prefix string) string {
	var r [24]byte
	_, _ = rand.Read(r[:])
	b := make([]byte, len(prefix), len(prefix)+len(r))
	copy(b, prefix)
	for _, c := range r {
		b = append(b, idChars[int(c)%len(idChars)])
	}
	return string(b)
}

// messageID returns id with the "msg_" prefix the API's ids have.
func messageID(id string) string {
	switch {
	case id == "":
		return newID("msg_")
	case len(id) >= 4 && id[:4] == "msg_":
		return id
	}
	return "msg_" + id
}

// toolInput returns args if it is a JSON object, else "{}": the API's
// input is always an object, and a client cannot parse anything else.
func toolInput(args json.RawMessage) json.RawMessage {
	if firstByte(args) == '{' && json.Valid(args) {
		return args
	}
	return json.RawMessage("{}")
}

// EncodeResponse renders a complete message. Empty text parts are left out
// (the API never sends them, and rejects them when a client sends them
// back); tool-call ids are made valid with ToolID.
func (codec) EncodeResponse(r *llm.Response, model string) ([]byte, error) {
	if model == "" {
		model = r.Model
	}
	w := response{
		ID:      messageID(r.ID),
		Type:    "message",
		Role:    "assistant",
		Model:   model,
		Content: make([]block, 0, len(r.Content)),
		Usage:   wireUsage(r.Usage),
	}
	sr := stopReason(r.StopReason, r.StopSequence)
	w.StopReason = &sr
	if sr == "stop_sequence" {
		w.StopSequence = &r.StopSequence
	}
	for i := range r.Content {
		if b, ok := responseBlock(&r.Content[i]); ok {
			w.Content = append(w.Content, b)
		}
	}
	b, err := json.Marshal(&w)
	if err != nil {
		return nil, &switchboard.Error{Code: switchboard.EINTERNAL, Message: "could not encode the response", Cause: err}
	}
	return b, nil
}

func responseBlock(p *llm.Part) (block, bool) {
	switch p.Kind {
	case llm.PartText:
		if p.Text == "" {
			return block{}, false
		}
		return block{Type: "text", Text: &p.Text}, true
	case llm.PartToolCall:
		if p.ToolCall == nil {
			return block{}, false
		}
		id := ToolID(p.ToolCall.ID)
		return block{Type: "tool_use", ID: &id, Name: &p.ToolCall.Name, Input: toolInput(p.ToolCall.Args)}, true
	case llm.PartThinking:
		if len(p.Signature) >= len(RedactedPrefix) && p.Signature[:len(RedactedPrefix)] == RedactedPrefix && p.Text == "" {
			data := p.Signature[len(RedactedPrefix):]
			return block{Type: "redacted_thinking", Data: &data}, true
		}
		return block{Type: "thinking", Thinking: &p.Text, Signature: &p.Signature}, true
	}
	return block{}, false
}

// DecodeResponse parses a complete message from an upstream. Block types
// with no canonical form (server tool use and results) are skipped.
func (codec) DecodeResponse(body []byte) (*llm.Response, error) {
	var w response
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "the upstream sent a malformed Messages response", Cause: err}
	}
	if w.Type != "message" {
		return nil, &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "the upstream sent a response that is not a message (type " + w.Type + ")"}
	}
	r := &llm.Response{ID: w.ID, Model: w.Model, Usage: canonicalUsage(w.Usage), Content: make([]llm.Part, 0, len(w.Content))}
	if w.StopReason != nil {
		r.StopReason = canonicalStop(*w.StopReason)
	}
	if w.StopSequence != nil {
		r.StopSequence = *w.StopSequence
	}
	for i := range w.Content {
		if p, ok := responsePart(&w.Content[i]); ok {
			r.Content = append(r.Content, p)
		}
	}
	return r, nil
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func responsePart(b *block) (llm.Part, bool) {
	switch b.Type {
	case "text":
		return llm.Part{Kind: llm.PartText, Text: str(b.Text)}, true
	case "tool_use":
		args := b.Input
		if firstByte(args) != '{' {
			args = json.RawMessage("{}")
		}
		return llm.Part{Kind: llm.PartToolCall, ToolCall: &llm.ToolCall{ID: str(b.ID), Name: str(b.Name), Args: args}}, true
	case "thinking":
		return llm.Part{Kind: llm.PartThinking, Text: str(b.Thinking), Signature: str(b.Signature)}, true
	case "redacted_thinking":
		return llm.Part{Kind: llm.PartThinking, Signature: RedactedPrefix + str(b.Data)}, true
	}
	return llm.Part{}, false
}
