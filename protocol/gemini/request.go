package gemini

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-gov/switchboard/internal/jsonw"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
)

// ParsePath splits a Gemini REST path, /v1beta/models/{model}:{method}
// (or /v1/… and /v1alpha/…), into the model and the method
// ("generateContent", "streamGenerateContent"…).
func ParsePath(path string) (model, method string, ok bool) {
	for _, prefix := range [...]string{"/v1beta/models/", "/v1/models/", "/v1alpha/models/"} {
		if rest, found := strings.CutPrefix(path, prefix); found {
			i := strings.LastIndexByte(rest, ':')
			if i <= 0 || i == len(rest)-1 || strings.ContainsRune(rest[:i], '/') {
				return "", "", false
			}
			return rest[:i], rest[i+1:], true
		}
	}
	return "", "", false
}

// stripModels removes the "models/" resource prefix from a model name.
func stripModels(m string) string { return strings.TrimPrefix(m, "models/") }

// reqDecoder holds the state of decoding one client request.
type reqDecoder struct {
	r *llm.Request
	// calls are the functionCalls seen so far, in order, to give an id to
	// a functionResponse that has none (matched by name, first unanswered).
	calls      []pendingCall
	extraTools []byte // a JSON array under construction: non-function tools
	genExtra   []byte // a JSON object under construction: generationConfig leftovers
	toolExtra  []byte // a JSON object under construction: toolConfig leftovers
}

type pendingCall struct {
	id, name string
	answered bool
}

// decodeRequest parses and validates a GenerateContentRequest.
func decodeRequest(body []byte, t protocol.Target) (*llm.Request, error) {
	if !utf8.Valid(body) {
		return nil, invalidf("", "Invalid JSON payload received. The request body is not valid UTF-8; encode text as UTF-8.")
	}
	if !json.Valid(body) {
		return nil, invalidf("", "Invalid JSON payload received. The request body is not valid JSON; check for a missing quote, comma or brace.")
	}
	if b := trim(body); len(b) == 0 || b[0] != '{' {
		return nil, invalidf("", "Invalid JSON payload received. The request body must be a JSON object (a GenerateContentRequest).")
	}
	d := reqDecoder{r: &llm.Request{Model: stripModels(t.Model), Stream: t.Stream, IncludeUsage: t.Stream}}
	if err := fields(body, "", msgPrefix+"GenerateContentRequest", d.request); err != nil {
		return nil, err
	}
	r := d.r
	if r.Model == "" {
		return nil, invalidf("model", "A model is required: call /v1beta/models/{model}:generateContent.")
	}
	if len(r.Messages) == 0 {
		return nil, invalidf("contents", "* GenerateContentRequest.contents: contents is not specified")
	}
	if len(d.extraTools) > 0 {
		d.setExtra("tools", append(d.extraTools, ']'))
	}
	if len(d.genExtra) > 0 {
		d.setExtra("generationConfig", append(d.genExtra, '}'))
	}
	if len(d.toolExtra) > 0 {
		d.setExtra("toolConfig", append(d.toolExtra, '}'))
	}
	return r, nil
}

func (d *reqDecoder) setExtra(key string, v []byte) {
	if d.r.Extra == nil {
		d.r.Extra = make(map[string]json.RawMessage, 2)
	}
	d.r.Extra[key] = append(json.RawMessage(nil), v...)
}

// addTo appends "key":v to the object under construction in *obj.
func addTo(obj *[]byte, key string, v []byte) {
	if len(*obj) == 0 {
		*obj = append(*obj, '{')
	} else {
		*obj = append(*obj, ',')
	}
	*obj = jsonw.AppendString(*obj, key)
	*obj = append(*obj, ':')
	*obj = append(*obj, v...)
}

