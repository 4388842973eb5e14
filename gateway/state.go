package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/postgres"
	"github.com/switchboard-gov/switchboard/proxy"
	"github.com/switchboard-gov/switchboard/sqlite"
)

// openStore opens the store the configuration names.
func openStore(ctx context.Context, url string) (switchboard.Store, error) {
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		return sqlite.Open(ctx, strings.TrimPrefix(url, "sqlite:"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return postgres.Open(ctx, url)
	}
	return nil, switchboard.Errorf(switchboard.EINVALID, "store %q is neither sqlite:PATH nor a postgres:// URL", url)
}

// seedRemoved marks an object that the file once seeded and no longer has.
const seedRemoved = "removed"

// op is one write of a seeding plan.
type op struct {
	kind, id string
	hash     string // the seed hash to record after the write
	apply    func(st *switchboard.State)
	write    func(ctx context.Context, s switchboard.Store, ch switchboard.Change) error
}

// seed bootstraps the store from the configuration file. An object is
// written when the file's version differs from the version last seeded, so
// a file edit is applied once and an admin change made since is not undone
// by every restart. An object the file seeded and no longer has is deleted
// (a directive is rescinded instead: its record stays as evidence). The
// whole plan is validated against the store's current state first, so a
// file that conflicts with admin changes is refused before anything is
// written.
func seed(ctx context.Context, s switchboard.Store, cfg *config.Config, static admin.StaticState, now time.Time) error {
	st, err := s.Load(ctx)
	if err != nil {
		return err
	}
	var plan []op
	hashOf := func(v any) (string, error) {
		b, err := json.Marshal(v)
		if err != nil {
			return "", err
		}
		sum := sha256.Sum256(b)
		return hex.EncodeToString(sum[:]), nil
	}
	changed := func(kind, id string, v any) (string, bool, error) {
		h, err := hashOf(v)
		if err != nil {
			return "", false, err
		}
		old, err := s.Seeded(ctx, kind, id)
		return h, err == nil && old != h, err
	}
	tree, err := switchboard.NewTenantTree(cfg.TenantList())
	if err != nil {
		return err
	}
	for _, id := range topDown(tree) {
		t := cfg.Tenants[id]
		h, ok, err := changed(switchboard.KindTenant, id, t)
		if err != nil {
			return err
		}
		if ok {
			plan = append(plan, op{switchboard.KindTenant, id, h,
				func(st *switchboard.State) {
					st.Tenants = upsert(st.Tenants, t, func(x switchboard.Tenant) bool { return x.ID == t.ID })
				},
				func(ctx context.Context, s switchboard.Store, ch switchboard.Change) error {
					_, err := s.PutTenant(ctx, &t, ch)
					return err
				}})
		}
	}
	for _, m := range cfg.ModelList() {
		h, ok, err := changed(switchboard.KindModel, m.ID, m)
		if err != nil {
			return err
		}
		if ok {
			plan = append(plan, op{switchboard.KindModel, m.ID, h,
				func(st *switchboard.State) {
					st.Models = upsert(st.Models, m, func(x switchboard.Model) bool { return x.ID == m.ID })
				},
				func(ctx context.Context, s switchboard.Store, ch switchboard.Change) error {
					_, err := s.PutModel(ctx, &m, ch)
					return err
				}})
		}
	}
	for _, a := range cfg.AliasList() {
		h, ok, err := changed(switchboard.KindAlias, a.Name, a)
		if err != nil {
			return err
		}
		if ok {
			plan = append(plan, op{switchboard.KindAlias, a.Name, h,
				func(st *switchboard.State) {
					st.Aliases = upsert(st.Aliases, a, func(x switchboard.Alias) bool { return x.Name == a.Name })
				},
				func(ctx context.Context, s switchboard.Store, ch switchboard.Change) error {
					_, err := s.PutAlias(ctx, &a, ch)
					return err
				}})
		}
	}
	inFile := map[string]bool{}
	for i := range cfg.Directives {
		d := cfg.Directives[i]
		inFile[d.ID] = true
		h, ok, err := changed(switchboard.KindDirective, d.ID, d)
		if err != nil {
			return err
		}
		if ok {
			plan = append(plan, op{switchboard.KindDirective, d.ID, h,
				func(st *switchboard.State) {
					st.Directives = upsert(st.Directives, d, func(x switchboard.Directive) bool { return x.ID == d.ID })
				},
				func(ctx context.Context, s switchboard.Store, ch switchboard.Change) error {
					_, err := s.PutDirective(ctx, &d, ch)
					return err
				}})
		}
	}
	// What the file seeded before and has dropped.
	for _, d := range st.Directives {
		if inFile[d.ID] || d.Lifecycle == switchboard.LifecycleRescinded {
			continue
		}
		if old, err := s.Seeded(ctx, switchboard.KindDirective, d.ID); err != nil {
			return err
		} else if old == "" || old == seedRemoved {
			continue
		}
		r := d
		r.History = append(append([]switchboard.Transition(nil), d.History...), switchboard.Transition{
			At: now, From: lifecycleOf(d), To: switchboard.LifecycleRescinded, By: "config", Reason: "removed from the configuration file"})
		r.Lifecycle = switchboard.LifecycleRescinded
		plan = append(plan, op{switchboard.KindDirective, d.ID, seedRemoved,
			func(st *switchboard.State) {
				st.Directives = upsert(st.Directives, r, func(x switchboard.Directive) bool { return x.ID == r.ID })
			},
			func(ctx context.Context, s switchboard.Store, ch switchboard.Change) error {
				ch.Action = "directive.rescind"
				_, err := s.PutDirective(ctx, &r, ch)
				return err
			}})
	}
	dropped := func(kind, id string, inCfg bool, remove func(st *switchboard.State), del func(ctx context.Context, s switchboard.Store, ch switchboard.Change) error) error {
		if inCfg {
			return nil
		}
		old, err := s.Seeded(ctx, kind, id)
		if err != nil || old == "" || old == seedRemoved {
			return err
		}
		plan = append(plan, op{kind, id, seedRemoved, remove, del})
		return nil
	}
	for _, a := range st.Aliases {
		_, in := cfg.Aliases[a.Name]
		if err := dropped(switchboard.KindAlias, a.Name, in,
			func(st *switchboard.State) {
				st.Aliases = remove(st.Aliases, func(x switchboard.Alias) bool { return x.Name == a.Name })
			},
			func(ctx context.Context, s switchboard.Store, ch switchboard.Change) error {
				_, err := s.DeleteAlias(ctx, a.Name, ch)
				return err
			}); err != nil {
			return err
		}
	}
	for _, m := range st.Models {
		_, in := cfg.Models[m.ID]
		if err := dropped(switchboard.KindModel, m.ID, in,
			func(st *switchboard.State) {
				st.Models = remove(st.Models, func(x switchboard.Model) bool { return x.ID == m.ID })
			},
			func(ctx context.Context, s switchboard.Store, ch switchboard.Change) error {
				_, err := s.DeleteModel(ctx, m.ID, ch)
				return err
			}); err != nil {
			return err
		}
	}
	for i := len(st.Tenants) - 1; i >= 0; i-- { // children were created after parents
		t := st.Tenants[i]
		_, in := cfg.Tenants[t.ID]
		if err := dropped(switchboard.KindTenant, t.ID, in,
			func(st *switchboard.State) {
				st.Tenants = remove(st.Tenants, func(x switchboard.Tenant) bool { return x.ID == t.ID })
			},
			func(ctx context.Context, s switchboard.Store, ch switchboard.Change) error {
				_, err := s.DeleteTenant(ctx, t.ID, ch)
				return err
			}); err != nil {
			return err
		}
	}
	if len(plan) == 0 {
		return nil
	}
	next := *st
	for _, o := range plan {
		o.apply(&next)
	}
	built, err := admin.Build(&next, static)
	if err != nil {
		return fmt.Errorf("the configuration file conflicts with the managed state (changed through the admin API): %w", err)
	}
	// Everything refresh will build from this state must build, before any
	// of it is written: a refused file leaves the store as it was.
	if _, err := guardrails(cfg, built.Tree, next.Directives, built.Catalog); err != nil {
		return err
	}
	if err := cfg.Limits.Validate(); err != nil {
		return err
	}
	for _, o := range plan {
		ch := switchboard.Change{At: now, Actor: "config", Action: o.kind + ".seed", Reason: "from the configuration file"}
		if o.hash == seedRemoved {
			ch.Action, ch.Reason = o.kind+".delete", "removed from the configuration file"
		}
		if err := o.write(ctx, s, ch); err != nil {
			return fmt.Errorf("seeding %s %s: %w", o.kind, o.id, err)
		}
		if err := s.SetSeeded(ctx, o.kind, o.id, o.hash); err != nil {
			return err
		}
	}
	return nil
}

func lifecycleOf(d switchboard.Directive) string {
	if d.Lifecycle == "" {
		return switchboard.LifecycleIssued
	}
	return d.Lifecycle
}

// upsert replaces the element matching is, or appends v.
func upsert[T any](xs []T, v T, is func(T) bool) []T {
	out := append([]T(nil), xs...)
	for i := range out {
		if is(out[i]) {
			out[i] = v
			return out
		}
	}
	return append(out, v)
}

// remove drops the elements matching is.
func remove[T any](xs []T, is func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if !is(x) {
			out = append(out, x)
		}
	}
	return out
}

