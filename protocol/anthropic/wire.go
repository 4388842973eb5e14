package anthropic

import (
	"encoding/json"
	"errors"

	"github.com/switchboard-gov/switchboard/internal/jsonw"
)

// The wire types of the Messages API. The request side types record the
// first key they do not know (unknown) so that DecodeRequest can answer
// "X: Extra inputs are not permitted" with the field's path, as the API
// does; the response side ignores it, for forward compatibility.

// request is the body of POST /v1/messages.
type request struct {
	Model         string        `json:"model"`
	Messages      []message     `json:"messages"`
	System        *content      `json:"system,omitempty"`
	MaxTokens     *int          `json:"max_tokens,omitempty"`
	Temperature   *float64      `json:"temperature,omitempty"`
	TopP          *float64      `json:"top_p,omitempty"`
	TopK          *int          `json:"top_k,omitempty"`
	StopSequences []string      `json:"stop_sequences,omitempty"`
	Stream        *bool         `json:"stream,omitempty"`
	Metadata      *metadata     `json:"metadata,omitempty"`
	Tools         []tool        `json:"tools,omitempty"`
	ToolChoice    *toolChoice   `json:"tool_choice,omitempty"`
	Thinking      *thinking     `json:"thinking,omitempty"`
	OutputConfig  *outputConfig `json:"output_config,omitempty"`
	// OutputFormat is the beta spelling of output_config.format.
	OutputFormat *jsonFormat `json:"output_format,omitempty"`

	unknown  string
	messages bool                       // the messages key was present
	extra    map[string]json.RawMessage // pass-through fields
}

// passThrough lists the top-level fields the API accepts that have no
// canonical slot. DecodeRequest keeps them in Request.Extra under these
// names and EncodeRequest writes them back; fields from other protocols'
// Extra are dropped.
var passThrough = [...]string{
	"service_tier", "container", "mcp_servers", "context_management",
	"inference_geo", "speed", "cache_control", "diagnostics",
}

func isPassThrough(k string) bool {
	for _, p := range passThrough {
		if p == k {
			return true
		}
	}
	return false
}

// Extra keys this codec uses beyond the pass-through fields.
const (
	// ExtraServerTools holds the server tools (those with a type such as
	// "web_search_20250305") as a JSON array; they have no canonical form.
	ExtraServerTools = "tools_server"
	// ExtraThinking holds a thinking config other than enabled/disabled
	// (adaptive, between_tools), verbatim.
	ExtraThinking = "thinking"
	// ExtraEffort holds output_config.effort, verbatim.
	ExtraEffort = "output_config.effort"
)

func (r *request) UnmarshalJSON(d []byte) error {
	type plain request
	if err := json.Unmarshal(d, (*plain)(r)); err != nil {
		return err
	}
	r.unknown, r.messages, r.extra = "", false, nil
	return eachKey(d, func(k string, v []byte) bool {
		switch k {
		case "model", "system", "max_tokens", "temperature", "top_p", "top_k",
			"stop_sequences", "stream", "metadata", "tools", "tool_choice", "thinking",
			"output_config", "output_format":
		case "messages":
			r.messages = true
		default:
			if !isPassThrough(k) {
				r.unknown = k
				return false
			}
			if r.extra == nil {
				r.extra = make(map[string]json.RawMessage, 2)
			}
			r.extra[k] = append(json.RawMessage(nil), v...)
		}
		return true
	})
}

type message struct {
	Role    string  `json:"role"`
	Content content `json:"content"`
	unknown string
}

func (m *message) UnmarshalJSON(d []byte) error {
	type plain message
	if err := json.Unmarshal(d, (*plain)(m)); err != nil {
		return err
	}
	m.unknown = unknownKey(d, "role", "content")
	return nil
}

// content is a string or a list of blocks: message content, system, and
// tool_result content all take both forms.
type content struct {
	Text   string
	Blocks []block
	// IsText is true when the JSON was a string.
	IsText bool
	// Null is true when the JSON was null.
	Null bool
}

var errNotContent = errors.New("content must be a string or a list of content blocks")

