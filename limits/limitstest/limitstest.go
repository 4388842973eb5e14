// Package limitstest is the contract suite every limits.Limiter passes:
// exact sliding windows, settlement, budgets over the tenant tree, period
// resets, concurrency and configuration errors.
package limitstest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/limits"
	"github.com/switchboard-gov/switchboard/llm"
)

// Factory builds the limiters under test. Each call must start from empty
// state.
type Factory struct {
	// New returns a limiter enforcing cfg, or its constructor's error.
	New func(t *testing.T, cfg limits.Config) (limits.Limiter, error)
	// Nodes, when set, returns n limiters sharing one state, as n gateway
	// nodes share one Redis; the suite then checks limits hold across
	// them.
	Nodes func(t *testing.T, cfg limits.Config, n int) ([]limits.Limiter, error)
}

// t0 is a Wednesday; its month ends 2026-12-01.
var t0 = time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)

// Run runs the contract suite against f.
func Run(t *testing.T, f Factory) {
	t.Run("RPMExact", func(t *testing.T) { testRPMExact(t, f) })
	t.Run("TPMSettlement", func(t *testing.T) { testTPMSettlement(t, f) })
	t.Run("KeyAndTenantIndependent", func(t *testing.T) { testIndependent(t, f) })
	t.Run("TenantLimitCoversSubtree", func(t *testing.T) { testSubtree(t, f) })
	t.Run("ParentBudgetCapsChildren", func(t *testing.T) { testParentBudget(t, f) })
	t.Run("USDBudget", func(t *testing.T) { testUSDBudget(t, f) })
	t.Run("PeriodReset", func(t *testing.T) { testPeriodReset(t, f) })
	t.Run("RefusalCountsNothing", func(t *testing.T) { testNoPartial(t, f) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, f, 1) })
	if f.Nodes != nil {
		t.Run("ConcurrencyThreeNodes", func(t *testing.T) { testConcurrency(t, f, 3) })
		t.Run("BudgetAcrossNodes", func(t *testing.T) { testBudgetAcrossNodes(t, f) })
	}
	t.Run("BadConfig", func(t *testing.T) { testBadConfig(t, f) })
	t.Run("SpendReport", func(t *testing.T) { testSpend(t, f) })
}

func mustNew(t *testing.T, f Factory, cfg limits.Config) limits.Limiter {
	t.Helper()
	l, err := f.New(t, cfg)
	if err != nil {
		t.Fatalf("new limiter: %v", err)
	}
	return l
}

func req(key, tenant string, ancestors []string, est int, now time.Time) limits.Request {
	return limits.Request{KeyID: key, KeyName: key, Tenant: tenant, Ancestors: ancestors, Model: "m", EstimatedTokens: est, Now: now}
}

// admit admits r and fails the test when it is refused.
func admit(t *testing.T, l limits.Limiter, r limits.Request) limits.Ticket {
	t.Helper()
	tk, err := l.Admit(context.Background(), r)
	if err != nil {
		t.Fatalf("Admit(%s@%s at %s): %v", r.KeyID, r.Tenant, r.Now.Format(time.RFC3339), err)
	}
	if tk.ID == "" {
		t.Fatalf("Admit returned a ticket without an id")
	}
	return tk
}

// refused admits r, expects a refusal with code and returns it.
func refused(t *testing.T, l limits.Limiter, r limits.Request, code string) *switchboard.Error {
	t.Helper()
	_, err := l.Admit(context.Background(), r)
	var e *switchboard.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("Admit(%s@%s at %s) = %v; want a %s error", r.KeyID, r.Tenant, r.Now.Format(time.RFC3339), err, code)
	}
	return e
}

func wantRetry(t *testing.T, e *switchboard.Error, secs int, msg string) {
	t.Helper()
	if e.RetryAfter != secs {
		t.Errorf("RetryAfter = %d; want %d (%s)", e.RetryAfter, secs, e.Message)
	}
	if !strings.Contains(e.Message, msg) {
		t.Errorf("message %q does not contain %q", e.Message, msg)
	}
}

