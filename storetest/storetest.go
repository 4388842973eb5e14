// Package storetest is the contract suite every switchboard.Store
// implementation passes: round trips preserving every field, recorded
// changes, versions, ordering, seeds, concurrent writers and failed writes
// that leave nothing half-applied.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-gov/switchboard"
)

// Run runs the contract suite. open returns a new, empty store for each
// subtest and arranges (with t.Cleanup) for it to be closed and removed.
func Run(t *testing.T, open func(t *testing.T) switchboard.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s switchboard.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"ChangesBeforeAfter", testChangesBeforeAfter},
		{"ChangeAt", testChangeAt},
		{"SeqAndVersion", testSeqAndVersion},
		{"ChangesFilter", testChangesFilter},
		{"NotFound", testNotFound},
		{"Invalid", testInvalid},
		{"LoadOrder", testLoadOrder},
		{"Seeds", testSeeds},
		{"ConcurrentWriters", testConcurrentWriters},
		{"UnmarshallableWrite", testUnmarshallableWrite},
		{"CancelledWrites", testCancelledWrites},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			if err := s.Ping(context.Background()); err != nil {
				t.Fatalf("Ping: %v", err)
			}
			tc.fn(t, s)
		})
	}
}

// Directive returns a directive with every field populated (bases with
// history, subject, scopes, uses, replacements, reporting, waivers,
// lifecycle history), for round trips and benchmarks.
func Directive(id string) *switchboard.Directive {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	return &switchboard.Directive{
		ID:        id,
		Title:     "Cease use of Anthropic products",
		Kind:      switchboard.KindPresidentialDirective,
		Authority: "Executive Office of the President",
		IssuedAt:  at("2026-02-27T22:00:00.123456789Z"),
		Bases: []switchboard.LegalBasis{
			{ID: "presidential", Citation: "Presidential directive, 2026-02-27", Status: switchboard.BasisStayed,
				History: []switchboard.BasisChange{{
					Status: switchboard.BasisStayed, EffectiveAt: at("2026-04-03T00:00:00Z"),
					At: at("2026-03-26T17:30:00-07:00"), By: "N.D. Cal.", Reason: "preliminary injunction",
					Ref: "No. 3:26-cv-01234",
				}}},
			{ID: "fascsa", Citation: "41 USC 1323", Status: switchboard.BasisInForce},
		},
		Subject: switchboard.Subject{Vendor: "anthropic", Models: []string{"claude-*"}, Channels: []string{"direct", "bedrock"}},
		Action:  switchboard.ActionRemove,
		Scopes: []switchboard.Scope{
			{Tenants: []string{"dod"}, Except: []string{"dod/nsa"}, EffectiveAt: at("2026-02-27T22:00:00Z"), Deadline: at("2026-08-27T00:00:00Z")},
			{Tenants: []string{"state", "fhfa"}, EffectiveAt: at("2026-03-02T00:00:00Z"), Deadline: at("2026-03-02T00:00:00Z")},
		},
		Uses:         []string{"domestic_surveillance"},
		Replacements: map[string]string{"claude-sonnet-4-5": "gpt-4.1", switchboard.ReplaceAny: "gpt-4.1-mini"},
		Notice:       "Anthropic models are being phased out under the directive of 2026-02-27.",
		Reporting:    &switchboard.Reporting{WithinBusinessDays: 3, To: []string{"contracting-officer"}, Attestation: "FAR 52.204-30"},
		Waivers: []switchboard.Waiver{{
			ID: "w1", Tenant: "dod/nsa", GrantedAt: at("2026-03-01T00:00:00Z"), Expires: at("2026-06-01T00:00:00Z"),
			GrantedBy: "dod-cio", Justification: "mission critical", Models: []string{"claude-opus-*"},
		}},
		Lifecycle: switchboard.LifecycleIssued,
		History: []switchboard.Transition{
			{At: at("2026-02-27T21:00:00Z"), From: "", To: switchboard.LifecycleDraft, By: "ops", Reason: "drafted"},
			{At: at("2026-02-27T22:00:00Z"), From: switchboard.LifecycleDraft, To: switchboard.LifecycleIssued, By: "ops", Reason: "issued"},
		},
	}
}

