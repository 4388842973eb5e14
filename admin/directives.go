package admin

import (
	"context"
	"reflect"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// DirectiveView is a directive with what it means at one instant: its
// state (pending, phasing-out, suspended, …) and each legal basis's status.
type DirectiveView struct {
	switchboard.Directive
	// CurrentState is Directive.State at At.
	CurrentState string `json:"state"`
	// At is the instant the state was computed for (the service's clock).
	At time.Time `json:"state_at"`
	// BasisStatus maps each legal basis id to its status at At.
	BasisStatus map[string]string `json:"basis_status,omitempty"`
}

func viewOf(d switchboard.Directive, now time.Time) DirectiveView {
	v := DirectiveView{Directive: d, CurrentState: d.State(now), At: now}
	if len(d.Bases) > 0 {
		v.BasisStatus = make(map[string]string, len(d.Bases))
		for i := range d.Bases {
			v.BasisStatus[d.Bases[i].ID] = d.Bases[i].StatusAt(now)
		}
	}
	return v
}

// Directives lists every directive with its state now.
func (s *Service) Directives(ctx context.Context) ([]DirectiveView, error) {
	st, err := s.Store.Load(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]DirectiveView, len(st.Directives))
	for i, d := range st.Directives {
		out[i] = viewOf(d, now)
	}
	return out, nil
}

// Directive returns one directive with its state now.
func (s *Service) Directive(ctx context.Context, id string) (*DirectiveView, error) {
	d, err := s.Store.Directive(ctx, id)
	if err != nil {
		return nil, err
	}
	v := viewOf(*d, s.now())
	return &v, nil
}

// Result is what a mutation of a directive returns: the directive as
// stored, with its state now, and the change recorded.
type Result struct {
	Directive DirectiveView      `json:"directive"`
	Change    switchboard.Change `json:"change"`
}

// mutateDirective loads directive id from the state, lets edit change it,
// validates the whole state and writes it.
func (s *Service) mutateDirective(ctx context.Context, p *switchboard.Principal, id, action, reason string, edit func(d *switchboard.Directive, now time.Time) error) (*Result, error) {
	if err := mustAdmin(p); err != nil {
		return nil, err
	}
	var out switchboard.Directive
	now := s.now()
	ch, err := s.write(ctx, func(st *switchboard.State) (func(context.Context) (switchboard.Change, error), error) {
		i := directiveIndex(st, id)
		if i < 0 {
			return nil, notFound("directive", id)
		}
		d := &st.Directives[i]
		if err := edit(d, now); err != nil {
			return nil, err
		}
		out = cloneDirective(*d)
		c := s.change(p, action, switchboard.KindDirective, id, reason)
		return func(ctx context.Context) (switchboard.Change, error) { return s.Store.PutDirective(ctx, &out, c) }, nil
	})
	if err != nil && ch.Seq == 0 {
		return nil, err
	}
	return &Result{Directive: viewOf(out, now), Change: ch}, err
}

func directiveIndex(st *switchboard.State, id string) int {
	for i := range st.Directives {
		if st.Directives[i].ID == id {
			return i
		}
	}
	return -1
}

// CreateDirective adds a directive. It is a draft unless it says
// otherwise; its id must be new (ECONFLICT otherwise).
func (s *Service) CreateDirective(ctx context.Context, p *switchboard.Principal, d switchboard.Directive, reason string) (*Result, error) {
	if err := mustAdmin(p); err != nil {
		return nil, err
	}
	d.ID = strings.TrimSpace(d.ID)
	if d.ID == "" {
		return nil, invalid("directive.id", "missing: every directive needs a stable id (eop-2026-02-27)")
	}
	if d.Lifecycle == "" {
		d.Lifecycle = switchboard.LifecycleDraft
	}
	d = cloneDirective(d)
	now := s.now()
	ch, err := s.write(ctx, func(st *switchboard.State) (func(context.Context) (switchboard.Change, error), error) {
		if directiveIndex(st, d.ID) >= 0 {
			return nil, conflict("directive.id", "a directive with id "+q(d.ID)+" already exists; change it with update, or choose another id")
		}
		st.Directives = append(st.Directives, d)
		c := s.change(p, "directive.create", switchboard.KindDirective, d.ID, reason)
		return func(ctx context.Context) (switchboard.Change, error) { return s.Store.PutDirective(ctx, &d, c) }, nil
	})
	if err != nil && ch.Seq == 0 {
		return nil, err
	}
	return &Result{Directive: viewOf(d, now), Change: ch}, err
}

