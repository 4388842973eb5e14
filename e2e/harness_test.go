package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/gateway"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

// Keys used by the tests' gateway.
const (
	userKey = "sb-test-user-key-0001"
)

// upstreams are the catalog models of the test gateway, one per upstream
// protocol, each backed by the fake provider under a vendor model name.
var upstreams = []struct{ model, protocol string }{
	{"m-openai", "openai"},
	{"m-anthropic", "anthropic"},
	{"m-gemini", "gemini"},
}

type env struct {
	gw   *httptest.Server
	fake *fakeprovider.Server
	g    *gateway.Gateway
}

const testConfig = `
providers:
  up-openai:    {protocol: openai,    base_url: "%[1]s/v1", api_key: up-key-openai}
  up-anthropic: {protocol: anthropic, base_url: "%[1]s",    api_key: up-key-anthropic}
  up-gemini:    {protocol: gemini,    base_url: "%[1]s",    api_key: up-key-gemini}
  up-dead:      {protocol: openai,    base_url: "http://127.0.0.1:1/v1", api_key: x}
vendors:
  openai: {name: OpenAI}
  anthropic: {name: Anthropic}
  google: {name: Google}
models:
  m-openai:    {provider: up-openai,    vendor: openai,    upstream: gpt-4.1}
  m-anthropic: {provider: up-anthropic, vendor: anthropic, upstream: claude-sonnet-4-5}
  m-gemini:    {provider: up-gemini,    vendor: google,    upstream: gemini-2.5-flash}
  m-dead:      {provider: up-dead,      vendor: openai,    upstream: gpt-4.1}
aliases:
  fallback: [m-dead, m-anthropic]
tenants:
  state: {name: State}
keys:
  - {key: %[2]s, tenant: state, name: tests}
gateway:
  retries: 1
  retry_backoff: 1ms
  max_body_bytes: 65536
`

func start(t testing.TB) *env {
	t.Helper()
	fake := fakeprovider.New(fakeprovider.Options{})
	up := httptest.NewServer(fake)
	t.Cleanup(up.Close)
	raw := fmt.Sprintf(testConfig, up.URL, userKey)
	cfg, err := config.Parse([]byte(raw), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store = "sqlite:" + filepath.Join(t.TempDir(), "sb.db")
	g, err := gateway.New(context.Background(), cfg, gateway.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	gw := httptest.NewServer(g.Handler())
	t.Cleanup(gw.Close)
	return &env{gw: gw, fake: fake, g: g}
}
