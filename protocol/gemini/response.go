package gemini

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strconv"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/internal/jsonw"
	"github.com/switchboard-gov/switchboard/llm"
)

// encodeResponse renders r as a GenerateContentResponse with one candidate.
func encodeResponse(r *llm.Response, model string) []byte {
	if model == "" {
		model = r.Model
	}
	id := r.ID
	if id == "" {
		id = newID("")
	}
	dst := make([]byte, 0, 256+responseSize(r))
	dst = append(dst, chunkHead...)
	n := 0
	for i := range r.Content {
		p := &r.Content[i]
		before := len(dst)
		if n > 0 {
			dst = append(dst, ',')
		}
		switch p.Kind {
		case llm.PartText, llm.PartThinking:
			if p.Text == "" && p.Signature == "" {
				dst = dst[:before]
				continue
			}
			dst = appendTextPart(dst, p.Text, p.Kind == llm.PartThinking, p.Signature)
		case llm.PartToolCall:
			if p.ToolCall == nil {
				dst = dst[:before]
				continue
			}
			dst = appendCallPart(dst, p.ToolCall.ID, p.ToolCall.Name, p.ToolCall.Args, p.Signature)
		default:
			dst = dst[:before]
			continue
		}
		n++
	}
	u := r.Usage
	return appendTail(dst, finishReason(r.StopReason), &u, model, id)
}

func responseSize(r *llm.Response) int {
	n := 0
	for i := range r.Content {
		n += len(r.Content[i].Text) + len(r.Content[i].Signature) + 32
		if tc := r.Content[i].ToolCall; tc != nil {
			n += len(tc.Args) + len(tc.Name) + len(tc.ID)
		}
	}
	return n
}

const (
	chunkHead = `{"candidates":[{"content":{"parts":[`
)

func appendTextPart(dst []byte, text string, thought bool, sig string) []byte {
	dst = append(dst, `{"text":`...)
	dst = jsonw.AppendString(dst, text)
	if thought {
		dst = append(dst, `,"thought":true`...)
	}
	if sig != "" {
		dst = append(dst, `,"thoughtSignature":`...)
		dst = jsonw.AppendString(dst, sig)
	}
	return append(dst, '}')
}

func appendCallPart(dst []byte, id, name string, args []byte, sig string) []byte {
	dst = append(dst, `{"functionCall":{`...)
	if id != "" {
		dst = append(dst, `"id":`...)
		dst = jsonw.AppendString(dst, id)
		dst = append(dst, ',')
	}
	dst = append(dst, `"name":`...)
	dst = jsonw.AppendString(dst, name)
	dst = append(dst, `,"args":`...)
	dst = appendArgs(dst, args)
	dst = append(dst, '}')
	if sig != "" {
		dst = append(dst, `,"thoughtSignature":`...)
		dst = jsonw.AppendString(dst, sig)
	}
	return append(dst, '}')
}

// appendArgs appends tool-call arguments as the object Gemini's args must
// be, on one line: empty arguments become {}, and so does anything that
// is not a JSON object (it cannot be represented).
func appendArgs(dst, args []byte) []byte {
	args = trim(args)
	if len(args) == 0 || args[0] != '{' || !json.Valid(args) {
		return append(dst, "{}"...)
	}
	if bytes.ContainsAny(args, "\r\n") {
		buf := bytes.NewBuffer(dst)
		if json.Compact(buf, args) == nil {
			return buf.Bytes()
		}
		return append(dst, "{}"...)
	}
	return append(dst, args...)
}

func appendTail(dst []byte, finish string, u *llm.Usage, model, id string) []byte {
	dst = append(dst, `],"role":"model"}`...)
	if finish != "" {
		dst = append(dst, `,"finishReason":"`...)
		dst = append(dst, finish...)
		dst = append(dst, '"')
	}
	dst = append(dst, `,"index":0}]`...)
	if u != nil {
		dst = appendUsage(dst, u)
	}
	dst = append(dst, `,"modelVersion":`...)
	dst = jsonw.AppendString(dst, model)
	dst = append(dst, `,"responseId":`...)
	dst = jsonw.AppendString(dst, id)
	return append(dst, '}')
}

