package audit

import "github.com/switchboard-gov/switchboard/proxy"

// proxyContent is the prompt and answer the proxy captured for p: it keeps
// them only for tenants whose capture mode is redacted or full (the proxy
// asks Log.Captures), so for everyone else both are empty.
func proxyContent(p *proxy.Record) (prompt, response string) {
	return p.Prompt, p.Response
}

// proxyFindings converts the proxy's guardrail findings: types, counts and
// rule ids, never values. The direction (prompt or answer) is kept in the
// rule id so the two can be told apart.
func proxyFindings(p *proxy.Record) []Finding {
	if len(p.Findings) == 0 {
		return nil
	}
	out := make([]Finding, len(p.Findings))
	for i, f := range p.Findings {
		rule := f.Rule
		if f.Direction != "" {
			rule = f.Direction + ":" + rule
		}
		if f.Action != "" {
			rule += ":" + f.Action
		}
		out[i] = Finding{Type: f.Type, Rule: rule, Count: f.Count}
	}
	return out
}
