package admin

import (
	"net/http"
	"strconv"

	switchboard "github.com/switchboard-gov/switchboard"
)

// DirectiveBody is the body of create and update: the directive (same
// fields as a config file's directives entry) and why.
type DirectiveBody struct {
	Directive switchboard.Directive `json:"directive"`
	Reason    string                `json:"reason,omitempty"`
}

// TenantBody is the body of a tenant put. The id comes from the path.
type TenantBody struct {
	Name   string `json:"name,omitempty"`
	Parent string `json:"parent,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// ModelBody is the body of a model put. The id comes from the path.
type ModelBody struct {
	Provider string `json:"provider"`
	Vendor   string `json:"vendor"`
	Upstream string `json:"upstream,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// AliasBody is the body of an alias put. The name comes from the path.
type AliasBody struct {
	Targets []string `json:"targets"`
	Title   string   `json:"title,omitempty"`
	Reason  string   `json:"reason,omitempty"`
}

// ChangeResult is what a tenant, model or alias mutation returns.
type ChangeResult struct {
	Change switchboard.Change `json:"change"`
}

func (h *handler) listDirectives(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	ds, err := h.svc.Directives(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"directives": ds, "at": h.svc.now()})
	return nil
}

func (h *handler) showDirective(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	d, err := h.svc.Directive(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"directive": d})
	return nil
}