func (c *content) UnmarshalJSON(d []byte) error {
	*c = content{}
	switch firstByte(d) {
	case '"':
		c.IsText = true
		return json.Unmarshal(d, &c.Text)
	case '[':
		return json.Unmarshal(d, &c.Blocks)
	case 'n':
		c.Null = true
		return nil
	}
	return errNotContent
}

func (c content) MarshalJSON() ([]byte, error) {
	if c.IsText {
		return jsonw.AppendString(nil, c.Text), nil
	}
	if c.Blocks == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(c.Blocks)
}

// block is the union of every content block this codec handles; Type says
// which fields belong to it.
type block struct {
	Type      string          `json:"type"`
	ID        *string         `json:"id,omitempty"`
	Name      *string         `json:"name,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
	Text      *string         `json:"text,omitempty"`
	Thinking  *string         `json:"thinking,omitempty"`
	Signature *string         `json:"signature,omitempty"`
	Data      *string         `json:"data,omitempty"`
	Source    *source         `json:"source,omitempty"`
	ToolUseID *string         `json:"tool_use_id,omitempty"`
	Content   *content        `json:"content,omitempty"`
	IsError   *bool           `json:"is_error,omitempty"`

	CacheControl json.RawMessage `json:"cache_control,omitempty"`
	Citations    json.RawMessage `json:"citations,omitempty"`
	Caller       json.RawMessage `json:"caller,omitempty"`

	unknown string
}

func (b *block) UnmarshalJSON(d []byte) error {
	type plain block
	if err := json.Unmarshal(d, (*plain)(b)); err != nil {
		return err
	}
	b.unknown = ""
	eachKey(d, func(k string, _ []byte) bool {
		ok := k == "type"
		switch b.Type {
		case "text":
			ok = ok || k == "text" || k == "cache_control" || k == "citations"
		case "image":
			ok = ok || k == "source" || k == "cache_control"
		case "tool_use":
			ok = ok || k == "id" || k == "name" || k == "input" || k == "cache_control" || k == "caller"
		case "tool_result":
			ok = ok || k == "tool_use_id" || k == "content" || k == "is_error" || k == "cache_control"
		case "thinking":
			ok = ok || k == "thinking" || k == "signature"
		case "redacted_thinking":
			ok = ok || k == "data"
		default:
			ok = true // the type itself is rejected
		}
		if !ok {
			b.unknown = k
		}
		return ok
	})
	return nil
}

type source struct {
	Type      string `json:"type"`
	MediaType string `json:"media_type,omitempty"`
	Data      string `json:"data,omitempty"`
	URL       string `json:"url,omitempty"`
	unknown   string
}

func (s *source) UnmarshalJSON(d []byte) error {
	type plain source
	if err := json.Unmarshal(d, (*plain)(s)); err != nil {
		return err
	}
	if s.Type == "url" {
		s.unknown = unknownKey(d, "type", "url")
	} else {
		s.unknown = unknownKey(d, "type", "media_type", "data")
	}
	return nil
}

type metadata struct {
	UserID  *string `json:"user_id,omitempty"`
	unknown string
}

func (m *metadata) UnmarshalJSON(d []byte) error {
	type plain metadata
	if err := json.Unmarshal(d, (*plain)(m)); err != nil {
		return err
	}
	m.unknown = unknownKey(d, "user_id")
	return nil
}

// tool is a custom tool; a server tool (one with a type other than
// "custom") is kept raw.
type tool struct {
	Type        string          `json:"type,omitempty"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema,omitempty"`
	Strict      *bool           `json:"strict,omitempty"`

	CacheControl        json.RawMessage `json:"cache_control,omitempty"`
	EagerInputStreaming json.RawMessage `json:"eager_input_streaming,omitempty"`
	DeferLoading        json.RawMessage `json:"defer_loading,omitempty"`
	InputExamples       json.RawMessage `json:"input_examples,omitempty"`
	AllowedCallers      json.RawMessage `json:"allowed_callers,omitempty"`

	raw     json.RawMessage
	unknown string
}

func (t *tool) UnmarshalJSON(d []byte) error {
	type plain tool
	if err := json.Unmarshal(d, (*plain)(t)); err != nil {
		return err
	}
	t.raw = append(t.raw[:0:0], d...)
	t.unknown = ""
	if t.Type == "" || t.Type == "custom" {
		t.unknown = unknownKey(d, "type", "name", "description", "input_schema", "strict",
			"cache_control", "eager_input_streaming", "defer_loading", "input_examples", "allowed_callers")
	}
	return nil
}

