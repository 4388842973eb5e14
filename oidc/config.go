package oidc

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	switchboard "github.com/switchboard-gov/switchboard"
)

// CallbackPath is where the identity provider sends people back; the
// redirect URL registered with it must end in this path.
const CallbackPath = "/sso/callback"

// AnyGroup in Config.Roles is the role of a person none of whose groups is
// listed. Without it, such a person is refused.
const AnyGroup = "*"

// Config is the `sso` section of the configuration file: one OpenID
// Provider, the client registered with it, and how its claims map to a
// tenant and a role.
type Config struct {
	// Issuer is the provider's issuer URL, exactly as in its discovery
	// document (https://login.agency.gov/realms/state). It must be https,
	// except on a loopback host for development.
	Issuer string `yaml:"issuer"`
	// ClientID and ClientSecret are the client registered with the
	// provider for this gateway. ClientSecret is usually a ${ENV}
	// reference.
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
	// RedirectURL is this gateway's callback as registered with the
	// provider: https://HOST/sso/callback.
	RedirectURL string `yaml:"redirect_url"`
	// Scopes requested (default openid, profile, email; openid is always
	// requested).
	Scopes []string `yaml:"scopes"`
	// TenantClaim names the ID token claim that says which agency a
	// person belongs to (for example agency).
	TenantClaim string `yaml:"tenant_claim"`
	// Tenants maps a value of TenantClaim to a Switchboard tenant
	// (State: state/statechat). A value not listed grants nothing: the
	// sign-in is refused.
	Tenants map[string]string `yaml:"tenants"`
	// RoleClaim names the claim listing a person's groups (for example
	// groups); a single string or a list of strings.
	RoleClaim string `yaml:"role_claim"`
	// Roles maps a group to a role (user, developer, auditor,
	// tenant-admin, admin). A person in several listed groups gets the
	// most privileged of their roles. The group "*" is the role of a
	// person in no listed group; without it such a person is refused.
	Roles map[string]string `yaml:"roles"`
}

// Problem is one thing wrong with a Config; Field is its key under sso
// (client_id, roles.sb-admins).
type Problem struct {
	Field   string
	Message string
}

// Problems is every problem found in a Config; it is an error.
type Problems []Problem

func (ps Problems) Error() string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = "sso." + p.Field + ": " + p.Message
	}
	return strings.Join(s, "\n")
}

// roleRank orders roles by privilege, for a person in several groups.
var roleRank = map[string]int{
	switchboard.RoleUser:          1,
	switchboard.RoleDeveloper:     2,
	switchboard.RoleAuditor:       3,
	switchboard.RoleTenantAdmin:   4,
	switchboard.RolePlatformAdmin: 5,
}

// Validate reports every problem with the configuration, each naming its
// field; nil when there are none.
func (c *Config) Validate() error {
	var ps Problems
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if c.Issuer == "" {
		add("issuer", "the identity provider's issuer URL is required")
	} else if err := checkURL(c.Issuer); err != "" {
		add("issuer", "%s", err)
	}
	if c.ClientID == "" {
		add("client_id", "the client id registered with the identity provider is required")
	}
	if c.ClientSecret == "" {
		add("client_secret", "the client secret is required (usually a ${ENV} reference)")
	}
	if c.RedirectURL == "" {
		add("redirect_url", "this gateway's callback URL is required (https://HOST%s)", CallbackPath)
	} else if err := checkURL(c.RedirectURL); err != "" {
		add("redirect_url", "%s", err)
	} else if u, _ := url.Parse(c.RedirectURL); u.Path != CallbackPath || u.RawQuery != "" || u.Fragment != "" {
		add("redirect_url", "must end in %s (the gateway's callback), not %q", CallbackPath, u.Path)
	}
	for i, s := range c.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\n") {
			add(fmt.Sprintf("scopes[%d]", i), "scope %q must be one word", s)
		}
	}
	if c.TenantClaim == "" {
		add("tenant_claim", "name the ID token claim that carries the agency (for example agency)")
	}
	if len(c.Tenants) == 0 {
		add("tenants", "map at least one value of the tenant claim to a tenant (State: state/statechat)")
	}
	for _, k := range sortedKeys(c.Tenants) {
		if strings.TrimSpace(k) == "" {
			add("tenants", "a tenant claim value must not be empty")
		}
		if c.Tenants[k] == "" {
			add("tenants."+k, "the tenant for claim value %q is empty", k)
		}
	}
	if _, onlyAny := c.Roles[AnyGroup]; c.RoleClaim == "" && len(c.Roles) > 0 && !(onlyAny && len(c.Roles) == 1) {
		add("role_claim", "name the claim that lists a person's groups (for example groups), or map only %q", AnyGroup)
	}
	if len(c.Roles) == 0 {
		add("roles", "map at least one group to a role, or %q to the role everyone gets (for example user)", AnyGroup)
	}
	for _, k := range sortedKeys(c.Roles) {
		if _, ok := roleRank[c.Roles[k]]; !ok {
			add("roles."+k, "unknown role %q (use user, developer, auditor, tenant-admin or admin)", c.Roles[k])
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// CheckTenants reports every tenant in Tenants that exists does not know.
func (c *Config) CheckTenants(exists func(tenant string) bool) error {
	var ps Problems
	for _, k := range sortedKeys(c.Tenants) {
		if t := c.Tenants[k]; t != "" && !exists(t) {
			ps = append(ps, Problem{Field: "tenants." + k, Message: fmt.Sprintf("unknown tenant %q (define it under tenants)", t)})
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// scopes returns the scopes to request, openid first.
func (c *Config) scopes() []string {
	in := c.Scopes
	if len(in) == 0 {
		in = []string{"profile", "email"}
	}
	out := []string{"openid"}
	for _, s := range in {
		if s != "openid" {
			out = append(out, s)
		}
	}
	return out
}

// checkURL says what is wrong with an issuer or redirect URL, or "".
func checkURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Sprintf("%q is not an absolute http(s) URL", s)
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return fmt.Sprintf("%q must use https (plain http is allowed only on localhost)", s)
	}
	return ""
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
