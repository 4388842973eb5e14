package openai

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/internal/jsonw"
	"github.com/switchboard-gov/switchboard/llm"
)

// extraFields are the top-level request fields OpenAI accepts that have no
// canonical slot. DecodeRequest keeps them in Request.Extra and
// EncodeRequest writes them back; any other top-level field is refused.
var extraFields = map[string]bool{
	"n": true, "logprobs": true, "top_logprobs": true, "logit_bias": true,
	"store": true, "metadata": true, "service_tier": true, "modalities": true,
	"prediction": true, "audio": true, "web_search_options": true,
	"verbosity": true, "prompt_cache_key": true, "prompt_cache_retention": true,
	"prompt_cache_options": true, "moderation": true, "safety_identifier": true,
	"functions": true, "function_call": true,
}

// canonicalFields are the top-level fields chatRequest decodes.
var canonicalFields = map[string]bool{
	"model": true, "messages": true, "tools": true, "tool_choice": true,
	"parallel_tool_calls": true, "max_completion_tokens": true, "max_tokens": true,
	"temperature": true, "top_p": true, "seed": true, "presence_penalty": true,
	"frequency_penalty": true, "stop": true, "response_format": true,
	"reasoning_effort": true, "stream": true, "stream_options": true, "user": true,
}

var reasoningEfforts = []string{"none", "minimal", "low", "medium", "high", "xhigh"}

// invalid returns the EINVALID error for param.
func invalid(param, format string, args ...any) *switchboard.Error {
	return &switchboard.Error{Code: switchboard.EINVALID, Message: fmt.Sprintf(format, args...), Param: param}
}

func decodeRequest(body []byte) (*llm.Request, error) {
	if !utf8.Valid(body) {
		return nil, invalid("", "The request body is not valid UTF-8. Encode the JSON body as UTF-8.")
	}
	var w chatRequest
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, jsonError(err)
	}
	r := &llm.Request{}
	var bad string
	ok := scanObject(body, func(key, val []byte) bool {
		switch {
		case canonicalFields[string(key)]:
			if string(key) == "messages" {
				w.hasMessages = true
			}
		case extraFields[string(key)]:
			if isNull(val) {
				return true
			}
			if r.Extra == nil {
				r.Extra = make(map[string]json.RawMessage, 4)
			}
			r.Extra[string(key)] = append(json.RawMessage(nil), val...)
		default:
			bad = string(key)
			return false
		}
		return true
	})
	if !ok {
		return nil, invalid("", "The request body must be a JSON object. Send {\"model\": ..., \"messages\": [...]}.")
	}
	if bad != "" {
		return nil, invalid(bad, "Unrecognized request argument supplied: %s", bad)
	}
	if err := convertRequest(&w, r); err != nil {
		return nil, err
	}
	return r, nil
}

// jsonError turns an encoding/json error into the 400 OpenAI would give.
func jsonError(err error) *switchboard.Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			return invalid("", "The request body must be a JSON object, but got %s instead.", article(te.Value))
		}
		return invalid(field, "Invalid type for '%s': expected %s, but got %s instead.", field, typeDesc(te.Type), article(te.Value))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return invalid("", "We could not parse the JSON body of your request (%s at byte %d). Send a valid JSON object.", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	}
	return invalid("", "We could not parse the JSON body of your request: %s. Send a valid JSON object.", strings.TrimPrefix(err.Error(), "json: "))
}

func article(kind string) string {
	switch kind {
	case "object", "array":
		return "an " + kind
	case "null":
		return "null"
	case "bool":
		return "a boolean"
	default:
		if strings.HasPrefix(kind, "number") {
			return "a number"
		}
		return "a " + kind
	}
}

