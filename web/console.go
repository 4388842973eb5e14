package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
	"github.com/switchboard-gov/switchboard/web/conversation"
)

// AuditReader is what the console reads from the audit trail. The audit
// package's store is adapted to it by whoever assembles the gateway.
type AuditReader interface {
	// Search returns records matching q, oldest first, at most q.Limit.
	Search(ctx context.Context, q AuditQuery) ([]AuditRecord, error)
	// Verify checks the hash chain.
	Verify(ctx context.Context) (ChainStatus, error)
}

// AuditQuery filters audit records; zero fields match everything.
type AuditQuery struct {
	Tenant    string
	Vendor    string
	Model     string
	Directive string
	From, To  time.Time
	Limit     int
}

// AuditRecord is one request as the console shows it.
type AuditRecord struct {
	ID             string
	At             time.Time
	Tenant         string
	KeyID          string
	RequestedModel string
	ServedModel    string
	Vendor         string
	Directive      string
	Waiver         string
	// Outcome is the policy outcome: serve, warn, reroute, refuse, waived.
	Outcome   string
	Status    int
	Guardrail string
}

// ChainStatus is the result of verifying the audit chain.
type ChainStatus struct {
	OK        bool
	Records   int64
	Head      string
	FirstBad  string
	Message   string
	CheckedAt time.Time
}

type pageFunc func(w http.ResponseWriter, r *http.Request, sess *Session) (string, map[string]any, error)

// page renders a StateChat page, sending anonymous visitors to sign in.
func (s *Server) page(f func(w http.ResponseWriter, r *http.Request, sess *Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := s.session(r)
		if sess == nil {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
			return
		}
		f(w, r, sess)
	}
}

func (s *Server) chatPage(w http.ResponseWriter, r *http.Request, sess *Session) {
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, http.StatusOK, "chat", s.base(sess, "chat", map[string]any{
		"Conversation": r.PathValue("id"), "MaxChars": s.opts.MaxMessageChars,
	}))
}

func (s *Server) base(sess *Session, nav string, data map[string]any) map[string]any {
	data["Principal"] = sess.Principal
	data["CSRF"] = sess.CSRF
	data["Nav"] = nav
	data["Console"] = isConsoleRole(sess.Principal.Role)
	data["Admin"] = sess.Principal.Role == switchboard.RolePlatformAdmin
	data["Now"] = s.opts.Now().UTC()
	return data
}

// consolePage renders a console page for admins and auditors.
func (s *Server) consolePage(f pageFunc) http.HandlerFunc {
	return s.page(func(w http.ResponseWriter, r *http.Request, sess *Session) {
		w.Header().Set("Cache-Control", "no-store")
		if !isConsoleRole(sess.Principal.Role) {
			s.render(w, http.StatusForbidden, "forbidden", s.base(sess, "", map[string]any{
				"Message": "The console is for the roles admin and auditor; your key (" + actor(sess.Principal) + ") has role " + sess.Principal.Role + "."}))
			return
		}
		name, data, err := f(w, r, sess)
		if err != nil {
			e := switchboard.AsError(err)
			if e.Code == switchboard.EINTERNAL {
				s.opts.Logger.Error("console", "path", r.URL.Path, "err", err)
			}
			s.render(w, e.HTTPStatus(), "forbidden", s.base(sess, "", map[string]any{"Message": e.Message}))
			return
		}
		s.render(w, http.StatusOK, name, s.base(sess, name, data))
	})
}