// appendUsage writes usageMetadata. Gemini counts thoughts apart from
// candidates; the canonical Output includes them.
func appendUsage(dst []byte, u *llm.Usage) []byte {
	cand := max(u.Output-u.Reasoning, 0)
	dst = append(dst, `,"usageMetadata":{"promptTokenCount":`...)
	dst = strconv.AppendInt(dst, int64(u.Input), 10)
	dst = append(dst, `,"candidatesTokenCount":`...)
	dst = strconv.AppendInt(dst, int64(cand), 10)
	dst = append(dst, `,"totalTokenCount":`...)
	dst = strconv.AppendInt(dst, int64(u.Input+cand+u.Reasoning), 10)
	if u.CacheRead > 0 {
		dst = append(dst, `,"cachedContentTokenCount":`...)
		dst = strconv.AppendInt(dst, int64(u.CacheRead), 10)
	}
	if u.Reasoning > 0 {
		dst = append(dst, `,"thoughtsTokenCount":`...)
		dst = strconv.AppendInt(dst, int64(u.Reasoning), 10)
	}
	return append(dst, '}')
}

// finishReason maps a stop reason to Gemini's: Gemini has no tool-call or
// stop-sequence reason (both are STOP).
func finishReason(s llm.StopReason) string {
	switch s {
	case llm.StopMaxTokens:
		return "MAX_TOKENS"
	case llm.StopRefused:
		return "SAFETY"
	case llm.StopError:
		return "OTHER"
	}
	return "STOP"
}

// stopReason maps a Gemini finishReason. STOP with function calls is
// tool_calls; the safety family is refused; the malformed-tool-call family
// is error; OTHER, LANGUAGE and anything unknown count as a normal end.
func stopReason(finish string, toolCalls bool) llm.StopReason {
	switch finish {
	case "MAX_TOKENS":
		return llm.StopMaxTokens
	case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
		"IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION":
		return llm.StopRefused
	case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS":
		return llm.StopError
	}
	if toolCalls {
		return llm.StopToolCalls
	}
	return llm.StopEnd
}

func usageOf(w *wireUsage) llm.Usage {
	return llm.Usage{
		Input:     w.PromptTokenCount + w.ToolUsePromptTokenCount,
		Output:    w.CandidatesTokenCount + w.ThoughtsTokenCount,
		CacheRead: w.CachedContentTokenCount,
		Reasoning: w.ThoughtsTokenCount,
	}
}

// newID returns prefix followed by 24 random base-36 characters, for ids
// Gemini does not send (function calls) or the source did not have.
func newID(prefix string) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, len(prefix), len(prefix)+24)
	copy(b, prefix)
	x, y := rand.Uint64(), rand.Uint64()
	for i := 0; i < 12; i++ {
		b = append(b, digits[x%36])
		x /= 36
	}
	for i := 0; i < 12; i++ {
		b = append(b, digits[y%36])
		y /= 36
	}
	return string(b)
}

// decodeResponse parses an upstream GenerateContentResponse by running it
// through the stream decoder as one chunk, so that a response and the
// stream of the same answer decode alike.
func decodeResponse(body []byte) (*llm.Response, error) {
	var w wireResponse
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "Gemini returned a response that is not valid JSON.", Cause: err}
	}
	if w.Error != nil {
		return nil, wireToError(w.Error, w.Error.Code)
	}
	if len(w.Candidates) == 0 && (w.PromptFeedback == nil || w.PromptFeedback.BlockReason == "") {
		return nil, &switchboard.Error{Code: switchboard.EUPSTREAM, Message: "Gemini returned no candidates and no reason."}
	}
	if len(w.Candidates) > 0 && w.Candidates[0].FinishReason == "" {
		w.Candidates[0].FinishReason = "STOP"
	}
	var f llm.Folder
	var d streamDecoder
	d.chunk(&w, f.Add)
	if err := d.Finish(f.Add); err != nil {
		return nil, err
	}
	if e := f.Err(); e != nil {
		return nil, e
	}
	r := f.Response()
	if len(r.Content) == 0 {
		r.Content = nil
	}
	return r, nil
}
