// Package llm is the canonical, protocol-neutral model of a chat request, its
// response and its stream of events. Every protocol package decodes into it
// and encodes from it, so N protocols need 2N codecs instead of N² translators.
// It has no HTTP and no wire JSON.
package llm

import "encoding/json"

// Role is who speaks a message. Tool results travel as parts of a user
// message, as in Anthropic's Messages API.
type Role string

// The roles of a conversation.
const (
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Request is one chat request in canonical form.
type Request struct {
	// Model is the model the client asked for (before routing).
	Model string
	// System holds the system and developer instructions, in order.
	System   []string
	Messages []Message
	Tools    []Tool
	// ToolChoice is nil when the client did not say.
	ToolChoice *ToolChoice
	// ParallelToolCalls is nil when the client did not say.
	ParallelToolCalls *bool

	MaxTokens        *int
	Temperature      *float64
	TopP             *float64
	TopK             *int
	Seed             *int64
	PresencePenalty  *float64
	FrequencyPenalty *float64
	Stop             []string
	ResponseFormat   *ResponseFormat
	Reasoning        *Reasoning

	Stream bool
	// IncludeUsage asks for usage on a stream (OpenAI stream_options);
	// other protocols always send it.
	IncludeUsage bool
	// User is the end user the client names (OpenAI user, Anthropic
	// metadata.user_id), for the audit trail.
	User string

	// Extra keeps top-level fields the source protocol sent that have no
	// canonical meaning, keyed by their wire name. An encoder writes back
	// those its own protocol accepts and drops the rest.
	Extra map[string]json.RawMessage
}

// Message is one turn of the conversation.
type Message struct {
	Role  Role
	Parts []Part
}

// PartKind says which field of a Part is set.
type PartKind uint8

// The kinds of content part.
const (
	PartText PartKind = iota + 1
	PartImage
	PartToolCall
	PartToolResult
	PartThinking
)

// Part is one piece of a message's content.
type Part struct {
	Kind PartKind
	// Text is the text of a PartText, or the reasoning of a PartThinking.
	Text string
	// Signature is the opaque signature of a thinking block (Anthropic) or
	// the thoughtSignature of a Gemini part; passed back verbatim.
	Signature string

	Image      *Image
	ToolCall   *ToolCall
	ToolResult *ToolResult
}

// Image is an image given inline (MediaType + base64 Data) or by URL.
type Image struct {
	MediaType string
	// Data is standard base64, without a data: prefix.
	Data   string
	URL    string
	Detail string
}

// ToolCall is the model's request to call a function.
type ToolCall struct {
	ID   string
	Name string
	// Args is the JSON object of arguments, as text.
	Args json.RawMessage
}

// ToolResult answers a ToolCall.
type ToolResult struct {
	CallID string
	// Name is the called function's name: Gemini requires it, OpenAI omits
	// it, so decoders recover it from the earlier call.
	Name string
	// Content is the result as text (JSON text when the source sent an object).
	Content string
	IsError bool
}

// Tool is a function the model may call.
type Tool struct {
	Name        string
	Description string
	// Parameters is a JSON Schema object, as text; nil means no parameters.
	Parameters json.RawMessage
	Strict     *bool
}

// ToolChoiceMode says whether and how the model must call tools.
type ToolChoiceMode string

// The tool choice modes.
const (
	ToolAuto     ToolChoiceMode = "auto"
	ToolNone     ToolChoiceMode = "none"
	ToolRequired ToolChoiceMode = "required"
	// ToolNamed forces the function named in ToolChoice.Name.
	ToolNamed ToolChoiceMode = "tool"
)

// ToolChoice constrains tool calls.
type ToolChoice struct {
	Mode ToolChoiceMode
	Name string
}

// ResponseFormat asks for JSON output.
type ResponseFormat struct {
	// Type is "text", "json_object" or "json_schema".
	Type   string
	Name   string
	Schema json.RawMessage
	Strict *bool
}

// Reasoning asks for extended thinking.
type Reasoning struct {
	// Effort is "minimal", "low", "medium" or "high", when given.
	Effort string
	// BudgetTokens is the thinking budget, when given.
	BudgetTokens int
}

// StopReason is why generation ended, normalised across protocols.
type StopReason string

// The stop reasons.
const (
	StopEnd       StopReason = "end"
	StopMaxTokens StopReason = "max_tokens"
	StopSequence  StopReason = "stop_sequence"
	StopToolCalls StopReason = "tool_calls"
	StopRefused   StopReason = "refused"
	StopError     StopReason = "error"
)

// Usage counts tokens. Input includes cached tokens; Output includes
// reasoning tokens.
type Usage struct {
	Input      int
	Output     int
	CacheRead  int
	CacheWrite int
	Reasoning  int
}

// Total is Input + Output.
func (u Usage) Total() int { return u.Input + u.Output }

// Response is a complete, non-streamed answer: the fold of its stream.
type Response struct {
	ID    string
	Model string
	// Content holds text, tool-call and thinking parts, in block order.
	Content      []Part
	StopReason   StopReason
	StopSequence string
	Usage        Usage
}
