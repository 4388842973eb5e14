package switchboard

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// issueYAML is the directive of issue 3, verbatim.
const issueYAML = `
directives:
  - id: eop-2026-02-27
    title: Cease use of Anthropic products
    kind: presidential-directive
    authority: Executive Office of the President
    issued_at: 2026-02-27T22:00:00Z
    bases: [{id: presidential, citation: "Presidential directive, 2026-02-27", status: in_force}]
    subject: {vendor: anthropic}
    action: remove
    scopes:
      - {tenants: [dod], effective_at: 2026-02-27T22:00:00Z, deadline: 2026-08-27T00:00:00Z}
      - {tenants: [state, treasury, hhs, fhfa], effective_at: 2026-03-02T00:00:00Z, deadline: 2026-03-02T00:00:00Z}
    replacements: {claude-sonnet-4-5: gpt-4.1}
    notice: "Anthropic models are being phased out under the directive of 2026-02-27."
`

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func decodeIssue(t *testing.T) Directive {
	t.Helper()
	var f struct {
		Directives []Directive `yaml:"directives"`
	}
	dec := yaml.NewDecoder(strings.NewReader(issueYAML))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		t.Fatal(err)
	}
	if len(f.Directives) != 1 {
		t.Fatalf("got %d directives", len(f.Directives))
	}
	return f.Directives[0]
}

