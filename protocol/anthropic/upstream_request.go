package anthropic

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/internal/jsonw"
	"github.com/switchboard-gov/switchboard/llm"
)

// Thinking budgets EncodeRequest uses for a Reasoning that gives only an
// effort. The API's minimum budget is 1024.
const (
	BudgetLow    = 1024
	BudgetMedium = 4096
	BudgetHigh   = 16384
)

// jsonObjectInstruction is appended to the system prompt for a json_object
// response format, which the API has no switch for.
const jsonObjectInstruction = "Respond with a single valid JSON object and nothing else."

// upstreamRequest is what EncodeRequest marshals; field order follows the
// API's documentation.
type upstreamRequest struct {
	Model         string          `json:"model"`
	MaxTokens     int             `json:"max_tokens"`
	System        json.RawMessage `json:"system,omitempty"`
	Messages      []upstreamMsg   `json:"messages"`
	Tools         []any           `json:"tools,omitempty"`
	ToolChoice    *toolChoice     `json:"tool_choice,omitempty"`
	Temperature   *float64        `json:"temperature,omitempty"`
	TopP          *float64        `json:"top_p,omitempty"`
	TopK          *int            `json:"top_k,omitempty"`
	StopSequences []string        `json:"stop_sequences,omitempty"`
	Metadata      *metadata       `json:"metadata,omitempty"`
	Thinking      json.RawMessage `json:"thinking,omitempty"`
	OutputConfig  json.RawMessage `json:"output_config,omitempty"`
	Stream        bool            `json:"stream,omitempty"`
}

type upstreamMsg struct {
	Role    string  `json:"role"`
	Content []block `json:"content"`
}

type upstreamTool struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema"`
	Strict      *bool           `json:"strict,omitempty"`
}

