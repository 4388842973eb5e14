package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// vendorOf is the catalog vendor of each test model.
var vendorOf = map[string]string{"m-openai": "openai", "m-anthropic": "anthropic", "m-gemini": "google"}

// request renders a request for p with prompt as the user text, and the
// URL to send it to.
func request(p protoCase, base, model, prompt string, stream bool) (string, []byte) {
	q := mustMarshal(prompt)
	var body string
	switch p.name {
	case "openai":
		body = `{"model":"` + model + `","messages":[{"role":"user","content":` + q + `}]`
		if stream {
			body += `,"stream":true`
		}
		body += "}"
	case "anthropic":
		body = `{"model":"` + model + `","max_tokens":64,"messages":[{"role":"user","content":` + q + `}]`
		if stream {
			body += `,"stream":true`
		}
		body += "}"
	case "gemini":
		body = `{"contents":[{"role":"user","parts":[{"text":` + q + `}]}]}`
		if stream {
			return base + "/v1beta/models/" + model + ":streamGenerateContent?alt=sse", []byte(body)
		}
	}
	return p.url(base, model), []byte(body)
}

func authFor(p protoCase) func(http.Header) { return func(h http.Header) { p.auth(h, userKey) } }

// TestTruthfulHeaders checks the routing headers on every protocol and
// upstream, and the request id on errors.
func TestTruthfulHeaders(t *testing.T) {
	e := start(t)
	for _, p := range protoCases {
		for _, up := range upstreams {
			for _, stream := range []bool{false, true} {
				t.Run(p.name+"→"+up.protocol+map[bool]string{false: "", true: "/stream"}[stream], func(t *testing.T) {
					url, body := request(p, e.gw.URL, up.model, "headers please", stream)
					resp, b := do(t, "POST", url, authFor(p), body)
					if resp.StatusCode != 200 {
						t.Fatalf("status %d: %s", resp.StatusCode, b)
					}
					want := map[string]string{
						"Switchboard-Requested-Model": up.model,
						"Switchboard-Served-Model":    up.model,
						"Switchboard-Vendor":          vendorOf[up.model],
					}
					for k, v := range want {
						if got := resp.Header.Get(k); got != v {
							t.Errorf("%s = %q, want %q", k, got, v)
						}
					}
					if id := resp.Header.Get("Switchboard-Request-Id"); !strings.HasPrefix(id, "req_") {
						t.Errorf("Switchboard-Request-Id = %q", id)
					}
				})
			}
		}
		t.Run(p.name+"/error", func(t *testing.T) {
			url, body := request(p, e.gw.URL, "no-such-model", "hi", false)
			resp, b := do(t, "POST", url, authFor(p), body)
			if resp.StatusCode != 404 || resp.Header.Get("Switchboard-Request-Id") == "" {
				t.Errorf("status %d, request id %q: %s", resp.StatusCode, resp.Header.Get("Switchboard-Request-Id"), b)
			}
			if resp.Header.Get("Switchboard-Served-Model") != "" {
				t.Errorf("an unserved request claims Served-Model %q", resp.Header.Get("Switchboard-Served-Model"))
			}
		})
	}
}

