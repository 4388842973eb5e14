package config

import (
	"errors"
	"net"
	"net/url"
	"reflect"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/guard"
	"github.com/switchboard-gov/switchboard/oidc"
	"github.com/switchboard-gov/switchboard/policy"
	"github.com/switchboard-gov/switchboard/protocol"
	"github.com/switchboard-gov/switchboard/route"
)

// Defaults for settings the file leaves out.
const (
	DefaultListen       = "127.0.0.1:8080"
	DefaultStore        = "sqlite:./data/switchboard.db"
	DefaultMaxBodyBytes = 32 << 20
	DefaultRetries      = 2
)

var roles = map[string]bool{
	switchboard.RoleUser: true, switchboard.RoleDeveloper: true, switchboard.RoleAuditor: true,
	switchboard.RoleTenantAdmin: true, switchboard.RolePlatformAdmin: true,
}

// Validate fills in names and defaults and returns every problem found, as
// Problems, or nil.
func (c *Config) Validate() error {
	var ps Problems
	add := func(path, format string, args ...any) { ps = append(ps, c.problem(path, format, args...)) }

	if c.Listen == "" {
		c.Listen = DefaultListen
	} else if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		add("listen", "%q is not HOST:PORT (for example 127.0.0.1:8080 or :8080)", c.Listen)
	}
	if c.Store == "" {
		c.Store = DefaultStore
	} else if !strings.HasPrefix(c.Store, "sqlite:") && !strings.HasPrefix(c.Store, "postgres://") && !strings.HasPrefix(c.Store, "postgresql://") {
		add("store", "%q is neither sqlite:PATH nor a postgres:// URL", c.Store)
	}
	if c.Redis != "" && !strings.HasPrefix(c.Redis, "redis://") && !strings.HasPrefix(c.Redis, "rediss://") {
		add("redis", "%q is not a redis:// URL", c.Redis)
	}
	if c.Gateway.MaxBodyBytes == 0 {
		c.Gateway.MaxBodyBytes = DefaultMaxBodyBytes
	} else if c.Gateway.MaxBodyBytes < 1024 {
		add("gateway.max_body_bytes", "must be at least 1024")
	}
	if c.Gateway.Retries == nil {
		n := DefaultRetries
		c.Gateway.Retries = &n
	} else if *c.Gateway.Retries < 0 || *c.Gateway.Retries > 10 {
		add("gateway.retries", "must be between 0 and 10")
	}
	setDefault(&c.Gateway.RetryBackoff, 200*time.Millisecond)
	switch c.Gateway.StoreOutage {
	case "":
		c.Gateway.StoreOutage = "static"
	case "static", "closed":
	default:
		add("gateway.store_outage", "%q: say static (serve from the last snapshot) or closed (refuse)", c.Gateway.StoreOutage)
	}
	setDefault(&c.Gateway.Timeouts.Connect, 10*time.Second)
	setDefault(&c.Gateway.Timeouts.FirstByte, 60*time.Second)
	setDefault(&c.Gateway.Timeouts.Idle, 60*time.Second)
	setDefault(&c.Gateway.Timeouts.Total, 10*time.Minute)

	switch c.Audit.Mode {
	case "":
		c.Audit.Mode = "durable"
	case "durable", "async":
	default:
		add("audit.mode", "%q: say durable or async", c.Audit.Mode)
	}
	if c.Audit.CheckpointEvery < 0 {
		add("audit.checkpoint_every", "must not be negative")
	}
	capture := func(path, v string) {
		switch v {
		case "", "none", "redacted", "full":
		default:
			add(path, "%q: say none, redacted or full", v)
		}
	}
	capture("audit.content.default", c.Audit.Content.Default)
	for _, t := range sortedKeys(c.Audit.Content.Tenants) {
		capture("audit.content.tenants."+t, c.Audit.Content.Tenants[t])
		if _, ok := c.Tenants[t]; !ok {
			add("audit.content.tenants."+t, "unknown tenant %q", t)
		}
	}
	for _, name := range sortedKeys(c.Providers) {
		p := c.Providers[name]
		p.Name = name
		path := "providers." + name
		switch protocol.Name(p.Protocol) {
		case protocol.OpenAI, protocol.Anthropic, protocol.Gemini:
		case "":
			add(path+".protocol", "missing: say openai, anthropic or gemini")
		default:
			add(path+".protocol", "%q is not a protocol: say openai, anthropic or gemini", p.Protocol)
		}
		if u, err := url.Parse(p.BaseURL); p.BaseURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add(path+".base_url", "%q is not an http(s) URL", p.BaseURL)
		}
		if p.Channel == "" {
			p.Channel = "direct"
		}
		c.Providers[name] = p
	}
	for _, id := range sortedKeys(c.Vendors) {
		v := c.Vendors[id]
		v.ID = id
		if v.Name == "" {
			v.Name = id
		}
		c.Vendors[id] = v
	}
	for _, id := range sortedKeys(c.Models) {
		m := c.Models[id]
		m.ID = id
		path := "models." + id
		if _, ok := c.Providers[m.Provider]; !ok {
			add(path+".provider", "unknown provider %q%s", m.Provider, known(c.Providers))
		}
		if m.Vendor == "" {
			add(path+".vendor", "missing: every model belongs to a vendor (directives act on vendors)")
		} else if _, ok := c.Vendors[m.Vendor]; !ok && len(c.Vendors) > 0 {
			add(path+".vendor", "unknown vendor %q%s", m.Vendor, known(c.Vendors))
		}
		if m.Upstream == "" {
			m.Upstream = id
		}
		c.Models[id] = m
	}
	for _, name := range sortedKeys(c.Aliases) {
		a := c.Aliases[name]
		path := "aliases." + name
		if _, ok := c.Models[name]; ok {
			add(path, "an alias cannot have the name of a model")
		}
		if len(a.Targets) == 0 {
			add(path, "an alias needs at least one target model")
		}
		for i, t := range a.Targets {
			if _, ok := c.Models[t]; !ok {
				add(path+"["+itoa(i)+"]", "unknown model %q", t)
			}
		}
	}
	for _, id := range sortedKeys(c.Tenants) {
		t := c.Tenants[id]
		t.ID = id
		if t.Name == "" {
			t.Name = id
		}
		if t.Parent != "" {
			if _, ok := c.Tenants[t.Parent]; !ok {
				add("tenants."+id+".parent", "unknown tenant %q", t.Parent)
			} else if cyc := c.tenantCycle(id); cyc != "" {
				add("tenants."+id+".parent", "the tenant tree has a cycle: %s", cyc)
			}
		}
		c.Tenants[id] = t
	}
	seen := map[string]int{}
	for i, k := range c.Keys {
		path := "keys[" + itoa(i) + "]"
		switch {
		case k.Key == "":
			add(path+".key", "missing")
		case len(k.Key) < 16:
			add(path+".key", "too short: use at least 16 random characters")
		}
		if j, dup := seen[k.Key]; dup && k.Key != "" {
			add(path+".key", "the same key as keys[%d]", j)
		}
		seen[k.Key] = i
		if _, ok := c.Tenants[k.Tenant]; !ok {
			add(path+".tenant", "unknown tenant %q%s", k.Tenant, known(c.Tenants))
		}
		if k.Role == "" {
			c.Keys[i].Role = switchboard.RoleUser
		} else if !roles[k.Role] {
			add(path+".role", "unknown role %q: say user, developer, auditor, tenant-admin or admin", k.Role)
		}
	}
	ps = append(ps, c.validateGuardrails()...)
	for _, err := range []error{c.Limits.Validate(), c.Prices.Validate(),
		c.Limits.CheckTenants(func(id string) bool { _, ok := c.Tenants[id]; return ok })} {
		if err != nil {
			e := switchboard.AsError(err)
			ps = append(ps, c.problem(e.Param, "%s", e.Message))
		}
	}
	if c.SSO != nil {
		err := c.SSO.Validate()
		if err == nil {
			err = c.SSO.CheckTenants(func(id string) bool { _, ok := c.Tenants[id]; return ok })
		}
		var ops oidc.Problems
		if errors.As(err, &ops) {
			for _, p := range ops {
				ps = append(ps, c.problem("sso."+p.Field, "%s", p.Message))
			}
		} else if err != nil {
			ps = append(ps, c.problem("sso", "%v", err))
		}
	}
	if len(ps) == 0 {
		ps = append(ps, c.validatePolicy()...)
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// validatePolicy checks directives and adoption against the tenants, vendors
// and catalog, the way the admin API checks a change: the directive's own
// rules, then the whole policy (a replacement must not itself be barred).
func (c *Config) validatePolicy() Problems {
	var ps Problems
	tree, err := switchboard.NewTenantTree(c.TenantList())
	if err != nil {
		return Problems{c.problem("tenants", "%s", switchboard.AsError(err).Message)}
	}
	vendors := make(map[string]bool, len(c.Vendors))
	for id := range c.Vendors {
		vendors[id] = true
	}
	cat := route.NewCatalog(c.ProviderList(), c.ModelList(), c.AliasList())
	has := func(name string) bool { ts, _ := cat.Resolve(name); return len(ts) > 0 }
	byID := map[string]int{}
	for i := range c.Directives {
		d := &c.Directives[i]
		path := "directives[" + itoa(i) + "]"
		if j, dup := byID[d.ID]; dup && d.ID != "" {
			ps = append(ps, c.problem(path+".id", "the same id as directives[%d]", j))
		}
		byID[d.ID] = i
		if err := d.Validate(tree, vendors, has); err != nil {
			ps = append(ps, c.directiveProblems(i, d.ID, err)...)
		}
	}
	for _, v := range sortedKeys(c.Adoption) {
		if !vendors[v] {
			ps = append(ps, c.problem("adoption."+v, "unknown vendor %q%s", v, known(c.Vendors)))
		}
		for i, t := range c.Adoption[v] {
			if !tree.Has(t) {
				ps = append(ps, c.problem("adoption."+v+"["+itoa(i)+"]", "unknown tenant %q", t))
			}
		}
	}
	if len(ps) > 0 {
		return ps
	}
	snap, err := policy.NewSnapshot(c.PolicyInput(tree, cat))
	if err == nil {
		err = policy.ValidateReplacements(snap)
	}
	if err != nil {
		e := switchboard.AsError(err)
		for i, d := range c.Directives {
			if strings.HasPrefix(e.Param, "directives["+d.ID+"]") {
				return c.directiveProblems(i, d.ID, err)
			}
		}
		return Problems{c.problem("directives", "%s", e.Message)}
	}
	return nil
}

// directiveProblems splits a directive's validation error ("a: x; b: y")
// into problems whose paths use the file's index, so they get their lines.
func (c *Config) directiveProblems(i int, id string, err error) Problems {
	e := switchboard.AsError(err)
	var ps Problems
	for _, part := range strings.Split(e.Message, "; ") {
		path, msg, ok := strings.Cut(part, ": ")
		if !ok {
			path, msg = "directives["+itoa(i)+"]", part
		}
		path = strings.Replace(path, "directives["+id+"]", "directives["+itoa(i)+"]", 1)
		ps = append(ps, c.problem(path, "%s", msg))
	}
	return ps
}

// TenantList returns the tenants, parents before children in file order
// where possible.
func (c *Config) TenantList() []switchboard.Tenant {
	out := make([]switchboard.Tenant, 0, len(c.Tenants))
	for _, id := range sortedKeys(c.Tenants) {
		out = append(out, c.Tenants[id])
	}
	return out
}

// VendorList returns the vendors sorted by id.
func (c *Config) VendorList() []switchboard.Vendor {
	out := make([]switchboard.Vendor, 0, len(c.Vendors))
	for _, id := range sortedKeys(c.Vendors) {
		out = append(out, c.Vendors[id])
	}
	return out
}

// PolicyInput is the input of a policy snapshot built from this file alone.
func (c *Config) PolicyInput(tree *switchboard.TenantTree, cat *route.Catalog) policy.Input {
	return policy.Input{Tenants: tree, Vendors: c.VendorList(), Catalog: cat, Directives: c.Directives, Adopted: c.Adoption}
}

func (c *Config) validateGuardrails() Problems {
	var ps Problems
	g := &c.Guardrails
	// The default configuration is valid; compiling it only to check it
	// would leave the scanner's tables (megabytes) behind as garbage, and
	// in the process's peak memory, on every start.
	if !reflect.ValueOf(g.Config).IsZero() {
		if _, err := guard.NewScanner(g.Config); err != nil {
			e := switchboard.AsError(err)
			ps = append(ps, c.problem("guardrails."+strings.TrimPrefix(e.Param, "guard."), "%s", e.Message))
		}
	}
	for _, name := range sortedKeys(g.Policies) {
		p := g.Policies[name]
		p.Name = name
		g.Policies[name] = p
		if err := p.Validate(); err != nil {
			e := switchboard.AsError(err)
			ps = append(ps, c.problem("guardrails.policies."+name+strings.TrimPrefix(e.Param, "guard.policy"), "%s", e.Message))
		}
	}
	for _, t := range sortedKeys(g.Tenants) {
		if _, ok := c.Tenants[t]; !ok && t != "*" {
			ps = append(ps, c.problem("guardrails.tenants."+t, "unknown tenant %q", t))
		}
		if _, ok := g.Policies[g.Tenants[t]]; !ok {
			ps = append(ps, c.problem("guardrails.tenants."+t, "unknown policy %q%s", g.Tenants[t], known(g.Policies)))
		}
	}
	for _, v := range sortedKeys(g.Vendors) {
		if _, ok := c.Vendors[v]; !ok {
			ps = append(ps, c.problem("guardrails.vendors."+v, "unknown vendor %q", v))
		}
		if _, ok := g.Policies[g.Vendors[v]]; !ok {
			ps = append(ps, c.problem("guardrails.vendors."+v, "unknown policy %q%s", g.Vendors[v], known(g.Policies)))
		}
	}
	if cl := g.Classifier; cl != nil {
		if _, ok := c.Models[cl.Model]; !ok {
			ps = append(ps, c.problem("guardrails.classifier.model", "unknown model %q: the classifier must be a catalog model", cl.Model))
		}
		switch cl.Mode {
		case "", "before", "parallel":
		default:
			ps = append(ps, c.problem("guardrails.classifier.mode", "%q: say before or parallel", cl.Mode))
		}
		failure := func(path, v string) {
			if v != "" && v != "open" && v != "closed" {
				ps = append(ps, c.problem(path, "%q: say open or closed", v))
			}
		}
		failure("guardrails.classifier.failure", cl.Failure)
		for _, name := range sortedKeys(cl.Policies) {
			if _, ok := g.Policies[name]; !ok {
				ps = append(ps, c.problem("guardrails.classifier.policies."+name, "unknown policy %q", name))
			}
			failure("guardrails.classifier.policies."+name, cl.Policies[name])
		}
	}
	if g.HoldBack != 0 && g.HoldBack < guard.MinHoldBack {
		ps = append(ps, c.problem("guardrails.hold_back", "must be at least %d bytes", guard.MinHoldBack))
	}
	return ps
}

// CaptureMode is the content capture mode for tenant: its own setting, its
// nearest ancestor's, or the default.
func (c *Config) CaptureMode(tenant string) string {
	for t := tenant; t != ""; t = c.Tenants[t].Parent {
		if m, ok := c.Audit.Content.Tenants[t]; ok {
			return m
		}
		if _, ok := c.Tenants[t]; !ok {
			break
		}
	}
	if c.Audit.Content.Default == "" {
		return "none"
	}
	return c.Audit.Content.Default
}

// tenantCycle returns "a → b → a" when following parents from id loops.
func (c *Config) tenantCycle(id string) string {
	path := []string{id}
	seen := map[string]bool{id: true}
	for cur := c.Tenants[id].Parent; cur != ""; cur = c.Tenants[cur].Parent {
		path = append(path, cur)
		if seen[cur] {
			return strings.Join(path, " → ")
		}
		seen[cur] = true
	}
	return ""
}

func setDefault(d *Duration, v time.Duration) {
	if *d == 0 {
		*d = Duration(v)
	}
}

func known[V any](m map[string]V) string {
	if len(m) == 0 {
		return " (none are defined)"
	}
	return " (known: " + strings.Join(sortedKeys(m), ", ") + ")"
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// ProviderList returns the providers in file order.
func (c *Config) ProviderList() []switchboard.Provider {
	out := make([]switchboard.Provider, 0, len(c.Providers))
	for _, n := range orderOr(c.ProviderOrder, c.Providers) {
		out = append(out, c.Providers[n])
	}
	return out
}

// ModelList returns the models in file order.
func (c *Config) ModelList() []switchboard.Model {
	out := make([]switchboard.Model, 0, len(c.Models))
	for _, n := range orderOr(c.ModelOrder, c.Models) {
		out = append(out, c.Models[n])
	}
	return out
}

// AliasList returns the aliases in file order.
func (c *Config) AliasList() []switchboard.Alias {
	out := make([]switchboard.Alias, 0, len(c.Aliases))
	for _, n := range orderOr(c.AliasOrder, c.Aliases) {
		a := c.Aliases[n]
		out = append(out, switchboard.Alias{Name: n, Targets: a.Targets, Title: a.Title})
	}
	return out
}

func orderOr[V any](order []string, m map[string]V) []string {
	if len(order) == len(m) {
		return order
	}
	return sortedKeys(m)
}
