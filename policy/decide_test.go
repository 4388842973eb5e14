package policy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/route"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The fixed clock of the rule tests: issued T0, window [T0, T2), T1 inside.
var (
	T0 = ts("2026-03-01T00:00:00Z")
	T1 = ts("2026-03-15T00:00:00Z")
	T2 = ts("2026-04-01T00:00:00Z")
	T3 = ts("2026-05-01T00:00:00Z")
)

func fixtureInput(t testing.TB, ds []switchboard.Directive, adopted map[string][]string) Input {
	t.Helper()
	tree, err := switchboard.NewTenantTree([]switchboard.Tenant{
		{ID: "state"}, {ID: "state/statechat", Parent: "state"}, {ID: "treasury"}, {ID: "hhs"},
		{ID: "dod"}, {ID: "dod/nsa", Parent: "dod"}, {ID: "dod/army", Parent: "dod"},
	})
	if err != nil {
		t.Fatal(err)
	}
	cat := route.NewCatalog(
		[]switchboard.Provider{
			{Name: "anthropic", Protocol: "anthropic"}, {Name: "openai", Protocol: "openai"},
			{Name: "google", Protocol: "gemini"}, {Name: "bedrock", Protocol: "anthropic", Channel: "bedrock"},
		},
		[]switchboard.Model{
			{ID: "claude-sonnet-4-5", Provider: "anthropic", Vendor: "anthropic"},
			{ID: "claude-opus-4-1", Provider: "anthropic", Vendor: "anthropic"},
			{ID: "claude-bedrock", Provider: "bedrock", Vendor: "anthropic"},
			{ID: "gpt-4.1", Provider: "openai", Vendor: "openai"},
			{ID: "gemini-2.5-pro", Provider: "google", Vendor: "google"},
		},
		[]switchboard.Alias{
			{Name: "statechat", Targets: []string{"claude-sonnet-4-5", "claude-bedrock"}},
			{Name: "mixed", Targets: []string{"claude-sonnet-4-5", "gpt-4.1"}},
		},
	)
	return Input{
		Tenants:    tree,
		Vendors:    []switchboard.Vendor{{ID: "anthropic"}, {ID: "openai"}, {ID: "google"}},
		Catalog:    cat,
		Directives: ds,
		Adopted:    adopted,
	}
}