// TestPassthrough checks that same-protocol requests reach the upstream with
// only the model changed, and that the upstream's answer reaches the client
// unchanged.
func TestPassthrough(t *testing.T) {
	// Unusual spacing and field order survive only if nothing re-marshals.
	openAIBody := `{ "messages": [{"role":"user","content":"pass me through"}],  "model":"m-openai", "temperature":0.25, "user":"u-1" }`
	anthropicBody := `{"max_tokens": 64, "model": "m-anthropic", "messages":[{"role":"user","content":"pass me through"}], "metadata":{"user_id":"u-1"}}`
	geminiBody := `{"contents":[ {"role":"user","parts":[{"text":"pass me through"}]} ], "generationConfig":{"temperature":0.25}}`
	cases := []struct {
		name, path, body, upstreamModel string
		p                               protoCase
		stream                          bool
	}{
		{"openai", "/v1/chat/completions", openAIBody, "gpt-4.1", protoCases[0], false},
		{"openai/stream", "/v1/chat/completions", strings.Replace(openAIBody, `"temperature"`, `"stream":true, "temperature"`, 1), "gpt-4.1", protoCases[0], true},
		{"anthropic", "/v1/messages", anthropicBody, "claude-sonnet-4-5", protoCases[1], false},
		{"anthropic/stream", "/v1/messages", strings.Replace(anthropicBody, `"metadata"`, `"stream":true, "metadata"`, 1), "claude-sonnet-4-5", protoCases[1], true},
		{"gemini", "/v1beta/models/m-gemini:generateContent", geminiBody, "", protoCases[2], false},
		{"gemini/stream", "/v1beta/models/m-gemini:streamGenerateContent?alt=sse", geminiBody, "", protoCases[2], true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			e := startCustom(t, testConfig, rec.wrap)
			resp, got := do(t, "POST", e.gw.URL+c.path, authFor(c.p), []byte(c.body))
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, got)
			}
			reqs, exs := e.fake.Requests(), rec.all()
			if len(reqs) != 1 || len(exs) != 1 {
				t.Fatalf("fake saw %d requests", len(reqs))
			}
			up := reqs[0].Body
			want := []byte(c.body)
			switch c.p.name {
			case "gemini":
				if !strings.HasPrefix(reqs[0].Path, "/v1beta/models/gemini-2.5-flash:") {
					t.Errorf("upstream path %s", reqs[0].Path)
				}
			default:
				want = bytes.Replace(want, []byte(`"m-`+c.p.name+`"`), []byte(`"`+c.upstreamModel+`"`), 1)
			}
			if c.p.name == "openai" && c.stream {
				// The gateway asks for usage; the rest must be untouched.
				if !gjson.GetBytes(up, "stream_options.include_usage").Bool() {
					t.Errorf("upstream stream_options.include_usage not set: %s", up)
				}
				var err error
				if up, err = sjson.DeleteBytes(up, "stream_options"); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(up, want) {
				t.Errorf("upstream body\n got: %s\nwant: %s", up, want)
			}
			sent := exs[0].body.Bytes()
			if c.p.name == "openai" && c.stream {
				// The client did not ask for usage: the usage-only chunk,
				// and only it, is dropped.
				var kept [][]byte
				for ev := range bytes.SplitSeq(sent, []byte("\n\n")) {
					if gjson.GetBytes(bytes.TrimPrefix(ev, []byte("data: ")), "choices.#").Int() == 0 &&
						gjson.GetBytes(bytes.TrimPrefix(ev, []byte("data: ")), "usage.total_tokens").Exists() {
						continue
					}
					kept = append(kept, ev)
				}
				if len(kept) == bytes.Count(sent, []byte("\n\n"))+1 {
					t.Fatalf("the fake sent no usage chunk: %s", sent)
				}
				sent = bytes.Join(kept, []byte("\n\n"))
				if bytes.Contains(got, []byte(`"usage":{`)) {
					t.Errorf("client that did not ask for usage got a usage chunk")
				}
			}
			if !c.stream {
				if !bytes.Equal(got, sent) {
					t.Errorf("client body differs from upstream body\n got: %q\nwant: %q", got, sent)
				}
				return
			}
			// Streams are re-framed event by event (Gemini's CRLF line ends
			// become LF), so compare the events.
			gotEvs, _ := parseSSE(t, got)
			sentEvs, _ := parseSSE(t, sent)
			if len(gotEvs) != len(sentEvs) {
				t.Fatalf("client got %d events, upstream sent %d (usage chunk excluded)\n got: %q\nsent: %q", len(gotEvs), len(sentEvs), got, sent)
			}
			for i := range gotEvs {
				if gotEvs[i] != sentEvs[i] {
					t.Errorf("event %d: got %+v, upstream sent %+v", i, gotEvs[i], sentEvs[i])
				}
			}
		})
	}
}

