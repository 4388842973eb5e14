package fakeprovider_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

// fuzzVendor checks that any body gets a 200 or a 4xx in the vendor's error
// shape, and never a panic. Fault markers are skipped: they exist to produce
// 5xx answers and delays.
func fuzzVendor(f *testing.F, vendor, path string, seeds []string, isErrorShape func(map[string]any) bool) {
	for _, s := range seeds {
		f.Add(s)
	}
	s := fakeprovider.New(fakeprovider.Options{NoRecord: true})
	f.Fuzz(func(t *testing.T, body string) {
		if strings.Contains(body, "[[fake:") || strings.Contains(body, `\u`) {
			t.Skip()
		}
		status, h, out := post(t, s, vendor, path, body)
		switch {
		case status == 200:
			if strings.HasPrefix(h.Get("Content-Type"), "text/event-stream") {
				if !strings.HasPrefix(out, "data: ") && !strings.HasPrefix(out, "event: ") {
					t.Fatalf("bad stream: %q", out)
				}
				return
			}
			if !json.Valid([]byte(out)) {
				t.Fatalf("invalid JSON answer: %q", out)
			}
		case status >= 400 && status < 500:
			var m map[string]any
			if err := json.Unmarshal([]byte(out), &m); err != nil || !isErrorShape(m) {
				t.Fatalf("status %d, body not in the %s error shape: %q", status, vendor, out)
			}
		default:
			t.Fatalf("status %d: %q", status, out)
		}
	})
}

func FuzzOpenAIRequest(f *testing.F) {
	fuzzVendor(f, fakeprovider.OpenAI, oaPath, []string{
		`{"model":"m","messages":[{"role":"user","content":"hi"}]}`,
		`{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"call f in parallel"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}`,
		`{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"a","content":"x"}],"stop":["x"],"max_tokens":2}`,
		`[]`, `{`, `{"messages":null}`,
	}, func(m map[string]any) bool {
		e, ok := m["error"].(map[string]any)
		_, hasType := e["type"].(string)
		_, hasMsg := e["message"].(string)
		return ok && hasType && hasMsg
	})
}

func FuzzAnthropicRequest(f *testing.F) {
	fuzzVendor(f, fakeprovider.Anthropic, anPath, []string{
		`{"model":"c","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`,
		`{"model":"c","max_tokens":10,"stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"weather in parallel"}]}],"tools":[{"name":"w","input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}]}`,
		`{"model":"c","max_tokens":10,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"x"}]}],"stop_sequences":["x"]}`,
		`{"model":1}`, `null`,
	}, func(m map[string]any) bool {
		e, ok := m["error"].(map[string]any)
		_, hasType := e["type"].(string)
		return ok && m["type"] == "error" && hasType && m["request_id"] != nil
	})
}

func FuzzGeminiRequest(f *testing.F) {
	fuzzVendor(f, fakeprovider.Gemini, "/v1beta/models/g:streamGenerateContent?alt=sse", []string{
		`{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}`,
		`{"contents":[{"parts":[{"text":"weather in parallel"}]}],"tools":[{"functionDeclarations":[{"name":"w","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY"}}}`,
		`{"contents":[{"parts":[{"text":"a"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{}}}]},{"parts":[{"functionResponse":{"name":"f","response":{"x":1}}}]}],"generation_config":{"stop_sequences":["a"],"max_output_tokens":3}}`,
		`{"contents":{}}`, `1`,
	}, func(m map[string]any) bool {
		e, ok := m["error"].(map[string]any)
		_, hasCode := e["code"].(float64)
		_, hasStatus := e["status"].(string)
		return ok && hasCode && hasStatus
	})
}

// TestSplitNeverLosesText guards the chunking the stream tests rely on.
func TestSplitNeverLosesText(t *testing.T) {
	s := fakeprovider.New(fakeprovider.Options{Chunks: 7})
	_, _, out := post(t, s, "openai", oaPath, `{"model":"m","stream":true,"messages":[{"role":"user","content":"  a  b\tc\nd  é  "}]}`)
	var text bytes.Buffer
	for _, ev := range strings.Split(out, "\n\n") {
		data, ok := strings.CutPrefix(ev, "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var ch struct {
			Choices []struct {
				Delta struct{ Content string }
			}
		}
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			t.Fatal(err)
		}
		for _, c := range ch.Choices {
			text.WriteString(c.Delta.Content)
		}
	}
	if want := "Simulated reply from m (openai): a  b\tc\nd  é"; text.String() != want {
		t.Fatalf("got %q want %q", text.String(), want)
	}
}