// consoleForm handles a console form post: admins only, CSRF checked,
// then back to the page it came from.
func (s *Server) consoleForm(f func(r *http.Request, sess *Session) (string, error)) http.HandlerFunc {
	return s.withSession(func(w http.ResponseWriter, r *http.Request, sess *Session) {
		if sess.Principal.Role != switchboard.RolePlatformAdmin {
			writeError(w, &switchboard.Error{Code: switchboard.EFORBIDDEN,
				Message: "only the role admin may change this; your key (" + actor(sess.Principal) + ") has role " + sess.Principal.Role})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		back, err := f(r, sess)
		if err != nil {
			e := switchboard.AsError(err)
			s.render(w, e.HTTPStatus(), "forbidden", s.base(sess, "", map[string]any{"Message": e.Message, "Back": back}))
			return
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
	})
}

// adminGet reads the admin API in-process with the user's key.
func (s *Server) adminGet(ctx context.Context, sess *Session, path string, v any) error {
	if s.opts.Admin == nil {
		return &switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "the admin API is not available on this gateway"}
	}
	rec := call(ctx, s.opts.Admin, nil, http.MethodGet, path, sess.Key, nil)
	if rec.Code != http.StatusOK {
		return &switchboard.Error{Code: switchboard.StatusCode(rec.Code), Message: gatewayMessage(rec.Body.Bytes())}
	}
	return json.Unmarshal(rec.Body.Bytes(), v)
}

// relayAdmin forwards /console/api/... to the admin API at /admin/v1/...
// with the session's key: the console's forms call the admin API itself,
// which enforces roles (an auditor's change is refused there with 403).
func (s *Server) relayAdmin(w http.ResponseWriter, r *http.Request, sess *Session) {
	if s.opts.Admin == nil {
		writeError(w, &switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "the admin API is not available on this gateway"})
		return
	}
	if !isConsoleRole(sess.Principal.Role) {
		writeError(w, &switchboard.Error{Code: switchboard.EFORBIDDEN, Message: "the console is for the roles admin and auditor"})
		return
	}
	req := r.Clone(r.Context())
	req.URL.Path = admin.Prefix + strings.TrimPrefix(r.URL.Path, "/console/api/")
	req.URL.RawPath = ""
	req.RequestURI = ""
	req.Header = http.Header{}
	for _, h := range []string{"Content-Type", "Accept"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	req.Header.Set("Authorization", "Bearer "+sess.Key)
	s.opts.Admin.ServeHTTP(w, req)
}

// directiveRow is a directive in the console's list.
type directiveRow struct {
	admin.DirectiveView
	NextDeadline time.Time
	DaysLeft     int
}

func (s *Server) directives(ctx context.Context, sess *Session) ([]directiveRow, error) {
	var list struct {
		Directives []admin.DirectiveView `json:"directives"`
	}
	if err := s.adminGet(ctx, sess, "/admin/v1/directives", &list); err != nil {
		return nil, err
	}
	now := s.opts.Now()
	rows := make([]directiveRow, len(list.Directives))
	for i, d := range list.Directives {
		rows[i] = directiveRow{DirectiveView: d}
		for j := range d.Scopes {
			end := d.End(j)
			if end.After(now) && (rows[i].NextDeadline.IsZero() || end.Before(rows[i].NextDeadline)) {
				rows[i].NextDeadline = end
			}
		}
		if !rows[i].NextDeadline.IsZero() {
			rows[i].DaysLeft = int(rows[i].NextDeadline.Sub(now).Hours()/24 + 0.999)
		}
	}
	return rows, nil
}

// catalog is what the directive form offers: tenants, vendors, models and
// aliases.
type catalog struct {
	Tenants []switchboard.Tenant
	Models  []switchboard.Model
	Aliases []switchboard.Alias
	Vendors []string
}

func (s *Server) catalog(ctx context.Context, sess *Session) (catalog, error) {
	var c catalog
	var ts struct {
		Tenants []switchboard.Tenant `json:"tenants"`
	}
	var ms struct {
		Models []switchboard.Model `json:"models"`
	}
	var as struct {
		Aliases []switchboard.Alias `json:"aliases"`
	}
	for path, v := range map[string]any{"/admin/v1/tenants": &ts, "/admin/v1/models": &ms, "/admin/v1/aliases": &as} {
		if err := s.adminGet(ctx, sess, path, v); err != nil {
			return c, err
		}
	}
	c.Tenants, c.Models, c.Aliases = ts.Tenants, ms.Models, as.Aliases
	seen := map[string]bool{}
	for _, m := range c.Models {
		if !seen[m.Vendor] {
			seen[m.Vendor] = true
			c.Vendors = append(c.Vendors, m.Vendor)
		}
	}
	sort.Strings(c.Vendors)
	return c, nil
}

func (s *Server) directivesPage(w http.ResponseWriter, r *http.Request, sess *Session) (string, map[string]any, error) {
	rows, err := s.directives(r.Context(), sess)
	if err != nil {
		return "", nil, err
	}
	cat, err := s.catalog(r.Context(), sess)
	if err != nil {
		return "", nil, err
	}
	return "directives", map[string]any{"Directives": rows, "Catalog": cat, "Kinds": switchboard.Kinds()}, nil
}

// timelineEntry is one dated event in a directive's history.
type timelineEntry struct {
	At     time.Time
	What   string
	By     string
	Reason string
	Ref    string
}

func (s *Server) directivePage(w http.ResponseWriter, r *http.Request, sess *Session) (string, map[string]any, error) {
	var one struct {
		Directive admin.DirectiveView `json:"directive"`
	}
	id := r.PathValue("id")
	if err := s.adminGet(r.Context(), sess, "/admin/v1/directives/"+url.PathEscape(id), &one); err != nil {
		return "", nil, err
	}
	d := one.Directive
	var tl []timelineEntry
	if !d.IssuedAt.IsZero() {
		tl = append(tl, timelineEntry{At: d.IssuedAt, What: "Issued by " + d.Authority})
	}
	for _, tr := range d.History {
		tl = append(tl, timelineEntry{At: tr.At, What: "Lifecycle: " + orDash(tr.From) + " → " + tr.To, By: tr.By, Reason: tr.Reason, Ref: tr.Ref})
	}
	for _, b := range d.Bases {
		for _, c := range b.History {
			tl = append(tl, timelineEntry{At: c.EffectiveAt, What: "Legal basis " + b.ID + " (" + b.Citation + "): " + c.Status, By: c.By, Reason: c.Reason, Ref: c.Ref})
		}
	}
	for i := range d.Scopes {
		t := strings.Join(d.Scopes[i].Tenants, ", ")
		tl = append(tl, timelineEntry{At: d.Start(i), What: "Effective for " + t})
		if d.End(i).After(d.Start(i)) {
			tl = append(tl, timelineEntry{At: d.End(i), What: "Phase-out deadline for " + t})
		}
	}
	for _, wv := range d.Waivers {
		if !wv.GrantedAt.IsZero() {
			tl = append(tl, timelineEntry{At: wv.GrantedAt, What: "Waiver " + wv.ID + " granted to " + wv.Tenant, By: wv.GrantedBy, Reason: wv.Justification})
		}
		tl = append(tl, timelineEntry{At: wv.Expires, What: "Waiver " + wv.ID + " for " + wv.Tenant + " expires"})
	}
	sort.SliceStable(tl, func(i, j int) bool { return tl[i].At.Before(tl[j].At) })
	var changes struct {
		Changes []switchboard.Change `json:"changes"`
	}
	_ = s.adminGet(r.Context(), sess, "/admin/v1/changes?kind=directive&object="+url.QueryEscape(id), &changes)
	cat, err := s.catalog(r.Context(), sess)
	if err != nil {
		return "", nil, err
	}
	js, _ := json.Marshal(d.Directive)
	return "directive", map[string]any{"D": d, "Timeline": tl, "Changes": changes.Changes, "Catalog": cat, "JSON": string(js)}, nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, sess *Session) (string, map[string]any, error) {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = conversation.ReportOpen
	}
	f := conversation.ReportFilter{Status: status, Tenant: r.URL.Query().Get("tenant"), Limit: 200}
	if status == "all" {
		f.Status = ""
	}
	reps, err := s.opts.Conversations.Reports(r.Context(), f)
	if err != nil {
		return "", nil, err
	}
	return "reports", map[string]any{"Reports": reps, "Status": status}, nil
}

