package e2e

// Golden translation fixtures.
//
// Each file testdata/translate/{client}-to-{upstream}-{scenario}.txtar holds
// one request's journey through the gateway, in four sections:
//
//	client-request     "POST /path" on the first line, then the body the client sent
//	upstream-request   "POST /path[?query]" on the first line, then the body the
//	                   fake upstream received, re-indented with sorted keys
//	upstream-response  the raw bytes the fake upstream sent
//	client-response    the raw bytes the client received
//
// TestGoldenTranslation replays each client-request through a fresh gateway
// and fake provider and compares the other three sections.
// `go test ./e2e -run TestGoldenTranslation -update` rewrites them (and
// seeds missing files from goldenRequest).
//
// The fake provider is deterministic; what the gateway generates is not.
// Before comparison these values are replaced by stable placeholders (see
// normalise):
//
//	"created":N (not the fake's constant 1735689600)  →  "created":"<created>"
//	call_/toolu_/msg_/chatcmpl- + 24..29 random chars  →  <prefix><generated>
//	"responseId":"<24 random base-36 chars>"          →  "responseId":"<generated>"
//
// A section whose bytes do not end in a newline gets one, because txtar
// cannot represent a file without it.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/translate")

const goldenDir = "../testdata/translate"

// goldenScenarios are the four request kinds of every client×upstream pair.
var goldenScenarios = []string{"text", "stream", "stream-tools", "tool-result"}

// goldenRequest is the seed client request of a scenario, used when a
// fixture does not exist yet (with -update).
func goldenRequest(client, model, scenario string) string {
	stream := strings.HasPrefix(scenario, "stream")
	tools := scenario == "stream-tools" || scenario == "tool-result"
	prompt := "Hello, golden world"
	if tools {
		prompt = "What is the weather in Paris?"
	}
	var path string
	var body map[string]any
	switch client {
	case "openai":
		path = "/v1/chat/completions"
		msgs := []any{
			map[string]any{"role": "system", "content": "Be brief."},
			map[string]any{"role": "user", "content": prompt},
		}
		if scenario == "tool-result" {
			msgs = append(msgs,
				map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{
					"id": "call_golden1", "type": "function",
					"function": map[string]any{"name": "get_weather", "arguments": `{"location":"Paris"}`}}}},
				map[string]any{"role": "tool", "tool_call_id": "call_golden1", "content": "18C and sunny"})
		}
		body = map[string]any{"model": model, "messages": msgs, "max_tokens": 64, "temperature": 0.5}
		if stream {
			body["stream"] = true
			body["stream_options"] = map[string]any{"include_usage": true}
		}
		if tools {
			body["tools"] = []any{map[string]any{"type": "function", "function": map[string]any{
				"name": "get_weather", "description": "Current weather for a city", "parameters": weatherSchema("object", "string")}}}
		}
	case "anthropic":
		path = "/v1/messages"
		msgs := []any{map[string]any{"role": "user", "content": prompt}}
		if scenario == "tool-result" {
			msgs = append(msgs,
				map[string]any{"role": "assistant", "content": []any{map[string]any{
					"type": "tool_use", "id": "toolu_golden1", "name": "get_weather", "input": map[string]any{"location": "Paris"}}}},
				map[string]any{"role": "user", "content": []any{map[string]any{
					"type": "tool_result", "tool_use_id": "toolu_golden1", "content": "18C and sunny"}}})
		}
		body = map[string]any{"model": model, "max_tokens": 64, "system": "Be brief.", "messages": msgs, "temperature": 0.5}
		if stream {
			body["stream"] = true
		}
		if tools {
			body["tools"] = []any{map[string]any{"name": "get_weather", "description": "Current weather for a city",
				"input_schema": weatherSchema("object", "string")}}
		}
	case "gemini":
		path = "/v1beta/models/" + model + ":generateContent"
		if stream {
			path = "/v1beta/models/" + model + ":streamGenerateContent?alt=sse"
		}
		contents := []any{map[string]any{"role": "user", "parts": []any{map[string]any{"text": prompt}}}}
		if scenario == "tool-result" {
			contents = append(contents,
				map[string]any{"role": "model", "parts": []any{map[string]any{
					"functionCall": map[string]any{"name": "get_weather", "args": map[string]any{"location": "Paris"}}}}},
				map[string]any{"role": "user", "parts": []any{map[string]any{
					"functionResponse": map[string]any{"name": "get_weather", "response": map[string]any{"output": "18C and sunny"}}}}})
		}
		body = map[string]any{
			"systemInstruction": map[string]any{"parts": []any{map[string]any{"text": "Be brief."}}},
			"contents":          contents,
			"generationConfig":  map[string]any{"maxOutputTokens": 64, "temperature": 0.5},
		}
		if tools {
			body["tools"] = []any{map[string]any{"functionDeclarations": []any{map[string]any{
				"name": "get_weather", "description": "Current weather for a city", "parameters": weatherSchema("OBJECT", "STRING")}}}}
		}
	}
	return "POST " + path + "\n" + prettyJSON([]byte(mustMarshal(body)))
}

