package openai

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// This file holds the JSON shapes of the Chat Completions API. Conversion
// logic lives in request.go, response.go, stream.go and errors.go.

// chatRequest is a client's POST /v1/chat/completions body, as far as the
// canonical model has room for it. Top-level fields without a canonical slot
// are collected into llm.Request.Extra by scanTopLevel, not by this struct.
type chatRequest struct {
	Model               *string         `json:"model"`
	Messages            []message       `json:"messages"`
	Tools               []tool          `json:"tools"`
	ToolChoice          *toolChoice     `json:"tool_choice"`
	ParallelToolCalls   *bool           `json:"parallel_tool_calls"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	MaxTokens           *int            `json:"max_tokens"`
	Temperature         *float64        `json:"temperature"`
	TopP                *float64        `json:"top_p"`
	Seed                *int64          `json:"seed"`
	PresencePenalty     *float64        `json:"presence_penalty"`
	FrequencyPenalty    *float64        `json:"frequency_penalty"`
	Stop                stopList        `json:"stop"`
	ResponseFormat      *responseFormat `json:"response_format"`
	ReasoningEffort     *string         `json:"reasoning_effort"`
	Stream              *bool           `json:"stream"`
	StreamOptions       *streamOptions  `json:"stream_options"`
	User                *string         `json:"user"`
	SafetyIdentifier    *string         `json:"safety_identifier"`
	hasMessages         bool            // set by decodeRequest: "messages" was present
}

type rawJSON = json.RawMessage

// upstreamRequest is what EncodeRequest sends. Field order follows the API
// reference; Extra fields are spliced in after it.
type upstreamRequest struct {
	Model               string          `json:"model"`
	Messages            []outMessage    `json:"messages"`
	Tools               []tool          `json:"tools,omitempty"`
	ToolChoice          any             `json:"tool_choice,omitempty"`
	ParallelToolCalls   *bool           `json:"parallel_tool_calls,omitempty"`
	MaxCompletionTokens *int            `json:"max_completion_tokens,omitempty"`
	Temperature         *float64        `json:"temperature,omitempty"`
	TopP                *float64        `json:"top_p,omitempty"`
	Seed                *int64          `json:"seed,omitempty"`
	PresencePenalty     *float64        `json:"presence_penalty,omitempty"`
	FrequencyPenalty    *float64        `json:"frequency_penalty,omitempty"`
	Stop                []string        `json:"stop,omitempty"`
	ResponseFormat      *responseFormat `json:"response_format,omitempty"`
	ReasoningEffort     string          `json:"reasoning_effort,omitempty"`
	Stream              bool            `json:"stream,omitempty"`
	StreamOptions       *streamOptions  `json:"stream_options,omitempty"`
	User                string          `json:"user,omitempty"`
}

type streamOptions struct {
	IncludeUsage *bool `json:"include_usage,omitempty"`
}

// message is one entry of "messages" as a client sends it.
type message struct {
	Role       string     `json:"role"`
	Content    content    `json:"content"`
	Name       string     `json:"name,omitempty"`
	ToolCalls  []toolCall `json:"tool_calls"`
	ToolCallID *string    `json:"tool_call_id"`
	Refusal    *string    `json:"refusal"`
}

// outMessage is one entry of "messages" as EncodeRequest writes it. Content
// is a string, a []outPart or nil (null, for an assistant turn with only
// tool calls).
type outMessage struct {
	Role       string     `json:"role"`
	Content    any        `json:"content"`
	ToolCalls  []toolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

type outPart struct {
	Type     string    `json:"type"`
	Text     *string   `json:"text,omitempty"`
	ImageURL *imageURL `json:"image_url,omitempty"`
}

// content is a message's content: a string, an array of parts, or null.
type content struct {
	set    bool // present and not null
	isText bool // a plain string
	text   string
	parts  []contentPart
}

func (c *content) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*c = content{}
	if len(b) == 0 || b[0] == 'n' {
		return nil
	}
	c.set = true
	if b[0] == '"' {
		c.isText = true
		return json.Unmarshal(b, &c.text)
	}
	if b[0] != '[' {
		return &json.UnmarshalTypeError{Value: jsonKind(b[0]), Type: contentType}
	}
	return json.Unmarshal(b, &c.parts)
}

type contentPart struct {
	Type     string    `json:"type"`
	Text     *string   `json:"text"`
	ImageURL *imageURL `json:"image_url"`
	Refusal  *string   `json:"refusal"`
}

type imageURL struct {
	URL    string `json:"url"`
	Detail string `json:"detail,omitempty"`
}

type toolCall struct {
	Index    *int         `json:"index,omitempty"` // streaming only
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function functionCall `json:"function"`
}

type functionCall struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

type tool struct {
	Type     string   `json:"type"`
	Function function `json:"function"`
}

type function struct {
	Name        string  `json:"name"`
	Description string  `json:"description,omitempty"`
	Parameters  rawJSON `json:"parameters,omitempty"`
	Strict      *bool   `json:"strict,omitempty"`
}

// toolChoice is "none" | "auto" | "required" | {type:"function",function:{name}}.
type toolChoice struct {
	mode string // the string form
	obj  toolChoiceObject
}

type toolChoiceObject struct {
	Type     string `json:"type"`
	Function *struct {
		Name string `json:"name"`
	} `json:"function"`
}

func (t *toolChoice) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	if b[0] == '"' {
		return json.Unmarshal(b, &t.mode)
	}
	if b[0] != '{' {
		return &json.UnmarshalTypeError{Value: jsonKind(b[0]), Type: toolChoiceType}
	}
	return json.Unmarshal(b, &t.obj)
}

// stopList is "stop": a string or an array of strings.
type stopList []string

func (s *stopList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = stopList{one}
		return nil
	}
	if len(b) > 0 && b[0] == 'n' {
		*s = nil
		return nil
	}
	if len(b) == 0 {
		return nil
	}
	if b[0] != '[' {
		return &json.UnmarshalTypeError{Value: jsonKind(b[0]), Type: stopType}
	}
	return json.Unmarshal(b, (*[]string)(s))
}

type responseFormat struct {
	Type       string      `json:"type"`
	JSONSchema *jsonSchema `json:"json_schema,omitempty"`
}

type jsonSchema struct {
	Name        string  `json:"name"`
	Description string  `json:"description,omitempty"`
	Schema      rawJSON `json:"schema,omitempty"`
	Strict      *bool   `json:"strict,omitempty"`
}

// chatCompletion is the non-streamed response (both directions).
type chatCompletion struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []choice     `json:"choices"`
	Usage             *usage       `json:"usage,omitempty"`
	SystemFingerprint *string      `json:"system_fingerprint,omitempty"`
	Error             *errorObject `json:"error,omitempty"` // some compatible servers answer 200 with an error
}

type choice struct {
	Index        int             `json:"index"`
	Message      responseMessage `json:"message"`
	Logprobs     rawJSON         `json:"logprobs"`
	FinishReason *string         `json:"finish_reason"`
}

type responseMessage struct {
	Role      string     `json:"role"`
	Content   *string    `json:"content"`
	Refusal   *string    `json:"refusal"`
	ToolCalls []toolCall `json:"tool_calls,omitempty"`
	// Annotations is always [] on the way out, as OpenAI sends it.
	Annotations []struct{} `json:"annotations"`
	// ReasoningContent (vLLM, DeepSeek, llama.cpp) and Reasoning (Ollama,
	// OpenRouter) carry thinking on OpenAI-compatible servers; read only.
	ReasoningContent *string `json:"reasoning_content,omitempty"`
	Reasoning        *string `json:"reasoning,omitempty"`
}

type usage struct {
	PromptTokens            int                      `json:"prompt_tokens"`
	CompletionTokens        int                      `json:"completion_tokens"`
	TotalTokens             int                      `json:"total_tokens"`
	PromptTokensDetails     *promptTokensDetails     `json:"prompt_tokens_details,omitempty"`
	CompletionTokensDetails *completionTokensDetails `json:"completion_tokens_details,omitempty"`
}

type promptTokensDetails struct {
	CachedTokens int `json:"cached_tokens"`
	AudioTokens  int `json:"audio_tokens"`
}

type completionTokensDetails struct {
	ReasoningTokens          int `json:"reasoning_tokens"`
	AudioTokens              int `json:"audio_tokens"`
	AcceptedPredictionTokens int `json:"accepted_prediction_tokens"`
	RejectedPredictionTokens int `json:"rejected_prediction_tokens"`
}

// chunk is one streamed chat.completion.chunk, as read from an upstream.
type chunk struct {
	ID      string        `json:"id"`
	Model   string        `json:"model"`
	Choices []chunkChoice `json:"choices"`
	Usage   *usage        `json:"usage"`
	Error   rawJSON       `json:"error"`
}

type chunkChoice struct {
	Index        int     `json:"index"`
	Delta        delta   `json:"delta"`
	FinishReason *string `json:"finish_reason"`
}

// delta holds what the stream decoder reads of a chunk's delta; a null or
// absent string is "", which the decoder treats as nothing.
type delta struct {
	Content          string     `json:"content"`
	Refusal          string     `json:"refusal"`
	ReasoningContent string     `json:"reasoning_content"`
	Reasoning        string     `json:"reasoning"`
	ToolCalls        []toolCall `json:"tool_calls"`
}

// errorObject is the inside of OpenAI's {"error":{…}} body, in error
// answers and in mid-stream error chunks.
type errorObject struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	// Code is a string on OpenAI, a number on some compatible servers.
	Code rawJSON `json:"code"`
}

// The types named in the type errors of the custom unmarshalers.
var (
	contentType    = reflect.TypeFor[content]()
	toolChoiceType = reflect.TypeFor[toolChoice]()
	stopType       = reflect.TypeFor[stopList]()
)

// jsonKind names the JSON kind that starts with c, as encoding/json does.
func jsonKind(c byte) string {
	switch c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	default:
		return "number"
	}
}
