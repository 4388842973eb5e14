package audit_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/audit/audittest"
	"github.com/switchboard-gov/switchboard/sqlite"
)

func TestComplianceFindsCounterExamples(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := sqlite.NewAuditStore(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l, err := audit.New(audit.Options{Store: st, Signer: audittest.Signer(t)})
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC) }
	recs := []*audit.Record{
		{ID: "r1", Tenant: "treasury", Vendor: "anthropic", ServedModel: "claude", Status: 200, Start: day(1)},                                // before
		{ID: "r2", Tenant: "treasury", Vendor: "openai", ServedModel: "gpt", Status: 200, Start: day(3), Directive: "d1", Outcome: "reroute"}, // reroute
		{ID: "r3", Tenant: "treasury", Vendor: "anthropic", ServedModel: "claude", Status: 200, Start: day(4)},                                // violation
		{ID: "r4", Tenant: "treasury", Status: 403, Start: day(4), Directive: "d1", Outcome: "refuse"},                                        // refusal
		{ID: "r5", Tenant: "hhs", Vendor: "anthropic", ServedModel: "claude", Status: 200, Start: day(5), Directive: "d1", Outcome: "waived", Waiver: "w1"},
		{ID: "r6", Tenant: "dod", Vendor: "anthropic", ServedModel: "claude", Status: 200, Start: day(5)}, // out of scope
	}
	for _, r := range recs {
		if err := l.Write(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	d := &switchboard.Directive{ID: "d1", Title: "Cease", IssuedAt: day(2), Subject: switchboard.Subject{Vendor: "anthropic"}, Action: switchboard.ActionRemove,
		Scopes: []switchboard.Scope{{Tenants: []string{"treasury", "hhs"}, EffectiveAt: day(2), Deadline: day(2)}}}
	tenants := []switchboard.Tenant{{ID: "treasury"}, {ID: "hhs"}, {ID: "dod"}}
	c, err := audit.Report(ctx, st, d, tenants, audit.ComplianceOptions{}, day(30))
	if err != nil {
		t.Fatal(err)
	}
	if c.Compliant || len(c.Tenants) != 2 || c.Head.Seq != 6 {
		t.Fatalf("report = %+v", c)
	}
	hhs, tr := c.Tenants[0], c.Tenants[1]
	if tr.Tenant != "treasury" || tr.BeforeEffective != 1 || tr.Reroutes != 1 || tr.Refusals != 1 || tr.Violations != 1 ||
		len(tr.Examples) != 1 || tr.Examples[0] != "r3" || !strings.Contains(tr.Verdict, "reached anthropic") || !strings.Contains(tr.Verdict, "r3") {
		t.Errorf("treasury = %+v", tr)
	}
	if hhs.Waived != 1 || hhs.Waivers[0] != "w1" || hhs.Violations != 0 || !strings.HasPrefix(hhs.Verdict, "no request from hhs reached anthropic after 2026-03-02") {
		t.Errorf("hhs = %+v", hhs)
	}
	for _, f := range []string{"md", "csv", "json", "html"} {
		var b strings.Builder
		if err := c.Write(&b, f); err != nil || !strings.Contains(b.String(), "r3") {
			t.Errorf("%s: %v\n%s", f, err, b.String())
		}
	}
	if _, err := audit.Report(ctx, st, d, tenants, audit.ComplianceOptions{Tenant: "nasa"}, day(30)); err == nil || !strings.Contains(err.Error(), "unknown tenant nasa") {
		t.Errorf("unknown tenant: %v", err)
	}
	if _, err := audit.Report(ctx, st, d, tenants, audit.ComplianceOptions{From: day(5), To: day(4)}, day(30)); err == nil || !strings.Contains(err.Error(), "must be before") {
		t.Errorf("bad range: %v", err)
	}
}