func fixture(t testing.TB, ds []switchboard.Directive, adopted map[string][]string) *Snapshot {
	t.Helper()
	s, err := NewSnapshot(fixtureInput(t, ds, adopted))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// remove is a directive removing Anthropic from tenants: window [T0, T2).
func remove(id string, tenants ...string) switchboard.Directive {
	return switchboard.Directive{
		ID: id, Kind: switchboard.KindPresidentialDirective, IssuedAt: T0,
		Bases:   []switchboard.LegalBasis{{ID: "b", Status: switchboard.BasisInForce}},
		Subject: switchboard.Subject{Vendor: "anthropic"}, Action: switchboard.ActionRemove,
		Scopes:       []switchboard.Scope{{Tenants: tenants, EffectiveAt: T0, Deadline: T2}},
		Replacements: map[string]string{"claude-sonnet-4-5": "gpt-4.1"},
		Notice:       "notice of " + id,
	}
}

func with(d switchboard.Directive, f func(*switchboard.Directive)) switchboard.Directive {
	f(&d)
	return d
}

func TestDecide(t *testing.T) {
	type want struct {
		outcome   Outcome
		served    string // first target
		directive string
		waiver    string
		from, to  string
	}
	restrictNSA := switchboard.Directive{ID: "oa-intel", Kind: switchboard.KindContractTerm, IssuedAt: T0,
		Subject: switchboard.Subject{Vendor: "openai"}, Action: switchboard.ActionRestrict,
		Scopes: []switchboard.Scope{{Tenants: []string{"dod/nsa"}, EffectiveAt: T0}}, Notice: "not for intel"}
	surveil := with(restrictNSA, func(d *switchboard.Directive) {
		d.ID, d.Uses, d.Scopes = "oa-surv", []string{"domestic_surveillance"}, []switchboard.Scope{{Tenants: []string{"dod"}}}
	})
	waiver := switchboard.Waiver{ID: "w-army", Tenant: "dod/army", Expires: T3, GrantedBy: "DoD CIO", Justification: "mission"}
	enjoinedAt := func(at time.Time) func(*switchboard.Directive) {
		return func(d *switchboard.Directive) {
			d.Bases = []switchboard.LegalBasis{{ID: "b", Status: switchboard.BasisEnjoined,
				History: []switchboard.BasisChange{{Status: switchboard.BasisEnjoined, EffectiveAt: at}}}}
		}
	}

	for _, c := range []struct {
		name    string
		ds      []switchboard.Directive
		adopted map[string][]string
		tenant  string
		model   string
		uses    []string
		at      time.Time
		want    want
	}{
		{name: "no directive", tenant: "dod", model: "claude-sonnet-4-5", at: T1,
			want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "before effective", ds: []switchboard.Directive{remove("r", "dod")}, tenant: "dod", model: "claude-sonnet-4-5",
			at: T0.Add(-time.Second), want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "phase-out window warns", ds: []switchboard.Directive{remove("r", "dod")}, tenant: "dod", model: "claude-sonnet-4-5",
			at: T1, want: want{outcome: OutcomeWarn, served: "claude-sonnet-4-5", directive: "r"}},
		{name: "window starts at effective_at", ds: []switchboard.Directive{remove("r", "dod")}, tenant: "dod", model: "claude-sonnet-4-5",
			at: T0, want: want{outcome: OutcomeWarn, served: "claude-sonnet-4-5", directive: "r"}},
		{name: "past deadline reroutes", ds: []switchboard.Directive{remove("r", "dod")}, tenant: "dod", model: "claude-sonnet-4-5",
			at: T2, want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "r", from: "claude-sonnet-4-5", to: "gpt-4.1"}},
		{name: "past deadline without replacement refuses", ds: []switchboard.Directive{remove("r", "dod")}, tenant: "dod",
			model: "claude-opus-4-1", at: T2, want: want{outcome: OutcomeRefuse, directive: "r"}},
		{name: "star replacement", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Replacements = map[string]string{"*": "gemini-2.5-pro"}
		})}, tenant: "dod", model: "claude-opus-4-1", at: T2,
			want: want{outcome: OutcomeReroute, served: "gemini-2.5-pro", directive: "r", from: "claude-opus-4-1", to: "gemini-2.5-pro"}},
		{name: "out of scope", ds: []switchboard.Directive{remove("r", "dod")}, tenant: "treasury", model: "claude-sonnet-4-5",
			at: T2, want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "subtree in scope", ds: []switchboard.Directive{remove("r", "dod")}, tenant: "dod/army", model: "claude-sonnet-4-5",
			at: T2, want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "r", from: "claude-sonnet-4-5", to: "gpt-4.1"}},
		{name: "star scope", ds: []switchboard.Directive{remove("r", "*")}, tenant: "hhs", model: "claude-sonnet-4-5",
			at: T2, want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "r", from: "claude-sonnet-4-5", to: "gpt-4.1"}},
		{name: "carve-out", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Scopes[0].Except = []string{"dod/nsa"}
		})}, tenant: "dod/nsa", model: "claude-sonnet-4-5", at: T2, want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "indirect channel is covered", ds: []switchboard.Directive{remove("r", "dod")}, tenant: "dod", model: "claude-bedrock",
			at: T2, want: want{outcome: OutcomeRefuse, directive: "r"}},
		{name: "channels narrow the subject", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Subject.Channels = []string{"direct"}
		})}, tenant: "dod", model: "claude-bedrock", at: T2, want: want{outcome: OutcomeServe, served: "claude-bedrock"}},
		{name: "model patterns narrow the subject", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Subject.Models = []string{"claude-opus-*"}
		})}, tenant: "dod", model: "claude-sonnet-4-5", at: T2, want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "exclude bars a new adopter", ds: []switchboard.Directive{with(remove("x", "dod"), func(d *switchboard.Directive) {
			d.Action, d.Scopes[0].Deadline = switchboard.ActionExclude, time.Time{}
		})}, adopted: map[string][]string{"anthropic": {"dod"}}, tenant: "dod/nsa", model: "claude-sonnet-4-5", at: T1,
			want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "x", from: "claude-sonnet-4-5", to: "gpt-4.1"}},
		{name: "exclude lets an adopter continue", ds: []switchboard.Directive{with(remove("x", "dod"), func(d *switchboard.Directive) {
			d.Action, d.Scopes[0].Deadline = switchboard.ActionExclude, time.Time{}
		})}, adopted: map[string][]string{"anthropic": {"dod"}}, tenant: "dod", model: "claude-sonnet-4-5", at: T3,
			want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "restrict bars the named tenant", ds: []switchboard.Directive{restrictNSA}, tenant: "dod/nsa", model: "gpt-4.1", at: T1,
			want: want{outcome: OutcomeRefuse, directive: "oa-intel"}},
		{name: "restrict spares the others", ds: []switchboard.Directive{restrictNSA}, tenant: "dod/army", model: "gpt-4.1", at: T1,
			want: want{outcome: OutcomeServe, served: "gpt-4.1"}},
		{name: "restricted use is barred", ds: []switchboard.Directive{surveil}, tenant: "dod/army", model: "gpt-4.1", at: T1,
			uses: []string{"translation", "domestic_surveillance"}, want: want{outcome: OutcomeRefuse, directive: "oa-surv"}},
		{name: "other uses pass", ds: []switchboard.Directive{surveil}, tenant: "dod/army", model: "gpt-4.1", at: T1,
			uses: []string{"translation"}, want: want{outcome: OutcomeServe, served: "gpt-4.1"}},
		{name: "no detected use passes", ds: []switchboard.Directive{surveil}, tenant: "dod/army", model: "gpt-4.1", at: T1,
			want: want{outcome: OutcomeServe, served: "gpt-4.1"}},
		{name: "active waiver", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Waivers = []switchboard.Waiver{waiver}
		})}, tenant: "dod/army", model: "claude-sonnet-4-5", at: T2,
			want: want{outcome: OutcomeWaived, served: "claude-sonnet-4-5", directive: "r", waiver: "w-army"}},
		{name: "waiver covers its subtree only", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Waivers = []switchboard.Waiver{waiver}
		})}, tenant: "dod/nsa", model: "claude-sonnet-4-5", at: T2,
			want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "r", from: "claude-sonnet-4-5", to: "gpt-4.1"}},
		{name: "expired waiver", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Waivers = []switchboard.Waiver{waiver}
		})}, tenant: "dod/army", model: "claude-sonnet-4-5", at: T3,
			want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "r", from: "claude-sonnet-4-5", to: "gpt-4.1"}},
		{name: "waiver narrowed to other models", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			w := waiver
			w.Models = []string{"claude-opus-*"}
			d.Waivers = []switchboard.Waiver{w}
		})}, tenant: "dod/army", model: "claude-sonnet-4-5", at: T2,
			want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "r", from: "claude-sonnet-4-5", to: "gpt-4.1"}},
		{name: "waiver lifts only its own directive", ds: []switchboard.Directive{
			with(remove("r", "dod"), func(d *switchboard.Directive) { d.Waivers = []switchboard.Waiver{waiver} }),
			with(remove("r2", "dod"), func(d *switchboard.Directive) { d.Replacements = map[string]string{"*": "gemini-2.5-pro"} }),
		}, tenant: "dod/army", model: "claude-sonnet-4-5", at: T2,
			want: want{outcome: OutcomeReroute, served: "gemini-2.5-pro", directive: "r2", from: "claude-sonnet-4-5", to: "gemini-2.5-pro"}},
		{name: "waiver with another directive warning", ds: []switchboard.Directive{
			with(remove("r", "dod"), func(d *switchboard.Directive) { d.Waivers = []switchboard.Waiver{waiver} }),
			with(remove("r2", "dod"), func(d *switchboard.Directive) { d.Scopes[0].Deadline = T3 }),
		}, tenant: "dod/army", model: "claude-sonnet-4-5", at: T2,
			want: want{outcome: OutcomeWarn, served: "claude-sonnet-4-5", directive: "r2", waiver: "w-army"}},
		{name: "strictest wins", ds: []switchboard.Directive{
			with(remove("late", "dod"), func(d *switchboard.Directive) { d.Scopes[0].Deadline = T3 }),
			remove("now", "dod"),
		}, tenant: "dod", model: "claude-sonnet-4-5", at: T2,
			want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "now", from: "claude-sonnet-4-5", to: "gpt-4.1"}},
		{name: "enjoined basis before its effective time", ds: []switchboard.Directive{with(remove("r", "dod"), enjoinedAt(T3))},
			tenant: "dod", model: "claude-sonnet-4-5", at: T2,
			want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "r", from: "claude-sonnet-4-5", to: "gpt-4.1"}},
		{name: "enjoined basis at its effective time", ds: []switchboard.Directive{with(remove("r", "dod"), enjoinedAt(T3))},
			tenant: "dod", model: "claude-sonnet-4-5", at: T3, want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "one basis enjoined, another in force", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			enjoinedAt(T1)(d)
			d.Bases = append(d.Bases, switchboard.LegalBasis{ID: "fascsa", Status: switchboard.BasisInForce})
		})}, tenant: "dod", model: "claude-sonnet-4-5", at: T3,
			want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "r", from: "claude-sonnet-4-5", to: "gpt-4.1"}},
		{name: "stayed directive", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Lifecycle = switchboard.LifecycleStayed
		})}, tenant: "dod", model: "claude-sonnet-4-5", at: T2, want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "rescinded directive", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Lifecycle = switchboard.LifecycleRescinded
		})}, tenant: "dod", model: "claude-sonnet-4-5", at: T2, want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "draft directive", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Lifecycle = switchboard.LifecycleDraft
		})}, tenant: "dod", model: "claude-sonnet-4-5", at: T2, want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "not yet issued", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.IssuedAt, d.Scopes[0].EffectiveAt = T3, T0 // retroactive effective date
		})}, tenant: "dod", model: "claude-sonnet-4-5", at: T2, want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "allow does not bar", ds: []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Action = switchboard.ActionAllow
		})}, tenant: "dod", model: "claude-sonnet-4-5", at: T2, want: want{outcome: OutcomeServe, served: "claude-sonnet-4-5"}},
		{name: "alias drops a barred target", ds: []switchboard.Directive{remove("r", "dod")}, tenant: "dod", model: "mixed", at: T2,
			want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "r", from: "claude-sonnet-4-5", to: "gpt-4.1"}},
		{name: "alias inside window warns", ds: []switchboard.Directive{remove("r", "dod")}, tenant: "dod", model: "mixed", at: T1,
			want: want{outcome: OutcomeWarn, served: "claude-sonnet-4-5", directive: "r"}},
		{name: "alias all barred: its own replacement first", ds: []switchboard.Directive{with(remove("r", "state"), func(d *switchboard.Directive) {
			d.Replacements = map[string]string{"claude-sonnet-4-5": "gemini-2.5-pro", "statechat": "gpt-4.1"}
		})}, tenant: "state/statechat", model: "statechat", at: T2,
			want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "r", from: "statechat", to: "gpt-4.1"}},
		{name: "alias all barred: the barred model's replacement", ds: []switchboard.Directive{remove("r", "state")},
			tenant: "state/statechat", model: "statechat", at: T2,
			want: want{outcome: OutcomeReroute, served: "gpt-4.1", directive: "r", from: "statechat", to: "gpt-4.1"}},
		{name: "alias replacement from another directive", ds: []switchboard.Directive{
			with(remove("eop", "state"), func(d *switchboard.Directive) { d.Replacements = nil }),
			with(remove("memo", "state"), func(d *switchboard.Directive) {
				d.Kind, d.Replacements = switchboard.KindAgencyMemo, map[string]string{"statechat": "gemini-2.5-pro"}
			}),
		}, tenant: "state/statechat", model: "statechat", at: T2,
			want: want{outcome: OutcomeReroute, served: "gemini-2.5-pro", directive: "memo", from: "statechat", to: "gemini-2.5-pro"}},
		{name: "barred replacement: follow the next hop", ds: []switchboard.Directive{
			remove("r", "dod"),
			with(restrictNSA, func(d *switchboard.Directive) { d.Replacements = map[string]string{"gpt-4.1": "gemini-2.5-pro"} }),
		}, tenant: "dod/nsa", model: "claude-sonnet-4-5", at: T2,
			want: want{outcome: OutcomeReroute, served: "gemini-2.5-pro", directive: "oa-intel", from: "claude-sonnet-4-5", to: "gemini-2.5-pro"}},
		{name: "barred replacement without a next hop refuses", ds: []switchboard.Directive{remove("r", "dod"), restrictNSA},
			tenant: "dod/nsa", model: "claude-sonnet-4-5", at: T2, want: want{outcome: OutcomeRefuse, directive: "r"}},
		{name: "replacement loop refuses", ds: []switchboard.Directive{
			remove("r", "dod"),
			with(restrictNSA, func(d *switchboard.Directive) { d.Replacements = map[string]string{"gpt-4.1": "claude-sonnet-4-5"} }),
		}, tenant: "dod/nsa", model: "claude-sonnet-4-5", at: T2, want: want{outcome: OutcomeRefuse, directive: "r"}},
		{name: "unknown model", tenant: "dod", model: "gpt-9", at: T1, want: want{outcome: OutcomeUnknown}},
		{name: "unknown tenant fails closed", tenant: "nowhere", model: "gpt-4.1", at: T1, want: want{outcome: OutcomeRefuse}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := fixture(t, c.ds, c.adopted)
			d := Decide(s, Request{Tenant: c.tenant, Model: c.model, Uses: c.uses, Now: c.at})
			got := want{outcome: d.Outcome, served: d.Served(), directive: d.DirectiveID, waiver: d.WaiverID,
				from: d.RerouteFrom, to: d.RerouteTo}
			if got != c.want {
				t.Fatalf("got  %+v\nwant %+v\nreason: %s", got, c.want, d.Reason)
			}
			if d.DirectiveID != "" && d.Notice != "notice of "+d.DirectiveID && !strings.HasPrefix(d.DirectiveID, "oa-") {
				t.Errorf("notice %q is not the directive's", d.Notice)
			}
			if (d.Outcome == OutcomeRefuse || d.Outcome == OutcomeUnknown) != (d.Err() != nil) {
				t.Errorf("Err() = %v for %s", d.Err(), d.Outcome)
			}
			if d.Outcome != OutcomeServe && d.Reason == "" {
				t.Error("no reason recorded")
			}
		})
	}
}

