package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Cookie names.
const (
	sessionCookie = "sb_session"
	signinCookie  = "sb_signin"
	csrfHeader    = "X-CSRF-Token"
)

// Session is one sign-in. Its id lives only in the browser's HttpOnly
// cookie; stores see the id's SHA-256.
type Session struct {
	Principal switchboard.Principal
	// Key is the gateway key the user signed in with. It never leaves the
	// server: StateChat and the console attach it to their in-process
	// calls. A store that persists sessions must encrypt it at rest (with
	// single sign-on it is empty: those calls carry Principal instead,
	// see SSO.AsCaller).
	Key string
	// CSRF is the token every state-changing request must echo (header
	// X-CSRF-Token, or form field csrf).
	CSRF    string
	Created time.Time
	Expires time.Time
}

// SessionStore keeps sessions by the hex SHA-256 of their id.
type SessionStore interface {
	Put(ctx context.Context, idHash string, s *Session) error
	// Get returns nil, nil for an unknown session.
	Get(ctx context.Context, idHash string) (*Session, error)
	Delete(ctx context.Context, idHash string) error
}

// MemorySessions is a SessionStore in memory: sign-ins end when the
// process does.
type MemorySessions struct {
	mu sync.Mutex
	m  map[string]*Session
}

// NewMemorySessions returns an empty MemorySessions.
func NewMemorySessions() *MemorySessions { return &MemorySessions{m: map[string]*Session{}} }

// Put stores s.
func (m *MemorySessions) Put(_ context.Context, idHash string, s *Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[idHash] = s
	return nil
}

// Get returns the session, or nil.
func (m *MemorySessions) Get(_ context.Context, idHash string) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[idHash], nil
}

// Delete forgets the session.
func (m *MemorySessions) Delete(_ context.Context, idHash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, idHash)
	return nil
}

func randomToken() string {
	var b [32]byte // 256 bits
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

func tokensEqual(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func (s *Server) cookie(r *http.Request, name, value, path string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || s.opts.SecureCookies}
}

// session returns the request's live session, or nil.
func (s *Server) session(r *http.Request) *Session {
	if sess, ok := r.Context().Value(sessionCtxKey{}).(*Session); ok {
		return sess
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess, err := s.opts.Sessions.Get(r.Context(), hashID(c.Value))
	if err != nil {
		s.opts.Logger.Warn("session lookup failed", "err", err)
		return nil
	}
	if sess == nil || !s.opts.Now().Before(sess.Expires) {
		return nil
	}
	return sess
}

// sameOrigin refuses a state-changing request whose Origin names another
// site (defence in depth next to SameSite=Strict and the CSRF token).
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return o == ""
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// checkCSRF verifies the token of a state-changing request.
func checkCSRF(r *http.Request, sess *Session) error {
	if !unsafeMethod(r.Method) {
		return nil
	}
	tok := r.Header.Get(csrfHeader)
	if tok == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		tok = r.PostFormValue("csrf")
	}
	if !sameOrigin(r) || !tokensEqual(tok, sess.CSRF) {
		return &switchboard.Error{Code: switchboard.EFORBIDDEN, Param: "csrf",
			Message: "this request did not carry this page's security token; reload the page and try again"}
	}
	return nil
}

type sessionHandler func(w http.ResponseWriter, r *http.Request, sess *Session)

// withSession requires a signed-in session (401 JSON otherwise) and a
// valid CSRF token on state-changing methods (403).
func (s *Server) withSession(f sessionHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := s.session(r)
		if sess == nil {
			writeError(w, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "your session has ended; sign in again"})
			return
		}
		if err := checkCSRF(r, sess); err != nil {
			writeError(w, err)
			return
		}
		f(w, r, sess)
	}
}

type apiFunc func(w http.ResponseWriter, r *http.Request, sess *Session) error

func (s *Server) api(f apiFunc) http.HandlerFunc {
	return s.withSession(func(w http.ResponseWriter, r *http.Request, sess *Session) {
		r.Body = http.MaxBytesReader(w, r.Body, int64(s.opts.MaxMessageChars)*4+64<<10)
		if err := f(w, r, sess); err != nil {
			e := switchboard.AsError(err)
			if e.Code == switchboard.EINTERNAL {
				s.opts.Logger.Error("statechat api", "path", r.URL.Path, "err", err)
			}
			writeError(w, e)
		}
	})
}

func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	if sess := s.session(r); sess != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.renderSignin(w, r, http.StatusOK, "")
}

func (s *Server) renderSignin(w http.ResponseWriter, r *http.Request, status int, problem string) {
	tok := randomToken()
	http.SetCookie(w, s.cookie(r, signinCookie, tok, "/signin", 600))
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, status, "signin", map[string]any{"CSRF": tok, "Problem": problem, "Next": safeNext(r.FormValue("next")), "SSO": s.opts.SSO != nil})
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// signin checks the key, creates a session and sets its cookie. The key
// goes no further than this request and the server-side session.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.renderSignin(w, r, http.StatusBadRequest, "The sign-in form could not be read; try again.")
		return
	}
	c, err := r.Cookie(signinCookie)
	if err != nil || !sameOrigin(r) || !tokensEqual(r.PostFormValue("csrf"), c.Value) {
		s.renderSignin(w, r, http.StatusForbidden, "This sign-in form has expired; it has been refreshed, please try again.")
		return
	}
	key := strings.TrimSpace(r.PostFormValue("key"))
	if key == "" {
		s.renderSignin(w, r, http.StatusBadRequest, "Enter your Switchboard key.")
		return
	}
	p, ok := s.opts.Authenticate(key)
	if !ok {
		s.renderSignin(w, r, http.StatusUnauthorized, "That key is not valid. Check the key you were given (keys are shown once, at creation).")
		return
	}
	id := randomToken()
	now := s.opts.Now()
	sess := &Session{Principal: *p, Key: key, CSRF: randomToken(), Created: now, Expires: now.Add(s.opts.SessionTTL)}
	if err := s.opts.Sessions.Put(r.Context(), hashID(id), sess); err != nil {
		s.opts.Logger.Error("session store", "err", err)
		s.renderSignin(w, r, http.StatusInternalServerError, "Signing in failed on the server; try again in a moment.")
		return
	}
	http.SetCookie(w, s.cookie(r, signinCookie, "", "/signin", -1))
	http.SetCookie(w, s.cookie(r, sessionCookie, id, "/", int(s.opts.SessionTTL/time.Second)))
	next := safeNext(r.PostFormValue("next"))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	if sess := s.session(r); sess != nil {
		if err := checkCSRF(r, sess); err != nil {
			writeError(w, err)
			return
		}
		c, _ := r.Cookie(sessionCookie)
		_ = s.opts.Sessions.Delete(r.Context(), hashID(c.Value))
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", "/", -1))
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
