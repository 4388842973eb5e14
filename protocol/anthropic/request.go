package anthropic

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
)

// invalid returns an EINVALID error whose message starts with the field's
// path, the way the API words its validation errors.
func invalid(param, msg string) *switchboard.Error {
	if param == "" {
		return &switchboard.Error{Code: switchboard.EINVALID, Message: msg}
	}
	return &switchboard.Error{Code: switchboard.EINVALID, Message: param + ": " + msg, Param: param}
}

func extraInput(path, key string) *switchboard.Error {
	return invalid(join(path, key), "Extra inputs are not permitted")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func at(path string, i int) string { return path + "." + strconv.Itoa(i) }

// jsonError turns an encoding/json error into the API's wording.
func jsonError(err error) *switchboard.Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return invalid("", "There was an error parsing the body of your request: invalid JSON at byte "+
			strconv.FormatInt(se.Offset, 10)+" ("+se.Error()+"); send a JSON object")
	case errors.As(err, &te):
		want := "value"
		switch te.Type.Kind() {
		case reflect.String:
			want = "string"
		case reflect.Int, reflect.Int64:
			want = "integer"
		case reflect.Float64:
			want = "number"
		case reflect.Bool:
			want = "boolean"
		case reflect.Slice:
			want = "list"
		case reflect.Struct, reflect.Map:
			want = "dictionary"
		}
		if te.Value == "number" && want == "integer" {
			return invalid(te.Field, "Input should be a valid integer, got a number with a fractional part or out of range")
		}
		field := te.Field
		if field == "" {
			field = "body"
		}
		return invalid(field, "Input should be a valid "+want)
	case errors.Is(err, errNotContent):
		return invalid("", "content and system must be a string or a list of content blocks")
	}
	return invalid("", "There was an error parsing the body of your request: "+err.Error())
}

// DecodeRequest parses and validates a Messages request body the way the
// API would.
func (codec) DecodeRequest(body []byte, _ protocol.Target) (*llm.Request, error) {
	if !utf8.Valid(body) {
		return nil, invalid("", "The request body is not valid UTF-8; send the JSON encoded as UTF-8")
	}
	if firstByte(body) != '{' {
		if firstByte(body) == 0 {
			return nil, invalid("", "The request body is empty; send a JSON object")
		}
		if !json.Valid(body) {
			return nil, jsonError(json.Unmarshal(body, new(any)))
		}
		return nil, invalid("", "The request body must be a JSON object")
	}
	var w request
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, jsonError(err)
	}
	return w.canonical()
}

func (w *request) canonical() (*llm.Request, error) {
	if w.unknown != "" {
		return nil, extraInput("", w.unknown)
	}
	if w.Model == "" {
		return nil, invalid("model", "Field required")
	}
	if w.MaxTokens == nil {
		return nil, invalid("max_tokens", "Field required")
	}
	if *w.MaxTokens < 1 {
		return nil, invalid("max_tokens", "Input should be greater than or equal to 1")
	}
	if !w.messages {
		return nil, invalid("messages", "Field required")
	}
	if len(w.Messages) == 0 {
		return nil, invalid("messages", "at least one message is required")
	}
	r := &llm.Request{Model: w.Model, MaxTokens: w.MaxTokens, Temperature: w.Temperature, TopP: w.TopP, TopK: w.TopK}
	if t := w.Temperature; t != nil && (*t < 0 || *t > 1) {
		return nil, invalid("temperature", "Input should be between 0 and 1 (inclusive)")
	}
	if p := w.TopP; p != nil && (*p < 0 || *p > 1) {
		return nil, invalid("top_p", "Input should be between 0 and 1 (inclusive)")
	}
	if k := w.TopK; k != nil && *k < 0 {
		return nil, invalid("top_k", "Input should be greater than or equal to 0")
	}
	if w.Stream != nil && *w.Stream {
		r.Stream, r.IncludeUsage = true, true // the API always streams usage
	}
	for k, v := range w.extra {
		r.Extra = setExtra(r.Extra, k, v)
	}
	if len(w.StopSequences) > 0 {
		r.Stop = w.StopSequences
	}
	if m := w.Metadata; m != nil {
		if m.unknown != "" {
			return nil, extraInput("metadata", m.unknown)
		}
		if m.UserID != nil {
			r.User = *m.UserID
		}
	}
	if err := w.system(r); err != nil {
		return nil, err
	}
	if err := w.tools(r); err != nil {
		return nil, err
	}
	if err := w.options(r); err != nil {
		return nil, err
	}
	if err := w.conversation(r); err != nil {
		return nil, err
	}
	return r, nil
}

