// Package policy decides, for a tenant asking for a model at an instant,
// what vendor directives allow: serve, warn, reroute to a replacement, serve
// under a waiver, or refuse. It is pure: no I/O and no clock; time is always
// passed in, and a Snapshot is immutable, so the gateway swaps a new one in
// atomically on every change.
package policy

import (
	"math"
	"sort"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/route"
)

// Input is everything a Snapshot is built from.
type Input struct {
	Tenants *switchboard.TenantTree
	Vendors []switchboard.Vendor
	Catalog *route.Catalog
	// Directives in evaluation order: when several act with the same
	// strength, the first one is reported and its replacements win.
	Directives []switchboard.Directive
	// Adopted maps a vendor id to the tenants that have used it (from the
	// audit trail, or bootstrapped by config). An exclude directive bars
	// only tenants not listed here. Adoption is per tenant, not inherited:
	// a sub-agency that never used the vendor is a new adopter.
	Adopted map[string][]string
}

// Snapshot is an immutable, indexed view of tenants, catalog and
// directives. Build it once per configuration change with NewSnapshot; it
// is safe for concurrent use.
type Snapshot struct {
	in        Input
	tenantIdx map[string]int32
	tenantIDs []string
	names     map[string]*nameEntry
	dirs      []dirEntry
	// visible is /v1/models order: aliases, then models.
	visible []string
}

// nameEntry is a requestable name (a model or an alias) with its targets.
type nameEntry struct {
	name    string
	alias   bool
	targets []*modelEntry
	// serve is the decision when no directive acts: every target served.
	// Shared by every such Decision; read-only.
	serve []Target
}

// modelEntry is one catalog model and the directives whose subject covers it.
type modelEntry struct {
	id     string
	vendor string
	target route.Target
	dirs   []int32
}

// dirEntry is a directive with its time-independent questions answered in
// advance.
type dirEntry struct {
	d      *switchboard.Directive
	action string
	// scopeOf[tenant] is the index of the first scope covering the tenant,
	// or -1. For exclude, tenants that adopted the vendor are -1.
	scopeOf []int16
	start   []int64 // per scope, unix ns
	end     []int64 // per scope, unix ns
	// InForce is piecewise constant: active[i] holds from breaks[i] on.
	breaks []int64
	active []bool
	uses   []string
	// waivers are checked only when the directive acts.
	waivers []waiverEntry
}

type waiverEntry struct {
	w      *switchboard.Waiver
	from   int64
	until  int64
	models map[string]bool // nil: every model
}

// NewSnapshot validates every directive and builds the indexes. The
// directives are copied; later changes to in do not affect the snapshot.
func NewSnapshot(in Input) (*Snapshot, error) {
	if in.Tenants == nil {
		var err error
		if in.Tenants, err = switchboard.NewTenantTree(nil); err != nil {
			return nil, err
		}
	}
	if in.Catalog == nil {
		in.Catalog = route.NewCatalog(nil, nil, nil)
	}
	in.Directives = cloneDirectives(in.Directives)
	s := &Snapshot{
		in:        in,
		tenantIdx: make(map[string]int32, in.Tenants.Len()),
		tenantIDs: in.Tenants.IDs(),
		names:     map[string]*nameEntry{},
	}
	for i, id := range s.tenantIDs {
		s.tenantIdx[id] = int32(i)
	}
	vendors := make(map[string]bool, len(in.Vendors))
	for _, v := range in.Vendors {
		vendors[v.ID] = true
	}
	has := func(name string) bool {
		if _, ok := in.Catalog.Model(name); ok {
			return true
		}
		_, ok := in.Catalog.Alias(name)
		return ok
	}
	ids := map[string]bool{}
	for i := range in.Directives {
		d := &in.Directives[i]
		if err := d.Validate(in.Tenants, vendors, has); err != nil {
			return nil, err
		}
		if ids[d.ID] {
			return nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "directives[" + d.ID + "].id",
				Message: "directives[" + d.ID + "].id: duplicate directive id"}
		}
		ids[d.ID] = true
		s.dirs = append(s.dirs, s.indexDirective(d))
	}

	models := map[string]*modelEntry{}
	for _, m := range in.Catalog.Models() {
		p, _ := in.Catalog.Provider(m.Provider)
		me := &modelEntry{id: m.ID, vendor: m.Vendor, target: route.Target{Model: m, Provider: p}}
		channel := ""
		if p != nil {
			channel = p.Channel
		}
		for di := range s.dirs {
			if s.dirs[di].d.Subject.Covers(m.Vendor, m.ID, channel) {
				me.dirs = append(me.dirs, int32(di))
			}
		}
		models[m.ID] = me
		s.names[m.ID] = newNameEntry(m.ID, false, []*modelEntry{me})
	}
	for _, a := range in.Catalog.Aliases() {
		var ts []*modelEntry
		for _, id := range a.Targets {
			if me, ok := models[id]; ok {
				ts = append(ts, me)
			}
		}
		if _, clash := s.names[a.Name]; !clash {
			s.names[a.Name] = newNameEntry(a.Name, true, ts)
		}
		s.visible = append(s.visible, a.Name)
	}
	for _, m := range in.Catalog.Models() {
		s.visible = append(s.visible, m.ID)
	}
	return s, nil
}

