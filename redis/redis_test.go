package redis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/switchboard-gov/switchboard/limits"
	"github.com/switchboard-gov/switchboard/limits/limitstest"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/redis"
)

// testRedis returns the URL of the test Redis, skipping when unset.
func testRedis(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("SWITCHBOARD_TEST_REDIS")
	if url == "" {
		tb.Skip("SWITCHBOARD_TEST_REDIS is not set")
	}
	return url
}

// client dials a fresh client (one per simulated node) closed at cleanup.
func client(tb testing.TB, url string) *goredis.Client {
	tb.Helper()
	c, err := redis.Dial(context.Background(), url)
	if err != nil {
		tb.Fatalf("dial %s: %v", url, err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// prefix returns a random key prefix whose keys are deleted at cleanup.
func prefix(tb testing.TB, url string) string {
	tb.Helper()
	var b [6]byte
	rand.Read(b[:])
	p := "sbtest:{" + hex.EncodeToString(b[:]) + "}:"
	c := client(tb, url)
	tb.Cleanup(func() {
		ctx := context.Background()
		for _, k := range keys(tb, c, p) {
			c.Del(ctx, k)
		}
	})
	return p
}

func keys(tb testing.TB, c *goredis.Client, p string) []string {
	var out []string
	it := c.Scan(context.Background(), 0, p+"*", 1000).Iterator()
	for it.Next(context.Background()) {
		out = append(out, it.Val())
	}
	if err := it.Err(); err != nil {
		tb.Errorf("scan %s*: %v", p, err)
	}
	return out
}

func nodes(t *testing.T, url string, cfg limits.Config, n int) ([]limits.Limiter, error) {
	p := prefix(t, url)
	out := make([]limits.Limiter, n)
	for i := range out {
		l, err := redis.New(client(t, url), cfg, redis.Options{Prefix: p})
		if err != nil {
			return nil, err
		}
		out[i] = l
	}
	return out, nil
}

func TestContract(t *testing.T) {
	url := testRedis(t)
	limitstest.Run(t, limitstest.Factory{
		New: func(t *testing.T, cfg limits.Config) (limits.Limiter, error) {
			ls, err := nodes(t, url, cfg, 1)
			if err != nil {
				return nil, err
			}
			return ls[0], nil
		},
		Nodes: func(t *testing.T, cfg limits.Config, n int) ([]limits.Limiter, error) {
			return nodes(t, url, cfg, n)
		},
	})
}

// TestKeysExpire checks that every key the limiter writes has a TTL, so
// nothing grows without bound.
func TestKeysExpire(t *testing.T) {
	url := testRedis(t)
	p := prefix(t, url)
	c := client(t, url)
	l, err := redis.New(c, limits.Config{
		Keys:    map[string]limits.Rate{"ops": {RPM: 10, TPM: 1000}},
		Tenants: map[string]limits.TenantLimits{"state": {RPM: 10, Budget: &limits.Budget{Tokens: 100, Period: limits.Day}}},
	}, redis.Options{Prefix: p})
	if err != nil {
		t.Fatal(err)
	}
	// A fake clock far in the past must not make counters expire at once.
	now := time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC)
	ctx := context.Background()
	tk, err := l.Admit(ctx, limits.Request{KeyID: "ops", Tenant: "state/a", Ancestors: []string{"state"}, EstimatedTokens: 50, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Settle(ctx, tk, llm.Usage{Input: 10, Output: 5}, 0.01); err != nil {
		t.Fatal(err)
	}
	ks := keys(t, c, p)
	// Windows: w: and n: for key ops and tenant state; spend: state/a and
	// state for day, week and month.
	if len(ks) != 4+6 {
		t.Errorf("keys under the prefix: %q; want 10", ks)
	}
	for _, k := range ks {
		ttl, err := c.PTTL(ctx, k).Result()
		if err != nil || ttl <= 0 {
			t.Errorf("key %s has TTL %v (%v); want one", k, ttl, err)
		}
	}
	if s, err := l.Spend(ctx, "state", limits.Day, now); err != nil || s.Tokens != 15 {
		t.Errorf("Spend = %+v, %v; want 15 tokens", s, err)
	}
}

func TestDialBadURL(t *testing.T) {
	if _, err := redis.Dial(context.Background(), "http://nope"); err == nil {
		t.Fatal("Dial accepted an http URL")
	}
}

func BenchmarkAdmitRedis(b *testing.B) {
	url := testRedis(b)
	l, err := redis.New(client(b, url), benchConfig, redis.Options{Prefix: prefix(b, url)})
	if err != nil {
		b.Fatal(err)
	}
	benchAdmit(b, l)
}

func BenchmarkAdmitSettleRedis(b *testing.B) {
	url := testRedis(b)
	l, err := redis.New(client(b, url), benchConfig, redis.Options{Prefix: prefix(b, url)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	anc := []string{"state"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tk, err := l.Admit(ctx, limits.Request{KeyID: "ops", Tenant: "state/a", Ancestors: anc, EstimatedTokens: 100, Now: now.Add(time.Duration(i) * time.Millisecond)})
		if err != nil {
			b.Fatal(err)
		}
		if err := l.Settle(ctx, tk, llm.Usage{Input: 60, Output: 20}, 0.001); err != nil {
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

// benchAdmit admits one request per fake millisecond, so a window holds
// up to 60,000 entries, as under heavy real load.
func benchAdmit(b *testing.B, l limits.Limiter) {
	ctx := context.Background()
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	anc := []string{"state"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := l.Admit(ctx, limits.Request{KeyID: "ops", Tenant: "state/a", Ancestors: anc, EstimatedTokens: 100, Now: now.Add(time.Duration(i) * time.Millisecond)}); err != nil {
			b.Fatal(err)
		}
	}
}