func (s *Server) resolveReport(r *http.Request, sess *Session) (string, error) {
	res := strings.TrimSpace(r.PostFormValue("resolution"))
	if res == "" {
		return "/console/reports", &switchboard.Error{Code: switchboard.EINVALID, Param: "resolution", Message: "resolution: say what was done about the report"}
	}
	return "/console/reports", s.opts.Conversations.ResolveReport(r.Context(), r.PathValue("id"), actor(sess.Principal), res, s.opts.Now().UTC())
}

// MaxSystemPromptChars bounds a tenant system prompt.
const MaxSystemPromptChars = 8000

func (s *Server) tenantsPage(w http.ResponseWriter, r *http.Request, sess *Session) (string, map[string]any, error) {
	cat, err := s.catalog(r.Context(), sess)
	if err != nil {
		return "", nil, err
	}
	ps, err := s.opts.Conversations.SystemPrompts(r.Context())
	if err != nil {
		return "", nil, err
	}
	prompts := map[string]conversation.SystemPrompt{}
	for _, p := range ps {
		prompts[p.Tenant] = p
	}
	var keys []switchboard.Principal
	if s.opts.Keys != nil {
		keys = s.opts.Keys()
	}
	return "tenants", map[string]any{"Catalog": cat, "Prompts": prompts, "Keys": keys, "MaxPrompt": MaxSystemPromptChars}, nil
}

func (s *Server) setPrompt(r *http.Request, sess *Session) (string, error) {
	tenant := strings.TrimSpace(r.PostFormValue("tenant"))
	prompt := strings.TrimSpace(r.PostFormValue("prompt"))
	back := "/console/tenants#prompt-" + tenant
	switch {
	case tenant == "":
		return back, &switchboard.Error{Code: switchboard.EINVALID, Param: "tenant", Message: "tenant: pick the tenant the prompt is for"}
	case len([]rune(prompt)) > MaxSystemPromptChars:
		return back, &switchboard.Error{Code: switchboard.ETOOLARGE, Param: "prompt",
			Message: fmt.Sprintf("prompt: %s characters is over the limit of %s", commas(len([]rune(prompt))), commas(MaxSystemPromptChars))}
	}
	p := conversation.SystemPrompt{Tenant: tenant, Prompt: prompt, UpdatedBy: actor(sess.Principal), UpdatedAt: s.opts.Now().UTC()}
	if err := s.opts.Conversations.SetSystemPrompt(r.Context(), p); err != nil {
		return back, err
	}
	return back, s.loadPrompts(r.Context())
}

// render executes a page template.
func (s *Server) render(w http.ResponseWriter, status int, name string, data map[string]any) {
	t, ok := s.tmpl[name]
	if !ok {
		http.Error(w, "no page "+name, http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.opts.Logger.Error("render", "page", name, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
