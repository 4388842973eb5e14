package limits

import (
	"math"
	"sort"
	"strconv"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Config is the limits section of the configuration file:
//
//	limits:
//	  keys:
//	    ops: {rpm: 60, tpm: 100000}
//	  tenants:
//	    state: {rpm: 600, tpm: 2000000, budget: {tokens: 50000000, usd: 1500, period: month}}
//
// A tenant's limits cover its whole subtree: requests, tokens and spend of
// state/statechat count against state's limits too.
type Config struct {
	// Keys maps a key's id or name to its rate limits.
	Keys map[string]Rate `yaml:"keys" json:"keys,omitempty"`
	// Tenants maps a tenant id to its rate limits and budget.
	Tenants map[string]TenantLimits `yaml:"tenants" json:"tenants,omitempty"`
}

// Rate holds requests-per-minute and tokens-per-minute limits; 0 means no
// limit.
type Rate struct {
	// RPM is the number of requests allowed in any 60-second window.
	RPM int `yaml:"rpm" json:"rpm,omitempty"`
	// TPM is the number of tokens (input plus output) allowed in any
	// 60-second window. A request reserves its estimate at admission; the
	// reservation is corrected to the actual usage when it settles.
	TPM int `yaml:"tpm" json:"tpm,omitempty"`
}

// TenantLimits are a tenant's rate limits and budget, covering the tenant
// and all of its sub-tenants.
type TenantLimits struct {
	// RPM is the number of requests the tenant's subtree may make in any
	// 60-second window; 0 means no limit.
	RPM int `yaml:"rpm" json:"rpm,omitempty"`
	// TPM is the number of tokens the tenant's subtree may use in any
	// 60-second window; 0 means no limit.
	TPM int `yaml:"tpm" json:"tpm,omitempty"`
	// Budget caps the subtree's spend per calendar period; nil means none.
	Budget *Budget `yaml:"budget" json:"budget,omitempty"`
}

// Budget caps spend per calendar period (UTC). Set Tokens, USD or both; 0
// means that dimension is not capped. Once the spend recorded in the
// current period reaches a cap, requests are refused until the period
// resets; requests already in flight still settle, so spend can end a
// little above the cap.
type Budget struct {
	// Tokens is the number of tokens (input plus output) allowed per period.
	Tokens int64 `yaml:"tokens" json:"tokens,omitempty"`
	// USD is the spend in US dollars allowed per period, priced with the
	// price table.
	USD float64 `yaml:"usd" json:"usd,omitempty"`
	// Period is day, week (starting Monday) or month, in UTC.
	Period Period `yaml:"period" json:"period"`
}

// Validate checks the configuration and returns an *switchboard.Error with
// code EINVALID naming the first field at fault (for example
// limits.tenants.state.budget.period). Fields are visited in sorted order
// so the same file always reports the same problem.
func (c *Config) Validate() error {
	if c == nil {
		return nil
	}
	for _, k := range sortedKeys(c.Keys) {
		path := "limits.keys." + k
		if k == "" {
			return invalid("limits.keys", "a key name or id must not be empty")
		}
		if err := checkRate(path, c.Keys[k].RPM, c.Keys[k].TPM); err != nil {
			return err
		}
	}
	for _, id := range sortedKeys(c.Tenants) {
		path := "limits.tenants." + id
		if id == "" {
			return invalid("limits.tenants", "a tenant id must not be empty")
		}
		tl := c.Tenants[id]
		if err := checkRate(path, tl.RPM, tl.TPM); err != nil {
			return err
		}
		if tl.Budget != nil {
			if err := tl.Budget.validate(path + ".budget"); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckTenants returns an EINVALID error naming the first tenant in
// c.Tenants for which known returns false, so a typo in a tenant id is
// caught at load time instead of silently limiting nothing.
func (c *Config) CheckTenants(known func(id string) bool) error {
	if c == nil {
		return nil
	}
	for _, id := range sortedKeys(c.Tenants) {
		if !known(id) {
			return invalid("limits.tenants."+id, "unknown tenant "+strconv.Quote(id))
		}
	}
	return nil
}

func checkRate(path string, rpm, tpm int) error {
	if rpm < 0 {
		return invalid(path+".rpm", "must not be negative (0 means no limit), got "+strconv.Itoa(rpm))
	}
	if tpm < 0 {
		return invalid(path+".tpm", "must not be negative (0 means no limit), got "+strconv.Itoa(tpm))
	}
	return nil
}

func (b *Budget) validate(path string) error {
	if b.Tokens < 0 {
		return invalid(path+".tokens", "must not be negative, got "+strconv.FormatInt(b.Tokens, 10))
	}
	if b.USD < 0 || math.IsNaN(b.USD) || math.IsInf(b.USD, 0) {
		return invalid(path+".usd", "must be a non-negative number of dollars, got "+strconv.FormatFloat(b.USD, 'f', -1, 64))
	}
	if b.Tokens == 0 && b.USD == 0 {
		return invalid(path, "set tokens, usd or both")
	}
	switch b.Period {
	case Day, Week, Month:
	case "":
		return invalid(path+".period", "required: day, week or month")
	default:
		return invalid(path+".period", "unknown period "+strconv.Quote(string(b.Period))+"; use day, week or month")
	}
	return nil
}

func invalid(path, problem string) *switchboard.Error {
	return &switchboard.Error{Code: switchboard.EINVALID, Param: path, Message: path + ": " + problem}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
