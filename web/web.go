// Package web serves StateChat (the chat web app at /) and the console (at
// /console): Go html/template pages and embedded assets, no CDN, so it works
// air-gapped. Chat goes through the gateway's own OpenAI endpoint, called
// in-process with the signed-in user's key attached on the server; the
// console's forms call the admin JSON API through a same-origin relay that
// does the same. The browser holds only a session cookie.
package web

import (
	"context"
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/web/conversation"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Defaults for Options.
const (
	DefaultSessionTTL      = 12 * time.Hour
	DefaultMaxMessageChars = 32000
)

// Options configure a Server. Gateway, Authenticate and Conversations are
// required.
type Options struct {
	// Gateway serves POST /v1/chat/completions and GET /v1/models: the
	// gateway's data-plane handler. StateChat calls it in-process.
	Gateway http.Handler
	// Admin serves the admin JSON API under /admin/v1/ (directives,
	// what-if, tenants, models, aliases, changes, audit). The console reads
	// it and relays the browser's calls to it. Nil: the console says the
	// admin API is not available.
	Admin http.Handler
	// Authenticate resolves a gateway key presented at sign-in to its
	// principal (role and tenant come from the configuration).
	Authenticate func(key string) (*switchboard.Principal, bool)
	// Conversations keeps conversations, reports and system prompts.
	Conversations conversation.Store
	// Sessions keeps sign-ins; nil keeps them in memory.
	Sessions SessionStore
	// Audit reads the audit trail for the audit browser and the compliance
	// dashboard; nil: those pages say the audit trail is not connected.
	Audit AuditReader
	// Keys lists the configured keys (no secrets) for the console's
	// read-only key list.
	Keys func() []switchboard.Principal
	// SecureCookies marks cookies Secure even when the request did not
	// arrive over TLS (TLS terminated by a proxy in front).
	SecureCookies bool
	// SSO turns on single sign-on through an agency's OpenID Provider
	// (/sso/login, /sso/callback and a button on the sign-in page); nil:
	// sign-in with a key only.
	SSO *SSO
	// SessionTTL is how long a sign-in lasts (default 12h).
	SessionTTL time.Duration
	// MaxMessageChars bounds one chat message (default 32,000 characters).
	MaxMessageChars int
	// Now is the clock; nil is time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Server is StateChat and the console.
type Server struct {
	opts Options
	tmpl map[string]*template.Template
	mux  *http.ServeMux
	mu   sync.RWMutex
	// prompts caches tenant system prompts so SystemPrompt never touches
	// the database on the request path.
	prompts map[string]string
}

// New builds the server and loads the tenant system prompts.
func New(ctx context.Context, opts Options) (*Server, error) {
	if opts.Gateway == nil || opts.Authenticate == nil || opts.Conversations == nil {
		return nil, switchboard.Errorf(switchboard.EINVALID, "web: Options.Gateway, Authenticate and Conversations are required")
	}
	if opts.SSO != nil && (opts.SSO.RP == nil || opts.SSO.AsCaller == nil) {
		return nil, switchboard.Errorf(switchboard.EINVALID, "web: Options.SSO needs RP and AsCaller")
	}
	if opts.Sessions == nil {
		opts.Sessions = NewMemorySessions()
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.MaxMessageChars <= 0 {
		opts.MaxMessageChars = DefaultMaxMessageChars
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, prompts: map[string]string{}}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	if err := s.loadPrompts(ctx); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// ServeHTTP serves every route of Routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	if s.opts.SSO != nil {
		r = s.asCaller(r)
	}
	s.mux.ServeHTTP(w, r)
}

// Routes are the path patterns the gateway must send to the Server.
var Routes = []string{"/{$}", "/signin", "/signout", "/c/", "/chat/", "/console", "/console/", "/static/", "/sso/"}

func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(http.FileServerFS(static))))
	m.HandleFunc("GET /{$}", s.page(s.chatPage))
	m.HandleFunc("GET /c/{id}", s.page(s.chatPage))
	m.HandleFunc("GET /signin", s.signinPage)
	m.HandleFunc("POST /signin", s.signin)
	m.HandleFunc("POST /signout", s.signout)
	if s.opts.SSO != nil {
		m.HandleFunc("GET /sso/login", s.ssoLogin)
		m.HandleFunc("GET /sso/callback", s.ssoCallback)
	}

	api := func(pattern string, f apiFunc) { m.HandleFunc(pattern, s.api(f)) }
	api("GET /chat/api/models", s.apiModels)
	api("GET /chat/api/conversations", s.apiConversations)
	api("POST /chat/api/conversations", s.apiCreate)
	api("GET /chat/api/conversations/{id}", s.apiConversation)
	api("PATCH /chat/api/conversations/{id}", s.apiRename)
	api("DELETE /chat/api/conversations/{id}", s.apiDelete)
	api("POST /chat/api/conversations/{id}/messages/{mid}/report", s.apiReport)
	m.HandleFunc("GET /chat/api/conversations/{id}/export", s.withSession(s.export))
	m.HandleFunc("POST /chat/api/conversations/{id}/messages", s.withSession(s.send))
	m.HandleFunc("/chat/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no StateChat endpoint " + r.Method + " " + r.URL.Path})
	})

	m.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/directives", http.StatusSeeOther)
	})
	m.HandleFunc("GET /console/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/directives", http.StatusSeeOther)
	})
	console := func(pattern string, f pageFunc) { m.HandleFunc(pattern, s.consolePage(f)) }
	console("GET /console/directives", s.directivesPage)
	console("GET /console/directives/{id}", s.directivePage)
	console("GET /console/compliance", s.compliancePage)
	console("GET /console/audit", s.auditPage)
	console("GET /console/reports", s.reportsPage)
	console("GET /console/tenants", s.tenantsPage)
	m.HandleFunc("POST /console/reports/{id}/resolve", s.consoleForm(s.resolveReport))
	m.HandleFunc("POST /console/prompts", s.consoleForm(s.setPrompt))
	m.HandleFunc("/console/api/", s.withSession(s.relayAdmin))
	s.mux = m
}

func cacheFor(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

// SystemPrompt is the tenant's standing instructions ("" when it has
// none), for the proxy to prepend to every request from that tenant. It
// reads a cache kept current by the console, so it is cheap on the request
// path.
func (s *Server) SystemPrompt(tenant string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.prompts[tenant]
}

// ReloadPrompts rereads the tenant system prompts, so a prompt set on
// another node takes effect here (the gateway calls it as it polls).
func (s *Server) ReloadPrompts(ctx context.Context) error { return s.loadPrompts(ctx) }

func (s *Server) loadPrompts(ctx context.Context) error {
	ps, err := s.opts.Conversations.SystemPrompts(ctx)
	if err != nil {
		return err
	}
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.Tenant] = p.Prompt
	}
	s.mu.Lock()
	s.prompts = m
	s.mu.Unlock()
	return nil
}

// errorBody is the JSON error shape of the StateChat API, the same as the
// admin API's.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Param   string `json:"param,omitempty"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, err error) {
	e := switchboard.AsError(err)
	var b errorBody
	b.Error.Code, b.Error.Message, b.Error.Param = e.Code, e.Message, e.Param
	writeJSON(w, e.HTTPStatus(), b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// actor names a principal in records: "key_1a2b3c4d (ops)".
func actor(p switchboard.Principal) string {
	if p.Name == "" {
		return p.KeyID
	}
	return p.KeyID + " (" + p.Name + ")"
}

func isConsoleRole(role string) bool {
	return role == switchboard.RolePlatformAdmin || role == switchboard.RoleAuditor
}

func trimTo(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
