// Package limits enforces requests-per-minute, tokens-per-minute and budget
// limits per key and per tenant, and turns usage into spend with a price
// table.
//
// Rate limits use an exact sliding window log: a request is admitted when
// fewer than RPM requests, and at most TPM-estimate tokens, were admitted
// in the 60 seconds before it, so no 60-second span ever holds more than
// RPM requests. A tenant's limits count its whole subtree. Budgets are per
// calendar period (UTC) and a tenant's budget caps its children: spend of
// state/statechat counts against state's budget.
//
// Two implementations share one contract (package limitstest): Memory here,
// for a single node, and redis.Limiter, shared by every node.
package limits

import (
	"context"
	"strconv"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
)

// Window is the length of the rate-limit window.
const Window = time.Minute

// Limiter admits requests against the configured limits and records what
// they used.
//
// Every admitted Ticket should be settled exactly once, with zero usage
// when the upstream call failed, so its token reservation is corrected.
// A ticket never settled keeps its estimate in the token window until the
// window passes.
type Limiter interface {
	// Admit checks every limit that applies to the request and, when all
	// pass, counts it against all of them at once. A refusal is an
	// *switchboard.Error with code ERATELIMIT, RetryAfter set to the
	// seconds until the binding limit frees, and a message naming it; a
	// refusal counts against nothing. A request whose estimate alone is
	// over a tokens-per-minute limit is refused with ETOOLARGE.
	Admit(ctx context.Context, r Request) (Ticket, error)
	// Settle replaces the ticket's token reservation with the actual usage
	// and adds usage.Total() tokens and costUSD dollars to the spend of the
	// ticket's tenant and each of its ancestors, in the periods that
	// contain the ticket's admission time.
	Settle(ctx context.Context, t Ticket, usage llm.Usage, costUSD float64) error
	// Spend returns what tenant's subtree spent in the period containing
	// now.
	Spend(ctx context.Context, tenant string, p Period, now time.Time) (Spend, error)
}

// Request is what Admit checks.
type Request struct {
	// KeyID is the calling key's id; KeyName its name. Key limits are
	// looked up by id first, then by name.
	KeyID   string
	KeyName string
	// Tenant is the caller's tenant; Ancestors its ancestors, nearest first
	// (TenantTree.Ancestors).
	Tenant    string
	Ancestors []string
	Model     string
	// EstimatedTokens is reserved against tokens-per-minute limits until
	// the request settles: the prompt's tokens plus the output allowed.
	EstimatedTokens int
	// Now is the admission time; all window and period math uses it.
	Now time.Time
}

// Ticket is an admitted request, passed back to Settle.
type Ticket struct {
	// ID identifies the request in the token windows.
	ID        string
	KeyID     string
	Tenant    string
	Ancestors []string
	Model     string
	// Estimated is the reservation made at admission.
	Estimated int
	// At is the admission time; spend is recorded in its periods.
	At time.Time
}

// Spend is what a tenant's subtree used in one period.
type Spend struct {
	Tokens int64   `json:"tokens"`
	USD    float64 `json:"usd"`
}

// ScopeKind says whether a Scope is a key or a tenant.
type ScopeKind string

// The kinds of scope limits apply to.
const (
	ScopeKey    ScopeKind = "key"
	ScopeTenant ScopeKind = "tenant"
)

// Scope is a key or a tenant: what a window counts.
type Scope struct {
	Kind ScopeKind
	// ID is the key id or tenant id; Name is how messages show it.
	ID   string
	Name string
}

// Key is a string naming the scope uniquely among all scopes: "k:<id>" or
// "t:<id>".
func (s Scope) Key() string {
	if s.Kind == ScopeKey {
		return "k:" + s.ID
	}
	return "t:" + s.ID
}

// WindowCheck is one scope's rate limits that an admission checks.
type WindowCheck struct {
	Scope Scope
	// RPM and TPM are the limits; 0 means none.
	RPM, TPM int
}