func testTree(t *testing.T) *TenantTree {
	t.Helper()
	tree, err := NewTenantTree([]Tenant{
		{ID: "state"}, {ID: "state/statechat", Parent: "state"},
		{ID: "treasury"}, {ID: "hhs"},
		{ID: "fhfa"}, {ID: "fhfa/fannie-mae", Parent: "fhfa"}, {ID: "fhfa/freddie-mac", Parent: "fhfa"},
		{ID: "dod"}, {ID: "dod/nsa", Parent: "dod"}, {ID: "dod/army", Parent: "dod"},
		{ID: "dod/army/cyber", Parent: "dod/army"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestDirectiveDecodesIssueYAML(t *testing.T) {
	d := decodeIssue(t)
	want := Directive{
		ID: "eop-2026-02-27", Title: "Cease use of Anthropic products", Kind: KindPresidentialDirective,
		Authority: "Executive Office of the President", IssuedAt: ts("2026-02-27T22:00:00Z"),
		Bases:   []LegalBasis{{ID: "presidential", Citation: "Presidential directive, 2026-02-27", Status: BasisInForce}},
		Subject: Subject{Vendor: "anthropic"}, Action: ActionRemove,
		Scopes: []Scope{
			{Tenants: []string{"dod"}, EffectiveAt: ts("2026-02-27T22:00:00Z"), Deadline: ts("2026-08-27T00:00:00Z")},
			{Tenants: []string{"state", "treasury", "hhs", "fhfa"}, EffectiveAt: ts("2026-03-02T00:00:00Z"), Deadline: ts("2026-03-02T00:00:00Z")},
		},
		Replacements: map[string]string{"claude-sonnet-4-5": "gpt-4.1"},
		Notice:       "Anthropic models are being phased out under the directive of 2026-02-27.",
	}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", d, want)
	}
	// JSON (the admin API) round-trips to the same value.
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"issued_at":"2026-02-27T22:00:00Z"`) || !strings.Contains(string(b), `"effective_at"`) {
		t.Errorf("json field names: %s", b)
	}
	var back Directive
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, want) {
		t.Fatalf("json round trip\n%+v\nwant\n%+v", back, want)
	}
}

func TestTenantTree(t *testing.T) {
	tree := testTree(t)
	for _, c := range []struct {
		tenant, root string
		want         bool
	}{
		{"dod", "dod", true},
		{"dod/nsa", "dod", true},
		{"dod/army/cyber", "dod", true},
		{"dod/army/cyber", "dod/army", true},
		{"dod", "dod/nsa", false},
		{"dod/nsa", "dod/army", false},
		{"state/statechat", "dod", false},
		{"nobody", "dod", false},
		{"dod", "nobody", false},
	} {
		if got := tree.Within(c.tenant, c.root); got != c.want {
			t.Errorf("Within(%q, %q) = %v, want %v", c.tenant, c.root, got, c.want)
		}
	}
	if got := tree.Ancestors("dod/army/cyber"); !reflect.DeepEqual(got, []string{"dod/army", "dod"}) {
		t.Errorf("Ancestors = %v", got)
	}
	if got := tree.Ancestors("dod"); got != nil {
		t.Errorf("Ancestors(root) = %v", got)
	}
	if got := tree.Children("dod"); !reflect.DeepEqual(got, []string{"dod/army", "dod/nsa"}) {
		t.Errorf("Children = %v", got)
	}
	if got := tree.Depth("dod/army/cyber"); got != 2 {
		t.Errorf("Depth = %d", got)
	}
	if got := tree.Roots(); !reflect.DeepEqual(got, []string{"state", "treasury", "hhs", "fhfa", "dod"}) {
		t.Errorf("Roots = %v", got)
	}
	if n := testing.AllocsPerRun(100, func() { tree.Within("dod/army/cyber", "dod") }); n != 0 {
		t.Errorf("Within allocates %v times", n)
	}
}

func TestTenantTreeErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		ts   []Tenant
		want string
	}{
		{"unknown parent", []Tenant{{ID: "dod"}, {ID: "dod/nsa", Parent: "dood"}}, `tenants[dod/nsa].parent: unknown tenant "dood"`},
		{"self parent", []Tenant{{ID: "a", Parent: "a"}}, `tenants[a].parent: cycle`},
		{"cycle", []Tenant{{ID: "root"}, {ID: "a", Parent: "c"}, {ID: "b", Parent: "a"}, {ID: "c", Parent: "b"}}, `tenants[a].parent: cycle: a → c → b → a`},
		{"duplicate", []Tenant{{ID: "dod"}, {ID: "dod"}}, `tenants[dod]: duplicate`},
		{"empty id", []Tenant{{ID: ""}}, `tenants[0].id: missing`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewTenantTree(c.ts)
			var e *Error
			if !errors.As(err, &e) || e.Code != EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if !strings.Contains(e.Message, c.want) {
				t.Fatalf("message %q does not contain %q", e.Message, c.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tree := testTree(t)
	vendors := map[string]bool{"anthropic": true, "openai": true}
	catalog := map[string]bool{"claude-sonnet-4-5": true, "gpt-4.1": true, "statechat": true}
	has := func(s string) bool { return catalog[s] }

	if err := func() error { d := decodeIssue(t); return d.Validate(tree, vendors, has) }(); err != nil {
		t.Fatalf("the issue's directive is valid: %v", err)
	}
	for _, c := range []struct {
		name   string
		mutate func(d *Directive)
		want   string
	}{
		{"deadline before effective", func(d *Directive) { d.Scopes[1].Deadline = ts("2026-03-01T00:00:00Z") },
			"directives[eop-2026-02-27].scopes[1].deadline: before effective_at"},
		{"unknown tenant", func(d *Directive) { d.Scopes[1].Tenants[2] = "hhs2" },
			`directives[eop-2026-02-27].scopes[1].tenants[2]: unknown tenant "hhs2"`},
		{"unknown vendor", func(d *Directive) { d.Subject.Vendor = "anthropics" },
			`directives[eop-2026-02-27].subject.vendor: unknown vendor "anthropics"`},
		{"missing vendor", func(d *Directive) { d.Subject.Vendor = "" }, `directives[eop-2026-02-27].subject.vendor: missing`},
		{"missing id", func(d *Directive) { d.ID = "" }, `directives[?].id: missing`},
		{"unknown action", func(d *Directive) { d.Action = "ban" }, `directives[eop-2026-02-27].action: unknown action "ban"`},
		{"unknown kind", func(d *Directive) { d.Kind = "tweet" }, `directives[eop-2026-02-27].kind: unknown kind "tweet"`},
		{"duplicate basis", func(d *Directive) { d.Bases = append(d.Bases, d.Bases[0]) },
			`directives[eop-2026-02-27].bases[1].id: duplicate basis id "presidential"`},
		{"unknown basis status", func(d *Directive) { d.Bases[0].Status = "paused" },
			`directives[eop-2026-02-27].bases[0].status: unknown status "paused"`},
		{"unknown replacement", func(d *Directive) { d.Replacements["claude-sonnet-4-5"] = "gpt-4.2" },
			`directives[eop-2026-02-27].replacements[claude-sonnet-4-5]: replacement "gpt-4.2" is not a model or alias of the catalog`},
		{"unknown replacement key", func(d *Directive) { d.Replacements["claude-3"] = "gpt-4.1" },
			`directives[eop-2026-02-27].replacements[claude-3]: unknown model or alias "claude-3"`},
		{"self replacement", func(d *Directive) { d.Replacements["gpt-4.1"] = "gpt-4.1" },
			`directives[eop-2026-02-27].replacements[gpt-4.1]: replaces "gpt-4.1" with itself`},
		{"carve-out outside scope", func(d *Directive) { d.Scopes[0].Except = []string{"state/statechat"} },
			`directives[eop-2026-02-27].scopes[0].except[0]: "state/statechat" is not inside the scope's tenants`},
		{"unknown carve-out", func(d *Directive) { d.Scopes[0].Except = []string{"dod/nsa2"} },
			`directives[eop-2026-02-27].scopes[0].except[0]: unknown tenant "dod/nsa2"`},
		{"waiver unknown tenant", func(d *Directive) {
			d.Waivers = []Waiver{{ID: "w1", Tenant: "dod/navy", Expires: ts("2026-06-01T00:00:00Z")}}
		}, `directives[eop-2026-02-27].waivers[0].tenant: unknown tenant "dod/navy"`},
		{"waiver without expiry", func(d *Directive) { d.Waivers = []Waiver{{ID: "w1", Tenant: "dod"}} },
			`directives[eop-2026-02-27].waivers[0].expires: missing`},
		{"uses on remove", func(d *Directive) { d.Uses = []string{"domestic_surveillance"} },
			`directives[eop-2026-02-27].uses: only a restrict directive names uses`},
		{"bad model pattern", func(d *Directive) { d.Subject.Models = []string{"claude-["} },
			`directives[eop-2026-02-27].subject.models[0]: bad pattern`},
		{"no scopes", func(d *Directive) { d.Scopes = nil }, `directives[eop-2026-02-27].scopes: missing`},
		{"unknown lifecycle", func(d *Directive) { d.Lifecycle = "paused" }, `directives[eop-2026-02-27].lifecycle: unknown state "paused"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := decodeIssue(t)
			c.mutate(&d)
			err := d.Validate(tree, vendors, has)
			var e *Error
			if !errors.As(err, &e) || e.Code != EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if !strings.Contains(e.Message, c.want) {
				t.Fatalf("message %q\ndoes not contain %q", e.Message, c.want)
			}
			if !strings.HasPrefix(c.want, e.Param) {
				t.Errorf("Param %q is not the path of %q", e.Param, c.want)
			}
		})
	}
	// Every problem is reported, not just the first.
	d := decodeIssue(t)
	d.Subject.Vendor, d.Scopes[0].Tenants[0] = "nobody", "nowhere"
	err := d.Validate(tree, vendors, has)
	if err == nil || !strings.Contains(err.Error(), "subject.vendor") || !strings.Contains(err.Error(), "scopes[0].tenants[0]") {
		t.Errorf("want both problems, got %v", err)
	}
}

func TestBasisStatusAt(t *testing.T) {
	b := LegalBasis{ID: "usc-10-3252", Status: BasisInForce, History: []BasisChange{
		{Status: BasisEnjoined, EffectiveAt: ts("2026-04-03T00:00:00Z")},
		{Status: BasisInForce, EffectiveAt: ts("2026-06-01T00:00:00Z")},
	}}
	for _, c := range []struct {
		at   string
		want string
	}{
		{"2026-03-27T00:00:00Z", BasisInForce}, // decided 03-26, not yet effective
		{"2026-04-03T00:00:00Z", BasisEnjoined},
		{"2026-05-01T00:00:00Z", BasisEnjoined},
		{"2026-06-02T00:00:00Z", BasisInForce},
	} {
		if got := b.StatusAt(ts(c.at)); got != c.want {
			t.Errorf("StatusAt(%s) = %s, want %s", c.at, got, c.want)
		}
	}
	// Without history the status holds throughout.
	s := LegalBasis{Status: BasisStayed}
	if s.InForceAt(ts("2020-01-01T00:00:00Z")) {
		t.Error("a stayed basis without history is in force")
	}
}

func TestInForceAndState(t *testing.T) {
	d := decodeIssue(t)
	d.Bases = append(d.Bases, LegalBasis{ID: "usc-10-3252", Status: BasisInForce})
	d.Bases[0].History = []BasisChange{{Status: BasisEnjoined, EffectiveAt: ts("2026-04-03T00:00:00Z")}}

	for _, c := range []struct {
		at      string
		inForce bool
		state   string
	}{
		{"2026-02-26T12:00:00Z", false, StatePending},
		{"2026-02-28T12:00:00Z", true, StatePhasingOut},
		{"2026-03-03T12:00:00Z", true, StatePhasingOut}, // dod still in its window
		{"2026-04-04T12:00:00Z", true, StatePhasingOut}, // one basis enjoined, the other in force
		{"2026-08-28T12:00:00Z", true, StateComplete},
	} {
		if got := d.InForce(ts(c.at)); got != c.inForce {
			t.Errorf("InForce(%s) = %v, want %v", c.at, got, c.inForce)
		}
		if got := d.State(ts(c.at)); got != c.state {
			t.Errorf("State(%s) = %s, want %s", c.at, got, c.state)
		}
	}
	// Both bases enjoined: suspended.
	d.Bases[1].History = []BasisChange{{Status: BasisEnjoined, EffectiveAt: ts("2026-04-03T00:00:00Z")}}
	if got := d.State(ts("2026-04-04T00:00:00Z")); got != StateSuspended {
		t.Errorf("State with every basis enjoined = %s", got)
	}
	if d.InForce(ts("2026-04-04T00:00:00Z")) {
		t.Error("in force with every basis enjoined")
	}
	// Only the immediate scope: complete once past its deadline.
	d2 := decodeIssue(t)
	d2.Scopes = d2.Scopes[1:]
	if got := d2.State(ts("2026-03-03T00:00:00Z")); got != StateComplete {
		t.Errorf("State = %s, want complete", got)
	}
}

func TestLifecycleAt(t *testing.T) {
	d := decodeIssue(t)
	d.Lifecycle = LifecycleIssued
	d.History = []Transition{
		{At: ts("2026-02-27T21:00:00Z"), From: LifecycleDraft, To: LifecycleIssued, By: "eop"},
		{At: ts("2026-03-10T00:00:00Z"), From: LifecycleIssued, To: LifecycleStayed, By: "court"},
		{At: ts("2026-03-20T00:00:00Z"), From: LifecycleStayed, To: LifecycleIssued, By: "court"},
	}
	for _, c := range []struct{ at, want string }{
		{"2026-02-27T20:00:00Z", LifecycleDraft},
		{"2026-03-01T00:00:00Z", LifecycleIssued},
		{"2026-03-15T00:00:00Z", LifecycleStayed},
		{"2026-03-25T00:00:00Z", LifecycleIssued},
	} {
		if got := d.LifecycleAt(ts(c.at)); got != c.want {
			t.Errorf("LifecycleAt(%s) = %s, want %s", c.at, got, c.want)
		}
	}
	if d.InForce(ts("2026-03-15T00:00:00Z")) || d.State(ts("2026-03-15T00:00:00Z")) != LifecycleStayed {
		t.Error("a stayed directive acts")
	}
}
