package fakeprovider

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Field sets of the Gemini request messages, in proto3-JSON (lowerCamel)
// names; the snake_case proto names are accepted too.
var (
	gmRequestFields = setOf("model", "contents", "tools", "toolConfig", "safetySettings",
		"systemInstruction", "generationConfig", "cachedContent", "serviceTier", "store",
		"continuationToken")
	gmContentFields = setOf("role", "parts")
	gmPartFields    = setOf("text", "inlineData", "functionCall", "functionResponse", "fileData",
		"executableCode", "codeExecutionResult", "toolCall", "toolResponse", "thought",
		"thoughtSignature", "videoMetadata", "partMetadata", "mediaResolution")
	// gmDataFields form the part's "data" oneof.
	gmDataFields = []string{"text", "inlineData", "functionCall", "functionResponse", "fileData",
		"executableCode", "codeExecutionResult", "toolCall", "toolResponse"}
	gmFunctionCallFields     = setOf("id", "name", "args")
	gmFunctionResponseFields = setOf("id", "name", "response", "willContinue", "scheduling", "parts")
	gmGenerationFields       = setOf("stopSequences", "responseMimeType", "responseSchema",
		"responseJsonSchema", "responseModalities", "candidateCount", "maxOutputTokens",
		"temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty",
		"responseLogprobs", "logprobs", "enableEnhancedCivicAnswers", "speechConfig",
		"thinkingConfig", "imageConfig", "mediaResolution", "routingConfig",
		"modelSelectionConfig", "audioTranscriptionConfig")
	gmToolFields = setOf("functionDeclarations", "googleSearch", "googleSearchRetrieval",
		"codeExecution", "urlContext", "computerUse", "fileSearch", "googleMaps", "retrieval",
		"enterpriseWebSearch", "mcpServers")
	gmDeclarationFields = setOf("name", "description", "parameters", "parametersJsonSchema",
		"response", "responseJsonSchema", "behavior")
	// gmSchemaFields is the OpenAPI subset allowed in "parameters".
	gmSchemaFields = setOf("type", "format", "title", "description", "nullable", "enum",
		"maxItems", "minItems", "properties", "required", "minProperties", "maxProperties",
		"minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering", "default",
		"items", "minimum", "maximum")
	gmToolConfigFields       = setOf("functionCallingConfig", "retrievalConfig", "includeServerSideToolInvocations")
	gmFunctionCallingFields  = setOf("mode", "allowedFunctionNames", "streamFunctionCallArguments")
	gmFunctionCallingModes   = setOf("MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED")
	gmSchemaTypes            = setOf("TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL")
	gmInvalidAPIKeyMessage   = "API key not valid. Please pass a valid API key."
	gmUnregisteredMessage    = "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
	gmGenerateContentRequest = "* GenerateContentRequest."
)