// utc returns d with every time converted to UTC, so values that went
// through JSON compare equal with reflect.DeepEqual.
func utc(d switchboard.Directive) switchboard.Directive {
	d.IssuedAt = d.IssuedAt.UTC()
	d.Bases = append([]switchboard.LegalBasis(nil), d.Bases...)
	for i := range d.Bases {
		h := append([]switchboard.BasisChange(nil), d.Bases[i].History...)
		for j := range h {
			h[j].EffectiveAt, h[j].At = h[j].EffectiveAt.UTC(), h[j].At.UTC()
		}
		d.Bases[i].History = h
	}
	d.Scopes = append([]switchboard.Scope(nil), d.Scopes...)
	for i := range d.Scopes {
		d.Scopes[i].EffectiveAt, d.Scopes[i].Deadline = d.Scopes[i].EffectiveAt.UTC(), d.Scopes[i].Deadline.UTC()
	}
	d.Waivers = append([]switchboard.Waiver(nil), d.Waivers...)
	for i := range d.Waivers {
		d.Waivers[i].GrantedAt, d.Waivers[i].Expires = d.Waivers[i].GrantedAt.UTC(), d.Waivers[i].Expires.UTC()
	}
	d.History = append([]switchboard.Transition(nil), d.History...)
	for i := range d.History {
		d.History[i].At = d.History[i].At.UTC()
	}
	return d
}

var bg = context.Background()

func change(action, reason string) switchboard.Change {
	return switchboard.Change{Actor: "key_1a2b3c4d (ops)", Action: action, Reason: reason}
}