func weatherSchema(object, str string) map[string]any {
	return map[string]any{"type": object, "properties": map[string]any{"location": map[string]any{"type": str}}, "required": []any{"location"}}
}

func mustMarshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// prettyJSON re-indents a JSON document with sorted keys, or returns b
// unchanged when it is not JSON.
func prettyJSON(b []byte) string {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return string(b)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return string(b)
	}
	return out.String()
}

var (
	reCreated    = regexp.MustCompile(`"created":(\d+)`)
	reGenerated  = regexp.MustCompile(`\b(call_|toolu_|msg_|chatcmpl-)[A-Za-z0-9]{24,29}\b`)
	reResponseID = regexp.MustCompile(`"responseId":\s*"[a-z0-9]{24}"`)
)

// fakeCreated is the fake provider's constant OpenAI "created" value.
const fakeCreated = "1735689600"

// normalise replaces the gateway's generated values by placeholders.
func normalise(s string) string {
	s = reCreated.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasSuffix(m, ":"+fakeCreated) {
			return m
		}
		return `"created":"<created>"`
	})
	s = reGenerated.ReplaceAllString(s, "${1}<generated>")
	return reResponseID.ReplaceAllString(s, `"responseId":"<generated>"`)
}

func withNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// TestGoldenTranslation checks every client×upstream pair against its
// fixtures, byte for byte after normalisation, and checks each client
// response against the rules of its protocol's stream format.
func TestGoldenTranslation(t *testing.T) {
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, client := range protoCases {
		for _, up := range upstreams {
			for _, sc := range goldenScenarios {
				name := client.name + "-to-" + up.protocol + "-" + sc
				t.Run(name, func(t *testing.T) {
					goldenCase(t, client, up.model, sc, filepath.Join(goldenDir, name+".txtar"))
				})
			}
		}
	}
}

func goldenCase(t *testing.T, client protoCase, model, scenario, file string) {
	arch, err := txtar.ParseFile(file)
	if err != nil {
		if !*update || !os.IsNotExist(err) {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		arch = &txtar.Archive{Comment: []byte(fmt.Sprintf("%s client → %s upstream: %s.\n", client.name, model, scenario)),
			Files: []txtar.File{{Name: "client-request", Data: []byte(goldenRequest(client.name, model, scenario))}}}
	}
	sections := map[string]string{}
	for _, f := range arch.Files {
		sections[f.Name] = string(f.Data)
	}
	line, body, ok := strings.Cut(sections["client-request"], "\n")
	method, path, ok2 := strings.Cut(line, " ")
	if !ok || !ok2 {
		t.Fatalf("client-request must start with a line like %q", "POST /v1/messages")
	}

	rec := &recorder{}
	e := startCustom(t, testConfig, rec.wrap)
	resp, got := do(t, method, e.gw.URL+path, func(h http.Header) { client.auth(h, userKey) }, []byte(body))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, got)
	}
	stream := strings.HasPrefix(scenario, "stream")
	if ct := resp.Header.Get("Content-Type"); stream != strings.HasPrefix(ct, "text/event-stream") {
		t.Errorf("Content-Type = %q for stream=%v", ct, stream)
	}
	reqs := e.fake.Requests()
	exs := rec.all()
	if len(reqs) != 1 || len(exs) != 1 {
		t.Fatalf("the fake saw %d requests (%d recorded responses), want 1", len(reqs), len(exs))
	}
	upReq := reqs[0]
	upPath := upReq.Path
	if upReq.RawQuery != "" {
		upPath += "?" + upReq.RawQuery
	}
	actual := map[string]string{
		"client-request":    sections["client-request"],
		"upstream-request":  normalise(upReq.Method + " " + upPath + "\n" + prettyJSON(upReq.Body)),
		"upstream-response": withNewline(normalise(exs[0].body.String())),
		"client-response":   withNewline(normalise(string(got))),
	}
	checkClientResponse(t, client.name, scenario, got)

	order := []string{"client-request", "upstream-request", "upstream-response", "client-response"}
	if *update {
		arch.Files = arch.Files[:0]
		for _, n := range order {
			arch.Files = append(arch.Files, txtar.File{Name: n, Data: []byte(actual[n])})
		}
		if err := os.WriteFile(file, txtar.Format(arch), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, n := range order[1:] {
		want, ok := sections[n]
		if !ok {
			t.Errorf("%s: no section %q (run with -update)", file, n)
			continue
		}
		if want != actual[n] {
			t.Errorf("%s: section %s differs (run with -update to accept):\n%s", file, n, firstDiff(want, actual[n]))
		}
	}
}

// firstDiff shows the first line where want and got differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d\n  want: %q\n  got:  %q", i+1, w, g)
		}
	}
	return "(no line differs)"
}

