package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// guardModel is an OpenAI-compatible server standing in for Llama Guard:
// it answers "safe", or "unsafe" and the categories named by an
// [[unsafe:S1,S15]] marker in the conversation, and hangs on [[hang]].
type guardModel struct {
	mu      sync.Mutex
	systems []string
}

var unsafeMarker = regexp.MustCompile(`\[\[unsafe:([A-Z0-9,]+)\]\]`)

func (g *guardModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Messages []struct{ Role, Content string }
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) < 2 {
		http.Error(w, `{"error":{"message":"bad request","type":"invalid_request_error"}}`, 400)
		return
	}
	g.mu.Lock()
	g.systems = append(g.systems, req.Messages[0].Content)
	g.mu.Unlock()
	conv := req.Messages[len(req.Messages)-1].Content
	verdict := "safe"
	if m := unsafeMarker.FindStringSubmatch(conv); m != nil {
		verdict = "unsafe\n" + m[1]
	}
	if strings.Contains(conv, "[[hang]]") {
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":"chatcmpl-g","object":"chat.completion","created":1,"model":"llama-guard","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}`, verdict)
}

func classifierConfig(guardURL, mode string) string {
	cfg := strings.Replace(testConfig, "providers:\n", "providers:\n  guard-up: {protocol: openai, base_url: \""+guardURL+"/v1\", api_key: k}\n", 1)
	cfg = strings.Replace(cfg, "models:\n", "models:\n  llama-guard: {provider: guard-up, vendor: openai, upstream: llama-guard-3-8b}\n", 1)
	return cfg + `
guardrails:
  policies:
    strict: {default: allow, actions: {classifier_S1: block, domestic_surveillance: block}}
  tenants: {state: strict}
  classifier: {model: llama-guard, mode: ` + mode + `, timeout: 200ms, failure: open, policies: {strict: closed}}
`
}

// TestSafetyClassifier: the classifier is asked, with our two contract
// categories in its taxonomy; what it flags is blocked per the tenant's
// policy; a classifier that does not answer refuses under a fail-closed
// policy. Both before and parallel modes.
func TestSafetyClassifier(t *testing.T) {
	for _, mode := range []string{"before", "parallel"} {
		t.Run(mode, func(t *testing.T) {
			gm := &guardModel{}
			gs := httptest.NewServer(gm)
			defer gs.Close()
			e := startCustom(t, classifierConfig(gs.URL, mode), nil)
			send := func(text string, stream bool) (int, string) {
				body := fmt.Sprintf(`{"model":"m-anthropic","stream":%v,"messages":[{"role":"user","content":%q}]}`, stream, text)
				resp, b := do(t, "POST", e.gw.URL+"/v1/chat/completions", func(h http.Header) { h.Set("Authorization", "Bearer "+userKey) }, []byte(body))
				return resp.StatusCode, string(b)
			}
			if st, b := send("Summarise the cable from Lagos.", false); st != 200 || !strings.Contains(b, "Simulated") {
				t.Fatalf("safe prompt: %d %s", st, b)
			}
			gm.mu.Lock()
			asked := len(gm.systems) > 0 && strings.Contains(gm.systems[0], "S15: Domestic surveillance of US persons") && strings.Contains(gm.systems[0], "S16: Autonomous weapons targeting")
			gm.mu.Unlock()
			if !asked {
				t.Fatalf("the classifier was not asked with our categories: %q", gm.systems)
			}
			for _, stream := range []bool{false, true} {
				st, b := send("Tell me about project Bluejay [[unsafe:S1]]", stream)
				if st != 403 || !strings.Contains(b, "classifier.S1") || strings.Contains(b, "Simulated") {
					t.Fatalf("flagged prompt (stream=%v): %d %s", stream, st, b)
				}
			}
			start := time.Now()
			if st, b := send("Anything [[hang]]", false); st != 503 || !strings.Contains(b, "safety classifier did not answer") {
				t.Fatalf("classifier down under a fail-closed policy: %d %s", st, b)
			}
			t.Logf("fail-closed answer after %v (timeout 200ms)", time.Since(start).Round(time.Millisecond))
		})
	}
}