// EncodeRequest renders r for an Anthropic upstream. What it adapts:
//   - system strings go to the top-level system (one string, or text
//     blocks when there are several); empty ones are dropped;
//   - consecutive messages of one role are merged, tool_result blocks come
//     first in their user message, empty text is never sent, and thinking
//     parts without a signature (another vendor's reasoning) are dropped;
//   - tool-call ids are made valid with ToolID, in tool_use and tool_result
//     alike; tool arguments that are not a JSON object are an EINVALID error;
//   - max_tokens is r.MaxTokens or DefaultMaxTokens (plus the thinking
//     budget when max_tokens was not given);
//   - temperature is clamped to 0..1;
//   - a thinking budget comes from Reasoning.BudgetTokens or, failing that,
//     the effort (BudgetLow, BudgetMedium, BudgetHigh); it is at least 1024
//     and less than max_tokens, or thinking is left off. With thinking on,
//     temperature and top_k are dropped and top_p is raised to 0.95, and a
//     forced tool choice turns thinking off, as the API requires;
//   - a json_schema response format becomes output_config.format; a
//     json_object one becomes an instruction appended to the system prompt;
//   - seed and penalties have no Anthropic field and are dropped.
func (codec) EncodeRequest(r *llm.Request, upstreamModel string) ([]byte, error) {
	w := upstreamRequest{Model: upstreamModel, Stream: r.Stream, TopP: r.TopP, TopK: r.TopK, StopSequences: r.Stop}
	if w.Model == "" {
		w.Model = r.Model
	}
	maxTokens := DefaultMaxTokens
	if r.MaxTokens != nil && *r.MaxTokens > 0 {
		maxTokens = *r.MaxTokens
	}
	if t := r.Temperature; t != nil {
		v := min(max(*t, 0), 1)
		w.Temperature = &v
	}
	if r.User != "" {
		w.Metadata = &metadata{UserID: &r.User}
	}

	system := make([]string, 0, len(r.System)+1)
	for _, s := range r.System {
		if strings.TrimSpace(s) != "" {
			system = append(system, s)
		}
	}
	var outputConfig []byte
	if f := r.ResponseFormat; f != nil {
		switch f.Type {
		case "json_schema":
			if firstByte(f.Schema) == '{' && json.Valid(f.Schema) {
				outputConfig = append(outputConfig, `{"format":{"type":"json_schema","schema":`...)
				outputConfig = append(outputConfig, f.Schema...)
				outputConfig = append(outputConfig, "}}"...)
			} else {
				system = append(system, jsonObjectInstruction)
			}
		case "json_object":
			system = append(system, jsonObjectInstruction)
		}
	}
	switch len(system) {
	case 0:
	case 1:
		w.System = jsonw.AppendString(nil, system[0])
	default:
		blocks := make([]block, len(system))
		for i := range system {
			blocks[i] = block{Type: "text", Text: &system[i]}
		}
		w.System, _ = json.Marshal(blocks)
	}

	var err error
	if w.Messages, err = upstreamMessages(r.Messages); err != nil {
		return nil, err
	}

	for i := range r.Tools {
		t := &r.Tools[i]
		schema := t.Parameters
		if firstByte(schema) != '{' || !json.Valid(schema) {
			schema = json.RawMessage(`{"type":"object","properties":{}}`)
		}
		w.Tools = append(w.Tools, upstreamTool{Name: t.Name, Description: t.Description, InputSchema: schema, Strict: t.Strict})
	}
	if raw := r.Extra[ExtraServerTools]; len(raw) > 0 {
		var server []json.RawMessage
		if json.Unmarshal(raw, &server) == nil {
			for _, s := range server {
				w.Tools = append(w.Tools, s)
			}
		}
	}
	forced := false
	if len(w.Tools) > 0 {
		var tc *toolChoice
		if c := r.ToolChoice; c != nil {
			switch c.Mode {
			case llm.ToolAuto:
				tc = &toolChoice{Type: "auto"}
			case llm.ToolNone:
				tc = &toolChoice{Type: "none"}
			case llm.ToolRequired:
				tc, forced = &toolChoice{Type: "any"}, true
			case llm.ToolNamed:
				tc, forced = &toolChoice{Type: "tool", Name: c.Name}, true
			}
		}
		if p := r.ParallelToolCalls; p != nil && !*p && (tc == nil || tc.Type != "none") {
			if tc == nil {
				tc = &toolChoice{Type: "auto"}
			}
			t := true
			tc.DisableParallelToolUse = &t
		}
		w.ToolChoice = tc
	}

	if rs := r.Reasoning; rs != nil && !forced {
		budget := rs.BudgetTokens
		if budget <= 0 {
			switch rs.Effort {
			case "minimal", "low":
				budget = BudgetLow
			case "high", "xhigh", "max":
				budget = BudgetHigh
			default:
				budget = BudgetMedium
			}
		}
		budget = max(budget, 1024)
		if r.MaxTokens == nil {
			maxTokens += budget
		}
		if budget >= maxTokens {
			budget = maxTokens - 1
		}
		raw := r.Extra[ExtraThinking]
		switch {
		case rs.BudgetTokens <= 0 && len(raw) > 0:
			w.Thinking = raw // adaptive thinking from an Anthropic client
		case budget >= 1024:
			w.Thinking = append(w.Thinking, `{"type":"enabled","budget_tokens":`...)
			w.Thinking = strconv.AppendInt(w.Thinking, int64(budget), 10)
			w.Thinking = append(w.Thinking, '}')
		}
		if w.Thinking != nil {
			if w.Temperature != nil && *w.Temperature != 1 {
				w.Temperature = nil
			}
			w.TopK = nil
			if w.TopP != nil && *w.TopP < 0.95 {
				v := 0.95
				w.TopP = &v
			}
		}
	}
	w.MaxTokens = maxTokens
	w.OutputConfig = outputConfig
	if e := r.Extra[ExtraEffort]; len(e) > 0 && json.Valid(e) {
		w.OutputConfig = mergeEffort(w.OutputConfig, e)
	}

	b, err := json.Marshal(&w)
	if err != nil {
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Message: "the request cannot be encoded for an Anthropic upstream", Cause: err}
	}
	return appendExtra(b, r.Extra), nil
}

// mergeEffort adds "effort" to an output_config object (or makes one).
func mergeEffort(cfg, effort json.RawMessage) json.RawMessage {
	if len(cfg) == 0 {
		cfg = append(cfg, `{"effort":`...)
		cfg = append(cfg, effort...)
		return append(cfg, '}')
	}
	out := append([]byte(`{"effort":`), effort...)
	out = append(out, ',')
	return append(out, cfg[1:]...)
}

