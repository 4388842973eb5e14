package gemini

import (
	"bytes"
	"encoding/json"
	"path"
	"strings"

	"github.com/switchboard-gov/switchboard/internal/jsonw"
	"github.com/switchboard-gov/switchboard/llm"
)

// encodeRequest renders r as the body of a generateContent call. The
// model goes in the URL, so the body has none; upstreamModel only decides
// how reasoning is asked for.
func encodeRequest(r *llm.Request, upstreamModel string) ([]byte, error) {
	w := wireRequest{Contents: make([]wireContent, 0, len(r.Messages))}
	levels := usesLevels(upstreamModel)
	var sys []wirePart
	for i := range r.System {
		if r.System[i] != "" {
			sys = append(sys, wirePart{Text: &r.System[i]})
		}
	}
	if len(sys) > 0 {
		w.SystemInstruction = &wireContent{Parts: sys}
	}
	for mi := range r.Messages {
		m := &r.Messages[mi]
		role := "user"
		if m.Role == llm.RoleAssistant {
			role = "model"
		}
		parts := make([]wirePart, 0, len(m.Parts))
		for pi := range m.Parts {
			p, ok, err := encodePart(&m.Parts[pi], mi, pi)
			if err != nil {
				return nil, err
			}
			if ok {
				parts = append(parts, p)
			}
		}
		if len(parts) == 0 {
			continue
		}
		if role == "model" && levels {
			signCalls(parts)
		}
		// Gemini wants turns to alternate: merge consecutive same-role turns
		// (OpenAI sends one tool message per result).
		if n := len(w.Contents); n > 0 && w.Contents[n-1].Role == role {
			w.Contents[n-1].Parts = append(w.Contents[n-1].Parts, parts...)
			continue
		}
		w.Contents = append(w.Contents, wireContent{Role: role, Parts: parts})
	}
	if len(w.Contents) == 0 {
		return nil, invalidf("messages", "The request has no content to send: every message is empty.")
	}

	if len(r.Tools) > 0 {
		t := wireTool{FunctionDeclarations: make([]wireFunctionDeclaration, len(r.Tools))}
		for i, tool := range r.Tools {
			fd := &t.FunctionDeclarations[i]
			fd.Name, fd.Description = tool.Name, tool.Description
			switch p := trim(tool.Parameters); {
			case len(p) == 0 || string(p) == "null" || emptyObjectSchema(p):
				// Gemini rejects an OBJECT with no properties; a function
				// without parameters is declared without them.
			case isOpenAPISubset(p):
				fd.Parameters = p
			default:
				fd.ParametersJSONSchema = p
			}
		}
		b, err := json.Marshal(t)
		if err != nil {
			return nil, invalidf("tools", "A tool's parameters are not valid JSON: %v", err)
		}
		w.Tools = append(w.Tools, b)
	}
	w.Tools = appendExtraTools(w.Tools, r.Extra["tools"])

	if tc, err := toolConfig(r); err != nil {
		return nil, err
	} else {
		w.ToolConfig = mergeObjects(tc, r.Extra["toolConfig"])
	}

	gc, err := generationConfig(r, upstreamModel)
	if err != nil {
		return nil, err
	}
	w.GenerationConfig = mergeObjects(gc, r.Extra["generationConfig"])

	w.SafetySettings = extraOf(r, "safetySettings", '[')
	w.CachedContent = extraOf(r, "cachedContent", '"')
	w.Labels = extraOf(r, "labels", '{')
	w.ServiceTier = extraOf(r, "serviceTier", '"')
	return json.Marshal(&w)
}

// extraOf returns a pass-through field when it is there and starts the way
// its type must.
func extraOf(r *llm.Request, key string, first byte) json.RawMessage {
	v := trim(r.Extra[key])
	if len(v) == 0 || v[0] != first || !json.Valid(v) {
		return nil
	}
	return v
}

func appendExtraTools(tools []json.RawMessage, extra json.RawMessage) []json.RawMessage {
	var more []json.RawMessage
	if len(extra) == 0 || json.Unmarshal(extra, &more) != nil {
		return tools
	}
	for _, t := range more {
		if t = trim(t); len(t) > 0 && t[0] == '{' {
			tools = append(tools, t)
		}
	}
	return tools
}

// mergeObjects returns the JSON object a with the fields of the object b
// added (b holds only fields a never sets). Either may be empty.
func mergeObjects(a, b json.RawMessage) json.RawMessage {
	b = trim(b)
	if len(b) < 2 || b[0] != '{' || !json.Valid(b) {
		b = nil
	}
	if len(a) <= 2 {
		if len(b) <= 2 {
			return nil
		}
		return b
	}
	if len(b) <= 2 || len(trim(b[1:len(b)-1])) == 0 {
		return a
	}
	out := make([]byte, 0, len(a)+len(b))
	out = append(out, a[:len(a)-1]...)
	out = append(out, ',')
	return append(out, b[1:]...)
}