// sseEvent is one parsed event of a client stream.
type sseEvent struct {
	name string
	data string
}

// parseSSE splits an event stream into events, reporting lines that are
// neither event:, data: nor blank.
func parseSSE(t *testing.T, b []byte) (evs []sseEvent, other []string) {
	t.Helper()
	var cur sseEvent
	for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
		switch {
		case line == "":
			if cur.name != "" || cur.data != "" {
				evs = append(evs, cur)
			}
			cur = sseEvent{}
		case strings.HasPrefix(line, "event: "):
			cur.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			cur.data += strings.TrimPrefix(line, "data: ")
		default:
			other = append(other, line)
		}
	}
	if cur.name != "" || cur.data != "" {
		evs = append(evs, cur)
	}
	return evs, other
}

// checkClientResponse applies the wire-format rules the SDKs depend on
// (wire-formats.md §5, §7), so a fixture cannot be accepted with -update
// while breaking them.
func checkClientResponse(t *testing.T, client, scenario string, b []byte) {
	t.Helper()
	toolCall := scenario == "stream-tools"
	if !strings.HasPrefix(scenario, "stream") {
		checkWhole(t, client, scenario == "tool-result", b)
		return
	}
	evs, other := parseSSE(t, b)
	if len(other) > 0 {
		t.Errorf("stream has lines that are neither event:, data: nor blank: %q", other)
	}
	switch client {
	case "openai":
		var id string
		finishes, usage := 0, 0
		args := ""
		for i, ev := range evs {
			if ev.name != "" {
				t.Errorf("OpenAI event %d has an event: line %q", i, ev.name)
			}
			if ev.data == "[DONE]" {
				if i != len(evs)-1 {
					t.Errorf("[DONE] is event %d of %d", i, len(evs))
				}
				continue
			}
			c := gjson.Parse(ev.data)
			if id == "" {
				id = c.Get("id").String()
			} else if c.Get("id").String() != id {
				t.Errorf("chunk %d id %q, first was %q", i, c.Get("id").String(), id)
			}
			if fr := c.Get("choices.0.finish_reason"); fr.Exists() && fr.Type != gjson.Null {
				finishes++
				want := "stop"
				if toolCall {
					want = "tool_calls"
				}
				if fr.String() != want {
					t.Errorf("finish_reason %q, want %q", fr.String(), want)
				}
			}
			c.Get("choices.0.delta.tool_calls").ForEach(func(_, tc gjson.Result) bool {
				if a := tc.Get("function.arguments"); a.Exists() && a.Type != gjson.String {
					t.Errorf("tool call arguments are not a JSON string: %s", a.Raw)
				}
				args += tc.Get("function.arguments").String()
				return true
			})
			if u := c.Get("usage"); u.IsObject() {
				usage++
				if c.Get("choices.#").Int() != 0 || u.Get("prompt_tokens").Int() <= 0 || u.Get("completion_tokens").Int() <= 0 ||
					u.Get("total_tokens").Int() != u.Get("prompt_tokens").Int()+u.Get("completion_tokens").Int() {
					t.Errorf("bad usage chunk %s", ev.data)
				}
			}
		}
		if len(evs) == 0 || evs[len(evs)-1].data != "[DONE]" {
			t.Errorf("stream does not end with [DONE]")
		}
		if finishes != 1 || usage != 1 {
			t.Errorf("%d finish_reasons and %d usage chunks, want 1 and 1", finishes, usage)
		}
		if toolCall && gjson.Get(args, "location").String() != "Paris" {
			t.Errorf("streamed arguments %q", args)
		}
	case "anthropic":
		next, open := 0, -1
		var stop, partial string
		var in, out int64
		for i, ev := range evs {
			d := gjson.Parse(ev.data)
			if ev.name == "" || ev.name != d.Get("type").String() {
				t.Errorf("event %d: event: %q, type %q", i, ev.name, d.Get("type").String())
			}
			switch ev.name {
			case "message_start":
				in = d.Get("message.usage.input_tokens").Int()
			case "content_block_start":
				if idx := int(d.Get("index").Int()); idx != next || open != -1 {
					t.Errorf("content_block_start index %d, want %d (open %d)", idx, next, open)
				}
				open = next
				next++
				if cb := d.Get("content_block"); cb.Get("type").String() == "tool_use" && cb.Get("input").Raw != "{}" {
					t.Errorf("tool_use start input %s, want {}", cb.Get("input").Raw)
				}
			case "content_block_delta":
				if int(d.Get("index").Int()) != open {
					t.Errorf("delta for block %d while %d is open", d.Get("index").Int(), open)
				}
				partial += d.Get("delta.partial_json").String()
			case "content_block_stop":
				if int(d.Get("index").Int()) != open {
					t.Errorf("stop for block %d while %d is open", d.Get("index").Int(), open)
				}
				open = -1
			case "message_delta":
				stop = d.Get("delta.stop_reason").String()
				out = d.Get("usage.output_tokens").Int()
				// An upstream that reports input tokens only at the end
				// (OpenAI) cannot fill message_start; the SDK takes them
				// from message_delta too.
				if n := d.Get("usage.input_tokens").Int(); n > 0 {
					in = n
				}
			}
		}
		if len(evs) < 2 || evs[0].name != "message_start" || evs[len(evs)-1].name != "message_stop" {
			t.Errorf("stream does not run message_start … message_stop")
		}
		want := "end_turn"
		if toolCall {
			want = "tool_use"
		}
		if toolCall && gjson.Get(partial, "location").String() != "Paris" {
			t.Errorf("streamed tool input %q", partial)
		}
		if stop != want || in <= 0 || out <= 0 || next == 0 {
			t.Errorf("stop_reason %q (want %q), input %d, output %d, %d blocks", stop, want, in, out, next)
		}
	case "gemini":
		calls := 0
		var last gjson.Result
		for i, ev := range evs {
			if ev.name != "" || ev.data == "[DONE]" {
				t.Errorf("Gemini event %d: event %q data %q", i, ev.name, ev.data)
			}
			last = gjson.Parse(ev.data)
			last.Get("candidates.0.content.parts").ForEach(func(_, p gjson.Result) bool {
				if fc := p.Get("functionCall"); fc.Exists() {
					calls++
					if !fc.Get("args").IsObject() || fc.Get("args.location").String() != "Paris" {
						t.Errorf("functionCall args %s", fc.Get("args").Raw)
					}
				}
				return true
			})
		}
		if last.Get("candidates.0.finishReason").String() != "STOP" || last.Get("usageMetadata.candidatesTokenCount").Int() <= 0 {
			t.Errorf("last chunk %s: want finishReason STOP and usage", last.Raw)
		}
		if (calls == 1) != toolCall {
			t.Errorf("%d function calls", calls)
		}
	}
}

