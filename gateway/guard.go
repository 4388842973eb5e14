package gateway

import (
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/guard"
	"github.com/switchboard-gov/switchboard/proxy"
	"github.com/switchboard-gov/switchboard/route"
)

// guardrails builds the snapshot's acceptable-use checks, or nil when
// nothing needs them: no policy applies to any tenant or vendor, and no
// directive restricts named uses (which need the prompt's use categories).
func guardrails(cfg *config.Config, tree *switchboard.TenantTree, directives []switchboard.Directive, cat *route.Catalog) (*proxy.Guardrails, error) {
	g := cfg.Guardrails
	needUses := false
	for _, d := range directives {
		needUses = needUses || len(d.Uses) > 0
	}
	if len(g.Tenants) == 0 && len(g.Vendors) == 0 && !needUses && g.Classifier == nil {
		return nil, nil
	}
	var classifier *proxy.Classifier
	if cl := g.Classifier; cl != nil {
		ts, _ := cat.Resolve(cl.Model)
		if len(ts) == 0 {
			return nil, switchboard.Errorf(switchboard.EINVALID, "guardrails.classifier.model: %q is not in the catalog", cl.Model)
		}
		classifier = &proxy.Classifier{Target: ts[0], Parallel: cl.Mode == "parallel", Timeout: time.Duration(cl.Timeout),
			FailClosed: func(policy string) bool {
				if v, ok := cl.Policies[policy]; ok {
					return v == "closed"
				}
				return cl.Failure == "closed"
			}}
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
	return proxy.NewGuardrails(proxy.GuardOptions{Scanner: scanner, Tenant: tenantPolicy, Vendor: vendors, Output: output, HoldBack: g.HoldBack,
		Classifier: classifier},
		g.Config, policies)
}