func (d *reqDecoder) request(k, v []byte) error {
	switch string(k) {
	case "contents":
		return elems(v, "contents", typeStruct, d.content)
	case "systemInstruction", "system_instruction":
		return d.system(v)
	case "tools":
		return elems(v, "tools", typeStruct, d.tool)
	case "toolConfig", "tool_config":
		return d.toolConfig(v)
	case "generationConfig", "generation_config":
		return d.generationConfig(v)
	case "safetySettings", "safety_settings":
		if v[0] != '[' {
			return invalidValue("safety_settings", msgPrefix+"SafetySetting", v)
		}
		d.setExtra("safetySettings", v)
	case "cachedContent", "cached_content":
		if _, err := getString(v, "cached_content"); err != nil {
			return err
		}
		d.setExtra("cachedContent", v)
	case "labels":
		if v[0] != '{' {
			return invalidValue("labels", typeStruct, v)
		}
		d.setExtra("labels", v)
	case "serviceTier", "service_tier":
		d.setExtra("serviceTier", v)
	case "store":
		if _, err := getBool(v, "store"); err != nil {
			return err
		}
		d.setExtra("store", v)
	case "model":
		m, err := getString(v, "model")
		if err != nil {
			return err
		}
		if d.r.Model == "" {
			d.r.Model = stripModels(m)
		}
	default:
		return unknownField("", k)
	}
	return nil
}

func (d *reqDecoder) content(i int, v []byte) error {
	path := index("contents", i)
	var role string
	var parts []byte
	err := fields(v, path, msgPrefix+"Content", func(k, x []byte) error {
		var err error
		switch string(k) {
		case "role":
			role, err = getString(x, path+".role")
		case "parts":
			parts = x
		default:
			return unknownField(path, k)
		}
		return err
	})
	if err != nil {
		return err
	}
	msg := llm.Message{Role: llm.RoleUser}
	switch role {
	case "", "user":
	case "model":
		msg.Role = llm.RoleAssistant
	default:
		return invalidf(path+".role", "Please use a valid role: user, model.")
	}
	if parts != nil {
		path := path + ".parts"
		err = elems(parts, path, msgPrefix+"Part", func(j int, x []byte) error {
			p, err := d.part(x, index(path, j), msg.Role)
			if err != nil {
				return err
			}
			msg.Parts = append(msg.Parts, p)
			return nil
		})
		if err != nil {
			return err
		}
	}
	if len(msg.Parts) == 0 {
		return invalidf(path+".parts", "* GenerateContentRequest.%s.parts: contents.parts must not be empty.", path)
	}
	d.r.Messages = append(d.r.Messages, msg)
	return nil
}

// part decodes one Part. A Part's data is a oneof: exactly one of text,
// inlineData, fileData, functionCall, functionResponse (and the
// code-execution fields, which this gateway does not carry).
func (d *reqDecoder) part(v []byte, path string, role llm.Role) (llm.Part, error) {
	var (
		dataKey string
		data    []byte
		thought bool
		sig     string
	)
	err := fields(v, path, msgPrefix+"Part", func(k, x []byte) error {
		var err error
		switch string(k) {
		case "text", "inlineData", "inline_data", "fileData", "file_data",
			"functionCall", "function_call", "functionResponse", "function_response",
			"executableCode", "executable_code", "codeExecutionResult", "code_execution_result",
			"toolCall", "tool_call", "toolResponse", "tool_response":
			if dataKey != "" {
				return invalidf(path+"."+string(k), "Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '%s'. Each part holds exactly one of text, inlineData, fileData, functionCall or functionResponse; put them in separate parts.", k)
			}
			dataKey, data = string(k), x
		case "thought":
			thought, err = getBool(x, path+".thought")
		case "thoughtSignature", "thought_signature":
			sig, err = getString(x, path+".thought_signature")
			if err == nil && !isBase64(sig) {
				err = invalidValue(path+".thought_signature", typeBytes, x)
			}
		case "videoMetadata", "video_metadata", "mediaResolution", "media_resolution", "partMetadata", "part_metadata":
			// Hints for the model's own processing, dropped.
		default:
			return unknownField(path, k)
		}
		return err
	})
	if err != nil {
		return llm.Part{}, err
	}
	switch dataKey {
	case "text":
		text, err := getString(data, path+".text")
		if err != nil {
			return llm.Part{}, err
		}
		if text == "" && sig == "" {
			return llm.Part{}, invalidf(path+".text", "Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.")
		}
		if thought {
			return llm.Part{Kind: llm.PartThinking, Text: text, Signature: sig}, nil
		}
		return llm.Part{Kind: llm.PartText, Text: text, Signature: sig}, nil
	case "inlineData", "inline_data":
		img, err := inlineData(data, path+".inline_data")
		return llm.Part{Kind: llm.PartImage, Image: img}, err
	case "fileData", "file_data":
		img, err := fileData(data, path+".file_data")
		return llm.Part{Kind: llm.PartImage, Image: img}, err
	case "functionCall", "function_call":
		if role != llm.RoleAssistant {
			return llm.Part{}, invalidf(path+".function_call", "A functionCall part belongs in a turn with role \"model\"; move it there.")
		}
		tc, err := d.functionCall(data, path+".function_call")
		return llm.Part{Kind: llm.PartToolCall, ToolCall: tc, Signature: sig}, err
	case "functionResponse", "function_response":
		if role != llm.RoleUser {
			return llm.Part{}, invalidf(path+".function_response", "A functionResponse part belongs in a turn with role \"user\"; move it there.")
		}
		tr, err := d.functionResponse(data, path+".function_response")
		return llm.Part{Kind: llm.PartToolResult, ToolResult: tr}, err
	case "":
		if sig != "" && role == llm.RoleAssistant {
			// A model part that carried only a thoughtSignature (an SDK
			// drops the empty text beside it); keep the signature.
			return llm.Part{Kind: llm.PartText, Signature: sig}, nil
		}
		return llm.Part{}, invalidf(path+".data", "* GenerateContentRequest.%s.data: required oneof field 'data' must have one initialized field", path)
	default:
		return llm.Part{}, invalidf(path+"."+dataKey, "%s parts are not supported by this gateway; send the code or its result as text instead.", dataKey)
	}
}

