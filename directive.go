package switchboard

import (
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Directive kinds: the instrument a directive records. The kind does not
// change enforcement (the action does); it drives reports and evidence, so
// it is checked against this list rather than left free text. Use
// KindOther, with the instrument named in Title and Authority, for anything
// else.
const (
	KindPresidentialDirective = "presidential-directive" // e.g. the order of 2026-02-27
	KindSupplyChainRisk       = "supply-chain-risk"      // DoD designation under 10 USC 3252
	KindFASCSAExclusion       = "fascsa-exclusion"       // FASCSA order or 41 USC 4713 exclusion (procurement)
	KindFASCSARemoval         = "fascsa-removal"         // FASCSA removal order (information systems)
	KindAgencyMemo            = "agency-memo"            // agency head or CIO memo ("For now, StateChat will use GPT-4.1")
	KindContractTerm          = "contract-term"          // a vendor contract's use restriction
	KindCourtOrder            = "court-order"            // a court order that itself directs action
	KindOther                 = "other"
)

// Directive actions: what a directive does to requests in its scope.
const (
	// ActionExclude bars new adoption: a tenant that never used the vendor
	// may not start; one that already did continues.
	ActionExclude = "exclude"
	// ActionRemove ends all use by the scope's deadline.
	ActionRemove = "remove"
	// ActionRestrict bars the scope's tenants, or, when the directive names
	// Uses, only requests in those use categories.
	ActionRestrict = "restrict"
	// ActionAllow records an authorization with conditions; it bars nothing
	// and does not override other directives.
	ActionAllow = "allow"
)

// Lifecycle states a directive is put in by people (issuing, a court order
// on the directive as a whole, rescission). Time-derived states are
// returned by State.
const (
	LifecycleDraft      = "draft"
	LifecycleIssued     = "issued"
	LifecycleStayed     = "stayed"
	LifecycleRescinded  = "rescinded"
	LifecycleSuperseded = "superseded"
)

// States returned by Directive.State: the lifecycle states above plus those
// derived from the clock.
const (
	// StatePending: issued, but no scope is effective yet.
	StatePending = "pending"
	// StatePhasingOut: some scope is inside [effective_at, deadline).
	StatePhasingOut = "phasing-out"
	// StateEffective: in force and acting, no scope inside its window, some
	// scope not yet past its deadline or not yet effective.
	StateEffective = "effective"
	// StateComplete: every scope is past its deadline.
	StateComplete = "complete"
	// StateSuspended: issued, but no legal basis is in force (every basis
	// stayed, enjoined or rescinded).
	StateSuspended = "suspended"
)

// Legal basis statuses. Only in_force counts.
const (
	BasisInForce   = "in_force"
	BasisStayed    = "stayed"
	BasisEnjoined  = "enjoined"
	BasisRescinded = "rescinded"
)

// ScopeAll, as a scope tenant, covers every tenant.
const ScopeAll = "*"

// ReplaceAny, as a replacement key, stands for any model of the vendor.
const ReplaceAny = "*"

// Directive is a vendor directive: an instrument (presidential directive,
// supply-chain-risk designation, FASCSA order, agency memo, contract term,
// court order) turned into data that drives routing. See DESIGN.md.
type Directive struct {
	// ID is stable and unique (eop-2026-02-27); it appears in the
	// Switchboard-Directive header and the audit trail.
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	// Kind is the instrument: one of the Kind constants.
	Kind string `yaml:"kind" json:"kind"`
	// Authority is who issued it (Executive Office of the President).
	Authority string `yaml:"authority" json:"authority"`
	// IssuedAt is when it was issued; it acts from then on, even where a
	// scope's effective_at is earlier (a retroactive effective date matters
	// for evidence, not for requests already served).
	IssuedAt time.Time `yaml:"issued_at" json:"issued_at"`
	// Bases are its legal bases; it acts while any one is in force. None
	// means it rests on its own authority (a memo, a contract).
	Bases   []LegalBasis `yaml:"bases" json:"bases,omitempty"`
	Subject Subject      `yaml:"subject" json:"subject"`
	// Action is exclude, remove, restrict or allow.
	Action string  `yaml:"action" json:"action"`
	Scopes []Scope `yaml:"scopes" json:"scopes"`
	// Uses, for restrict, are the use categories barred
	// (domestic_surveillance); empty bars every use by the scope.
	Uses []string `yaml:"uses" json:"uses,omitempty"`
	// Replacements map a model or alias to the model or alias that replaces
	// it; the key "*" stands for any model of the vendor.
	Replacements map[string]string `yaml:"replacements" json:"replacements,omitempty"`
	// Notice is shown to callers (Switchboard-Notice, refusal messages).
	Notice    string     `yaml:"notice" json:"notice,omitempty"`
	Reporting *Reporting `yaml:"reporting" json:"reporting,omitempty"`
	Waivers   []Waiver   `yaml:"waivers" json:"waivers,omitempty"`
	// Lifecycle is the current state set by people: draft, issued, stayed,
	// rescinded or superseded. Empty means issued, so a directive written
	// in the config file acts unless it says otherwise.
	Lifecycle string `yaml:"lifecycle" json:"lifecycle,omitempty"`
	// History records every lifecycle transition, oldest first. Together
	// with Lifecycle it gives the state at any past instant.
	History []Transition `yaml:"history" json:"history,omitempty"`
}

// LegalBasis is one legal ground of a directive, with its own status: a
// court can enjoin one basis while another stays in force.
type LegalBasis struct {
	ID       string `yaml:"id" json:"id"`
	Citation string `yaml:"citation" json:"citation"`
	// Status is the current status: in_force, stayed, enjoined or
	// rescinded. When History is empty it holds for all time.
	Status string `yaml:"status" json:"status"`
	// History lists status changes, each with the instant it takes effect
	// (an injunction of 2026-03-26 can take effect on 2026-04-03). When
	// present it decides: the latest change in effect at t gives the
	// status at t; before the first change the basis is in force.
	History []BasisChange `yaml:"history" json:"history,omitempty"`
}

// BasisChange is one change of a legal basis's status.
type BasisChange struct {
	Status      string    `yaml:"status" json:"status"`
	EffectiveAt time.Time `yaml:"effective_at" json:"effective_at"`
	// At is when the change was decided or recorded, if known.
	At     time.Time `yaml:"at" json:"at,omitempty"`
	By     string    `yaml:"by" json:"by,omitempty"`
	Reason string    `yaml:"reason" json:"reason,omitempty"`
	// Ref is the court case or document (N.D. Cal. No. 3:26-cv-…).
	Ref string `yaml:"ref" json:"ref,omitempty"`
}

// Subject is what a directive covers: a vendor's models, through any
// channel unless Channels narrows it.
type Subject struct {
	Vendor string `yaml:"vendor" json:"vendor"`
	// Models are glob patterns over catalog model ids (claude-*); empty
	// covers every model of the vendor.
	Models []string `yaml:"models" json:"models,omitempty"`
	// Channels narrows the subject to models reached through these
	// channels (direct, bedrock, vertex, azure); empty covers every
	// channel, because a vendor's model through a cloud host is still the
	// vendor's.
	Channels []string `yaml:"channels" json:"channels,omitempty"`
}

// Scope is a part of the agency hierarchy with its own dates.
type Scope struct {
	// Tenants are subtree roots; "*" covers every tenant.
	Tenants []string `yaml:"tenants" json:"tenants"`
	// Except are carved-out subtrees inside Tenants.
	Except []string `yaml:"except" json:"except,omitempty"`
	// EffectiveAt starts the scope (zero: from issuance).
	EffectiveAt time.Time `yaml:"effective_at" json:"effective_at"`
	// Deadline ends the phase-out window: before it requests are served
	// with a warning, from it they are rerouted or refused. Zero means
	// immediate (equal to EffectiveAt).
	Deadline time.Time `yaml:"deadline" json:"deadline"`
}

// Reporting is a reporting obligation attached to a directive (FAR
// 52.204-30: within 3 business days, to the contracting officer).
type Reporting struct {
	WithinBusinessDays int      `yaml:"within_business_days" json:"within_business_days,omitempty"`
	To                 []string `yaml:"to" json:"to,omitempty"`
	Attestation        string   `yaml:"attestation" json:"attestation,omitempty"`
}

// Waiver lifts one directive for a tenant subtree until it expires.
type Waiver struct {
	ID string `yaml:"id" json:"id"`
	// Tenant is the subtree root the waiver covers.
	Tenant        string    `yaml:"tenant" json:"tenant"`
	GrantedAt     time.Time `yaml:"granted_at" json:"granted_at,omitempty"`
	Expires       time.Time `yaml:"expires" json:"expires"`
	GrantedBy     string    `yaml:"granted_by" json:"granted_by"`
	Justification string    `yaml:"justification" json:"justification"`
	// Models narrows the waiver to these glob patterns; empty covers every
	// model the directive covers.
	Models []string `yaml:"models" json:"models,omitempty"`
}

// ActiveAt reports whether the waiver is granted and unexpired at t.
func (w *Waiver) ActiveAt(t time.Time) bool {
	return (w.GrantedAt.IsZero() || !t.Before(w.GrantedAt)) && (w.Expires.IsZero() || t.Before(w.Expires))
}

// Transition is one lifecycle change: who, when, why, from and to.
type Transition struct {
	At     time.Time `yaml:"at" json:"at"`
	From   string    `yaml:"from" json:"from"`
	To     string    `yaml:"to" json:"to"`
	By     string    `yaml:"by" json:"by"`
	Reason string    `yaml:"reason" json:"reason"`
	// Ref is the court case or document behind the change, as for a
	// basis (N.D. Cal. No. 3:26-cv-…).
	Ref string `yaml:"ref,omitempty" json:"ref,omitempty"`
}

// StatusAt is the basis's status at t: the latest change in effect at t
// decides; before any change the basis is in force; without history,
// Status holds throughout.
func (b *LegalBasis) StatusAt(t time.Time) string {
	if len(b.History) == 0 {
		if b.Status == "" {
			return BasisInForce
		}
		return b.Status
	}
	status, latest := BasisInForce, time.Time{}
	found := false
	for _, c := range b.History {
		if c.EffectiveAt.After(t) {
			continue
		}
		// Latest effective change wins; on a tie the later entry does.
		if !found || !c.EffectiveAt.Before(latest) {
			status, latest, found = c.Status, c.EffectiveAt, true
		}
	}
	return status
}

// InForceAt reports whether the basis counts at t.
func (b *LegalBasis) InForceAt(t time.Time) bool { return b.StatusAt(t) == BasisInForce }

// LifecycleAt is the lifecycle state at t: the current Lifecycle with every
// transition recorded after t undone.
func (d *Directive) LifecycleAt(t time.Time) string {
	state := d.Lifecycle
	if state == "" {
		state = LifecycleIssued
	}
	for i := len(d.History) - 1; i >= 0; i-- {
		if tr := d.History[i]; tr.At.After(t) && tr.From != "" {
			state = tr.From
		}
	}
	return state
}

// InForce reports whether the directive acts at t: issued (not draft,
// stayed, rescinded or superseded) at t, t not before IssuedAt, and at
// least one legal basis in force (or no bases at all). Scope dates are not
// considered; see State.
func (d *Directive) InForce(t time.Time) bool {
	if d.LifecycleAt(t) != LifecycleIssued {
		return false
	}
	if !d.IssuedAt.IsZero() && t.Before(d.IssuedAt) {
		return false
	}
	if len(d.Bases) == 0 {
		return true
	}
	for i := range d.Bases {
		if d.Bases[i].InForceAt(t) {
			return true
		}
	}
	return false
}

// Start is when scope i starts acting: its EffectiveAt, or IssuedAt when
// that is zero or later (a retroactive effective date cannot act before
// the directive exists).
func (d *Directive) Start(i int) time.Time {
	s := d.Scopes[i].EffectiveAt
	if s.IsZero() || s.Before(d.IssuedAt) {
		return d.IssuedAt
	}
	return s
}

// End is scope i's deadline, never before its start.
func (d *Directive) End(i int) time.Time {
	dl, st := d.Scopes[i].Deadline, d.Start(i)
	if dl.IsZero() || dl.Before(st) {
		return st
	}
	return dl
}

// State is the directive's state at t: draft, stayed, rescinded or
// superseded as set by people; suspended when no basis is in force;
// otherwise pending, phasing-out, effective or complete from the scopes'
// dates.
func (d *Directive) State(t time.Time) string {
	lc := d.LifecycleAt(t)
	if lc != LifecycleIssued {
		return lc
	}
	if !d.IssuedAt.IsZero() && t.Before(d.IssuedAt) {
		return StatePending
	}
	if !d.InForce(t) {
		return StateSuspended
	}
	var pending, window, past int
	for i := range d.Scopes {
		switch {
		case t.Before(d.Start(i)):
			pending++
		case t.Before(d.End(i)):
			window++
		default:
			past++
		}
	}
	switch {
	case window > 0:
		return StatePhasingOut
	case past == 0:
		return StatePending
	case pending > 0:
		return StateEffective
	default:
		return StateComplete
	}
}

// Validate checks the directive against the tenant tree, the known vendor
// ids and the catalog (catalogHas reports whether a name is a model or an
// alias). It returns nil or an EINVALID *Error whose message lists every
// problem, each prefixed by its field path
// (directives[eop-2026-02-27].scopes[1].deadline: before effective_at) and
// whose Param is the first path. A nil tenants, vendors or catalogHas skips
// those checks. Whether a replacement is itself barred depends on the other
// directives: policy.ValidateReplacements checks that.
func (d *Directive) Validate(tenants *TenantTree, vendors map[string]bool, catalogHas func(string) bool) error {
	v := validator{prefix: "directives[" + d.ID + "]"}
	if d.ID == "" {
		v.prefix = "directives[?]"
		v.add("id", "missing")
	}
	if !isKind(d.Kind) {
		v.add("kind", "unknown kind "+quote(d.Kind)+" (want one of "+strings.Join(Kinds(), ", ")+")")
	}
	switch d.Action {
	case ActionExclude, ActionRemove, ActionRestrict, ActionAllow:
	default:
		v.add("action", "unknown action "+quote(d.Action)+" (want exclude, remove, restrict or allow)")
	}
	switch d.Lifecycle {
	case "", LifecycleDraft, LifecycleIssued, LifecycleStayed, LifecycleRescinded, LifecycleSuperseded:
	default:
		v.add("lifecycle", "unknown state "+quote(d.Lifecycle))
	}
	switch {
	case d.Subject.Vendor == "":
		v.add("subject.vendor", "missing")
	case vendors != nil && !vendors[d.Subject.Vendor]:
		v.add("subject.vendor", "unknown vendor "+quote(d.Subject.Vendor))
	}
	for i, p := range d.Subject.Models {
		if _, err := path.Match(p, ""); err != nil || p == "" {
			v.add("subject.models["+strconv.Itoa(i)+"]", "bad pattern "+quote(p))
		}
	}
	seen := map[string]bool{}
	for i, b := range d.Bases {
		f := "bases[" + strconv.Itoa(i) + "]"
		switch {
		case b.ID == "":
			v.add(f+".id", "missing")
		case seen[b.ID]:
			v.add(f+".id", "duplicate basis id "+quote(b.ID))
		}
		seen[b.ID] = true
		if b.Status != "" && !isBasisStatus(b.Status) {
			v.add(f+".status", "unknown status "+quote(b.Status)+" (want in_force, stayed, enjoined or rescinded)")
		}
		for j, c := range b.History {
			if !isBasisStatus(c.Status) {
				v.add(f+".history["+strconv.Itoa(j)+"].status", "unknown status "+quote(c.Status))
			}
			if c.EffectiveAt.IsZero() {
				v.add(f+".history["+strconv.Itoa(j)+"].effective_at", "missing")
			}
		}
	}
	if len(d.Scopes) == 0 {
		v.add("scopes", "missing: a directive needs at least one scope")
	}
	for i, s := range d.Scopes {
		f := "scopes[" + strconv.Itoa(i) + "]"
		if len(s.Tenants) == 0 {
			v.add(f+".tenants", "missing")
		}
		for j, tn := range s.Tenants {
			if tn != ScopeAll && tenants != nil && !tenants.Has(tn) {
				v.add(f+".tenants["+strconv.Itoa(j)+"]", "unknown tenant "+quote(tn))
			}
		}
		for j, tn := range s.Except {
			ff := f + ".except[" + strconv.Itoa(j) + "]"
			if tenants == nil {
				continue
			}
			if !tenants.Has(tn) {
				v.add(ff, "unknown tenant "+quote(tn))
				continue
			}
			inside := false
			for _, root := range s.Tenants {
				inside = inside || root == ScopeAll || tenants.Within(tn, root)
			}
			if !inside {
				v.add(ff, quote(tn)+" is not inside the scope's tenants")
			}
		}
		if !s.Deadline.IsZero() && !s.EffectiveAt.IsZero() && s.Deadline.Before(s.EffectiveAt) {
			v.add(f+".deadline", "before effective_at")
		}
	}
	if len(d.Uses) > 0 && d.Action != ActionRestrict {
		v.add("uses", "only a restrict directive names uses")
	}
	keys := make([]string, 0, len(d.Replacements))
	for k := range d.Replacements {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, to := "replacements["+k+"]", d.Replacements[k]
		if k != ReplaceAny && catalogHas != nil && !catalogHas(k) {
			v.add(f, "unknown model or alias "+quote(k))
		}
		switch {
		case to == "":
			v.add(f, "missing replacement")
		case to == k:
			v.add(f, "replaces "+quote(k)+" with itself")
		case catalogHas != nil && !catalogHas(to):
			v.add(f, "replacement "+quote(to)+" is not a model or alias of the catalog")
		}
	}
	wseen := map[string]bool{}
	for i, w := range d.Waivers {
		f := "waivers[" + strconv.Itoa(i) + "]"
		switch {
		case w.ID == "":
			v.add(f+".id", "missing")
		case wseen[w.ID]:
			v.add(f+".id", "duplicate waiver id "+quote(w.ID))
		}
		wseen[w.ID] = true
		switch {
		case w.Tenant == "":
			v.add(f+".tenant", "missing")
		case tenants != nil && !tenants.Has(w.Tenant):
			v.add(f+".tenant", "unknown tenant "+quote(w.Tenant))
		}
		if w.Expires.IsZero() {
			v.add(f+".expires", "missing: every waiver expires")
		} else if !w.GrantedAt.IsZero() && w.Expires.Before(w.GrantedAt) {
			v.add(f+".expires", "before granted_at")
		}
		for j, p := range w.Models {
			if _, err := path.Match(p, ""); err != nil || p == "" {
				v.add(f+".models["+strconv.Itoa(j)+"]", "bad pattern "+quote(p))
			}
		}
	}
	for i, tr := range d.History {
		f := "history[" + strconv.Itoa(i) + "]"
		if !isLifecycle(tr.To) {
			v.add(f+".to", "unknown state "+quote(tr.To))
		}
		if tr.From != "" && !isLifecycle(tr.From) {
			v.add(f+".from", "unknown state "+quote(tr.From))
		}
		if i > 0 && tr.At.Before(d.History[i-1].At) {
			v.add(f+".at", "before the previous transition")
		}
	}
	return v.err()
}

// Covers reports whether the subject covers model id of vendor reached
// through channel ("" or "direct" for the vendor's own API).
func (s *Subject) Covers(vendor, id, channel string) bool {
	if vendor != s.Vendor {
		return false
	}
	if len(s.Channels) > 0 {
		if channel == "" {
			channel = "direct"
		}
		ok := false
		for _, c := range s.Channels {
			ok = ok || c == channel
		}
		if !ok {
			return false
		}
	}
	return matchAny(s.Models, id)
}

// MatchModels reports whether id matches one of the glob patterns; an
// empty list matches everything.
func MatchModels(patterns []string, id string) bool { return matchAny(patterns, id) }

func matchAny(patterns []string, id string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if ok, _ := path.Match(p, id); ok {
			return true
		}
	}
	return false
}

// Kinds returns the known directive kinds.
func Kinds() []string {
	return []string{KindPresidentialDirective, KindSupplyChainRisk, KindFASCSAExclusion, KindFASCSARemoval,
		KindAgencyMemo, KindContractTerm, KindCourtOrder, KindOther}
}

func isKind(k string) bool {
	for _, x := range Kinds() {
		if k == x {
			return true
		}
	}
	return false
}

func isBasisStatus(s string) bool {
	return s == BasisInForce || s == BasisStayed || s == BasisEnjoined || s == BasisRescinded
}

func isLifecycle(s string) bool {
	switch s {
	case LifecycleDraft, LifecycleIssued, LifecycleStayed, LifecycleRescinded, LifecycleSuperseded:
		return true
	}
	return false
}

// validator collects problems with their field paths.
type validator struct {
	prefix   string
	problems []string
	first    string
}

func (v *validator) add(field, problem string) {
	p := v.prefix + "." + field
	if v.first == "" {
		v.first = p
	}
	v.problems = append(v.problems, p+": "+problem)
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Param: v.first, Message: strings.Join(v.problems, "; ")}
}