func settle(t *testing.T, l limits.Limiter, tk limits.Ticket, tokens int, usd float64) {
	t.Helper()
	if err := l.Settle(context.Background(), tk, llm.Usage{Input: tokens - tokens/2, Output: tokens / 2}, usd); err != nil {
		t.Fatalf("Settle: %v", err)
	}
}

func spend(t *testing.T, l limits.Limiter, tenant string, p limits.Period, now time.Time) limits.Spend {
	t.Helper()
	s, err := l.Spend(context.Background(), tenant, p, now)
	if err != nil {
		t.Fatalf("Spend(%s, %s): %v", tenant, p, err)
	}
	return s
}

func testRPMExact(t *testing.T, f Factory) {
	l := mustNew(t, f, limits.Config{Keys: map[string]limits.Rate{"ops": {RPM: 5}}})
	sec := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	for i := range 5 {
		admit(t, l, req("ops", "state", nil, 0, sec(i)))
	}
	e := refused(t, l, req("ops", "state", nil, 0, sec(10)), switchboard.ERATELIMIT)
	// The oldest request (at 0s) leaves the window at 60s.
	wantRetry(t, e, 50, `key "ops" reached its limit of 5 requests per minute`)
	// Just before the window frees, still refused.
	refused(t, l, req("ops", "state", nil, 0, sec(60).Add(-time.Millisecond)), switchboard.ERATELIMIT)
	// At 60s exactly one slot is free: the request from 0s left.
	admit(t, l, req("ops", "state", nil, 0, sec(60)))
	e = refused(t, l, req("ops", "state", nil, 0, sec(60)), switchboard.ERATELIMIT)
	wantRetry(t, e, 1, "requests per minute")
	// At 65s the requests from 1s to 4s have left: four more, not five.
	for range 4 {
		admit(t, l, req("ops", "state", nil, 0, sec(65)))
	}
	refused(t, l, req("ops", "state", nil, 0, sec(65)), switchboard.ERATELIMIT)
	// A key without limits is never refused.
	for range 20 {
		admit(t, l, req("other", "state", nil, 0, sec(65)))
	}
}

func testTPMSettlement(t *testing.T, f Factory) {
	l := mustNew(t, f, limits.Config{Keys: map[string]limits.Rate{"ops": {TPM: 1000}, "other": {TPM: 1000}}})
	a := admit(t, l, req("ops", "state", nil, 600, t0))
	e := refused(t, l, req("ops", "state", nil, 600, t0.Add(5*time.Second)), switchboard.ERATELIMIT)
	wantRetry(t, e, 55, `key "ops" reached its limit of 1000 tokens per minute`)
	// The request used far less than its estimate: the reservation shrinks.
	settle(t, l, a, 100, 0)
	b := admit(t, l, req("ops", "state", nil, 600, t0.Add(6*time.Second))) // 100 + 600
	refused(t, l, req("ops", "state", nil, 400, t0.Add(7*time.Second)), switchboard.ERATELIMIT)
	admit(t, l, req("ops", "state", nil, 300, t0.Add(7*time.Second))) // 100 + 600 + 300 = 1000
	// Using more than estimated grows the window's count.
	settle(t, l, b, 650, 0) // 100 + 650 + 300 = 1050
	e = refused(t, l, req("ops", "state", nil, 0, t0.Add(8*time.Second)), switchboard.ERATELIMIT)
	// 50 tokens must leave: the first request (100 tokens, at 0s) frees them at 60s.
	wantRetry(t, e, 52, "tokens per minute")
	admit(t, l, req("ops", "state", nil, 50, t0.Add(60*time.Second))) // 650 + 300 + 50
	// Settling with zero usage releases the whole reservation.
	c := admit(t, l, req("other", "state", nil, 900, t0))
	settle(t, l, c, 0, 0)
	admit(t, l, req("other", "state", nil, 900, t0))
	// An estimate over the limit can never pass: ETOOLARGE, not a wait.
	l2 := mustNew(t, f, limits.Config{Keys: map[string]limits.Rate{"ops": {TPM: 1000}}})
	refused(t, l2, req("ops", "state", nil, 1001, t0), switchboard.ETOOLARGE)
}

