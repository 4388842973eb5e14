package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	sbredis "github.com/switchboard-gov/switchboard/redis"

	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/gateway"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

// pgSchemaURL creates a schema with a random name on SWITCHBOARD_TEST_POSTGRES,
// drops it when the test ends, and returns a URL whose connections use it.
func pgSchemaURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("SWITCHBOARD_TEST_POSTGRES")
	if base == "" {
		t.Skip("SWITCHBOARD_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "sb_e2e_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect %s: %v", base, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop schema: %v", err)
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

const adminKey = "sb-test-admin-key-0001"

// cluster is n gateway nodes on one Postgres schema (and, when extra
// names it, one Redis), as n stateless processes behind a load balancer.
type cluster struct {
	nodes []*httptest.Server
	logs  []*syncBuffer
	store string
}

// syncBuffer is a log sink safe for the gateway's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func nodes(t *testing.T, n int) []*httptest.Server { return newCluster(t, n, "").nodes }

func newCluster(t *testing.T, n int, extra string) *cluster {
	t.Helper()
	store := pgSchemaURL(t)
	c := &cluster{store: store}
	up := httptest.NewServer(fakeprovider.New(fakeprovider.Options{NoRecord: true}))
	t.Cleanup(up.Close)
	keyFile := filepath.Join(t.TempDir(), "audit.key") // one signing key for the cluster
	for i := 0; i < n; i++ {
		raw := strings.Replace(fmt.Sprintf(testConfig, up.URL, userKey), "keys:\n", "keys:\n  - {key: "+adminKey+", tenant: state, name: ops, role: admin}\n", 1) + extra
		cfg, err := config.Parse([]byte(raw), func(string) (string, bool) { return "", false })
		if err != nil {
			t.Fatal(err)
		}
		cfg.Store = store
		cfg.Audit.KeyFile = keyFile
		logs := &syncBuffer{}
		g, err := gateway.New(context.Background(), cfg, gateway.Options{SyncInterval: 250 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		if err != nil {
			t.Fatalf("node %d: %v", i+1, err)
		}
		srv := httptest.NewServer(g.Handler())
		t.Cleanup(func() { srv.Close(); g.Close() })
		c.nodes = append(c.nodes, srv)
		c.logs = append(c.logs, logs)
	}
	return c
}

func status(t *testing.T, base, model string) int {
	resp, _ := do(t, "POST", base+"/v1/chat/completions", func(h http.Header) { h.Set("Authorization", "Bearer "+userKey) },
		[]byte(`{"model":"`+model+`","messages":[{"role":"user","content":"hi"}]}`))
	return resp.StatusCode
}

// TestDirectivePropagatesToEveryNode: a directive issued through node 1 is
// enforced by nodes 2 and 3 within one second (Postgres LISTEN/NOTIFY, with
// the version poll as the fallback), and lifting it is too.
func TestDirectivePropagatesToEveryNode(t *testing.T) {
	ns := nodes(t, 3)
	for i, n := range ns {
		if st := status(t, n.URL, "m-anthropic"); st != 200 {
			t.Fatalf("node %d before: %d", i+1, st)
		}
	}
	directive := `{"reason":"vendor ban","directive":{"id":"ban-anthropic","title":"Ban Anthropic","kind":"agency-memo",
		"issued_at":"2026-01-01T00:00:00Z","lifecycle":"issued","subject":{"vendor":"anthropic"},"action":"remove",
		"scopes":[{"tenants":["state"],"effective_at":"2026-01-01T00:00:00Z","deadline":"2026-01-01T00:00:00Z"}],
		"notice":"Anthropic is barred."}}`
	resp, b := do(t, "POST", ns[0].URL+"/admin/v1/directives", func(h http.Header) { h.Set("Authorization", "Bearer "+adminKey) }, []byte(directive))
	if resp.StatusCode/100 != 2 {
		t.Fatalf("create on node 1: %d %s", resp.StatusCode, b)
	}
	issued := time.Now()
	waitAll := func(want int) {
		t.Helper()
		for i, n := range ns {
			deadline := issued.Add(time.Second) // the bound: every node within one second
			for status(t, n.URL, "m-anthropic") != want {
				if time.Now().After(deadline) {
					t.Fatalf("node %d still answers differently than %d one second after the change", i+1, want)
				}
				time.Sleep(20 * time.Millisecond)
			}
			t.Logf("node %d enforces the change after %v", i+1, time.Since(issued).Round(time.Millisecond))
		}
	}
	waitAll(403)
	resp, b = do(t, "POST", ns[1].URL+"/admin/v1/directives/ban-anthropic/rescind", func(h http.Header) { h.Set("Authorization", "Bearer "+adminKey) },
		[]byte(`{"reason":"court order"}`))
	if resp.StatusCode != 200 {
		t.Fatalf("rescind on node 2: %d %s", resp.StatusCode, b)
	}
	issued = time.Now()
	waitAll(200)
}

// redisPrefix returns a random key prefix on SWITCHBOARD_TEST_REDIS and
// deletes its keys when the test ends; it skips without Redis.
func redisPrefix(t *testing.T) (url, prefix string) {
	t.Helper()
	url = os.Getenv("SWITCHBOARD_TEST_REDIS")
	if url == "" {
		t.Skip("SWITCHBOARD_TEST_REDIS is not set")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix = "sbtest:{" + hex.EncodeToString(b) + "}:"
	t.Cleanup(func() {
		rdb, err := sbredis.Dial(context.Background(), url)
		if err != nil {
			return
		}
		defer rdb.Close()
		iter := rdb.Scan(context.Background(), 0, prefix+"*", 1000).Iterator()
		for iter.Next(context.Background()) {
			rdb.Del(context.Background(), iter.Val())
		}
	})
	return url, prefix
}

// TestClusterLimitsKeysAndSecrets: three nodes on one Postgres and one
// Redis. A rate limit of N per minute lets exactly N through under
// concurrent load spread over the nodes; a key created on node 1 works
// everywhere and, revoked on node 2, fails on every node within one second;
// and the key's plaintext appears nowhere: not in the database, the audit
// trail or the logs.
func TestClusterLimitsKeysAndSecrets(t *testing.T) {
	rurl, prefix := redisPrefix(t)
	const n = 7
	c := newCluster(t, 3, fmt.Sprintf("redis: %q\nredis_prefix: %q\nlimits:\n  keys: {tests: {rpm: %d}}\n", rurl, prefix, n))

	// Exactly n of 30 concurrent requests pass, whichever node they reach.
	var wg sync.WaitGroup
	codes := make(chan int, 30)
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes <- status(t, c.nodes[i%3].URL, "m-openai")
		}(i)
	}
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for code := range codes {
		got[code]++
	}
	if got[200] != n || got[429] != 30-n {
		t.Fatalf("statuses %v; want exactly %d × 200 and %d × 429", got, n, 30-n)
	}
	resp, b := do(t, "POST", c.nodes[2].URL+"/v1/messages", func(h http.Header) {
		h.Set("x-api-key", userKey)
		h.Set("anthropic-version", "2023-06-01")
	}, []byte(`{"model":"m-openai","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`))
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "rate_limit_error") {
		t.Fatalf("over the limit (Anthropic client): %d retry-after=%q %s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}

	// A managed key: created on node 1, used everywhere, revoked on node 2.
	resp, b = do(t, "POST", c.nodes[0].URL+"/admin/v1/keys", func(h http.Header) { h.Set("Authorization", "Bearer "+adminKey) },
		[]byte(`{"name":"analyst","tenant":"state","role":"user","reason":"new analyst"}`))
	if resp.StatusCode/100 != 2 {
		t.Fatalf("create key: %d %s", resp.StatusCode, b)
	}
	var created struct {
		Key    struct{ ID string }
		Secret string
	}
	if err := json.Unmarshal(b, &created); err != nil || created.Secret == "" {
		t.Fatalf("create key: %v %s", err, b)
	}
	use := func(node int) int {
		resp, _ := do(t, "POST", c.nodes[node].URL+"/v1/chat/completions", func(h http.Header) { h.Set("Authorization", "Bearer "+created.Secret) },
			[]byte(`{"model":"m-openai","messages":[{"role":"user","content":"hi"}]}`))
		return resp.StatusCode
	}
	waitEvery := func(want int) {
		t.Helper()
		start := time.Now()
		for i := range c.nodes {
			for use(i) != want {
				if time.Since(start) > time.Second {
					t.Fatalf("node %d does not answer %d one second after the change", i+1, want)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
	waitEvery(200)
	resp, b = do(t, "POST", c.nodes[1].URL+"/admin/v1/keys/"+created.Key.ID+"/revoke", func(h http.Header) { h.Set("Authorization", "Bearer "+adminKey) },
		[]byte(`{"reason":"left the agency"}`))
	if resp.StatusCode != 200 {
		t.Fatalf("revoke: %d %s", resp.StatusCode, b)
	}
	waitEvery(401)

	// The secret is nowhere: every table of the schema, and every log line.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.store)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 5 {
		t.Fatalf("only %d tables found: %v", len(tables), tables)
	}
	secretPart := created.Secret[strings.LastIndex(created.Secret, "-")+1:]
	for _, table := range tables {
		var hits int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()+` t WHERE t::text LIKE '%' || $1 || '%'`, secretPart).Scan(&hits); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if hits > 0 {
			t.Errorf("table %s holds the key's plaintext in %d row(s)", table, hits)
		}
	}
	for i, l := range c.logs {
		if strings.Contains(l.String(), secretPart) || strings.Contains(l.String(), userKey) {
			t.Errorf("node %d's log holds a key's plaintext", i+1)
		}
		if l.String() == "" {
			t.Errorf("node %d logged nothing; the grep would prove nothing", i+1)
		}
	}
}