func typeDesc(t reflect.Type) string {
	switch t {
	case contentType:
		return "one of a string or array of objects"
	case toolChoiceType:
		return "one of a string or object"
	case stopType:
		return "one of a string or array of strings"
	}
	if t == nil {
		return "another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Slice:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "another type"
}

func convertRequest(w *chatRequest, r *llm.Request) error {
	if w.Model == nil || *w.Model == "" {
		return invalid("model", "you must provide a model parameter")
	}
	r.Model = *w.Model
	if !w.hasMessages || w.Messages == nil {
		return invalid("messages", "Missing required parameter: 'messages'.")
	}
	if len(w.Messages) == 0 {
		return invalid("messages", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.")
	}
	if err := convertMessages(w.Messages, r); err != nil {
		return err
	}
	if err := convertTools(w, r); err != nil {
		return err
	}

	r.MaxTokens = w.MaxCompletionTokens
	param := "max_completion_tokens"
	if r.MaxTokens == nil {
		r.MaxTokens, param = w.MaxTokens, "max_tokens"
	}
	if r.MaxTokens != nil && *r.MaxTokens < 1 {
		return invalid(param, "Invalid '%s': integer below minimum value. Expected a value >= 1, but got %d instead.", param, *r.MaxTokens)
	}
	if err := checkRange("temperature", w.Temperature, 0, 2); err != nil {
		return err
	}
	if err := checkRange("top_p", w.TopP, 0, 1); err != nil {
		return err
	}
	if err := checkRange("presence_penalty", w.PresencePenalty, -2, 2); err != nil {
		return err
	}
	if err := checkRange("frequency_penalty", w.FrequencyPenalty, -2, 2); err != nil {
		return err
	}
	r.Temperature, r.TopP, r.Seed = w.Temperature, w.TopP, w.Seed
	r.PresencePenalty, r.FrequencyPenalty = w.PresencePenalty, w.FrequencyPenalty
	if len(w.Stop) > 4 {
		return invalid("stop", "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length %d instead.", len(w.Stop))
	}
	if len(w.Stop) > 0 {
		r.Stop = w.Stop
	}

	if rf := w.ResponseFormat; rf != nil {
		switch rf.Type {
		case "text", "json_object":
			r.ResponseFormat = &llm.ResponseFormat{Type: rf.Type}
		case "json_schema":
			if rf.JSONSchema == nil {
				return invalid("response_format.json_schema", "Missing required parameter: 'response_format.json_schema'.")
			}
			if rf.JSONSchema.Name == "" {
				return invalid("response_format.json_schema.name", "Missing required parameter: 'response_format.json_schema.name'.")
			}
			r.ResponseFormat = &llm.ResponseFormat{Type: rf.Type, Name: rf.JSONSchema.Name, Strict: rf.JSONSchema.Strict}
			if len(rf.JSONSchema.Schema) > 0 && !isNull(rf.JSONSchema.Schema) {
				r.ResponseFormat.Schema = rf.JSONSchema.Schema
			}
		case "":
			return invalid("response_format.type", "Missing required parameter: 'response_format.type'.")
		default:
			return invalid("response_format.type", "Invalid value: '%s'. Supported values are: 'text', 'json_object', and 'json_schema'.", rf.Type)
		}
	}
	if e := w.ReasoningEffort; e != nil {
		if !contains(reasoningEfforts, *e) {
			return invalid("reasoning_effort", "Invalid value: '%s'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', and 'xhigh'.", *e)
		}
		r.Reasoning = &llm.Reasoning{Effort: *e}
	}

	r.Stream = w.Stream != nil && *w.Stream
	if w.StreamOptions != nil {
		if !r.Stream {
			return invalid("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.")
		}
		r.IncludeUsage = w.StreamOptions.IncludeUsage != nil && *w.StreamOptions.IncludeUsage
	}
	switch {
	case w.User != nil && *w.User != "":
		r.User = *w.User
	case w.SafetyIdentifier != nil:
		r.User = *w.SafetyIdentifier
	}
	return nil
}

func checkRange(param string, v *float64, lo, hi float64) error {
	if v == nil {
		return nil
	}
	if *v < lo {
		return invalid(param, "Invalid '%s': decimal below minimum value. Expected a value >= %g, but got %g instead.", param, lo, *v)
	}
	if *v > hi {
		return invalid(param, "Invalid '%s': decimal above maximum value. Expected a value <= %g, but got %g instead.", param, hi, *v)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func convertTools(w *chatRequest, r *llm.Request) error {
	if w.Tools != nil && len(w.Tools) == 0 {
		return invalid("tools", "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.")
	}
	if len(w.Tools) > 0 {
		r.Tools = make([]llm.Tool, len(w.Tools))
	}
	for i, t := range w.Tools {
		switch t.Type {
		case "function":
		case "":
			return invalid(fmt.Sprintf("tools[%d].type", i), "Missing required parameter: 'tools[%d].type'.", i)
		case "custom":
			return invalid(fmt.Sprintf("tools[%d].type", i), "This gateway supports only tools of type 'function'; tools[%d] is of type 'custom'.", i)
		default:
			return invalid(fmt.Sprintf("tools[%d].type", i), "Invalid value: '%s'. Supported values are: 'function' and 'custom'.", t.Type)
		}
		if t.Function.Name == "" {
			return invalid(fmt.Sprintf("tools[%d].function.name", i), "Missing required parameter: 'tools[%d].function.name'.", i)
		}
		if !validToolName(t.Function.Name) {
			return invalid(fmt.Sprintf("tools[%d].function.name", i), "Invalid 'tools[%d].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", i)
		}
		p := t.Function.Parameters
		if isNull(p) {
			p = nil
		}
		r.Tools[i] = llm.Tool{Name: t.Function.Name, Description: t.Function.Description, Parameters: p, Strict: t.Function.Strict}
	}
	if tc := w.ToolChoice; tc != nil {
		if len(r.Tools) == 0 {
			return invalid("tool_choice", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.")
		}
		switch {
		case tc.mode == "none" || tc.mode == "auto" || tc.mode == "required":
			r.ToolChoice = &llm.ToolChoice{Mode: llm.ToolChoiceMode(tc.mode)}
		case tc.mode != "":
			return invalid("tool_choice", "Invalid value: '%s'. Supported values are: 'none', 'auto', and 'required'.", tc.mode)
		case tc.obj.Type == "function":
			if tc.obj.Function == nil || tc.obj.Function.Name == "" {
				return invalid("tool_choice.function.name", "Missing required parameter: 'tool_choice.function.name'.")
			}
			r.ToolChoice = &llm.ToolChoice{Mode: llm.ToolNamed, Name: tc.obj.Function.Name}
		case tc.obj.Type == "":
			return invalid("tool_choice.type", "Missing required parameter: 'tool_choice.type'.")
		default:
			return invalid("tool_choice.type", "This gateway supports tool_choice of type 'function' only, not '%s'.", tc.obj.Type)
		}
	}
	if w.ParallelToolCalls != nil {
		if len(r.Tools) == 0 {
			return invalid("parallel_tool_calls", "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.")
		}
		r.ParallelToolCalls = w.ParallelToolCalls
	}
	return nil
}

func validToolName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// toolWindow tracks the tool calls of the latest assistant message until
// every one is answered, to validate tool messages as OpenAI does.
type toolWindow struct {
	assistant int // index of the assistant message, -1 when none is open
	calls     []toolCall
	answered  []bool
}

func (tw *toolWindow) check() error {
	if tw.assistant < 0 {
		return nil
	}
	var missing []string
	for j, ok := range tw.answered {
		if !ok {
			missing = append(missing, tw.calls[j].ID)
		}
	}
	if len(missing) > 0 {
		return invalid(fmt.Sprintf("messages[%d].role", tw.assistant),
			"An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: %s",
			strings.Join(missing, ", "))
	}
	return nil
}

func convertMessages(msgs []message, r *llm.Request) error {
	r.Messages = make([]llm.Message, 0, len(msgs))
	tw := toolWindow{assistant: -1}
	lastTool := false // the last canonical message holds tool results
	for i := range msgs {
		m := &msgs[i]
		if m.Role != "tool" {
			if err := tw.check(); err != nil {
				return err
			}
			tw.assistant = -1
			lastTool = false
		}
		switch m.Role {
		case "system", "developer":
			texts, err := textOnly(m, i)
			if err != nil {
				return err
			}
			r.System = append(r.System, texts...)
		case "user":
			parts, err := userParts(m, i)
			if err != nil {
				return err
			}
			r.Messages = append(r.Messages, llm.Message{Role: llm.RoleUser, Parts: parts})
		case "assistant":
			parts, err := assistantParts(m, i)
			if err != nil {
				return err
			}
			r.Messages = append(r.Messages, llm.Message{Role: llm.RoleAssistant, Parts: parts})
			if len(m.ToolCalls) > 0 {
				tw = toolWindow{assistant: i, calls: m.ToolCalls, answered: make([]bool, len(m.ToolCalls))}
			}
		case "tool":
			res, err := toolResult(m, i, &tw)
			if err != nil {
				return err
			}
			if lastTool {
				last := &r.Messages[len(r.Messages)-1]
				last.Parts = append(last.Parts, res)
			} else {
				r.Messages = append(r.Messages, llm.Message{Role: llm.RoleUser, Parts: []llm.Part{res}})
				lastTool = true
			}
		case "function":
			return invalid(fmt.Sprintf("messages[%d].role", i), "Messages with role 'function' are deprecated and not supported by this gateway; use 'tools' and messages with role 'tool'.")
		case "":
			return invalid(fmt.Sprintf("messages[%d].role", i), "Missing required parameter: 'messages[%d].role'.", i)
		default:
			return invalid(fmt.Sprintf("messages[%d].role", i), "Invalid value: '%s'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", m.Role)
		}
	}
	// Tool calls left unanswered at the very end are a request to continue
	// from them only if no tool message follows; a partial answer is an error.
	if tw.assistant >= 0 && tw.assistant < len(msgs)-1 {
		return tw.check()
	}
	return nil
}

func missingContent(i int) error {
	return invalid(fmt.Sprintf("messages[%d].content", i), "Missing required parameter: 'messages[%d].content'.", i)
}

// textOnly returns the texts of a system, developer or tool message.
func textOnly(m *message, i int) ([]string, error) {
	if !m.Content.set {
		return nil, missingContent(i)
	}
	if m.Content.isText {
		return []string{m.Content.text}, nil
	}
	texts := make([]string, 0, len(m.Content.parts))
	for j, p := range m.Content.parts {
		if p.Type != "text" {
			return nil, invalid(fmt.Sprintf("messages[%d].content[%d].type", i, j),
				"Invalid value: '%s'. Supported values are: 'text'.", p.Type)
		}
		if p.Text == nil {
			return nil, invalid(fmt.Sprintf("messages[%d].content[%d].text", i, j), "Missing required parameter: 'messages[%d].content[%d].text'.", i, j)
		}
		texts = append(texts, *p.Text)
	}
	return texts, nil
}

func userParts(m *message, i int) ([]llm.Part, error) {
	if !m.Content.set {
		return nil, missingContent(i)
	}
	if m.Content.isText {
		return []llm.Part{{Kind: llm.PartText, Text: m.Content.text}}, nil
	}
	if len(m.Content.parts) == 0 {
		return nil, invalid(fmt.Sprintf("messages[%d].content", i), "Invalid 'messages[%d].content': empty array. Expected an array with minimum length 1, but got an empty array instead.", i)
	}
	parts := make([]llm.Part, 0, len(m.Content.parts))
	for j, p := range m.Content.parts {
		path := fmt.Sprintf("messages[%d].content[%d]", i, j)
		switch p.Type {
		case "text":
			if p.Text == nil {
				return nil, invalid(path+".text", "Missing required parameter: '%s.text'.", path)
			}
			parts = append(parts, llm.Part{Kind: llm.PartText, Text: *p.Text})
		case "image_url":
			if p.ImageURL == nil || p.ImageURL.URL == "" {
				return nil, invalid(path+".image_url.url", "Missing required parameter: '%s.image_url.url'.", path)
			}
			img, err := parseImageURL(p.ImageURL, path+".image_url")
			if err != nil {
				return nil, err
			}
			parts = append(parts, llm.Part{Kind: llm.PartImage, Image: img})
		case "input_audio", "file":
			return nil, invalid(path+".type", "This gateway does not support content parts of type '%s'; send 'text' and 'image_url' parts.", p.Type)
		case "":
			return nil, invalid(path+".type", "Missing required parameter: '%s.type'.", path)
		default:
			return nil, invalid(path+".type", "Invalid value: '%s'. Supported values are: 'text', 'image_url', 'input_audio', and 'file'.", p.Type)
		}
	}
	return parts, nil
}

// parseImageURL accepts a base64 data: URL with an image media type or an
// http(s) URL.
func parseImageURL(u *imageURL, path string) (*llm.Image, error) {
	switch u.Detail {
	case "", "auto", "low", "high":
	default:
		return nil, invalid(path+".detail", "Invalid value: '%s'. Supported values are: 'auto', 'low', and 'high'.", u.Detail)
	}
	s := u.URL
	if len(s) > 5 && strings.EqualFold(s[:5], "data:") {
		comma := strings.IndexByte(s, ',')
		if comma > 0 {
			header := s[5:comma]
			if base, ok := strings.CutSuffix(header, ";base64"); ok {
				mt, _, _ := strings.Cut(base, ";")
				if strings.HasPrefix(mt, "image/") && comma+1 < len(s) {
					return &llm.Image{MediaType: mt, Data: s[comma+1:], Detail: u.Detail}, nil
				}
			}
		}
		return nil, invalid(path+".url", "Invalid '%s.url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got an invalid value.", path)
	}
	if hasPrefixFold(s, "https://") || hasPrefixFold(s, "http://") {
		return &llm.Image{URL: s, Detail: u.Detail}, nil
	}
	return nil, invalid(path+".url", "Invalid '%s.url'. Expected an http(s) URL or a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU=').", path)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// assistantParts maps an assistant turn: its text (content parts or string,
// and a refusal, which becomes text), then its tool calls.
func assistantParts(m *message, i int) ([]llm.Part, error) {
	if !m.Content.set && len(m.ToolCalls) == 0 && m.Refusal == nil {
		return nil, missingContent(i)
	}
	parts := make([]llm.Part, 0, 1+len(m.ToolCalls))
	if m.Content.isText {
		if m.Content.text != "" || len(m.ToolCalls) == 0 {
			parts = append(parts, llm.Part{Kind: llm.PartText, Text: m.Content.text})
		}
	} else {
		for j, p := range m.Content.parts {
			var text *string
			switch p.Type {
			case "text":
				text = p.Text
			case "refusal":
				text = p.Refusal
			default:
				return nil, invalid(fmt.Sprintf("messages[%d].content[%d].type", i, j), "Invalid value: '%s'. Supported values are: 'text' and 'refusal'.", p.Type)
			}
			if text == nil {
				return nil, invalid(fmt.Sprintf("messages[%d].content[%d]", i, j), "Missing required parameter: 'messages[%d].content[%d].%s'.", i, j, p.Type)
			}
			if *text != "" {
				parts = append(parts, llm.Part{Kind: llm.PartText, Text: *text})
			}
		}
	}
	if m.Refusal != nil && *m.Refusal != "" {
		parts = append(parts, llm.Part{Kind: llm.PartText, Text: *m.Refusal})
	}
	for j := range m.ToolCalls {
		tc := &m.ToolCalls[j]
		path := fmt.Sprintf("messages[%d].tool_calls[%d]", i, j)
		if tc.ID == "" {
			return nil, invalid(path+".id", "Missing required parameter: '%s.id'.", path)
		}
		if tc.Type != "" && tc.Type != "function" {
			return nil, invalid(path+".type", "This gateway supports tool calls of type 'function' only, not '%s'.", tc.Type)
		}
		if tc.Function.Name == "" {
			return nil, invalid(path+".function.name", "Missing required parameter: '%s.function.name'.", path)
		}
		args := json.RawMessage(tc.Function.Arguments)
		if strings.TrimSpace(tc.Function.Arguments) == "" {
			args = json.RawMessage("{}")
		} else if !json.Valid(args) {
			return nil, invalid(path+".function.arguments", "Invalid '%s.function.arguments': expected a JSON object encoded as a string.", path)
		}
		parts = append(parts, llm.Part{Kind: llm.PartToolCall, ToolCall: &llm.ToolCall{ID: tc.ID, Name: tc.Function.Name, Args: args}})
	}
	if len(parts) == 0 {
		// An assistant turn with an empty content array, or "" and nothing else.
		parts = append(parts, llm.Part{Kind: llm.PartText})
	}
	return parts, nil
}

func toolResult(m *message, i int, tw *toolWindow) (llm.Part, error) {
	if m.ToolCallID == nil {
		return llm.Part{}, invalid(fmt.Sprintf("messages[%d].tool_call_id", i), "Missing required parameter: 'messages[%d].tool_call_id'.", i)
	}
	id := *m.ToolCallID
	j := -1
	if tw.assistant >= 0 {
		for k := range tw.calls {
			if tw.calls[k].ID == id {
				j = k
				break
			}
		}
	}
	if j < 0 {
		return llm.Part{}, invalid(fmt.Sprintf("messages[%d].role", i), "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.")
	}
	tw.answered[j] = true
	texts, err := textOnly(m, i)
	if err != nil {
		return llm.Part{}, err
	}
	return llm.Part{Kind: llm.PartToolResult, ToolResult: &llm.ToolResult{
		CallID:  id,
		Name:    tw.calls[j].Function.Name,
		Content: strings.Join(texts, ""),
	}}, nil
}

// ---- upstream direction ----

func encodeRequest(r *llm.Request, model string) ([]byte, error) {
	u := upstreamRequest{
		Model:            model,
		Messages:         encodeMessages(r),
		Temperature:      r.Temperature,
		TopP:             r.TopP,
		Seed:             r.Seed,
		PresencePenalty:  r.PresencePenalty,
		FrequencyPenalty: r.FrequencyPenalty,
	}
	if r.MaxTokens != nil && *r.MaxTokens > 0 {
		u.MaxCompletionTokens = r.MaxTokens
	}
	if len(r.Tools) > 0 {
		u.Tools = make([]tool, len(r.Tools))
		for i, t := range r.Tools {
			p := t.Parameters
			if len(p) == 0 || isNull(p) {
				p = nil
			}
			u.Tools[i] = tool{Type: "function", Function: function{Name: t.Name, Description: t.Description, Parameters: p, Strict: t.Strict}}
		}
		if tc := r.ToolChoice; tc != nil {
			switch tc.Mode {
			case llm.ToolNamed:
				u.ToolChoice = namedToolChoice{Type: "function", Function: toolName{Name: tc.Name}}
			case llm.ToolAuto, llm.ToolNone, llm.ToolRequired:
				u.ToolChoice = string(tc.Mode)
			}
		}
		u.ParallelToolCalls = r.ParallelToolCalls
	}
	if len(r.Stop) > 0 {
		u.Stop = r.Stop
		if len(u.Stop) > 4 {
			u.Stop = u.Stop[:4] // OpenAI accepts at most four
		}
	}
	if rf := r.ResponseFormat; rf != nil {
		switch {
		case rf.Type == "json_schema" || rf.Type == "" && len(rf.Schema) > 0:
			name := rf.Name
			if name == "" {
				name = "response"
			}
			u.ResponseFormat = &responseFormat{Type: "json_schema", JSONSchema: &jsonSchema{Name: name, Schema: rf.Schema, Strict: rf.Strict}}
		case rf.Type == "json_object" || rf.Type == "text":
			u.ResponseFormat = &responseFormat{Type: rf.Type}
		}
	}
	if rs := r.Reasoning; rs != nil {
		u.ReasoningEffort = rs.Effort
		if u.ReasoningEffort == "" && rs.BudgetTokens > 0 {
			u.ReasoningEffort = budgetEffort(rs.BudgetTokens)
		}
	}
	if r.Stream {
		u.Stream = true
		t := true
		u.StreamOptions = &streamOptions{IncludeUsage: &t} // the gateway always wants usage
	}
	if r.User != "" {
		if si, ok := r.Extra["safety_identifier"]; !ok || string(si) != string(jsonw.AppendString(nil, r.User)) {
			u.User = r.User
		}
	}
	b, err := json.Marshal(&u)
	if err != nil {
		return nil, switchboard.AsError(err)
	}
	return appendExtra(b, r.Extra), nil
}

type namedToolChoice struct {
	Type     string   `json:"type"`
	Function toolName `json:"function"`
}

type toolName struct {
	Name string `json:"name"`
}

// budgetEffort maps a thinking budget to the nearest reasoning effort.
func budgetEffort(budget int) string {
	switch {
	case budget <= 1024:
		return "low"
	case budget <= 8192:
		return "medium"
	default:
		return "high"
	}
}

var serviceTiers = []string{`"auto"`, `"default"`, `"flex"`, `"scale"`, `"priority"`}

// appendExtra splices the Extra fields OpenAI accepts into the object b,
// in sorted order. Fields of the same name but another protocol's meaning
// (Anthropic's service_tier and metadata) are dropped unless their value
// fits OpenAI's.
func appendExtra(b []byte, extra map[string]json.RawMessage) []byte {
	if len(extra) == 0 {
		return b
	}
	keys := make([]string, 0, len(extra))
	for k, v := range extra {
		if !extraFields[k] || len(v) == 0 || isNull(v) || !json.Valid(v) {
			continue
		}
		switch k {
		case "service_tier":
			if !contains(serviceTiers, string(v)) {
				continue
			}
		case "metadata":
			var m map[string]string
			if json.Unmarshal(v, &m) != nil {
				continue
			}
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return b
	}
	sort.Strings(keys)
	b = b[:len(b)-1] // the closing brace
	for _, k := range keys {
		b = append(b, ',')
		b = jsonw.AppendString(b, k)
		b = append(b, ':')
		b = append(b, extra[k]...)
	}
	return append(b, '}')
}

func encodeMessages(r *llm.Request) []outMessage {
	out := make([]outMessage, 0, len(r.System)+len(r.Messages)+2)
	for _, s := range r.System {
		out = append(out, outMessage{Role: "system", Content: s})
	}
	for i := range r.Messages {
		m := &r.Messages[i]
		if m.Role == llm.RoleAssistant {
			out = append(out, encodeAssistant(m))
			continue
		}
		// Tool results become tool messages, which must directly follow the
		// assistant turn, so they go before the rest of the user turn.
		nrest, single := 0, -1
		for j, p := range m.Parts {
			switch {
			case p.Kind == llm.PartToolResult && p.ToolResult != nil:
				out = append(out, outMessage{Role: "tool", ToolCallID: p.ToolResult.CallID, Content: p.ToolResult.Content})
			case p.Kind == llm.PartText:
				nrest, single = nrest+1, j
			case p.Kind == llm.PartImage && p.Image != nil:
				nrest, single = nrest+1, -1
			}
		}
		switch {
		case nrest == 0:
			continue
		case nrest == 1 && single >= 0:
			out = append(out, outMessage{Role: "user", Content: m.Parts[single].Text})
			continue
		}
		rest := make([]outPart, 0, nrest)
		for _, p := range m.Parts {
			switch {
			case p.Kind == llm.PartText:
				text := p.Text
				rest = append(rest, outPart{Type: "text", Text: &text})
			case p.Kind == llm.PartImage && p.Image != nil:
				rest = append(rest, outPart{Type: "image_url", ImageURL: imagePart(p.Image)})
			}
		}
		out = append(out, outMessage{Role: "user", Content: rest})
	}
	return out
}

func imagePart(img *llm.Image) *imageURL {
	u := img.URL
	if u == "" {
		u = "data:" + img.MediaType + ";base64," + img.Data
	}
	return &imageURL{URL: u, Detail: img.Detail}
}

func encodeAssistant(m *llm.Message) outMessage {
	om := outMessage{Role: "assistant"}
	var text strings.Builder
	hasText := false
	for _, p := range m.Parts {
		switch p.Kind {
		case llm.PartText:
			text.WriteString(p.Text)
			hasText = true
		case llm.PartToolCall:
			if p.ToolCall == nil {
				continue
			}
			args := string(p.ToolCall.Args)
			if strings.TrimSpace(args) == "" {
				args = "{}"
			}
			om.ToolCalls = append(om.ToolCalls, toolCall{ID: p.ToolCall.ID, Type: "function", Function: functionCall{Name: p.ToolCall.Name, Arguments: args}})
		}
	}
	switch {
	case hasText && (text.Len() > 0 || len(om.ToolCalls) == 0):
		om.Content = text.String()
	case len(om.ToolCalls) == 0:
		om.Content = "" // only thinking: OpenAI needs content or tool_calls
	}
	return om
}
