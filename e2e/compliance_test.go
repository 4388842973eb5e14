package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/gateway"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
	"github.com/switchboard-gov/switchboard/sqlite"
)

// TestComplianceReport2026 replays the requests of TestTimeline2026, then
// computes the compliance evidence from the audit trail the gateway wrote
// and checks it says what the replay asserted: who was rerouted, refused or
// served, when, and that no request reached Anthropic after a deadline
// while a directive was in force.
func TestComplianceReport2026(t *testing.T) {
	b, err := os.ReadFile("../examples/2026-03/switchboard.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(b, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(fakeprovider.New(fakeprovider.Options{}))
	defer up.Close()
	gateway.Simulate(cfg, up.URL)
	dbPath := filepath.Join(t.TempDir(), "sb.db")
	cfg.Store = "sqlite:" + dbPath
	clk := &clock{}
	g, err := gateway.New(context.Background(), cfg, gateway.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g.Handler())
	rows := []struct{ date, tenant, model string }{
		{"2026-02-26", "state/statechat", "claude-sonnet-4-5"},
		{"2026-02-26", "dod/nsa", "claude-sonnet-4-5"},
		{"2026-02-26", "treasury", "statechat"},
		{"2026-02-28", "treasury", "claude-sonnet-4-5"},
		{"2026-02-28", "dod", "claude-sonnet-4-5"},
		{"2026-02-28", "dod/nsa", "claude-sonnet-4-5"},
		{"2026-02-28", "dod/nsa", "gpt-4.1"},
		{"2026-03-03", "state/statechat", "claude-sonnet-4-5"},
		{"2026-03-03", "state/statechat", "statechat"},
		{"2026-03-03", "state/statechat", "gpt-4.1"},
		{"2026-03-03", "treasury", "claude-sonnet-4-5"},
		{"2026-03-03", "treasury", "claude-opus-4-1"},
		{"2026-03-03", "hhs", "statechat"},
		{"2026-03-03", "dod", "claude-sonnet-4-5"},
		{"2026-03-03", "dod/nsa", "gpt-4.1"},
		{"2026-03-03", "dod/nsa", "statechat"},
		{"2026-04-04", "state/statechat", "claude-sonnet-4-5"},
		{"2026-04-04", "state/statechat", "statechat"},
		{"2026-04-04", "treasury", "claude-sonnet-4-5"},
		{"2026-04-04", "dod", "claude-sonnet-4-5"},
		{"2026-04-04", "dod/nsa", "claude-sonnet-4-5"},
		{"2026-04-04", "dod/army", "claude-sonnet-4-5"},
		{"2026-04-04", "dod/nsa", "gpt-4.1"},
		{"2026-08-28", "dod", "claude-sonnet-4-5"},
		{"2026-08-28", "dod/nsa", "claude-sonnet-4-5"},
	}
	for _, r := range rows {
		at, _ := time.Parse(time.RFC3339, r.date+"T12:00:00Z")
		clk.Set(at)
		ask(t, srv.URL, r.tenant, r.model)
	}
	srv.Close()
	g.Close()

	ctx := context.Background()
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	as, err := sqlite.NewAuditStore(db)
	if err != nil {
		t.Fatal(err)
	}
	defer as.Close()
	if n, _ := as.Count(ctx, audit.Filter{Kind: audit.KindRequest}); n != int64(len(rows)) {
		t.Fatalf("%d request records, want %d (one per request)", n, len(rows))
	}
	if rep, err := audit.Verify(ctx, as, audit.VerifyOptions{}); err != nil || !rep.OK {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	dir := func(id string) *switchboard.Directive {
		for i := range cfg.Directives {
			if cfg.Directives[i].ID == id {
				return &cfg.Directives[i]
			}
		}
		t.Fatalf("no directive %s", id)
		return nil
	}
	report := func(id string) map[string]audit.TenantEvidence {
		d := dir(id)
		c, err := audit.Report(ctx, as, d, cfg.TenantList(), audit.ComplianceOptions{Adopters: cfg.Adoption[d.Subject.Vendor]}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if !c.Compliant {
			t.Errorf("%s: not compliant: %+v", id, c.Tenants)
		}
		out := map[string]audit.TenantEvidence{}
		for _, e := range c.Tenants {
			out[e.Tenant] = e
		}
		return out
	}
	type counts struct{ before, window, stayed, permitted, reroutes, refusals int }
	check := func(id string, want map[string]counts) {
		t.Helper()
		got := report(id)
		for tenant, w := range want {
			e := got[tenant]
			g := counts{e.BeforeEffective, e.InWindow, e.AfterWhileStayed, e.Permitted, e.Reroutes, e.Refusals}
			if g != w || e.Violations != 0 {
				t.Errorf("%s %s: got %+v violations %d; want %+v", id, tenant, g, e.Violations, w)
			}
		}
	}
	// The presidential directive: State, Treasury and HHS cut at once
	// (rerouted, one refusal), DoD inside its six-month window; after the
	// injunction (2026-04-03) Anthropic is served again, which is not a
	// violation because no basis was in force.
	check("eop-2026-02-27", map[string]counts{
		"state/statechat": {before: 1, stayed: 2, reroutes: 1},
		"treasury":        {before: 2, stayed: 1, reroutes: 1, refusals: 1},
		"hhs":             {reroutes: 1},
		"dod":             {window: 3, stayed: 1},
		"dod/nsa":         {before: 1},
	})
	// The FASCSA exclusion (never enjoined): new DoD adopters (NSA, Army)
	// were always rerouted to Gemini; DoD itself, an earlier adopter, kept
	// Anthropic as the exclusion allows.
	check("dod-fascsa-2026-02-27", map[string]counts{
		"dod/nsa":  {before: 1, reroutes: 4},
		"dod/army": {reroutes: 1},
		"dod":      {permitted: 4},
	})
}

// TestComplianceReportFormats: the evidence report the console links to
// comes from the admin API in each format, and an unknown one is refused.
func TestComplianceReportFormats(t *testing.T) {
	srv, clk := scenario(t)
	clk.Set(time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	ask(t, srv.URL, "treasury", "claude-sonnet-4-5")
	for format, want := range map[string]string{"html": "<table", "md": "# Compliance evidence", "csv": "tenant", "json": `"directive"`} {
		st, b := admin(t, srv.URL, "GET", "/admin/v1/audit/compliance?directive=eop-2026-02-27&format="+format, "")
		if st != 200 || !strings.Contains(b, want) {
			t.Errorf("format %s: %d %.300s", format, st, b)
		}
	}
	if st, _ := admin(t, srv.URL, "GET", "/admin/v1/audit/compliance?directive=eop-2026-02-27&format=pdf", ""); st != 400 {
		t.Errorf("format pdf: %d, want 400", st)
	}
}