func (s *Server) serveGemini(x *exchange) {
	r := x.r
	key := r.Header.Get("X-Goog-Api-Key")
	if key == "" {
		key = r.URL.Query().Get("key")
	}
	if key == "" {
		x.fail(&apiError{status: 403, message: gmUnregisteredMessage, reason: "SERVICE_DISABLED"})
		return
	}
	if !s.checkKey(Gemini, key) {
		x.fail(&apiError{status: 400, message: gmInvalidAPIKeyMessage, reason: "API_KEY_INVALID"})
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/v1beta/models/")
	i := strings.LastIndexByte(rest, ':')
	if i <= 0 || r.Method != http.MethodPost {
		x.fail(&apiError{status: 404, message: "Requested entity was not found."})
		return
	}
	model, method := rest[:i], rest[i+1:]
	stream := false
	switch method {
	case "generateContent":
	case "streamGenerateContent":
		stream = true
	default:
		x.fail(&apiError{status: 404, message: "Requested entity was not found."})
		return
	}
	req, err := decodeObject(x.body)
	if err != nil {
		x.fail(&apiError{status: 400, message: "Invalid JSON payload received. Unexpected token."})
		return
	}
	c, e := parseGemini(model, req)
	if e != nil {
		x.fail(e)
		return
	}
	if !x.prepare(c.lastUser) {
		return
	}
	rep := c.reply()
	switch {
	case !stream:
		x.writeJSON(200, mustMarshal(x.geminiResponses(c, &rep, 1)[0]))
	case r.URL.Query().Get("alt") == "sse":
		x.startStream("text/event-stream")
		for _, ch := range x.geminiResponses(c, &rep, x.chunks()) {
			if !x.event(sseFrame("", mustMarshal(ch), "\r\n")) {
				return
			}
		}
	default:
		x.startStream("application/json; charset=UTF-8")
		chunks := x.geminiResponses(c, &rep, x.chunks())
		for i, ch := range chunks {
			var frame []byte
			if i == 0 {
				frame = append(frame, '[')
			} else {
				frame = append(frame, ",\r\n"...)
			}
			frame = append(frame, mustMarshal(ch)...)
			if i == len(chunks)-1 {
				frame = append(frame, ']')
			}
			if !x.event(frame) {
				return
			}
		}
	}
}

// unknownName is the proto3-JSON parser's error for a field it does not know.
func unknownName(name, at string) *apiError {
	msg := "Invalid JSON payload received. Unknown name \"" + name + "\""
	if at != "" {
		msg += " at '" + at + "'"
	}
	msg += ": Cannot find field."
	return &apiError{status: 400, message: msg, field: at}
}

// gmInvalid is a validation error of the Gemini backend.
func gmInvalid(path, msg string) *apiError {
	return &apiError{status: 400, message: gmGenerateContentRequest + path + ": " + msg + "\n", field: path}
}

func gmInvalidValue(path string, typ string, v any) *apiError {
	return &apiError{status: 400, message: "Invalid value at '" + path + "' (" + typ + "), " + compactJSON(v), field: path}
}

// snakeToCamel turns a proto field name into its JSON name.
func snakeToCamel(s string) string {
	var b strings.Builder
	up := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteByte(c)
	}
	return b.String()
}