func testIndependent(t *testing.T, f Factory) {
	l := mustNew(t, f, limits.Config{
		Keys:    map[string]limits.Rate{"a": {RPM: 2}, "b": {RPM: 2}},
		Tenants: map[string]limits.TenantLimits{"x": {RPM: 3}, "y": {RPM: 3}},
	})
	admit(t, l, req("a", "x", nil, 0, t0))
	admit(t, l, req("a", "x", nil, 0, t0))
	e := refused(t, l, req("a", "y", nil, 0, t0), switchboard.ERATELIMIT) // key a is spent, wherever it goes
	wantRetry(t, e, 60, `key "a"`)
	admit(t, l, req("b", "x", nil, 0, t0)) // key b is fresh; tenant x reaches 3
	e = refused(t, l, req("b", "x", nil, 0, t0), switchboard.ERATELIMIT)
	wantRetry(t, e, 60, `tenant "x" reached its limit of 3 requests per minute`)
	admit(t, l, req("b", "y", nil, 0, t0)) // tenant y is untouched by x
	// Key limits are found by name as well as by id.
	l2 := mustNew(t, f, limits.Config{Keys: map[string]limits.Rate{"ops": {RPM: 1}}})
	r := limits.Request{KeyID: "key_1234", KeyName: "ops", Tenant: "x", Now: t0}
	admit(t, l2, r)
	e = refused(t, l2, r, switchboard.ERATELIMIT)
	wantRetry(t, e, 60, `key "ops"`)
}

func testSubtree(t *testing.T, f Factory) {
	l := mustNew(t, f, limits.Config{Tenants: map[string]limits.TenantLimits{"state": {RPM: 3}}})
	st := []string{"state"}
	admit(t, l, req("k1", "state/a", st, 0, t0))
	admit(t, l, req("k2", "state/b", st, 0, t0))
	admit(t, l, req("k3", "state", nil, 0, t0))
	e := refused(t, l, req("k4", "state/b", st, 0, t0.Add(time.Second)), switchboard.ERATELIMIT)
	wantRetry(t, e, 59, `tenant "state" reached its limit of 3 requests per minute`)
	admit(t, l, req("k4", "treasury", nil, 0, t0))
}

func testParentBudget(t *testing.T, f Factory) {
	l := mustNew(t, f, limits.Config{Tenants: map[string]limits.TenantLimits{
		"state":   {Budget: &limits.Budget{Tokens: 1000, Period: limits.Month}},
		"state/a": {Budget: &limits.Budget{Tokens: 700, Period: limits.Month}},
	}})
	st := []string{"state"}
	settle(t, l, admit(t, l, req("k", "state/a", st, 0, t0)), 600, 0)
	settle(t, l, admit(t, l, req("k", "state/b", st, 0, t0)), 200, 0)
	if got := spend(t, l, "state", limits.Month, t0); got.Tokens != 800 {
		t.Errorf("spend of state = %d tokens; want 800 (its children's)", got.Tokens)
	}
	if got := spend(t, l, "state/a", limits.Month, t0); got.Tokens != 600 {
		t.Errorf("spend of state/a = %d tokens; want 600", got.Tokens)
	}
	settle(t, l, admit(t, l, req("k", "state/a", st, 0, t0)), 100, 0) // state/a reaches its 700
	e := refused(t, l, req("k", "state/a", st, 0, t0), switchboard.ERATELIMIT)
	wantRetry(t, e, int(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).Sub(t0)/time.Second),
		`tenant "state/a" reached its budget of 700 tokens per month; it resets 2026-12-01T00:00:00Z`)
	b := admit(t, l, req("k", "state/b", st, 0, t0)) // state is at 900 of 1000
	settle(t, l, b, 100, 0)                          // now at 1000
	for _, child := range []string{"state/b", "state/c", "state"} {
		anc := st
		if child == "state" {
			anc = nil
		}
		e = refused(t, l, req("k", child, anc, 0, t0.Add(time.Hour)), switchboard.ERATELIMIT)
		if !strings.Contains(e.Message, `tenant "state" reached its budget of 1000 tokens per month`) {
			t.Errorf("refusal for %s: %q; want it to name the budget of state", child, e.Message)
		}
	}
	admit(t, l, req("k", "treasury", nil, 0, t0))
	if got := spend(t, l, "state", limits.Month, t0); got.Tokens != 1000 {
		t.Errorf("spend of state = %d tokens; want 1000", got.Tokens)
	}
}

