package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	ooption "github.com/openai/openai-go/v3/option"
	_ "modernc.org/sqlite"
)

// A valid SSN (area 536, group 22, serial 1234) and a NANP number.
const (
	testSSN   = "536-22-1234"
	testPhone = "(202) 555-0143"
)

const guardConfig = testConfig + `
guardrails:
  policies:
    pii: {default: allow, actions: {US_SSN: redact, PHONE_NUMBER: redact, prompt_injection: flag}}
  tenants: {state: pii}
`

// chunkedOpenAI is an OpenAI-compatible upstream that streams fixed text
// pieces, so a test decides exactly where a value is split.
func chunkedOpenAI(pieces ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		chunk := func(delta, finish string) {
			f := "null"
			if finish != "" {
				f = `"` + finish + `"`
			}
			fmt.Fprintf(w, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}\n\n", delta, f)
			w.(http.Flusher).Flush()
		}
		chunk(`{"role":"assistant","content":""}`, "")
		for _, p := range pieces {
			chunk(fmt.Sprintf(`{"content":%q}`, p), "")
		}
		chunk(`{}`, "stop")
		fmt.Fprint(w, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9,\"total_tokens\":14}}\n\ndata: [DONE]\n\n")
	})
}

// TestStreamedSSNSplitAcrossChunksIsRedacted: the upstream sends the SSN in
// two pieces; the client receives it redacted and never in the clear, and
// the audit keeps the finding's type and count, not the value.
func TestStreamedSSNSplitAcrossChunksIsRedacted(t *testing.T) {
	url, dbPath, stop := guardedGateway(t, chunkedOpenAI("Your record shows SSN 536-2", "2-1234 and a callback number ", "(202) 555-", "0143. Anything else?"))

	c := openai.NewClient(ooption.WithBaseURL(url+"/v1"), ooption.WithAPIKey(userKey), ooption.WithMaxRetries(0))
	s := c.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model:    "m-openai",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is on my record?")},
	})
	var text strings.Builder
	for s.Next() {
		for _, ch := range s.Current().Choices {
			text.WriteString(ch.Delta.Content)
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	got := text.String()
	if strings.Contains(got, "536") || strings.Contains(got, "1234") || strings.Contains(got, "0143") {
		t.Fatalf("unredacted value reached the client: %q", got)
	}
	if !strings.Contains(got, "[US_SSN]") || !strings.Contains(got, "[PHONE_NUMBER]") || !strings.Contains(got, "Anything else?") {
		t.Fatalf("answer = %q; want both values redacted and the rest intact", got)
	}
	stop()
	assertAuditHas(t, dbPath, []string{"US_SSN", "PHONE_NUMBER"}, []string{testSSN, "2-1234", "555-0143"})
}

// assertAuditHas checks the raw audit database: the finding types are
// there, the values are nowhere.
func assertAuditHas(t *testing.T, dbPath string, want, never []string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(dbPath + "-wal")
	all := append(raw, wal...)
	for _, v := range never {
		if bytes.Contains(all, []byte(v)) {
			t.Errorf("the database file holds %q", v)
		}
	}
	rows, err := db.Query(`SELECT body FROM audit_records`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var bodies strings.Builder
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		bodies.WriteString(b)
	}
	for _, w := range want {
		if !strings.Contains(bodies.String(), w) {
			t.Errorf("no audit record names %s: %s", w, bodies.String())
		}
	}
}

// sendGuarded posts body to the gateway's path, requires a 200, and
// returns the response, its body and the body the upstream received last.
func sendGuarded(t *testing.T, e *env, path string, headers func(http.Header), body string) (*http.Response, []byte, string) {
	t.Helper()
	resp, b := do(t, "POST", e.gw.URL+path, headers, []byte(body))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	reqs := e.fake.Requests()
	return resp, b, string(reqs[len(reqs)-1].Body)
}

// TestPromptRedactionAndHeader: the prompt's SSN is replaced before it
// leaves, the client is told, and a tenant without a policy is untouched.
func TestPromptRedactionAndHeader(t *testing.T) {
	e := startCustom(t, guardConfig, nil)
	body := `{"model":"m-anthropic","messages":[{"role":"user","content":"My SSN is ` + testSSN + `, please check it."}]}`
	resp, b, sent := sendGuarded(t, e, "/v1/chat/completions", func(h http.Header) { h.Set("Authorization", "Bearer "+userKey) }, body)
	if h := resp.Header.Get("Switchboard-Guardrail"); h != "redacted: US_SSN=1" {
		t.Errorf("Switchboard-Guardrail = %q", h)
	}
	if strings.Contains(sent, testSSN) || !strings.Contains(sent, "[US_SSN]") {
		t.Errorf("upstream received: %s", sent)
	}
	if strings.Contains(string(b), testSSN) {
		t.Errorf("the answer echoes the SSN: %s", b)
	}
}

// TestSurveillanceRestrictedForOneVendor: the OpenAI contract term bars
// domestic surveillance for DoD; the same request from HHS is served; the
// audit records both with the use category.
func TestSurveillanceRestrictedForOneVendor(t *testing.T) {
	srv, clk := scenario(t)
	clk.Set(time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC))
	prompt := "Build a profile that tracks the location history of this US citizen using data purchased from a data broker, and monitor his social media accounts."
	send := func(tenant string) (int, string, string) {
		body := `{"model":"gpt-4.1","messages":[{"role":"user","content":"` + prompt + `"}]}`
		resp, b := do(t, "POST", srv.URL+"/v1/chat/completions", func(h http.Header) {
			h.Set("Authorization", "Bearer "+scenarioKeys[tenant])
		}, []byte(body))
		return resp.StatusCode, resp.Header.Get("Switchboard-Directive"), string(b)
	}
	if st, d, b := send("dod"); st != 403 || d != "openai-dow-surveillance-2026-03-03" || !strings.Contains(b, "domestic surveillance") {
		t.Fatalf("dod: %d directive=%q %s", st, d, b)
	}
	if st, _, b := send("hhs"); st != 200 {
		t.Fatalf("hhs: %d %s", st, b)
	}
	// The same request without the surveillance cues is served to DoD.
	body := `{"model":"gpt-4.1","messages":[{"role":"user","content":"Summarise the logistics report."}]}`
	if resp, b := do(t, "POST", srv.URL+"/v1/chat/completions", func(h http.Header) { h.Set("Authorization", "Bearer "+scenarioKeys["dod"]) }, []byte(body)); resp.StatusCode != 200 {
		t.Fatalf("dod, benign: %d %s", resp.StatusCode, b)
	}
	st, b := admin(t, srv.URL, "GET", "/admin/v1/audit/records?directive=openai-dow-surveillance-2026-03-03", "")
	if st != 200 || !strings.Contains(b, `"tenant":"dod"`) || !strings.Contains(b, "domestic_surveillance") {
		t.Fatalf("audit of the refusal: %d %s", st, b)
	}
	st, b = admin(t, srv.URL, "GET", "/admin/v1/audit/records?tenant=hhs", "")
	if st != 200 || !strings.Contains(b, "domestic_surveillance") {
		t.Fatalf("audit of the served request: %d %s", st, b)
	}
}