func (w *request) system(r *llm.Request) error {
	s := w.System
	if s == nil || s.Null {
		return nil
	}
	if s.IsText {
		if s.Text != "" {
			r.System = []string{s.Text}
		}
		return nil
	}
	for i, b := range s.Blocks {
		p := at("system", i)
		if b.Type != "text" {
			return invalid(join(p, "type"), "Input should be 'text'")
		}
		if b.unknown != "" {
			return extraInput(p, b.unknown)
		}
		if err := checkText(p, b.Text); err != nil {
			return err
		}
		r.System = append(r.System, *b.Text)
	}
	return nil
}

func checkText(path string, t *string) error {
	if t == nil {
		return invalid(join(path, "text"), "Field required")
	}
	if *t == "" {
		return invalid(path, "text content blocks must be non-empty")
	}
	if strings.TrimSpace(*t) == "" {
		return invalid(path, "text content blocks must contain non-whitespace text")
	}
	return nil
}

func (w *request) tools(r *llm.Request) error {
	var server []json.RawMessage
	for i := range w.Tools {
		t := &w.Tools[i]
		p := at("tools", i)
		if t.Type != "" && t.Type != "custom" {
			if t.Name == "" {
				return invalid(join(p, "name"), "Field required")
			}
			server = append(server, t.raw)
			continue
		}
		if t.unknown != "" {
			return extraInput(p, t.unknown)
		}
		if !validName(t.Name, 128) {
			return invalid(join(p, "name"), "String should match pattern '^[a-zA-Z0-9_-]{1,128}$'")
		}
		if len(t.InputSchema) == 0 {
			return invalid(join(p, "input_schema"), "Field required")
		}
		if !schemaIsObject(t.InputSchema) {
			return invalid(join(p, "input_schema.type"), "Input should be 'object'")
		}
		for j := range i {
			if w.Tools[j].Name == t.Name {
				return invalid("tools", "Tool names must be unique.")
			}
		}
		r.Tools = append(r.Tools, llm.Tool{Name: t.Name, Description: t.Description, Parameters: t.InputSchema, Strict: t.Strict})
	}
	if server != nil {
		b, _ := json.Marshal(server)
		r.Extra = setExtra(r.Extra, ExtraServerTools, b)
	}
	if c := w.ToolChoice; c != nil {
		if c.unknown != "" {
			return extraInput("tool_choice", c.unknown)
		}
		tc := &llm.ToolChoice{}
		switch c.Type {
		case "auto":
			tc.Mode = llm.ToolAuto
		case "any":
			tc.Mode = llm.ToolRequired
		case "none":
			tc.Mode = llm.ToolNone
		case "tool":
			if c.Name == "" {
				return invalid("tool_choice.name", "Field required")
			}
			tc.Mode, tc.Name = llm.ToolNamed, c.Name
		default:
			return invalid("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'")
		}
		if c.Name != "" && c.Type != "tool" {
			return extraInput("tool_choice", "name")
		}
		if d := c.DisableParallelToolUse; d != nil {
			if c.Type == "none" {
				return extraInput("tool_choice", "disable_parallel_tool_use")
			}
			parallel := !*d
			r.ParallelToolCalls = &parallel
		}
		r.ToolChoice = tc
	}
	return nil
}

func setExtra(m map[string]json.RawMessage, k string, v json.RawMessage) map[string]json.RawMessage {
	if m == nil {
		m = make(map[string]json.RawMessage, 2)
	}
	m[k] = v
	return m
}

