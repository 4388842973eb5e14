package fakeprovider

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// openAICreated is the "created" timestamp of every OpenAI answer: a
// constant, so that answers are byte-for-byte reproducible.
const openAICreated = 1735689600 // 2025-01-01T00:00:00Z

// openAIFields are the top-level fields of a Chat Completions request.
var openAIFields = setOf("model", "messages", "audio", "frequency_penalty", "function_call",
	"functions", "logit_bias", "logprobs", "max_completion_tokens", "max_tokens", "metadata",
	"modalities", "moderation", "n", "parallel_tool_calls", "prediction", "presence_penalty",
	"prompt_cache_key", "prompt_cache_options", "prompt_cache_retention", "reasoning_effort",
	"response_format", "safety_identifier", "seed", "service_tier", "stop", "store", "stream",
	"stream_options", "temperature", "tool_choice", "tools", "top_logprobs", "top_p", "user",
	"verbosity", "web_search_options")

var openAIRoles = setOf("system", "developer", "user", "assistant", "tool")

var openAIModels = []string{"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o4-mini"}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func (s *Server) serveOpenAI(x *exchange) {
	r := x.r
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !s.checkKey(OpenAI, key) {
		x.fail(openAIAuthError(r.Header.Get("Authorization")))
		return
	}
	if r.URL.Path == "/v1/models" {
		if r.Method != http.MethodGet {
			x.fail(&apiError{status: 404, message: "Invalid URL (" + r.Method + " " + r.URL.Path + ")"})
			return
		}
		s.openAIModels(x)
		return
	}
	if r.Method != http.MethodPost {
		x.fail(&apiError{status: 404, message: "Invalid URL (" + r.Method + " " + r.URL.Path + ")"})
		return
	}
	req, err := decodeObject(x.body)
	if err != nil {
		x.fail(&apiError{status: 400, message: "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please visit https://help.openai.com/.)"})
		return
	}
	c, o, e := parseOpenAI(req)
	if e != nil {
		x.fail(e)
		return
	}
	if !x.prepare(c.lastUser) {
		return
	}
	rep := c.reply()
	if o.stream {
		x.streamOpenAI(c, &rep, o.includeUsage)
		return
	}
	x.writeJSON(200, x.openAIResponse(c, &rep))
}