func (h *handler) createDirective(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	var body DirectiveBody
	if err := decode(r, &body, false); err != nil {
		return err
	}
	res, err := h.svc.CreateDirective(r.Context(), p, body.Directive, body.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func (h *handler) updateDirective(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	var body DirectiveBody
	if err := decode(r, &body, false); err != nil {
		return err
	}
	res, err := h.svc.UpdateDirective(r.Context(), p, r.PathValue("id"), body.Directive, body.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (h *handler) deleteDirective(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	reason, err := reasonOf(r)
	if err != nil {
		return err
	}
	ch, err := h.svc.DeleteDirective(r.Context(), p, r.PathValue("id"), reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ChangeResult{Change: ch})
	return nil
}

func (h *handler) directiveAction(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	id, action := r.PathValue("id"), r.PathValue("action")
	var (
		res *Result
		err error
	)
	switch action {
	case "issue", "stay", "unstay", "lift", "rescind":
		var body ActionRequest
		if err := decode(r, &body, action == "issue"); err != nil {
			return err
		}
		switch action {
		case "issue":
			res, err = h.svc.Issue(r.Context(), p, id, body)
		case "stay":
			res, err = h.svc.Stay(r.Context(), p, id, body)
		case "unstay", "lift":
			res, err = h.svc.Unstay(r.Context(), p, id, body)
		case "rescind":
			res, err = h.svc.Rescind(r.Context(), p, id, body)
		}
	case "waive":
		var body WaiveRequest
		if err := decode(r, &body, false); err != nil {
			return err
		}
		res, err = h.svc.Waive(r.Context(), p, id, body)
	default:
		return &switchboard.Error{Code: switchboard.ENOTFOUND,
			Message: "no directive action " + q(action) + " (want issue, stay, unstay, rescind or waive)"}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (h *handler) revokeWaiver(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	reason, err := reasonOf(r)
	if err != nil {
		return err
	}
	res, err := h.svc.RevokeWaiver(r.Context(), p, r.PathValue("id"), r.PathValue("wid"), reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (h *handler) whatIf(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	var body WhatIfRequest
	if err := decode(r, &body, false); err != nil {
		return err
	}
	res, err := h.svc.WhatIf(r.Context(), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (h *handler) listTenants(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	ts, err := h.svc.Tenants(r.Context())
	if err == nil {
		ts, err = visibleTenants(p, ts)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"tenants": orEmpty(ts)})
	return nil
}

func (h *handler) showTenant(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	ts, err := h.svc.Tenants(r.Context())
	if err == nil {
		ts, err = visibleTenants(p, ts)
	}
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	for _, t := range ts {
		if t.ID == id {
			writeJSON(w, http.StatusOK, map[string]any{"tenant": t})
			return nil
		}
	}
	return notFound("tenant", id)
}

func (h *handler) putTenant(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	var body TenantBody
	if err := decode(r, &body, false); err != nil {
		return err
	}
	ch, err := h.svc.PutTenantScoped(r.Context(), p, switchboard.Tenant{ID: r.PathValue("id"), Name: body.Name, Parent: body.Parent}, body.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ChangeResult{Change: ch})
	return nil
}

func (h *handler) deleteTenant(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	reason, err := reasonOf(r)
	if err != nil {
		return err
	}
	ch, err := h.svc.DeleteTenantScoped(r.Context(), p, r.PathValue("id"), reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ChangeResult{Change: ch})
	return nil
}

func (h *handler) listModels(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	ms, err := h.svc.Models(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": orEmpty(ms)})
	return nil
}

func (h *handler) showModel(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	ms, err := h.svc.Models(r.Context())
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	for _, m := range ms {
		if m.ID == id {
			writeJSON(w, http.StatusOK, map[string]any{"model": m})
			return nil
		}
	}
	return notFound("model", id)
}

func (h *handler) putModel(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	var body ModelBody
	if err := decode(r, &body, false); err != nil {
		return err
	}
	m := switchboard.Model{ID: r.PathValue("id"), Provider: body.Provider, Vendor: body.Vendor, Upstream: body.Upstream}
	ch, err := h.svc.PutModel(r.Context(), p, m, body.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ChangeResult{Change: ch})
	return nil
}

func (h *handler) deleteModel(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	reason, err := reasonOf(r)
	if err != nil {
		return err
	}
	ch, err := h.svc.DeleteModel(r.Context(), p, r.PathValue("id"), reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ChangeResult{Change: ch})
	return nil
}

func (h *handler) listAliases(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	as, err := h.svc.Aliases(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"aliases": orEmpty(as)})
	return nil
}

func (h *handler) showAlias(w http.ResponseWriter, r *http.Request, _ *switchboard.Principal) error {
	as, err := h.svc.Aliases(r.Context())
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	for _, a := range as {
		if a.Name == name {
			writeJSON(w, http.StatusOK, map[string]any{"alias": a})
			return nil
		}
	}
	return notFound("alias", name)
}

func (h *handler) putAlias(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	var body AliasBody
	if err := decode(r, &body, false); err != nil {
		return err
	}
	a := switchboard.Alias{Name: r.PathValue("name"), Targets: body.Targets, Title: body.Title}
	ch, err := h.svc.PutAlias(r.Context(), p, a, body.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ChangeResult{Change: ch})
	return nil
}

func (h *handler) deleteAlias(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	reason, err := reasonOf(r)
	if err != nil {
		return err
	}
	ch, err := h.svc.DeleteAlias(r.Context(), p, r.PathValue("name"), reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ChangeResult{Change: ch})
	return nil
}

// listChanges serves the change log, filtered by the query parameters
// kind, object, after (a seq) and limit.
func (h *handler) listChanges(w http.ResponseWriter, r *http.Request, p *switchboard.Principal) error {
	qv := r.URL.Query()
	f := switchboard.ChangeFilter{Kind: qv.Get("kind"), ObjectID: qv.Get("object")}
	if v := qv.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return &switchboard.Error{Code: switchboard.EINVALID, Param: "after", Message: "after: " + q(v) + " is not a change seq"}
		}
		f.AfterSeq = n
	}
	if v := qv.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return &switchboard.Error{Code: switchboard.EINVALID, Param: "limit", Message: "limit: " + q(v) + " is not a count"}
		}
		f.Limit = n
	}
	switch f.Kind {
	case "", switchboard.KindDirective, switchboard.KindTenant, switchboard.KindModel, switchboard.KindAlias, switchboard.KindKey:
	default:
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "kind", Message: "kind: " + q(f.Kind) + " is not directive, tenant, model, alias or key"}
	}
	cs, err := h.svc.Changes(r.Context(), f)
	if err == nil {
		cs, err = h.svc.visibleChanges(r.Context(), p, cs)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": orEmpty(cs)})
	return nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
