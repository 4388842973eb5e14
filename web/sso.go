package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/oidc"
)

// ssoCookie carries a sign-in in flight from /sso/login to /sso/callback.
// It is SameSite=Lax, unlike the session cookie: the provider sends the
// browser back with a cross-site navigation, which Strict cookies miss.
const ssoCookie = "sb_sso"

// SSO is single sign-on through an agency's OpenID Provider (Options.SSO).
// A person signed in this way has no gateway key: StateChat and the
// console call the gateway and the admin API in-process as the session's
// principal instead.
type SSO struct {
	// RP is the relying party for the agency's provider.
	RP *oidc.RelyingParty
	// AsCaller returns ctx marked with p as the already-authenticated
	// caller of an in-process gateway or admin API request; the web server
	// applies it to every request of a single sign-on session, and the
	// gateway's authentication must honour it before looking for a key.
	// It must be settable only by code in this process, never from the
	// network (a context value under an unexported key type).
	AsCaller func(ctx context.Context, p switchboard.Principal) context.Context
}

// ssoPending is the sb_sso cookie's content.
type ssoPending struct {
	oidc.Pending
	Next string `json:"next"`
	// Expires bounds the sign-in by the server's clock, whatever the
	// browser does with the cookie's Max-Age.
	Expires time.Time `json:"exp"`
}

// ssoWindow is how long a person has at their provider to sign in.
const ssoWindow = 10 * time.Minute

// ssoLogin sends the browser to the agency's provider.
func (s *Server) ssoLogin(w http.ResponseWriter, r *http.Request) {
	authURL, pend, err := s.opts.SSO.RP.Begin(r.Context())
	if err != nil {
		s.ssoRefuse(w, r, err)
		return
	}
	b, _ := json.Marshal(ssoPending{Pending: pend, Next: safeNext(r.URL.Query().Get("next")), Expires: s.opts.Now().Add(ssoWindow)})
	c := s.cookie(r, ssoCookie, base64.RawURLEncoding.EncodeToString(b), "/sso/", int(ssoWindow/time.Second))
	c.SameSite = http.SameSiteLaxMode
	http.SetCookie(w, c)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusSeeOther)
}

// ssoCallback completes a sign-in: the provider's answer must match the
// browser's pending sign-in (state), its ID token must verify and carry
// the nonce, and the claims must map to a tenant and a role. Then it
// starts a session exactly as a key sign-in does, without a key.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	clear := s.cookie(r, ssoCookie, "", "/sso/", -1)
	clear.SameSite = http.SameSiteLaxMode
	http.SetCookie(w, clear) // one attempt per pending sign-in
	var pend ssoPending
	c, err := r.Cookie(ssoCookie)
	if err == nil {
		b, derr := base64.RawURLEncoding.DecodeString(c.Value)
		err = derr
		if err == nil {
			err = json.Unmarshal(b, &pend)
		}
	}
	if err != nil || !s.opts.Now().Before(pend.Expires) {
		s.ssoRefuse(w, r, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Param: "state",
			Message: "this sign-in expired or was started in another browser; start again"})
		return
	}
	id, err := s.opts.SSO.RP.Finish(r.Context(), pend.Pending, r.URL.Query())
	if err != nil {
		s.ssoRefuse(w, r, err)
		return
	}
	now := s.opts.Now()
	sess := &Session{Principal: id.Principal, CSRF: randomToken(), Created: now, Expires: now.Add(s.opts.SessionTTL)}
	sid := randomToken()
	if err := s.opts.Sessions.Put(r.Context(), hashID(sid), sess); err != nil {
		s.opts.Logger.Error("session store", "err", err)
		s.renderSignin(w, r, http.StatusInternalServerError, "Signing in failed on the server; try again in a moment.")
		return
	}
	s.opts.Logger.Info("single sign-on", "key_id", id.Principal.KeyID, "tenant", id.Principal.Tenant, "role", id.Principal.Role)
	http.SetCookie(w, s.cookie(r, sessionCookie, sid, "/", int(s.opts.SessionTTL/time.Second)))
	// Not a redirect: the browser arrived here from the provider, a
	// cross-site navigation, and a redirect would continue it, so the
	// SameSite=Strict session cookie would not be sent with it. A page of
	// this site moving on starts a same-site navigation.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = ssoContinue.Execute(w, map[string]any{"Next": pend.Next, "Principal": id.Principal})
}

var ssoContinue = template.Must(template.New("sso").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0;url={{.Next}}">
<title>Signed in · StateChat</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main id="main" class="signin card"><h1>Signed in</h1>
<p>Signed in as {{.Principal.Name}} ({{.Principal.Tenant}}, {{.Principal.Role}}).</p>
<p><a id="continue" class="button" href="{{.Next}}">Continue to StateChat</a></p></main></body></html>`))

// ssoRefuse shows the sign-in page with why single sign-on failed; the
// cause goes to the log.
func (s *Server) ssoRefuse(w http.ResponseWriter, r *http.Request, err error) {
	e := switchboard.AsError(err)
	s.opts.Logger.Warn("single sign-on refused", "param", e.Param, "err", err)
	s.renderSignin(w, r, e.HTTPStatus(), sentence(e.Message))
}

// asCaller marks the request of a single sign-on session with its
// principal (see SSO.AsCaller), and keeps the session it looked up so the
// handler does not look it up again.
func (s *Server) asCaller(r *http.Request) *http.Request {
	if strings.HasPrefix(r.URL.Path, "/static/") {
		return r
	}
	sess := s.session(r)
	if sess == nil {
		return r
	}
	ctx := context.WithValue(r.Context(), sessionCtxKey{}, sess)
	if sess.Key == "" {
		ctx = s.opts.SSO.AsCaller(ctx, sess.Principal)
	}
	return r.WithContext(ctx)
}

// sessionCtxKey keeps a request's session once looked up.
type sessionCtxKey struct{}

// sentence capitalises a message and ends it with a full stop.
func sentence(m string) string {
	m = strings.TrimSpace(m)
	if m == "" {
		return m
	}
	r, n := utf8.DecodeRuneInString(m)
	m = string(unicode.ToUpper(r)) + m[n:]
	if !strings.HasSuffix(m, ".") {
		m += "."
	}
	return m
}
