// Package route resolves a requested model name to the ordered list of
// catalog entries that may serve it: a model is itself, an alias is its
// targets in order. It is pure: no I/O, no clock.
package route

import (
	switchboard "github.com/switchboard-gov/switchboard"
)

// Target is one candidate to serve a request.
type Target struct {
	Model    *switchboard.Model
	Provider *switchboard.Provider
}

// Catalog is an immutable view of providers, models and aliases.
type Catalog struct {
	providers map[string]*switchboard.Provider
	models    map[string]*switchboard.Model
	aliases   map[string]*switchboard.Alias
	// order keeps /v1/models stable: aliases first, then models.
	aliasOrder []string
	modelOrder []string
}

// NewCatalog builds a catalog. It assumes the inputs were validated (config
// validation checks references); entries that name unknown providers are
// skipped rather than panicking.
func NewCatalog(providers []switchboard.Provider, models []switchboard.Model, aliases []switchboard.Alias) *Catalog {
	c := &Catalog{
		providers: make(map[string]*switchboard.Provider, len(providers)),
		models:    make(map[string]*switchboard.Model, len(models)),
		aliases:   make(map[string]*switchboard.Alias, len(aliases)),
	}
	for i := range providers {
		p := providers[i]
		c.providers[p.Name] = &p
	}
	for i := range models {
		m := models[i]
		if m.Upstream == "" {
			m.Upstream = m.ID
		}
		if _, ok := c.providers[m.Provider]; !ok {
			continue
		}
		c.models[m.ID] = &m
		c.modelOrder = append(c.modelOrder, m.ID)
	}
	for i := range aliases {
		a := aliases[i]
		c.aliases[a.Name] = &a
		c.aliasOrder = append(c.aliasOrder, a.Name)
	}
	return c
}

// Resolve returns the candidates for name, in order, and whether name is an
// alias. An unknown name returns no targets.
func (c *Catalog) Resolve(name string) (targets []Target, alias bool) {
	if m, ok := c.models[name]; ok {
		return []Target{{Model: m, Provider: c.providers[m.Provider]}}, false
	}
	a, ok := c.aliases[name]
	if !ok {
		return nil, false
	}
	targets = make([]Target, 0, len(a.Targets))
	for _, id := range a.Targets {
		if m, ok := c.models[id]; ok {
			targets = append(targets, Target{Model: m, Provider: c.providers[m.Provider]})
		}
	}
	return targets, true
}

// Model returns the catalog entry for id.
func (c *Catalog) Model(id string) (*switchboard.Model, bool) {
	m, ok := c.models[id]
	return m, ok
}

// Provider returns the provider named name.
func (c *Catalog) Provider(name string) (*switchboard.Provider, bool) {
	p, ok := c.providers[name]
	return p, ok
}

// Alias returns the alias named name.
func (c *Catalog) Alias(name string) (*switchboard.Alias, bool) {
	a, ok := c.aliases[name]
	return a, ok
}

// Aliases returns the aliases in configuration order.
func (c *Catalog) Aliases() []*switchboard.Alias {
	out := make([]*switchboard.Alias, len(c.aliasOrder))
	for i, n := range c.aliasOrder {
		out[i] = c.aliases[n]
	}
	return out
}

// Models returns the models in configuration order.
func (c *Catalog) Models() []*switchboard.Model {
	out := make([]*switchboard.Model, len(c.modelOrder))
	for i, n := range c.modelOrder {
		out[i] = c.models[n]
	}
	return out
}
