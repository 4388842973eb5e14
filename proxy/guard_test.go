package proxy

import (
	"strings"
	"testing"

	"github.com/switchboard-gov/switchboard/guard"
	"github.com/switchboard-gov/switchboard/llm"
)

// TestPromptToolResultsReadAsJSON: a tool result that looks like JSON - an
// object, a bare string, JSON cut short - is read as JSON, where "\n"
// before a number does not hide it; plain text is read as text. Each is
// redacted before the request leaves, and the caller's request is left
// as it was.
func TestPromptToolResultsReadAsJSON(t *testing.T) {
	s, err := guard.NewScanner(guard.Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := guard.Policy{Name: "pii", Actions: map[guard.Type]guard.Action{guard.SSN: guard.ActionRedact}}
	g, err := NewGuardrails(GuardOptions{Scanner: s, Tenant: func(string) (guard.Policy, bool) { return p, true }}, guard.Config{}, []guard.Policy{p})
	if err != nil {
		t.Fatal(err)
	}
	results := map[string]string{
		`{"note": "call\n536-22-1234"}`: `{"note": "call\n[US_SSN]"}`,
		`"call\n536-22-1234"`:           `"call\n[US_SSN]"`,
		`{"note": "call\n536-22-1234"`:  `{"note": "call\n[US_SSN]"`,
		"plain text: SSN 536-22-1234":   "plain text: SSN [US_SSN]",
	}
	for content, want := range results {
		req := &llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Parts: []llm.Part{
			{Kind: llm.PartToolResult, ToolResult: &llm.ToolResult{CallID: "call_1", Content: content}}}}}}
		out, _, _, err := g.promptVerdict(req, g.scanPrompt(req), "state", "openai")
		if err != nil {
			t.Fatal(err)
		}
		if got := out.Messages[0].Parts[0].ToolResult.Content; got != want {
			t.Errorf("tool result %s sent as %s, want %s", content, got, want)
		}
		if got := req.Messages[0].Parts[0].ToolResult.Content; got != content || strings.Contains(want, "536") {
			t.Errorf("the caller's request was changed: %s", got)
		}
	}
}
