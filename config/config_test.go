package config

import (
	"runtime"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const good = `
listen: 127.0.0.1:9090
providers:
  openai: {protocol: openai, base_url: "${OPENAI_BASE:-https://api.openai.com/v1}", api_key: "${OPENAI_API_KEY}"}
vendors:
  openai: {name: "OpenAI OpCo, LLC"}
models:
  gpt-4.1: {provider: openai, vendor: openai}
  gpt-4.1-mini: {provider: openai, vendor: openai, upstream: gpt-4.1-mini-2025-04-14}
aliases:
  statechat: [gpt-4.1, gpt-4.1-mini]
  fast: {title: Fast, targets: [gpt-4.1-mini]}
tenants:
  state: {name: Department of State}
  state/statechat: {parent: state}
keys:
  - {key: "${KEY}", tenant: state/statechat, name: app}
`

func TestParseGood(t *testing.T) {
	c, err := Parse([]byte(good), env(map[string]string{"OPENAI_API_KEY": "sk-secret", "KEY": "sb-0123456789abcdef"}))
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Providers["openai"]; p.APIKey != "sk-secret" || p.BaseURL != "https://api.openai.com/v1" || p.Name != "openai" {
		t.Errorf("provider = %+v", p)
	}
	if m := c.Models["gpt-4.1"]; m.Upstream != "gpt-4.1" || m.ID != "gpt-4.1" {
		t.Errorf("model default upstream: %+v", m)
	}
	if got := c.AliasList(); len(got) != 2 || got[0].Name != "statechat" || got[1].Title != "Fast" {
		t.Errorf("aliases = %+v", got)
	}
	if c.Keys[0].Role != "user" || c.Store != DefaultStore || *c.Gateway.Retries != DefaultRetries {
		t.Errorf("defaults not applied: %+v %q", c.Keys[0], c.Store)
	}
	if c.Tenants["state/statechat"].Name != "state/statechat" {
		t.Errorf("tenant name default: %+v", c.Tenants["state/statechat"])
	}
}

func TestParseProblemsHaveLinesAndPaths(t *testing.T) {
	bad := `
listen: nope
providers:
  x: {protocol: grpc, base_url: "ftp://h"}
models:
  m: {provider: y, vendor: v}
aliases:
  a: [m, zz]
tenants:
  t1: {parent: t2}
  t2: {parent: t1}
keys:
  - {key: short, tenant: nobody, role: king}
  - {key: "${MISSING}", tenant: t1}
gateway: {retries: 99, timeouts: {idle: 5s}}
modles: {}
`
	_, err := Parse([]byte(bad), env(nil))
	ps, ok := err.(Problems)
	if !ok {
		t.Fatalf("err = %v (%T), want Problems", err, err)
	}
	out := ps.Error()
	for _, want := range []string{
		`environment variable MISSING is not set`,
		`unknown key "modles"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("problems lack %q:\n%s", want, out)
		}
	}
	// The decode-stage problems stop validation; fix them and check the rest.
	bad = strings.Replace(strings.Replace(bad, "modles: {}\n", "", 1), `"${MISSING}"`, "sb-0123456789abcdef", 1)
	_, err = Parse([]byte(bad), env(nil))
	ps, _ = err.(Problems)
	out = ps.Error()
	for _, want := range []string{
		`line 2: listen: "nope" is not HOST:PORT`,
		`line 4: providers.x.protocol: "grpc" is not a protocol`,
		`providers.x.base_url: "ftp://h" is not an http(s) URL`,
		`line 6: models.m.provider: unknown provider "y"`,
		`line 8: aliases.a[1]: unknown model "zz"`,
		`tenants.t1.parent: the tenant tree has a cycle`,
		`keys[0].key: too short`,
		`keys[0].tenant: unknown tenant "nobody"`,
		`keys[0].role: unknown role "king"`,
		`gateway.retries: must be between 0 and 10`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("problems lack %q:\n%s", want, out)
		}
	}
	for _, p := range ps {
		if p.Line == 0 {
			t.Errorf("problem without a line: %v", p)
		}
	}
}

func TestParseSyntaxError(t *testing.T) {
	_, err := Parse([]byte("listen: [unclosed\n"), env(nil))
	if err == nil || !strings.Contains(err.Error(), "line") {
		t.Fatalf("err = %v", err)
	}
}

func TestExpand(t *testing.T) {
	got, missing := Expand("a${X}b${Y:-dflt}c$${Z}${W}", env(map[string]string{"X": "1"}))
	if got != "a1bdfltc${Z}" || len(missing) != 1 || missing[0] != "W" {
		t.Fatalf("got %q, missing %v", got, missing)
	}
}

func TestEmptyFileGetsDefaults(t *testing.T) {
	c, err := Parse(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != DefaultListen {
		t.Fatalf("listen = %q", c.Listen)
	}
}

// TestValidateDoesNotCompileDefaultGuardrails: a file without guardrail
// detectors, thresholds or terms is not compiled into a throwaway scanner
// on every start (its tables were a third of an idle gateway's memory).
func TestValidateDoesNotCompileDefaultGuardrails(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Parse([]byte(good), env(map[string]string{"OPENAI_API_KEY": "sk-secret", "KEY": "sb-0123456789abcdef"})); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 2<<20 {
		t.Fatalf("parsing a file without guardrail settings allocated %d bytes", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("keys: [{key: x}]\naliases: {a: 3}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Parse(b, env(nil))
	})
}
