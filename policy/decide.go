package policy

import (
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/route"
)

// Outcome is what a directive decision does to a request.
type Outcome string

// Outcomes, from least to most severe for the caller.
const (
	// OutcomeServe: no directive acts; serve as asked.
	OutcomeServe Outcome = "serve"
	// OutcomeWaived: a directive would act, but an active waiver lifts it;
	// serve and name the waiver (Switchboard-Waiver).
	OutcomeWaived Outcome = "waived"
	// OutcomeWarn: inside a phase-out window; serve, warn
	// (Switchboard-Notice) and count.
	OutcomeWarn Outcome = "warn"
	// OutcomeReroute: the requested model (or an alias's first target) is
	// barred; serve the replacement instead and disclose it.
	OutcomeReroute Outcome = "reroute"
	// OutcomeRefuse: barred with no usable replacement; answer 403 with
	// the notice.
	OutcomeRefuse Outcome = "refuse"
	// OutcomeUnknown: the model or alias is not in the catalog (404).
	OutcomeUnknown Outcome = "unknown"
)

// MaxHops bounds how many replacements are followed when a replacement is
// itself barred, before the request is refused.
const MaxHops = 3

// Request is what a decision is about.
type Request struct {
	Tenant string
	// Model is the model or alias the client asked for.
	Model string
	// Uses are the use categories detected in the request
	// (domestic_surveillance); only restrict directives with Uses look at
	// them.
	Uses []string
	// Now is the decision instant (the gateway's clock, real or simulated).
	Now time.Time
}

// Target is one allowed candidate to serve a request, with what the
// directives say about it. The gateway tries Targets in order; when it
// falls back to a later one, that target's own outcome applies.
type Target struct {
	route.Target
	// Outcome is serve, warn or waived.
	Outcome     Outcome
	DirectiveID string
	Notice      string
	WaiverID    string
}

// Decision is the policy answer for one request.
type Decision struct {
	Outcome Outcome
	// Requested is the model or alias asked for; Alias says which.
	Requested string
	Alias     bool
	// Targets are the allowed candidates in order (empty for refuse and
	// unknown). The slice may be shared between decisions: do not modify.
	Targets []Target
	// DirectiveID and Notice name the directive that acted (for warn,
	// reroute and refuse) or was waived.
	DirectiveID string
	Notice      string
	// WaiverID names the waiver that let the request through.
	WaiverID string
	// RerouteFrom and RerouteTo, for reroute: what would have served
	// without the directive (the requested name, or an alias's barred
	// first target) and the replacement that serves instead.
	RerouteFrom string
	RerouteTo   string
	// Reason explains the decision for the audit trail and what-if.
	Reason string
}

// Err returns the error to answer with when the request may not be served:
// EFORBIDDEN with the notice for refuse, ENOTFOUND for an unknown model;
// nil otherwise.
func (d *Decision) Err() error {
	switch d.Outcome {
	case OutcomeRefuse:
		msg := d.Notice
		if msg == "" {
			msg = "The model " + `"` + d.Requested + `"` + " is not available to this tenant"
		}
		if d.DirectiveID != "" {
			msg += " (directive " + d.DirectiveID + ")"
		}
		return &switchboard.Error{Code: switchboard.EFORBIDDEN, Param: "model", Message: msg}
	case OutcomeUnknown:
		return &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "model",
			Message: "The model " + `"` + d.Requested + `"` + " does not exist or is not available"}
	}
	return nil
}

// Served is the model id of the first target, or "".
func (d *Decision) Served() string {
	if len(d.Targets) == 0 || d.Targets[0].Model == nil {
		return ""
	}
	return d.Targets[0].Model.ID
}

// severity of a directive's effect on one model; higher is stricter.
const (
	sevNone uint8 = iota
	sevWaived
	sevWarn
	sevBar
)

// verdict is what all directives together say about one model for one
// tenant at one instant.
type verdict struct {
	sev    uint8
	dir    int32 // the strictest directive (first on a tie); -1 when none
	waiver *switchboard.Waiver
	wdir   int32 // the directive the waiver lifted
}