// camelToSnake turns a JSON name into the proto field name used in paths.
func camelToSnake(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			b.WriteByte('_')
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

func joinPath(parent, field string) string {
	if parent == "" {
		return field
	}
	return parent + "." + field
}

// gmObject checks m's keys against known, accepting snake_case aliases, and
// returns m with every key in its lowerCamel form.
func gmObject(m map[string]any, known map[string]bool, path string) (map[string]any, *apiError) {
	rename := false
	var bad []string
	for k := range m {
		if known[k] {
			continue
		}
		if strings.IndexByte(k, '_') > 0 && known[snakeToCamel(k)] && k == strings.ToLower(k) {
			rename = true
			continue
		}
		bad = append(bad, k)
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return nil, unknownName(bad[0], path)
	}
	if !rename {
		return m, nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if known[k] {
			out[k] = v
		} else {
			out[snakeToCamel(k)] = v
		}
	}
	return out, nil
}

// gmSub returns the field f of m as an object (nil when absent).
func gmSub(m map[string]any, f, path string, known map[string]bool) (map[string]any, string, *apiError) {
	p := joinPath(path, camelToSnake(f))
	v, ok := m[f]
	if !ok || v == nil {
		return nil, p, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, p, &apiError{status: 400, message: "Invalid JSON payload received. Unknown name \"" + f + "\" at '" + path + "': Proto field is not repeating, cannot start list.", field: p}
	}
	if known == nil {
		return o, p, nil
	}
	o, e := gmObject(o, known, p)
	return o, p, e
}

// gmList returns the field f of m as a list (nil when absent).
func gmList(m map[string]any, f, path string) ([]any, string, *apiError) {
	p := joinPath(path, camelToSnake(f))
	v, ok := m[f]
	if !ok || v == nil {
		return nil, p, nil
	}
	l, ok := v.([]any)
	if !ok {
		if _, isObj := v.(map[string]any); isObj {
			// proto3-JSON accepts no single object for a repeated field.
			return nil, p, &apiError{status: 400, message: "Invalid JSON payload received. Unknown name \"" + f + "\" at '" + path + "': Proto field is repeated, cannot start object.", field: p}
		}
		return nil, p, gmInvalidValue(p, "TYPE_MESSAGE", v)
	}
	return l, p, nil
}

// parseGemini validates a GenerateContentRequest and extracts the
// conversation.
func parseGemini(model string, req map[string]any) (*conversation, *apiError) {
	req, e := gmObject(req, gmRequestFields, "")
	if e != nil {
		return nil, e
	}
	c := &conversation{vendor: Gemini, model: model, parallel: true}
	if si, p, e := gmSub(req, "systemInstruction", "", gmContentFields); e != nil {
		return nil, e
	} else if si != nil {
		text, _, _, e := gmContent(si, p)
		if e != nil {
			return nil, e
		}
		c.addMessage()
		c.addText(text)
	}
	contents, p, e := gmList(req, "contents", "")
	if e != nil {
		return nil, e
	}
	if len(contents) == 0 {
		return nil, gmInvalid("contents", "contents is not specified")
	}
	for i, cv := range contents {
		cp := p + "[" + strconv.Itoa(i) + "]"
		cm, ok := cv.(map[string]any)
		if !ok {
			return nil, gmInvalidValue(cp, "type.googleapis.com/google.ai.generativelanguage.v1beta.Content", cv)
		}
		cm, e := gmObject(cm, gmContentFields, cp)
		if e != nil {
			return nil, e
		}
		role, _ := cm["role"].(string)
		if role != "" && role != "user" && role != "model" {
			return nil, &apiError{status: 400, message: "Please use a valid role: user, model."}
		}
		text, results, hasResults, e := gmContent(cm, cp)
		if e != nil {
			return nil, e
		}
		c.addMessage()
		c.addText(text)
		for _, r := range results {
			c.addText(r)
		}
		if role != "model" {
			c.lastUser = text
			c.toolTurn, c.results = hasResults, results
		}
	}
	if e := c.gmGenerationConfig(req); e != nil {
		return nil, e
	}
	if e := c.gmTools(req); e != nil {
		return nil, e
	}
	return c, nil
}

// gmContent validates a Content's parts and returns its text and any
// function results.
func gmContent(cm map[string]any, cp string) (text string, results []string, hasResults bool, e *apiError) {
	parts, pp, e := gmList(cm, "parts", cp)
	if e != nil {
		return "", nil, false, e
	}
	if len(parts) == 0 {
		return "", nil, false, gmInvalid(pp, "contents.parts must not be empty.")
	}
	var texts []string
	for j, pv := range parts {
		p := pp + "[" + strconv.Itoa(j) + "]"
		part, ok := pv.(map[string]any)
		if !ok {
			return "", nil, false, gmInvalidValue(p, "type.googleapis.com/google.ai.generativelanguage.v1beta.Part", pv)
		}
		part, e := gmObject(part, gmPartFields, p)
		if e != nil {
			return "", nil, false, e
		}
		var set []string
		for _, f := range gmDataFields {
			if v, ok := part[f]; ok && v != nil {
				set = append(set, f)
			}
		}
		if len(set) == 0 {
			return "", nil, false, gmInvalid(p+".data", "required oneof field 'data' must have one initialized field")
		}
		if len(set) > 1 {
			return "", nil, false, &apiError{status: 400, message: "Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '" + set[1] + "'", field: p}
		}
		switch set[0] {
		case "text":
			s, ok := part["text"].(string)
			if !ok {
				return "", nil, false, gmInvalidValue(p+".text", "TYPE_STRING", part["text"])
			}
			if s == "" {
				return "", nil, false, gmInvalid(p+".data", "required oneof field 'data' must have one initialized field")
			}
			if t, _ := part["thought"].(bool); !t {
				texts = append(texts, s)
			}
		case "functionCall":
			fc, fp, e := gmSub(part, "functionCall", p, gmFunctionCallFields)
			if e != nil {
				return "", nil, false, e
			}
			if name, _ := fc["name"].(string); name == "" {
				return "", nil, false, gmInvalid(fp+".name", "Name cannot be empty.")
			}
			if a, ok := fc["args"]; ok && a != nil {
				if _, ok := a.(map[string]any); !ok {
					return "", nil, false, gmInvalidValue(fp+".args", "type.googleapis.com/google.protobuf.Struct", a)
				}
			}
		case "functionResponse":
			fr, fp, e := gmSub(part, "functionResponse", p, gmFunctionResponseFields)
			if e != nil {
				return "", nil, false, e
			}
			if name, _ := fr["name"].(string); name == "" {
				return "", nil, false, gmInvalid(fp+".name", "Name cannot be empty.")
			}
			rv, ok := fr["response"]
			if !ok || rv == nil {
				return "", nil, false, gmInvalid(fp+".response", "response is required.")
			}
			resp, ok := rv.(map[string]any)
			if !ok {
				return "", nil, false, gmInvalidValue(fp+".response", "type.googleapis.com/google.protobuf.Struct", rv)
			}
			results = append(results, gmResultText(resp))
			hasResults = true
		case "inlineData", "fileData":
			if _, ok := part[set[0]].(map[string]any); !ok {
				return "", nil, false, gmInvalidValue(joinPath(p, camelToSnake(set[0])), "TYPE_MESSAGE", part[set[0]])
			}
		}
	}
	return strings.Join(texts, "\n"), results, hasResults, nil
}

// gmResultText is what a function response says: a lone string field is
// taken as is, anything else as compact JSON.
func gmResultText(resp map[string]any) string {
	if len(resp) == 1 {
		for _, v := range resp {
			if s, ok := v.(string); ok {
				return s
			}
		}
	}
	return compactJSON(resp)
}

func (c *conversation) gmGenerationConfig(req map[string]any) *apiError {
	gc, p, e := gmSub(req, "generationConfig", "", gmGenerationFields)
	if e != nil || gc == nil {
		return e
	}
	if l, sp, e := gmList(gc, "stopSequences", p); e != nil {
		return e
	} else if len(l) > 5 {
		return gmInvalid(sp, "stop_sequences must have at most 5 elements.")
	} else {
		for i, s := range l {
			str, ok := s.(string)
			if !ok {
				return gmInvalidValue(sp+"["+strconv.Itoa(i)+"]", "TYPE_STRING", s)
			}
			c.stops = append(c.stops, str)
		}
	}
	if v, ok := gc["maxOutputTokens"]; ok && v != nil {
		n, ok := integer(v)
		if !ok {
			return gmInvalidValue(p+".max_output_tokens", "TYPE_INT32", v)
		}
		if n > 0 {
			c.maxTokens = n
		}
	}
	if v, ok := gc["temperature"]; ok && v != nil {
		f, ok := number(v)
		if !ok {
			return gmInvalidValue(p+".temperature", "TYPE_FLOAT", v)
		}
		if f < 0 || f > 2 {
			return gmInvalid(p+".temperature", "temperature must be in the range [0.0, 2.0].")
		}
	}
	if mt, _ := gc["responseMimeType"].(string); mt == "application/json" {
		c.jsonMode = true
	}
	return nil
}

func (c *conversation) gmTools(req map[string]any) *apiError {
	tools, p, e := gmList(req, "tools", "")
	if e != nil {
		return e
	}
	for i, tv := range tools {
		tp := p + "[" + strconv.Itoa(i) + "]"
		t, ok := tv.(map[string]any)
		if !ok {
			return gmInvalidValue(tp, "type.googleapis.com/google.ai.generativelanguage.v1beta.Tool", tv)
		}
		t, e := gmObject(t, gmToolFields, tp)
		if e != nil {
			return e
		}
		decls, dp, e := gmList(t, "functionDeclarations", tp)
		if e != nil {
			return e
		}
		for j, dv := range decls {
			fp := dp + "[" + strconv.Itoa(j) + "]"
			d, ok := dv.(map[string]any)
			if !ok {
				return gmInvalidValue(fp, "type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionDeclaration", dv)
			}
			d, e := gmObject(d, gmDeclarationFields, fp)
			if e != nil {
				return e
			}
			name, _ := d["name"].(string)
			if name == "" {
				return gmInvalid(fp+".name", "Name cannot be empty.")
			}
			var schema map[string]any
			if sv, ok := d["parameters"]; ok && sv != nil {
				s, ok := sv.(map[string]any)
				if !ok {
					return gmInvalidValue(fp+".parameters", "type.googleapis.com/google.ai.generativelanguage.v1beta.Schema", sv)
				}
				if e := gmSchema(s, fp+".parameters", 0); e != nil {
					return e
				}
				schema = s
			} else if sv, ok := d["parametersJsonSchema"].(map[string]any); ok {
				schema = sv // full JSON Schema: not checked
			}
			c.tools = append(c.tools, tool{name: name, schema: schema})
		}
	}
	tc, tcp, e := gmSub(req, "toolConfig", "", gmToolConfigFields)
	if e != nil || tc == nil {
		return e
	}
	fc, fcp, e := gmSub(tc, "functionCallingConfig", tcp, gmFunctionCallingFields)
	if e != nil || fc == nil {
		return e
	}
	if mv, ok := fc["mode"]; ok && mv != nil {
		mode, _ := mv.(string)
		if !gmFunctionCallingModes[mode] {
			return gmInvalidValue(fcp+".mode", "type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode", mv)
		}
		switch mode {
		case "ANY":
			c.choice.forced = true
		case "NONE":
			c.choice.none = true
		}
	}
	names, np, e := gmList(fc, "allowedFunctionNames", fcp)
	if e != nil {
		return e
	}
	for i, n := range names {
		s, ok := n.(string)
		if !ok {
			return gmInvalidValue(np+"["+strconv.Itoa(i)+"]", "TYPE_STRING", n)
		}
		c.choice.names = append(c.choice.names, s)
	}
	return nil
}

// gmSchema checks that a "parameters" schema stays inside the OpenAPI
// subset of the Schema proto.
func gmSchema(s map[string]any, path string, depth int) *apiError {
	if depth > 32 {
		return gmInvalid(path, "schema is nested too deeply.")
	}
	s, e := gmObject(s, gmSchemaFields, path)
	if e != nil {
		return e
	}
	if tv, ok := s["type"]; ok && tv != nil {
		t, _ := tv.(string)
		if !gmSchemaTypes[strings.ToUpper(t)] {
			return gmInvalidValue(path+".type", "type.googleapis.com/google.ai.generativelanguage.v1beta.Type", tv)
		}
	}
	if pv, ok := s["properties"]; ok && pv != nil {
		props, ok := pv.(map[string]any)
		if !ok {
			return gmInvalidValue(path+".properties", "TYPE_MESSAGE", pv)
		}
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			sub, ok := props[k].(map[string]any)
			pp := path + ".properties[" + strconv.Itoa(i) + "].value"
			if !ok {
				return gmInvalidValue(pp, "type.googleapis.com/google.ai.generativelanguage.v1beta.Schema", props[k])
			}
			if e := gmSchema(sub, pp, depth+1); e != nil {
				return e
			}
		}
	}
	if iv, ok := s["items"]; ok && iv != nil {
		items, ok := iv.(map[string]any)
		if !ok {
			return gmInvalidValue(path+".items", "type.googleapis.com/google.ai.generativelanguage.v1beta.Schema", iv)
		}
		if e := gmSchema(items, path+".items", depth+1); e != nil {
			return e
		}
	}
	if av, ok := s["anyOf"]; ok && av != nil {
		alts, ok := av.([]any)
		if !ok {
			return gmInvalidValue(path+".any_of", "TYPE_MESSAGE", av)
		}
		for i, a := range alts {
			sub, ok := a.(map[string]any)
			ap := path + ".any_of[" + strconv.Itoa(i) + "]"
			if !ok {
				return gmInvalidValue(ap, "type.googleapis.com/google.ai.generativelanguage.v1beta.Schema", a)
			}
			if e := gmSchema(sub, ap, depth+1); e != nil {
				return e
			}
		}
	}
	return nil
}