// UpdateDirective replaces directive id with d, whole. Lifecycle and
// history are kept: they change only through issue, stay, unstay and
// rescind, so every transition is recorded as one. Any directive may be
// updated; the change log keeps the before and after.
func (s *Service) UpdateDirective(ctx context.Context, p *switchboard.Principal, id string, d switchboard.Directive, reason string) (*Result, error) {
	if d.ID == "" {
		d.ID = id
	}
	if d.ID != id {
		return nil, invalid("directive.id", q(d.ID)+" differs from the directive being updated, "+q(id)+"; ids cannot change")
	}
	d = cloneDirective(d)
	return s.mutateDirective(ctx, p, id, "directive.update", reason, func(cur *switchboard.Directive, _ time.Time) error {
		if d.Lifecycle != "" && d.Lifecycle != cur.Lifecycle {
			return invalid("directive.lifecycle", "is "+q(cur.Lifecycle)+" and changes only through issue, stay, unstay or rescind")
		}
		if len(d.History) > 0 && !reflect.DeepEqual(d.History, cur.History) {
			return invalid("directive.history", "is recorded by issue, stay, unstay and rescind and cannot be edited")
		}
		d.Lifecycle, d.History = cur.Lifecycle, cur.History
		*cur = d
		return nil
	})
}

// DeleteDirective removes a draft. An issued directive is evidence: it is
// rescinded, not deleted (ECONFLICT).
func (s *Service) DeleteDirective(ctx context.Context, p *switchboard.Principal, id, reason string) (switchboard.Change, error) {
	if err := mustAdmin(p); err != nil {
		return switchboard.Change{}, err
	}
	return s.write(ctx, func(st *switchboard.State) (func(context.Context) (switchboard.Change, error), error) {
		i := directiveIndex(st, id)
		if i < 0 {
			return nil, notFound("directive", id)
		}
		if lc := st.Directives[i].Lifecycle; lc != switchboard.LifecycleDraft {
			return nil, conflict("id", "directive "+q(id)+" is "+lifecycle(lc)+", not a draft: rescind it instead (an issued directive stays on record)")
		}
		st.Directives = append(st.Directives[:i], st.Directives[i+1:]...)
		c := s.change(p, "directive.delete", switchboard.KindDirective, id, reason)
		return func(ctx context.Context) (switchboard.Change, error) { return s.Store.DeleteDirective(ctx, id, c) }, nil
	})
}

func lifecycle(lc string) string {
	if lc == "" {
		return switchboard.LifecycleIssued
	}
	return lc
}

// ActionRequest is the body of issue, stay, unstay and rescind.
type ActionRequest struct {
	// Basis names one legal basis to act on; empty acts on the directive
	// as a whole (its lifecycle).
	Basis string `json:"basis,omitempty"`
	// Status, for stay of a basis: stayed (default) or enjoined.
	Status string `json:"status,omitempty"`
	// EffectiveAt is when the change takes effect (default now): an
	// injunction of 2026-03-26 can take effect on 2026-04-03.
	EffectiveAt *time.Time `json:"effective_at,omitempty"`
	// Reason says why; required for stay, unstay and rescind.
	Reason string `json:"reason,omitempty"`
	// Ref is the court case or document (N.D. Cal. No. 3:26-cv-…).
	Ref string `json:"ref,omitempty"`
}

func (r *ActionRequest) effective(now time.Time) time.Time {
	if r.EffectiveAt == nil || r.EffectiveAt.IsZero() {
		return now
	}
	return r.EffectiveAt.UTC()
}

