package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/gateway"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
	"github.com/switchboard-gov/switchboard/oidc"
	"github.com/switchboard-gov/switchboard/oidc/oidctest"
	"github.com/switchboard-gov/switchboard/sqlite"
	"github.com/switchboard-gov/switchboard/web"
)

const ssoConfig = `
providers:
  up: {protocol: openai, base_url: "%s/v1", api_key: k}
vendors:
  openai: {name: OpenAI}
models:
  m-openai: {provider: up, vendor: openai, upstream: gpt-4.1}
aliases:
  statechat: {title: StateChat default, targets: [m-openai]}
tenants:
  gsa: {name: GSA}
  state: {name: Department of State}
  state/statechat: {name: StateChat, parent: state}
`

// seen records the principal on each in-process call to a handler.
type seen struct {
	next http.Handler
	mu   sync.Mutex
	got  []switchboard.Principal
	auth []string
}

func (s *seen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, _ := switchboard.PrincipalFrom(r.Context())
	s.got = append(s.got, p)
	s.auth = append(s.auth, r.Header.Get("Authorization"))
	s.mu.Unlock()
	s.next.ServeHTTP(w, r)
}

func (s *seen) last() (switchboard.Principal, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) == 0 {
		return switchboard.Principal{}, ""
	}
	return s.got[len(s.got)-1], s.auth[len(s.auth)-1]
}

type ssoStack struct {
	url            string
	op             *oidctest.Provider
	gateway, admin *seen
}

