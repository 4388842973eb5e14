package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
	"github.com/switchboard-gov/switchboard/policy"
	"github.com/switchboard-gov/switchboard/sqlite"
)

var (
	t0      = time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	adminP  = &switchboard.Principal{KeyID: "key_0a0a0a0a", Name: "ops", Tenant: "state", Role: switchboard.RolePlatformAdmin}
	auditor = &switchboard.Principal{KeyID: "key_0b0b0b0b", Name: "ig", Tenant: "state", Role: switchboard.RoleAuditor}
	user    = &switchboard.Principal{KeyID: "key_0c0c0c0c", Name: "app", Tenant: "state/statechat", Role: switchboard.RoleUser}
)

// fixture is a service over a real SQLite store, seeded with a small
// agency tree, two vendors and one directive draft-ready.
type fixture struct {
	svc     *admin.Service
	store   *sqlite.DB
	now     time.Time
	changed int
}

func static() admin.StaticState {
	return admin.StaticState{
		Providers: []switchboard.Provider{
			{Name: "openai", Protocol: "openai", BaseURL: "http://openai.test/v1", Channel: "direct"},
			{Name: "anthropic", Protocol: "anthropic", BaseURL: "http://anthropic.test", Channel: "direct"},
			{Name: "bedrock", Protocol: "anthropic", BaseURL: "http://bedrock.test", Channel: "bedrock"},
		},
		Vendors: []switchboard.Vendor{{ID: "openai", Name: "OpenAI"}, {ID: "anthropic", Name: "Anthropic PBC"}},
		Keys:    []switchboard.Principal{*adminP, *user},
	}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{store: db, now: t0}
	f.svc = &admin.Service{
		Store:   db,
		Now:     func() time.Time { return f.now },
		Static:  static,
		Changed: func(context.Context) error { f.changed++; return nil },
	}
	seed := switchboard.Change{Actor: "config", At: t0.Add(-time.Hour)}
	for _, tn := range []switchboard.Tenant{
		{ID: "state", Name: "Department of State"},
		{ID: "state/statechat", Name: "StateChat", Parent: "state"},
		{ID: "dod", Name: "Department of Defense"},
		{ID: "dod/nsa", Name: "NSA", Parent: "dod"},
		{ID: "fhfa", Name: "FHFA"},
	} {
		tn := tn
		_, err := db.PutTenant(ctx, &tn, seed)
		must(t, err)
	}
	for _, m := range []switchboard.Model{
		{ID: "gpt-4.1", Provider: "openai", Vendor: "openai", Upstream: "gpt-4.1"},
		{ID: "claude-sonnet-4-5", Provider: "anthropic", Vendor: "anthropic", Upstream: "claude-sonnet-4-5"},
		{ID: "claude-haiku-4-5", Provider: "bedrock", Vendor: "anthropic", Upstream: "anthropic.claude-haiku"},
	} {
		m := m
		_, err := db.PutModel(ctx, &m, seed)
		must(t, err)
	}
	_, err = db.PutAlias(ctx, &switchboard.Alias{Name: "statechat", Targets: []string{"claude-sonnet-4-5", "gpt-4.1"}}, seed)
	must(t, err)
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// eop is the presidential ban on Anthropic, as a draft: remove, State at
// once, DoD with a six-month phase-out, two legal bases.
func eop() switchboard.Directive {
	return switchboard.Directive{
		ID: "eop-2026-02-27", Title: "Cease use of Anthropic products", Kind: switchboard.KindPresidentialDirective,
		Authority: "Executive Office of the President", IssuedAt: time.Date(2026, 2, 27, 22, 0, 0, 0, time.UTC),
		Bases: []switchboard.LegalBasis{
			{ID: "presidential", Citation: "Presidential directive, 2026-02-27", Status: switchboard.BasisInForce},
			{ID: "fascsa", Citation: "FASCSA order", Status: switchboard.BasisInForce},
		},
		Subject: switchboard.Subject{Vendor: "anthropic"},
		Action:  switchboard.ActionRemove,
		Scopes: []switchboard.Scope{
			{Tenants: []string{"dod"}, EffectiveAt: time.Date(2026, 2, 27, 22, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 8, 27, 0, 0, 0, 0, time.UTC)},
			{Tenants: []string{"state", "fhfa"}, EffectiveAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		},
		Replacements: map[string]string{"claude-sonnet-4-5": "gpt-4.1", "claude-haiku-4-5": "gpt-4.1"},
		Notice:       "Anthropic models are being phased out under the directive of 2026-02-27.",
	}
}

// decide is what a request from tenant for model gets now, through a
// snapshot built from the store, as the gateway builds it.
func (f *fixture) decide(t *testing.T, tenant, model string) policy.Decision {
	t.Helper()
	b, err := f.svc.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return policy.Decide(b.Snapshot, policy.Request{Tenant: tenant, Model: model, Now: f.now})
}

type outcome struct {
	Outcome   policy.Outcome
	Served    string
	Directive string
	Notice    string
	Waiver    string
}

func (f *fixture) outcome(t *testing.T, tenant, model string) outcome {
	t.Helper()
	d := f.decide(t, tenant, model)
	return outcome{d.Outcome, d.Served(), d.DirectiveID, d.Notice, d.WaiverID}
}

// grid is the decision for every tenant × requested name.
func (f *fixture) grid(t *testing.T) map[string]outcome {
	t.Helper()
	out := map[string]outcome{}
	for _, tn := range []string{"state", "state/statechat", "dod", "dod/nsa", "fhfa"} {
		for _, m := range []string{"gpt-4.1", "claude-sonnet-4-5", "claude-haiku-4-5", "statechat"} {
			out[tn+" "+m] = f.outcome(t, tn, m)
		}
	}
	return out
}

func (f *fixture) version(t *testing.T) int64 {
	t.Helper()
	v, err := f.store.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (f *fixture) lastChange(t *testing.T) switchboard.Change {
	t.Helper()
	cs, err := f.svc.Changes(context.Background(), switchboard.ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return cs[len(cs)-1]
}

func wantCode(t *testing.T, err error, code, param string) {
	t.Helper()
	var e *switchboard.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *switchboard.Error %s", err, code)
	}
	if e.Code != code || !strings.Contains(e.Param, param) {
		t.Fatalf("err = %s (param %q), want code %s naming %q", e.Message, e.Param, code, param)
	}
}

func TestDirectiveLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	before := f.grid(t)

	res, err := f.svc.CreateDirective(ctx, adminP, eop(), "drafting the ban")
	if err != nil {
		t.Fatal(err)
	}
	if res.Directive.Lifecycle != switchboard.LifecycleDraft || res.Directive.CurrentState != switchboard.LifecycleDraft {
		t.Fatalf("created lifecycle %q state %q, want draft", res.Directive.Lifecycle, res.Directive.CurrentState)
	}
	ch := f.lastChange(t)
	if ch.Actor != "key_0a0a0a0a (ops)" || ch.Action != "directive.create" || ch.Reason != "drafting the ban" ||
		ch.Kind != switchboard.KindDirective || ch.ObjectID != "eop-2026-02-27" || ch.Before != nil || ch.After == nil || !ch.At.Equal(t0) {
		t.Fatalf("create change = %+v", ch)
	}
	if got := f.grid(t); !equalGrid(got, before) {
		t.Fatal("a draft changed decisions")
	}

	if _, err := f.svc.CreateDirective(ctx, adminP, eop(), ""); err == nil {
		t.Fatal("duplicate id accepted")
	} else {
		wantCode(t, err, switchboard.ECONFLICT, "id")
	}

	if _, err := f.svc.Issue(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Reason: "signed"}); err != nil {
		t.Fatal(err)
	}
	ch = f.lastChange(t)
	var b, a switchboard.Directive
	if err := json.Unmarshal(ch.Before, &b); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(ch.After, &a); err != nil {
		t.Fatal(err)
	}
	if b.Lifecycle != "draft" || a.Lifecycle != "issued" || len(a.History) != 1 || a.History[0].By != "key_0a0a0a0a (ops)" || a.History[0].Reason != "signed" {
		t.Fatalf("issue change before %q after %q history %+v", b.Lifecycle, a.Lifecycle, a.History)
	}
	issued := f.grid(t)
	want := map[string]outcome{
		"state claude-sonnet-4-5":           {policy.OutcomeReroute, "gpt-4.1", "eop-2026-02-27", eop().Notice, ""},
		"state/statechat statechat":         {policy.OutcomeReroute, "gpt-4.1", "eop-2026-02-27", eop().Notice, ""},
		"dod/nsa claude-haiku-4-5":          {policy.OutcomeWarn, "claude-haiku-4-5", "eop-2026-02-27", eop().Notice, ""},
		"state gpt-4.1":                     {policy.OutcomeServe, "gpt-4.1", "", "", ""},
		"fhfa claude-haiku-4-5":             {policy.OutcomeReroute, "gpt-4.1", "eop-2026-02-27", eop().Notice, ""},
		"state/statechat claude-haiku-4-5":  {policy.OutcomeReroute, "gpt-4.1", "eop-2026-02-27", eop().Notice, ""},
		"dod/nsa statechat":                 {policy.OutcomeWarn, "claude-sonnet-4-5", "eop-2026-02-27", eop().Notice, ""},
		"state/statechat claude-sonnet-4-5": {policy.OutcomeReroute, "gpt-4.1", "eop-2026-02-27", eop().Notice, ""},
	}
	for k, w := range want {
		if issued[k] != w {
			t.Errorf("issued: %s = %+v, want %+v", k, issued[k], w)
		}
	}

	// A court stays one basis: the other keeps the directive in force.
	if _, err := f.svc.Stay(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Basis: "presidential", Reason: "preliminary injunction", Ref: "N.D. Cal. 3:26-cv-1"}); err != nil {
		t.Fatal(err)
	}
	if got := f.grid(t); !equalGrid(got, issued) {
		t.Fatal("staying one of two bases changed decisions")
	}
	v, err := f.svc.Directive(ctx, "eop-2026-02-27")
	if err != nil {
		t.Fatal(err)
	}
	if v.BasisStatus["presidential"] != "stayed" || v.BasisStatus["fascsa"] != "in_force" || v.Bases[0].History[0].Ref != "N.D. Cal. 3:26-cv-1" {
		t.Fatalf("basis status %v history %+v", v.BasisStatus, v.Bases[0].History)
	}
	// Enjoining the second suspends it on the very next decision.
	if _, err := f.svc.Stay(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Basis: "fascsa", Status: "enjoined", Reason: "enjoined too"}); err != nil {
		t.Fatal(err)
	}
	if got := f.grid(t); !equalGrid(got, before) {
		t.Fatalf("with every basis stayed: %v", diffGrid(got, before))
	}
	if v, _ := f.svc.Directive(ctx, "eop-2026-02-27"); v.CurrentState != switchboard.StateSuspended {
		t.Fatalf("state = %q, want suspended", v.CurrentState)
	}
	// Lifting restores exactly.
	if _, err := f.svc.Unstay(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Basis: "fascsa", Reason: "injunction dissolved"}); err != nil {
		t.Fatal(err)
	}
	if got := f.grid(t); !equalGrid(got, issued) {
		t.Fatalf("after unstay: %v", diffGrid(got, issued))
	}
	if _, err := f.svc.Unstay(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Basis: "fascsa", Reason: "again"}); err == nil {
		t.Fatal("lifting an in-force basis accepted")
	} else {
		wantCode(t, err, switchboard.ECONFLICT, "basis")
	}

	// The whole directive: stay, then unstay.
	f.now = f.now.Add(time.Minute)
	res, err = f.svc.Stay(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Reason: "stayed pending appeal", Ref: "9th Cir. No. 26-1234"})
	if err != nil {
		t.Fatal(err)
	}
	if h := res.Directive.History; len(h) == 0 || h[len(h)-1].To != "stayed" || h[len(h)-1].Ref != "9th Cir. No. 26-1234" {
		t.Fatalf("the stay's transition does not carry its reference: %+v", h)
	}
	if got := f.grid(t); !equalGrid(got, before) {
		t.Fatalf("stayed directive still acts: %v", diffGrid(got, before))
	}
	if _, err := f.svc.Unstay(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Reason: "stay lifted"}); err != nil {
		t.Fatal(err)
	}
	if got := f.grid(t); !equalGrid(got, issued) {
		t.Fatalf("after lifting the stay: %v", diffGrid(got, issued))
	}
	ch = f.lastChange(t)
	if ch.Action != "directive.unstay" || ch.Reason != "stay lifted" {
		t.Fatalf("unstay change = %+v", ch)
	}

	// Rescinding one basis, then the whole directive.
	if _, err := f.svc.Rescind(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Basis: "presidential", Reason: "superseded by order"}); err != nil {
		t.Fatal(err)
	}
	if got := f.grid(t); !equalGrid(got, issued) {
		t.Fatal("rescinding one basis while another is in force changed decisions")
	}
	if _, err := f.svc.Rescind(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Reason: "rescinded"}); err != nil {
		t.Fatal(err)
	}
	if got := f.grid(t); !equalGrid(got, before) {
		t.Fatal("rescinded directive still acts")
	}
	if _, err := f.svc.Unstay(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Reason: "rescission withdrawn"}); err != nil {
		t.Fatal(err)
	}
	if got := f.grid(t); !equalGrid(got, issued) {
		t.Fatal("undoing the rescission did not restore the decisions")
	}
	if f.changed != 10 {
		t.Fatalf("Changed called %d times, want once per write (10)", f.changed)
	}
	if _, err := f.svc.DeleteDirective(ctx, adminP, "eop-2026-02-27", ""); err == nil {
		t.Fatal("deleting an issued directive accepted")
	} else {
		wantCode(t, err, switchboard.ECONFLICT, "id")
	}
}