func requireReason(reason, what string) error {
	if strings.TrimSpace(reason) == "" {
		return invalid("reason", "missing: "+what+" must say why (the court order, the memo); it is recorded in the change log and the directive's history")
	}
	return nil
}

// Issue moves a draft to issued. A directive without issued_at is issued
// now.
func (s *Service) Issue(ctx context.Context, p *switchboard.Principal, id string, r ActionRequest) (*Result, error) {
	if r.Basis != "" || r.Status != "" {
		return nil, invalid("basis", "issue acts on the whole directive; it takes no basis or status")
	}
	return s.mutateDirective(ctx, p, id, "directive.issue", r.Reason, func(d *switchboard.Directive, now time.Time) error {
		if d.Lifecycle != switchboard.LifecycleDraft {
			return conflict("lifecycle", "directive "+q(id)+" is "+lifecycle(d.Lifecycle)+"; only a draft can be issued")
		}
		at := r.effective(now)
		if d.IssuedAt.IsZero() {
			d.IssuedAt = at
		}
		transition(d, at, switchboard.LifecycleIssued, actor(p), r)
		return nil
	})
}

func transition(d *switchboard.Directive, at time.Time, to, by string, r ActionRequest) {
	d.History = append(d.History, switchboard.Transition{At: at, From: lifecycle(d.Lifecycle), To: to, By: by,
		Reason: strings.TrimSpace(r.Reason), Ref: strings.TrimSpace(r.Ref)})
	d.Lifecycle = to
}

// Stay stays the directive as a whole (lifecycle stayed), or, with Basis,
// records that one legal basis is stayed or enjoined from EffectiveAt on
// while the others stay in force.
func (s *Service) Stay(ctx context.Context, p *switchboard.Principal, id string, r ActionRequest) (*Result, error) {
	if err := requireReason(r.Reason, "a stay"); err != nil {
		return nil, err
	}
	status := r.Status
	if status == "" {
		status = switchboard.BasisStayed
	}
	if status != switchboard.BasisStayed && status != switchboard.BasisEnjoined {
		return nil, invalid("status", "unknown status "+q(status)+" (want stayed or enjoined)")
	}
	return s.mutateDirective(ctx, p, id, "directive.stay", r.Reason, func(d *switchboard.Directive, now time.Time) error {
		at := r.effective(now)
		if r.Basis == "" {
			if r.Status == switchboard.BasisEnjoined {
				return invalid("status", "enjoined applies to one basis: give basis")
			}
			if lifecycle(d.Lifecycle) != switchboard.LifecycleIssued {
				return conflict("lifecycle", "directive "+q(id)+" is "+lifecycle(d.Lifecycle)+"; only an issued directive can be stayed")
			}
			transition(d, at, switchboard.LifecycleStayed, actor(p), r)
			return nil
		}
		b, err := basis(d, r.Basis)
		if err != nil {
			return err
		}
		if st := b.StatusAt(at); st != switchboard.BasisInForce {
			return conflict("basis", "basis "+q(r.Basis)+" of "+q(id)+" is already "+st+" at "+at.Format(time.RFC3339))
		}
		addBasisChange(d, b, switchboard.BasisChange{Status: status, EffectiveAt: at, At: now, By: actor(p), Reason: strings.TrimSpace(r.Reason), Ref: strings.TrimSpace(r.Ref)})
		return nil
	})
}