// Decide applies the snapshot's directives to r. It never blocks and does
// no I/O; when no directive acts it does not allocate.
//
// For each target model (one for a model, the ordered targets of an
// alias), every directive whose subject covers the model and whose scope
// covers the tenant is weighed: not in force, not yet effective, or (for
// restrict with Uses) not a barred use: no effect; inside the phase-out
// window: warn; at or past the deadline: barred; any of these lifted by an
// active waiver of that directive. The strictest wins. Barred targets are
// dropped; if none is left, the replacement is looked up in the barring
// directives (keyed by the requested name, then each barred model, then
// "*"), followed for at most MaxHops when it is itself barred, else the
// request is refused.
func Decide(s *Snapshot, r Request) Decision {
	ne := s.names[r.Model]
	if ne == nil {
		return Decision{Outcome: OutcomeUnknown, Requested: r.Model, Reason: "unknown model or alias"}
	}
	ti, ok := s.tenantIdx[r.Tenant]
	if !ok {
		// Fail closed: a key bound to a tenant the tree does not know is a
		// configuration error, and directives cannot be applied to it.
		return Decision{Outcome: OutcomeRefuse, Requested: r.Model, Alias: ne.alias,
			Reason: "unknown tenant " + `"` + r.Tenant + `"`}
	}
	t := r.Now.UnixNano()
	var buf [8]verdict
	vs := buf[:0]
	acted := false
	for _, me := range ne.targets {
		v := s.eval(me, ti, r.Tenant, t, r.Uses, true)
		acted = acted || v.sev != sevNone
		vs = append(vs, v)
	}
	if !acted {
		return Decision{Outcome: OutcomeServe, Requested: r.Model, Alias: ne.alias, Targets: ne.serve}
	}
	return s.decideActed(ne, vs, ti, t, r)
}

// eval weighs every directive covering me for tenant ti at t.
func (s *Snapshot) eval(me *modelEntry, ti int32, tenant string, t int64, uses []string, waivers bool) verdict {
	v := verdict{dir: -1, wdir: -1}
	for _, di := range me.dirs {
		sev, w := s.effect(&s.dirs[di], me, ti, tenant, t, uses, waivers)
		if w != nil && v.waiver == nil {
			v.waiver, v.wdir = w, di
		}
		if sev > v.sev {
			v.sev, v.dir = sev, di
		}
	}
	return v
}

// effect is what directive e does to model me for tenant ti at t, and the
// waiver that lifted it, if any.
func (s *Snapshot) effect(e *dirEntry, me *modelEntry, ti int32, tenant string, t int64, uses []string, waivers bool) (uint8, *switchboard.Waiver) {
	si := e.scopeOf[ti]
	if si < 0 || e.action == switchboard.ActionAllow || t < e.start[si] || !e.activeAt(t) {
		return sevNone, nil
	}
	if len(e.uses) > 0 && !intersects(uses, e.uses) {
		return sevNone, nil
	}
	if waivers {
		if w := s.waiver(e, me.id, tenant, t); w != nil {
			return sevWaived, w
		}
	}
	if t >= e.end[si] {
		return sevBar, nil
	}
	return sevWarn, nil
}

func (s *Snapshot) waiver(e *dirEntry, model, tenant string, t int64) *switchboard.Waiver {
	for i := range e.waivers {
		we := &e.waivers[i]
		if t < we.from || t >= we.until || (we.models != nil && !we.models[model]) {
			continue
		}
		if s.in.Tenants.Within(tenant, we.w.Tenant) {
			return we.w
		}
	}
	return nil
}

