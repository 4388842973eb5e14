package admin

import (
	"context"
	"net/http"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Role rules of the admin API, in one place:
//
//   - admin (platform admin): everything.
//   - auditor: reads everything (GET, and what-if, which changes
//     nothing); changes nothing.
//   - tenant-admin: reads the platform-wide objects (directives with
//     their waivers, models, aliases, what-if), and reads and changes only
//     keys and tenants within its own tenant subtree: keys of those
//     tenants with role user, developer or tenant-admin (granting admin
//     or auditor, which reach beyond the subtree, is a platform admin's
//     act), and tenants strictly below its own (it cannot re-parent or
//     delete the tenant it administers). Waivers are exceptions to
//     platform-wide directives, so granting one needs admin.
//   - user, developer: no admin access.
//
// Every refusal is a 403 whose message names the role needed.

// maxGrace bounds a rotation's grace period: the old secret of a leaked
// key must not stay usable for long.
const maxGrace = 30 * 24 * time.Hour

// KeyRequest is the body of key create.
type KeyRequest struct {
	Name   string `json:"name"`
	Tenant string `json:"tenant"`
	Role   string `json:"role"`
	// Models scopes the key to these model and alias names; empty means
	// every model its tenant may use.
	Models []string `json:"models,omitempty"`
	// ExpiresAt must be in the future; nil means the key does not expire.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Reason    string     `json:"reason,omitempty"`
}

// RotateRequest is the body of key rotate.
type RotateRequest struct {
	// Grace keeps the old secret working this long after the rotation (a
	// Go duration: "24h"), so clients can switch without an outage. Empty
	// or "0" ends the old secret at once; at most 720h.
	Grace  string `json:"grace,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// RevokeRequest is the body of key revoke.
type RevokeRequest struct {
	// Reason is required: it is recorded with the key and in the change
	// log.
	Reason string `json:"reason"`
}

// KeyView is a key as the admin API shows it: never its secret or hash,
// with its status now.
type KeyView struct {
	switchboard.Key
	Status string `json:"status"`
}

// KeyResult is what create, rotate and revoke return. Secret, the
// plaintext key, is set by create and rotate only: it is shown this once
// and kept nowhere.
type KeyResult struct {
	Key     KeyView            `json:"key"`
	Secret  string             `json:"secret,omitempty"`
	Warning string             `json:"warning,omitempty"`
	Change  switchboard.Change `json:"change"`
}

const secretWarning = "this is the only time the key is shown: Switchboard keeps only its SHA-256 hash. Store it now."

func (s *Service) keyStore() (switchboard.KeyStore, error) {
	ks, ok := s.Store.(switchboard.KeyStore)
	if !ok {
		return nil, &switchboard.Error{Code: switchboard.EUNAVAILABLE,
			Message: "this gateway's store does not keep managed keys; keys come only from the configuration file"}
	}
	return ks, nil
}

func (s *Service) view(k switchboard.Key) KeyView {
	return KeyView{Key: k.Clone(), Status: k.Status(s.now())}
}

func forbidden(msg string) *switchboard.Error {
	return &switchboard.Error{Code: switchboard.EFORBIDDEN, Message: msg}
}

func unauthenticated(p *switchboard.Principal) error {
	if p == nil {
		return &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "a key with role admin or tenant-admin is required"}
	}
	return nil
}

// readsAll reports whether p reads every tenant's objects.
func readsAll(p *switchboard.Principal) bool {
	return p.Role == switchboard.RolePlatformAdmin || p.Role == switchboard.RoleAuditor
}

// mayRead refuses p reading an object of tenant.
func mayRead(p *switchboard.Principal, tree *switchboard.TenantTree, what, tenant string) error {
	if err := unauthenticated(p); err != nil {
		return err
	}
	switch {
	case readsAll(p):
		return nil
	case p.Role == switchboard.RoleTenantAdmin:
		if tree.Within(tenant, p.Tenant) {
			return nil
		}
		return forbidden(what + " belongs to tenant " + q(tenant) + ", outside the subtree of " + q(p.Tenant) +
			" that this key (" + actor(p) + ") administers; reading it needs a key with role admin or auditor")
	}
	return forbidden("reading " + what + " needs a key with role admin, auditor or tenant-admin; this key (" + actor(p) + ") has role " + quoteRole(p.Role))
}

// mayManageKey refuses p creating or changing a key of tenant with role.
func mayManageKey(p *switchboard.Principal, tree *switchboard.TenantTree, tenant, role string) error {
	if err := unauthenticated(p); err != nil {
		return err
	}
	switch p.Role {
	case switchboard.RolePlatformAdmin:
		return nil
	case switchboard.RoleTenantAdmin:
		if !tree.Within(tenant, p.Tenant) {
			return forbidden("tenant " + q(tenant) + " is outside the subtree of " + q(p.Tenant) + " that this key (" + actor(p) +
				") administers; managing its keys needs a key with role admin (or tenant-admin of " + q(tenant) + ")")
		}
		if role == switchboard.RolePlatformAdmin || role == switchboard.RoleAuditor {
			return forbidden("a key with role " + role + " reaches beyond one tenant's subtree; only a key with role admin may grant or manage it")
		}
		return nil
	}
	return forbidden("managing keys needs a key with role admin or tenant-admin; this key (" + actor(p) + ") has role " + quoteRole(p.Role))
}

// Keys lists the keys p may read (a tenant admin: those of its subtree),
// in creation order, revoked and expired ones included, optionally only
// those of tenant's subtree.
func (s *Service) Keys(ctx context.Context, p *switchboard.Principal, tenant string) ([]KeyView, error) {
	ks, err := s.keyStore()
	if err != nil {
		return nil, err
	}
	_, tree, err := s.loadTree(ctx)
	if err != nil {
		return nil, err
	}
	if err := mayRead(p, tree, "the key list", p.Tenant); err != nil {
		return nil, err
	}
	keys, err := ks.Keys(ctx)
	if err != nil {
		return nil, err
	}
	out := []KeyView{}
	for _, k := range keys {
		if mayRead(p, tree, "", k.Tenant) != nil || (tenant != "" && !tree.Within(k.Tenant, tenant)) {
			continue
		}
		out = append(out, s.view(k))
	}
	return out, nil
}

// Key returns one key, if p may read it.
func (s *Service) Key(ctx context.Context, p *switchboard.Principal, id string) (*KeyView, error) {
	ks, err := s.keyStore()
	if err != nil {
		return nil, err
	}
	_, tree, err := s.loadTree(ctx)
	if err != nil {
		return nil, err
	}
	k, err := ks.Key(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := mayRead(p, tree, "key "+q(id), k.Tenant); err != nil {
		return nil, err
	}
	v := s.view(*k)
	return &v, nil
}

// CreateKey creates a key and returns its secret, once. The role must be
// known, the tenant exist, every scope entry name a model or alias, and
// the expiry lie in the future.
func (s *Service) CreateKey(ctx context.Context, p *switchboard.Principal, r KeyRequest) (*KeyResult, error) {
	if err := unauthenticated(p); err != nil {
		return nil, err
	}
	ks, err := s.keyStore()
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(r.Name)
	switch {
	case name == "":
		return nil, invalid("name", "missing: name the key after the person or application holding it")
	case !switchboard.ValidRole(r.Role):
		return nil, invalid("role", "unknown role "+q(r.Role)+" (want one of "+strings.Join(switchboard.Roles, ", ")+")")
	case strings.TrimSpace(r.Tenant) == "":
		return nil, invalid("tenant", "missing: every key belongs to a tenant")
	}
	now := s.now()
	k := switchboard.Key{Name: name, Tenant: strings.TrimSpace(r.Tenant), Role: r.Role, CreatedAt: now, CreatedBy: actor(p)}
	if r.ExpiresAt != nil && !r.ExpiresAt.IsZero() {
		if !r.ExpiresAt.After(now) {
			return nil, invalid("expires_at", r.ExpiresAt.UTC().Format(time.RFC3339)+" is not in the future (now is "+now.Format(time.RFC3339)+")")
		}
		k.ExpiresAt = r.ExpiresAt.UTC()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st, tree, err := s.loadTree(ctx)
	if err != nil {
		return nil, err
	}
	if !tree.Has(k.Tenant) {
		return nil, invalid("tenant", "unknown tenant "+q(k.Tenant))
	}
	if err := mayManageKey(p, tree, k.Tenant, k.Role); err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, m := range st.Models {
		names[m.ID] = true
	}
	for _, a := range st.Aliases {
		names[a.Name] = true
	}
	seen := map[string]bool{}
	for i, m := range r.Models {
		m = strings.TrimSpace(m)
		switch {
		case !names[m]:
			return nil, invalid("models["+itoa(i)+"]", "unknown model or alias "+q(m))
		case seen[m]:
			continue
		}
		seen[m] = true
		k.Models = append(k.Models, m)
	}
	configured := map[string]bool{}
	for _, c := range s.static().Keys {
		configured[c.KeyID] = true
	}
	// A random 32-bit id can collide with another key's: draw again.
	for attempt := 0; ; attempt++ {
		if k.ID, err = switchboard.NewKeyID(nil); err != nil {
			return nil, err
		}
		if configured[k.ID] {
			continue
		}
		secret, err := switchboard.NewKeySecret(k.ID, nil)
		if err != nil {
			return nil, err
		}
		k.Hash = switchboard.HashKey(secret)
		ch, err := ks.CreateKey(ctx, &k, s.change(p, "key.create", switchboard.KindKey, k.ID, r.Reason))
		if switchboard.ErrorCode(err) == switchboard.ECONFLICT && attempt < 4 {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &KeyResult{Key: s.view(k), Secret: secret, Warning: secretWarning, Change: ch}, s.applied(ctx, ch)
	}
}

// RotateKey gives key id a new secret, returned once; id, name, tenant,
// role, scope and expiry stay. The old secret stops at once, or after the
// grace period.
func (s *Service) RotateKey(ctx context.Context, p *switchboard.Principal, id string, r RotateRequest) (*KeyResult, error) {
	var grace time.Duration
	if g := strings.TrimSpace(r.Grace); g != "" {
		d, err := time.ParseDuration(g)
		switch {
		case err != nil:
			return nil, invalid("grace", q(g)+" is not a duration (24h, 90m)")
		case d < 0:
			return nil, invalid("grace", q(g)+" is negative")
		case d > maxGrace:
			return nil, invalid("grace", q(g)+" is over the limit of 720h: a replaced secret must not stay usable for long")
		}
		grace = d
	}
	var secret string
	res, err := s.updateKey(ctx, p, id, "key.rotate", r.Reason, func(k *switchboard.Key, now time.Time) error {
		if st := k.Status(now); st != switchboard.KeyActive {
			return conflict("id", "key "+q(id)+" is "+st+"; create a new key instead")
		}
		var err error
		if secret, err = switchboard.NewKeySecret(k.ID, nil); err != nil {
			return err
		}
		k.PreviousHash, k.PreviousUntil = switchboard.KeyHash{}, time.Time{}
		if grace > 0 {
			k.PreviousHash, k.PreviousUntil = k.Hash, now.Add(grace)
		}
		k.Hash, k.RotatedAt = switchboard.HashKey(secret), now
		return nil
	})
	if res != nil {
		res.Secret, res.Warning = secret, secretWarning
	}
	return res, err
}

// RevokeKey ends key id now, for good; it stays on record.
func (s *Service) RevokeKey(ctx context.Context, p *switchboard.Principal, id string, r RevokeRequest) (*KeyResult, error) {
	if err := requireReason(r.Reason, "a revocation"); err != nil {
		return nil, err
	}
	return s.updateKey(ctx, p, id, "key.revoke", r.Reason, func(k *switchboard.Key, now time.Time) error {
		if !k.RevokedAt.IsZero() {
			return conflict("id", "key "+q(id)+" was already revoked at "+k.RevokedAt.Format(time.RFC3339))
		}
		k.RevokedAt, k.RevokedBy, k.RevokeReason = now, actor(p), strings.TrimSpace(r.Reason)
		k.PreviousHash, k.PreviousUntil = switchboard.KeyHash{}, time.Time{}
		return nil
	})
}

// updateKey loads key id, checks p may manage it, lets edit change it and
// writes it, all under the service's lock.
func (s *Service) updateKey(ctx context.Context, p *switchboard.Principal, id, action, reason string, edit func(k *switchboard.Key, now time.Time) error) (*KeyResult, error) {
	if err := unauthenticated(p); err != nil {
		return nil, err
	}
	ks, err := s.keyStore()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, tree, err := s.loadTree(ctx)
	if err != nil {
		return nil, err
	}
	k, err := ks.Key(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := mayManageKey(p, tree, k.Tenant, k.Role); err != nil {
		return nil, err
	}
	now := s.now()
	if err := edit(k, now); err != nil {
		return nil, err
	}
	ch, err := ks.UpdateKey(ctx, k, s.change(p, action, switchboard.KindKey, id, reason))
	if err != nil {
		return nil, err
	}
	return &KeyResult{Key: s.view(*k), Change: ch}, s.applied(ctx, ch)
}

// applied tells the gateway a change was written, as write does.
func (s *Service) applied(ctx context.Context, ch switchboard.Change) error {
	if s.Changed == nil {
		return nil
	}
	if err := s.Changed(ctx); err != nil {
		return &switchboard.Error{Code: switchboard.EINTERNAL,
			Message: "the change was saved (seq " + itoa(int(ch.Seq)) + ") but the gateway could not apply it; it applies on the next reload",
			Cause:   err}
	}
	return nil
}

// PutTenantScoped is PutTenant for every role that may change tenants: a
// platform admin anywhere; a tenant admin only strictly below its own
// tenant, with the new parent within its subtree. The check reads the
// tree before PutTenant takes the service's lock: a concurrent re-parent
// can at worst let the tenant admin do what it could do a moment before.
func (s *Service) PutTenantScoped(ctx context.Context, p *switchboard.Principal, t switchboard.Tenant, reason string) (switchboard.Change, error) {
	p, err := s.tenantActor(ctx, p, t.ID, &t.Parent)
	if err != nil {
		return switchboard.Change{}, err
	}
	return s.PutTenant(ctx, p, t, reason)
}

// DeleteTenantScoped is DeleteTenant with the rules of PutTenantScoped.
func (s *Service) DeleteTenantScoped(ctx context.Context, p *switchboard.Principal, id, reason string) (switchboard.Change, error) {
	p, err := s.tenantActor(ctx, p, id, nil)
	if err != nil {
		return switchboard.Change{}, err
	}
	return s.DeleteTenant(ctx, p, id, reason)
}

// tenantActor checks a tenant admin's change to tenant id (with the new
// parent, for a put) and returns the principal the change is made as: the
// same key id and name, so the change log names the tenant admin, with
// the platform role PutTenant and DeleteTenant require. Other roles are
// returned as they are, for those methods to judge.
func (s *Service) tenantActor(ctx context.Context, p *switchboard.Principal, id string, parent *string) (*switchboard.Principal, error) {
	if p == nil || p.Role != switchboard.RoleTenantAdmin {
		return p, nil
	}
	_, tree, err := s.loadTree(ctx)
	if err != nil {
		return nil, err
	}
	root := p.Tenant
	need := "; that needs a key with role admin"
	switch {
	case id == root:
		return nil, forbidden("tenant admins may change tenants below " + q(root) + " but not " + q(root) + " itself" + need)
	case tree.Has(id) && !tree.Within(id, root):
		return nil, forbidden("tenant " + q(id) + " is outside the subtree of " + q(root) + " that this key (" + actor(p) + ") administers" + need)
	case parent != nil && !tree.Within(*parent, root):
		return nil, forbidden("a tenant admin of " + q(root) + " may place tenants only within its subtree; parent " + q(*parent) + " is outside it" + need)
	case parent == nil && !tree.Has(id):
		return nil, notFound("tenant", id)
	}
	as := *p
	as.Role = switchboard.RolePlatformAdmin
	return &as, nil
}

// visibleTenants filters ts to those p may read.
func visibleTenants(p *switchboard.Principal, ts []switchboard.Tenant) ([]switchboard.Tenant, error) {
	if readsAll(p) {
		return ts, nil
	}
	tree, err := switchboard.NewTenantTree(ts)
	if err != nil {
		return nil, err
	}
	out := []switchboard.Tenant{}
	for _, t := range ts {
		if mayRead(p, tree, "", t.ID) == nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// visibleChanges filters the change log to what p may read: a tenant
// admin sees the platform-wide changes (directives, models, aliases) and
// those of tenants and keys within its subtree.
func (s *Service) visibleChanges(ctx context.Context, p *switchboard.Principal, cs []switchboard.Change) ([]switchboard.Change, error) {
	if readsAll(p) {
		return cs, nil
	}
	_, tree, err := s.loadTree(ctx)
	if err != nil {
		return nil, err
	}
	keyTenant := map[string]string{}
	if ks, err := s.keyStore(); err == nil {
		keys, err := ks.Keys(ctx)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			keyTenant[k.ID] = k.Tenant
		}
	}
	out := []switchboard.Change{}
	for _, c := range cs {
		tenant := ""
		switch c.Kind {
		case switchboard.KindTenant:
			tenant = c.ObjectID
		case switchboard.KindKey:
			tenant = keyTenant[c.ObjectID]
		default:
			out = append(out, c)
			continue
		}
		if tenant != "" && mayRead(p, tree, "", tenant) == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

func (h *handler) listKeys(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	ks, err := h.svc.Keys(r.Context(), p, r.URL.Query().Get("tenant"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": ks})
	return nil
}

func (h *handler) showKey(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	k, err := h.svc.Key(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"key": k})
	return nil
}

func (h *handler) createKey(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	var body KeyRequest
	if err := decode(r, &body, false); err != nil {
		return err
	}
	res, err := h.svc.CreateKey(r.Context(), p, body)
	if err != nil && res == nil {
		return err
	}
	// The secret is shown even when the gateway has yet to apply the key:
	// it is stored, and it would not be shown again.
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func (h *handler) keyAction(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	id := r.PathValue("id")
	var (
		res *KeyResult
		err error
	)
	switch action := r.PathValue("action"); action {
	case "rotate":
		var body RotateRequest
		if err := decode(r, &body, true); err != nil {
			return err
		}
		res, err = h.svc.RotateKey(r.Context(), p, id, body)
	case "revoke":
		var body RevokeRequest
		if err := decode(r, &body, false); err != nil {
			return err
		}
		res, err = h.svc.RevokeKey(r.Context(), p, id, body)
	default:
		return &switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no key action " + q(action) + " (want rotate or revoke)"}
	}
	if err != nil && res == nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// loadTree loads the managed state and its tenant tree, which every key
// operation checks the caller's reach against.
func (s *Service) loadTree(ctx context.Context) (*switchboard.State, *switchboard.TenantTree, error) {
	st, err := s.Store.Load(ctx)
	if err != nil {
		return nil, nil, err
	}
	tree, err := switchboard.NewTenantTree(st.Tenants)
	if err != nil {
		return nil, nil, err
	}
	return st, tree, nil
}