// mustPut returns a function that fails the test on a write's error and
// otherwise returns its change: mustPut(t)(s.PutTenant(…)).
func mustPut(t *testing.T) func(switchboard.Change, error) switchboard.Change {
	return func(ch switchboard.Change, err error) switchboard.Change {
		t.Helper()
		if err != nil {
			t.Fatalf("write: %v", err)
		}
		return ch
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonEqual reports whether a and b hold the same JSON value (both empty
// counts as equal: null).
func jsonEqual(a, b json.RawMessage) bool {
	if len(a) == 0 || string(a) == "null" {
		return len(b) == 0 || string(b) == "null"
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func load(t *testing.T, s switchboard.Store) *switchboard.State {
	t.Helper()
	st, err := s.Load(bg)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return st
}

func version(t *testing.T, s switchboard.Store) int64 {
	t.Helper()
	v, err := s.Version(bg)
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	return v
}

func changes(t *testing.T, s switchboard.Store, f switchboard.ChangeFilter) []switchboard.Change {
	t.Helper()
	cs, err := s.Changes(bg, f)
	if err != nil {
		t.Fatalf("Changes(%+v): %v", f, err)
	}
	return cs
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var e *switchboard.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("%s: err = %v, want *switchboard.Error with code %s", what, err, code)
	}
}

func testRoundTrip(t *testing.T, s switchboard.Store) {
	d := Directive("eop-2026-02-27")
	ten := &switchboard.Tenant{ID: "fhfa/fannie-mae", Name: "Fannie Mae", Parent: "fhfa"}
	m := &switchboard.Model{ID: "claude-sonnet-4-5", Provider: "bedrock", Vendor: "anthropic", Upstream: "anthropic.claude-sonnet-4-5-v1:0"}
	a := &switchboard.Alias{Name: "statechat", Targets: []string{"claude-sonnet-4-5", "gpt-4.1"}, Title: "StateChat"}
	mustPut(t)(s.PutDirective(bg, d, change("directive.create", "")))
	mustPut(t)(s.PutTenant(bg, ten, change("tenant.put", "")))
	mustPut(t)(s.PutModel(bg, m, change("model.put", "")))
	mustPut(t)(s.PutAlias(bg, a, change("alias.put", "")))

	got, err := s.Directive(bg, d.ID)
	if err != nil {
		t.Fatalf("Directive: %v", err)
	}
	if !reflect.DeepEqual(utc(*got), utc(*d)) {
		t.Errorf("Directive round trip:\n got %+v\nwant %+v", utc(*got), utc(*d))
	}
	st := load(t, s)
	if st.Version != 4 || st.Version != version(t, s) {
		t.Errorf("Load version = %d, Version = %d; want 4", st.Version, version(t, s))
	}
	if len(st.Directives) != 1 || !reflect.DeepEqual(utc(st.Directives[0]), utc(*d)) {
		t.Errorf("Load directives = %+v", st.Directives)
	}
	if !reflect.DeepEqual(st.Tenants, []switchboard.Tenant{*ten}) {
		t.Errorf("Load tenants = %+v", st.Tenants)
	}
	if !reflect.DeepEqual(st.Models, []switchboard.Model{*m}) {
		t.Errorf("Load models = %+v", st.Models)
	}
	if !reflect.DeepEqual(st.Aliases, []switchboard.Alias{*a}) {
		t.Errorf("Load aliases = %+v", st.Aliases)
	}
}

func testChangesBeforeAfter(t *testing.T, s switchboard.Store) {
	type step struct {
		name  string
		write func() (switchboard.Change, error)
		kind  string
		id    string
		want  any // the object after, nil for a deletion
	}
	t1 := &switchboard.Tenant{ID: "state", Name: "Department of State"}
	t2 := &switchboard.Tenant{ID: "state", Name: "U.S. Department of State"}
	d1 := Directive("memo-1")
	d2 := Directive("memo-1")
	d2.Lifecycle = switchboard.LifecycleStayed
	m1 := &switchboard.Model{ID: "gpt-4.1", Provider: "openai", Vendor: "openai", Upstream: "gpt-4.1"}
	m2 := &switchboard.Model{ID: "gpt-4.1", Provider: "azure", Vendor: "openai", Upstream: "gpt-4.1-2025"}
	a1 := &switchboard.Alias{Name: "chat", Targets: []string{"gpt-4.1"}}
	a2 := &switchboard.Alias{Name: "chat", Targets: []string{"gpt-4.1", "gemini-2.5-pro"}, Title: "Chat"}
	steps := []step{
		{"tenant create", func() (switchboard.Change, error) { return s.PutTenant(bg, t1, change("tenant.put", "create")) }, switchboard.KindTenant, "state", t1},
		{"tenant update", func() (switchboard.Change, error) { return s.PutTenant(bg, t2, change("tenant.put", "rename")) }, switchboard.KindTenant, "state", t2},
		{"tenant delete", func() (switchboard.Change, error) {
			return s.DeleteTenant(bg, "state", change("tenant.delete", "gone"))
		}, switchboard.KindTenant, "state", nil},
		{"directive create", func() (switchboard.Change, error) {
			return s.PutDirective(bg, d1, change("directive.create", "memo"))
		}, switchboard.KindDirective, "memo-1", d1},
		{"directive update", func() (switchboard.Change, error) {
			return s.PutDirective(bg, d2, change("directive.stay", "court order"))
		}, switchboard.KindDirective, "memo-1", d2},
		{"directive delete", func() (switchboard.Change, error) {
			return s.DeleteDirective(bg, "memo-1", change("directive.delete", ""))
		}, switchboard.KindDirective, "memo-1", nil},
		{"model create", func() (switchboard.Change, error) { return s.PutModel(bg, m1, change("model.put", "")) }, switchboard.KindModel, "gpt-4.1", m1},
		{"model update", func() (switchboard.Change, error) { return s.PutModel(bg, m2, change("model.put", "")) }, switchboard.KindModel, "gpt-4.1", m2},
		{"model delete", func() (switchboard.Change, error) { return s.DeleteModel(bg, "gpt-4.1", change("model.delete", "")) }, switchboard.KindModel, "gpt-4.1", nil},
		{"alias create", func() (switchboard.Change, error) { return s.PutAlias(bg, a1, change("alias.put", "")) }, switchboard.KindAlias, "chat", a1},
		{"alias update", func() (switchboard.Change, error) { return s.PutAlias(bg, a2, change("alias.put", "")) }, switchboard.KindAlias, "chat", a2},
		{"alias delete", func() (switchboard.Change, error) { return s.DeleteAlias(bg, "chat", change("alias.delete", "")) }, switchboard.KindAlias, "chat", nil},
	}
	var returned []switchboard.Change
	var prev json.RawMessage // After of the previous step on the same object
	for i, st := range steps {
		before := version(t, s)
		ch, err := st.write()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if i%3 == 0 {
			prev = nil // a new object
		}
		var want json.RawMessage
		if st.want != nil {
			want = mustJSON(t, st.want)
		}
		if ch.Seq != before+1 {
			t.Errorf("%s: Seq = %d, want %d", st.name, ch.Seq, before+1)
		}
		if ch.Kind != st.kind || ch.ObjectID != st.id {
			t.Errorf("%s: Kind/ObjectID = %q/%q, want %q/%q", st.name, ch.Kind, ch.ObjectID, st.kind, st.id)
		}
		if ch.Actor != "key_1a2b3c4d (ops)" || !strings.Contains(ch.Action, ".") {
			t.Errorf("%s: Actor/Action = %q/%q not kept", st.name, ch.Actor, ch.Action)
		}
		if !jsonEqual(ch.Before, prev) {
			t.Errorf("%s: Before = %s, want %s", st.name, ch.Before, prev)
		}
		if !jsonEqual(ch.After, want) {
			t.Errorf("%s: After = %s, want %s", st.name, ch.After, want)
		}
		if (prev == nil) != (len(ch.Before) == 0) || (want == nil) != (len(ch.After) == 0) {
			t.Errorf("%s: Before/After presence = %v/%v, want %v/%v", st.name, len(ch.Before) > 0, len(ch.After) > 0, prev != nil, want != nil)
		}
		prev = want
		returned = append(returned, ch)
	}
	// The recorded changes are the ones returned.
	got := changes(t, s, switchboard.ChangeFilter{})
	if len(got) != len(returned) {
		t.Fatalf("Changes returned %d, want %d", len(got), len(returned))
	}
	for i := range got {
		g, w := got[i], returned[i]
		if g.Seq != w.Seq || !g.At.Equal(w.At) || g.Actor != w.Actor || g.Action != w.Action || g.Kind != w.Kind ||
			g.ObjectID != w.ObjectID || g.Reason != w.Reason || !jsonEqual(g.Before, w.Before) || !jsonEqual(g.After, w.After) ||
			len(g.Before) == 0 != (len(w.Before) == 0) || len(g.After) == 0 != (len(w.After) == 0) {
			t.Errorf("Changes[%d] = %+v\nreturned  %+v", i, g, w)
		}
	}
	st := load(t, s)
	if len(st.Directives)+len(st.Tenants)+len(st.Models)+len(st.Aliases) != 0 {
		t.Errorf("everything was deleted, Load = %+v", st)
	}
}

func testChangeAt(t *testing.T, s switchboard.Store) {
	at := time.Date(2026, 3, 5, 12, 0, 0, 123456000, time.FixedZone("EST", -5*3600))
	ch := change("tenant.put", "")
	ch.At = at
	got := mustPut(t)(s.PutTenant(bg, &switchboard.Tenant{ID: "hhs", Name: "HHS"}, ch))
	if !got.At.Equal(at) || got.At.Location() != time.UTC {
		t.Errorf("At = %v, want %v in UTC", got.At, at)
	}
	got = mustPut(t)(s.PutTenant(bg, &switchboard.Tenant{ID: "dod", Name: "DoD"}, change("tenant.put", "")))
	if got.At.IsZero() || got.At.Location() != time.UTC {
		t.Errorf("At without a given time = %v, want set, in UTC", got.At)
	}
	cs := changes(t, s, switchboard.ChangeFilter{})
	if len(cs) != 2 || !cs[0].At.Equal(at) || cs[0].At.Location() != time.UTC || !cs[1].At.Equal(got.At) {
		t.Errorf("recorded At = %+v", cs)
	}
}

func testSeqAndVersion(t *testing.T, s switchboard.Store) {
	if v := version(t, s); v != 0 {
		t.Fatalf("empty store Version = %d, want 0", v)
	}
	if st := load(t, s); st.Version != 0 || len(st.Directives)+len(st.Tenants)+len(st.Models)+len(st.Aliases) != 0 {
		t.Fatalf("empty store Load = %+v", st)
	}
	var last int64
	for i := range 10 {
		var ch switchboard.Change
		var err error
		switch i % 4 {
		case 0:
			ch, err = s.PutTenant(bg, &switchboard.Tenant{ID: fmt.Sprint("t", i)}, change("tenant.put", ""))
		case 1:
			ch, err = s.PutModel(bg, &switchboard.Model{ID: fmt.Sprint("m", i)}, change("model.put", ""))
		case 2:
			ch, err = s.PutAlias(bg, &switchboard.Alias{Name: fmt.Sprint("a", i), Targets: []string{"m1"}}, change("alias.put", ""))
		case 3:
			ch, err = s.PutDirective(bg, Directive(fmt.Sprint("d", i)), change("directive.create", ""))
		}
		if err != nil {
			t.Fatal(err)
		}
		if ch.Seq != last+1 {
			t.Fatalf("change %d Seq = %d, want %d", i, ch.Seq, last+1)
		}
		last = ch.Seq
		if v := version(t, s); v != last {
			t.Fatalf("Version = %d after change %d, want %d", v, ch.Seq, last)
		}
	}
	if st := load(t, s); st.Version != last {
		t.Fatalf("Load Version = %d, want %d", st.Version, last)
	}
}

func testChangesFilter(t *testing.T, s switchboard.Store) {
	for i := range 3 {
		mustPut(t)(s.PutTenant(bg, &switchboard.Tenant{ID: "a", Name: fmt.Sprint(i)}, change("tenant.put", "")))
		mustPut(t)(s.PutTenant(bg, &switchboard.Tenant{ID: "b", Name: fmt.Sprint(i)}, change("tenant.put", "")))
		mustPut(t)(s.PutModel(bg, &switchboard.Model{ID: "a", Vendor: fmt.Sprint(i)}, change("model.put", "")))
	}
	seqs := func(cs []switchboard.Change) []int64 {
		out := []int64{}
		for _, c := range cs {
			out = append(out, c.Seq)
		}
		return out
	}
	cases := []struct {
		f    switchboard.ChangeFilter
		want []int64
	}{
		{switchboard.ChangeFilter{}, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{switchboard.ChangeFilter{Kind: switchboard.KindTenant}, []int64{1, 2, 4, 5, 7, 8}},
		{switchboard.ChangeFilter{Kind: switchboard.KindModel}, []int64{3, 6, 9}},
		{switchboard.ChangeFilter{Kind: switchboard.KindAlias}, []int64{}},
		{switchboard.ChangeFilter{Kind: switchboard.KindTenant, ObjectID: "a"}, []int64{1, 4, 7}},
		{switchboard.ChangeFilter{ObjectID: "a"}, []int64{1, 3, 4, 6, 7, 9}},
		{switchboard.ChangeFilter{AfterSeq: 6}, []int64{7, 8, 9}},
		{switchboard.ChangeFilter{AfterSeq: 9}, []int64{}},
		{switchboard.ChangeFilter{Limit: 2}, []int64{1, 2}},
		{switchboard.ChangeFilter{AfterSeq: 2, Limit: 2}, []int64{3, 4}},
		{switchboard.ChangeFilter{Kind: switchboard.KindTenant, ObjectID: "b", AfterSeq: 2, Limit: 1}, []int64{5}},
	}
	for _, c := range cases {
		if got := seqs(changes(t, s, c.f)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Changes(%+v) seqs = %v, want %v", c.f, got, c.want)
		}
	}
	for _, c := range changes(t, s, switchboard.ChangeFilter{Kind: switchboard.KindModel}) {
		if c.Kind != switchboard.KindModel || c.ObjectID != "a" {
			t.Errorf("model filter returned %+v", c)
		}
	}
}

func testNotFound(t *testing.T, s switchboard.Store) {
	mustPut(t)(s.PutTenant(bg, &switchboard.Tenant{ID: "present"}, change("tenant.put", "")))
	v := version(t, s)
	_, err := s.Directive(bg, "no-such-directive")
	wantCode(t, "Directive(missing)", err, switchboard.ENOTFOUND)
	if !strings.Contains(err.Error(), "no-such-directive") {
		t.Errorf("Directive(missing) error %q does not name the id", err)
	}
	deletes := map[string]func(string) (switchboard.Change, error){
		"DeleteDirective": func(id string) (switchboard.Change, error) {
			return s.DeleteDirective(bg, id, change("directive.delete", ""))
		},
		"DeleteTenant": func(id string) (switchboard.Change, error) {
			return s.DeleteTenant(bg, id, change("tenant.delete", ""))
		},
		"DeleteModel": func(id string) (switchboard.Change, error) { return s.DeleteModel(bg, id, change("model.delete", "")) },
		"DeleteAlias": func(id string) (switchboard.Change, error) { return s.DeleteAlias(bg, id, change("alias.delete", "")) },
	}
	for name, del := range deletes {
		// "present" is a tenant: deleting it as another kind is still not found.
		for _, id := range []string{"missing-" + name, "present"} {
			if name == "DeleteTenant" && id == "present" {
				continue
			}
			_, err := del(id)
			wantCode(t, name+"("+id+")", err, switchboard.ENOTFOUND)
			if !strings.Contains(err.Error(), id) {
				t.Errorf("%s(%s) error %q does not name the object", name, id, err)
			}
		}
	}
	if got := version(t, s); got != v {
		t.Errorf("failed deletes changed Version from %d to %d", v, got)
	}
	if st := load(t, s); len(st.Tenants) != 1 {
		t.Errorf("tenants after failed deletes = %+v", st.Tenants)
	}
}

func testInvalid(t *testing.T, s switchboard.Store) {
	_, err := s.PutTenant(bg, &switchboard.Tenant{Name: "no id"}, change("tenant.put", ""))
	wantCode(t, "PutTenant without id", err, switchboard.EINVALID)
	_, err = s.PutAlias(bg, &switchboard.Alias{Targets: []string{"x"}}, change("alias.put", ""))
	wantCode(t, "PutAlias without name", err, switchboard.EINVALID)
	_, err = s.PutDirective(bg, nil, change("directive.create", ""))
	wantCode(t, "PutDirective(nil)", err, switchboard.EINVALID)
	if v := version(t, s); v != 0 {
		t.Errorf("invalid puts recorded changes: Version = %d", v)
	}
}

func testLoadOrder(t *testing.T, s switchboard.Store) {
	for _, id := range []string{"zeta", "alpha", "mid"} {
		mustPut(t)(s.PutTenant(bg, &switchboard.Tenant{ID: id}, change("tenant.put", "")))
		mustPut(t)(s.PutModel(bg, &switchboard.Model{ID: id}, change("model.put", "")))
		mustPut(t)(s.PutAlias(bg, &switchboard.Alias{Name: id}, change("alias.put", "")))
		mustPut(t)(s.PutDirective(bg, Directive(id), change("directive.create", "")))
	}
	// An update keeps an object's place.
	mustPut(t)(s.PutTenant(bg, &switchboard.Tenant{ID: "zeta", Name: "renamed"}, change("tenant.put", "")))
	mustPut(t)(s.PutModel(bg, &switchboard.Model{ID: "zeta", Vendor: "v"}, change("model.put", "")))
	mustPut(t)(s.PutAlias(bg, &switchboard.Alias{Name: "zeta", Title: "Z"}, change("alias.put", "")))
	d := Directive("zeta")
	d.Lifecycle = switchboard.LifecycleRescinded
	mustPut(t)(s.PutDirective(bg, d, change("directive.rescind", "")))
	// A deleted and recreated object goes to the end.
	mustPut(t)(s.DeleteTenant(bg, "alpha", change("tenant.delete", "")))
	mustPut(t)(s.PutTenant(bg, &switchboard.Tenant{ID: "alpha"}, change("tenant.put", "")))

	st := load(t, s)
	var got [4][]string
	for _, x := range st.Tenants {
		got[0] = append(got[0], x.ID)
	}
	for _, x := range st.Models {
		got[1] = append(got[1], x.ID)
	}
	for _, x := range st.Aliases {
		got[2] = append(got[2], x.Name)
	}
	for _, x := range st.Directives {
		got[3] = append(got[3], x.ID)
	}
	want := [4][]string{{"zeta", "mid", "alpha"}, {"zeta", "alpha", "mid"}, {"zeta", "alpha", "mid"}, {"zeta", "alpha", "mid"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load order (tenants, models, aliases, directives) = %v, want %v", got, want)
	}
	if st.Tenants[0].Name != "renamed" || st.Models[0].Vendor != "v" || st.Aliases[0].Title != "Z" || st.Directives[0].Lifecycle != switchboard.LifecycleRescinded {
		t.Errorf("updates not loaded: %+v", st)
	}
}

func testSeeds(t *testing.T, s switchboard.Store) {
	h, err := s.Seeded(bg, switchboard.KindDirective, "eop")
	if err != nil || h != "" {
		t.Fatalf("Seeded(unseeded) = %q, %v; want \"\", nil", h, err)
	}
	if err := s.SetSeeded(bg, switchboard.KindDirective, "eop", "sha256:aa"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSeeded(bg, switchboard.KindTenant, "eop", "sha256:bb"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSeeded(bg, switchboard.KindDirective, "eop", "sha256:cc"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ kind, id, want string }{
		{switchboard.KindDirective, "eop", "sha256:cc"},
		{switchboard.KindTenant, "eop", "sha256:bb"},
		{switchboard.KindModel, "eop", ""},
		{switchboard.KindDirective, "other", ""},
	} {
		if h, err := s.Seeded(bg, c.kind, c.id); err != nil || h != c.want {
			t.Errorf("Seeded(%s, %s) = %q, %v; want %q", c.kind, c.id, h, err, c.want)
		}
	}
}

// checkFold asserts the state is exactly what the recorded changes say:
// every object's body is its latest change's After, objects whose latest
// change is a deletion (or that have no change) are absent, and the
// versions agree, as of Load's version. It catches an object written without its change and a
// change recorded without its write.
func checkFold(t *testing.T, s switchboard.Store) {
	t.Helper()
	st := load(t, s)
	cs := changes(t, s, switchboard.ChangeFilter{})
	last := map[string]json.RawMessage{}
	var maxSeq int64
	for _, c := range cs {
		if c.Seq > st.Version {
			// Committed after Load's snapshot (a cancelled commit can
			// still land after the store returned).
			break
		}
		if c.Seq <= maxSeq {
			t.Fatalf("Changes not in rising Seq order at %d", c.Seq)
		}
		maxSeq = c.Seq
		last[c.Kind+"/"+c.ObjectID] = c.After
	}
	if st.Version != maxSeq {
		t.Errorf("Load Version = %d, latest change Seq = %d", st.Version, maxSeq)
	}
	seen := map[string]bool{}
	check := func(kind, id string, v any) {
		k := kind + "/" + id
		seen[k] = true
		if after, ok := last[k]; !ok || !jsonEqual(after, mustJSON(t, v)) {
			t.Errorf("%s is %s in the state but its latest change has After %s (recorded: %v)", k, mustJSON(t, v), after, ok)
		}
	}
	for _, x := range st.Directives {
		check(switchboard.KindDirective, x.ID, x)
	}
	for _, x := range st.Tenants {
		check(switchboard.KindTenant, x.ID, x)
	}
	for _, x := range st.Models {
		check(switchboard.KindModel, x.ID, x)
	}
	for _, x := range st.Aliases {
		check(switchboard.KindAlias, x.Name, x)
	}
	for k, after := range last {
		if !seen[k] && len(after) > 0 && string(after) != "null" {
			t.Errorf("%s has a recorded creation or update but is not in the state", k)
		}
	}
}

func testConcurrentWriters(t *testing.T, s switchboard.Store) {
	const writers, each = 20, 10
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		seqs  = map[int64]string{}
		errs  []error
		done  atomic.Bool
		loads atomic.Int64
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("w%02d-%02d", w, i)
				ch, err := s.PutTenant(bg, &switchboard.Tenant{ID: id, Name: id}, change("tenant.put", ""))
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", id, err))
				} else if prev, dup := seqs[ch.Seq]; dup {
					errs = append(errs, fmt.Errorf("%s and %s both got Seq %d", prev, id, ch.Seq))
				} else {
					seqs[ch.Seq] = id
				}
				mu.Unlock()
			}
		}()
	}
	// Readers meanwhile: every write creates one tenant, so a consistent
	// Load has exactly Version tenants.
	var rg sync.WaitGroup
	for range 2 {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for !done.Load() {
				st, err := s.Load(bg)
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("load: %w", err))
				} else if int64(len(st.Tenants)) != st.Version {
					errs = append(errs, fmt.Errorf("load at version %d has %d tenants", st.Version, len(st.Tenants)))
				}
				mu.Unlock()
				loads.Add(1)
			}
		}()
	}
	wg.Wait()
	done.Store(true)
	rg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	if len(seqs) != writers*each {
		t.Fatalf("%d distinct seqs, want %d", len(seqs), writers*each)
	}
	cs := changes(t, s, switchboard.ChangeFilter{})
	if len(cs) != writers*each {
		t.Fatalf("%d changes recorded, want %d", len(cs), writers*each)
	}
	for _, c := range cs {
		if seqs[c.Seq] != c.ObjectID {
			t.Errorf("change %d is for %q, the writer was told %q", c.Seq, c.ObjectID, seqs[c.Seq])
		}
	}
	if v := version(t, s); v != cs[len(cs)-1].Seq {
		t.Errorf("Version = %d, latest change %d", v, cs[len(cs)-1].Seq)
	}
	if st := load(t, s); len(st.Tenants) != writers*each {
		t.Errorf("%d tenants loaded, want %d", len(st.Tenants), writers*each)
	}
	checkFold(t, s)
	t.Logf("%d loads ran during the writes", loads.Load())
}

func testUnmarshallableWrite(t *testing.T, s switchboard.Store) {
	mustPut(t)(s.PutDirective(bg, Directive("ok"), change("directive.create", "")))
	bad := Directive("ok")
	bad.IssuedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) // JSON cannot hold year 10000
	_, err := s.PutDirective(bg, bad, change("directive.issue", ""))
	wantCode(t, "PutDirective(unmarshallable)", err, switchboard.EINVALID)
	bad.ID = "new"
	_, err = s.PutDirective(bg, bad, change("directive.create", ""))
	wantCode(t, "PutDirective(unmarshallable, new)", err, switchboard.EINVALID)
	if v := version(t, s); v != 1 {
		t.Errorf("Version = %d after failed writes, want 1", v)
	}
	got, err := s.Directive(bg, "ok")
	if err != nil || !reflect.DeepEqual(utc(*got), utc(*Directive("ok"))) {
		t.Errorf("directive changed by a failed write: %+v, %v", got, err)
	}
	_, err = s.Directive(bg, "new")
	wantCode(t, "Directive(new)", err, switchboard.ENOTFOUND)
	checkFold(t, s)
}