// TestRetries checks which upstream failures are retried and how the
// others reach each client.
func TestRetries(t *testing.T) {
	e := start(t)
	for _, p := range protoCases {
		for _, up := range upstreams {
			t.Run(p.name+"→"+up.protocol+"/503 once", func(t *testing.T) {
				e.fake.Reset()
				url, body := request(p, e.gw.URL, up.model, "retry me [[fake:fail_times=1,status=503]]", false)
				resp, b := do(t, "POST", url, authFor(p), body)
				if resp.StatusCode != 200 || !strings.Contains(string(b), "retry me") {
					t.Errorf("status %d: %s", resp.StatusCode, b)
				}
				if n := len(e.fake.Requests()); n != 2 {
					t.Errorf("fake saw %d requests, want 2", n)
				}
			})
			t.Run(p.name+"→"+up.protocol+"/400", func(t *testing.T) {
				e.fake.Reset()
				url, body := request(p, e.gw.URL, up.model, "bad [[fake:status=400]]", false)
				resp, b := do(t, "POST", url, authFor(p), body)
				if resp.StatusCode != 400 || p.errType(b) == "" {
					t.Errorf("status %d, want 400 in %s shape: %s", resp.StatusCode, p.name, b)
				}
				if !strings.Contains(string(b), "Simulated upstream failure (status 400).") {
					t.Errorf("the upstream's message is lost: %s", b)
				}
				if n := len(e.fake.Requests()); n != 1 {
					t.Errorf("fake saw %d requests, want 1 (a 400 is not retried)", n)
				}
			})
		}
	}
	t.Run("429 to an Anthropic client", func(t *testing.T) {
		e.fake.Reset()
		url, body := request(protoCases[1], e.gw.URL, "m-openai", "slow down [[fake:status=429]]", false)
		resp, b := do(t, "POST", url, authFor(protoCases[1]), body)
		if resp.StatusCode != 429 || protoCases[1].errType(b) != "rate_limit_error" {
			t.Errorf("status %d: %s", resp.StatusCode, b)
		}
		if resp.Header.Get("Retry-After") == "" {
			t.Errorf("no Retry-After")
		}
	})
	t.Run("529 from Anthropic to an OpenAI client", func(t *testing.T) {
		e.fake.Reset()
		url, body := request(protoCases[0], e.gw.URL, "m-anthropic", "busy [[fake:status=529]]", false)
		resp, b := do(t, "POST", url, authFor(protoCases[0]), body)
		if resp.StatusCode != 503 || protoCases[0].errType(b) == "" {
			t.Errorf("status %d: %s", resp.StatusCode, b)
		}
	})
}

// TestFallback checks that an alias whose first model is unreachable is
// served by the next, and says so.
func TestFallback(t *testing.T) {
	e := start(t)
	for _, p := range protoCases {
		for _, stream := range []bool{false, true} {
			t.Run(p.name+map[bool]string{false: "", true: "/stream"}[stream], func(t *testing.T) {
				url, body := request(p, e.gw.URL, "fallback", "fall back", stream)
				resp, b := do(t, "POST", url, authFor(p), body)
				if resp.StatusCode != 200 || !strings.Contains(string(b), "claude-sonnet-4-5") {
					t.Fatalf("status %d: %s", resp.StatusCode, b)
				}
				if resp.Header.Get("Switchboard-Served-Model") != "m-anthropic" ||
					resp.Header.Get("Switchboard-Requested-Model") != "fallback" ||
					resp.Header.Get("Switchboard-Vendor") != "anthropic" {
					t.Errorf("headers %v", resp.Header)
				}
			})
		}
	}
}

