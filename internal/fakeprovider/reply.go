package fakeprovider

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token counting. The fake counts a token per whitespace-separated word:
//
//	input  = words of every text in the request (system prompt, message text,
//	         tool results) + messageOverhead per message (the system prompt
//	         counts as one message); tool definitions are not counted
//	output = words of the reply text, or of each tool call's arguments JSON
//
// max_tokens truncates the reply after that many words.
const messageOverhead = 3

// echoLimit bounds the echo of the user's text, in runes.
const echoLimit = 200

// conversation is what the reply logic needs from a request, whatever the
// vendor.
type conversation struct {
	vendor string
	model  string
	// lastUser is the text of the last user message, markers included.
	lastUser string
	// toolTurn is true when the last user turn carries tool results, which
	// are then in results.
	toolTurn bool
	results  []string
	tools    []tool
	choice   toolChoice
	// parallel is false when the request disables parallel tool calls.
	parallel  bool
	stops     []string
	maxTokens int // 0: no limit
	jsonMode  bool
	// inputTokens as defined above.
	inputTokens int
}

type tool struct {
	name   string
	schema map[string]any
}

// toolChoice is the vendor-neutral tool choice.
type toolChoice struct {
	none   bool     // never call a tool
	forced bool     // must call some tool
	names  []string // restrict the tools to these (a named choice, Gemini allowedFunctionNames)
}

// finish is why a reply ended.
type finish int

const (
	finishStop    finish = iota // natural end
	finishStopSeq               // a stop sequence was hit (reply.stopSeq)
	finishLength                // max tokens
	finishTool                  // tool calls
)

type toolCall struct {
	name string
	args string // a JSON object
}

type reply struct {
	text         string
	calls        []toolCall
	finish       finish
	stopSeq      string
	inputTokens  int
	outputTokens int
}

// countWords counts whitespace-separated words without allocating.
func countWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

// addText adds a text's words to the input count.
func (c *conversation) addText(s string) { c.inputTokens += countWords(s) }

// addMessage adds the per-message overhead.
func (c *conversation) addMessage() { c.inputTokens += messageOverhead }

// reply computes the deterministic answer to c.
func (c *conversation) reply() reply {
	r := reply{inputTokens: c.inputTokens}
	if calls := c.toolCalls(); len(calls) > 0 {
		r.calls = calls
		r.finish = finishTool
		for _, tc := range calls {
			r.outputTokens += max(1, countWords(tc.args))
		}
		return r
	}
	prefix := "Simulated reply from " + c.model + " (" + c.vendor + "): "
	var text string
	if c.toolTurn {
		text = prefix + "The tool returned: " + strings.Join(c.results, "; ")
	} else {
		echo := truncateRunes(strings.TrimSpace(stripMarkers(c.lastUser)), echoLimit)
		if echo == "" {
			echo = "(no text)"
		}
		text = prefix + echo
	}
	// The stop sequence wins when it comes before the token limit.
	cut := len(text)
	for _, s := range c.stops {
		if s == "" {
			continue
		}
		if i := strings.Index(text, s); i >= 0 && (i < cut || r.stopSeq == "") {
			cut, r.stopSeq = i, s
		}
	}
	if r.stopSeq != "" {
		text = text[:cut]
		r.finish = finishStopSeq
	}
	if c.maxTokens > 0 {
		if end, ok := afterWords(text, c.maxTokens); ok {
			text = text[:end]
			r.finish, r.stopSeq = finishLength, ""
		}
	}
	if c.jsonMode {
		text = compactJSON(map[string]string{"reply": text})
	}
	r.text = text
	r.outputTokens = countWords(text)
	return r
}

// afterWords returns the byte offset just after the n-th word of s, and
// whether s has more than n words.
func afterWords(s string, n int) (int, bool) {
	words, in := 0, false
	for i, r := range s {
		if unicode.IsSpace(r) {
			if in && words == n {
				return i, true
			}
			in = false
		} else if !in {
			in = true
			words++
			if words > n {
				return i, true
			}
		}
	}
	return len(s), false
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k] + "..."
		}
		i++
	}
	return s
}

// splitText splits s into at most n pieces at word starts, as evenly as the
// words allow. It returns one piece (possibly empty) for a text with no words.
func splitText(s string, n int) []string {
	var starts []int
	in := false
	for i, r := range s {
		if unicode.IsSpace(r) {
			in = false
		} else if !in {
			in = true
			starts = append(starts, i)
		}
	}
	w := len(starts)
	if n > w {
		n = w
	}
	if n <= 1 {
		return []string{s}
	}
	out := make([]string, 0, n)
	prev := 0
	for k := 1; k < n; k++ {
		at := starts[k*w/n]
		out = append(out, s[prev:at])
		prev = at
	}
	return append(out, s[prev:])
}

