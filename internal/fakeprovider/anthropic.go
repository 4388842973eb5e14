package fakeprovider

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

var anthropicFields = setOf("model", "messages", "max_tokens", "stream", "system", "temperature",
	"top_k", "top_p", "stop_sequences", "metadata", "tools", "tool_choice", "thinking",
	"service_tier", "container", "mcp_servers", "output_config", "output_format",
	"context_management", "cache_control", "diagnostics", "inference_geo", "speed")

var anthropicMessageFields = setOf("role", "content")

// anthropicBlockFields lists, per block type, the fields the fake checks;
// block types missing here are accepted without a field check.
var anthropicBlockFields = map[string]map[string]bool{
	"text":        setOf("type", "text", "cache_control", "citations"),
	"image":       setOf("type", "source", "cache_control"),
	"tool_use":    setOf("type", "id", "name", "input", "cache_control", "caller"),
	"tool_result": setOf("type", "tool_use_id", "content", "is_error", "cache_control"),
}

var anthropicBlockTypes = setOf("text", "image", "document", "search_result", "thinking",
	"redacted_thinking", "tool_use", "tool_result", "server_tool_use", "web_search_tool_result",
	"web_fetch_tool_result", "code_execution_tool_result", "container_upload", "mcp_tool_use",
	"mcp_tool_result")

var anthropicToolFields = setOf("type", "name", "description", "input_schema", "cache_control",
	"strict", "input_examples", "defer_loading", "allowed_callers", "eager_input_streaming")

var anthropicMediaTypes = setOf("image/jpeg", "image/png", "image/gif", "image/webp")

func (s *Server) serveAnthropic(x *exchange) {
	r := x.r
	key := r.Header.Get("X-Api-Key")
	if key == "" {
		x.fail(&apiError{status: 401, message: "x-api-key header is required"})
		return
	}
	if !s.checkKey(Anthropic, key) {
		x.fail(&apiError{status: 401, message: "invalid x-api-key"})
		return
	}
	if r.Header.Get("Anthropic-Version") == "" {
		x.fail(&apiError{status: 400, message: "anthropic-version: header is required"})
		return
	}
	if r.Method != http.MethodPost {
		x.fail(&apiError{status: 405, kind: "invalid_request_error", message: "Method Not Allowed"})
		return
	}
	req, err := decodeObject(x.body)
	if err != nil {
		x.fail(&apiError{status: 400, message: "There was an issue with your request body: the body must be a JSON object"})
		return
	}
	c, stream, e := parseAnthropic(req)
	if e != nil {
		x.fail(e)
		return
	}
	if !x.prepare(c.lastUser) {
		return
	}
	rep := c.reply()
	x.w.Header().Set("Request-Id", x.requestID())
	if stream {
		x.streamAnthropic(c, &rep)
		return
	}
	x.writeJSON(200, x.anthropicResponse(c, &rep))
}

func badRequest(msg string) *apiError { return &apiError{status: 400, message: msg} }

func extraInputs(prefix string, m map[string]any, known map[string]bool) *apiError {
	if bad := unknownKeys(m, known); len(bad) > 0 {
		return badRequest(prefix + bad[0] + ": Extra inputs are not permitted")
	}
	return nil
}