// TestMidStreamFailure checks that an upstream dropping the connection
// mid-stream ends the client's stream with its protocol's error event after
// the partial content, and that each SDK reports an error.
func TestMidStreamFailure(t *testing.T) {
	e := start(t)
	const prompt = "one two three four five six seven eight [[fake:chunks=8,disconnect_after=4]]"
	for _, p := range protoCases {
		for _, up := range upstreams {
			t.Run(p.name+"→"+up.protocol, func(t *testing.T) {
				url, body := request(p, e.gw.URL, up.model, prompt, true)
				resp, b := do(t, "POST", url, authFor(p), body)
				if resp.StatusCode != 200 {
					t.Fatalf("status %d: %s", resp.StatusCode, b)
				}
				evs, _ := parseSSE(t, b)
				if len(evs) < 2 || !strings.Contains(string(b), "Simulated") {
					t.Fatalf("no partial content before the error: %s", b)
				}
				last := evs[len(evs)-1]
				switch p.name {
				case "anthropic":
					if last.name != "error" || gjson.Get(last.data, "type").String() != "error" || gjson.Get(last.data, "error.message").String() == "" {
						t.Errorf("last event %+v, want event: error", last)
					}
				default:
					if last.name != "" || !gjson.Get(last.data, "error.message").Exists() {
						t.Errorf("last event %+v, want data: {\"error\":…}", last)
					}
					if p.name == "gemini" && gjson.Get(last.data, "error.code").Int() == 0 {
						t.Errorf("Gemini error without a code: %s", last.data)
					}
				}
				if strings.Contains(string(b), "[DONE]") || strings.Contains(string(b), "message_stop") || strings.Contains(string(b), `"finishReason"`) {
					t.Errorf("a broken stream claims to have ended normally: %s", b)
				}
			})
		}
	}
	clients := []sdkClient{newOpenAI(e.gw.URL), newAnthropic(e.gw.URL), newGemini(t, e.gw.URL)}
	for _, c := range clients {
		for _, up := range upstreams {
			t.Run("sdk/"+c.name()+"→"+up.protocol, func(t *testing.T) {
				_, err := c.chat(context.Background(), up.model, prompt, false, true)
				if err == nil {
					t.Errorf("the SDK saw a broken stream as a success")
				}
			})
		}
	}
}

// TestClientDisconnectCancelsUpstream checks that a client going away
// mid-stream cancels the upstream request.
func TestClientDisconnectCancelsUpstream(t *testing.T) {
	for _, up := range upstreams {
		t.Run(up.protocol, func(t *testing.T) {
			rec := &recorder{}
			e := startCustom(t, testConfig, rec.wrap)
			words := strings.Repeat("word ", 60)
			url, body := request(protoCases[0], e.gw.URL, up.model, words+"[[fake:chunks=50]] [[fake:delay=20ms]]", true)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
			authFor(protoCases[0])(req.Header)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			line, err := bufio.NewReader(resp.Body).ReadString('\n')
			if err != nil || !strings.HasPrefix(line, "data: ") {
				t.Fatalf("first line %q, %v", line, err)
			}
			cancel()

			exs := rec.all()
			if len(exs) != 1 {
				t.Fatalf("%d upstream requests", len(exs))
			}
			select {
			case <-exs[0].done:
			case <-time.After(10 * time.Second):
				t.Fatal("the upstream handler was still writing 10s after the client left")
			}
			rec.mu.Lock()
			ctxErr, sent := exs[0].ctxErr, exs[0].body.String()
			rec.mu.Unlock()
			if !errors.Is(ctxErr, context.Canceled) {
				t.Errorf("upstream request context error = %v, want context.Canceled", ctxErr)
			}
			if strings.Contains(sent, "[DONE]") || strings.Contains(sent, "message_stop") || strings.Contains(sent, `"finishReason"`) {
				t.Errorf("the upstream finished its stream although the client had left")
			}
		})
	}
}

// timeoutConfig is testConfig with a short first-byte timeout.
var timeoutConfig = strings.Replace(testConfig, "  retries: 1\n", "  retries: 1\n  timeouts: {first_byte: 100ms}\n", 1)

// TestFirstByteTimeout checks that an upstream slower than the first-byte
// timeout gets the client a 504 in its own shape.
func TestFirstByteTimeout(t *testing.T) {
	if timeoutConfig == testConfig {
		t.Fatal("could not add a timeout to testConfig")
	}
	e := startCustom(t, timeoutConfig, nil)
	for _, p := range protoCases {
		for _, up := range upstreams {
			for _, stream := range []bool{false, true} {
				t.Run(p.name+"→"+up.protocol+map[bool]string{false: "", true: "/stream"}[stream], func(t *testing.T) {
					url, body := request(p, e.gw.URL, up.model, "too slow [[fake:slow_first_byte=5s]]", stream)
					resp, b := do(t, "POST", url, authFor(p), body)
					if resp.StatusCode != 504 || p.errType(b) == "" {
						t.Errorf("status %d, want 504 in %s shape: %s", resp.StatusCode, p.name, b)
					}
					if resp.Header.Get("Switchboard-Request-Id") == "" {
						t.Errorf("no request id")
					}
				})
			}
		}
	}
}

