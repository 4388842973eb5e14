package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// protoCase is how to reach one client protocol with raw HTTP.
type protoCase struct {
	name string
	path string
	auth func(h http.Header, key string)
	// body renders a minimal valid request for model.
	body func(model string) string
	// errType extracts the protocol's error classification from a body.
	errType func(b []byte) string
}

var protoCases = []protoCase{
	{
		name: "openai", path: "/v1/chat/completions",
		auth: func(h http.Header, k string) { h.Set("Authorization", "Bearer "+k) },
		body: func(m string) string { return `{"model":"` + m + `","messages":[{"role":"user","content":"hi"}]}` },
		errType: func(b []byte) string {
			var e struct {
				Error struct{ Type, Message string } `json:"error"`
			}
			if json.Unmarshal(b, &e) != nil || e.Error.Message == "" {
				return ""
			}
			return e.Error.Type
		},
	},
	{
		name: "anthropic", path: "/v1/messages",
		auth: func(h http.Header, k string) { h.Set("x-api-key", k); h.Set("anthropic-version", "2023-06-01") },
		body: func(m string) string {
			return `{"model":"` + m + `","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}`
		},
		errType: func(b []byte) string {
			var e struct {
				Type  string `json:"type"`
				Error struct{ Type, Message string }
			}
			if json.Unmarshal(b, &e) != nil || e.Type != "error" || e.Error.Message == "" {
				return ""
			}
			return e.Error.Type
		},
	},
	{
		name: "gemini", path: "/v1beta/models/MODEL:generateContent",
		auth: func(h http.Header, k string) { h.Set("x-goog-api-key", k) },
		body: func(string) string { return `{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}` },
		errType: func(b []byte) string {
			var e struct {
				Error struct {
					Code    int
					Message string
					Status  string
				} `json:"error"`
			}
			if json.Unmarshal(b, &e) != nil || e.Error.Message == "" || e.Error.Code == 0 {
				return ""
			}
			return e.Error.Status
		},
	},
}

func (p protoCase) url(base, model string) string {
	return base + strings.Replace(p.path, "MODEL", model, 1)
}

func do(t *testing.T, method, url string, hdr func(http.Header), body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if hdr != nil {
		hdr(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestBadInput sends each kind of bad request to each protocol: every one
// must get a 4xx in that protocol's own error shape, with a request id.
func TestBadInput(t *testing.T) {
	e := start(t)
	for _, p := range protoCases {
		auth := func(h http.Header) { p.auth(h, userKey) }
		cases := []struct {
			name, method, model, body string
			hdr                       func(http.Header)
			status                    int
		}{
			{"malformed JSON", "POST", "m-openai", `{"model":`, auth, 400},
			{"wrong types", "POST", "m-openai", strings.Replace(p.body("m-openai"), `"hi"`, `42`, 1), auth, 400},
			{"not an object", "POST", "m-openai", `[1,2,3]`, auth, 400},
			{"empty body", "POST", "m-openai", ``, auth, 400},
			{"invalid UTF-8", "POST", "m-openai", strings.Replace(p.body("m-openai"), "hi", "h\xffi", 1), auth, 400},
			{"too large", "POST", "m-openai", strings.Replace(p.body("m-openai"), "hi", strings.Repeat("x", 70000), 1), auth, 413},
			{"unknown model", "POST", "no-such-model", p.body("no-such-model"), auth, 404},
			{"missing key", "POST", "m-openai", p.body("m-openai"), nil, 0},
			{"wrong key", "POST", "m-openai", p.body("m-openai"), func(h http.Header) { p.auth(h, "sb-not-a-real-key-000") }, 0},
			{"GET instead of POST", "GET", "m-openai", "", auth, 405},
		}
		if p.name != "gemini" {
			cases = append(cases,
				struct {
					name, method, model, body string
					hdr                       func(http.Header)
					status                    int
				}{"missing model", "POST", "", strings.Replace(p.body(""), `"model":"",`, "", 1), auth, 400},
				struct {
					name, method, model, body string
					hdr                       func(http.Header)
					status                    int
				}{"empty messages", "POST", "m-openai", `{"model":"m-openai","max_tokens":5,"messages":[]}`, auth, 400},
			)
		} else {
			cases = append(cases, struct {
				name, method, model, body string
				hdr                       func(http.Header)
				status                    int
			}{"empty contents", "POST", "m-openai", `{"contents":[]}`, auth, 400})
		}
		for _, c := range cases {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				resp, b := do(t, c.method, p.url(e.gw.URL, c.model), c.hdr, []byte(c.body))
				want := c.status
				if want == 0 { // auth failures: each protocol's own status
					want = map[string]int{"openai": 401, "anthropic": 401, "gemini": 400}[p.name]
					if p.name == "gemini" && c.name == "missing key" {
						want = 403
					}
				}
				if resp.StatusCode != want {
					t.Errorf("status = %d, want %d; body %s", resp.StatusCode, want, b)
				}
				if p.errType(b) == "" {
					t.Errorf("body is not a %s error: %s", p.name, b)
				}
				if resp.Header.Get("Switchboard-Request-Id") == "" {
					t.Errorf("no Switchboard-Request-Id")
				}
			})
		}
	}
}
