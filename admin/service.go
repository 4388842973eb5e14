// Package admin is the admin JSON API: it reads and changes the managed
// state (directives, tenants, models, aliases) through a switchboard.Store,
// validates every change against the whole resulting state before writing
// it, records who, when and why, and tells the gateway to rebuild its
// routing snapshot so the next request sees the change.
package admin

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/policy"
	"github.com/switchboard-gov/switchboard/route"
)

// StaticState is what the configuration file contributes that the store
// does not hold. The service needs it to validate a change against the
// whole state a request would see.
type StaticState struct {
	// Providers are the upstream endpoints; a model must name one.
	Providers []switchboard.Provider
	// Vendors are the companies behind models; a model and a directive's
	// subject must name one.
	Vendors []switchboard.Vendor
	// Keys are the configured keys (id, name, tenant, role); a tenant a
	// key belongs to cannot be deleted.
	Keys []switchboard.Principal
	// Adopted maps a vendor id to the tenants that have used it, as given
	// to policy.Input.
	Adopted map[string][]string
}

// Service performs admin operations. Store and Now are required; the hooks
// may be nil. Mutations are serialised within one Service, so two admins
// cannot both validate against the same state and write conflicting
// changes.
type Service struct {
	Store switchboard.Store
	// Now is the clock (real, or simulated under serve --at).
	Now func() time.Time
	// Static returns what the configuration file contributes; nil means
	// nothing (no providers, so no model can be added).
	Static func() StaticState
	// Changed is called after every successful write, so the gateway
	// rebuilds its routing snapshot before the next request.
	Changed func(ctx context.Context) error
	// Traffic returns recent traffic per tenant and requested model since
	// an instant, for what-if. Nil means no traffic record yet: what-if
	// then evaluates every tenant against every model and alias of the
	// catalog, with a count of 0, and says so.
	Traffic func(ctx context.Context, since time.Time) ([]policy.TrafficSample, error)

	mu sync.Mutex
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

func (s *Service) static() StaticState {
	if s.Static == nil {
		return StaticState{}
	}
	return s.Static()
}

// actor names the principal in the change log: "key_1a2b3c4d (ops)".
func actor(p *switchboard.Principal) string {
	if p == nil {
		return "unknown"
	}
	if p.Name == "" {
		return p.KeyID
	}
	return p.KeyID + " (" + p.Name + ")"
}

// mustAdmin refuses a mutation by anyone but a platform admin. The HTTP
// handler checks too; this keeps the Service safe to call directly.
func mustAdmin(p *switchboard.Principal) error {
	if p == nil {
		return &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "a key with role admin is required"}
	}
	if p.Role != switchboard.RolePlatformAdmin {
		return &switchboard.Error{Code: switchboard.EFORBIDDEN,
			Message: "changing policy needs a key with role admin; this key (" + actor(p) + ") has role " + quoteRole(p.Role)}
	}
	return nil
}

func quoteRole(r string) string {
	if r == "" {
		return `""`
	}
	return r
}

// Built is a validated state with the snapshot built from it.
type Built struct {
	State    *switchboard.State
	Static   StaticState
	Tree     *switchboard.TenantTree
	Catalog  *route.Catalog
	Snapshot *policy.Snapshot
}

// Build validates a whole state against the static configuration and
// builds the policy snapshot for it: the tenant tree (no cycle, no unknown
// parent), every model (known provider and vendor), every alias (known
// targets; like config validation, a model's vendor is checked only when
// vendors are configured), every directive (policy.NewSnapshot) and every replacement
// (policy.ValidateReplacements). The error is an EINVALID
// *switchboard.Error naming the field at fault.
func Build(st *switchboard.State, static StaticState) (*Built, error) {
	tree, err := switchboard.NewTenantTree(st.Tenants)
	if err != nil {
		return nil, err
	}
	providers := map[string]bool{}
	for _, p := range static.Providers {
		providers[p.Name] = true
	}
	vendors := map[string]bool{}
	for _, v := range static.Vendors {
		vendors[v.ID] = true
	}
	models := map[string]bool{}
	for _, m := range st.Models {
		f := "models[" + m.ID + "]"
		switch {
		case m.ID == "":
			return nil, invalid("models[?].id", "missing")
		case models[m.ID]:
			return nil, invalid(f+".id", "duplicate model id")
		case m.Provider == "":
			return nil, invalid(f+".provider", "missing")
		case !providers[m.Provider]:
			return nil, invalid(f+".provider", "unknown provider "+q(m.Provider)+known(providerNames(static.Providers)))
		case m.Vendor == "":
			return nil, invalid(f+".vendor", "missing: every model belongs to a vendor (directives act on vendors)")
		case len(vendors) > 0 && !vendors[m.Vendor]:
			return nil, invalid(f+".vendor", "unknown vendor "+q(m.Vendor)+known(vendorIDs(static.Vendors)))
		}
		models[m.ID] = true
	}
	aliases := map[string]bool{}
	for _, a := range st.Aliases {
		f := "aliases[" + a.Name + "]"
		switch {
		case a.Name == "":
			return nil, invalid("aliases[?].name", "missing")
		case aliases[a.Name]:
			return nil, invalid(f+".name", "duplicate alias")
		case models[a.Name]:
			return nil, invalid(f+".name", "an alias cannot have the name of a model")
		case len(a.Targets) == 0:
			return nil, invalid(f+".targets", "an alias needs at least one target model")
		}
		for i, t := range a.Targets {
			if !models[t] {
				return nil, invalid(f+".targets["+itoa(i)+"]", "unknown model "+q(t))
			}
		}
		aliases[a.Name] = true
	}
	cat := route.NewCatalog(static.Providers, st.Models, st.Aliases)
	snap, err := policy.NewSnapshot(policy.Input{
		Tenants:    tree,
		Vendors:    static.Vendors,
		Catalog:    cat,
		Directives: st.Directives,
		Adopted:    static.Adopted,
	})
	if err != nil {
		return nil, err
	}
	if err := policy.ValidateReplacements(snap); err != nil {
		return nil, err
	}
	return &Built{State: st, Static: static, Tree: tree, Catalog: cat, Snapshot: snap}, nil
}