// Rescind rescinds the directive as a whole, or, with Basis, one legal
// basis from EffectiveAt on.
func (s *Service) Rescind(ctx context.Context, p *switchboard.Principal, id string, r ActionRequest) (*Result, error) {
	if err := requireReason(r.Reason, "a rescission"); err != nil {
		return nil, err
	}
	if r.Status != "" {
		return nil, invalid("status", "rescind takes no status")
	}
	return s.mutateDirective(ctx, p, id, "directive.rescind", r.Reason, func(d *switchboard.Directive, now time.Time) error {
		at := r.effective(now)
		if r.Basis == "" {
			switch lifecycle(d.Lifecycle) {
			case switchboard.LifecycleIssued, switchboard.LifecycleStayed:
			default:
				return conflict("lifecycle", "directive "+q(id)+" is "+lifecycle(d.Lifecycle)+"; only an issued or stayed directive can be rescinded")
			}
			transition(d, at, switchboard.LifecycleRescinded, actor(p), r)
			return nil
		}
		b, err := basis(d, r.Basis)
		if err != nil {
			return err
		}
		if st := b.StatusAt(at); st == switchboard.BasisRescinded {
			return conflict("basis", "basis "+q(r.Basis)+" of "+q(id)+" is already rescinded at "+at.Format(time.RFC3339))
		}
		addBasisChange(d, b, switchboard.BasisChange{Status: switchboard.BasisRescinded, EffectiveAt: at, At: now, By: actor(p), Reason: strings.TrimSpace(r.Reason), Ref: strings.TrimSpace(r.Ref)})
		return nil
	})
}

// Unstay exactly reverses the latest stay or rescission: of the directive
// as a whole (its lifecycle goes back to what it was before), or, with
// Basis, of one basis (a new change restores the status the basis had
// before). A stay not yet in effect is cancelled: the restoring change
// takes effect at the same instant, so the stay never acts.
func (s *Service) Unstay(ctx context.Context, p *switchboard.Principal, id string, r ActionRequest) (*Result, error) {
	if err := requireReason(r.Reason, "lifting a stay"); err != nil {
		return nil, err
	}
	if r.Status != "" {
		return nil, invalid("status", "unstay restores the previous status; it takes no status")
	}
	return s.mutateDirective(ctx, p, id, "directive.unstay", r.Reason, func(d *switchboard.Directive, now time.Time) error {
		if r.Basis == "" {
			cur := lifecycle(d.Lifecycle)
			if cur != switchboard.LifecycleStayed && cur != switchboard.LifecycleRescinded {
				return conflict("lifecycle", "directive "+q(id)+" is "+cur+"; only a stayed or rescinded directive can be restored")
			}
			to := switchboard.LifecycleIssued
			at := r.effective(now)
			for i := len(d.History) - 1; i >= 0; i-- {
				if tr := d.History[i]; tr.To == cur && tr.From != "" {
					to = tr.From
					if r.EffectiveAt == nil && tr.At.After(at) {
						at = tr.At
					}
					break
				}
			}
			transition(d, at, to, actor(p), r)
			return nil
		}
		b, err := basis(d, r.Basis)
		if err != nil {
			return err
		}
		n := len(b.History)
		if n == 0 || b.History[n-1].Status == switchboard.BasisInForce {
			return conflict("basis", "basis "+q(r.Basis)+" of "+q(id)+" has no stay or rescission to lift")
		}
		last := b.History[n-1]
		at := r.effective(now)
		if r.EffectiveAt == nil && last.EffectiveAt.After(at) {
			at = last.EffectiveAt
		}
		if at.Before(last.EffectiveAt) {
			return invalid("effective_at", "is before the "+last.Status+" it lifts takes effect ("+last.EffectiveAt.Format(time.RFC3339)+")")
		}
		prev := switchboard.LegalBasis{Status: b.Status, History: b.History[:n-1]}
		if n == 1 {
			prev.History = nil
			prev.Status = switchboard.BasisInForce
		}
		addBasisChange(d, b, switchboard.BasisChange{Status: prev.StatusAt(last.EffectiveAt), EffectiveAt: at, At: now, By: actor(p), Reason: strings.TrimSpace(r.Reason), Ref: strings.TrimSpace(r.Ref)})
		return nil
	})
}

func basis(d *switchboard.Directive, id string) (*switchboard.LegalBasis, error) {
	var ids []string
	for i := range d.Bases {
		if d.Bases[i].ID == id {
			return &d.Bases[i], nil
		}
		ids = append(ids, d.Bases[i].ID)
	}
	return nil, &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "basis",
		Message: "basis: directive " + q(d.ID) + " has no legal basis " + q(id) + known(ids)}
}

