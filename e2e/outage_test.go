package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/gateway"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

// forwarder is a TCP relay to Postgres that a test can cut and restore,
// standing in for a network partition or a database restart.
type forwarder struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func (f *forwarder) start(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.ln, f.addr = ln, ln.Addr().String()
	f.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", f.target)
			if err != nil {
				c.Close()
				continue
			}
			f.mu.Lock()
			f.conns = append(f.conns, c, up)
			f.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

// cut closes the listener and every relayed connection.
func (f *forwarder) cut() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ln.Close()
	for _, c := range f.conns {
		c.Close()
	}
	f.conns = nil
}

// TestStoreOutage: while Postgres is unreachable /readyz fails on every
// node; a fail-closed node refuses requests in the client's protocol, a
// fail-static node keeps serving from its last snapshot and says so in its
// metrics; both recover when the store is back.
func TestStoreOutage(t *testing.T) {
	base := pgSchemaURL(t)
	u, _ := url.Parse(base)
	fw := &forwarder{addr: "127.0.0.1:0", target: u.Host}
	fw.start(t)
	defer fw.cut()
	u.Host = fw.addr
	store := u.String()

	fake := httptest.NewServer(fakeprovider.New(fakeprovider.Options{NoRecord: true}))
	defer fake.Close()
	node := func(outage string) *httptest.Server {
		// Fail-static can only serve if the audit trail does not need the
		// same database on every request: it runs async here.
		raw := fmt.Sprintf(testConfig, fake.URL, userKey) + "  store_outage: " + outage + "\naudit: {mode: async}\n"
		cfg, err := config.Parse([]byte(raw), func(string) (string, bool) { return "", false })
		if err != nil {
			t.Fatal(err)
		}
		cfg.Store, cfg.Audit.KeyFile = store, filepath.Join(t.TempDir(), "audit.key")
		g, err := gateway.New(context.Background(), cfg, gateway.Options{SyncInterval: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(g.Handler())
		t.Cleanup(func() { srv.Close(); g.Close() })
		return srv
	}
	closed, static := node("closed"), node("static")
	get := func(srv *httptest.Server, path string) (int, string) {
		resp, b := do(t, "GET", srv.URL+path, nil, nil)
		return resp.StatusCode, string(b)
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	for _, n := range []*httptest.Server{closed, static} {
		if st := status(t, n.URL, "m-openai"); st != 200 {
			t.Fatalf("before the outage: %d", st)
		}
	}

	fw.cut()
	waitFor("readyz to fail on both nodes", func() bool {
		a, _ := get(closed, "/readyz")
		b, _ := get(static, "/readyz")
		return a == 503 && b == 503
	})
	waitFor("the fail-closed node to refuse", func() bool { return status(t, closed.URL, "m-openai") == 503 })
	resp, b := do(t, "POST", closed.URL+"/v1/messages", func(h http.Header) { h.Set("x-api-key", userKey); h.Set("anthropic-version", "2023-06-01") },
		[]byte(`{"model":"m-openai","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`))
	if resp.StatusCode != 503 || !strings.Contains(string(b), "policy store") || !strings.Contains(string(b), `"type":"error"`) {
		t.Fatalf("fail-closed refusal (Anthropic client): %d %s", resp.StatusCode, b)
	}
	if st := status(t, static.URL, "m-openai"); st != 200 {
		t.Fatalf("the fail-static node stopped serving: %d", st)
	}
	waitFor("the stale-snapshot gauge", func() bool {
		_, m := get(static, "/metrics")
		return strings.Contains(m, "switchboard_snapshot_stale 1") && strings.Contains(m, "switchboard_store_up 0")
	})

	fw.addr = u.Host // the same address again
	fw.start(t)
	waitFor("recovery", func() bool {
		a, _ := get(closed, "/readyz")
		b, _ := get(static, "/readyz")
		return a == 200 && b == 200 && status(t, closed.URL, "m-openai") == 200
	})
	waitFor("the stale gauge to clear", func() bool {
		_, m := get(static, "/metrics")
		return strings.Contains(m, "switchboard_snapshot_stale 0") && strings.Contains(m, "switchboard_store_up 1")
	})
}
