package admin

import (
	"context"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/policy"
)

// WhatIfRequest is the body of what-if: a draft directive, the instant to
// evaluate at (default now) and how far back traffic counts (default
// seven days before now).
type WhatIfRequest struct {
	Directive switchboard.Directive `json:"directive"`
	At        *time.Time            `json:"at,omitempty"`
	Since     *time.Time            `json:"since,omitempty"`
}

// Traffic sources reported in WhatIfResult.Traffic.
const (
	// TrafficRecorded: the counts come from recorded traffic.
	TrafficRecorded = "recorded"
	// TrafficCatalog: no traffic record was available; every tenant was
	// evaluated against every model and alias, with a count of 0.
	TrafficCatalog = "catalog"
)

// WhatIfResult is what a draft directive would change.
type WhatIfResult struct {
	Directive string    `json:"directive"`
	At        time.Time `json:"at"`
	// Traffic says where the tenant × model pairs came from: recorded or
	// catalog. Since is the start of the recorded window.
	Traffic string    `json:"traffic"`
	Since   time.Time `json:"since,omitempty"`
	// Note explains the traffic source to people.
	Note string `json:"note,omitempty"`
	// Evaluated is the number of tenant × model pairs evaluated.
	Evaluated int `json:"evaluated"`
	// Impacts are the pairs whose decision would change, by tenant then
	// model.
	Impacts []Impact `json:"impacts"`
}

// Impact is one tenant and requested model or alias whose decision the
// draft would change.
type Impact struct {
	Tenant       string `json:"tenant"`
	Model        string `json:"model"`
	Count        int    `json:"count"`
	Before       string `json:"before"`
	After        string `json:"after"`
	BeforeServed string `json:"before_served,omitempty"`
	AfterServed  string `json:"after_served,omitempty"`
	DirectiveID  string `json:"directive_id,omitempty"`
	Notice       string `json:"notice,omitempty"`
	Reason       string `json:"reason,omitempty"`
}

// WhatIf evaluates a draft directive as if it were issued: against the
// current state, at r.At, over recent traffic. The draft is validated like
// a create (including whether its replacements are themselves barred);
// nothing is written.
func (s *Service) WhatIf(ctx context.Context, r WhatIfRequest) (*WhatIfResult, error) {
	if r.Directive.ID == "" {
		return nil, invalid("directive.id", "missing: give the draft an id (it may be an existing directive's, to test a change to it)")
	}
	now := s.now()
	at := now
	if r.At != nil && !r.At.IsZero() {
		at = r.At.UTC()
	}
	base, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	draft := cloneDirective(r.Directive)
	draft.Lifecycle, draft.History = switchboard.LifecycleIssued, nil
	next := cloneState(base.State)
	if i := directiveIndex(next, draft.ID); i >= 0 {
		next.Directives[i] = draft
	} else {
		next.Directives = append(next.Directives, draft)
	}
	if _, err := Build(next, base.Static); err != nil {
		return nil, err
	}
	res := &WhatIfResult{Directive: draft.ID, At: at, Impacts: []Impact{}}
	var traffic []policy.TrafficSample
	if s.Traffic != nil {
		since := now.Add(-7 * 24 * time.Hour)
		if r.Since != nil && !r.Since.IsZero() {
			since = r.Since.UTC()
		}
		if traffic, err = s.Traffic(ctx, since); err != nil {
			return nil, err
		}
		res.Traffic, res.Since = TrafficRecorded, since
	} else {
		for _, t := range base.Tree.IDs() {
			for _, a := range base.Catalog.Aliases() {
				traffic = append(traffic, policy.TrafficSample{Tenant: t, Model: a.Name})
			}
			for _, m := range base.Catalog.Models() {
				traffic = append(traffic, policy.TrafficSample{Tenant: t, Model: m.ID})
			}
		}
		res.Traffic = TrafficCatalog
		res.Note = "no traffic record is available yet: every tenant was evaluated against every model and alias of the catalog, with a count of 0"
	}
	pairs := map[[2]string]bool{}
	for _, t := range traffic {
		pairs[[2]string{t.Tenant, t.Model}] = true
	}
	res.Evaluated = len(pairs)
	impacts, err := policy.WhatIf(base.Snapshot, draft, traffic, at)
	if err != nil {
		return nil, err
	}
	for _, im := range impacts {
		res.Impacts = append(res.Impacts, Impact{
			Tenant: im.Tenant, Model: im.Model, Count: im.Count,
			Before: string(im.Before), After: string(im.After),
			BeforeServed: im.BeforeServed, AfterServed: im.AfterServed,
			DirectiveID: im.DirectiveID, Notice: im.Notice, Reason: im.Reason,
		})
	}
	return res, nil
}
