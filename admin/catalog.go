package admin

import (
	"context"
	"sort"
	"strings"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Tenants lists the agency hierarchy.
func (s *Service) Tenants(ctx context.Context) ([]switchboard.Tenant, error) {
	st, err := s.Store.Load(ctx)
	if err != nil {
		return nil, err
	}
	return st.Tenants, nil
}

// PutTenant adds or replaces a tenant. The whole tree is checked: an
// unknown parent or a cycle is refused with the field named.
func (s *Service) PutTenant(ctx context.Context, p *switchboard.Principal, t switchboard.Tenant, reason string) (switchboard.Change, error) {
	if err := mustAdmin(p); err != nil {
		return switchboard.Change{}, err
	}
	t.ID = strings.TrimSpace(t.ID)
	if t.ID == "" {
		return switchboard.Change{}, invalid("tenant.id", "missing")
	}
	if t.Name == "" {
		t.Name = t.ID
	}
	return s.write(ctx, func(st *switchboard.State) (func(context.Context) (switchboard.Change, error), error) {
		replaced := false
		for i := range st.Tenants {
			if st.Tenants[i].ID == t.ID {
				st.Tenants[i], replaced = t, true
			}
		}
		if !replaced {
			st.Tenants = append(st.Tenants, t)
		}
		c := s.change(p, "tenant.put", switchboard.KindTenant, t.ID, reason)
		return func(ctx context.Context) (switchboard.Change, error) { return s.Store.PutTenant(ctx, &t, c) }, nil
	})
}

// DeleteTenant removes a tenant that nothing references: no child tenant,
// no directive scope or waiver, no key (ECONFLICT naming what does).
func (s *Service) DeleteTenant(ctx context.Context, p *switchboard.Principal, id, reason string) (switchboard.Change, error) {
	if err := mustAdmin(p); err != nil {
		return switchboard.Change{}, err
	}
	static := s.static()
	return s.write(ctx, func(st *switchboard.State) (func(context.Context) (switchboard.Change, error), error) {
		at := -1
		var refs []string
		for i, t := range st.Tenants {
			if t.ID == id {
				at = i
			}
			if t.Parent == id {
				refs = append(refs, "tenant "+q(t.ID)+" (child)")
			}
		}
		if at < 0 {
			return nil, notFound("tenant", id)
		}
		for _, d := range st.Directives {
			if directiveNamesTenant(d, id) {
				refs = append(refs, "directive "+q(d.ID))
			}
		}
		for _, k := range static.Keys {
			if k.Tenant == id {
				refs = append(refs, "key "+q(actor(&k)))
			}
		}
		if ks, ok := s.Store.(switchboard.KeyStore); ok {
			managed, err := ks.Keys(ctx)
			if err != nil {
				return nil, err
			}
			for _, k := range managed {
				if k.Tenant == id && k.RevokedAt.IsZero() {
					refs = append(refs, "managed key "+q(k.ID+" ("+k.Name+")"))
				}
			}
		}
		if len(refs) > 0 {
			return nil, conflict("id", "tenant "+q(id)+" is still referenced by "+strings.Join(refs, ", ")+"; change those first")
		}
		st.Tenants = append(st.Tenants[:at], st.Tenants[at+1:]...)
		c := s.change(p, "tenant.delete", switchboard.KindTenant, id, reason)
		return func(ctx context.Context) (switchboard.Change, error) { return s.Store.DeleteTenant(ctx, id, c) }, nil
	})
}

func directiveNamesTenant(d switchboard.Directive, id string) bool {
	for _, sc := range d.Scopes {
		for _, t := range sc.Tenants {
			if t == id {
				return true
			}
		}
		for _, t := range sc.Except {
			if t == id {
				return true
			}
		}
	}
	for _, w := range d.Waivers {
		if w.Tenant == id {
			return true
		}
	}
	return false
}

// Models lists the model catalog.
func (s *Service) Models(ctx context.Context) ([]switchboard.Model, error) {
	st, err := s.Store.Load(ctx)
	if err != nil {
		return nil, err
	}
	return st.Models, nil
}

// PutModel adds or replaces a model; its provider and vendor must be
// configured.
func (s *Service) PutModel(ctx context.Context, p *switchboard.Principal, m switchboard.Model, reason string) (switchboard.Change, error) {
	if err := mustAdmin(p); err != nil {
		return switchboard.Change{}, err
	}
	m.ID = strings.TrimSpace(m.ID)
	if m.ID == "" {
		return switchboard.Change{}, invalid("model.id", "missing")
	}
	if m.Upstream == "" {
		m.Upstream = m.ID
	}
	return s.write(ctx, func(st *switchboard.State) (func(context.Context) (switchboard.Change, error), error) {
		replaced := false
		for i := range st.Models {
			if st.Models[i].ID == m.ID {
				st.Models[i], replaced = m, true
			}
		}
		if !replaced {
			st.Models = append(st.Models, m)
		}
		c := s.change(p, "model.put", switchboard.KindModel, m.ID, reason)
		return func(ctx context.Context) (switchboard.Change, error) { return s.Store.PutModel(ctx, &m, c) }, nil
	})
}

// DeleteModel removes a model no alias targets and no directive names as a
// replacement (ECONFLICT naming what does).
func (s *Service) DeleteModel(ctx context.Context, p *switchboard.Principal, id, reason string) (switchboard.Change, error) {
	if err := mustAdmin(p); err != nil {
		return switchboard.Change{}, err
	}
	return s.write(ctx, func(st *switchboard.State) (func(context.Context) (switchboard.Change, error), error) {
		at := -1
		for i := range st.Models {
			if st.Models[i].ID == id {
				at = i
			}
		}
		if at < 0 {
			return nil, notFound("model", id)
		}
		var refs []string
		for _, a := range st.Aliases {
			for _, t := range a.Targets {
				if t == id {
					refs = append(refs, "alias "+q(a.Name))
					break
				}
			}
		}
		refs = append(refs, replacementRefs(st, id)...)
		if len(refs) > 0 {
			return nil, conflict("id", "model "+q(id)+" is still referenced by "+strings.Join(refs, ", ")+"; change those first")
		}
		st.Models = append(st.Models[:at], st.Models[at+1:]...)
		c := s.change(p, "model.delete", switchboard.KindModel, id, reason)
		return func(ctx context.Context) (switchboard.Change, error) { return s.Store.DeleteModel(ctx, id, c) }, nil
	})
}

func replacementRefs(st *switchboard.State, name string) []string {
	var refs []string
	for _, d := range st.Directives {
		keys := make([]string, 0, len(d.Replacements))
		for k := range d.Replacements {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == name || d.Replacements[k] == name {
				refs = append(refs, "directive "+q(d.ID)+" (replacements["+k+"])")
			}
		}
	}
	return refs
}

// Aliases lists the aliases.
func (s *Service) Aliases(ctx context.Context) ([]switchboard.Alias, error) {
	st, err := s.Store.Load(ctx)
	if err != nil {
		return nil, err
	}
	return st.Aliases, nil
}

// PutAlias adds or replaces an alias; every target must be a model.
func (s *Service) PutAlias(ctx context.Context, p *switchboard.Principal, a switchboard.Alias, reason string) (switchboard.Change, error) {
	if err := mustAdmin(p); err != nil {
		return switchboard.Change{}, err
	}
	a.Name = strings.TrimSpace(a.Name)
	if a.Name == "" {
		return switchboard.Change{}, invalid("alias.name", "missing")
	}
	a.Targets = append([]string(nil), a.Targets...)
	return s.write(ctx, func(st *switchboard.State) (func(context.Context) (switchboard.Change, error), error) {
		replaced := false
		for i := range st.Aliases {
			if st.Aliases[i].Name == a.Name {
				st.Aliases[i], replaced = a, true
			}
		}
		if !replaced {
			st.Aliases = append(st.Aliases, a)
		}
		c := s.change(p, "alias.put", switchboard.KindAlias, a.Name, reason)
		return func(ctx context.Context) (switchboard.Change, error) { return s.Store.PutAlias(ctx, &a, c) }, nil
	})
}

// DeleteAlias removes an alias no directive names as a replacement.
func (s *Service) DeleteAlias(ctx context.Context, p *switchboard.Principal, name, reason string) (switchboard.Change, error) {
	if err := mustAdmin(p); err != nil {
		return switchboard.Change{}, err
	}
	return s.write(ctx, func(st *switchboard.State) (func(context.Context) (switchboard.Change, error), error) {
		at := -1
		for i := range st.Aliases {
			if st.Aliases[i].Name == name {
				at = i
			}
		}
		if at < 0 {
			return nil, notFound("alias", name)
		}
		if refs := replacementRefs(st, name); len(refs) > 0 {
			return nil, conflict("name", "alias "+q(name)+" is still referenced by "+strings.Join(refs, ", ")+"; change those first")
		}
		st.Aliases = append(st.Aliases[:at], st.Aliases[at+1:]...)
		c := s.change(p, "alias.delete", switchboard.KindAlias, name, reason)
		return func(ctx context.Context) (switchboard.Change, error) { return s.Store.DeleteAlias(ctx, name, c) }, nil
	})
}
