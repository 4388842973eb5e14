package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/oidc"
	"github.com/switchboard-gov/switchboard/oidc/oidctest"
)

const redirect = "https://statechat.example/sso/callback"

func config(issuer string) oidc.Config {
	return oidc.Config{
		Issuer: issuer, ClientID: "statechat", ClientSecret: "s3cret", RedirectURL: redirect,
		TenantClaim: "agency", RoleClaim: "groups",
		Tenants: map[string]string{"State": "state/statechat", "Treasury": "treasury"},
		Roles:   map[string]string{"sb-admins": "admin", "sb-auditors": "auditor", "*": "user"},
	}
}

func start(t *testing.T) (*oidctest.Provider, *oidc.RelyingParty) {
	t.Helper()
	p, err := oidctest.Start("statechat", "s3cret", redirect)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	rp, err := oidc.New(config(p.Issuer), oidc.Options{HTTPClient: p.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return p, rp
}

// authorize follows authURL through the provider, as a browser would, and
// returns the query the provider sends back to the callback.
func authorize(t *testing.T, p *oidctest.Provider, authURL string) url.Values {
	t.Helper()
	c := p.Client()
	var back *url.URL
	c.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), redirect) {
			back = r.URL
			return http.ErrUseLastResponse
		}
		return nil
	}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if back == nil {
		t.Fatalf("the provider did not send the browser back to the callback: %d %s", resp.StatusCode, resp.Request.URL)
	}
	return back.Query()
}

func TestSignIn(t *testing.T) {
	p, rp := start(t)
	p.SetUser(oidctest.User{Subject: "u-1001", Claims: map[string]any{
		"agency": "State", "groups": []string{"staff", "sb-auditors"}, "name": "Pat Diplomat", "email": "pat@state.example"}})
	ctx := context.Background()
	authURL, pend, err := rp.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") != pend.Nonce || q.Get("state") != pend.State {
		t.Errorf("authorization URL %s: want PKCE S256, the nonce and the state", authURL)
	}
	if strings.Contains(authURL, pend.Verifier) {
		t.Error("the PKCE verifier itself went to the provider")
	}
	id, err := rp.Finish(ctx, pend, authorize(t, p, authURL))
	if err != nil {
		t.Fatal(err)
	}
	want := switchboard.Principal{KeyID: "sso:u-1001", Name: "Pat Diplomat", Tenant: "state/statechat", Role: "auditor"}
	if !reflect.DeepEqual(id.Principal, want) || id.Subject != "u-1001" {
		t.Errorf("identity %+v; want %+v", id.Principal, want)
	}
	if got := p.Challenges(); len(got) != 1 || got[0] != "S256" {
		t.Errorf("the provider saw PKCE methods %v; want [S256]", got)
	}
}

// TestRefused: every tampered or failed step is refused with a message
// that names it, and the provider itself checks the PKCE verifier.
func TestRefused(t *testing.T) {
	p, rp := start(t)
	p.SetUser(oidctest.User{Subject: "u-2", Claims: map[string]any{"agency": "State"}})
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		tamper func(*oidc.Pending, url.Values)
		param  string
	}{
		{"state", func(_ *oidc.Pending, q url.Values) { q.Set("state", "forged") }, "state"},
		{"nonce", func(p *oidc.Pending, _ url.Values) { p.Nonce = "another-sign-in" }, "nonce"},
		// The provider holds the challenge; a wrong verifier fails there.
		{"verifier", func(p *oidc.Pending, _ url.Values) { p.Verifier = strings.Repeat("x", 43) }, "code"},
		{"code", func(_ *oidc.Pending, q url.Values) { q.Set("code", "forged") }, "code"},
		{"provider error", func(_ *oidc.Pending, q url.Values) { q.Set("error", "access_denied") }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			authURL, pend, err := rp.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			q := authorize(t, p, authURL)
			tc.tamper(&pend, q)
			_, err = rp.Finish(ctx, pend, q)
			var e *switchboard.Error
			if !errors.As(err, &e) || e.Code != switchboard.EUNAUTHORIZED || e.Param != tc.param {
				t.Fatalf("Finish with tampered %s: %v; want unauthorized naming %q", tc.name, err, tc.param)
			}
		})
	}
	// The code was not spent by a failed nonce check's twin: a fresh
	// sign-in still works, and a code cannot be redeemed twice.
	authURL, pend, _ := rp.Begin(ctx)
	q := authorize(t, p, authURL)
	if _, err := rp.Finish(ctx, pend, q); err != nil {
		t.Fatal(err)
	}
	if _, err := rp.Finish(ctx, pend, q); switchboard.ErrorCode(err) != switchboard.EUNAUTHORIZED {
		t.Errorf("second redemption of one code: %v; want unauthorized", err)
	}
}