func intersects(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// decideActed is the slow path: some directive acts on some target.
func (s *Snapshot) decideActed(ne *nameEntry, vs []verdict, ti int32, t int64, r Request) Decision {
	d := Decision{Requested: r.Model, Alias: ne.alias}
	allowed := s.allowed(ne, vs)
	if len(allowed) > 0 {
		d.Targets = allowed
		first := allowed[0]
		if vs[0].sev == sevBar {
			// An alias's leading targets are barred: a later target serves.
			e := s.dirs[vs[0].dir].d
			d.Outcome, d.DirectiveID, d.Notice = OutcomeReroute, e.ID, e.Notice
			d.RerouteFrom, d.RerouteTo = ne.targets[0].id, first.Model.ID
			d.Reason = ne.targets[0].id + " barred for " + r.Tenant + " by " + e.ID + " (" + e.Action + "); alias " +
				ne.name + " falls back to " + first.Model.ID
			return d
		}
		d.Outcome, d.DirectiveID, d.Notice, d.WaiverID = first.Outcome, first.DirectiveID, first.Notice, first.WaiverID
		switch first.Outcome {
		case OutcomeWarn:
			d.Reason = first.Model.ID + " inside the phase-out window of " + first.DirectiveID + " for " + r.Tenant
		case OutcomeWaived:
			d.Reason = first.Model.ID + " would be barred by " + first.DirectiveID + " for " + r.Tenant +
				"; waiver " + first.WaiverID + " lifts it"
		default:
			d.Reason = "no directive acts on " + first.Model.ID + " for " + r.Tenant
		}
		return d
	}

	// Every target is barred: follow replacements, looked up in every
	// directive that bars a target, not only the strictest.
	barring := s.barringAll(ne, ti, r.Tenant, t, r.Uses)
	firstDir := s.dirs[barring[0]].d
	d.DirectiveID, d.Notice = firstDir.ID, firstDir.Notice
	reason := describeBar(s, ne, vs, r.Tenant)
	cur, curVS := ne, vs
	visited := map[string]bool{ne.name: true}
	for hop := 0; hop < MaxHops; hop++ {
		to, via := s.replacement(barring, cur, curVS)
		if to == "" {
			reason += "; no replacement"
			break
		}
		next := s.names[to]
		if next == nil || visited[to] {
			reason += "; replacement " + to + " loops back"
			break
		}
		visited[to] = true
		nvs := make([]verdict, len(next.targets))
		for i, me := range next.targets {
			nvs[i] = s.eval(me, ti, r.Tenant, t, r.Uses, true)
		}
		allowed := s.allowed(next, nvs)
		viaD := s.dirs[via].d
		if len(allowed) > 0 {
			d.Outcome, d.Targets = OutcomeReroute, allowed
			d.DirectiveID, d.Notice = viaD.ID, viaD.Notice
			d.RerouteFrom, d.RerouteTo = r.Model, to
			d.Reason = reason + "; replaced by " + to + " under " + viaD.ID
			return d
		}
		reason += "; replacement " + to + " (" + viaD.ID + ") is itself barred"
		cur, curVS, barring = next, nvs, s.barringAll(next, ti, r.Tenant, t, r.Uses)
	}
	d.Outcome = OutcomeRefuse
	d.Reason = reason
	return d
}

// allowed returns the targets that are not barred, with their outcomes.
func (s *Snapshot) allowed(ne *nameEntry, vs []verdict) []Target {
	var out []Target
	for i, v := range vs {
		if v.sev == sevBar {
			continue
		}
		tg := Target{Target: ne.targets[i].target, Outcome: OutcomeServe}
		switch v.sev {
		case sevWarn:
			e := s.dirs[v.dir].d
			tg.Outcome, tg.DirectiveID, tg.Notice = OutcomeWarn, e.ID, e.Notice
		case sevWaived:
			e := s.dirs[v.dir].d
			tg.Outcome, tg.DirectiveID, tg.Notice = OutcomeWaived, e.ID, e.Notice
		}
		if v.waiver != nil {
			tg.WaiverID = v.waiver.ID
		}
		out = append(out, tg)
	}
	return out
}

// barringAll returns every directive that bars one of ne's targets for the
// tenant at t (ignoring those a waiver lifts), in target then directive
// order, without duplicates.
func (s *Snapshot) barringAll(ne *nameEntry, ti int32, tenant string, t int64, uses []string) []int32 {
	var out []int32
	for _, me := range ne.targets {
		for _, di := range me.dirs {
			if sev, _ := s.effect(&s.dirs[di], me, ti, tenant, t, uses, true); sev != sevBar {
				continue
			}
			dup := false
			for _, b := range out {
				dup = dup || b == di
			}
			if !dup {
				out = append(out, di)
			}
		}
	}
	return out
}

// replacement finds the replacement for ne among the barring directives:
// keyed by ne's name first, then each barred model, then "*". It returns
// the replacement and the directive that named it.
func (s *Snapshot) replacement(barring []int32, ne *nameEntry, vs []verdict) (string, int32) {
	try := func(key string) (string, int32) {
		for _, di := range barring {
			if to, ok := s.dirs[di].d.Replacements[key]; ok {
				return to, di
			}
		}
		return "", -1
	}
	if to, di := try(ne.name); to != "" {
		return to, di
	}
	for i, me := range ne.targets {
		if vs[i].sev != sevBar || me.id == ne.name {
			continue
		}
		if to, di := try(me.id); to != "" {
			return to, di
		}
	}
	return try(switchboard.ReplaceAny)
}

func describeBar(s *Snapshot, ne *nameEntry, vs []verdict, tenant string) string {
	out := ""
	for i, v := range vs {
		if i > 0 {
			out += ", "
		}
		e := s.dirs[v.dir].d
		out += ne.targets[i].id + " barred for " + tenant + " by " + e.ID + " (" + e.Action + ")"
	}
	if len(vs) == 0 {
		return ne.name + " has no targets"
	}
	return out
}

// Visible returns the models and aliases tenant may use at now, for
// /v1/models: aliases first, then models, in catalog order. A name that
// would be rerouted is listed (it works); one that would be refused is not.
func Visible(s *Snapshot, tenant string, now time.Time) []string {
	var out []string
	for _, name := range s.visible {
		d := Decide(s, Request{Tenant: tenant, Model: name, Now: now})
		if d.Outcome != OutcomeRefuse && d.Outcome != OutcomeUnknown {
			out = append(out, name)
		}
	}
	return out
}
