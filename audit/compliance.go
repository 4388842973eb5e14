package audit

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// ComplianceOptions select what a compliance report covers.
type ComplianceOptions struct {
	// Tenant narrows the report to one tenant subtree.
	Tenant string
	// From and To bound the requests considered (zero: unbounded).
	From, To time.Time
	// MaxExamples caps the counter-examples listed per tenant (default 50).
	MaxExamples int
	// Adopters are the tenants that used the vendor before the directive
	// (config adoption): an exclude directive lets them continue.
	Adopters []string
}

// Compliance is the evidence for one directive: per tenant in its scope,
// what reached its vendor and when, computed from the audit trail at Head.
type Compliance struct {
	Directive   string           `json:"directive"`
	Title       string           `json:"title"`
	Vendor      string           `json:"vendor"`
	From        time.Time        `json:"from,omitzero"`
	To          time.Time        `json:"to,omitzero"`
	Head        Head             `json:"chain_head"`
	GeneratedAt time.Time        `json:"generated_at"`
	Tenants     []TenantEvidence `json:"tenants"`
	// Compliant is true when no tenant has a counter-example.
	Compliant bool `json:"compliant"`
}

// TenantEvidence is one tenant's counts under one scope of the directive.
type TenantEvidence struct {
	Tenant string `json:"tenant"`
	// Scope is the index of the scope that covers the tenant.
	Scope       int       `json:"scope"`
	EffectiveAt time.Time `json:"effective_at"`
	Deadline    time.Time `json:"deadline"`
	// Requests reaching the vendor before the effective date, inside the
	// phase-out window, and from the deadline on — split into those while
	// the directive was in force and while it was not (stayed, enjoined).
	BeforeEffective  int `json:"before_effective"`
	InWindow         int `json:"in_window"`
	AfterDeadline    int `json:"after_deadline_in_force"`
	AfterWhileStayed int `json:"after_deadline_not_in_force"`
	// Permitted counts requests that reached the vendor after the deadline
	// in a way the directive allows: an earlier adopter under exclude, a
	// use a restrict does not bar, anything under allow.
	Permitted int      `json:"after_deadline_permitted"`
	Reroutes  int      `json:"reroutes"`
	Refusals  int      `json:"refusals"`
	Waived    int      `json:"waived"`
	Waivers   []string `json:"waivers,omitempty"`
	// Violations are requests that reached the vendor from the deadline
	// on, while the directive was in force, without a waiver.
	Violations int      `json:"violations"`
	Examples   []string `json:"counter_examples,omitempty"`
	Verdict    string   `json:"verdict"`
}