// countdown is a context that cancels itself on the nth call to Done or
// Err, so a write is cancelled at every point at which the store looks.
type countdown struct {
	context.Context
	cancel context.CancelFunc
	n      atomic.Int64
}

func newCountdown(n int64) *countdown {
	ctx, cancel := context.WithCancel(context.Background())
	c := &countdown{Context: ctx, cancel: cancel}
	c.n.Store(n)
	return c
}

func (c *countdown) tick() {
	if c.n.Add(-1) == 0 {
		c.cancel()
	}
}

func (c *countdown) Done() <-chan struct{} { c.tick(); return c.Context.Done() }
func (c *countdown) Err() error            { c.tick(); return c.Context.Err() }

func testCancelledWrites(t *testing.T, s switchboard.Store) {
	mustPut(t)(s.PutTenant(bg, &switchboard.Tenant{ID: "upd", Name: "v0"}, change("tenant.put", "")))
	mustPut(t)(s.PutModel(bg, &switchboard.Model{ID: "del"}, change("model.put", "")))
	writes := []struct {
		name string
		fn   func(ctx context.Context, k int64) error
	}{
		{"create", func(ctx context.Context, k int64) error {
			_, err := s.PutDirective(ctx, Directive(fmt.Sprint("c", k)), change("directive.create", ""))
			return err
		}},
		{"update", func(ctx context.Context, k int64) error {
			_, err := s.PutTenant(ctx, &switchboard.Tenant{ID: "upd", Name: fmt.Sprint("v", k)}, change("tenant.put", ""))
			return err
		}},
		{"delete", func(ctx context.Context, k int64) error {
			_, err := s.DeleteModel(ctx, "del", change("model.delete", ""))
			return err
		}},
	}
	for _, w := range writes {
		failed := 0
		succeeded := false
		for k := int64(1); k <= 1000 && !succeeded; k++ {
			ctx := newCountdown(k)
			err := w.fn(ctx, k)
			ctx.cancel()
			switch {
			case err == nil:
				succeeded = true
			case w.name == "delete" && switchboard.ErrorCode(err) == switchboard.ENOTFOUND:
				// A cancelled commit may have reached the database and
				// applied before the store saw the cancellation (checkFold
				// above found the state and its changes agree).
				for _, m := range load(t, s).Models {
					if m.ID == "del" {
						t.Fatalf("delete says not found but the model is still there")
					}
				}
				succeeded = true
			default:
				failed++
			}
			checkFold(t, s)
			if t.Failed() {
				t.Fatalf("%s cancelled at look %d (err %v) left the state inconsistent", w.name, k, err)
			}
		}
		t.Logf("%s: %d cancelled attempts failed before one succeeded", w.name, failed)
		if failed == 0 || !succeeded {
			t.Errorf("%s: %d cancelled attempts failed, succeeded = %v; want some failures then a success", w.name, failed, succeeded)
		}
	}
	// The store is still usable: no lock or connection was left behind.
	ctx, cancel := context.WithTimeout(bg, 30*time.Second)
	defer cancel()
	if _, err := s.PutTenant(ctx, &switchboard.Tenant{ID: "after"}, change("tenant.put", "")); err != nil {
		t.Fatalf("write after cancelled writes: %v", err)
	}
	checkFold(t, s)
}