// splitJSON splits a JSON text into at least two fragments (for streamed
// tool arguments).
func splitJSON(s string, n int) []string {
	n = max(n, 2)
	if len(s) < n {
		n = max(len(s), 1)
	}
	out := make([]string, 0, n)
	prev := 0
	for k := 1; k < n; k++ {
		at := k * len(s) / n
		for at < len(s) && !utf8.RuneStart(s[at]) {
			at++
		}
		if at <= prev {
			continue
		}
		out = append(out, s[prev:at])
		prev = at
	}
	return append(out, s[prev:])
}

// toolCalls decides whether the reply is a tool call and builds it.
func (c *conversation) toolCalls() []toolCall {
	if len(c.tools) == 0 || c.toolTurn || c.choice.none {
		return nil
	}
	cands := c.tools
	if len(c.choice.names) > 0 {
		cands = make([]tool, 0, len(c.choice.names))
		for _, t := range c.tools {
			for _, n := range c.choice.names {
				if t.name == n {
					cands = append(cands, t)
					break
				}
			}
		}
		if len(cands) == 0 {
			return nil
		}
	}
	lower := strings.ToLower(c.lastUser)
	chosen := -1
	for i, t := range cands {
		if strings.Contains(lower, "call "+strings.ToLower(t.name)) {
			chosen = i
			break
		}
	}
	if chosen < 0 && (c.choice.forced || strings.Contains(lower, "weather") || strings.Contains(lower, "tool")) {
		chosen = 0
	}
	if chosen < 0 {
		return nil
	}
	calls := []toolCall{{name: cands[chosen].name, args: buildArgs(cands[chosen].schema, 0)}}
	if c.parallel && strings.Contains(lower, "in parallel") {
		second, variant := chosen, 1
		if len(cands) > 1 {
			second, variant = (chosen+1)%len(cands), 0
		}
		calls = append(calls, toolCall{name: cands[second].name, args: buildArgs(cands[second].schema, variant)})
	}
	return calls
}

// buildArgs makes arguments for a tool from its JSON schema: a value for
// each required property ("Paris" for location/city strings, "example" for
// other strings, 1 for numbers, true for booleans). variant 1 gives
// "London" instead of "Paris" so a repeated call is distinguishable.
func buildArgs(schema map[string]any, variant int) string {
	var b strings.Builder
	writeObject(&b, schema, variant, 0)
	return b.String()
}

func writeObject(b *strings.Builder, schema map[string]any, variant, depth int) {
	props, _ := schema["properties"].(map[string]any)
	req, _ := schema["required"].([]any)
	b.WriteByte('{')
	n := 0
	for _, r := range req {
		name, ok := r.(string)
		if !ok {
			continue
		}
		ps, _ := props[name].(map[string]any)
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		writeString(b, name)
		b.WriteByte(':')
		writeValue(b, name, ps, variant, depth+1)
	}
	b.WriteByte('}')
}

func writeValue(b *strings.Builder, name string, schema map[string]any, variant, depth int) {
	if e, ok := schema["enum"].([]any); ok && len(e) > 0 {
		if v := compactJSON(e[0]); v != "" {
			b.WriteString(v)
			return
		}
	}
	if alts, ok := schema["anyOf"].([]any); ok && len(alts) > 0 {
		if s, ok := alts[0].(map[string]any); ok {
			writeValue(b, name, s, variant, depth)
			return
		}
	}
	typ := ""
	switch t := schema["type"].(type) {
	case string:
		typ = t
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				typ = s
				break
			}
		}
	}
	switch strings.ToLower(typ) {
	case "integer", "number":
		b.WriteByte('1')
	case "boolean":
		b.WriteString("true")
	case "array":
		b.WriteString("[]")
	case "object":
		if depth > 8 {
			b.WriteString("{}")
			return
		}
		writeObject(b, schema, variant, depth)
	case "null":
		b.WriteString("null")
	default:
		l := strings.ToLower(name)
		switch {
		case strings.Contains(l, "location") || strings.Contains(l, "city"):
			if variant == 1 {
				writeString(b, "London")
			} else {
				writeString(b, "Paris")
			}
		default:
			writeString(b, "example")
		}
	}
}

func writeString(b *strings.Builder, s string) {
	b.WriteString(compactJSON(s))
}