func testUSDBudget(t *testing.T, f Factory) {
	l := mustNew(t, f, limits.Config{Tenants: map[string]limits.TenantLimits{
		"state": {Budget: &limits.Budget{USD: 1, Period: limits.Day}},
	}})
	settle(t, l, admit(t, l, req("k", "state/a", []string{"state"}, 0, t0)), 10, 0.6)
	admit(t, l, req("k", "state", nil, 0, t0))
	settle(t, l, admit(t, l, req("k", "state", nil, 0, t0)), 10, 0.5)
	e := refused(t, l, req("k", "state/a", []string{"state"}, 0, t0), switchboard.ERATELIMIT)
	wantRetry(t, e, 14*3600, `tenant "state" reached its budget of $1.00 per day; it resets 2026-11-19T00:00:00Z`)
	if got := spend(t, l, "state", limits.Day, t0); got.USD < 1.0999 || got.USD > 1.1001 || got.Tokens != 20 {
		t.Errorf("spend of state = %+v; want $1.10 and 20 tokens", got)
	}
}

func testPeriodReset(t *testing.T, f Factory) {
	for _, c := range []struct {
		period      limits.Period
		at, nextAt  time.Time
		retry       int
		resetsLabel string
	}{
		{limits.Day, time.Date(2026, 11, 18, 23, 0, 0, 0, time.UTC), time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC), 3600, "2026-11-19T00:00:00Z"},
		// 2026-11-22 is a Sunday; weeks start on Monday.
		{limits.Week, time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), 12 * 3600, "2026-11-23T00:00:00Z"},
		{limits.Month, time.Date(2026, 12, 31, 23, 59, 30, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 30, "2027-01-01T00:00:00Z"},
	} {
		t.Run(string(c.period), func(t *testing.T) {
			l := mustNew(t, f, limits.Config{Tenants: map[string]limits.TenantLimits{
				"state": {Budget: &limits.Budget{Tokens: 100, Period: c.period}},
			}})
			settle(t, l, admit(t, l, req("k", "state", nil, 0, c.at)), 100, 0)
			e := refused(t, l, req("k", "state", nil, 0, c.at), switchboard.ERATELIMIT)
			wantRetry(t, e, c.retry, "it resets "+c.resetsLabel)
			refused(t, l, req("k", "state", nil, 0, c.nextAt.Add(-time.Nanosecond)), switchboard.ERATELIMIT)
			settle(t, l, admit(t, l, req("k", "state", nil, 0, c.nextAt)), 40, 0)
			if got := spend(t, l, "state", c.period, c.nextAt); got.Tokens != 40 {
				t.Errorf("spend in the new period = %d; want 40", got.Tokens)
			}
			if got := spend(t, l, "state", c.period, c.at); got.Tokens != 100 {
				t.Errorf("spend in the old period = %d; want 100", got.Tokens)
			}
		})
	}
}