// parseAnthropic validates a Messages request and extracts the conversation.
func parseAnthropic(req map[string]any) (*conversation, bool, *apiError) {
	if e := extraInputs("", req, anthropicFields); e != nil {
		return nil, false, e
	}
	c := &conversation{vendor: Anthropic, parallel: true}
	for _, k := range []string{"model", "messages", "max_tokens"} {
		if _, ok := req[k]; !ok {
			return nil, false, badRequest(k + ": Field required")
		}
	}
	var ok bool
	if c.model, ok = req["model"].(string); !ok || c.model == "" {
		return nil, false, badRequest("model: Input should be a valid string")
	}
	n, ok := integer(req["max_tokens"])
	if !ok {
		return nil, false, badRequest("max_tokens: Input should be a valid integer")
	}
	if n < 1 {
		return nil, false, badRequest("max_tokens: Input should be greater than or equal to 1")
	}
	c.maxTokens = n
	stream := false
	if v, ok := req["stream"]; ok && v != nil {
		if stream, ok = v.(bool); !ok {
			return nil, false, badRequest("stream: Input should be a valid boolean")
		}
	}
	if v, ok := req["temperature"]; ok && v != nil {
		f, ok := number(v)
		switch {
		case !ok:
			return nil, false, badRequest("temperature: Input should be a valid number")
		case f < 0:
			return nil, false, badRequest("temperature: Input should be greater than or equal to 0")
		case f > 1:
			return nil, false, badRequest("temperature: Input should be less than or equal to 1")
		}
	}
	if v, ok := req["system"]; ok && v != nil {
		text, e := anthropicText("system", v)
		if e != nil {
			return nil, false, e
		}
		c.addMessage()
		c.addText(text)
	}
	if v, ok := req["stop_sequences"]; ok && v != nil {
		arr, ok := v.([]any)
		if !ok {
			return nil, false, badRequest("stop_sequences: Input should be a valid list")
		}
		for i, s := range arr {
			str, ok := s.(string)
			if !ok {
				return nil, false, badRequest("stop_sequences." + strconv.Itoa(i) + ": Input should be a valid string")
			}
			c.stops = append(c.stops, str)
		}
	}
	if e := c.anthropicMessages(req["messages"]); e != nil {
		return nil, false, e
	}
	if e := c.anthropicTools(req); e != nil {
		return nil, false, e
	}
	if of, ok := req["output_format"].(map[string]any); ok && of["type"] == "json_schema" {
		c.jsonMode = true
	}
	if oc, ok := req["output_config"].(map[string]any); ok {
		if f, ok := oc["format"].(map[string]any); ok && f["type"] == "json_schema" {
			c.jsonMode = true
		}
	}
	return c, stream, nil
}

// anthropicText returns the text of a system prompt or a tool_result
// content: a string or a list of blocks.
func anthropicText(path string, v any) (string, *apiError) {
	switch t := v.(type) {
	case string:
		return t, nil
	case []any:
		var b strings.Builder
		for i, x := range t {
			blk, ok := x.(map[string]any)
			if !ok {
				return "", badRequest(path + "." + strconv.Itoa(i) + ": Input should be a valid dictionary or object to extract fields from")
			}
			if blk["type"] != "text" {
				continue
			}
			s, _ := blk["text"].(string)
			if s == "" {
				return "", badRequest(path + ": text content blocks must be non-empty")
			}
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(s)
		}
		return b.String(), nil
	}
	return "", badRequest(path + ": Input should be a valid string")
}

type anthropicMsg struct {
	role    string
	text    string
	uses    []string // tool_use ids
	results []string // tool_result tool_use_ids
	outputs []string // tool_result contents
}