func openAIAuthError(header string) *apiError {
	key, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || key == "" {
		return &apiError{status: 401, message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys."}
	}
	masked := "****"
	if len(key) > 4 {
		masked = key[:min(3, len(key)-4)] + "*****" + key[len(key)-4:]
	}
	return &apiError{status: 401, code: "invalid_api_key", message: "Incorrect API key provided: " + masked + ". You can find your API key at https://platform.openai.com/account/api-keys."}
}

func (s *Server) openAIModels(x *exchange) {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	list := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list"}
	for _, id := range openAIModels {
		list.Data = append(list.Data, model{ID: id, Object: "model", Created: openAICreated, OwnedBy: "system"})
	}
	x.writeJSON(200, mustMarshal(list))
}

type openAIOpts struct {
	stream       bool
	includeUsage bool
}

func invalid(param, code, msg string) *apiError {
	return &apiError{status: 400, param: param, code: code, message: msg}
}

func openAIType(param string, v any, want string) *apiError {
	return invalid(param, "invalid_type", "Invalid type for '"+param+"': expected "+want+", but got "+aOrAn(jsonType(v))+" instead.")
}

func aOrAn(t string) string {
	switch t {
	case "null":
		return "null"
	case "array", "object":
		return "an " + t
	}
	return "a " + t
}

// parseOpenAI validates a Chat Completions request the way the API does and
// extracts the conversation.
func parseOpenAI(req map[string]any) (*conversation, openAIOpts, *apiError) {
	var o openAIOpts
	if bad := unknownKeys(req, openAIFields); len(bad) == 1 {
		return nil, o, invalid("", "", "Unrecognized request argument supplied: "+bad[0])
	} else if len(bad) > 1 {
		return nil, o, invalid("", "", "Unrecognized request arguments supplied: "+strings.Join(bad, ", "))
	}
	c := &conversation{vendor: OpenAI, parallel: true}
	mv, ok := req["model"]
	if !ok {
		return nil, o, invalid("", "", "you must provide a model parameter")
	}
	if c.model, ok = mv.(string); !ok {
		return nil, o, openAIType("model", mv, "a string")
	}
	if c.model == "" {
		return nil, o, invalid("", "", "you must provide a model parameter")
	}
	msgsV, ok := req["messages"]
	if !ok {
		return nil, o, invalid("messages", "missing_required_parameter", "Missing required parameter: 'messages'.")
	}
	msgs, ok := msgsV.([]any)
	if !ok {
		return nil, o, openAIType("messages", msgsV, "an array")
	}
	if len(msgs) == 0 {
		return nil, o, invalid("messages", "empty_array", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.")
	}
	if e := c.openAIMessages(msgs); e != nil {
		return nil, o, e
	}
	if v, ok := req["stream"]; ok && v != nil {
		b, ok := v.(bool)
		if !ok {
			return nil, o, openAIType("stream", v, "a boolean")
		}
		o.stream = b
	}
	if v, ok := req["stream_options"]; ok && v != nil {
		if !o.stream {
			return nil, o, invalid("stream_options", "", "The 'stream_options' parameter is only allowed when 'stream' is enabled.")
		}
		so, ok := v.(map[string]any)
		if !ok {
			return nil, o, openAIType("stream_options", v, "an object")
		}
		o.includeUsage, _ = so["include_usage"].(bool)
	}
	if v, ok := req["temperature"]; ok && v != nil {
		f, ok := number(v)
		if !ok {
			return nil, o, openAIType("temperature", v, "a decimal")
		}
		if f < 0 {
			return nil, o, invalid("temperature", "decimal_below_min_value", "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got "+fmtNum(f)+" instead.")
		}
		if f > 2 {
			return nil, o, invalid("temperature", "decimal_above_max_value", "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got "+fmtNum(f)+" instead.")
		}
	}
	for _, k := range []string{"max_completion_tokens", "max_tokens"} {
		if v, ok := req[k]; ok && v != nil {
			n, ok := integer(v)
			if !ok {
				return nil, o, openAIType(k, v, "an integer")
			}
			if n < 1 {
				return nil, o, invalid(k, "integer_below_min_value", "Invalid '"+k+"': integer below minimum value. Expected a value >= 1, but got "+strconv.Itoa(n)+" instead.")
			}
			c.maxTokens = n
		}
	}
	if v, ok := req["stop"]; ok && v != nil {
		switch s := v.(type) {
		case string:
			c.stops = []string{s}
		case []any:
			if len(s) > 4 {
				return nil, o, invalid("stop", "array_above_max_length", "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length "+strconv.Itoa(len(s))+" instead.")
			}
			for i, x := range s {
				str, ok := x.(string)
				if !ok {
					return nil, o, openAIType("stop["+strconv.Itoa(i)+"]", x, "a string")
				}
				c.stops = append(c.stops, str)
			}
		default:
			return nil, o, openAIType("stop", v, "one of a string or array of strings")
		}
	}
	if v, ok := req["response_format"]; ok && v != nil {
		rf, ok := v.(map[string]any)
		if !ok {
			return nil, o, openAIType("response_format", v, "an object")
		}
		switch t, _ := rf["type"].(string); t {
		case "json_object", "json_schema":
			c.jsonMode = true
		case "text":
		default:
			return nil, o, invalid("response_format.type", "invalid_value", "Invalid value: '"+t+"'. Supported values are: 'json_object', 'json_schema', and 'text'.")
		}
	}
	if v, ok := req["parallel_tool_calls"]; ok && v != nil {
		b, ok := v.(bool)
		if !ok {
			return nil, o, openAIType("parallel_tool_calls", v, "a boolean")
		}
		c.parallel = b
	}
	if e := c.openAITools(req); e != nil {
		return nil, o, e
	}
	return c, o, nil
}

// openAIContent returns the text of a message content (string or parts).
func openAIContent(param string, v any) (string, *apiError) {
	switch t := v.(type) {
	case nil:
		return "", nil
	case string:
		return t, nil
	case []any:
		var b strings.Builder
		for i, p := range t {
			pp := param + "[" + strconv.Itoa(i) + "]"
			part, ok := p.(map[string]any)
			if !ok {
				return "", openAIType(pp, p, "an object")
			}
			switch typ, _ := part["type"].(string); typ {
			case "text":
				s, ok := part["text"].(string)
				if !ok {
					return "", invalid(pp+".text", "missing_required_parameter", "Missing required parameter: '"+pp+".text'.")
				}
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(s)
			case "image_url", "input_audio", "file", "refusal":
			default:
				return "", invalid(pp+".type", "invalid_value", "Invalid value: '"+typ+"'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', and 'file'.")
			}
		}
		return b.String(), nil
	}
	return "", openAIType(param, v, "one of a string or array of objects")
}

func (c *conversation) openAIMessages(msgs []any) *apiError {
	var pending []string // tool_call ids of the open assistant turn
	open := -1           // index of the assistant turn awaiting tool messages
	lastUser, trailingTools := "", []string(nil)
	for i, m := range msgs {
		p := "messages[" + strconv.Itoa(i) + "]"
		msg, ok := m.(map[string]any)
		if !ok {
			return openAIType(p, m, "an object")
		}
		role, _ := msg["role"].(string)
		if _, ok := msg["role"]; !ok {
			return invalid(p+".role", "missing_required_parameter", "Missing required parameter: '"+p+".role'.")
		}
		if !openAIRoles[role] {
			return invalid(p+".role", "invalid_value", "Invalid value: '"+role+"'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.")
		}
		text, e := openAIContent(p+".content", msg["content"])
		if e != nil {
			return e
		}
		c.addMessage()
		c.addText(text)
		if role == "tool" {
			if open < 0 {
				return invalid("messages.["+strconv.Itoa(i)+"].role", "", "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.")
			}
			id, _ := msg["tool_call_id"].(string)
			if id == "" {
				return invalid(p+".tool_call_id", "missing_required_parameter", "Missing required parameter: '"+p+".tool_call_id'.")
			}
			found := false
			for k, pid := range pending {
				if pid == id {
					pending = append(pending[:k], pending[k+1:]...)
					found = true
					break
				}
			}
			if !found {
				return invalid("messages.["+strconv.Itoa(i)+"].tool_call_id", "", "Invalid parameter: 'tool_call_id' of '"+id+"' not found in 'tool_calls' of previous message.")
			}
			trailingTools = append(trailingTools, text)
			continue
		}
		if open >= 0 && len(pending) > 0 {
			return unansweredToolCalls(open, pending)
		}
		open, pending, trailingTools = -1, nil, nil
		switch role {
		case "user":
			lastUser = text
		case "assistant":
			calls, e := openAIToolCallIDs(p, msg["tool_calls"])
			if e != nil {
				return e
			}
			if len(calls) > 0 {
				open, pending = i, calls
			}
		}
	}
	if open >= 0 && len(pending) > 0 {
		return unansweredToolCalls(open, pending)
	}
	c.lastUser = lastUser
	if len(trailingTools) > 0 {
		c.toolTurn, c.results = true, trailingTools
	}
	return nil
}

func unansweredToolCalls(i int, ids []string) *apiError {
	return invalid("messages.["+strconv.Itoa(i)+"].role", "", "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: "+strings.Join(ids, ", "))
}

func openAIToolCallIDs(p string, v any) ([]string, *apiError) {
	if v == nil {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, openAIType(p+".tool_calls", v, "an array")
	}
	ids := make([]string, 0, len(arr))
	for j, tc := range arr {
		tp := p + ".tool_calls[" + strconv.Itoa(j) + "]"
		call, ok := tc.(map[string]any)
		if !ok {
			return nil, openAIType(tp, tc, "an object")
		}
		id, _ := call["id"].(string)
		if id == "" {
			return nil, invalid(tp+".id", "missing_required_parameter", "Missing required parameter: '"+tp+".id'.")
		}
		fn, ok := call["function"].(map[string]any)
		if !ok {
			return nil, invalid(tp+".function", "missing_required_parameter", "Missing required parameter: '"+tp+".function'.")
		}
		if _, ok := fn["name"].(string); !ok {
			return nil, invalid(tp+".function.name", "missing_required_parameter", "Missing required parameter: '"+tp+".function.name'.")
		}
		if _, ok := fn["arguments"].(string); !ok {
			return nil, invalid(tp+".function.arguments", "missing_required_parameter", "Missing required parameter: '"+tp+".function.arguments'.")
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (c *conversation) openAITools(req map[string]any) *apiError {
	if v, ok := req["tools"]; ok && v != nil {
		arr, ok := v.([]any)
		if !ok {
			return openAIType("tools", v, "an array")
		}
		for i, t := range arr {
			p := "tools[" + strconv.Itoa(i) + "]"
			td, ok := t.(map[string]any)
			if !ok {
				return openAIType(p, t, "an object")
			}
			if typ, _ := td["type"].(string); typ != "function" {
				return invalid(p+".type", "invalid_value", "Invalid value: '"+typ+"'. Supported values are: 'function'.")
			}
			fn, ok := td["function"].(map[string]any)
			if !ok {
				return invalid(p+".function", "missing_required_parameter", "Missing required parameter: '"+p+".function'.")
			}
			name, _ := fn["name"].(string)
			if name == "" {
				return invalid(p+".function.name", "missing_required_parameter", "Missing required parameter: '"+p+".function.name'.")
			}
			schema, _ := fn["parameters"].(map[string]any)
			if pv, ok := fn["parameters"]; ok && pv != nil && schema == nil {
				return openAIType(p+".function.parameters", pv, "an object")
			}
			c.tools = append(c.tools, tool{name: name, schema: schema})
		}
	}
	v, ok := req["tool_choice"]
	if !ok || v == nil {
		return nil
	}
	if len(c.tools) == 0 {
		return invalid("tool_choice", "", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.")
	}
	switch t := v.(type) {
	case string:
		switch t {
		case "none":
			c.choice.none = true
		case "auto":
		case "required":
			c.choice.forced = true
		default:
			return invalid("tool_choice", "invalid_value", "Invalid value: '"+t+"'. Supported values are: 'none', 'auto', and 'required'.")
		}
	case map[string]any:
		if t["type"] == "allowed_tools" {
			at, _ := t["allowed_tools"].(map[string]any)
			list, _ := at["tools"].([]any)
			for _, x := range list {
				xm, _ := x.(map[string]any)
				fn, _ := xm["function"].(map[string]any)
				if name, _ := fn["name"].(string); name != "" {
					c.choice.names = append(c.choice.names, name)
				}
			}
			c.choice.forced = at["mode"] == "required"
			return nil
		}
		fn, _ := t["function"].(map[string]any)
		name, _ := fn["name"].(string)
		if typ, _ := t["type"].(string); typ != "function" || name == "" {
			return invalid("tool_choice", "", "Invalid value for 'tool_choice': expected {\"type\": \"function\", \"function\": {\"name\": \"...\"}}.")
		}
		c.choice.forced, c.choice.names = true, []string{name}
	default:
		return openAIType("tool_choice", v, "one of a string or object")
	}
	return nil
}

// Response wire types. Field order follows the real API.

type oaUsage struct {
	PromptTokens        int `json:"prompt_tokens"`
	CompletionTokens    int `json:"completion_tokens"`
	TotalTokens         int `json:"total_tokens"`
	PromptTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
		AudioTokens  int `json:"audio_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails struct {
		ReasoningTokens          int `json:"reasoning_tokens"`
		AudioTokens              int `json:"audio_tokens"`
		AcceptedPredictionTokens int `json:"accepted_prediction_tokens"`
		RejectedPredictionTokens int `json:"rejected_prediction_tokens"`
	} `json:"completion_tokens_details"`
}

type oaFunction struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

type oaToolCall struct {
	Index    *int       `json:"index,omitempty"`
	ID       string     `json:"id,omitempty"`
	Type     string     `json:"type,omitempty"`
	Function oaFunction `json:"function"`
}

type oaMessage struct {
	Role        string          `json:"role"`
	Content     json.RawMessage `json:"content"`
	Refusal     json.RawMessage `json:"refusal"`
	ToolCalls   []oaToolCall    `json:"tool_calls,omitempty"`
	Annotations []any           `json:"annotations"`
}

type oaChoice struct {
	Index        int             `json:"index"`
	Message      oaMessage       `json:"message"`
	Logprobs     json.RawMessage `json:"logprobs"`
	FinishReason string          `json:"finish_reason"`
}

type oaCompletion struct {
	ID                string     `json:"id"`
	Object            string     `json:"object"`
	Created           int64      `json:"created"`
	Model             string     `json:"model"`
	Choices           []oaChoice `json:"choices"`
	Usage             oaUsage    `json:"usage"`
	ServiceTier       string     `json:"service_tier"`
	SystemFingerprint string     `json:"system_fingerprint"`
}

var jsonNull = json.RawMessage("null")

func oaFinish(f finish) string {
	switch f {
	case finishLength:
		return "length"
	case finishTool:
		return "tool_calls"
	}
	return "stop"
}

func (r *reply) openAIUsage() oaUsage {
	return oaUsage{PromptTokens: r.inputTokens, CompletionTokens: r.outputTokens, TotalTokens: r.inputTokens + r.outputTokens}
}

func (x *exchange) openAICallID(i int) string {
	return "call_" + hex16(x.hash + uint64(i)*0x9e3779b97f4a7c15)[:12] + strconv.Itoa(i)
}

func (x *exchange) openAIResponse(c *conversation, r *reply) []byte {
	msg := oaMessage{Role: "assistant", Content: jsonNull, Refusal: jsonNull, Annotations: []any{}}
	if len(r.calls) > 0 {
		for i, tc := range r.calls {
			msg.ToolCalls = append(msg.ToolCalls, oaToolCall{ID: x.openAICallID(i), Type: "function", Function: oaFunction{Name: tc.name, Arguments: tc.args}})
		}
	} else {
		msg.Content = mustMarshal(r.text)
	}
	resp := oaCompletion{
		ID: "chatcmpl-" + hex16(x.hash), Object: "chat.completion", Created: openAICreated, Model: c.model,
		Choices:     []oaChoice{{Message: msg, Logprobs: jsonNull, FinishReason: oaFinish(r.finish)}},
		Usage:       r.openAIUsage(),
		ServiceTier: "default", SystemFingerprint: "fp_fake",
	}
	return mustMarshal(resp)
}

type oaDelta struct {
	Role      string          `json:"role,omitempty"`
	Content   json.RawMessage `json:"content,omitempty"`
	Refusal   json.RawMessage `json:"refusal,omitempty"`
	ToolCalls []oaToolCall    `json:"tool_calls,omitempty"`
}

type oaChunkChoice struct {
	Index        int             `json:"index"`
	Delta        oaDelta         `json:"delta"`
	Logprobs     json.RawMessage `json:"logprobs"`
	FinishReason json.RawMessage `json:"finish_reason"`
}

type oaChunk struct {
	ID                string          `json:"id"`
	Object            string          `json:"object"`
	Created           int64           `json:"created"`
	Model             string          `json:"model"`
	ServiceTier       string          `json:"service_tier"`
	SystemFingerprint string          `json:"system_fingerprint"`
	Choices           []oaChunkChoice `json:"choices"`
	Usage             json.RawMessage `json:"usage,omitempty"`
}

func (x *exchange) streamOpenAI(c *conversation, r *reply, includeUsage bool) {
	x.startStream("text/event-stream; charset=utf-8")
	base := oaChunk{ID: "chatcmpl-" + hex16(x.hash), Object: "chat.completion.chunk", Created: openAICreated, Model: c.model, ServiceTier: "default", SystemFingerprint: "fp_fake"}
	if includeUsage {
		base.Usage = jsonNull
	}
	send := func(d oaDelta, finish json.RawMessage) bool {
		ch := base
		ch.Choices = []oaChunkChoice{{Delta: d, Logprobs: jsonNull, FinishReason: finish}}
		return x.event(sseFrame("", mustMarshal(ch), "\n"))
	}
	if len(r.calls) > 0 {
		for i, tc := range r.calls {
			idx := i
			first := oaDelta{ToolCalls: []oaToolCall{{Index: &idx, ID: x.openAICallID(i), Type: "function", Function: oaFunction{Name: tc.name, Arguments: ""}}}}
			if i == 0 {
				first.Role, first.Content, first.Refusal = "assistant", jsonNull, jsonNull
			}
			if !send(first, jsonNull) {
				return
			}
			for _, frag := range splitJSON(tc.args, x.chunks()) {
				if !send(oaDelta{ToolCalls: []oaToolCall{{Index: &idx, Function: oaFunction{Arguments: frag}}}}, jsonNull) {
					return
				}
			}
		}
	} else {
		if !send(oaDelta{Role: "assistant", Content: json.RawMessage(`""`), Refusal: jsonNull}, jsonNull) {
			return
		}
		for _, piece := range splitText(r.text, x.chunks()) {
			if piece == "" {
				continue
			}
			if !send(oaDelta{Content: mustMarshal(piece)}, jsonNull) {
				return
			}
		}
	}
	if !send(oaDelta{}, mustMarshal(oaFinish(r.finish))) {
		return
	}
	if includeUsage {
		ch := base
		ch.Choices = []oaChunkChoice{}
		ch.Usage = mustMarshal(r.openAIUsage())
		if !x.event(sseFrame("", mustMarshal(ch), "\n")) {
			return
		}
	}
	x.event([]byte("data: [DONE]\n\n"))
}

// openAIErrorBody renders {"error":{"message","type","param","code"}}.
func openAIErrorBody(e *apiError) []byte {
	kind := e.kind
	if kind == "" {
		switch {
		case e.status == 429:
			kind = "requests"
		case e.status >= 500:
			kind = "server_error"
		default:
			kind = "invalid_request_error"
		}
	}
	code := e.code
	if code == "" && e.status == 429 {
		code = "rate_limit_exceeded"
	}
	body := struct {
		Error struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Param   *string `json:"param"`
			Code    *string `json:"code"`
		} `json:"error"`
	}{}
	body.Error.Message, body.Error.Type = e.message, kind
	if e.param != "" {
		body.Error.Param = &e.param
	}
	if code != "" {
		body.Error.Code = &code
	}
	return mustMarshal(body)
}