// Report computes the compliance evidence for d from s. tenants is the
// agency hierarchy (to find who is in scope).
func Report(ctx context.Context, s Store, d *switchboard.Directive, tenants []switchboard.Tenant, o ComplianceOptions, now time.Time) (*Compliance, error) {
	if d == nil {
		return nil, &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "directive", Message: "unknown directive"}
	}
	if !o.From.IsZero() && !o.To.IsZero() && !o.From.Before(o.To) {
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "from", Message: "the time range is empty: --from must be before --to"}
	}
	tree, err := switchboard.NewTenantTree(tenants)
	if err != nil {
		return nil, err
	}
	if o.Tenant != "" && !tree.Has(o.Tenant) {
		return nil, &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "tenant", Message: "unknown tenant " + o.Tenant}
	}
	if o.MaxExamples <= 0 {
		o.MaxExamples = 50
	}
	head, err := s.Head(ctx)
	if err != nil {
		return nil, err
	}
	rep := &Compliance{Directive: d.ID, Title: d.Title, Vendor: d.Subject.Vendor, From: o.From, To: o.To, Head: head, GeneratedAt: now.UTC(), Compliant: true}
	// Which scope covers each tenant: the first that includes it and does
	// not carve it out.
	byTenant := map[string]*TenantEvidence{}
	for _, id := range tree.IDs() {
		if o.Tenant != "" && !tree.Within(id, o.Tenant) {
			continue
		}
		for i, sc := range d.Scopes {
			if !inScope(tree, id, sc) {
				continue
			}
			ev := &TenantEvidence{Tenant: id, Scope: i, EffectiveAt: d.Start(i), Deadline: d.End(i)}
			byTenant[id] = ev
			rep.Tenants = append(rep.Tenants, *ev)
			break
		}
	}
	sort.Slice(rep.Tenants, func(i, j int) bool { return rep.Tenants[i].Tenant < rep.Tenants[j].Tenant })
	for i := range rep.Tenants {
		byTenant[rep.Tenants[i].Tenant] = &rep.Tenants[i]
	}
	f := Filter{Kind: KindRequest, From: o.From, To: o.To}
	if o.Tenant != "" {
		f.Tenant, f.Subtree = o.Tenant, true
	}
	err = s.Query(ctx, f, func(r *Record) error {
		if r.Seq > head.Seq {
			return errStop
		}
		ev := byTenant[r.Tenant]
		if ev == nil {
			return nil
		}
		if r.Directive == d.ID {
			switch r.Outcome {
			case "reroute":
				ev.Reroutes++
			case "refuse":
				ev.Refusals++
			case "waived":
				ev.Waived++
				if r.Waiver != "" && !contains(ev.Waivers, r.Waiver) {
					ev.Waivers = append(ev.Waivers, r.Waiver)
				}
			}
		}
		if !r.Reached() || r.Vendor != d.Subject.Vendor || !d.Subject.Covers(r.Vendor, r.ServedModel, channel(r)) {
			return nil
		}
		switch t := r.Start; {
		case t.Before(ev.EffectiveAt):
			ev.BeforeEffective++
		case t.Before(ev.Deadline):
			ev.InWindow++
		case !d.InForce(t):
			ev.AfterWhileStayed++
		case r.Waiver != "" && r.Directive == d.ID:
			// Served under this directive's waiver: counted above.
		case d.Action == switchboard.ActionAllow,
			d.Action == switchboard.ActionExclude && contains(o.Adopters, r.Tenant),
			d.Action == switchboard.ActionRestrict && len(d.Uses) > 0 && !hasUse(r, d.Uses):
			ev.Permitted++
		default:
			ev.AfterDeadline++
			ev.Violations++
			if len(ev.Examples) < o.MaxExamples {
				ev.Examples = append(ev.Examples, r.ID)
			}
		}
		return nil
	})
	if err != nil && err != errStop {
		return nil, err
	}
	vendor := d.Subject.Vendor
	for i := range rep.Tenants {
		ev := &rep.Tenants[i]
		if ev.Violations == 0 {
			ev.Verdict = "no request from " + ev.Tenant + " reached " + vendor + " after " + ev.Deadline.UTC().Format(time.RFC3339) + " while the directive was in force"
		} else {
			rep.Compliant = false
			ev.Verdict = itoa(ev.Violations) + " request(s) from " + ev.Tenant + " reached " + vendor + " after " + ev.Deadline.UTC().Format(time.RFC3339) +
				" while the directive was in force: " + strings.Join(ev.Examples, ", ")
		}
	}
	return rep, nil
}

func channel(r *Record) string {
	if r.Channel == "" {
		return "direct"
	}
	return r.Channel
}

func inScope(tree *switchboard.TenantTree, id string, sc switchboard.Scope) bool {
	in := false
	for _, root := range sc.Tenants {
		if root == switchboard.ScopeAll || tree.Within(id, root) {
			in = true
			break
		}
	}
	if !in {
		return false
	}
	for _, ex := range sc.Except {
		if tree.Within(id, ex) {
			return false
		}
	}
	return true
}

// hasUse reports whether a guardrail classified r as one of the uses
// (finding type "use.X" or "X").
func hasUse(r *Record, uses []string) bool {
	for _, f := range r.Findings {
		for _, u := range uses {
			if f.Type == u || f.Type == "use."+u {
				return true
			}
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }
