package proxy

import (
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/limits"
	"github.com/switchboard-gov/switchboard/route"
)

// Snapshot is everything a request needs to know about configuration: the
// catalog, the keys and the routing decision. It is immutable; a change
// builds a new one and swaps it in atomically, so the next request sees it.
type Snapshot struct {
	Catalog *route.Catalog
	Vendors map[string]switchboard.Vendor
	// Keys maps key hashes to who holds them.
	Keys map[switchboard.KeyHash]switchboard.Principal
	// Router decides which targets may serve a request; nil routes by the
	// catalog alone.
	Router Router
	// Guard holds the acceptable-use checks; nil checks nothing.
	Guard *Guardrails
	// Tenants is the agency tree (limits and budgets count ancestors).
	Tenants *switchboard.TenantTree
	// Prices turn usage into spend, by served model.
	Prices limits.Prices
}

// Router decides, for one caller asking for one model at one instant, which
// targets may serve it, in order, or refuses. Implementations are pure.
type Router interface {
	// uses are the use categories the guardrails found in the prompt
	// (domestic_surveillance …), for directives that restrict named uses.
	Route(p *switchboard.Principal, model string, uses []string, now time.Time) (Route, error)
	// Visible lists the model and alias names p may use, aliases first.
	Visible(p *switchboard.Principal, now time.Time) []string
}

// Route is a routing decision.
type Route struct {
	Targets []route.Target
	// Directive, Notice and Waiver are set when a directive acted: they
	// become the Switchboard-Directive, -Notice and -Waiver headers.
	Directive string
	Notice    string
	Waiver    string
	// Outcome is serve, warn, reroute or waived, for the audit trail.
	Outcome string
	// Reroute is the model the request was rerouted to, when it was.
	Reroute string
	// Reason explains the decision, for the audit trail.
	Reason string
	// PerTarget, when set, is aligned with Targets: what the directives say
	// about each target. When the proxy falls back to a later target, that
	// target's own directive, notice and waiver are disclosed.
	PerTarget []TargetPolicy
}

// TargetPolicy is what directives say about one target.
type TargetPolicy struct {
	Outcome   string
	Directive string
	Notice    string
	Waiver    string
}

// CatalogRouter routes by the catalog alone: a model is itself, an alias is
// its targets in order.
type CatalogRouter struct{ Catalog *route.Catalog }

// Route resolves model in the catalog.
func (r CatalogRouter) Route(_ *switchboard.Principal, model string, _ []string, _ time.Time) (Route, error) {
	ts, _ := r.Catalog.Resolve(model)
	if len(ts) == 0 {
		return Route{}, unknownModel(model)
	}
	return Route{Targets: ts, Outcome: "serve"}, nil
}

// Visible lists every alias, then every model.
func (r CatalogRouter) Visible(*switchboard.Principal, time.Time) []string {
	var out []string
	for _, a := range r.Catalog.Aliases() {
		out = append(out, a.Name)
	}
	for _, m := range r.Catalog.Models() {
		out = append(out, m.ID)
	}
	return out
}

func unknownModel(model string) error {
	if model == "" {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "model", Message: "you must provide a model"}
	}
	return &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "model",
		Message: "the model `" + model + "` does not exist or you do not have access to it; GET /v1/models lists the models you may use"}
}