// TestModelsAndOps checks the model lists in each protocol's shape and the
// operations endpoints.
func TestModelsAndOps(t *testing.T) {
	e := start(t)
	want := []string{"fallback", "m-openai", "m-anthropic", "m-gemini", "m-dead"}
	check := func(t *testing.T, ids []string) {
		t.Helper()
		if len(ids) != len(want) || ids[0] != "fallback" {
			t.Fatalf("ids %v, want %v with the alias first", ids, want)
		}
		seen := map[string]bool{}
		for _, id := range ids {
			seen[id] = true
		}
		for _, w := range want {
			if !seen[w] {
				t.Errorf("%s missing from %v", w, ids)
			}
		}
	}
	ids := func(b []byte, path string) []string {
		var out []string
		for _, r := range gjson.GetBytes(b, path).Array() {
			out = append(out, strings.TrimPrefix(r.String(), "models/"))
		}
		return out
	}
	t.Run("openai", func(t *testing.T) {
		resp, b := do(t, "GET", e.gw.URL+"/v1/models", authFor(protoCases[0]), nil)
		if resp.StatusCode != 200 || gjson.GetBytes(b, "object").String() != "list" || gjson.GetBytes(b, "data.0.object").String() != "model" {
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		check(t, ids(b, "data.#.id"))
	})
	t.Run("anthropic", func(t *testing.T) {
		resp, b := do(t, "GET", e.gw.URL+"/v1/models", authFor(protoCases[1]), nil)
		if resp.StatusCode != 200 || gjson.GetBytes(b, "data.0.type").String() != "model" || !gjson.GetBytes(b, "has_more").Exists() ||
			gjson.GetBytes(b, "first_id").String() != "fallback" {
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		check(t, ids(b, "data.#.id"))
	})
	t.Run("gemini", func(t *testing.T) {
		resp, b := do(t, "GET", e.gw.URL+"/v1beta/models", authFor(protoCases[2]), nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(gjson.GetBytes(b, "models.0.name").String(), "models/") {
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		check(t, ids(b, "models.#.name"))
	})
	t.Run("no key", func(t *testing.T) {
		resp, b := do(t, "GET", e.gw.URL+"/v1/models", nil, nil)
		if resp.StatusCode != 401 || protoCases[0].errType(b) == "" {
			t.Errorf("status %d: %s", resp.StatusCode, b)
		}
	})
	for _, path := range []string{"/healthz", "/readyz"} {
		t.Run(path, func(t *testing.T) {
			resp, b := do(t, "GET", e.gw.URL+path, nil, nil)
			if resp.StatusCode != 200 {
				t.Errorf("status %d: %s", resp.StatusCode, b)
			}
		})
	}
	t.Run("/metrics", func(t *testing.T) {
		url, body := request(protoCases[1], e.gw.URL, "m-gemini", "count me", false)
		if resp, b := do(t, "POST", url, authFor(protoCases[1]), body); resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		resp, b := do(t, "GET", e.gw.URL+"/metrics", nil, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		var found bool
		for line := range strings.Lines(string(b)) {
			if strings.HasPrefix(line, "switchboard_requests_total{") && strings.Contains(line, `provider="up-gemini"`) &&
				strings.Contains(line, `model="m-gemini"`) && strings.Contains(line, `protocol="anthropic"`) && strings.Contains(line, `status="200"`) {
				found = true
			}
		}
		if !found {
			t.Errorf("no switchboard_requests_total series for the request in:\n%s", grepLines(string(b), "switchboard_requests_total"))
		}
	})
}

func grepLines(s, substr string) string {
	var out []string
	for line := range strings.Lines(s) {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}