func encodePart(p *llm.Part, mi, pi int) (wirePart, bool, error) {
	switch p.Kind {
	case llm.PartText:
		if p.Text == "" && p.Signature == "" {
			return wirePart{}, false, nil
		}
		return wirePart{Text: &p.Text, ThoughtSignature: sigOf(p.Signature)}, true, nil
	case llm.PartThinking:
		if p.Text == "" && p.Signature == "" {
			return wirePart{}, false, nil
		}
		return wirePart{Text: &p.Text, Thought: true, ThoughtSignature: sigOf(p.Signature)}, true, nil
	case llm.PartImage:
		if p.Image == nil {
			return wirePart{}, false, nil
		}
		return encodeImage(p.Image), true, nil
	case llm.PartToolCall:
		tc := p.ToolCall
		if tc == nil {
			return wirePart{}, false, nil
		}
		args := trim(tc.Args)
		if len(args) == 0 || string(args) == "null" {
			args = json.RawMessage("{}")
		} else if args[0] != '{' || !json.Valid(args) {
			return wirePart{}, false, invalidf(msgPath(mi, pi), "The arguments of tool call %q are not a JSON object; Gemini needs an object.", tc.Name)
		}
		return wirePart{FunctionCall: &wireFunctionCall{ID: tc.ID, Name: tc.Name, Args: args}, ThoughtSignature: sigOf(p.Signature)}, true, nil
	case llm.PartToolResult:
		tr := p.ToolResult
		if tr == nil {
			return wirePart{}, false, nil
		}
		if tr.Name == "" {
			return wirePart{}, false, invalidf(msgPath(mi, pi), "The tool result for call %q does not name its function, which Gemini requires; include the assistant turn that made the call.", tr.CallID)
		}
		return wirePart{FunctionResponse: &wireFunctionResponse{ID: tr.CallID, Name: tr.Name, Response: resultObject(tr)}}, true, nil
	}
	return wirePart{}, false, nil
}

// skipSignature is the placeholder Google documents for function calls
// whose thought signature was lost (a history from another model or a
// client that drops it); Gemini 3 rejects a function-call turn without one.
const skipSignature = "skip_thought_signature_validator"

// signCalls gives the first function call of a model turn the placeholder
// signature when none of the turn's calls has a signature.
func signCalls(parts []wirePart) {
	first := -1
	for i := range parts {
		if parts[i].FunctionCall != nil {
			if parts[i].ThoughtSignature != "" {
				return
			}
			if first < 0 {
				first = i
			}
		}
	}
	if first >= 0 {
		parts[first].ThoughtSignature = skipSignature
	}
}

func msgPath(mi, pi int) string {
	return index(index("messages", mi)+".content", pi)
}

// sigOf passes a thoughtSignature on only when it can be one (proto
// bytes): a signature from another vendor that is not base64 would make
// Gemini reject the whole request.
func sigOf(s string) string {
	if s == "" || !isBase64(s) {
		return ""
	}
	return s
}

// resultObject renders a tool result as functionResponse.response, which
// must be an object: JSON object text goes as is, anything else as
// {"output": "<text>"}; an error result as {"error": …}.
func resultObject(tr *llm.ToolResult) json.RawMessage {
	c := []byte(strings.TrimSpace(tr.Content))
	isObj := len(c) > 0 && c[0] == '{' && json.Valid(c)
	if tr.IsError {
		out := []byte(`{"error":`)
		if isObj {
			out = append(out, c...)
		} else {
			out = jsonw.AppendString(out, tr.Content)
		}
		return append(out, '}')
	}
	if isObj {
		return c
	}
	out := []byte(`{"output":`)
	out = jsonw.AppendString(out, tr.Content)
	return append(out, '}')
}

func encodeImage(img *llm.Image) wirePart {
	if img.Data != "" {
		mt := img.MediaType
		if mt == "" {
			mt = sniffBase64(img.Data)
		}
		return wirePart{InlineData: &wireBlob{MimeType: mt, Data: img.Data}}
	}
	if rest, ok := strings.CutPrefix(img.URL, "data:"); ok {
		if meta, data, ok := strings.Cut(rest, ","); ok && strings.HasSuffix(meta, ";base64") {
			mt := strings.TrimSuffix(meta, ";base64")
			if mt == "" {
				mt = sniffBase64(data)
			}
			return wirePart{InlineData: &wireBlob{MimeType: mt, Data: data}}
		}
	}
	mt := img.MediaType
	if mt == "" {
		mt = mimeFromURL(img.URL)
	}
	return wirePart{FileData: &wireFileData{MimeType: mt, FileURI: img.URL}}
}