func TestDecideRefusalError(t *testing.T) {
	s := fixture(t, []switchboard.Directive{remove("r", "dod")}, nil)
	d := Decide(s, Request{Tenant: "dod", Model: "claude-opus-4-1", Now: T2})
	var e *switchboard.Error
	if !errors.As(d.Err(), &e) || e.Code != switchboard.EFORBIDDEN || e.HTTPStatus() != 403 {
		t.Fatalf("Err() = %v", d.Err())
	}
	if !strings.Contains(e.Message, "notice of r") || !strings.Contains(e.Message, "directive r") {
		t.Errorf("message %q lacks the notice or the directive", e.Message)
	}
}

func TestFallbackTargetsKeepTheirOutcome(t *testing.T) {
	s := fixture(t, []switchboard.Directive{remove("r", "dod")}, nil)
	d := Decide(s, Request{Tenant: "dod", Model: "mixed", Now: T1})
	if len(d.Targets) != 2 || d.Targets[0].Outcome != OutcomeWarn || d.Targets[1].Outcome != OutcomeServe {
		t.Fatalf("targets %+v", d.Targets)
	}
}

// Staying a directive, then lifting the stay, restores exactly the earlier
// decision; so does enjoining a basis and dissolving the injunction.
func TestStayIsReversible(t *testing.T) {
	base := with(remove("r", "dod"), func(d *switchboard.Directive) {
		d.Waivers = []switchboard.Waiver{{ID: "w", Tenant: "dod/army", Expires: T3}}
	})
	at := T2.Add(time.Hour)
	reqs := []Request{
		{Tenant: "dod", Model: "claude-sonnet-4-5", Now: at},
		{Tenant: "dod", Model: "statechat", Now: at},
		{Tenant: "dod/army", Model: "claude-opus-4-1", Now: at},
		{Tenant: "dod", Model: "claude-opus-4-1", Now: T1},
	}
	decideAll := func(d switchboard.Directive) []Decision {
		s := fixture(t, []switchboard.Directive{d}, nil)
		var out []Decision
		for _, r := range reqs {
			out = append(out, Decide(s, r))
		}
		return out
	}
	before := decideAll(base)

	stayed := base
	stayed.Lifecycle = switchboard.LifecycleStayed
	stayed.History = []switchboard.Transition{{At: T0.Add(time.Hour), From: switchboard.LifecycleIssued, To: switchboard.LifecycleStayed, By: "court"}}
	for i, d := range decideAll(stayed) {
		if d.Outcome != OutcomeServe {
			t.Errorf("stayed: request %d got %s", i, d.Outcome)
		}
	}
	unstayed := stayed
	unstayed.Lifecycle = switchboard.LifecycleIssued
	unstayed.History = append(append([]switchboard.Transition(nil), stayed.History...),
		switchboard.Transition{At: T0.Add(2 * time.Hour), From: switchboard.LifecycleStayed, To: switchboard.LifecycleIssued, By: "court"})
	if after := decideAll(unstayed); !reflect.DeepEqual(after, before) {
		t.Errorf("after unstay\n%+v\nwant\n%+v", after, before)
	}

	enjoined := base
	enjoined.Bases = []switchboard.LegalBasis{{ID: "b", Status: switchboard.BasisEnjoined,
		History: []switchboard.BasisChange{{Status: switchboard.BasisEnjoined, EffectiveAt: T0}}}}
	for i, d := range decideAll(enjoined) {
		if d.Outcome != OutcomeServe {
			t.Errorf("enjoined: request %d got %s", i, d.Outcome)
		}
	}
	dissolved := enjoined
	dissolved.Bases = []switchboard.LegalBasis{{ID: "b", Status: switchboard.BasisInForce, History: []switchboard.BasisChange{
		{Status: switchboard.BasisEnjoined, EffectiveAt: T0},
		{Status: switchboard.BasisInForce, EffectiveAt: T0.Add(time.Minute)},
	}}}
	if after := decideAll(dissolved); !reflect.DeepEqual(after, before) {
		t.Errorf("after the injunction is dissolved\n%+v\nwant\n%+v", after, before)
	}
}