func TestStayTakesEffectLater(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d := eop()
	d.Lifecycle = switchboard.LifecycleIssued
	if _, err := f.svc.CreateDirective(ctx, adminP, d, ""); err != nil {
		t.Fatal(err)
	}
	issued := f.grid(t)
	later := t0.Add(8 * 24 * time.Hour)
	for _, b := range []string{"presidential", "fascsa"} {
		if _, err := f.svc.Stay(ctx, adminP, d.ID, admin.ActionRequest{Basis: b, Status: "enjoined", EffectiveAt: &later, Reason: "injunction of 2026-03-26"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.grid(t); !equalGrid(got, issued) {
		t.Fatal("an injunction effective later acted now")
	}
	f.now = later
	if got := f.outcome(t, "state", "claude-sonnet-4-5"); got.Outcome != policy.OutcomeServe {
		t.Fatalf("after the injunction took effect: %+v", got)
	}
	// Lifting a scheduled stay before it acts cancels it: restoring at its
	// own effective instant.
	f.now = t0
	if _, err := f.svc.Unstay(ctx, adminP, d.ID, admin.ActionRequest{Basis: "fascsa", Reason: "vacated before it took effect"}); err != nil {
		t.Fatal(err)
	}
	f.now = later.Add(time.Hour)
	if got := f.outcome(t, "state", "claude-sonnet-4-5"); got.Outcome != policy.OutcomeReroute {
		t.Fatalf("cancelled injunction still acts: %+v", got)
	}
}

func TestRejectsBadInputWritingNothing(t *testing.T) {
	ctx := context.Background()
	deadlineBefore := eop()
	deadlineBefore.Scopes[0].Deadline = deadlineBefore.Scopes[0].EffectiveAt.Add(-24 * time.Hour)
	unknownTenant := eop()
	unknownTenant.Scopes[1].Tenants = []string{"state", "treasury"}
	unknownVendor := eop()
	unknownVendor.Subject.Vendor = "anthropik"
	selfBarred := eop()
	selfBarred.Replacements = map[string]string{"claude-sonnet-4-5": "claude-haiku-4-5"}
	unknownReplacement := eop()
	unknownReplacement.Replacements = map[string]string{"claude-sonnet-4-5": "gpt-5"}
	// gpt-4.1 is barred for state by another directive: replacing with
	// it would send State's traffic to a barred model.
	otherBan := switchboard.Directive{ID: "openai-ban", Kind: switchboard.KindAgencyMemo, Subject: switchboard.Subject{Vendor: "openai"},
		Action: switchboard.ActionRemove, Lifecycle: switchboard.LifecycleIssued, Scopes: []switchboard.Scope{{Tenants: []string{"state"}}}}

	cases := []struct {
		name  string
		setup func(f *fixture)
		do    func(f *fixture) error
		code  string
		param string
	}{
		{"unknown tenant", nil, func(f *fixture) error { _, err := f.svc.CreateDirective(ctx, adminP, unknownTenant, ""); return err },
			switchboard.EINVALID, "scopes[1].tenants[1]"},
		{"unknown vendor", nil, func(f *fixture) error { _, err := f.svc.CreateDirective(ctx, adminP, unknownVendor, ""); return err },
			switchboard.EINVALID, "subject.vendor"},
		{"deadline before effective", nil, func(f *fixture) error { _, err := f.svc.CreateDirective(ctx, adminP, deadlineBefore, ""); return err },
			switchboard.EINVALID, "scopes[0].deadline"},
		{"replacement covered by its own directive", nil, func(f *fixture) error {
			_, err := f.svc.CreateDirective(ctx, adminP, selfBarred, "")
			return err
		}, switchboard.EINVALID, "replacements[claude-sonnet-4-5]"},
		{"replacement not in the catalog", nil, func(f *fixture) error {
			_, err := f.svc.CreateDirective(ctx, adminP, unknownReplacement, "")
			return err
		}, switchboard.EINVALID, "replacements[claude-sonnet-4-5]"},
		{"replacement barred by another directive", func(f *fixture) {
			if _, err := f.svc.CreateDirective(ctx, adminP, otherBan, ""); err != nil {
				t.Fatal(err)
			}
		}, func(f *fixture) error {
			d := eop()
			d.Lifecycle = switchboard.LifecycleIssued
			_, err := f.svc.CreateDirective(ctx, adminP, d, "")
			return err
		}, switchboard.EINVALID, "replacements[claude"},
		{"update introducing a bad deadline", func(f *fixture) {
			if _, err := f.svc.CreateDirective(ctx, adminP, eop(), ""); err != nil {
				t.Fatal(err)
			}
		}, func(f *fixture) error {
			_, err := f.svc.UpdateDirective(ctx, adminP, "eop-2026-02-27", deadlineBefore, "")
			return err
		}, switchboard.EINVALID, "scopes[0].deadline"},
		{"cycle in the tenant tree", nil, func(f *fixture) error {
			_, err := f.svc.PutTenant(ctx, adminP, switchboard.Tenant{ID: "state", Parent: "state/statechat"}, "")
			return err
		}, switchboard.EINVALID, "tenants[state"},
		{"unknown parent", nil, func(f *fixture) error {
			_, err := f.svc.PutTenant(ctx, adminP, switchboard.Tenant{ID: "treasury/irs", Parent: "treasury"}, "")
			return err
		}, switchboard.EINVALID, "tenants[treasury/irs].parent"},
		{"model of an unknown vendor", nil, func(f *fixture) error {
			_, err := f.svc.PutModel(ctx, adminP, switchboard.Model{ID: "grok-4", Provider: "openai", Vendor: "xai"}, "")
			return err
		}, switchboard.EINVALID, "models[grok-4].vendor"},
		{"model of an unknown provider", nil, func(f *fixture) error {
			_, err := f.svc.PutModel(ctx, adminP, switchboard.Model{ID: "gpt-5", Provider: "azure", Vendor: "openai"}, "")
			return err
		}, switchboard.EINVALID, "models[gpt-5].provider"},
		{"alias to an unknown model", nil, func(f *fixture) error {
			_, err := f.svc.PutAlias(ctx, adminP, switchboard.Alias{Name: "fast", Targets: []string{"gpt-4.1-mini"}}, "")
			return err
		}, switchboard.EINVALID, "aliases[fast].targets[0]"},
		{"waiver for an unknown tenant", func(f *fixture) {
			if _, err := f.svc.CreateDirective(ctx, adminP, eop(), ""); err != nil {
				t.Fatal(err)
			}
		}, func(f *fixture) error {
			_, err := f.svc.Waive(ctx, adminP, "eop-2026-02-27", admin.WaiveRequest{Tenant: "treasury", Expires: t0.Add(time.Hour), Justification: "x"})
			return err
		}, switchboard.EINVALID, "waivers[0].tenant"},
		{"waiver expiring in the past", func(f *fixture) {
			if _, err := f.svc.CreateDirective(ctx, adminP, eop(), ""); err != nil {
				t.Fatal(err)
			}
		}, func(f *fixture) error {
			_, err := f.svc.Waive(ctx, adminP, "eop-2026-02-27", admin.WaiveRequest{Tenant: "dod", Expires: t0.Add(-time.Hour), Justification: "x"})
			return err
		}, switchboard.EINVALID, "expires"},
		{"waiver without justification", func(f *fixture) {
			if _, err := f.svc.CreateDirective(ctx, adminP, eop(), ""); err != nil {
				t.Fatal(err)
			}
		}, func(f *fixture) error {
			_, err := f.svc.Waive(ctx, adminP, "eop-2026-02-27", admin.WaiveRequest{Tenant: "dod", Expires: t0.Add(time.Hour)})
			return err
		}, switchboard.EINVALID, "justification"},
		{"stay without reason", func(f *fixture) {
			if _, err := f.svc.CreateDirective(ctx, adminP, eop(), ""); err != nil {
				t.Fatal(err)
			}
		}, func(f *fixture) error {
			_, err := f.svc.Stay(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Basis: "fascsa"})
			return err
		}, switchboard.EINVALID, "reason"},
		{"stay of an unknown basis", func(f *fixture) {
			if _, err := f.svc.CreateDirective(ctx, adminP, eop(), ""); err != nil {
				t.Fatal(err)
			}
		}, func(f *fixture) error {
			_, err := f.svc.Stay(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Basis: "3252", Reason: "x"})
			return err
		}, switchboard.ENOTFOUND, "basis"},
		{"stay of a draft", func(f *fixture) {
			if _, err := f.svc.CreateDirective(ctx, adminP, eop(), ""); err != nil {
				t.Fatal(err)
			}
		}, func(f *fixture) error {
			_, err := f.svc.Stay(ctx, adminP, "eop-2026-02-27", admin.ActionRequest{Reason: "x"})
			return err
		}, switchboard.ECONFLICT, "lifecycle"},
		{"tenant delete with children", nil, func(f *fixture) error {
			_, err := f.svc.DeleteTenant(ctx, adminP, "dod", "")
			return err
		}, switchboard.ECONFLICT, "id"},
		{"tenant delete with a key", nil, func(f *fixture) error {
			_, err := f.svc.DeleteTenant(ctx, adminP, "state/statechat", "")
			return err
		}, switchboard.ECONFLICT, "id"},
		{"tenant delete named by a directive", func(f *fixture) {
			if _, err := f.svc.CreateDirective(ctx, adminP, eop(), ""); err != nil {
				t.Fatal(err)
			}
		}, func(f *fixture) error {
			_, err := f.svc.DeleteTenant(ctx, adminP, "fhfa", "")
			return err
		}, switchboard.ECONFLICT, "id"},
		{"model delete targeted by an alias", nil, func(f *fixture) error {
			_, err := f.svc.DeleteModel(ctx, adminP, "gpt-4.1", "")
			return err
		}, switchboard.ECONFLICT, "id"},
		{"non-admin", nil, func(f *fixture) error {
			_, err := f.svc.PutTenant(ctx, auditor, switchboard.Tenant{ID: "hhs"}, "")
			return err
		}, switchboard.EFORBIDDEN, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			v, calls := f.version(t), f.changed
			st, err := f.store.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			err = tc.do(f)
			wantCode(t, err, tc.code, tc.param)
			if got := f.version(t); got != v {
				t.Fatalf("version %d → %d: something was written", v, got)
			}
			after, err := f.store.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := mustJSON(t, after), mustJSON(t, st); a != b {
				t.Fatalf("state changed:\n%s\n%s", b, a)
			}
			if f.changed != calls {
				t.Fatal("Changed called after a rejected change")
			}
		})
	}
}