// Response wire types.

type gmCall struct {
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
}

type gmPart struct {
	Text         *string `json:"text,omitempty"`
	FunctionCall *gmCall `json:"functionCall,omitempty"`
}

type gmContentOut struct {
	Parts []gmPart `json:"parts"`
	Role  string   `json:"role"`
}

type gmCandidate struct {
	Content      gmContentOut `json:"content"`
	FinishReason string       `json:"finishReason,omitempty"`
	Index        int          `json:"index"`
}

type gmModality struct {
	Modality   string `json:"modality"`
	TokenCount int    `json:"tokenCount"`
}

type gmUsage struct {
	PromptTokenCount     int          `json:"promptTokenCount"`
	CandidatesTokenCount int          `json:"candidatesTokenCount,omitempty"`
	TotalTokenCount      int          `json:"totalTokenCount"`
	PromptTokensDetails  []gmModality `json:"promptTokensDetails,omitempty"`
}

type gmResponse struct {
	Candidates    []gmCandidate `json:"candidates"`
	UsageMetadata gmUsage       `json:"usageMetadata"`
	ModelVersion  string        `json:"modelVersion"`
	ResponseID    string        `json:"responseId"`
}

// geminiResponses builds the answer as n chunks (one for a non-streaming
// answer or a tool call); the last carries the finish reason and the full
// usage.
func (x *exchange) geminiResponses(c *conversation, r *reply, n int) []gmResponse {
	finish := "STOP"
	if r.finish == finishLength {
		finish = "MAX_TOKENS"
	}
	var parts [][]gmPart
	if len(r.calls) > 0 {
		calls := make([]gmPart, len(r.calls))
		for i, tc := range r.calls {
			calls[i] = gmPart{FunctionCall: &gmCall{Name: tc.name, Args: json.RawMessage(tc.args)}}
		}
		parts = [][]gmPart{calls}
	} else {
		for _, piece := range splitText(r.text, n) {
			parts = append(parts, []gmPart{{Text: &piece}})
		}
	}
	id := hex16(x.hash)
	out := make([]gmResponse, len(parts))
	for i, p := range parts {
		ch := gmResponse{
			Candidates:    []gmCandidate{{Content: gmContentOut{Parts: p, Role: "model"}}},
			UsageMetadata: gmUsage{PromptTokenCount: r.inputTokens, TotalTokenCount: r.inputTokens},
			ModelVersion:  c.model, ResponseID: id,
		}
		if i == len(parts)-1 {
			ch.Candidates[0].FinishReason = finish
			ch.UsageMetadata.CandidatesTokenCount = r.outputTokens
			ch.UsageMetadata.TotalTokenCount += r.outputTokens
			ch.UsageMetadata.PromptTokensDetails = []gmModality{{Modality: "TEXT", TokenCount: r.inputTokens}}
		}
		out[i] = ch
	}
	return out
}

