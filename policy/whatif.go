package policy

import (
	"sort"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// ValidateReplacements rejects a replacement that is itself barred where it
// would be used: covered by its own directive's subject, or barred by any
// directive for a scope root at that scope's deadline (waivers ignored: a
// replacement must work without one). The error is an EINVALID
// *switchboard.Error naming the field
// (directives[eop-2026-02-27].replacements[claude-sonnet-4-5]: …).
func ValidateReplacements(s *Snapshot) error {
	for di := range s.dirs {
		e := &s.dirs[di]
		d := e.d
		keys := make([]string, 0, len(d.Replacements))
		for k := range d.Replacements {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			to := d.Replacements[k]
			field := "directives[" + d.ID + "].replacements[" + k + "]"
			ne := s.names[to]
			if ne == nil {
				return invalid(field, "replacement "+`"`+to+`"`+" is not a model or alias of the catalog")
			}
			if len(ne.targets) == 0 {
				return invalid(field, "replacement "+`"`+to+`"`+" has no models")
			}
			self := true
			for _, me := range ne.targets {
				p, _ := s.in.Catalog.Provider(me.target.Model.Provider)
				channel := ""
				if p != nil {
					channel = p.Channel
				}
				self = self && d.Subject.Covers(me.vendor, me.id, channel)
			}
			if self && d.Action != switchboard.ActionAllow {
				return invalid(field, "replacement "+`"`+to+`"`+" is itself barred: this directive covers it")
			}
			for si := range d.Scopes {
				at := e.end[si]
				for _, root := range scopeRoots(s, d.Scopes[si]) {
					ti := s.tenantIdx[root]
					barredBy := int32(-1)
					ok := false
					for _, me := range ne.targets {
						v := s.eval(me, ti, root, at, nil, false)
						if v.sev != sevBar {
							ok = true
							break
						}
						barredBy = v.dir
					}
					if !ok {
						return invalid(field, "replacement "+`"`+to+`"`+" is itself barred for "+root+" at "+
							d.End(si).UTC().Format(time.RFC3339)+" by "+s.dirs[barredBy].d.ID)
					}
				}
			}
		}
	}
	return nil
}

func scopeRoots(s *Snapshot, sc switchboard.Scope) []string {
	for _, t := range sc.Tenants {
		if t == switchboard.ScopeAll {
			return s.in.Tenants.Roots()
		}
	}
	return sc.Tenants
}

func invalid(field, problem string) *switchboard.Error {
	return &switchboard.Error{Code: switchboard.EINVALID, Param: field, Message: field + ": " + problem}
}

// TrafficSample is observed traffic: Count requests from Tenant for Model
// (a model or alias), typically aggregated from the audit trail.
type TrafficSample struct {
	Tenant string
	Model  string
	Count  int
}

// Impact is how a draft directive would change the decision for one tenant
// and requested model or alias.
type Impact struct {
	Tenant string
	Model  string
	// Count is the number of requests in the traffic that this affects.
	Count int
	// Before and After are the outcomes without and with the draft.
	Before Outcome
	After  Outcome
	// BeforeServed and AfterServed are the models that would serve ("" when
	// refused).
	BeforeServed string
	AfterServed  string
	// DirectiveID and Notice are from the decision with the draft.
	DirectiveID string
	Notice      string
	Reason      string
}

// WhatIf evaluates draft against traffic at now as if it were issued (its
// lifecycle is taken as issued; its own dates and bases still apply), and
// returns, per tenant and model or alias, every decision it would change,
// sorted by tenant then model. A draft with the id of an existing directive
// replaces it. An invalid draft returns the validation error.
func WhatIf(s *Snapshot, draft switchboard.Directive, traffic []TrafficSample, now time.Time) ([]Impact, error) {
	draft.Lifecycle = switchboard.LifecycleIssued
	draft.History = nil
	in := s.in
	in.Directives = append([]switchboard.Directive(nil), s.in.Directives...)
	replaced := false
	for i := range in.Directives {
		if in.Directives[i].ID == draft.ID {
			in.Directives[i], replaced = draft, true
		}
	}
	if !replaced {
		in.Directives = append(in.Directives, draft)
	}
	after, err := NewSnapshot(in)
	if err != nil {
		return nil, err
	}
	type key struct{ tenant, model string }
	counts := map[key]int{}
	var keys []key
	for _, t := range traffic {
		k := key{t.Tenant, t.Model}
		if _, ok := counts[k]; !ok {
			keys = append(keys, k)
		}
		counts[k] += t.Count
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].tenant != keys[j].tenant {
			return keys[i].tenant < keys[j].tenant
		}
		return keys[i].model < keys[j].model
	})
	var out []Impact
	for _, k := range keys {
		r := Request{Tenant: k.tenant, Model: k.model, Now: now}
		b, a := Decide(s, r), Decide(after, r)
		if b.Outcome == a.Outcome && b.Served() == a.Served() && b.DirectiveID == a.DirectiveID {
			continue
		}
		out = append(out, Impact{
			Tenant: k.tenant, Model: k.model, Count: counts[k],
			Before: b.Outcome, After: a.Outcome,
			BeforeServed: b.Served(), AfterServed: a.Served(),
			DirectiveID: a.DirectiveID, Notice: a.Notice, Reason: a.Reason,
		})
	}
	return out, nil
}