func TestNoDirectivePathDoesNotAllocate(t *testing.T) {
	s := fixture(t, []switchboard.Directive{remove("r", "dod")}, nil)
	for _, r := range []Request{
		{Tenant: "treasury", Model: "claude-sonnet-4-5", Now: T2},
		{Tenant: "dod", Model: "gpt-4.1", Now: T2},
		{Tenant: "treasury", Model: "statechat", Now: T2},
	} {
		if n := testing.AllocsPerRun(100, func() { Decide(s, r) }); n != 0 {
			t.Errorf("%+v: %v allocations", r, n)
		}
	}
}

func TestVisible(t *testing.T) {
	s := fixture(t, []switchboard.Directive{remove("r", "dod")}, nil)
	got := Visible(s, "dod", T2)
	// claude-opus-4-1 and claude-bedrock have no replacement: refused, hidden.
	want := []string{"statechat", "mixed", "claude-sonnet-4-5", "gpt-4.1", "gemini-2.5-pro"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Visible = %v, want %v", got, want)
	}
	if got := Visible(s, "dod", T1); len(got) != 7 {
		t.Errorf("inside the window everything is visible: %v", got)
	}
}

func TestValidateReplacements(t *testing.T) {
	if err := ValidateReplacements(fixture(t, []switchboard.Directive{remove("r", "dod")}, nil)); err != nil {
		t.Fatalf("valid: %v", err)
	}
	for _, c := range []struct {
		name string
		ds   []switchboard.Directive
		want string
	}{
		{"replacement covered by its own directive", []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Replacements = map[string]string{"claude-sonnet-4-5": "claude-bedrock"}
		})}, `directives[r].replacements[claude-sonnet-4-5]: replacement "claude-bedrock" is itself barred: this directive covers it`},
		{"alias replacement covered by its own directive", []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) {
			d.Replacements = map[string]string{"claude-opus-4-1": "statechat"}
		})}, `directives[r].replacements[claude-opus-4-1]: replacement "statechat" is itself barred`},
		{"replacement barred by another directive", []switchboard.Directive{
			remove("r", "dod"),
			{ID: "oa", Kind: switchboard.KindContractTerm, IssuedAt: T0, Subject: switchboard.Subject{Vendor: "openai"},
				Action: switchboard.ActionRemove, Scopes: []switchboard.Scope{{Tenants: []string{"*"}, EffectiveAt: T0}}},
		}, `directives[r].replacements[claude-sonnet-4-5]: replacement "gpt-4.1" is itself barred for dod at 2026-04-01T00:00:00Z by oa`},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateReplacements(fixture(t, c.ds, nil))
			var e *switchboard.Error
			if !errors.As(err, &e) || e.Code != switchboard.EINVALID {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(e.Message, c.want) {
				t.Fatalf("message %q\ndoes not contain %q", e.Message, c.want)
			}
		})
	}
}