// geminiStatus is the google.rpc status name of an HTTP status.
func geminiStatus(status int) string {
	switch status {
	case 400, 413:
		return "INVALID_ARGUMENT"
	case 401:
		return "UNAUTHENTICATED"
	case 403:
		return "PERMISSION_DENIED"
	case 404:
		return "NOT_FOUND"
	case 409:
		return "ABORTED"
	case 429:
		return "RESOURCE_EXHAUSTED"
	case 499:
		return "CANCELLED"
	case 501:
		return "UNIMPLEMENTED"
	case 503:
		return "UNAVAILABLE"
	case 504:
		return "DEADLINE_EXCEEDED"
	}
	if status >= 500 {
		return "INTERNAL"
	}
	return "FAILED_PRECONDITION"
}

// geminiErrorBody renders {"error":{"code","message","status","details"}}.
func geminiErrorBody(e *apiError) []byte {
	type detail struct {
		Type            string              `json:"@type"`
		Reason          string              `json:"reason,omitempty"`
		Domain          string              `json:"domain,omitempty"`
		Metadata        map[string]string   `json:"metadata,omitempty"`
		FieldViolations []map[string]string `json:"fieldViolations,omitempty"`
	}
	status := e.kind
	if status == "" {
		status = geminiStatus(e.status)
	}
	var details []detail
	switch {
	case e.reason != "":
		details = append(details, detail{Type: "type.googleapis.com/google.rpc.ErrorInfo", Reason: e.reason,
			Domain: "googleapis.com", Metadata: map[string]string{"service": "generativelanguage.googleapis.com"}})
	case e.field != "":
		details = append(details, detail{Type: "type.googleapis.com/google.rpc.BadRequest",
			FieldViolations: []map[string]string{{"field": e.field, "description": e.message}}})
	}
	type inner struct {
		Code    int      `json:"code"`
		Message string   `json:"message"`
		Status  string   `json:"status"`
		Details []detail `json:"details,omitempty"`
	}
	return mustMarshal(struct {
		Error inner `json:"error"`
	}{inner{e.status, e.message, status, details}})
}
