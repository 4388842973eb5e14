package limits_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/limits"
	"github.com/switchboard-gov/switchboard/llm"
)

func TestConfigYAML(t *testing.T) {
	src := `
keys:
  ops: {rpm: 60, tpm: 100000}
tenants:
  state:
    rpm: 600
    budget: {tokens: 1000000, usd: 1500.5, period: month}
`
	var c limits.Config
	if err := yaml.Unmarshal([]byte(src), &c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	b := c.Tenants["state"].Budget
	if c.Keys["ops"] != (limits.Rate{RPM: 60, TPM: 100000}) || c.Tenants["state"].RPM != 600 ||
		b == nil || *b != (limits.Budget{Tokens: 1000000, USD: 1500.5, Period: limits.Month}) {
		t.Errorf("decoded %+v", c)
	}
	var p limits.Prices
	if err := yaml.Unmarshal([]byte("gpt-4o: {input: 2.5, output: 10, cached: 1.25}\nlocal: {input: 0, output: 0}\n"), &p); err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p["gpt-4o"].Cached == nil || *p["gpt-4o"].Cached != 1.25 || p["local"].Cached != nil {
		t.Errorf("decoded prices %+v", p)
	}
}

func TestCheckTenants(t *testing.T) {
	c := limits.Config{Tenants: map[string]limits.TenantLimits{"state": {RPM: 1}, "stat": {RPM: 1}}}
	err := c.CheckTenants(func(id string) bool { return id == "state" })
	var e *switchboard.Error
	if !errors.As(err, &e) || e.Code != switchboard.EINVALID || e.Param != "limits.tenants.stat" {
		t.Errorf("CheckTenants = %v; want EINVALID naming limits.tenants.stat", err)
	}
	if err := c.CheckTenants(func(string) bool { return true }); err != nil {
		t.Errorf("CheckTenants with all known: %v", err)
	}
}

func TestPrices(t *testing.T) {
	half := 1.25
	p := limits.Prices{
		"gpt-4o": {Input: 2.5, Output: 10, Cached: &half},
		"claude": {Input: 3, Output: 15},
	}
	// 1M input of which 400k cached, 200k output.
	u := llm.Usage{Input: 1_000_000, CacheRead: 400_000, Output: 200_000}
	for _, c := range []struct {
		model string
		want  float64
	}{
		{"gpt-4o", 0.6*2.5 + 0.4*1.25 + 0.2*10},
		{"claude", 1*3 + 0.2*15}, // no cached rate: cached tokens at the input rate
		{"unknown", 0},
	} {
		if got := p.Cost(c.model, u); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("Cost(%s) = %v; want %v", c.model, got, c.want)
		}
	}
	if _, ok := p.Lookup("unknown"); ok {
		t.Error("Lookup found an unknown model")
	}
	neg := -1.0
	for _, c := range []struct {
		p     limits.Prices
		param string
	}{
		{limits.Prices{"m": {Input: -1}}, "prices.m.input"},
		{limits.Prices{"m": {Output: math.NaN()}}, "prices.m.output"},
		{limits.Prices{"m": {Cached: &neg}}, "prices.m.cached"},
	} {
		var e *switchboard.Error
		if err := c.p.Validate(); !errors.As(err, &e) || e.Code != switchboard.EINVALID || e.Param != c.param {
			t.Errorf("Validate: %v; want EINVALID naming %s", err, c.param)
		}
	}
}

func TestPeriods(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	for _, c := range []struct {
		p          limits.Period
		at         time.Time
		start, end string
	}{
		{limits.Day, time.Date(2026, 3, 8, 23, 59, 59, 0, time.UTC), "2026-03-08", "2026-03-09"},
		{limits.Week, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), "2026-11-23", "2026-11-30"},  // a Monday
		{limits.Week, time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC), "2026-11-23", "2026-11-30"}, // a Sunday
		{limits.Week, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "2026-12-28", "2027-01-04"},    // across a year
		{limits.Month, time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC), "2028-02-01", "2028-03-01"},
		// Periods are UTC whatever the zone of the time given: 21:00 in New
		// York on the 31st is already the 1st in UTC.
		{limits.Month, time.Date(2026, 12, 31, 21, 0, 0, 0, ny), "2027-01-01", "2027-02-01"},
	} {
		if s, e := c.p.Start(c.at).Format(time.DateOnly), c.p.End(c.at).Format(time.DateOnly); s != c.start || e != c.end {
			t.Errorf("%s of %s = [%s, %s); want [%s, %s)", c.p, c.at, s, e, c.start, c.end)
		}
	}
}

