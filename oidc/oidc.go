// Package oidc signs people in through their agency's OpenID Provider:
// the relying party side of the authorization code flow with PKCE, state
// and nonce, ID token verification, and the mapping of claims to a tenant
// and a role.
package oidc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Options tune a RelyingParty.
type Options struct {
	// HTTPClient talks to the provider (discovery, keys, token); nil is a
	// client with a 10-second timeout.
	HTTPClient *http.Client
	// Now is the clock ID token expiry is checked against; nil is
	// time.Now.
	Now func() time.Time
}

// RelyingParty is this gateway as a client of one OpenID Provider. The
// provider's discovery document is fetched on first use (and again after a
// failure), so a provider that is down does not stop the gateway starting.
type RelyingParty struct {
	cfg    Config
	client *http.Client
	now    func() time.Time

	mu       sync.Mutex
	oauth    *oauth2.Config
	verifier *gooidc.IDTokenVerifier
}

// New returns a RelyingParty for a valid cfg.
func New(cfg Config, opts Options) (*RelyingParty, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &RelyingParty{cfg: cfg, client: opts.HTTPClient, now: opts.Now}, nil
}

// Config returns the configuration the RelyingParty was made with.
func (rp *RelyingParty) Config() Config { return rp.cfg }

// Discover fetches the provider's discovery document if it has not been
// fetched yet. Serve may call it at start to report a misconfigured
// issuer early; Begin calls it anyway.
func (rp *RelyingParty) Discover(ctx context.Context) error {
	_, _, err := rp.discover(ctx)
	return err
}

func (rp *RelyingParty) discover(ctx context.Context) (*oauth2.Config, *gooidc.IDTokenVerifier, error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if rp.oauth != nil {
		return rp.oauth, rp.verifier, nil
	}
	// The provider keeps this context for fetching its signing keys
	// later, so it must outlive the request that triggered discovery.
	pctx := gooidc.ClientContext(context.WithoutCancel(ctx), rp.client)
	p, err := gooidc.NewProvider(pctx, rp.cfg.Issuer)
	if err != nil {
		return nil, nil, &switchboard.Error{Code: switchboard.EUNAVAILABLE, Param: "issuer",
			Message: "your agency's sign-in service could not be reached; try again in a few minutes or sign in with a key",
			Cause:   err}
	}
	rp.oauth = &oauth2.Config{
		ClientID:     rp.cfg.ClientID,
		ClientSecret: rp.cfg.ClientSecret,
		RedirectURL:  rp.cfg.RedirectURL,
		Endpoint:     p.Endpoint(),
		Scopes:       rp.cfg.scopes(),
	}
	rp.verifier = p.Verifier(&gooidc.Config{ClientID: rp.cfg.ClientID, Now: rp.now})
	return rp.oauth, rp.verifier, nil
}

// Pending is a sign-in in flight: what must come back with the browser to
// the callback. Keep it where only that browser can present it (an
// HttpOnly cookie) and for minutes only.
type Pending struct {
	// State binds the provider's answer to this browser's request.
	State string `json:"s"`
	// Nonce binds the ID token to this sign-in.
	Nonce string `json:"n"`
	// Verifier is the PKCE code verifier; the provider saw only its
	// SHA-256 (S256).
	Verifier string `json:"v"`
}

// Begin starts a sign-in: the provider URL to send the browser to, and
// what to keep until it comes back.
func (rp *RelyingParty) Begin(ctx context.Context) (string, Pending, error) {
	oc, _, err := rp.discover(ctx)
	if err != nil {
		return "", Pending{}, err
	}
	p := Pending{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
	return oc.AuthCodeURL(p.State, gooidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier)), p, nil
}

// Identity is a person the provider vouched for, with their tenant and
// role on this gateway.
type Identity struct {
	// Subject is the provider's stable id for the person (sub).
	Subject   string
	Principal switchboard.Principal
	// Expiry is when the provider's ID token expires.
	Expiry time.Time
}

