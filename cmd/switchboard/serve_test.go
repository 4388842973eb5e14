package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// status polls until the request's status is want or the deadline passes,
// and returns the last status seen.
func status(t *testing.T, url string, want int) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	last := 0
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest("POST", url+"/v1/chat/completions", strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"hi"}]}`))
		req.Header.Set("Authorization", "Bearer sb-serve-test-key-0001")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			last = resp.StatusCode
			if last == want {
				return last
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return last
}

const serveConfig = `
store: sqlite:%[2]s
providers:
  up: {protocol: openai, base_url: "%[1]s/v1", api_key: k}
vendors:
  v: {name: Vendor}
models:
  m: {provider: up, vendor: v}
tenants:
  t: {name: T}
keys:
  - {key: sb-serve-test-key-0001, tenant: t}
`

const banDirective = `
directives:
  - id: ban-v
    title: Ban vendor v
    kind: agency-memo
    issued_at: 2026-01-01T00:00:00Z
    subject: {vendor: v}
    action: remove
    scopes: [{tenants: [t], effective_at: 2026-01-01T00:00:00Z, deadline: 2026-01-01T00:00:00Z}]
    notice: Vendor v is banned.
`

// TestServeReloadsOnFileChange runs the real serve command, then edits its
// configuration file: the directive takes effect without a restart, a
// broken edit is refused, and removing the directive restores service.
func TestServeReloadsOnFileChange(t *testing.T) {
	fake := httptest.NewServer(fakeprovider.New(fakeprovider.Options{NoRecord: true}))
	defer fake.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "switchboard.yaml")
	base := fmt.Sprintf(serveConfig, fake.URL, filepath.Join(dir, "sb.db"))
	if err := os.WriteFile(path, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", path, "--addr", addr}, &bytes.Buffer{}, &stderr)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	url := "http://" + addr
	if got := status(t, url, 200); got != 200 {
		t.Fatalf("before the directive: %d; log:\n%s", got, stderr.String())
	}
	if err := os.WriteFile(path, []byte(base+banDirective), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := status(t, url, 403); got != 403 {
		t.Fatalf("after adding the directive: %d; log:\n%s", got, stderr.String())
	}
	// A broken file is refused; the directive stays in force.
	if err := os.WriteFile(path, []byte(base+banDirective+"\nnot: [valid"), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond) // let the watcher see it; the assertion below is on behaviour
	if got := status(t, url, 403); got != 403 {
		t.Fatalf("a broken file changed behaviour: %d", got)
	}
	if err := os.WriteFile(path, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := status(t, url, 200); got != 200 {
		t.Fatalf("after removing the directive: %d; log:\n%s", got, stderr.String())
	}
	if !strings.Contains(stderr.String(), "reload refused") {
		t.Errorf("the broken file was not reported:\n%s", stderr.String())
	}
}