func TestRefuseNamesTheLimitThatFreesLast(t *testing.T) {
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	key := limits.WindowCheck{Scope: limits.Scope{Kind: limits.ScopeKey, ID: "k1", Name: "ops"}, RPM: 10}
	b := limits.BudgetCheck{Tenant: "state", Budget: limits.Budget{Tokens: 5, Period: limits.Day},
		Start: limits.Day.Start(now), End: limits.Day.End(now)}
	err := limits.Refuse([]limits.Refusal{
		limits.WindowRefusal(key, limits.LimitRPM, 1500*time.Millisecond),
		limits.BudgetRefusal(b, limits.LimitBudgetTokens, now),
	})
	e := switchboard.AsError(err)
	if e.Code != switchboard.ERATELIMIT || e.RetryAfter != 14*3600 ||
		e.Message != `tenant "state" reached its budget of 5 tokens per day; it resets 2026-11-19T00:00:00Z` {
		t.Errorf("Refuse = %+v", e)
	}
	e = switchboard.AsError(limits.Refuse([]limits.Refusal{limits.WindowRefusal(key, limits.LimitRPM, 1500*time.Millisecond)}))
	if e.RetryAfter != 2 || e.Message != `key "ops" reached its limit of 10 requests per minute; retry in 2s` {
		t.Errorf("Refuse = %+v; want the wait rounded up to 2s", e)
	}
	if limits.Refuse(nil) != nil {
		t.Error("Refuse(nil) is not nil")
	}
}

func TestMemoryRejectsBadCalls(t *testing.T) {
	m, err := limits.NewMemory(limits.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := m.Admit(ctx, limits.Request{KeyID: "k", Tenant: "t"}); err == nil {
		t.Error("Admit without Now succeeded")
	}
	if err := m.Settle(ctx, limits.Ticket{}, llm.Usage{}, 0); err == nil {
		t.Error("Settle of a zero ticket succeeded")
	}
	tk, err := m.Admit(ctx, limits.Request{KeyID: "k", Tenant: "t", Now: time.Unix(1e9, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Settle(ctx, tk, llm.Usage{}, -1); err == nil {
		t.Error("Settle with a negative cost succeeded")
	}
	if err := m.SetConfig(limits.Config{Keys: map[string]limits.Rate{"k": {RPM: -1}}}); switchboard.ErrorCode(err) != switchboard.EINVALID {
		t.Errorf("SetConfig with a negative rpm: %v", err)
	}
}

// TestMemorySetConfigKeepsCounts checks that a configuration change (a
// snapshot swap) keeps the windows: lowering a limit takes effect at once.
func TestMemorySetConfigKeepsCounts(t *testing.T) {
	m, err := limits.NewMemory(limits.Config{Keys: map[string]limits.Rate{"k": {RPM: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	for i := range 4 {
		if _, err := m.Admit(context.Background(), limits.Request{KeyID: "k", Now: now.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.SetConfig(limits.Config{Keys: map[string]limits.Rate{"k": {RPM: 2}}}); err != nil {
		t.Fatal(err)
	}
	_, err = m.Admit(context.Background(), limits.Request{KeyID: "k", Now: now.Add(10 * time.Second)})
	// Four counted, two allowed: the third oldest (at 2s) must leave, at 62s.
	if e := switchboard.AsError(err); e.Code != switchboard.ERATELIMIT || e.RetryAfter != 52 {
		t.Errorf("after lowering rpm: %v (retry %d); want a refusal for 52s", err, e.RetryAfter)
	}
}

func BenchmarkAdmitInProcess(b *testing.B) {
	m, err := limits.NewMemory(benchConfig)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	anc := []string{"state"}
	b.ReportAllocs()
	// One admission per fake millisecond: windows hold up to 60,000 entries.
	for i := 0; b.Loop(); i++ {
		if _, err := m.Admit(ctx, limits.Request{KeyID: "ops", Tenant: "state/a", Ancestors: anc, EstimatedTokens: 100, Now: now.Add(time.Duration(i) * time.Millisecond)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAdmitSettleInProcess(b *testing.B) {
	m, err := limits.NewMemory(benchConfig)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	anc := []string{"state"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tk, err := m.Admit(ctx, limits.Request{KeyID: "ops", Tenant: "state/a", Ancestors: anc, EstimatedTokens: 100, Now: now.Add(time.Duration(i) * time.Millisecond)})
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Settle(ctx, tk, llm.Usage{Input: 60, Output: 20}, 0.001); err != nil {
			b.Fatal(err)
		}
	}
}

// benchConfig limits a key, its tenant and the tenant's parent, with a
// budget: the full path an admission can take, never refused.
var benchConfig = limits.Config{
	Keys: map[string]limits.Rate{"ops": {RPM: 1 << 30, TPM: 1 << 40}},
	Tenants: map[string]limits.TenantLimits{
		"state/a": {RPM: 1 << 30, TPM: 1 << 40},
		"state":   {RPM: 1 << 30, Budget: &limits.Budget{Tokens: 1 << 50, Period: limits.Month}},
	},
}