// addBasisChange appends c to b's history. A basis without history whose
// Status is not in force gets that status recorded first, from the
// directive's issuance, so the new change does not rewrite the past.
func addBasisChange(d *switchboard.Directive, b *switchboard.LegalBasis, c switchboard.BasisChange) {
	if len(b.History) == 0 && b.Status != "" && b.Status != switchboard.BasisInForce {
		from := d.IssuedAt
		if from.IsZero() || from.After(c.EffectiveAt) {
			from = time.Unix(0, 0).UTC()
		}
		b.History = append(b.History, switchboard.BasisChange{Status: b.Status, EffectiveAt: from})
	}
	b.History = append(b.History, c)
	b.Status = c.Status
}

// WaiveRequest is the body of waive.
type WaiveRequest struct {
	// ID names the waiver; default: the directive id with -wN.
	ID string `json:"id,omitempty"`
	// Tenant is the subtree root the waiver covers.
	Tenant string `json:"tenant"`
	// Expires must be in the future: every waiver expires.
	Expires time.Time `json:"expires"`
	// Justification says why the waiver is granted; required.
	Justification string `json:"justification"`
	// Models narrows the waiver to these glob patterns.
	Models []string `json:"models,omitempty"`
	// Reason is recorded in the change log; default the justification.
	Reason string `json:"reason,omitempty"`
}

// Waive grants a waiver of directive id to a tenant subtree until it
// expires; the actor is recorded as granted_by.
func (s *Service) Waive(ctx context.Context, p *switchboard.Principal, id string, r WaiveRequest) (*Result, error) {
	if strings.TrimSpace(r.Justification) == "" {
		return nil, invalid("justification", "missing: a waiver must say why it is granted")
	}
	if r.Tenant == "" {
		return nil, invalid("tenant", "missing: name the tenant (a subtree root) the waiver covers")
	}
	if r.Expires.IsZero() {
		return nil, invalid("expires", "missing: every waiver expires")
	}
	reason := r.Reason
	if strings.TrimSpace(reason) == "" {
		reason = r.Justification
	}
	return s.mutateDirective(ctx, p, id, "directive.waive", reason, func(d *switchboard.Directive, now time.Time) error {
		if !r.Expires.After(now) {
			return invalid("expires", r.Expires.UTC().Format(time.RFC3339)+" is not in the future (now is "+now.Format(time.RFC3339)+")")
		}
		wid := r.ID
		taken := map[string]bool{}
		for _, w := range d.Waivers {
			taken[w.ID] = true
		}
		if wid == "" {
			for n := len(d.Waivers) + 1; ; n++ {
				if wid = d.ID + "-w" + itoa(n); !taken[wid] {
					break
				}
			}
		} else if taken[wid] {
			return conflict("id", "directive "+q(id)+" already has a waiver "+q(wid))
		}
		d.Waivers = append(d.Waivers, switchboard.Waiver{
			ID: wid, Tenant: r.Tenant, GrantedAt: now, Expires: r.Expires.UTC(),
			GrantedBy: actor(p), Justification: strings.TrimSpace(r.Justification), Models: r.Models,
		})
		return nil
	})
}

// RevokeWaiver ends waiver wid of directive id now. The waiver stays on
// record with its expiry set to now, so the evidence of what it allowed
// before is kept.
func (s *Service) RevokeWaiver(ctx context.Context, p *switchboard.Principal, id, wid, reason string) (*Result, error) {
	return s.mutateDirective(ctx, p, id, "directive.revoke-waiver", reason, func(d *switchboard.Directive, now time.Time) error {
		for i := range d.Waivers {
			w := &d.Waivers[i]
			if w.ID != wid {
				continue
			}
			if !w.Expires.IsZero() && !w.Expires.After(now) {
				return conflict("waiver", "waiver "+q(wid)+" of "+q(id)+" already expired at "+w.Expires.Format(time.RFC3339))
			}
			end := now
			if w.GrantedAt.After(end) {
				end = w.GrantedAt
			}
			w.Expires = end
			return nil
		}
		return &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "waiver", Message: "directive " + q(id) + " has no waiver " + q(wid)}
	})
}