func (c *conversation) anthropicMessages(v any) *apiError {
	arr, ok := v.([]any)
	if !ok {
		return badRequest("messages: Input should be a valid list")
	}
	if len(arr) == 0 {
		return badRequest("messages: at least one message is required")
	}
	msgs := make([]anthropicMsg, len(arr))
	for i, mv := range arr {
		p := "messages." + strconv.Itoa(i)
		m, ok := mv.(map[string]any)
		if !ok {
			return badRequest(p + ": Input should be a valid dictionary or object to extract fields from")
		}
		if e := extraInputs(p+".", m, anthropicMessageFields); e != nil {
			return e
		}
		role, _ := m["role"].(string)
		if role != "user" && role != "assistant" {
			return badRequest(p + ".role: Input should be 'user' or 'assistant'")
		}
		if i == 0 && role != "user" {
			return badRequest("messages: first message must use the \"user\" role")
		}
		msg := &msgs[i]
		msg.role = role
		if e := msg.parseContent(p, m["content"], i == len(arr)-1); e != nil {
			return e
		}
		c.addMessage()
		c.addText(msg.text)
		for _, o := range msg.outputs {
			c.addText(o)
		}
	}
	// Tool pairing: every tool_use is answered in the next message, every
	// tool_result answers the previous message.
	for i := range msgs {
		m := &msgs[i]
		if len(m.results) > 0 {
			var prev []string
			if i > 0 && msgs[i-1].role == "assistant" {
				prev = msgs[i-1].uses
			}
			for j, id := range m.results {
				if !contains(prev, id) {
					return badRequest("messages." + strconv.Itoa(i) + ".content." + strconv.Itoa(j) + ": unexpected `tool_use_id` found in `tool_result` blocks: " + id + ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.")
				}
			}
		}
		if len(m.uses) > 0 {
			var missing []string
			var next []string
			if i+1 < len(msgs) && msgs[i+1].role == "user" {
				next = msgs[i+1].results
			}
			for _, id := range m.uses {
				if !contains(next, id) {
					missing = append(missing, id)
				}
			}
			if len(missing) > 0 {
				return badRequest("messages." + strconv.Itoa(min(i+1, len(msgs)-1)) + ": `tool_use` ids were found without `tool_result` blocks immediately after: " + strings.Join(missing, ", ") + ". Each `tool_use` block must have a corresponding `tool_result` block in the next message.")
			}
		}
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].role == "user" {
			c.lastUser = msgs[i].text
			if len(msgs[i].results) > 0 {
				c.toolTurn, c.results = true, msgs[i].outputs
			}
			break
		}
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

func validToolUseID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (m *anthropicMsg) parseContent(p string, v any, last bool) *apiError {
	empty := badRequest(p + ": all messages must have non-empty content except for the optional final assistant message")
	switch t := v.(type) {
	case string:
		if t == "" && !(last && m.role == "assistant") {
			return empty
		}
		m.text = t
		return nil
	case []any:
		if len(t) == 0 && !(last && m.role == "assistant") {
			return empty
		}
		var texts []string
		for j, bv := range t {
			bp := p + ".content." + strconv.Itoa(j)
			b, ok := bv.(map[string]any)
			if !ok {
				return badRequest(bp + ": Input should be a valid dictionary or object to extract fields from")
			}
			typ, _ := b["type"].(string)
			if !anthropicBlockTypes[typ] {
				return badRequest(bp + ": Input tag '" + typ + "' found using 'type' does not match any of the expected tags: 'text', 'image', 'document', 'search_result', 'thinking', 'redacted_thinking', 'tool_use', 'tool_result', 'server_tool_use', 'web_search_tool_result'")
			}
			if known := anthropicBlockFields[typ]; known != nil {
				if e := extraInputs(bp+"."+typ+".", b, known); e != nil {
					return e
				}
			}
			switch typ {
			case "text":
				s, ok := b["text"].(string)
				if !ok {
					return badRequest(bp + ".text.text: Field required")
				}
				if s == "" {
					return badRequest("messages: text content blocks must be non-empty")
				}
				texts = append(texts, s)
			case "image":
				src, ok := b["source"].(map[string]any)
				if !ok {
					return badRequest(bp + ".image.source: Field required")
				}
				switch src["type"] {
				case "base64":
					mt, _ := src["media_type"].(string)
					if !anthropicMediaTypes[mt] {
						return badRequest(bp + ".image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'")
					}
					if _, ok := src["data"].(string); !ok {
						return badRequest(bp + ".image.source.base64.data: Field required")
					}
				case "url":
					if _, ok := src["url"].(string); !ok {
						return badRequest(bp + ".image.source.url.url: Field required")
					}
				case "file":
				default:
					return badRequest(bp + ".image.source: Input tag '" + jsonString(src["type"]) + "' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'")
				}
			case "tool_use":
				if m.role != "assistant" {
					return badRequest(bp + ": tool_use blocks are only allowed in assistant messages")
				}
				id, _ := b["id"].(string)
				if !validToolUseID(id) {
					return badRequest(bp + ".tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'")
				}
				if _, ok := b["name"].(string); !ok {
					return badRequest(bp + ".tool_use.name: Field required")
				}
				if _, ok := b["input"].(map[string]any); !ok {
					return badRequest(bp + ".tool_use.input: Input should be a valid dictionary")
				}
				m.uses = append(m.uses, id)
			case "tool_result":
				if m.role != "user" {
					return badRequest(bp + ": tool_result blocks are only allowed in user messages")
				}
				id, _ := b["tool_use_id"].(string)
				if id == "" {
					return badRequest(bp + ".tool_result.tool_use_id: Field required")
				}
				out := ""
				if cv, ok := b["content"]; ok && cv != nil {
					s, e := anthropicText(bp+".tool_result.content", cv)
					if e != nil {
						return e
					}
					out = s
				}
				m.results = append(m.results, id)
				m.outputs = append(m.outputs, out)
			}
		}
		m.text = strings.Join(texts, "\n")
		return nil
	}
	return badRequest(p + ".content: Input should be a valid list")
}

func jsonString(v any) string {
	s, _ := v.(string)
	return s
}

func (c *conversation) anthropicTools(req map[string]any) *apiError {
	if v, ok := req["tools"]; ok && v != nil {
		arr, ok := v.([]any)
		if !ok {
			return badRequest("tools: Input should be a valid list")
		}
		for i, tv := range arr {
			p := "tools." + strconv.Itoa(i)
			t, ok := tv.(map[string]any)
			if !ok {
				return badRequest(p + ": Input should be a valid dictionary or object to extract fields from")
			}
			if typ, _ := t["type"].(string); typ != "" && typ != "custom" {
				continue // a server tool (web_search_20250305, bash_20250124, ...)
			}
			if e := extraInputs(p+".custom.", t, anthropicToolFields); e != nil {
				return e
			}
			name, _ := t["name"].(string)
			if name == "" {
				return badRequest(p + ".custom.name: Field required")
			}
			sv, ok := t["input_schema"]
			if !ok {
				return badRequest(p + ".custom.input_schema: Field required")
			}
			schema, ok := sv.(map[string]any)
			if !ok {
				return badRequest(p + ".custom.input_schema: Input should be a valid dictionary or object to extract fields from")
			}
			if schema["type"] != "object" {
				return badRequest(p + ".custom.input_schema.type: Input should be 'object'")
			}
			c.tools = append(c.tools, tool{name: name, schema: schema})
		}
	}
	v, ok := req["tool_choice"]
	if !ok || v == nil {
		return nil
	}
	tc, ok := v.(map[string]any)
	if !ok {
		return badRequest("tool_choice: Input should be a valid dictionary or object to extract fields from")
	}
	if d, _ := tc["disable_parallel_tool_use"].(bool); d {
		c.parallel = false
	}
	switch typ, _ := tc["type"].(string); typ {
	case "auto":
	case "any":
		c.choice.forced = true
	case "none":
		c.choice.none = true
	case "tool":
		name, _ := tc["name"].(string)
		if name == "" {
			return badRequest("tool_choice.tool.name: Field required")
		}
		c.choice.forced, c.choice.names = true, []string{name}
	default:
		return badRequest("tool_choice: Input tag '" + typ + "' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'")
	}
	return nil
}

// Response wire types.

type anUsage struct {
	InputTokens              int    `json:"input_tokens"`
	CacheCreationInputTokens int    `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int    `json:"cache_read_input_tokens"`
	OutputTokens             int    `json:"output_tokens"`
	ServiceTier              string `json:"service_tier"`
}

type anBlock struct {
	Type  string          `json:"type"`
	Text  *string         `json:"text,omitempty"`
	ID    string          `json:"id,omitempty"`
	Name  string          `json:"name,omitempty"`
	Input json.RawMessage `json:"input,omitempty"`
}

type anMessage struct {
	ID           string    `json:"id"`
	Type         string    `json:"type"`
	Role         string    `json:"role"`
	Model        string    `json:"model"`
	Content      []anBlock `json:"content"`
	StopReason   *string   `json:"stop_reason"`
	StopSequence *string   `json:"stop_sequence"`
	Usage        anUsage   `json:"usage"`
}

func anStop(r *reply) (reason string, seq *string) {
	switch r.finish {
	case finishLength:
		return "max_tokens", nil
	case finishTool:
		return "tool_use", nil
	case finishStopSeq:
		s := r.stopSeq
		return "stop_sequence", &s
	}
	return "end_turn", nil
}

func (x *exchange) anthropicToolID(i int) string {
	return "toolu_" + hex16(x.hash+uint64(i)*0x9e3779b97f4a7c15)
}

func (x *exchange) anthropicMessageID() string { return "msg_" + hex16(x.hash) }

func (x *exchange) anthropicResponse(c *conversation, r *reply) []byte {
	reason, seq := anStop(r)
	msg := anMessage{ID: x.anthropicMessageID(), Type: "message", Role: "assistant", Model: c.model,
		Content: []anBlock{}, StopReason: &reason, StopSequence: seq,
		Usage: anUsage{InputTokens: r.inputTokens, OutputTokens: r.outputTokens, ServiceTier: "standard"}}
	if len(r.calls) > 0 {
		for i, tc := range r.calls {
			msg.Content = append(msg.Content, anBlock{Type: "tool_use", ID: x.anthropicToolID(i), Name: tc.name, Input: json.RawMessage(tc.args)})
		}
	} else if r.text != "" {
		msg.Content = append(msg.Content, anBlock{Type: "text", Text: &r.text})
	}
	return mustMarshal(msg)
}

type anDelta struct {
	Type        string  `json:"type"`
	Text        *string `json:"text,omitempty"`
	PartialJSON *string `json:"partial_json,omitempty"`
}

type anMessageDelta struct {
	StopReason   string  `json:"stop_reason"`
	StopSequence *string `json:"stop_sequence"`
}

type anOutputUsage struct {
	OutputTokens int `json:"output_tokens"`
}

// anEvent is every streamed event; the fields each type does not use are
// omitted, so the key order matches the real API ("type" first).
type anEvent struct {
	Type         string     `json:"type"`
	Message      *anMessage `json:"message,omitempty"`
	Index        *int       `json:"index,omitempty"`
	ContentBlock *anBlock   `json:"content_block,omitempty"`
	Delta        any        `json:"delta,omitempty"`
	Usage        any        `json:"usage,omitempty"`
}

func (x *exchange) streamAnthropic(c *conversation, r *reply) {
	x.startStream("text/event-stream; charset=utf-8")
	send := func(ev anEvent) bool {
		return x.event(sseFrame(ev.Type, mustMarshal(ev), "\n"))
	}
	start := anMessage{ID: x.anthropicMessageID(), Type: "message", Role: "assistant", Model: c.model,
		Content: []anBlock{}, Usage: anUsage{InputTokens: r.inputTokens, OutputTokens: 1, ServiceTier: "standard"}}
	if !send(anEvent{Type: "message_start", Message: &start}) {
		return
	}
	pinged := false
	ping := func() bool {
		if pinged {
			return true
		}
		pinged = true
		return send(anEvent{Type: "ping"})
	}
	index := 0
	block := func(b anBlock, deltas []anDelta) bool {
		i := index
		index++
		if !send(anEvent{Type: "content_block_start", Index: &i, ContentBlock: &b}) || !ping() {
			return false
		}
		for _, d := range deltas {
			if !send(anEvent{Type: "content_block_delta", Index: &i, Delta: d}) {
				return false
			}
		}
		return send(anEvent{Type: "content_block_stop", Index: &i})
	}
	if len(r.calls) > 0 {
		for i, tc := range r.calls {
			empty := ""
			deltas := []anDelta{{Type: "input_json_delta", PartialJSON: &empty}}
			for _, frag := range splitJSON(tc.args, x.chunks()) {
				deltas = append(deltas, anDelta{Type: "input_json_delta", PartialJSON: &frag})
			}
			if !block(anBlock{Type: "tool_use", ID: x.anthropicToolID(i), Name: tc.name, Input: json.RawMessage("{}")}, deltas) {
				return
			}
		}
	} else if r.text != "" {
		var deltas []anDelta
		for _, piece := range splitText(r.text, x.chunks()) {
			deltas = append(deltas, anDelta{Type: "text_delta", Text: &piece})
		}
		empty := ""
		if !block(anBlock{Type: "text", Text: &empty}, deltas) {
			return
		}
	}
	if !ping() {
		return
	}
	reason, seq := anStop(r)
	if !send(anEvent{Type: "message_delta", Delta: anMessageDelta{reason, seq}, Usage: anOutputUsage{r.outputTokens}}) {
		return
	}
	send(anEvent{Type: "message_stop"})
}

// anthropicErrorBody renders {"type":"error","error":{"type","message"},"request_id"}.
func anthropicErrorBody(e *apiError, requestID string) []byte {
	kind := e.kind
	if kind == "" {
		switch e.status {
		case 400, 405:
			kind = "invalid_request_error"
		case 401:
			kind = "authentication_error"
		case 402:
			kind = "billing_error"
		case 403:
			kind = "permission_error"
		case 404:
			kind = "not_found_error"
		case 413:
			kind = "request_too_large"
		case 429:
			kind = "rate_limit_error"
		case 504:
			kind = "timeout_error"
		case 529:
			kind = "overloaded_error"
		default:
			if e.status >= 500 {
				kind = "api_error"
			} else {
				kind = "invalid_request_error"
			}
		}
	}
	type inner struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	}
	return mustMarshal(struct {
		Type      string `json:"type"`
		Error     inner  `json:"error"`
		RequestID string `json:"request_id"`
	}{"error", inner{kind, e.message}, requestID})
}