// sniffBase64 guesses an image type from the first bytes of its base64.
func sniffBase64(data string) string {
	switch {
	case strings.HasPrefix(data, "iVBORw0KGgo"):
		return "image/png"
	case strings.HasPrefix(data, "R0lGOD"):
		return "image/gif"
	case strings.HasPrefix(data, "UklGR"):
		return "image/webp"
	case strings.HasPrefix(data, "JVBERi0"):
		return "application/pdf"
	}
	return "image/jpeg"
}

func mimeFromURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	switch strings.ToLower(path.Ext(u)) {
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".heic":
		return "image/heic"
	case ".heif":
		return "image/heif"
	case ".pdf":
		return "application/pdf"
	}
	return "image/jpeg"
}

func toolConfig(r *llm.Request) (json.RawMessage, error) {
	tc := r.ToolChoice
	if tc == nil {
		return nil, nil
	}
	fc := wireFunctionCallingConfig{}
	switch tc.Mode {
	case llm.ToolAuto:
		fc.Mode = "AUTO"
	case llm.ToolNone:
		fc.Mode = "NONE"
	case llm.ToolRequired:
		fc.Mode = "ANY"
	case llm.ToolNamed:
		fc.Mode, fc.AllowedFunctionNames = "ANY", []string{tc.Name}
	default:
		return nil, nil
	}
	return json.Marshal(wireToolConfig{FunctionCallingConfig: &fc})
}

func generationConfig(r *llm.Request, model string) (json.RawMessage, error) {
	g := wireGenerationConfig{
		MaxOutputTokens:  r.MaxTokens,
		Temperature:      r.Temperature,
		TopP:             r.TopP,
		TopK:             r.TopK,
		Seed:             r.Seed,
		PresencePenalty:  r.PresencePenalty,
		FrequencyPenalty: r.FrequencyPenalty,
	}
	if len(r.Stop) > 5 {
		return nil, invalidf("stop", "Gemini accepts at most 5 stop sequences; this request has %d. Remove some.", len(r.Stop))
	}
	g.StopSequences = r.Stop
	if rf := r.ResponseFormat; rf != nil {
		switch rf.Type {
		case "json_object":
			g.ResponseMimeType = "application/json"
		case "json_schema":
			g.ResponseMimeType = "application/json"
			if s := trim(rf.Schema); len(s) > 0 && s[0] == '{' && json.Valid(s) {
				g.ResponseJSONSchema = s
			}
		}
	}
	if rs := r.Reasoning; rs != nil {
		g.ThinkingConfig = thinkingConfig(rs, model)
	}
	b, err := json.Marshal(&g)
	if err != nil {
		return nil, invalidf("", "The generation settings cannot be encoded: %v", err)
	}
	if bytes.Equal(b, []byte("{}")) {
		return nil, nil
	}
	return b, nil
}

// thinkingConfig maps Reasoning. A budget goes as thinkingBudget. An
// effort goes as thinkingLevel to Gemini 3 and later (minimal and low as
// LOW, medium and high as HIGH, the levels every Gemini 3 model has) and
// as a budget to older models: minimal 0 (128 on Pro, which cannot stop
// thinking), low 1024, medium 8192, high 24576. Thoughts are included
// unless thinking is off, so clients that show reasoning get it.
func thinkingConfig(rs *llm.Reasoning, model string) *wireThinkingConfig {
	tc := &wireThinkingConfig{IncludeThoughts: true}
	switch {
	case rs.BudgetTokens > 0:
		b := rs.BudgetTokens
		tc.ThinkingBudget = &b
	case rs.Effort == "":
	case usesLevels(model):
		if rs.Effort == "minimal" || rs.Effort == "low" {
			tc.ThinkingLevel = "LOW"
		} else {
			tc.ThinkingLevel = "HIGH"
		}
	default:
		var b int
		switch rs.Effort {
		case "minimal", "none":
			if strings.Contains(model, "pro") {
				b = 128
			} else {
				tc.IncludeThoughts = false
			}
		case "low":
			b = 1024
		case "medium":
			b = 8192
		default:
			b = 24576
		}
		tc.ThinkingBudget = &b
	}
	return tc
}

// usesLevels reports whether model is Gemini 3 or later, which take
// thinkingLevel rather than a budget.
func usesLevels(model string) bool {
	m := stripModels(model)
	rest, ok := strings.CutPrefix(m, "gemini-")
	if !ok || rest == "" {
		return false
	}
	return rest[0] >= '3' && rest[0] <= '9'
}