// checkWhole checks a non-streamed text answer; after a tool result, the
// fake's reply quotes the result, so it must have arrived upstream.
func checkWhole(t *testing.T, client string, toolResult bool, b []byte) {
	t.Helper()
	r := gjson.ParseBytes(b)
	switch client {
	case "openai":
		u := r.Get("usage")
		if r.Get("choices.0.finish_reason").String() != "stop" || r.Get("choices.0.message.content").String() == "" ||
			u.Get("total_tokens").Int() != u.Get("prompt_tokens").Int()+u.Get("completion_tokens").Int() || u.Get("prompt_tokens").Int() <= 0 {
			t.Errorf("response %s", b)
		}
	case "anthropic":
		if r.Get("type").String() != "message" || r.Get("stop_reason").String() != "end_turn" ||
			r.Get("content.0.type").String() != "text" || r.Get("usage.input_tokens").Int() <= 0 {
			t.Errorf("response %s", b)
		}
	case "gemini":
		if r.Get("candidates.0.finishReason").String() != "STOP" || r.Get("candidates.0.content.role").String() != "model" ||
			r.Get("usageMetadata.promptTokenCount").Int() <= 0 {
			t.Errorf("response %s", b)
		}
	}
	if toolResult && !strings.Contains(string(b), "The tool returned: 18C and sunny") {
		t.Errorf("tool result lost on the way: %s", b)
	}
}