func TestWaiver(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d := eop()
	d.Lifecycle = switchboard.LifecycleIssued
	if _, err := f.svc.CreateDirective(ctx, adminP, d, ""); err != nil {
		t.Fatal(err)
	}
	barred := f.outcome(t, "state/statechat", "claude-sonnet-4-5")
	res, err := f.svc.Waive(ctx, adminP, d.ID, admin.WaiveRequest{Tenant: "state/statechat", Expires: t0.Add(72 * time.Hour), Justification: "consular crisis support", Models: []string{"claude-sonnet-*"}})
	if err != nil {
		t.Fatal(err)
	}
	w := res.Directive.Waivers[0]
	if w.ID != "eop-2026-02-27-w1" || w.GrantedBy != "key_0a0a0a0a (ops)" || !w.GrantedAt.Equal(t0) || w.Justification != "consular crisis support" {
		t.Fatalf("waiver = %+v", w)
	}
	if ch := f.lastChange(t); ch.Reason != "consular crisis support" || ch.Action != "directive.waive" {
		t.Fatalf("waive change = %+v", ch)
	}
	if got := f.outcome(t, "state/statechat", "claude-sonnet-4-5"); got.Outcome != policy.OutcomeWaived || got.Waiver != w.ID {
		t.Fatalf("with the waiver: %+v", got)
	}
	if got := f.outcome(t, "state", "claude-sonnet-4-5"); got != barred {
		t.Fatalf("waiver for a subtree leaked to its parent: %+v", got)
	}
	if got := f.outcome(t, "state/statechat", "claude-haiku-4-5"); got.Outcome != policy.OutcomeReroute {
		t.Fatalf("waiver narrowed to claude-sonnet-* lifted haiku: %+v", got)
	}
	f.now = t0.Add(time.Hour)
	if _, err := f.svc.RevokeWaiver(ctx, adminP, d.ID, w.ID, "crisis over"); err != nil {
		t.Fatal(err)
	}
	if got := f.outcome(t, "state/statechat", "claude-sonnet-4-5"); got != barred {
		t.Fatalf("after revoking: %+v, want %+v", got, barred)
	}
	dv, err := f.svc.Directive(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(dv.Waivers) != 1 || !dv.Waivers[0].Expires.Equal(f.now) {
		t.Fatalf("revoked waiver should stay on record, ending now: %+v", dv.Waivers)
	}
	if _, err := f.svc.RevokeWaiver(ctx, adminP, d.ID, w.ID, ""); err == nil {
		t.Fatal("revoking twice accepted")
	} else {
		wantCode(t, err, switchboard.ECONFLICT, "waiver")
	}
}

func TestCatalogAndTenants(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.PutTenant(ctx, adminP, switchboard.Tenant{ID: "treasury", Name: "Treasury"}, "onboarding"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PutTenant(ctx, adminP, switchboard.Tenant{ID: "treasury/irs", Parent: "treasury"}, ""); err != nil {
		t.Fatal(err)
	}
	ts, err := f.svc.Tenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last := ts[len(ts)-1]; last.ID != "treasury/irs" || last.Name != "treasury/irs" || last.Parent != "treasury" {
		t.Fatalf("tenant = %+v", last)
	}
	if _, err := f.svc.DeleteTenant(ctx, adminP, "treasury/irs", "merged"); err != nil {
		t.Fatal(err)
	}
	ch := f.lastChange(t)
	if ch.Action != "tenant.delete" || ch.After != nil || !strings.Contains(string(ch.Before), `"treasury/irs"`) || ch.Reason != "merged" {
		t.Fatalf("delete change = %+v", ch)
	}
	if _, err := f.svc.PutModel(ctx, adminP, switchboard.Model{ID: "gpt-4.1-mini", Provider: "openai", Vendor: "openai"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PutAlias(ctx, adminP, switchboard.Alias{Name: "fast", Targets: []string{"gpt-4.1-mini"}, Title: "Fast"}, ""); err != nil {
		t.Fatal(err)
	}
	if got := f.outcome(t, "state", "fast"); got.Outcome != policy.OutcomeServe || got.Served != "gpt-4.1-mini" {
		t.Fatalf("new alias: %+v", got)
	}
	if _, err := f.svc.DeleteAlias(ctx, adminP, "fast", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DeleteModel(ctx, adminP, "gpt-4.1-mini", ""); err != nil {
		t.Fatal(err)
	}
	if got := f.outcome(t, "state", "fast"); got.Outcome != policy.OutcomeUnknown {
		t.Fatalf("deleted alias: %+v", got)
	}
	if _, err := f.svc.DeleteModel(ctx, adminP, "gpt-4.1-mini", ""); err == nil {
		t.Fatal("deleting a missing model succeeded")
	} else {
		wantCode(t, err, switchboard.ENOTFOUND, "")
	}
	cs, err := f.svc.Changes(ctx, switchboard.ChangeFilter{Kind: switchboard.KindAlias, AfterSeq: 9})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Action != "alias.put" || cs[1].Action != "alias.delete" {
		t.Fatalf("alias changes = %+v", cs)
	}
}

func TestWhatIf(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res, err := f.svc.WhatIf(ctx, admin.WhatIfRequest{Directive: eop()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Traffic != admin.TrafficCatalog || res.Note == "" || res.Evaluated != 5*4 {
		t.Fatalf("traffic %q note %q evaluated %d", res.Traffic, res.Note, res.Evaluated)
	}
	got := map[string]admin.Impact{}
	for _, im := range res.Impacts {
		got[im.Tenant+" "+im.Model] = im
	}
	if im := got["state/statechat statechat"]; im.Before != "serve" || im.After != "reroute" || im.AfterServed != "gpt-4.1" || im.DirectiveID != "eop-2026-02-27" {
		t.Fatalf("statechat impact = %+v", im)
	}
	if im := got["dod claude-sonnet-4-5"]; im.After != "warn" {
		t.Fatalf("dod impact = %+v", im)
	}
	if _, ok := got["state gpt-4.1"]; ok {
		t.Fatal("unchanged decision listed as an impact")
	}
	if f.version(t) != 9 {
		t.Fatalf("what-if wrote something: version %d", f.version(t))
	}

	// At a later instant DoD's phase-out is over.
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	f.svc.Traffic = func(_ context.Context, since time.Time) ([]policy.TrafficSample, error) {
		if !since.Equal(t0.Add(-7 * 24 * time.Hour)) {
			t.Errorf("since = %v", since)
		}
		return []policy.TrafficSample{{Tenant: "dod/nsa", Model: "claude-sonnet-4-5", Count: 40}, {Tenant: "dod/nsa", Model: "claude-sonnet-4-5", Count: 2}, {Tenant: "fhfa", Model: "gpt-4.1", Count: 7}}, nil
	}
	res, err = f.svc.WhatIf(ctx, admin.WhatIfRequest{Directive: eop(), At: &at})
	if err != nil {
		t.Fatal(err)
	}
	if res.Traffic != admin.TrafficRecorded || res.Evaluated != 2 || len(res.Impacts) != 1 {
		t.Fatalf("recorded what-if = %+v", res)
	}
	if im := res.Impacts[0]; im.Count != 42 || im.After != "reroute" || im.AfterServed != "gpt-4.1" {
		t.Fatalf("impact = %+v", im)
	}

	bad := eop()
	bad.Replacements = map[string]string{"claude-sonnet-4-5": "claude-haiku-4-5"}
	if _, err := f.svc.WhatIf(ctx, admin.WhatIfRequest{Directive: bad}); err == nil {
		t.Fatal("what-if accepted a replacement that is itself barred")
	} else {
		wantCode(t, err, switchboard.EINVALID, "replacements[claude-sonnet-4-5]")
	}
}

func equalGrid(a, b map[string]outcome) bool { return len(diffGrid(a, b)) == 0 }

func diffGrid(a, b map[string]outcome) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, k)
		}
	}
	return out
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