// appendExtra writes the pass-through fields of extra into the JSON object
// b, in a stable order.
func appendExtra(b []byte, extra map[string]json.RawMessage) []byte {
	var keys []string
	for k, v := range extra {
		if isPassThrough(k) && len(v) > 0 && json.Valid(v) {
			keys = append(keys, k)
		}
	}
	if keys == nil {
		return b
	}
	slices.Sort(keys)
	b = b[:len(b)-1] // the closing brace
	for _, k := range keys {
		b = append(b, ',')
		b = jsonw.AppendString(b, k)
		b = append(b, ':')
		b = append(b, extra[k]...)
	}
	return append(b, '}')
}

// upstreamMessages converts the conversation, merging turns of one role.
func upstreamMessages(msgs []llm.Message) ([]upstreamMsg, error) {
	out := make([]upstreamMsg, 0, len(msgs))
	for i := range msgs {
		m := &msgs[i]
		role := "user"
		if m.Role == llm.RoleAssistant {
			role = "assistant"
		}
		blocks := make([]block, 0, len(m.Parts))
		for j := range m.Parts {
			b, ok, err := upstreamBlock(&m.Parts[j], i, j)
			if err != nil {
				return nil, err
			}
			if ok {
				blocks = append(blocks, b)
			}
		}
		if len(blocks) == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Role == role {
			out[n-1].Content = append(out[n-1].Content, blocks...)
		} else {
			out = append(out, upstreamMsg{Role: role, Content: blocks})
		}
	}
	for i := range out {
		if out[i].Role == "user" {
			// tool_result blocks must come first in their message.
			slices.SortStableFunc(out[i].Content, func(a, b block) int {
				return resultRank(a) - resultRank(b)
			})
		}
	}
	return out, nil
}

func resultRank(b block) int {
	if b.Type == "tool_result" {
		return 0
	}
	return 1
}

func upstreamBlock(p *llm.Part, i, j int) (block, bool, error) {
	switch p.Kind {
	case llm.PartText:
		if strings.TrimSpace(p.Text) == "" {
			return block{}, false, nil
		}
		return block{Type: "text", Text: &p.Text}, true, nil
	case llm.PartImage:
		if p.Image == nil {
			return block{}, false, nil
		}
		return block{Type: "image", Source: imageSource(p.Image)}, true, nil
	case llm.PartToolCall:
		tc := p.ToolCall
		if tc == nil {
			return block{}, false, nil
		}
		args := tc.Args
		if len(args) == 0 || strings.TrimSpace(string(args)) == "" {
			args = json.RawMessage("{}")
		} else if firstByte(args) != '{' || !json.Valid(args) {
			return block{}, false, invalid("messages."+strconv.Itoa(i)+".content."+strconv.Itoa(j)+".input",
				"the arguments of tool call "+strconv.Quote(tc.ID)+" are not a JSON object; Anthropic requires tool_use input to be an object")
		}
		id := ToolID(tc.ID)
		return block{Type: "tool_use", ID: &id, Name: &tc.Name, Input: args}, true, nil
	case llm.PartToolResult:
		tr := p.ToolResult
		if tr == nil {
			return block{}, false, nil
		}
		id := ToolID(tr.CallID)
		b := block{Type: "tool_result", ToolUseID: &id}
		if tr.Content != "" {
			b.Content = &content{IsText: true, Text: tr.Content}
		}
		if tr.IsError {
			t := true
			b.IsError = &t
		}
		return b, true, nil
	case llm.PartThinking:
		if p.Signature == "" {
			return block{}, false, nil // not Anthropic's: it cannot be verified
		}
		if strings.HasPrefix(p.Signature, RedactedPrefix) && p.Text == "" {
			data := p.Signature[len(RedactedPrefix):]
			return block{Type: "redacted_thinking", Data: &data}, true, nil
		}
		return block{Type: "thinking", Thinking: &p.Text, Signature: &p.Signature}, true, nil
	}
	return block{}, false, nil
}

// imageSource renders an image; a data: URL becomes a base64 source.
func imageSource(img *llm.Image) *source {
	if img.Data != "" {
		return &source{Type: "base64", MediaType: img.MediaType, Data: img.Data}
	}
	if rest, ok := strings.CutPrefix(img.URL, "data:"); ok {
		if meta, data, ok := strings.Cut(rest, ","); ok && strings.HasSuffix(meta, ";base64") {
			return &source{Type: "base64", MediaType: strings.TrimSuffix(meta, ";base64"), Data: data}
		}
	}
	return &source{Type: "url", URL: img.URL}
}
