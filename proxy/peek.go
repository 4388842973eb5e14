package proxy

import (
	"github.com/tidwall/gjson"

	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
)

// head is what routing needs from a request: a few fields read without
// decoding the whole body. When the chosen upstream speaks the client's
// protocol the body passes through and the full canonical decode is never
// paid for; the upstream validates the rest as the vendor does.
type head struct {
	Model        string
	Stream       bool
	IncludeUsage bool
	User         string
}

// peek reads the head of a well-formed request. It returns false for
// anything unusual (malformed JSON, a missing or mistyped field) so the
// caller falls back to the codec's full decode, which gives the precise,
// protocol-shaped error.
func peek(proto protocol.Name, body []byte, t protocol.Target) (head, bool) {
	if len(body) == 0 || body[0] != '{' || !gjson.ValidBytes(body) {
		return head{}, false
	}
	var h head
	switch proto {
	case protocol.Gemini:
		r := gjson.GetManyBytes(body, "contents")
		if !nonEmptyArray(r[0]) {
			return head{}, false
		}
		h.Model, h.Stream, h.IncludeUsage = t.Model, t.Stream, t.Stream
		return h, h.Model != ""
	case protocol.OpenAI:
		r := gjson.GetManyBytes(body, "model", "messages", "stream", "stream_options.include_usage", "user")
		if !str(r[0]) || !nonEmptyArray(r[1]) || !optBool(r[2]) || !optBool(r[3]) || !optStr(r[4]) {
			return head{}, false
		}
		if r[3].Exists() && !r[2].Bool() {
			return head{}, false // stream_options without stream: let the decoder say so
		}
		h.Model, h.Stream, h.IncludeUsage, h.User = r[0].Str, r[2].Bool(), r[3].Bool(), r[4].Str
		return h, true
	case protocol.Anthropic:
		r := gjson.GetManyBytes(body, "model", "messages", "stream", "metadata.user_id")
		if !str(r[0]) || !nonEmptyArray(r[1]) || !optBool(r[2]) || !optStr(r[3]) {
			return head{}, false
		}
		h.Model, h.Stream, h.IncludeUsage, h.User = r[0].Str, r[2].Bool(), r[2].Bool(), r[3].Str
		return h, true
	}
	return head{}, false
}

func headOf(r *llm.Request) head {
	return head{Model: r.Model, Stream: r.Stream, IncludeUsage: r.IncludeUsage, User: r.User}
}

func str(r gjson.Result) bool    { return r.Type == gjson.String && r.Str != "" }
func optStr(r gjson.Result) bool { return !r.Exists() || r.Type == gjson.String }
func optBool(r gjson.Result) bool {
	return !r.Exists() || r.Type == gjson.True || r.Type == gjson.False
}
func nonEmptyArray(r gjson.Result) bool {
	if !r.IsArray() {
		return false
	}
	nonEmpty := false
	r.ForEach(func(_, _ gjson.Result) bool { nonEmpty = true; return false })
	return nonEmpty
}

// usagePaths are where each protocol's non-streamed answer keeps its token
// counts (wire-formats.md §3).
var usagePaths = map[protocol.Name][]string{
	protocol.OpenAI:    {"usage.prompt_tokens", "usage.completion_tokens", "usage.prompt_tokens_details.cached_tokens", "usage.completion_tokens_details.reasoning_tokens"},
	protocol.Anthropic: {"usage.input_tokens", "usage.output_tokens", "usage.cache_read_input_tokens", "usage.cache_creation_input_tokens"},
	protocol.Gemini:    {"usageMetadata.promptTokenCount", "usageMetadata.candidatesTokenCount", "usageMetadata.cachedContentTokenCount", "usageMetadata.thoughtsTokenCount"},
}

// peekUsage reads the normalised usage of a non-streamed answer without
// decoding it (Input includes cached tokens, Output includes reasoning).
func peekUsage(proto protocol.Name, body []byte) (llm.Usage, bool) {
	paths, ok := usagePaths[proto]
	if !ok || !gjson.ValidBytes(body) {
		return llm.Usage{}, false
	}
	r := gjson.GetManyBytes(body, paths...)
	a, b, c, d := int(r[0].Int()), int(r[1].Int()), int(r[2].Int()), int(r[3].Int())
	switch proto {
	case protocol.OpenAI:
		return llm.Usage{Input: a, Output: b, CacheRead: c, Reasoning: d}, r[0].Exists()
	case protocol.Anthropic:
		return llm.Usage{Input: a + c + d, Output: b, CacheRead: c, CacheWrite: d}, r[0].Exists()
	default: // Gemini reports thoughts apart from candidates
		return llm.Usage{Input: a, Output: b + d, CacheRead: c, Reasoning: d}, r[0].Exists()
	}
}

// duplicateKey returns a top-level field the body has more than once, or
// one inside stream_options, stream settings being read by the gateway and
// the upstream alike ("" when there is none or the body is not an object).
func duplicateKey(body []byte) string {
	if len(body) == 0 || body[0] != '{' {
		return ""
	}
	dup := func(obj gjson.Result) string {
		seen := make(map[string]struct{}, 16)
		found := ""
		obj.ForEach(func(k, _ gjson.Result) bool {
			if _, ok := seen[k.Str]; ok {
				found = k.Str
				return false
			}
			seen[k.Str] = struct{}{}
			return true
		})
		return found
	}
	root := gjson.ParseBytes(body)
	if k := dup(root); k != "" {
		return k
	}
	if so := root.Get("stream_options"); so.IsObject() {
		if k := dup(so); k != "" {
			return "stream_options." + k
		}
	}
	return ""
}
