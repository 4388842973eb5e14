package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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

// nodes starts n gateway nodes on one Postgres schema, as n stateless
// processes would run behind a load balancer.
func nodes(t *testing.T, n int) []*httptest.Server {
	t.Helper()
	store := pgSchemaURL(t)
	up := httptest.NewServer(fakeprovider.New(fakeprovider.Options{NoRecord: true}))
	t.Cleanup(up.Close)
	keyFile := filepath.Join(t.TempDir(), "audit.key") // one signing key for the cluster
	var out []*httptest.Server
	for i := 0; i < n; i++ {
		raw := strings.Replace(fmt.Sprintf(testConfig, up.URL, userKey), "keys:\n", "keys:\n  - {key: "+adminKey+", tenant: state, name: ops, role: admin}\n", 1)
		cfg, err := config.Parse([]byte(raw), func(string) (string, bool) { return "", false })
		if err != nil {
			t.Fatal(err)
		}
		cfg.Store = store
		cfg.Audit.KeyFile = keyFile
		g, err := gateway.New(context.Background(), cfg, gateway.Options{SyncInterval: 250 * time.Millisecond})
		if err != nil {
			t.Fatalf("node %d: %v", i+1, err)
		}
		srv := httptest.NewServer(g.Handler())
		t.Cleanup(func() { srv.Close(); g.Close() })
		out = append(out, srv)
	}
	return out
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