func TestExpiredIDToken(t *testing.T) {
	p, err := oidctest.Start("statechat", "s3cret", redirect)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.SetUser(oidctest.User{Subject: "u-3", Claims: map[string]any{"agency": "State"}})
	// The gateway's clock is a day ahead of the provider's.
	rp, _ := oidc.New(config(p.Issuer), oidc.Options{HTTPClient: p.Client(), Now: func() time.Time { return time.Now().Add(24 * time.Hour) }})
	authURL, pend, err := rp.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = rp.Finish(context.Background(), pend, authorize(t, p, authURL))
	var e *switchboard.Error
	if !errors.As(err, &e) || e.Param != "id_token" || !strings.Contains(e.Cause.Error(), "expired") {
		t.Errorf("expired ID token: %v; want refused as expired", err)
	}
}

func TestUnreachableProvider(t *testing.T) {
	rp, err := oidc.New(config("https://127.0.0.1:1"), oidc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := rp.Begin(context.Background()); switchboard.ErrorCode(err) != switchboard.EUNAVAILABLE {
		t.Errorf("Begin with the provider down: %v; want unavailable", err)
	}
}

func TestMap(t *testing.T) {
	c := config("https://idp.example")
	for _, tc := range []struct {
		name   string
		claims map[string]any
		tenant string
		role   string
		param  string // of the refusal
	}{
		{"admin group wins", map[string]any{"agency": "State", "groups": []any{"staff", "sb-admins", "sb-auditors"}}, "state/statechat", "admin", ""},
		{"one group as a string", map[string]any{"agency": "Treasury", "groups": "sb-auditors"}, "treasury", "auditor", ""},
		{"no listed group gets *", map[string]any{"agency": "State", "groups": []any{"staff"}}, "state/statechat", "user", ""},
		{"no groups claim gets *", map[string]any{"agency": "State"}, "state/statechat", "user", ""},
		{"agency not mapped", map[string]any{"agency": "Defense", "groups": []any{"sb-admins"}}, "", "", "agency"},
		{"agency missing", map[string]any{"groups": []any{"sb-admins"}}, "", "", "agency"},
		{"agency not a string", map[string]any{"agency": []any{"State"}}, "", "", "agency"},
		{"group literally *", map[string]any{"agency": "State", "groups": "*"}, "state/statechat", "user", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := c.Map("s-1", tc.claims)
			if tc.param != "" {
				var e *switchboard.Error
				if !errors.As(err, &e) || e.Code != switchboard.EFORBIDDEN || e.Param != tc.param {
					t.Fatalf("Map: %+v, %v; want forbidden naming %s", p, err, tc.param)
				}
				return
			}
			if err != nil || p.Tenant != tc.tenant || p.Role != tc.role || p.KeyID != "sso:s-1" || p.Name != "s-1" {
				t.Errorf("Map: %+v, %v; want tenant %s role %s", p, err, tc.tenant, tc.role)
			}
		})
	}
	// Without "*", a person in no listed group is refused.
	delete(c.Roles, "*")
	if _, err := c.Map("s-1", map[string]any{"agency": "State", "groups": []any{"staff"}}); switchboard.ErrorCode(err) != switchboard.EFORBIDDEN ||
		!strings.Contains(err.Error(), "none of your groups") {
		t.Errorf("no role: %v; want refused", err)
	}
	if _, err := c.Map("", map[string]any{"agency": "State"}); switchboard.ErrorCode(err) != switchboard.EFORBIDDEN {
		t.Errorf("no subject: %v; want refused", err)
	}
}

func TestValidate(t *testing.T) {
	if err := (&oidc.Config{}).Validate(); err == nil {
		t.Fatal("empty config validated")
	} else {
		for _, f := range []string{"issuer", "client_id", "client_secret", "redirect_url", "tenant_claim", "tenants", "roles"} {
			if !strings.Contains(err.Error(), "sso."+f+":") {
				t.Errorf("empty config: %v\nwant a problem naming %s", err, f)
			}
		}
	}
	for _, tc := range []struct {
		field  string
		change func(*oidc.Config)
	}{
		{"issuer", func(c *oidc.Config) { c.Issuer = "http://idp.example" }},
		{"issuer", func(c *oidc.Config) { c.Issuer = "idp.example" }},
		{"redirect_url", func(c *oidc.Config) { c.RedirectURL = "https://statechat.example/callback" }},
		{"roles.sb-admins", func(c *oidc.Config) { c.Roles["sb-admins"] = "superuser" }},
		{"tenants.State", func(c *oidc.Config) { c.Tenants["State"] = "" }},
		{"role_claim", func(c *oidc.Config) { c.RoleClaim = "" }},
		{"scopes[1]", func(c *oidc.Config) { c.Scopes = []string{"openid", "a b"} }},
	} {
		c := config("https://idp.example")
		tc.change(&c)
		err := c.Validate()
		var ps oidc.Problems
		if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Field != tc.field {
			t.Errorf("%s: %v; want one problem naming it", tc.field, err)
		}
	}
	c := config("http://127.0.0.1:9000")
	c.RoleClaim = ""
	c.Roles = map[string]string{"*": "user"}
	if err := c.Validate(); err != nil {
		t.Errorf("loopback http issuer with only *: %v", err)
	}
	if err := c.CheckTenants(func(t string) bool { return t == "treasury" }); err == nil || !strings.Contains(err.Error(), `sso.tenants.State: unknown tenant "state/statechat"`) {
		t.Errorf("CheckTenants: %v", err)
	}
}