func inlineData(v []byte, path string) (*llm.Image, error) {
	img := &llm.Image{}
	err := fields(v, path, msgPrefix+"Blob", func(k, x []byte) error {
		var err error
		switch string(k) {
		case "mimeType", "mime_type":
			img.MediaType, err = getString(x, path+".mime_type")
		case "data":
			img.Data, err = getString(x, path+".data")
			if err == nil {
				var ok bool
				img.Data, ok = stdBase64(img.Data)
				if !ok {
					err = invalidValue(path+".data", typeBytes, x)
				}
			}
		case "displayName", "display_name":
		default:
			return unknownField(path, k)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if img.MediaType == "" {
		return nil, invalidf(path+".mime_type", "* GenerateContentRequest.%s.mime_type: mimeType is required; set it to the media type of the data, e.g. \"image/png\".", path)
	}
	if img.Data == "" {
		return nil, invalidf(path+".data", "* GenerateContentRequest.%s.data: data is required; set it to the base64-encoded bytes.", path)
	}
	return img, nil
}

func fileData(v []byte, path string) (*llm.Image, error) {
	img := &llm.Image{}
	err := fields(v, path, msgPrefix+"FileData", func(k, x []byte) error {
		var err error
		switch string(k) {
		case "mimeType", "mime_type":
			img.MediaType, err = getString(x, path+".mime_type")
		case "fileUri", "file_uri":
			img.URL, err = getString(x, path+".file_uri")
		case "displayName", "display_name":
		default:
			return unknownField(path, k)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if img.URL == "" {
		return nil, invalidf(path+".file_uri", "* GenerateContentRequest.%s.file_uri: fileUri is required.", path)
	}
	return img, nil
}

// functionCall decodes a FunctionCall, giving it an id when it has none:
// "call_<n>", n its position among the request's function calls.
func (d *reqDecoder) functionCall(v []byte, path string) (*llm.ToolCall, error) {
	tc := &llm.ToolCall{}
	err := fields(v, path, msgPrefix+"FunctionCall", func(k, x []byte) error {
		var err error
		switch string(k) {
		case "id":
			tc.ID, err = getString(x, path+".id")
		case "name":
			tc.Name, err = getString(x, path+".name")
		case "args":
			tc.Args, err = getStruct(x, path+".args")
		case "partialArgs", "partial_args", "willContinue", "will_continue":
		default:
			return unknownField(path, k)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if tc.Name == "" {
		return nil, invalidf(path+".name", "* GenerateContentRequest.%s.name: Name cannot be empty.", path)
	}
	if tc.Args == nil {
		tc.Args = json.RawMessage("{}")
	}
	if tc.ID == "" {
		tc.ID = "call_" + strconv.Itoa(len(d.calls))
	}
	d.calls = append(d.calls, pendingCall{id: tc.ID, name: tc.Name})
	return tc, nil
}

// functionResponse decodes a FunctionResponse into a tool result. Without
// an id it answers the first unanswered call of the same name. The
// response object becomes the result's content as JSON text, except that
// {"output": "<text>"} becomes the text and {"error": x} an error result
// (the keys Google documents for plain output and for errors).
func (d *reqDecoder) functionResponse(v []byte, path string) (*llm.ToolResult, error) {
	tr := &llm.ToolResult{}
	var resp json.RawMessage
	err := fields(v, path, msgPrefix+"FunctionResponse", func(k, x []byte) error {
		var err error
		switch string(k) {
		case "id":
			tr.CallID, err = getString(x, path+".id")
		case "name":
			tr.Name, err = getString(x, path+".name")
		case "response":
			resp, err = getStruct(x, path+".response")
		case "parts":
			return invalidf(path+".parts", "functionResponse.parts (media in a function response) is not supported by this gateway; send the media as a separate inlineData part.")
		case "willContinue", "will_continue", "scheduling":
		default:
			return unknownField(path, k)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if tr.Name == "" {
		return nil, invalidf(path+".name", "* GenerateContentRequest.%s.name: Name cannot be empty; set it to the name of the function that was called.", path)
	}
	if tr.CallID == "" {
		for i := range d.calls {
			if c := &d.calls[i]; !c.answered && c.name == tr.Name {
				c.answered, tr.CallID = true, c.id
				break
			}
		}
		if tr.CallID == "" {
			tr.CallID = "call_" + strconv.Itoa(len(d.calls))
			d.calls = append(d.calls, pendingCall{id: tr.CallID, name: tr.Name, answered: true})
		}
	} else {
		for i := range d.calls {
			if c := &d.calls[i]; c.id == tr.CallID {
				c.answered = true
				break
			}
		}
	}
	tr.Content, tr.IsError = resultContent(resp)
	return tr, nil
}

// resultContent turns a functionResponse.response object into text.
func resultContent(resp json.RawMessage) (string, bool) {
	if resp == nil {
		return "{}", false
	}
	var one map[string]json.RawMessage
	if len(resp) < 64<<10 && json.Unmarshal(resp, &one) == nil && len(one) == 1 {
		if x, ok := one["output"]; ok {
			var s string
			if json.Unmarshal(x, &s) == nil {
				return s, false
			}
		}
		if x, ok := one["error"]; ok {
			var s string
			if json.Unmarshal(x, &s) == nil {
				return s, true
			}
			return string(x), true
		}
	}
	return string(resp), false
}

func (d *reqDecoder) system(v []byte) error {
	const path = "system_instruction"
	return fields(v, path, msgPrefix+"Content", func(k, x []byte) error {
		switch string(k) {
		case "role":
			_, err := getString(x, path+".role")
			return err
		case "parts":
			return elems(x, path+".parts", msgPrefix+"Part", func(j int, pv []byte) error {
				pp := index(path+".parts", j)
				var text *string
				err := fields(pv, pp, msgPrefix+"Part", func(k, y []byte) error {
					switch string(k) {
					case "text":
						s, err := getString(y, pp+".text")
						text = &s
						return err
					case "thought", "thoughtSignature", "thought_signature":
						return nil
					case "inlineData", "inline_data", "fileData", "file_data", "functionCall", "function_call",
						"functionResponse", "function_response":
						return invalidf(pp+"."+string(k), "systemInstruction takes only text parts; move %s into contents.", k)
					default:
						return unknownField(pp, k)
					}
				})
				if err != nil {
					return err
				}
				if text != nil && *text != "" {
					d.r.System = append(d.r.System, *text)
				}
				return nil
			})
		default:
			return unknownField(path, k)
		}
	})
}

func (d *reqDecoder) tool(i int, v []byte) error {
	path := index("tools", i)
	var other []byte
	err := fields(v, path, msgPrefix+"Tool", func(k, x []byte) error {
		switch string(k) {
		case "functionDeclarations", "function_declarations":
			p := path + ".function_declarations"
			return elems(x, p, msgPrefix+"FunctionDeclaration", func(j int, fv []byte) error {
				t, err := functionDeclaration(fv, index(p, j))
				if err == nil {
					d.r.Tools = append(d.r.Tools, t)
				}
				return err
			})
		case "googleSearch", "google_search", "googleSearchRetrieval", "google_search_retrieval",
			"codeExecution", "code_execution", "urlContext", "url_context", "fileSearch", "file_search",
			"googleMaps", "google_maps", "computerUse", "computer_use", "retrieval",
			"enterpriseWebSearch", "enterprise_web_search", "parallelAiSearch", "parallel_ai_search",
			"mcpServers", "mcp_servers":
			if x[0] != '{' && x[0] != '[' {
				return invalidValue(path+"."+string(k), typeStruct, x)
			}
			addTo(&other, camel(string(k)), x)
			return nil
		default:
			return unknownField(path, k)
		}
	})
	if err != nil {
		return err
	}
	if len(other) > 0 {
		if len(d.extraTools) == 0 {
			d.extraTools = append(d.extraTools, '[')
		} else {
			d.extraTools = append(d.extraTools, ',')
		}
		d.extraTools = append(d.extraTools, other...)
		d.extraTools = append(d.extraTools, '}')
	}
	return nil
}

// camel turns a proto field name into its JSON name.
func camel(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	b := make([]byte, 0, len(s))
	up := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			up = true
			continue
		}
		if up && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b = append(b, c)
	}
	return string(b)
}

func functionDeclaration(v []byte, path string) (llm.Tool, error) {
	var t llm.Tool
	var params, jsonParams json.RawMessage
	err := fields(v, path, msgPrefix+"FunctionDeclaration", func(k, x []byte) error {
		var err error
		switch string(k) {
		case "name":
			t.Name, err = getString(x, path+".name")
		case "description":
			t.Description, err = getString(x, path+".description")
		case "parameters":
			params, err = getStruct(x, path+".parameters")
		case "parametersJsonSchema", "parameters_json_schema":
			jsonParams, err = getStruct(x, path+".parameters_json_schema")
		case "response", "responseJsonSchema", "response_json_schema", "behavior":
			// What the function returns, and whether it blocks: no
			// canonical meaning, dropped.
		default:
			return unknownField(path, k)
		}
		return err
	})
	if err != nil {
		return t, err
	}
	if t.Name == "" {
		return t, invalidf(path+".name", "* GenerateContentRequest.%s.name: Name cannot be empty.", path)
	}
	if !validFunctionName(t.Name) {
		return t, invalidf(path+".name", "* GenerateContentRequest.%s.name: Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain underscores, dots, colons and dashes, with a maximum length of 128.", path)
	}
	switch {
	case jsonParams != nil && params != nil:
		return t, invalidf(path+".parameters", "Set either parameters or parametersJsonSchema on function %q, not both.", t.Name)
	case jsonParams != nil:
		t.Parameters = jsonParams
	case params != nil:
		t.Parameters = toJSONSchema(params)
	}
	return t, nil
}

func validFunctionName(s string) bool {
	if len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '.' || c == '-' || c == ':'):
		default:
			return false
		}
	}
	return true
}

func (d *reqDecoder) toolConfig(v []byte) error {
	const path = "tool_config"
	return fields(v, path, msgPrefix+"ToolConfig", func(k, x []byte) error {
		switch string(k) {
		case "functionCallingConfig", "function_calling_config":
			return d.functionCallingConfig(x, path+".function_calling_config")
		case "retrievalConfig", "retrieval_config", "includeServerSideToolInvocations", "include_server_side_tool_invocations":
			addTo(&d.toolExtra, camel(string(k)), x)
			return nil
		default:
			return unknownField(path, k)
		}
	})
}

func (d *reqDecoder) functionCallingConfig(v []byte, path string) error {
	var mode string
	var names []string
	err := fields(v, path, msgPrefix+"FunctionCallingConfig", func(k, x []byte) error {
		var err error
		switch string(k) {
		case "mode":
			mode, err = enumMode(x, path+".mode")
		case "allowedFunctionNames", "allowed_function_names":
			err = elems(x, path+".allowed_function_names", typeString, func(i int, y []byte) error {
				s, err := getString(y, index(path+".allowed_function_names", i))
				names = append(names, s)
				return err
			})
		case "streamFunctionCallArguments", "stream_function_call_arguments":
			// Function calls reach the client whole either way.
			_, err = getBool(x, path+".stream_function_call_arguments")
		default:
			return unknownField(path, k)
		}
		return err
	})
	if err != nil {
		return err
	}
	switch mode {
	case "AUTO", "VALIDATED":
		d.r.ToolChoice = &llm.ToolChoice{Mode: llm.ToolAuto}
	case "NONE":
		d.r.ToolChoice = &llm.ToolChoice{Mode: llm.ToolNone}
	case "ANY":
		if len(names) == 1 {
			d.r.ToolChoice = &llm.ToolChoice{Mode: llm.ToolNamed, Name: names[0]}
		} else {
			d.r.ToolChoice = &llm.ToolChoice{Mode: llm.ToolRequired}
		}
	}
	return nil
}

func enumMode(v []byte, path string) (string, error) {
	modes := [...]string{"MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"}
	if len(v) > 0 && v[0] != '"' {
		if n, err := strconv.Atoi(string(v)); err == nil && n >= 0 && n < len(modes) {
			return modes[n], nil
		}
	} else if s, err := getString(v, path); err == nil {
		for _, m := range modes {
			if s == m {
				return m, nil
			}
		}
	}
	return "", invalidValue(path, msgPrefix+"FunctionCallingConfig.Mode", v)
}

// generationConfig maps GenerationConfig. Fields with no canonical meaning
// that Gemini accepts are kept in Extra["generationConfig"] for a Gemini
// upstream.
func (d *reqDecoder) generationConfig(v []byte) error {
	const path = "generation_config"
	r := d.r
	var mime string
	var schema, jsonSchema json.RawMessage
	err := fields(v, path, msgPrefix+"GenerationConfig", func(k, x []byte) error {
		var err error
		var f float64
		var n int64
		switch string(k) {
		case "temperature":
			if f, err = getFloat(x, path+".temperature"); err == nil {
				if f < 0 || f > 2 {
					return invalidf(path+".temperature", "* GenerateContentRequest.generation_config.temperature: must be between 0.0 and 2.0.")
				}
				r.Temperature = &f
			}
		case "topP", "top_p":
			if f, err = getFloat(x, path+".top_p"); err == nil {
				if f < 0 || f > 1 {
					return invalidf(path+".top_p", "* GenerateContentRequest.generation_config.top_p: must be between 0.0 and 1.0.")
				}
				r.TopP = &f
			}
		case "topK", "top_k":
			if n, err = getInt(x, path+".top_k"); err == nil {
				k := int(n)
				r.TopK = &k
			}
		case "maxOutputTokens", "max_output_tokens":
			if n, err = getInt(x, path+".max_output_tokens"); err == nil {
				if n < 0 {
					return invalidf(path+".max_output_tokens", "* GenerateContentRequest.generation_config.max_output_tokens: must be positive.")
				}
				if n > 0 {
					m := int(n)
					r.MaxTokens = &m
				}
			}
		case "candidateCount", "candidate_count":
			if n, err = getInt(x, path+".candidate_count"); err == nil && n > 1 {
				return invalidf(path+".candidate_count", "This gateway returns one candidate; remove candidateCount or set it to 1.")
			}
		case "seed":
			if n, err = getInt(x, path+".seed"); err == nil {
				r.Seed = &n
			}
		case "presencePenalty", "presence_penalty":
			if f, err = getFloat(x, path+".presence_penalty"); err == nil {
				r.PresencePenalty = &f
			}
		case "frequencyPenalty", "frequency_penalty":
			if f, err = getFloat(x, path+".frequency_penalty"); err == nil {
				r.FrequencyPenalty = &f
			}
		case "stopSequences", "stop_sequences":
			p := path + ".stop_sequences"
			err = elems(x, p, typeString, func(i int, y []byte) error {
				s, err := getString(y, index(p, i))
				r.Stop = append(r.Stop, s)
				return err
			})
			if err == nil && len(r.Stop) > 5 {
				return invalidf(p, "* GenerateContentRequest.generation_config.stop_sequences: at most 5 stop sequences are allowed; got %d.", len(r.Stop))
			}
		case "responseMimeType", "response_mime_type":
			mime, err = getString(x, path+".response_mime_type")
		case "responseSchema", "response_schema":
			schema, err = getStruct(x, path+".response_schema")
		case "responseJsonSchema", "response_json_schema", "_responseJsonSchema":
			jsonSchema, err = getStruct(x, path+".response_json_schema")
		case "thinkingConfig", "thinking_config":
			err = d.thinkingConfig(x, path+".thinking_config")
		case "responseLogprobs", "response_logprobs", "logprobs", "enableEnhancedCivicAnswers", "enable_enhanced_civic_answers",
			"responseModalities", "response_modalities", "speechConfig", "speech_config", "imageConfig", "image_config",
			"mediaResolution", "media_resolution":
			addTo(&d.genExtra, camel(string(k)), x)
		default:
			return unknownField(path, k)
		}
		return err
	})
	if err != nil {
		return err
	}
	if jsonSchema == nil && schema != nil {
		jsonSchema = toJSONSchema(schema)
	}
	switch mime {
	case "application/json":
		if jsonSchema != nil {
			r.ResponseFormat = &llm.ResponseFormat{Type: "json_schema", Schema: jsonSchema}
		} else {
			r.ResponseFormat = &llm.ResponseFormat{Type: "json_object"}
		}
	case "", "text/plain":
		if jsonSchema != nil {
			return invalidf(path+".response_mime_type", "* GenerateContentRequest.generation_config.response_mime_type: a response schema needs responseMimeType \"application/json\".")
		}
	default:
		// text/x.enum and the like: Gemini-only, kept for a Gemini upstream.
		addTo(&d.genExtra, "responseMimeType", jsonw.AppendString(nil, mime))
		if schema != nil {
			addTo(&d.genExtra, "responseSchema", schema)
		} else if jsonSchema != nil {
			addTo(&d.genExtra, "responseJsonSchema", jsonSchema)
		}
	}
	return nil
}

// thinkingConfig maps ThinkingConfig to Reasoning: a budget is kept as
// is, 0 (thinking off) becomes effort "minimal", -1 (dynamic) and
// includeThoughts alone become a Reasoning with neither set; a level
// becomes the effort of the same name.
func (d *reqDecoder) thinkingConfig(v []byte, path string) error {
	var include, set bool
	var rs llm.Reasoning
	err := fields(v, path, msgPrefix+"ThinkingConfig", func(k, x []byte) error {
		var err error
		switch string(k) {
		case "includeThoughts", "include_thoughts":
			include, err = getBool(x, path+".include_thoughts")
		case "thinkingBudget", "thinking_budget":
			var n int64
			if n, err = getInt(x, path+".thinking_budget"); err == nil {
				set = true
				switch {
				case n == 0:
					rs.Effort = "minimal"
				case n > 0:
					rs.BudgetTokens = int(n)
				case n < -1:
					return invalidf(path+".thinking_budget", "thinkingBudget must be -1 (dynamic), 0 (off) or a positive number of tokens.")
				}
			}
		case "thinkingLevel", "thinking_level":
			var s string
			if s, err = getString(x, path+".thinking_level"); err == nil {
				switch strings.ToUpper(s) {
				case "MINIMAL", "LOW", "MEDIUM", "HIGH":
					if rs.Effort == "" {
						rs.Effort = strings.ToLower(s)
					}
					set = true
				case "THINKING_LEVEL_UNSPECIFIED":
				default:
					return invalidValue(path+".thinking_level", msgPrefix+"ThinkingConfig.ThinkingLevel", x)
				}
			}
		default:
			return unknownField(path, k)
		}
		return err
	})
	if err != nil {
		return err
	}
	if set || include {
		d.r.Reasoning = &rs
	}
	return nil
}

// isBase64 reports whether s uses only base64 characters (standard or
// URL-safe, padded or not), as proto3-JSON bytes may.
func isBase64(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '+' || c == '/' || c == '-' || c == '_' || c == '=') {
			return false
		}
	}
	return true
}

// stdBase64 normalises proto3-JSON bytes (either alphabet, padding
// optional) to padded standard base64.
func stdBase64(s string) (string, bool) {
	if !isBase64(s) {
		return "", false
	}
	if strings.ContainsAny(s, "-_") {
		s = strings.NewReplacer("-", "+", "_", "/").Replace(s)
	}
	if n := len(strings.TrimRight(s, "=")) % 4; n == 1 {
		return "", false
	} else if n != 0 && !strings.HasSuffix(s, "=") {
		s += "=="[:4-n]
	}
	return s, true
}