// schemaIsObject reports whether the JSON Schema s declares type "object".
func schemaIsObject(s json.RawMessage) bool {
	var v struct {
		Type *string `json:"type"`
	}
	if firstByte(s) != '{' || json.Unmarshal(s, &v) != nil {
		return false
	}
	return v.Type != nil && *v.Type == "object"
}

// validName reports whether s matches ^[a-zA-Z0-9_-]{1,max}$ (max 0: no limit).
func validName(s string, max int) bool {
	if s == "" || (max > 0 && len(s) > max) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !idByte(s[i]) {
			return false
		}
	}
	return true
}

func idByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func (w *request) options(r *llm.Request) error {
	if t := w.Thinking; t != nil {
		if t.unknown != "" {
			return extraInput("thinking", t.unknown)
		}
		switch t.Type {
		case "enabled":
			if t.BudgetTokens == nil {
				return invalid("thinking.enabled.budget_tokens", "Field required")
			}
			if *t.BudgetTokens < 1024 {
				return invalid("thinking.enabled.budget_tokens", "Input should be greater than or equal to 1024")
			}
			if *t.BudgetTokens >= *w.MaxTokens {
				return invalid("max_tokens", "`max_tokens` must be greater than `thinking.budget_tokens`")
			}
			r.Reasoning = &llm.Reasoning{BudgetTokens: *t.BudgetTokens}
			if t.Display != "" {
				r.Extra = setExtra(r.Extra, ExtraThinking, t.raw)
			}
		case "disabled":
		case "adaptive", "between_tools":
			r.Reasoning = &llm.Reasoning{}
			r.Extra = setExtra(r.Extra, ExtraThinking, t.raw)
		default:
			return invalid("thinking.type", "Input should be 'enabled', 'disabled' or 'adaptive'")
		}
	}
	format := w.OutputFormat
	field := "output_format"
	if o := w.OutputConfig; o != nil {
		if o.unknown != "" {
			return extraInput("output_config", o.unknown)
		}
		if o.Format != nil {
			format, field = o.Format, "output_config.format"
		}
		if len(o.Effort) > 0 && string(o.Effort) != "null" {
			var e string
			if json.Unmarshal(o.Effort, &e) != nil {
				return invalid("output_config.effort", "Input should be 'low', 'medium', 'high', 'xhigh' or 'max'")
			}
			r.Extra = setExtra(r.Extra, ExtraEffort, o.Effort)
			if r.Reasoning != nil {
				r.Reasoning.Effort = e
			}
		}
	}
	if format != nil {
		if format.unknown != "" {
			return extraInput(field, format.unknown)
		}
		if format.Type != "json_schema" {
			return invalid(join(field, "type"), "Input should be 'json_schema'")
		}
		if len(format.Schema) == 0 || firstByte(format.Schema) != '{' {
			return invalid(join(field, "schema"), "Field required")
		}
		r.ResponseFormat = &llm.ResponseFormat{Type: "json_schema", Schema: format.Schema}
	}
	return nil
}