func testNoPartial(t *testing.T, f Factory) {
	l := mustNew(t, f, limits.Config{
		Keys: map[string]limits.Rate{"k2": {RPM: 2, TPM: 1000}},
		Tenants: map[string]limits.TenantLimits{
			"t":     {RPM: 1},
			"state": {RPM: 10, Budget: &limits.Budget{Tokens: 10, Period: limits.Day}},
		},
	})
	admit(t, l, req("k1", "t", nil, 0, t0)) // tenant t is now full
	// Refused by tenant t: key k2 must not count it, neither the request
	// nor its 800 tokens.
	for range 3 {
		refused(t, l, req("k2", "t", nil, 800, t0), switchboard.ERATELIMIT)
	}
	admit(t, l, req("k2", "u", nil, 1000, t0))
	admit(t, l, req("k2", "u", nil, 0, t0))
	refused(t, l, req("k2", "u", nil, 0, t0), switchboard.ERATELIMIT)

	// Refused by state's budget: neither the child's nor state's window
	// may count it. Spend the budget 30s before midnight, be refused,
	// then at midnight (same minute window) state has exactly 9 of its 10
	// requests left.
	late := time.Date(2026, 11, 18, 23, 59, 30, 0, time.UTC)
	st := []string{"state"}
	settle(t, l, admit(t, l, req("k3", "state/a", st, 0, late)), 10, 0)
	for range 20 {
		e := refused(t, l, req("k3", "state/a", st, 0, late), switchboard.ERATELIMIT)
		wantRetry(t, e, 30, "budget of 10 tokens per day")
	}
	midnight := late.Add(30 * time.Second)
	for range 9 {
		admit(t, l, req("k3", "state/a", st, 0, midnight))
	}
	e := refused(t, l, req("k3", "state/a", st, 0, midnight), switchboard.ERATELIMIT)
	wantRetry(t, e, 30, `tenant "state" reached its limit of 10 requests per minute`)
}

