package audit

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Report formats.
const (
	FormatMarkdown = "md"
	FormatJSON     = "json"
	FormatHTML     = "html"
)

// Write renders the report as md, csv, json or html.
func (c *Compliance) Write(w io.Writer, format string) error {
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	case FormatCSV:
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"directive", "vendor", "tenant", "scope", "effective_at", "deadline", "before_effective", "in_window",
			"after_deadline_in_force", "after_deadline_not_in_force", "after_deadline_permitted", "reroutes", "refusals", "waived", "waivers", "violations",
			"counter_examples", "verdict", "chain_head_seq", "chain_head_hash"})
		for _, t := range c.Tenants {
			_ = cw.Write([]string{c.Directive, c.Vendor, t.Tenant, strconv.Itoa(t.Scope), day(t.EffectiveAt), day(t.Deadline),
				strconv.Itoa(t.BeforeEffective), strconv.Itoa(t.InWindow), strconv.Itoa(t.AfterDeadline), strconv.Itoa(t.AfterWhileStayed), strconv.Itoa(t.Permitted),
				strconv.Itoa(t.Reroutes), strconv.Itoa(t.Refusals), strconv.Itoa(t.Waived), strings.Join(t.Waivers, ";"),
				strconv.Itoa(t.Violations), strings.Join(t.Examples, ";"), t.Verdict, strconv.FormatInt(c.Head.Seq, 10), c.Head.Hash})
		}
		cw.Flush()
		return cw.Error()
	case FormatMarkdown:
		var b strings.Builder
		fmt.Fprintf(&b, "# Compliance evidence: %s\n\n%s\n\n", c.Directive, c.Title)
		fmt.Fprintf(&b, "- Vendor: %s\n- Computed from the audit chain at record %d, hash `%s`\n- Generated %s\n",
			c.Vendor, c.Head.Seq, c.Head.Hash, c.GeneratedAt.Format(time.RFC3339))
		if !c.From.IsZero() || !c.To.IsZero() {
			fmt.Fprintf(&b, "- Requests from %s to %s\n", day(c.From), day(c.To))
		}
		fmt.Fprintf(&b, "- Overall: %s\n\n", map[bool]string{true: "compliant", false: "NOT compliant"}[c.Compliant])
		b.WriteString("| Tenant | Effective | Deadline | Before | In window | After (in force) | After (not in force) | After (permitted) | Reroutes | Refusals | Waived |\n")
		b.WriteString("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, t := range c.Tenants {
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %d | %d | %d | %d | %d |\n", t.Tenant, day(t.EffectiveAt), day(t.Deadline),
				t.BeforeEffective, t.InWindow, t.AfterDeadline, t.AfterWhileStayed, t.Permitted, t.Reroutes, t.Refusals, t.Waived)
		}
		b.WriteString("\n## Verdicts\n\n")
		for _, t := range c.Tenants {
			fmt.Fprintf(&b, "- %s\n", t.Verdict)
		}
		_, err := io.WriteString(w, b.String())
		return err
	case FormatHTML:
		return htmlReport.Execute(w, c)
	}
	return &switchboard.Error{Code: switchboard.EINVALID, Param: "format", Message: "format must be md, csv, json or html, not " + strconv.Quote(format)}
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

var htmlReport = template.Must(template.New("r").Funcs(template.FuncMap{"day": day}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Compliance evidence: {{.Directive}}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3rem .6rem}td.n{text-align:right}.bad{color:#a00}</style></head>
<body><h1>Compliance evidence: {{.Directive}}</h1><p>{{.Title}}</p>
<ul><li>Vendor: {{.Vendor}}</li><li>Audit chain head: record {{.Head.Seq}}, hash <code>{{.Head.Hash}}</code></li>
<li>Generated {{day .GeneratedAt}}</li><li>Overall: {{if .Compliant}}compliant{{else}}<strong class="bad">NOT compliant</strong>{{end}}</li></ul>
<table><tr><th>Tenant</th><th>Effective</th><th>Deadline</th><th>Before</th><th>In window</th><th>After (in force)</th><th>After (not in force)</th><th>After (permitted)</th><th>Reroutes</th><th>Refusals</th><th>Waived</th><th>Verdict</th></tr>
{{range .Tenants}}<tr><td>{{.Tenant}}</td><td>{{day .EffectiveAt}}</td><td>{{day .Deadline}}</td><td class="n">{{.BeforeEffective}}</td><td class="n">{{.InWindow}}</td><td class="n">{{.AfterDeadline}}</td><td class="n">{{.AfterWhileStayed}}</td><td class="n">{{.Permitted}}</td><td class="n">{{.Reroutes}}</td><td class="n">{{.Refusals}}</td><td class="n">{{.Waived}}</td><td{{if .Violations}} class="bad"{{end}}>{{.Verdict}}</td></tr>
{{end}}</table></body></html>
`))
