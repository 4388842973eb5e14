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

// peek reads, in one pass over the body's top level, the head of a
// well-formed request and the first field the body has more than once (at
// the top level or inside stream_options: the gateway would read the first
// occurrence and the upstream the last, so a duplicate could route, price
// or limit one model and serve another). ok is false for anything unusual
// (malformed JSON, a missing or mistyped field) so the caller falls back to
// the codec's full decode, which gives the precise, protocol-shaped error;
// dup is reported whatever ok says.
func peek(proto protocol.Name, body []byte, t protocol.Target) (h head, dup string, ok bool) {
	if len(body) == 0 || body[0] != '{' || !gjson.ValidBytes(body) {
		return head{}, "", false
	}
	var (
		keys                                          keySet
		model, messages, stream, streamOpts, contents gjson.Result
		user, metadata                                gjson.Result
	)
	gjson.ParseBytes(body).ForEach(func(k, v gjson.Result) bool {
		if keys.add(k.Str) {
			dup = k.Str
			return false
		}
		switch k.Str {
		case "model":
			model = v
		case "messages":
			messages = v
		case "stream":
			stream = v
		case "stream_options":
			streamOpts = v
		case "contents":
			contents = v
		case "user":
			user = v
		case "metadata":
			metadata = v
		}
		return true
	})
	if dup != "" {
		return head{}, dup, false
	}
	var includeUsage gjson.Result
	if streamOpts.IsObject() {
		var inner keySet
		streamOpts.ForEach(func(k, v gjson.Result) bool {
			if inner.add(k.Str) {
				dup = "stream_options." + k.Str
				return false
			}
			if k.Str == "include_usage" {
				includeUsage = v
			}
			return true
		})
		if dup != "" {
			return head{}, dup, false
		}
	}
	switch proto {
	case protocol.Gemini:
		if !nonEmptyArray(contents) {
			return head{}, "", false
		}
		h.Model, h.Stream, h.IncludeUsage = t.Model, t.Stream, t.Stream
		return h, "", h.Model != ""
	case protocol.OpenAI:
		if !str(model) || !nonEmptyArray(messages) || !optBool(stream) || !optBool(includeUsage) || !optStr(user) {
			return head{}, "", false
		}
		if streamOpts.Exists() && !streamOpts.IsObject() || includeUsage.Exists() && !stream.Bool() {
			return head{}, "", false // a mistyped stream_options, or one without stream: let the decoder say so
		}
		h.Model, h.Stream, h.IncludeUsage, h.User = model.Str, stream.Bool(), includeUsage.Bool(), user.Str
		return h, "", true
	case protocol.Anthropic:
		userID := metadata.Get("user_id")
		if metadata.Exists() && !metadata.IsObject() {
			return head{}, "", false
		}
		if !str(model) || !nonEmptyArray(messages) || !optBool(stream) || !optStr(userID) {
			return head{}, "", false
		}
		h.Model, h.Stream, h.IncludeUsage, h.User = model.Str, stream.Bool(), stream.Bool(), userID.Str
		return h, "", true
	}
	return head{}, "", false
}

// keySet is the set of an object's field names seen so far: a short list
// searched in place, as requests have a few dozen fields at most, and a map
// beyond that so that a body of many thousand fields stays linear.
type keySet struct {
	list [24]string
	n    int
	m    map[string]struct{}
}

// add records k and reports whether it was already there.
func (s *keySet) add(k string) bool {
	if s.m != nil {
		if _, ok := s.m[k]; ok {
			return true
		}
		s.m[k] = struct{}{}
		return false
	}
	for _, x := range s.list[:s.n] {
		if x == k {
			return true
		}
	}
	if s.n < len(s.list) {
		s.list[s.n] = k
		s.n++
		return false
	}
	s.m = make(map[string]struct{}, 2*len(s.list))
	for _, x := range s.list {
		s.m[x] = struct{}{}
	}
	s.m[k] = struct{}{}
	return false
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
