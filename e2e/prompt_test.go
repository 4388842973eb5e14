package e2e

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestTenantSystemPromptThroughTheConsole: an admin sets an agency's
// standing instructions in the console; the next request from a
// sub-tenant reaches the upstream with them prepended (agency first), and
// the audit record says which instructions applied.
func TestTenantSystemPromptThroughTheConsole(t *testing.T) {
	cfg := strings.Replace(testConfig, "tenants:\n  state: {name: State}\n",
		"tenants:\n  state: {name: State}\n  state/statechat: {name: StateChat, parent: state}\n", 1)
	cfg = strings.Replace(cfg, "keys:\n", "keys:\n  - {key: "+adminKey+", tenant: state, name: ops, role: admin}\n  - {key: sb-test-statechat-0001, tenant: state/statechat, name: chat}\n", 1)
	e := startCustom(t, cfg, nil)

	const prompt = "You serve the Department of State. Cite the Foreign Affairs Manual where it applies."
	setTenantPrompt(t, e, "state", prompt)

	resp, b := do(t, "POST", e.gw.URL+"/v1/chat/completions", func(h http.Header) { h.Set("Authorization", "Bearer sb-test-statechat-0001") },
		[]byte(`{"model":"m-openai","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}]}`))
	if resp.StatusCode != 200 {
		t.Fatalf("chat: %d %s", resp.StatusCode, b)
	}
	reqs := e.fake.Requests()
	sent := string(reqs[len(reqs)-1].Body)
	if i, j := strings.Index(sent, "Foreign Affairs Manual"), strings.Index(sent, "Be brief."); i < 0 || j < 0 || i > j {
		t.Fatalf("the upstream did not get the agency's instructions first: %s", sent)
	}
	st, body := func() (int, string) {
		resp, b := do(t, "GET", e.gw.URL+"/admin/v1/audit/records?tenant=state/statechat", func(h http.Header) { h.Set("Authorization", "Bearer "+adminKey) }, nil)
		return resp.StatusCode, string(b)
	}()
	if st != 200 || !strings.Contains(body, `"system_prompt":"sha256:`) {
		t.Fatalf("audit does not record the instructions: %d %s", st, body)
	}
}

// setTenantPrompt signs in to the console as the admin and sets a tenant's
// standing instructions through its form, as a person would.
func setTenantPrompt(t *testing.T, e *env, tenant, prompt string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	page := func(u string) string {
		resp, err := c.Get(e.gw.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return b.String()
	}
	token := func(html string) string {
		m := csrfInput.FindStringSubmatch(html)
		if m == nil {
			t.Fatalf("no CSRF token in:\n%.500s", html)
		}
		return m[1]
	}
	post := func(u string, form url.Values) int {
		resp, err := c.PostForm(e.gw.URL+u, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post("/signin", url.Values{"csrf": {token(page("/signin"))}, "key": {adminKey}, "next": {"/console/tenants"}}); st != 200 {
		t.Fatalf("sign in: %d", st)
	}
	if st := post("/console/prompts", url.Values{"csrf": {token(page("/console/tenants"))}, "tenant": {tenant}, "prompt": {prompt}}); st != 200 {
		t.Fatalf("set prompt: %d", st)
	}

}

// TestTenantPromptKeepsRedactionOnTheClientsText: prepending the tenant's
// instructions must not shift the prompt's redactions onto them.
func TestTenantPromptKeepsRedactionOnTheClientsText(t *testing.T) {
	cfg := strings.Replace(guardConfig, "keys:\n", "keys:\n  - {key: "+adminKey+", tenant: state, name: ops, role: admin}\n", 1)
	e := startCustom(t, cfg, nil)
	setTenantPrompt(t, e, "state", "Be helpful and polite to every user of the agency.")
	body := `{"model":"m-anthropic","messages":[{"role":"system","content":"The caller's SSN is ` + testSSN + `."},{"role":"user","content":"hi"}]}`
	resp, b := do(t, "POST", e.gw.URL+"/v1/chat/completions", func(h http.Header) { h.Set("Authorization", "Bearer "+userKey) }, []byte(body))
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	reqs := e.fake.Requests()
	sent := string(reqs[len(reqs)-1].Body)
	if strings.Contains(sent, testSSN) || !strings.Contains(sent, "Be helpful and polite to every user of the agency.") || !strings.Contains(sent, "[US_SSN]") {
		t.Fatalf("upstream received: %s", sent)
	}
}