func testConcurrency(t *testing.T, f Factory, nodes int) {
	cfg := limits.Config{
		Keys: map[string]limits.Rate{"hot": {RPM: 100, TPM: 1_000_000}},
		Tenants: map[string]limits.TenantLimits{
			"state/a": {RPM: 1000},
			"state":   {RPM: 1000, TPM: 10_000_000},
		},
	}
	var ls []limits.Limiter
	if nodes == 1 {
		ls = []limits.Limiter{mustNew(t, f, cfg)}
	} else {
		var err error
		if ls, err = f.Nodes(t, cfg, nodes); err != nil {
			t.Fatalf("nodes: %v", err)
		}
	}
	st := []string{"state"}
	var admitted, refusedN atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	for g := range 50 {
		wg.Go(func() {
			l := ls[g%len(ls)]
			for i := range 10 {
				now := t0.Add(time.Duration(i) * time.Millisecond)
				_, err := l.Admit(context.Background(), req("hot", "state/a", st, 10, now))
				switch {
				case err == nil:
					admitted.Add(1)
				case switchboard.ErrorCode(err) == switchboard.ERATELIMIT:
					refusedN.Add(1)
				default:
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatalf("Admit: %v", err)
	default:
	}
	if admitted.Load() != 100 || refusedN.Load() != 400 {
		t.Fatalf("admitted %d and refused %d of 500 against rpm 100 on %d node(s); want exactly 100 and 400",
			admitted.Load(), refusedN.Load(), len(ls))
	}
	// The tenants counted exactly the 100 admitted: 900 more fit, not 901.
	l := ls[len(ls)-1]
	for range 900 {
		admit(t, l, req("cold", "state/a", st, 0, t0.Add(time.Second)))
	}
	refused(t, l, req("cold", "state/a", st, 0, t0.Add(time.Second)), switchboard.ERATELIMIT)
}

func testBudgetAcrossNodes(t *testing.T, f Factory) {
	ls, err := f.Nodes(t, limits.Config{Tenants: map[string]limits.TenantLimits{
		"state": {Budget: &limits.Budget{Tokens: 100, Period: limits.Day}},
	}}, 3)
	if err != nil {
		t.Fatalf("nodes: %v", err)
	}
	settle(t, ls[0], admit(t, ls[0], req("k", "state/a", []string{"state"}, 0, t0)), 100, 0)
	for _, l := range ls {
		refused(t, l, req("k", "state/b", []string{"state"}, 0, t0), switchboard.ERATELIMIT)
		if got := spend(t, l, "state", limits.Day, t0); got.Tokens != 100 {
			t.Errorf("spend seen by a node = %d; want 100", got.Tokens)
		}
	}
}

func testBadConfig(t *testing.T, f Factory) {
	for _, c := range []struct {
		cfg   limits.Config
		param string
	}{
		{limits.Config{Keys: map[string]limits.Rate{"ops": {RPM: -1}}}, "limits.keys.ops.rpm"},
		{limits.Config{Tenants: map[string]limits.TenantLimits{"state": {TPM: -5}}}, "limits.tenants.state.tpm"},
		{limits.Config{Tenants: map[string]limits.TenantLimits{"state": {Budget: &limits.Budget{Tokens: -1, Period: limits.Day}}}}, "limits.tenants.state.budget.tokens"},
		{limits.Config{Tenants: map[string]limits.TenantLimits{"state": {Budget: &limits.Budget{USD: -0.5, Period: limits.Day}}}}, "limits.tenants.state.budget.usd"},
		{limits.Config{Tenants: map[string]limits.TenantLimits{"state": {Budget: &limits.Budget{Tokens: 5, Period: "year"}}}}, "limits.tenants.state.budget.period"},
		{limits.Config{Tenants: map[string]limits.TenantLimits{"state": {Budget: &limits.Budget{Tokens: 5}}}}, "limits.tenants.state.budget.period"},
		{limits.Config{Tenants: map[string]limits.TenantLimits{"state": {Budget: &limits.Budget{Period: limits.Day}}}}, "limits.tenants.state.budget"},
	} {
		_, err := f.New(t, c.cfg)
		var e *switchboard.Error
		if !errors.As(err, &e) || e.Code != switchboard.EINVALID || e.Param != c.param || !strings.HasPrefix(e.Message, c.param+": ") {
			t.Errorf("new limiter with a bad %s: %v; want EINVALID naming %s", c.param, err, c.param)
		}
	}
}

func testSpend(t *testing.T, f Factory) {
	l := mustNew(t, f, limits.Config{})
	anc := []string{"state/a", "state"}
	settle(t, l, admit(t, l, req("k", "state/a/x", anc, 0, t0)), 30, 0.25)
	settle(t, l, admit(t, l, req("k", "state/a/x", anc, 0, t0.Add(48*time.Hour))), 20, 0.5)
	for _, c := range []struct {
		tenant string
		p      limits.Period
		at     time.Time
		want   limits.Spend
	}{
		{"state", limits.Day, t0, limits.Spend{Tokens: 30, USD: 0.25}},
		{"state/a/x", limits.Day, t0.Add(48 * time.Hour), limits.Spend{Tokens: 20, USD: 0.5}},
		{"state/a", limits.Week, t0, limits.Spend{Tokens: 50, USD: 0.75}}, // Wednesday and Friday
		{"state", limits.Month, t0, limits.Spend{Tokens: 50, USD: 0.75}},
		{"state", limits.Month, t0.AddDate(0, 1, 0), limits.Spend{}},
		{"treasury", limits.Month, t0, limits.Spend{}},
	} {
		got := spend(t, l, c.tenant, c.p, c.at)
		if got.Tokens != c.want.Tokens || got.USD < c.want.USD-1e-9 || got.USD > c.want.USD+1e-9 {
			t.Errorf("Spend(%s, %s, %s) = %+v; want %+v", c.tenant, c.p, c.at.Format(time.DateOnly), got, c.want)
		}
	}
	_, err := l.Spend(context.Background(), "state", "year", t0)
	if switchboard.ErrorCode(err) != switchboard.EINVALID {
		t.Errorf("Spend with period year: %v; want EINVALID", err)
	}
}