// BudgetCheck is one tenant's budget that an admission checks.
type BudgetCheck struct {
	Tenant string
	Budget Budget
	// Start and End bound the current period.
	Start, End time.Time
}

// Plan is every limit one admission checks, in the order refusals are
// reported: the key, the tenant, then its ancestors nearest first. Both
// implementations execute a Plan; only the counting differs.
type Plan struct {
	Windows []WindowCheck
	Budgets []BudgetCheck
}

// Plan returns the limits that apply to r. It returns ETOOLARGE when r's
// estimate alone exceeds a tokens-per-minute limit, since waiting would
// not help.
func (c *Config) Plan(r Request) (Plan, error) {
	var p Plan
	if r.Now.IsZero() {
		return p, &switchboard.Error{Code: switchboard.EINTERNAL, Message: "internal error; the gateway logged the details", Cause: errNoTime}
	}
	if c == nil {
		return p, nil
	}
	est := max(r.EstimatedTokens, 0)
	if rate, ok := c.keyRate(r.KeyID, r.KeyName); ok && (rate.RPM > 0 || rate.TPM > 0) {
		name := r.KeyName
		if name == "" {
			name = r.KeyID
		}
		p.Windows = append(p.Windows, WindowCheck{Scope: Scope{Kind: ScopeKey, ID: r.KeyID, Name: name}, RPM: rate.RPM, TPM: rate.TPM})
	}
	for i := -1; i < len(r.Ancestors); i++ {
		id := r.Tenant
		if i >= 0 {
			id = r.Ancestors[i]
		}
		tl, ok := c.Tenants[id]
		if !ok {
			continue
		}
		if tl.RPM > 0 || tl.TPM > 0 {
			p.Windows = append(p.Windows, WindowCheck{Scope: Scope{Kind: ScopeTenant, ID: id, Name: id}, RPM: tl.RPM, TPM: tl.TPM})
		}
		if b := tl.Budget; b != nil {
			p.Budgets = append(p.Budgets, BudgetCheck{Tenant: id, Budget: *b, Start: b.Period.Start(r.Now), End: b.Period.End(r.Now)})
		}
	}
	for _, w := range p.Windows {
		if w.TPM > 0 && est > w.TPM {
			return Plan{}, &switchboard.Error{Code: switchboard.ETOOLARGE, Message: "the request needs an estimated " + strconv.Itoa(est) +
				" tokens, more than " + string(w.Scope.Kind) + " " + strconv.Quote(w.Scope.Name) + "'s limit of " + strconv.Itoa(w.TPM) +
				" tokens per minute; shorten the prompt or lower the maximum output tokens"}
		}
	}
	return p, nil
}

func (c *Config) keyRate(id, name string) (Rate, bool) {
	if r, ok := c.Keys[id]; ok && id != "" {
		return r, true
	}
	r, ok := c.Keys[name]
	return r, ok && name != ""
}

// Chain returns the scopes a ticket's usage is recorded against: its key,
// then its tenant and ancestors.
func (t Ticket) Chain() []Scope {
	out := make([]Scope, 0, 2+len(t.Ancestors))
	if t.KeyID != "" {
		out = append(out, Scope{Kind: ScopeKey, ID: t.KeyID, Name: t.KeyID})
	}
	if t.Tenant != "" {
		out = append(out, Scope{Kind: ScopeTenant, ID: t.Tenant, Name: t.Tenant})
	}
	for _, a := range t.Ancestors {
		out = append(out, Scope{Kind: ScopeTenant, ID: a, Name: a})
	}
	return out
}

// Tenants returns the ticket's tenant followed by its ancestors: every
// tenant whose spend the ticket adds to.
func (t Ticket) Tenants() []string {
	out := make([]string, 0, 1+len(t.Ancestors))
	if t.Tenant != "" {
		out = append(out, t.Tenant)
	}
	return append(out, t.Ancestors...)
}