// conversation converts and checks the messages: roles, content, images,
// and the pairing of tool_use and tool_result blocks. Consecutive messages
// of one role form one turn, as the API merges them before it checks.
func (w *request) conversation(r *llm.Request) error {
	r.Messages = make([]llm.Message, 0, len(w.Messages))
	var (
		turnRole  llm.Role
		turnStart int
		prevStart int
		prevCalls []string // tool_use ids of the previous turn
		calls     []string // tool_use ids of this turn
		answered  []string // tool_use ids answered in this turn
		names     map[string]string
	)
	unanswered := func() error {
		var missing []string
		for _, id := range prevCalls {
			if !contains(answered, id) {
				missing = append(missing, id)
			}
		}
		if missing == nil {
			return nil
		}
		return invalid(at("messages", prevStart), "`tool_use` ids were found without `tool_result` blocks immediately after: "+
			strings.Join(missing, ", ")+". Each `tool_use` block must have a corresponding `tool_result` block in the next message.")
	}
	last := len(w.Messages) - 1
	for i := range w.Messages {
		m := &w.Messages[i]
		p := at("messages", i)
		if m.unknown != "" {
			return extraInput(p, m.unknown)
		}
		var role llm.Role
		switch m.Role {
		case "user":
			role = llm.RoleUser
		case "assistant":
			role = llm.RoleAssistant
		case "system":
			return invalid("messages", `Unexpected role "system". The Messages API accepts a top-level `+"`system`"+` parameter, not "system" as an input message role.`)
		case "":
			return invalid(join(p, "role"), "Field required")
		default:
			return invalid(join(p, "role"), "Input should be 'user' or 'assistant'")
		}
		c := &m.Content
		if c.Null {
			return invalid(join(p, "content"), "Input should be a valid list")
		}
		if !c.IsText && c.Blocks == nil {
			return invalid(join(p, "content"), "Field required")
		}
		if (c.IsText && c.Text == "") || (!c.IsText && len(c.Blocks) == 0) {
			if i == last && role == llm.RoleAssistant {
				continue // an empty final assistant turn asks for nothing
			}
			return invalid(p, "all messages must have non-empty content except for the optional final assistant message")
		}
		if role != turnRole {
			if turnRole == llm.RoleUser {
				if err := unanswered(); err != nil {
					return err
				}
				prevCalls = nil
			} else {
				prevCalls = calls
			}
			prevStart = turnStart
			turnRole, turnStart, calls, answered = role, i, nil, nil
		}
		msg := llm.Message{Role: role}
		if c.IsText {
			msg.Parts = []llm.Part{{Kind: llm.PartText, Text: c.Text}}
		} else {
			msg.Parts = make([]llm.Part, 0, len(c.Blocks))
			for j := range c.Blocks {
				bp := at(join(p, "content"), j)
				part, err := blockPart(&c.Blocks[j], bp, role)
				if err != nil {
					return err
				}
				switch part.Kind {
				case llm.PartToolCall:
					calls = append(calls, part.ToolCall.ID)
					if names == nil {
						names = make(map[string]string, 4)
					}
					names[part.ToolCall.ID] = part.ToolCall.Name
				case llm.PartToolResult:
					id := part.ToolResult.CallID
					if !contains(prevCalls, id) {
						return invalid(bp, "unexpected `tool_use_id` found in `tool_result` blocks: "+id+
							". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.")
					}
					part.ToolResult.Name = names[id]
					answered = append(answered, id)
				}
				msg.Parts = append(msg.Parts, part)
			}
		}
		r.Messages = append(r.Messages, msg)
	}
	if turnRole == llm.RoleUser {
		return unanswered()
	}
	return nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

var imageTypes = [...]string{"image/jpeg", "image/png", "image/gif", "image/webp"}

// blockPart converts one content block of a message.
func blockPart(b *block, p string, role llm.Role) (llm.Part, error) {
	if b.unknown != "" {
		return llm.Part{}, extraInput(p, b.unknown)
	}
	switch b.Type {
	case "text":
		if err := checkText(p, b.Text); err != nil {
			return llm.Part{}, err
		}
		return llm.Part{Kind: llm.PartText, Text: *b.Text}, nil
	case "image":
		if role != llm.RoleUser {
			return llm.Part{}, invalid(join(p, "type"), "image blocks are only allowed in user messages")
		}
		img, err := imagePart(b.Source, join(p, "source"))
		if err != nil {
			return llm.Part{}, err
		}
		return llm.Part{Kind: llm.PartImage, Image: img}, nil
	case "tool_use":
		if role != llm.RoleAssistant {
			return llm.Part{}, invalid(join(p, "type"), "tool_use blocks are only allowed in assistant messages")
		}
		if b.ID == nil {
			return llm.Part{}, invalid(join(p, "id"), "Field required")
		}
		if !validName(*b.ID, 0) {
			return llm.Part{}, invalid(join(p, "id"), "String should match pattern '^[a-zA-Z0-9_-]+$'")
		}
		if b.Name == nil || *b.Name == "" {
			return llm.Part{}, invalid(join(p, "name"), "Field required")
		}
		if len(b.Input) == 0 {
			return llm.Part{}, invalid(join(p, "input"), "Field required")
		}
		if firstByte(b.Input) != '{' {
			return llm.Part{}, invalid(join(p, "input"), "Input should be a valid dictionary")
		}
		return llm.Part{Kind: llm.PartToolCall, ToolCall: &llm.ToolCall{ID: *b.ID, Name: *b.Name, Args: b.Input}}, nil
	case "tool_result":
		if role != llm.RoleUser {
			return llm.Part{}, invalid(join(p, "type"), "tool_result blocks are only allowed in user messages")
		}
		if b.ToolUseID == nil {
			return llm.Part{}, invalid(join(p, "tool_use_id"), "Field required")
		}
		if !validName(*b.ToolUseID, 0) {
			return llm.Part{}, invalid(join(p, "tool_use_id"), "String should match pattern '^[a-zA-Z0-9_-]+$'")
		}
		tr := &llm.ToolResult{CallID: *b.ToolUseID, IsError: b.IsError != nil && *b.IsError}
		if c := b.Content; c != nil && !c.Null {
			if c.IsText {
				tr.Content = c.Text
			} else {
				var sb strings.Builder
				for k := range c.Blocks {
					cb := &c.Blocks[k]
					cp := at(join(p, "content"), k)
					if cb.unknown != "" {
						return llm.Part{}, extraInput(cp, cb.unknown)
					}
					if cb.Type != "text" {
						return llm.Part{}, invalid(join(cp, "type"), "only text blocks are supported in tool_result content by this gateway; send the "+cb.Type+" as text")
					}
					if err := checkText(cp, cb.Text); err != nil {
						return llm.Part{}, err
					}
					if k > 0 {
						sb.WriteByte('\n')
					}
					sb.WriteString(*cb.Text)
				}
				tr.Content = sb.String()
			}
		}
		return llm.Part{Kind: llm.PartToolResult, ToolResult: tr}, nil
	case "thinking":
		if b.Thinking == nil {
			return llm.Part{}, invalid(join(p, "thinking"), "Field required")
		}
		if b.Signature == nil {
			return llm.Part{}, invalid(join(p, "signature"), "Field required")
		}
		return llm.Part{Kind: llm.PartThinking, Text: *b.Thinking, Signature: *b.Signature}, nil
	case "redacted_thinking":
		if b.Data == nil {
			return llm.Part{}, invalid(join(p, "data"), "Field required")
		}
		return llm.Part{Kind: llm.PartThinking, Signature: RedactedPrefix + *b.Data}, nil
	case "":
		return llm.Part{}, invalid(join(p, "type"), "Field required")
	}
	return llm.Part{}, invalid(join(p, "type"), "content block type '"+b.Type+"' is not supported by this gateway; use text, image, tool_use, tool_result, thinking or redacted_thinking")
}

// RedactedPrefix marks a canonical thinking part that stands for a
// redacted_thinking block: its Signature is RedactedPrefix + the block's
// opaque data, and its Text is empty.
const RedactedPrefix = "anthropic-redacted-thinking:"

func imagePart(s *source, p string) (*llm.Image, error) {
	if s == nil {
		return nil, invalid(p, "Field required")
	}
	if s.unknown != "" {
		return nil, extraInput(p, s.unknown)
	}
	switch s.Type {
	case "base64":
		if !contains(imageTypes[:], s.MediaType) {
			return nil, invalid(join(p, "media_type"), "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'")
		}
		if s.Data == "" {
			return nil, invalid(join(p, "data"), "Field required")
		}
		return &llm.Image{MediaType: s.MediaType, Data: s.Data}, nil
	case "url":
		if s.URL == "" {
			return nil, invalid(join(p, "url"), "Field required")
		}
		return &llm.Image{URL: s.URL}, nil
	case "":
		return nil, invalid(join(p, "type"), "Field required")
	}
	return nil, invalid(join(p, "type"), "Input should be 'base64' or 'url'")
}
