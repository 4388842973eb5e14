package switchboard

import "time"

// Provider is an upstream endpoint: a vendor's API, a cloud host, or an
// on-premises OpenAI-compatible server.
type Provider struct {
	Name string `yaml:"-" json:"name"`
	// Protocol is the wire protocol the provider speaks: openai, anthropic
	// or gemini.
	Protocol string `yaml:"protocol" json:"protocol"`
	// BaseURL is the API root. For openai it includes the version path
	// (https://api.openai.com/v1); for anthropic and gemini it is the host
	// (https://api.anthropic.com, https://generativelanguage.googleapis.com).
	BaseURL string `yaml:"base_url" json:"base_url"`
	// APIKey is the provider credential, usually a ${ENV} reference.
	APIKey string `yaml:"api_key" json:"-"`
	// Channel says how the vendor's models are reached through this
	// provider: direct, or the cloud host or reseller's name (bedrock,
	// vertex, azure). A vendor's model through a channel is still that
	// vendor's.
	Channel string `yaml:"channel" json:"channel,omitempty"`
	// Simulated marks the in-process fake provider of --demo.
	Simulated bool `yaml:"-" json:"simulated,omitempty"`
}

// Vendor is a company whose models the gateway can serve.
type Vendor struct {
	ID string `yaml:"-" json:"id"`
	// Name is the legal name.
	Name string `yaml:"name" json:"name"`
	// Affiliates are other names the vendor does business under; a
	// directive against the vendor covers them.
	Affiliates []string `yaml:"affiliates" json:"affiliates,omitempty"`
	UEI        string   `yaml:"uei" json:"uei,omitempty"`
	CAGE       string   `yaml:"cage" json:"cage,omitempty"`
}

// Model is one entry of the model catalog: a name clients use, the provider
// that serves it, the vendor whose model it is, and the provider's id for it.
type Model struct {
	ID       string `yaml:"-" json:"id"`
	Provider string `yaml:"provider" json:"provider"`
	Vendor   string `yaml:"vendor" json:"vendor"`
	// Upstream is the provider's id for the model; defaults to ID.
	Upstream string `yaml:"upstream" json:"upstream"`
}

// Alias is a name that routes to an ordered list of models: the first that
// is allowed and answers serves the request, the rest are fallbacks.
type Alias struct {
	Name    string   `json:"name"`
	Targets []string `json:"targets"`
	// Title is shown to people (the StateChat model picker).
	Title string `json:"title,omitempty"`
}

// Tenant is a node of the agency hierarchy (state, state/statechat).
type Tenant struct {
	ID     string `yaml:"-" json:"id"`
	Name   string `yaml:"name" json:"name"`
	Parent string `yaml:"parent" json:"parent,omitempty"`
}

// Roles a key or a person can hold.
const (
	RoleUser          = "user"
	RoleDeveloper     = "developer"
	RoleAuditor       = "auditor"
	RoleTenantAdmin   = "tenant-admin"
	RolePlatformAdmin = "admin"
)

// Principal is who is calling: resolved from a key or a session.
type Principal struct {
	KeyID  string
	Name   string
	Tenant string
	Role   string
	// Expires, when set, is when the key stops working (checked on every
	// request, so an expiry between snapshots still takes effect).
	Expires time.Time
	// Models, when set, are the only models and aliases the key may use.
	Models []string
}