func newNameEntry(name string, alias bool, ts []*modelEntry) *nameEntry {
	ne := &nameEntry{name: name, alias: alias, targets: ts, serve: make([]Target, len(ts))}
	for i, me := range ts {
		ne.serve[i] = Target{Target: me.target, Outcome: OutcomeServe}
	}
	return ne
}

func (s *Snapshot) indexDirective(d *switchboard.Directive) dirEntry {
	e := dirEntry{d: d, action: d.Action, uses: d.Uses, scopeOf: make([]int16, len(s.tenantIDs))}
	adopted := map[string]bool{}
	if d.Action == switchboard.ActionExclude {
		for _, t := range s.in.Adopted[d.Subject.Vendor] {
			adopted[t] = true
		}
	}
	tree := s.in.Tenants
	for ti, t := range s.tenantIDs {
		e.scopeOf[ti] = -1
		if adopted[t] {
			continue
		}
	scopes:
		for si, sc := range d.Scopes {
			for _, x := range sc.Except {
				if tree.Within(t, x) {
					continue scopes
				}
			}
			for _, root := range sc.Tenants {
				if root == switchboard.ScopeAll || tree.Within(t, root) {
					e.scopeOf[ti] = int16(si)
					break scopes
				}
			}
		}
	}
	for i := range d.Scopes {
		e.start = append(e.start, nanos(d.Start(i)))
		e.end = append(e.end, nanos(d.End(i)))
	}
	// Every instant at which InForce can change; between two, it cannot.
	points := []time.Time{{}, d.IssuedAt}
	for _, tr := range d.History {
		points = append(points, tr.At)
	}
	for _, b := range d.Bases {
		for _, c := range b.History {
			points = append(points, c.EffectiveAt)
		}
	}
	sort.Slice(points, func(i, j int) bool { return points[i].Before(points[j]) })
	for i, p := range points {
		if i > 0 && p.Equal(points[i-1]) {
			continue
		}
		e.breaks = append(e.breaks, nanos(p))
		e.active = append(e.active, d.InForce(p))
	}
	for i := range d.Waivers {
		w := &d.Waivers[i]
		we := waiverEntry{w: w, from: nanos(w.GrantedAt), until: math.MaxInt64}
		if !w.Expires.IsZero() {
			we.until = nanos(w.Expires)
		}
		if len(w.Models) > 0 {
			we.models = map[string]bool{}
			for _, m := range s.in.Catalog.Models() {
				if switchboard.MatchModels(w.Models, m.ID) {
					we.models[m.ID] = true
				}
			}
		}
		e.waivers = append(e.waivers, we)
	}
	return e
}

// activeAt reports whether the directive is in force at t (unix ns).
func (e *dirEntry) activeAt(t int64) bool {
	on := false
	for i, b := range e.breaks {
		if b > t {
			break
		}
		on = e.active[i]
	}
	return on
}

// nanos maps a time to unix nanoseconds; the zero time is the far past.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}

// Directives returns the snapshot's directives, in evaluation order. The
// result is shared: do not modify it.
func (s *Snapshot) Directives() []switchboard.Directive { return s.in.Directives }

// Input returns what the snapshot was built from (directives copied). The
// result is shared: do not modify it.
func (s *Snapshot) Input() Input { return s.in }

// Directive returns the directive with id.
func (s *Snapshot) Directive(id string) (*switchboard.Directive, bool) {
	for i := range s.in.Directives {
		if s.in.Directives[i].ID == id {
			return &s.in.Directives[i], true
		}
	}
	return nil, false
}

func cloneDirectives(ds []switchboard.Directive) []switchboard.Directive {
	out := make([]switchboard.Directive, len(ds))
	copy(out, ds)
	for i := range out {
		d := &out[i]
		d.Bases = append([]switchboard.LegalBasis(nil), d.Bases...)
		for j := range d.Bases {
			d.Bases[j].History = append([]switchboard.BasisChange(nil), d.Bases[j].History...)
		}
		d.Scopes = append([]switchboard.Scope(nil), d.Scopes...)
		d.Waivers = append([]switchboard.Waiver(nil), d.Waivers...)
		d.History = append([]switchboard.Transition(nil), d.History...)
		if d.Replacements != nil {
			r := make(map[string]string, len(d.Replacements))
			for k, v := range d.Replacements {
				r[k] = v
			}
			d.Replacements = r
		}
	}
	return out
}