// Finish completes a sign-in from the callback's query: it checks state,
// redeems the code with the PKCE verifier, verifies the ID token
// (signature, issuer, audience, expiry, nonce) and maps its claims. Every
// error is a *switchboard.Error whose message can be shown to the person.
func (rp *RelyingParty) Finish(ctx context.Context, p Pending, q url.Values) (*Identity, error) {
	if e := q.Get("error"); e != "" {
		return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED,
			Message: "your agency's sign-in service did not sign you in (" + errorCode(e) + "); start again, or ask your administrator"}
	}
	if !equal(q.Get("state"), p.State) {
		return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Param: "state",
			Message: "this sign-in did not come back intact from your agency's sign-in service (state does not match); start again"}
	}
	code := q.Get("code")
	if code == "" {
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "code",
			Message: "your agency's sign-in service sent no authorization code; start again"}
	}
	oc, verifier, err := rp.discover(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := oc.Exchange(context.WithValue(ctx, oauth2.HTTPClient, rp.client), code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Param: "code",
			Message: "your agency's sign-in service refused to complete this sign-in; start again", Cause: err}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, &switchboard.Error{Code: switchboard.EUPSTREAM, Param: "id_token",
			Message: "your agency's sign-in service returned no ID token; ask your administrator to check the client's scopes"}
	}
	idt, err := verifier.Verify(gooidc.ClientContext(ctx, rp.client), raw)
	if err != nil {
		return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Param: "id_token",
			Message: "the ID token from your agency's sign-in service could not be verified; start again", Cause: err}
	}
	if !equal(idt.Nonce, p.Nonce) {
		return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Param: "nonce",
			Message: "the ID token does not belong to this sign-in (nonce does not match); start again"}
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Param: "at_hash",
				Message: "the tokens from your agency's sign-in service do not match each other; start again", Cause: err}
		}
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, &switchboard.Error{Code: switchboard.EUPSTREAM, Param: "id_token",
			Message: "the ID token's claims could not be read", Cause: err}
	}
	pr, err := rp.cfg.Map(idt.Subject, claims)
	if err != nil {
		return nil, err
	}
	return &Identity{Subject: idt.Subject, Principal: pr, Expiry: idt.Expiry}, nil
}

// KeyIDPrefix starts the KeyID of every principal signed in by single
// sign-on: "sso:" and the provider's subject.
const KeyIDPrefix = "sso:"

// Map turns a verified ID token's subject and claims into a principal:
// the tenant from TenantClaim through Tenants (a value not listed grants
// nothing), the most privileged role of the groups in RoleClaim through
// Roles (or the "*" role when none is listed), the name from the name,
// email or preferred_username claim.
func (c *Config) Map(subject string, claims map[string]any) (switchboard.Principal, error) {
	if subject == "" {
		return switchboard.Principal{}, &switchboard.Error{Code: switchboard.EFORBIDDEN, Param: "sub",
			Message: "your agency's sign-in service did not say who you are (no sub claim); ask your administrator"}
	}
	agency, ok := claims[c.TenantClaim].(string)
	if !ok || agency == "" {
		return switchboard.Principal{}, &switchboard.Error{Code: switchboard.EFORBIDDEN, Param: c.TenantClaim,
			Message: "your agency's sign-in service did not say which agency you belong to (no " + c.TenantClaim + " claim); sign-in refused — ask your administrator"}
	}
	tenant, ok := c.Tenants[agency]
	if !ok {
		return switchboard.Principal{}, &switchboard.Error{Code: switchboard.EFORBIDDEN, Param: c.TenantClaim,
			Message: "your agency (" + trim(agency) + ") has no access to this gateway, so sign-in was refused; ask your administrator"}
	}
	role := ""
	for _, g := range stringsOf(claims[c.RoleClaim]) {
		if r, ok := c.Roles[g]; ok && g != AnyGroup && roleRank[r] > roleRank[role] {
			role = r
		}
	}
	if role == "" {
		role = c.Roles[AnyGroup]
	}
	if role == "" {
		return switchboard.Principal{}, &switchboard.Error{Code: switchboard.EFORBIDDEN, Param: c.RoleClaim,
			Message: "none of your groups grants a role on this gateway, so sign-in was refused; ask your administrator"}
	}
	name := subject
	for _, k := range []string{"name", "email", "preferred_username"} {
		if s, ok := claims[k].(string); ok && strings.TrimSpace(s) != "" {
			name = trim(s)
			break
		}
	}
	return switchboard.Principal{KeyID: KeyIDPrefix + subject, Name: name, Tenant: tenant, Role: role}, nil
}

// stringsOf reads a claim that is one string or a list of strings.
func stringsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// errorCode keeps an OAuth error code printable and short: it comes from
// the query string, so it is not trusted text.
func errorCode(e string) string {
	if len(e) > 40 {
		e = e[:40]
	}
	for _, c := range e {
		if (c < 'a' || c > 'z') && c != '_' {
			return "error"
		}
	}
	return e
}

func trim(s string) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return string(r)
}

func random() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func equal(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