// Snapshot loads the current state and builds its policy snapshot.
func (s *Service) Snapshot(ctx context.Context) (*Built, error) {
	st, err := s.Store.Load(ctx)
	if err != nil {
		return nil, err
	}
	return Build(st, s.static())
}

// write is the one path every mutation takes: load the state, let change
// edit a copy and perform the store write through put, after the whole
// resulting state validated. Nothing is written when change or validation
// fails.
func (s *Service) write(ctx context.Context, change func(st *switchboard.State) (func(ctx context.Context) (switchboard.Change, error), error)) (switchboard.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.Store.Load(ctx)
	if err != nil {
		return switchboard.Change{}, err
	}
	next := cloneState(st)
	put, err := change(next)
	if err != nil {
		return switchboard.Change{}, err
	}
	if _, err := Build(next, s.static()); err != nil {
		return switchboard.Change{}, err
	}
	ch, err := put(ctx)
	if err != nil {
		return switchboard.Change{}, err
	}
	if s.Changed != nil {
		if err := s.Changed(ctx); err != nil {
			return ch, &switchboard.Error{Code: switchboard.EINTERNAL,
				Message: "the change was saved (seq " + itoa(int(ch.Seq)) + ") but the gateway could not apply it; it applies on the next reload",
				Cause:   err}
		}
	}
	return ch, nil
}

func (s *Service) change(p *switchboard.Principal, action, kind, id, reason string) switchboard.Change {
	return switchboard.Change{At: s.now(), Actor: actor(p), Action: action, Kind: kind, ObjectID: id, Reason: strings.TrimSpace(reason)}
}

// Changes lists the change log, oldest first.
func (s *Service) Changes(ctx context.Context, f switchboard.ChangeFilter) ([]switchboard.Change, error) {
	return s.Store.Changes(ctx, f)
}

func cloneState(st *switchboard.State) *switchboard.State {
	out := &switchboard.State{Version: st.Version}
	out.Directives = make([]switchboard.Directive, len(st.Directives))
	for i := range st.Directives {
		out.Directives[i] = cloneDirective(st.Directives[i])
	}
	out.Tenants = append([]switchboard.Tenant(nil), st.Tenants...)
	out.Models = append([]switchboard.Model(nil), st.Models...)
	out.Aliases = make([]switchboard.Alias, len(st.Aliases))
	for i, a := range st.Aliases {
		a.Targets = append([]string(nil), a.Targets...)
		out.Aliases[i] = a
	}
	return out
}

func cloneDirective(d switchboard.Directive) switchboard.Directive {
	d.Bases = append([]switchboard.LegalBasis(nil), d.Bases...)
	for j := range d.Bases {
		d.Bases[j].History = append([]switchboard.BasisChange(nil), d.Bases[j].History...)
	}
	d.Scopes = append([]switchboard.Scope(nil), d.Scopes...)
	d.Waivers = append([]switchboard.Waiver(nil), d.Waivers...)
	d.History = append([]switchboard.Transition(nil), d.History...)
	if d.Replacements != nil {
		r := make(map[string]string, len(d.Replacements))
		for k, v := range d.Replacements {
			r[k] = v
		}
		d.Replacements = r
	}
	return d
}

func invalid(field, problem string) *switchboard.Error {
	return &switchboard.Error{Code: switchboard.EINVALID, Param: field, Message: field + ": " + problem}
}

func conflict(field, msg string) *switchboard.Error {
	return &switchboard.Error{Code: switchboard.ECONFLICT, Param: field, Message: msg}
}

func notFound(kind, id string) *switchboard.Error {
	return &switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no " + kind + " " + q(id)}
}

func q(s string) string { return `"` + s + `"` }

func itoa(i int) string { return strconv.Itoa(i) }

func known(names []string) string {
	if len(names) == 0 {
		return " (none are configured)"
	}
	return " (known: " + strings.Join(names, ", ") + ")"
}

func providerNames(ps []switchboard.Provider) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func vendorIDs(vs []switchboard.Vendor) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.ID
	}
	return out
}