type toolChoice struct {
	Type                   string `json:"type"`
	Name                   string `json:"name,omitempty"`
	DisableParallelToolUse *bool  `json:"disable_parallel_tool_use,omitempty"`
	unknown                string
}

func (t *toolChoice) UnmarshalJSON(d []byte) error {
	type plain toolChoice
	if err := json.Unmarshal(d, (*plain)(t)); err != nil {
		return err
	}
	t.unknown = unknownKey(d, "type", "name", "disable_parallel_tool_use")
	return nil
}

type thinking struct {
	Type         string `json:"type"`
	BudgetTokens *int   `json:"budget_tokens,omitempty"`
	Display      string `json:"display,omitempty"`
	raw          json.RawMessage
	unknown      string
}

func (t *thinking) UnmarshalJSON(d []byte) error {
	type plain thinking
	if err := json.Unmarshal(d, (*plain)(t)); err != nil {
		return err
	}
	t.raw = append(t.raw[:0:0], d...)
	t.unknown = unknownKey(d, "type", "budget_tokens", "display")
	return nil
}

type outputConfig struct {
	Effort  json.RawMessage `json:"effort,omitempty"`
	Format  *jsonFormat     `json:"format,omitempty"`
	unknown string
}

func (o *outputConfig) UnmarshalJSON(d []byte) error {
	type plain outputConfig
	if err := json.Unmarshal(d, (*plain)(o)); err != nil {
		return err
	}
	o.unknown = unknownKey(d, "effort", "format")
	return nil
}

type jsonFormat struct {
	Type    string          `json:"type"`
	Schema  json.RawMessage `json:"schema,omitempty"`
	unknown string
}

func (f *jsonFormat) UnmarshalJSON(d []byte) error {
	type plain jsonFormat
	if err := json.Unmarshal(d, (*plain)(f)); err != nil {
		return err
	}
	f.unknown = unknownKey(d, "type", "schema")
	return nil
}

// response is a complete message, also the message of message_start.
type response struct {
	ID           string  `json:"id"`
	Type         string  `json:"type"`
	Role         string  `json:"role"`
	Model        string  `json:"model"`
	Content      []block `json:"content"`
	StopReason   *string `json:"stop_reason"`
	StopSequence *string `json:"stop_sequence"`
	Usage        usage   `json:"usage"`
}

type usage struct {
	InputTokens              int            `json:"input_tokens"`
	CacheCreationInputTokens int            `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int            `json:"cache_read_input_tokens"`
	OutputTokens             int            `json:"output_tokens"`
	OutputTokensDetails      *outputDetails `json:"output_tokens_details,omitempty"`
}

type outputDetails struct {
	ThinkingTokens int `json:"thinking_tokens"`
}

// streamEvent is the union of the stream's data payloads.
type streamEvent struct {
	Type         string       `json:"type"`
	Message      *response    `json:"message"`
	Index        int          `json:"index"`
	ContentBlock *block       `json:"content_block"`
	Delta        streamDelta  `json:"delta"`
	Usage        *deltaUsage  `json:"usage"`
	Error        *errorDetail `json:"error"`
}

type streamDelta struct {
	Type         string  `json:"type"`
	Text         string  `json:"text"`
	PartialJSON  string  `json:"partial_json"`
	Thinking     string  `json:"thinking"`
	Signature    string  `json:"signature"`
	StopReason   *string `json:"stop_reason"`
	StopSequence *string `json:"stop_sequence"`
}

// deltaUsage is message_delta's usage: every count is cumulative and any
// may be missing.
type deltaUsage struct {
	InputTokens              *int           `json:"input_tokens"`
	CacheCreationInputTokens *int           `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     *int           `json:"cache_read_input_tokens"`
	OutputTokens             *int           `json:"output_tokens"`
	OutputTokensDetails      *outputDetails `json:"output_tokens_details"`
}

type errorBody struct {
	Type      string      `json:"type"`
	Error     errorDetail `json:"error"`
	RequestID string      `json:"request_id,omitempty"`
}

type errorDetail struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}