// topDown lists tenants parents first.
func topDown(t *switchboard.TenantTree) []string {
	var out []string
	var walk func(id string)
	walk = func(id string) {
		out = append(out, id)
		for _, c := range t.Children(id) {
			walk(c)
		}
	}
	for _, r := range t.Roots() {
		walk(r)
	}
	return out
}

// static is what the configuration file contributes that the store does
// not hold: providers, vendors, keys and adoption.
func (g *Gateway) static(cfg *config.Config) admin.StaticState {
	providers := cfg.ProviderList()
	if g.opts.Simulated {
		for i := range providers {
			providers[i].Simulated = true
		}
	}
	keys := make([]switchboard.Principal, 0, len(cfg.Keys))
	for _, k := range cfg.Keys {
		h := switchboard.HashKey(k.Key)
		keys = append(keys, switchboard.Principal{KeyID: h.KeyID(), Name: k.Name, Tenant: k.Tenant, Role: k.Role})
	}
	return admin.StaticState{Providers: providers, Vendors: cfg.VendorList(), Keys: keys, Adopted: cfg.Adoption}
}

// refresh loads the managed state from the store, merges it with the
// file's static part, and swaps in the routing snapshot: the next request
// sees it. An invalid combination is refused and the running snapshot
// stays.
func (g *Gateway) refresh(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	st, err := g.store.Load(ctx)
	if err != nil {
		return err
	}
	static := g.static(g.cfg)
	built, err := admin.Build(st, static)
	if err != nil {
		return err
	}
	keys := make(map[switchboard.KeyHash]switchboard.Principal, len(g.cfg.Keys))
	for _, k := range g.cfg.Keys {
		h := switchboard.HashKey(k.Key)
		keys[h] = switchboard.Principal{KeyID: h.KeyID(), Name: k.Name, Tenant: k.Tenant, Role: k.Role}
	}
	// Managed keys (admin API, switchboard key) join the file's; a key in
	// the file wins a clash. Revoked and expired keys are left out.
	if ks, ok := g.store.(switchboard.KeyStore); ok {
		managed, err := ks.Keys(ctx)
		if err != nil {
			return err
		}
		for _, e := range switchboard.KeyEntries(managed, built.Tree, g.opts.Now()) {
			if _, taken := keys[e.Hash]; !taken {
				p := e.Principal
				p.Expires, p.Models = e.Expires, e.Models
				keys[e.Hash] = p
			}
		}
	}
	gr, err := guardrails(g.cfg, built.Tree, st.Directives, built.Catalog)
	if err != nil {
		return err
	}
	if g.limiter != nil {
		if err := g.limiter.SetConfig(g.cfg.Limits); err != nil {
			return err
		}
	}
	g.proxy.Swap(&proxy.Snapshot{Catalog: built.Catalog, Vendors: g.cfg.Vendors, Keys: keys, Tenants: built.Tree,
		Router: policyRouter{built.Snapshot}, Guard: gr, Prices: g.cfg.Prices})
	g.version = st.Version
	if g.sm != nil {
		g.sm.version.Set(float64(st.Version))
	}
	return nil
}