func TestNewSnapshotRejectsBadDirectives(t *testing.T) {
	for _, c := range []struct {
		name string
		ds   []switchboard.Directive
		want string
	}{
		{"unknown tenant", []switchboard.Directive{remove("r", "dod/navy")}, `directives[r].scopes[0].tenants[0]: unknown tenant "dod/navy"`},
		{"unknown vendor", []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) { d.Subject.Vendor = "meta" })},
			`directives[r].subject.vendor: unknown vendor "meta"`},
		{"deadline before effective", []switchboard.Directive{with(remove("r", "dod"), func(d *switchboard.Directive) { d.Scopes[0].Deadline = T0.Add(-time.Hour) })},
			`directives[r].scopes[0].deadline: before effective_at`},
		{"duplicate id", []switchboard.Directive{remove("r", "dod"), remove("r", "hhs")}, `directives[r].id: duplicate directive id`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewSnapshot(fixtureInput(t, c.ds, nil))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestWhatIf(t *testing.T) {
	s := fixture(t, []switchboard.Directive{remove("r", "dod")}, nil)
	draft := with(remove("draft-hhs", "hhs"), func(d *switchboard.Directive) { d.Lifecycle = switchboard.LifecycleDraft })
	traffic := []TrafficSample{
		{Tenant: "hhs", Model: "claude-sonnet-4-5", Count: 10},
		{Tenant: "hhs", Model: "claude-sonnet-4-5", Count: 5},
		{Tenant: "hhs", Model: "claude-opus-4-1", Count: 2},
		{Tenant: "hhs", Model: "gpt-4.1", Count: 100},
		{Tenant: "dod", Model: "claude-sonnet-4-5", Count: 7}, // already rerouted by r: unchanged
	}
	got, err := WhatIf(s, draft, traffic, T2)
	if err != nil {
		t.Fatal(err)
	}
	want := []Impact{
		{Tenant: "hhs", Model: "claude-opus-4-1", Count: 2, Before: OutcomeServe, After: OutcomeRefuse,
			BeforeServed: "claude-opus-4-1", DirectiveID: "draft-hhs", Notice: "notice of draft-hhs"},
		{Tenant: "hhs", Model: "claude-sonnet-4-5", Count: 15, Before: OutcomeServe, After: OutcomeReroute,
			BeforeServed: "claude-sonnet-4-5", AfterServed: "gpt-4.1", DirectiveID: "draft-hhs", Notice: "notice of draft-hhs"},
	}
	for i := range got {
		got[i].Reason = ""
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WhatIf =\n%+v\nwant\n%+v", got, want)
	}
	// Inside the draft's window: warnings.
	got, _ = WhatIf(s, draft, traffic[:1], T1)
	if len(got) != 1 || got[0].After != OutcomeWarn {
		t.Errorf("WhatIf inside the window = %+v", got)
	}
	// The live snapshot is untouched.
	if d := Decide(s, Request{Tenant: "hhs", Model: "claude-sonnet-4-5", Now: T2}); d.Outcome != OutcomeServe {
		t.Errorf("WhatIf changed the snapshot: %s", d.Outcome)
	}
	if _, err := WhatIf(s, with(draft, func(d *switchboard.Directive) { d.Subject.Vendor = "meta" }), traffic, T2); err == nil {
		t.Error("an invalid draft is accepted")
	}
}
