package gateway

import (
	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/guard"
	"github.com/switchboard-gov/switchboard/proxy"
)

// guardrails builds the snapshot's acceptable-use checks, or nil when
// nothing needs them: no policy applies to any tenant or vendor, and no
// directive restricts named uses (which need the prompt's use categories).
func guardrails(cfg *config.Config, tree *switchboard.TenantTree, directives []switchboard.Directive) (*proxy.Guardrails, error) {
	g := cfg.Guardrails
	needUses := false
	for _, d := range directives {
		needUses = needUses || len(d.Uses) > 0
	}
	if len(g.Tenants) == 0 && len(g.Vendors) == 0 && !needUses {
		return nil, nil
	}
	scanner, err := guard.NewScanner(g.Config)
	if err != nil {
		return nil, err
	}
	vendors := map[string]guard.Policy{}
	for v, name := range g.Vendors {
		vendors[v] = g.Policies[name]
	}
	tenantPolicy := func(t string) (guard.Policy, bool) {
		// The tenant's own policy, else its nearest ancestor's, else "*".
		for _, id := range append([]string{t}, tree.Ancestors(t)...) {
			if name, ok := g.Tenants[id]; ok {
				return g.Policies[name], true
			}
		}
		if name, ok := g.Tenants["*"]; ok {
			return g.Policies[name], true
		}
		return guard.Policy{}, false
	}
	policies := make([]guard.Policy, 0, len(g.Policies))
	for _, p := range g.Policies {
		policies = append(policies, p)
	}
	output := g.Output == nil || *g.Output
	return proxy.NewGuardrails(proxy.GuardOptions{Scanner: scanner, Tenant: tenantPolicy, Vendor: vendors, Output: output, HoldBack: g.HoldBack},
		g.Config, policies)
}
