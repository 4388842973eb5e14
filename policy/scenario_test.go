package policy

import (
	"bytes"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/route"
)

// scenarioFile mirrors the top-level keys of the example configuration;
// the real config package owns loading, this only needs the data.
type scenarioFile struct {
	Listen     string                          `yaml:"listen"`
	Store      string                          `yaml:"store"`
	Providers  map[string]switchboard.Provider `yaml:"providers"`
	Vendors    map[string]switchboard.Vendor   `yaml:"vendors"`
	Models     map[string]switchboard.Model    `yaml:"models"`
	Aliases    map[string][]string             `yaml:"aliases"`
	Tenants    map[string]switchboard.Tenant   `yaml:"tenants"`
	Keys       []map[string]string             `yaml:"keys"`
	Directives []switchboard.Directive         `yaml:"directives"`
	Adoption   map[string][]string             `yaml:"adoption"`
}

func decodeStrict(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// scenarioInput loads examples/2026-03; edit may change the directives.
func scenarioInput(t testing.TB, edit func([]switchboard.Directive)) Input {
	t.Helper()
	var f scenarioFile
	decodeStrict(t, "../examples/2026-03/switchboard.yaml", &f)
	adoption := struct{ Adoption map[string][]string }{f.Adoption}

	var providers []switchboard.Provider
	for name, p := range f.Providers {
		p.Name = name
		providers = append(providers, p)
	}
	var models []switchboard.Model
	for id, m := range f.Models {
		m.ID = id
		models = append(models, m)
	}
	sort.Slice(models, func(i, j int) bool { return models[i].ID < models[j].ID })
	var aliases []switchboard.Alias
	for name, ts := range f.Aliases {
		aliases = append(aliases, switchboard.Alias{Name: name, Targets: ts})
	}
	sort.Slice(aliases, func(i, j int) bool { return aliases[i].Name < aliases[j].Name })
	var tenants []switchboard.Tenant
	for id, tn := range f.Tenants {
		tn.ID = id
		tenants = append(tenants, tn)
	}
	sort.Slice(tenants, func(i, j int) bool { return tenants[i].ID < tenants[j].ID })
	tree, err := switchboard.NewTenantTree(tenants)
	if err != nil {
		t.Fatal(err)
	}
	var vendors []switchboard.Vendor
	for id, v := range f.Vendors {
		v.ID = id
		vendors = append(vendors, v)
	}
	if edit != nil {
		edit(f.Directives)
	}
	return Input{
		Tenants: tree, Vendors: vendors, Catalog: route.NewCatalog(providers, models, aliases),
		Directives: f.Directives, Adopted: adoption.Adoption,
	}
}

func scenario(t testing.TB, edit func([]switchboard.Directive)) *Snapshot {
	t.Helper()
	s, err := NewSnapshot(scenarioInput(t, edit))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// brief renders a decision as "outcome served directive" ("-" for empty).
func brief(d Decision) string {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	return string(d.Outcome) + " " + dash(d.Served()) + " " + dash(d.DirectiveID)
}

// TestTimeline2026 replays the 2026 timeline of examples/2026-03 (see its
// README) at noon UTC on each key date.
func TestTimeline2026(t *testing.T) {
	s := scenario(t, nil)
	if err := ValidateReplacements(s); err != nil {
		t.Fatalf("the example's replacements: %v", err)
	}
	const (
		eop   = "eop-2026-02-27"
		fasc  = "dod-fascsa-2026-02-27"
		memo  = "state-memo-2026-03-02"
		intel = "openai-dow-intel-2026-03-03"
	)
	serve := func(m string) string { return "serve " + m + " -" }
	claude, gpt, chat := "claude-sonnet-4-5", "gpt-4.1", "statechat"
	type row struct{ claude, gpt, chat string }
	// Identical rows for the tenants the injunction restored.
	allServe := row{serve(claude), serve(gpt), serve(claude)}
	nsaBarred := row{"reroute gemini-2.5-pro " + fasc, serve(gpt), "reroute gemini-2.5-pro " + fasc}
	nsaBarredAndRestricted := row{"reroute gemini-2.5-pro " + fasc, "refuse - " + intel, "reroute gemini-2.5-pro " + fasc}
	cut := row{"reroute gpt-4.1 " + eop, serve(gpt), "reroute gpt-4.1 " + eop}
	dodWindow := row{"warn " + claude + " " + eop, serve(gpt), "warn " + claude + " " + eop}

	want := map[string]map[string]row{
		// Before the directives.
		"2026-02-26": {"state/statechat": allServe, "treasury": allServe, "hhs": allServe, "dod": allServe, "dod/nsa": allServe},
		// Issued: DoD is in its six-month window; the civilian scopes start
		// 03-02; NSA never used Claude, so the FASCSA exclusion bars it now.
		"2026-02-28": {"state/statechat": allServe, "treasury": allServe, "hhs": allServe, "dod": dodWindow, "dod/nsa": nsaBarred},
		// Civilian agencies cut; StateChat moved to GPT-4.1 by the State
		// memo; the OpenAI contract term excludes NSA.
		"2026-03-03": {
			"state/statechat": {"reroute gpt-4.1 " + eop, serve(gpt), "reroute gpt-4.1 " + memo},
			"treasury":        cut, "hhs": cut, "dod": dodWindow, "dod/nsa": nsaBarredAndRestricted,
		},
		// The injunction (effective 04-03) stays the presidential and §3252
		// bases; the FASCSA exclusion stays in force.
		"2026-04-04": {"state/statechat": allServe, "treasury": allServe, "hhs": allServe, "dod": allServe, "dod/nsa": nsaBarredAndRestricted},
		// Past DoD's six-month deadline: still enjoined, so nothing changes.
		"2026-08-28": {"state/statechat": allServe, "treasury": allServe, "hhs": allServe, "dod": allServe, "dod/nsa": nsaBarredAndRestricted},
	}
	for date, tenants := range want {
		at := ts(date + "T12:00:00Z")
		for tenant, w := range tenants {
			got := row{
				brief(Decide(s, Request{Tenant: tenant, Model: claude, Now: at})),
				brief(Decide(s, Request{Tenant: tenant, Model: gpt, Now: at})),
				brief(Decide(s, Request{Tenant: tenant, Model: chat, Now: at})),
			}
			if got != w {
				t.Errorf("%s %s:\n got  %q\n want %q", date, tenant, got, w)
			}
		}
	}
}

func TestScenarioDetails(t *testing.T) {
	s := scenario(t, nil)
	at := func(d string) time.Time { return ts(d + "T12:00:00Z") }
	for _, c := range []struct {
		name   string
		req    Request
		expect string
	}{
		{"anthropic through bedrock is still anthropic", Request{Tenant: "treasury", Model: "claude-sonnet-4-5-bedrock", Now: at("2026-03-03")},
			"refuse - eop-2026-02-27"},
		{"no replacement for opus", Request{Tenant: "hhs", Model: "claude-opus-4-1", Now: at("2026-03-03")}, "refuse - eop-2026-02-27"},
		{"fannie mae is inside fhfa", Request{Tenant: "fhfa/fannie-mae", Model: "claude-sonnet-4-5", Now: at("2026-03-03")},
			"reroute gpt-4.1 eop-2026-02-27"},
		{"army never used claude: FASCSA bars it after the injunction", Request{Tenant: "dod/army", Model: "claude-sonnet-4-5", Now: at("2026-04-04")},
			"reroute gemini-2.5-pro dod-fascsa-2026-02-27"},
		{"domestic surveillance with OpenAI in DoD", Request{Tenant: "dod", Model: "gpt-4.1", Uses: []string{"domestic_surveillance"}, Now: at("2026-03-03")},
			"refuse - openai-dow-surveillance-2026-03-03"},
		{"surveillance term is DoD's only", Request{Tenant: "hhs", Model: "gpt-4.1", Uses: []string{"domestic_surveillance"}, Now: at("2026-03-03")},
			"serve gpt-4.1 -"},
		{"not yet at 2026-03-03 00:00", Request{Tenant: "dod/nsa", Model: "gpt-4.1", Now: ts("2026-03-02T23:59:59Z")}, "serve gpt-4.1 -"},
	} {
		if got := brief(Decide(s, c.req)); got != c.expect {
			t.Errorf("%s: got %q, want %q", c.name, got, c.expect)
		}
	}

	wantVisible := []string{"statechat", "claude-sonnet-4-5", "gemini-2.5-flash", "gemini-2.5-pro", "gpt-4.1", "gpt-5", "grok-4"}
	if got := Visible(s, "treasury", at("2026-03-03")); !reflect.DeepEqual(got, wantVisible) {
		t.Errorf("Visible(treasury, 03-03) = %v\nwant %v", got, wantVisible)
	}
	if got := Visible(s, "dod/nsa", at("2026-04-04")); strings.Contains(strings.Join(got, ","), "gpt") {
		t.Errorf("NSA sees OpenAI models: %v", got)
	}

	states := map[string]map[string]string{
		"eop-2026-02-27":        {"2026-02-26": switchboard.StatePending, "2026-03-03": switchboard.StatePhasingOut, "2026-04-04": switchboard.StateSuspended},
		"dod-fascsa-2026-02-27": {"2026-03-03": switchboard.StateComplete, "2026-04-04": switchboard.StateComplete},
		"state-memo-2026-03-02": {"2026-03-03": switchboard.StateComplete, "2026-04-04": switchboard.StateSuspended, "2026-04-07": switchboard.LifecycleRescinded},
	}
	for id, byDate := range states {
		d, ok := s.Directive(id)
		if !ok {
			t.Fatalf("no directive %s", id)
		}
		for date, want := range byDate {
			if got := d.State(at(date)); got != want {
				t.Errorf("%s.State(%s) = %s, want %s", id, date, got, want)
			}
		}
	}
}

// Without the injunction, DoD's six-month phase-out ends on 2026-08-27.
// Removing the injunction from the history and putting it back restores the
// decisions exactly.
func TestScenarioWithoutInjunction(t *testing.T) {
	lift := func(ds []switchboard.Directive) {
		for i := range ds {
			for j := range ds[i].Bases {
				b := &ds[i].Bases[j]
				if b.ID == "presidential" || b.ID == "usc-10-3252" {
					b.Status, b.History = switchboard.BasisInForce, nil
				}
			}
		}
	}
	without := scenario(t, lift)
	with := scenario(t, nil)
	at := ts("2026-08-28T12:00:00Z")
	for _, c := range []struct{ tenant, model, want string }{
		{"dod", "claude-sonnet-4-5", "reroute gpt-4.1 eop-2026-02-27"},
		{"dod", "claude-opus-4-1", "reroute gemini-2.5-pro dod-scr-2026-02-27"},
		{"dod", "statechat", "reroute gpt-4.1 eop-2026-02-27"},
		{"treasury", "claude-sonnet-4-5", "reroute gpt-4.1 eop-2026-02-27"},
	} {
		if got := brief(Decide(without, Request{Tenant: c.tenant, Model: c.model, Now: at})); got != c.want {
			t.Errorf("without the injunction, %s %s: got %q, want %q", c.tenant, c.model, got, c.want)
		}
	}
	// Staying the FASCSA exclusion frees NSA; lifting the stay restores
	// exactly the decisions before it.
	stay := func(ds []switchboard.Directive) {
		for i := range ds {
			if ds[i].ID == "dod-fascsa-2026-02-27" {
				ds[i].Lifecycle = switchboard.LifecycleStayed
				ds[i].History = []switchboard.Transition{{At: ts("2026-05-01T00:00:00Z"), From: switchboard.LifecycleIssued,
					To: switchboard.LifecycleStayed, By: "D.C. Cir.", Reason: "stay pending review"}}
			}
		}
	}
	unstay := func(ds []switchboard.Directive) {
		stay(ds)
		for i := range ds {
			if ds[i].ID == "dod-fascsa-2026-02-27" {
				ds[i].Lifecycle = switchboard.LifecycleIssued
				ds[i].History = append(ds[i].History, switchboard.Transition{At: ts("2026-06-01T00:00:00Z"),
					From: switchboard.LifecycleStayed, To: switchboard.LifecycleIssued, By: "D.C. Cir.", Reason: "stay dissolved"})
			}
		}
	}
	stayed, unstayed := scenario(t, stay), scenario(t, unstay)
	for _, tenant := range []string{"dod", "dod/nsa", "dod/army", "treasury", "state/statechat"} {
		for _, model := range []string{"claude-sonnet-4-5", "statechat", "gpt-4.1"} {
			r := Request{Tenant: tenant, Model: model, Now: at}
			if d := Decide(stayed, r); d.DirectiveID == "dod-fascsa-2026-02-27" {
				t.Errorf("stayed FASCSA still acts on %s %s", tenant, model)
			}
			if a, b := Decide(with, r), Decide(unstayed, r); !reflect.DeepEqual(a, b) {
				t.Errorf("%s %s after unstay: %s, want %s", tenant, model, brief(b), brief(a))
			}
		}
	}
}