// newSSOStack runs a real OpenID Provider, the gateway and StateChat with
// single sign-on, StateChat on plain http as behind a TLS proxy.
func newSSOStack(t *testing.T) *ssoStack {
	t.Helper()
	ctx := context.Background()
	up := httptest.NewServer(fakeprovider.New(fakeprovider.Options{}))
	t.Cleanup(up.Close)
	cfg, err := config.Parse(fmt.Appendf(nil, ssoConfig, up.URL), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg.Store = "sqlite:" + filepath.Join(dir, "sb.db")
	g, err := gateway.New(ctx, cfg, gateway.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	cdb, err := sqlite.Open(ctx, filepath.Join(dir, "sb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cdb.Close() })

	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	op, err := oidctest.Start("statechat", "s3cret", srv.URL+oidc.CallbackPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(op.Close)
	sc := oidc.Config{
		Issuer: op.Issuer, ClientID: "statechat", ClientSecret: "s3cret", RedirectURL: srv.URL + oidc.CallbackPath,
		TenantClaim: "agency", RoleClaim: "groups",
		Tenants: map[string]string{"State": "state/statechat", "GSA": "gsa"},
		Roles:   map[string]string{"sb-admins": switchboard.RolePlatformAdmin, "sb-auditors": switchboard.RoleAuditor, "*": switchboard.RoleUser},
	}
	if err := sc.CheckTenants(func(id string) bool { _, ok := cfg.Tenants[id]; return ok }); err != nil {
		t.Fatal(err)
	}
	rp, err := oidc.New(sc, oidc.Options{HTTPClient: op.Client()})
	if err != nil {
		t.Fatal(err)
	}
	st := &ssoStack{url: srv.URL, op: op, gateway: &seen{next: g.Handler()}, admin: &seen{next: g.Handler()}}
	ws, err := web.New(ctx, web.Options{
		Gateway:       st.gateway,
		Admin:         st.admin,
		Conversations: sqlite.NewConversationStore(cdb),
		Authenticate:  func(string) (*switchboard.Principal, bool) { return nil, false },
		SSO:           &web.SSO{RP: rp, AsCaller: switchboard.WithPrincipal},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range web.Routes {
		mux.Handle(p, ws)
	}
	mux.Handle("/", g.Handler())
	return st
}

// browser is an http.Client with a cookie jar that trusts the provider's
// certificate and follows redirects, as a browser does.
func (st *ssoStack) browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := st.op.Client()
	c.Jar = jar
	return c
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func hasSession(c *http.Client, base string) bool {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "sb_session" {
			return true
		}
	}
	return false
}

// TestSSOSignIn: a person signs in at their agency's provider and lands in
// StateChat with the tenant and role their claims map to; StateChat's
// in-process calls carry that principal and no key.
func TestSSOSignIn(t *testing.T) {
	st := newSSOStack(t)
	st.op.SetUser(oidctest.User{Subject: "u-77", Claims: map[string]any{"agency": "State", "groups": []string{"staff"}, "name": "Pat Diplomat"}})
	c := st.browser(t)

	resp, body := get(t, c, st.url+"/c/abc")
	if resp.Request.URL.Path != "/signin" || !strings.Contains(body, `href="/sso/login?next=%2fc%2fabc"`) || !strings.Contains(body, "Sign in with your agency") {
		t.Fatalf("sign-in page %s: want the agency button keeping next=/c/abc:\n%s", resp.Request.URL, body)
	}
	resp, body = get(t, c, st.url+"/sso/login?next=/c/abc")
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != oidc.CallbackPath || !strings.Contains(body, `content="0;url=/c/abc"`) {
		t.Fatalf("after the provider: %d at %s:\n%s", resp.StatusCode, resp.Request.URL, body)
	}
	if got := st.op.Challenges(); len(got) != 1 || got[0] != "S256" {
		t.Errorf("PKCE methods the provider saw: %v; want [S256]", got)
	}
	resp, body = get(t, c, st.url+"/c/abc")
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/c/abc" ||
		!strings.Contains(body, `title="tenant state/statechat, role user">Pat Diplomat · state/statechat · <span class="role" id="role">user</span>`) {
		t.Fatalf("StateChat: %d at %s; want the chat page as Pat, state/statechat, user:\n%s", resp.StatusCode, resp.Request.URL, body)
	}
	// The gateway itself accepts the signed-in person: the model list
	// comes back with the StateChat alias.
	if resp, body := get(t, c, st.url+"/chat/api/models"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "statechat") {
		t.Errorf("models as the signed-in person: %d %s", resp.StatusCode, body)
	}
	p, auth := st.gateway.last()
	want := switchboard.Principal{KeyID: "sso:u-77", Name: "Pat Diplomat", Tenant: "state/statechat", Role: switchboard.RoleUser}
	if !reflect.DeepEqual(p, want) || strings.TrimSpace(strings.TrimPrefix(auth, "Bearer")) != "" {
		t.Errorf("the gateway was called as %+v with %q; want %+v and no key", p, auth, want)
	}
	// A user is not let into the console.
	if resp, _ := get(t, c, st.url+"/console/directives"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("console as a user: %d; want 403", resp.StatusCode)
	}

	// An administrator by group reaches the console, which calls the
	// admin API as them.
	st.op.SetUser(oidctest.User{Subject: "u-1", Claims: map[string]any{"agency": "GSA", "groups": []string{"staff", "sb-auditors", "sb-admins"}, "email": "ops@gsa.example"}})
	a := st.browser(t)
	get(t, a, st.url+"/sso/login")
	get(t, a, st.url+"/console/directives")
	if p, _ := st.admin.last(); !reflect.DeepEqual(p, switchboard.Principal{KeyID: "sso:u-1", Name: "ops@gsa.example", Tenant: "gsa", Role: switchboard.RolePlatformAdmin}) {
		t.Errorf("the admin API was called as %+v; want the GSA admin", p)
	}
}

// TestSSOOtherTenant: a claim for an agency that has no tenant here grants
// nothing, whatever the groups say.
func TestSSOOtherTenant(t *testing.T) {
	st := newSSOStack(t)
	st.op.SetUser(oidctest.User{Subject: "u-9", Claims: map[string]any{"agency": "Treasury", "groups": []string{"sb-admins"}}})
	c := st.browser(t)
	resp, body := get(t, c, st.url+"/sso/login")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Your agency (Treasury) has no access to this gateway, so sign-in was refused") {
		t.Errorf("other agency: %d; want 403 saying so:\n%s", resp.StatusCode, body)
	}
	if hasSession(c, st.url) {
		t.Error("a refused sign-in left a session cookie")
	}
	if resp, _ := get(t, c, st.url+"/"); resp.Request.URL.Path != "/signin" {
		t.Errorf("StateChat after a refused sign-in: at %s; want /signin", resp.Request.URL)
	}
}

// TestSSOTampered: the callback refuses a forged state, a pending sign-in
// whose nonce is not the ID token's, and a callback in a browser that did
// not start the sign-in.
func TestSSOTampered(t *testing.T) {
	st := newSSOStack(t)
	st.op.SetUser(oidctest.User{Subject: "u-5", Claims: map[string]any{"agency": "State"}})
	// start runs the sign-in up to the provider's redirect back.
	start := func(c *http.Client) *url.URL {
		var back *url.URL
		c.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
			if r.URL.Path == oidc.CallbackPath {
				back = r.URL
				return http.ErrUseLastResponse
			}
			return nil
		}
		get(t, c, st.url+"/sso/login")
		c.CheckRedirect = nil
		if back == nil {
			t.Fatal("the provider did not send the browser back")
		}
		return back
	}
	for _, tc := range []struct {
		name   string
		tamper func(c *http.Client, back *url.URL) *http.Client
		want   string
	}{
		{"state", func(c *http.Client, back *url.URL) *http.Client {
			q := back.Query()
			q.Set("state", "forged")
			back.RawQuery = q.Encode()
			return c
		}, "(state does not match)"},
		{"nonce", func(c *http.Client, back *url.URL) *http.Client {
			u, _ := url.Parse(st.url + "/sso/")
			for _, ck := range c.Jar.Cookies(u) {
				if ck.Name == "sb_sso" {
					b, _ := base64.RawURLEncoding.DecodeString(ck.Value)
					var m map[string]any
					_ = json.Unmarshal(b, &m)
					m["n"] = "nonce-of-another-sign-in"
					b, _ = json.Marshal(m)
					c.Jar.SetCookies(u, []*http.Cookie{{Name: "sb_sso", Value: base64.RawURLEncoding.EncodeToString(b), Path: "/sso/"}})
				}
			}
			return c
		}, "(nonce does not match)"},
		{"another browser", func(_ *http.Client, _ *url.URL) *http.Client { return st.browser(t) }, "started in another browser"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := st.browser(t)
			back := start(c)
			c = tc.tamper(c, back)
			resp, body := get(t, c, back.String())
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, tc.want) {
				t.Errorf("tampered %s: %d; want 401 with %q:\n%s", tc.name, resp.StatusCode, tc.want, body)
			}
			if hasSession(c, st.url) {
				t.Error("a refused sign-in left a session cookie")
			}
		})
	}
}
