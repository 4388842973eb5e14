package policy

import (
	"strconv"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/route"
)

// benchSnapshot has 1,000 tenants (50 agencies × 19 components + 50
// sub-components) and 100 directives over 10 vendors with 5 models each.
func benchSnapshot(b *testing.B) (*Snapshot, []string) {
	b.Helper()
	var tenants []switchboard.Tenant
	for a := 0; a < 50; a++ {
		agency := "agency" + strconv.Itoa(a)
		tenants = append(tenants, switchboard.Tenant{ID: agency})
		for c := 0; c < 18; c++ {
			tenants = append(tenants, switchboard.Tenant{ID: agency + "/c" + strconv.Itoa(c), Parent: agency})
		}
	}
	for len(tenants) < 1000 {
		i := len(tenants)
		tenants = append(tenants, switchboard.Tenant{ID: tenants[(i-950)*19+5].ID + "/x", Parent: tenants[(i-950)*19+5].ID})
	}
	tree, err := switchboard.NewTenantTree(tenants)
	if err != nil {
		b.Fatal(err)
	}
	var vendors []switchboard.Vendor
	var providers []switchboard.Provider
	var models []switchboard.Model
	for v := 0; v < 10; v++ {
		vid := "vendor" + strconv.Itoa(v)
		vendors = append(vendors, switchboard.Vendor{ID: vid})
		providers = append(providers, switchboard.Provider{Name: vid, Protocol: "openai"})
		for m := 0; m < 5; m++ {
			models = append(models, switchboard.Model{ID: vid + "-m" + strconv.Itoa(m), Provider: vid, Vendor: vid})
		}
	}
	aliases := []switchboard.Alias{{Name: "chat", Targets: []string{"vendor0-m0", "vendor1-m0", "vendor2-m0"}}}
	cat := route.NewCatalog(providers, models, aliases)
	t0 := time.Date(2026, 2, 27, 0, 0, 0, 0, time.UTC)
	var ds []switchboard.Directive
	for i := 0; i < 100; i++ {
		v := "vendor" + strconv.Itoa(i%10)
		ds = append(ds, switchboard.Directive{
			ID: "d" + strconv.Itoa(i), Kind: switchboard.KindAgencyMemo, IssuedAt: t0,
			Bases: []switchboard.LegalBasis{{ID: "b", Status: switchboard.BasisInForce, History: []switchboard.BasisChange{
				{Status: switchboard.BasisEnjoined, EffectiveAt: t0.AddDate(0, 1, 0)},
				{Status: switchboard.BasisInForce, EffectiveAt: t0.AddDate(0, 2, 0)},
			}}},
			Subject: switchboard.Subject{Vendor: v}, Action: switchboard.ActionRemove,
			Scopes: []switchboard.Scope{{
				Tenants:     []string{"agency" + strconv.Itoa(i%50), "agency" + strconv.Itoa((i+7)%50) + "/c3"},
				EffectiveAt: t0, Deadline: t0.AddDate(0, 6, 0),
			}},
			Replacements: map[string]string{"*": "vendor9-m0"},
			Waivers:      []switchboard.Waiver{{ID: "w" + strconv.Itoa(i), Tenant: "agency" + strconv.Itoa(i%50) + "/c1", Expires: t0.AddDate(1, 0, 0)}},
		})
	}
	s, err := NewSnapshot(Input{Tenants: tree, Vendors: vendors, Catalog: cat, Directives: ds})
	if err != nil {
		b.Fatal(err)
	}
	return s, tree.IDs()
}

// BenchmarkDecide measures one decision with 1,000 tenants and 100
// directives, per path: no directive applies, inside a phase-out window,
// past the deadline (reroute), and an alias.
func BenchmarkDecide(b *testing.B) {
	s, _ := benchSnapshot(b)
	window := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	past := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		r    Request
		want Outcome
	}{
		{"serve", Request{Tenant: "agency40/c5", Model: "vendor9-m3", Now: past}, OutcomeServe},
		{"serve-in-scope-other-vendor", Request{Tenant: "agency0/c5", Model: "vendor5-m1", Now: past}, OutcomeServe},
		{"serve-alias", Request{Tenant: "agency45/c4/x", Model: "chat", Now: past}, OutcomeServe},
		{"warn", Request{Tenant: "agency0/c5", Model: "vendor0-m1", Now: window}, OutcomeWarn},
		{"reroute", Request{Tenant: "agency0/c5", Model: "vendor0-m1", Now: past}, OutcomeReroute},
		{"waived", Request{Tenant: "agency0/c1", Model: "vendor0-m1", Now: past}, OutcomeWaived},
		{"alias-fallthrough", Request{Tenant: "agency0/c5", Model: "chat", Now: past}, OutcomeReroute},
	} {
		if d := Decide(s, c.r); d.Outcome != c.want {
			b.Fatalf("%s: outcome %s (%s), want %s", c.name, d.Outcome, d.Reason, c.want)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Decide(s, c.r)
			}
		})
	}
}

// BenchmarkNewSnapshot measures the rebuild on every configuration change.
func BenchmarkNewSnapshot(b *testing.B) {
	s, _ := benchSnapshot(b)
	in := s.Input()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewSnapshot(in); err != nil {
			b.Fatal(err)
		}
	}
}
