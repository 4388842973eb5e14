package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/gateway"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

// clock is a settable fake clock for the gateway.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// scenario starts the gateway on examples/2026-03 with simulated vendors and
// a fake clock.
func scenario(t *testing.T) (*httptest.Server, *clock) {
	t.Helper()
	b, err := os.ReadFile("../examples/2026-03/switchboard.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(b, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(fakeprovider.New(fakeprovider.Options{}))
	t.Cleanup(up.Close)
	gateway.Simulate(cfg, up.URL)
	cfg.Store = "sqlite:" + filepath.Join(t.TempDir(), "sb.db")
	clk := &clock{}
	g, err := gateway.New(context.Background(), cfg, gateway.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	srv := httptest.NewServer(g.Handler())
	t.Cleanup(srv.Close)
	return srv, clk
}

// The example's public keys, one per tenant.
var scenarioKeys = map[string]string{
	"state/statechat": "sb-example-statechat-0001",
	"treasury":        "sb-example-treasury-0001",
	"hhs":             "sb-example-hhs-000001",
	"dod":             "sb-example-dod-000001",
	"dod/nsa":         "sb-example-nsa-000001",
	"dod/army":        "sb-example-army-00001",
}

// outcome is what a request got, as a client sees it.
type outcome struct {
	status    int
	served    string // Switchboard-Served-Model
	directive string // Switchboard-Directive
	notice    bool   // Switchboard-Notice present
}

func ask(t *testing.T, base, tenant, model string) outcome {
	t.Helper()
	body := `{"model":"` + model + `","messages":[{"role":"user","content":"Summarise the cable."}]}`
	resp, b := do(t, "POST", base+"/v1/chat/completions", func(h http.Header) {
		h.Set("Authorization", "Bearer "+scenarioKeys[tenant])
	}, []byte(body))
	o := outcome{status: resp.StatusCode, served: resp.Header.Get("Switchboard-Served-Model"),
		directive: resp.Header.Get("Switchboard-Directive"), notice: resp.Header.Get("Switchboard-Notice") != ""}
	if o.status == 200 && !strings.Contains(string(b), "Simulated") {
		t.Errorf("%s %s: 200 without a simulated answer: %s", tenant, model, b)
	}
	if o.status == 403 && !strings.Contains(string(b), o.directive) {
		t.Errorf("%s %s: refusal does not name directive %q: %s", tenant, model, o.directive, b)
	}
	return o
}

// TestTimeline2026 replays the 2026 scenario through the real OpenAI
// endpoint with a fake clock: the table of examples/2026-03/README.md.
func TestTimeline2026(t *testing.T) {
	srv, clk := scenario(t)
	const (
		eop    = "eop-2026-02-27"
		fascsa = "dod-fascsa-2026-02-27"
		memo   = "state-memo-2026-03-02"
		intel  = "openai-dow-intel-2026-03-03"
	)
	type want struct {
		status    int
		served    string
		directive string
	}
	serve := func(m string) want { return want{200, m, ""} }
	warn := func(m, d string) want { return want{200, m, d} }
	reroute := warn
	refuse := func(d string) want { return want{403, "", d} }
	rows := []struct {
		date, tenant, model string
		want                want
	}{
		{"2026-02-26", "state/statechat", "claude-sonnet-4-5", serve("claude-sonnet-4-5")},
		{"2026-02-26", "dod/nsa", "claude-sonnet-4-5", serve("claude-sonnet-4-5")},
		{"2026-02-26", "treasury", "statechat", serve("claude-sonnet-4-5")},

		{"2026-02-28", "treasury", "claude-sonnet-4-5", serve("claude-sonnet-4-5")},
		{"2026-02-28", "dod", "claude-sonnet-4-5", warn("claude-sonnet-4-5", eop)},
		{"2026-02-28", "dod/nsa", "claude-sonnet-4-5", reroute("gemini-2.5-pro", fascsa)},
		{"2026-02-28", "dod/nsa", "gpt-4.1", serve("gpt-4.1")},

		{"2026-03-03", "state/statechat", "claude-sonnet-4-5", reroute("gpt-4.1", eop)},
		{"2026-03-03", "state/statechat", "statechat", reroute("gpt-4.1", memo)},
		{"2026-03-03", "state/statechat", "gpt-4.1", serve("gpt-4.1")},
		{"2026-03-03", "treasury", "claude-sonnet-4-5", reroute("gpt-4.1", eop)},
		{"2026-03-03", "treasury", "claude-opus-4-1", refuse(eop)},
		{"2026-03-03", "hhs", "statechat", reroute("gpt-4.1", eop)},
		{"2026-03-03", "dod", "claude-sonnet-4-5", warn("claude-sonnet-4-5", eop)},
		{"2026-03-03", "dod/nsa", "gpt-4.1", refuse(intel)},
		{"2026-03-03", "dod/nsa", "statechat", reroute("gemini-2.5-pro", fascsa)},

		{"2026-04-04", "state/statechat", "claude-sonnet-4-5", serve("claude-sonnet-4-5")},
		{"2026-04-04", "state/statechat", "statechat", serve("claude-sonnet-4-5")},
		{"2026-04-04", "treasury", "claude-sonnet-4-5", serve("claude-sonnet-4-5")},
		{"2026-04-04", "dod", "claude-sonnet-4-5", serve("claude-sonnet-4-5")},
		{"2026-04-04", "dod/nsa", "claude-sonnet-4-5", reroute("gemini-2.5-pro", fascsa)},
		{"2026-04-04", "dod/army", "claude-sonnet-4-5", reroute("gemini-2.5-pro", fascsa)},
		{"2026-04-04", "dod/nsa", "gpt-4.1", refuse(intel)},

		{"2026-08-28", "dod", "claude-sonnet-4-5", serve("claude-sonnet-4-5")},
		{"2026-08-28", "dod/nsa", "claude-sonnet-4-5", reroute("gemini-2.5-pro", fascsa)},
	}
	for _, r := range rows {
		at, _ := time.Parse(time.RFC3339, r.date+"T12:00:00Z")
		clk.Set(at)
		got := ask(t, srv.URL, r.tenant, r.model)
		if got.status != r.want.status || got.served != r.want.served || got.directive != r.want.directive {
			t.Errorf("%s %-16s %-18s got %d served=%q directive=%q; want %d served=%q directive=%q",
				r.date, r.tenant, r.model, got.status, got.served, got.directive, r.want.status, r.want.served, r.want.directive)
		}
		if r.want.directive != "" && !got.notice {
			t.Errorf("%s %s %s: directive acted without a Switchboard-Notice", r.date, r.tenant, r.model)
		}
	}
}

// TestModelsListShowsOnlyWhatTheCallerMayUse checks /v1/models against the
// policy on 2026-03-03: NSA does not see gpt-4.1 (refused for it).
func TestModelsListShowsOnlyWhatTheCallerMayUse(t *testing.T) {
	srv, clk := scenario(t)
	clk.Set(time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	list := func(tenant string) string {
		_, b := do(t, "GET", srv.URL+"/v1/models", func(h http.Header) { h.Set("Authorization", "Bearer "+scenarioKeys[tenant]) }, nil)
		return string(b)
	}
	if nsa := list("dod/nsa"); strings.Contains(nsa, `"id":"gpt-4.1"`) {
		t.Errorf("dod/nsa sees gpt-4.1, which it is refused: %s", nsa)
	}
	if tr := list("treasury"); !strings.Contains(tr, `"id":"gpt-4.1"`) || !strings.Contains(tr, `"id":"statechat"`) {
		t.Errorf("treasury list lacks gpt-4.1 or statechat: %s", tr)
	}
}

// admin sends an admin API request with the scenario's admin key.
func admin(t *testing.T, base, method, path, body string) (int, string) {
	t.Helper()
	resp, b := do(t, method, base+path, func(h http.Header) { h.Set("Authorization", "Bearer sb-example-admin-0001") }, []byte(body))
	return resp.StatusCode, string(b)
}

// TestStayTakesEffectOnTheNextRequest: a court stay entered through the
// admin API acts on the very next request, and lifting it restores the
// previous behaviour exactly; so does rescinding and restoring the memo.
func TestStayTakesEffectOnTheNextRequest(t *testing.T) {
	srv, clk := scenario(t)
	clk.Set(time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	before := ask(t, srv.URL, "treasury", "claude-sonnet-4-5")
	if before.served != "gpt-4.1" || before.directive != "eop-2026-02-27" {
		t.Fatalf("before the stay: %+v", before)
	}
	if st, b := admin(t, srv.URL, "POST", "/admin/v1/directives/eop-2026-02-27/stay",
		`{"basis":"presidential","status":"enjoined","reason":"preliminary injunction","ref":"N.D. Cal."}`); st != 200 {
		t.Fatalf("stay: %d %s", st, b)
	}
	if got := ask(t, srv.URL, "treasury", "claude-sonnet-4-5"); got.status != 200 || got.served != "claude-sonnet-4-5" || got.directive != "" {
		t.Fatalf("after the stay: %+v; want served by claude-sonnet-4-5 with no directive", got)
	}
	if st, b := admin(t, srv.URL, "POST", "/admin/v1/directives/eop-2026-02-27/unstay",
		`{"basis":"presidential","reason":"injunction vacated on appeal"}`); st != 200 {
		t.Fatalf("unstay: %d %s", st, b)
	}
	if got := ask(t, srv.URL, "treasury", "claude-sonnet-4-5"); got != before {
		t.Fatalf("after lifting the stay: %+v; want exactly %+v", got, before)
	}

	// A stay of a whole directive (the contract term barring NSA).
	intelBefore := ask(t, srv.URL, "dod/nsa", "gpt-4.1")
	if intelBefore.status != 403 {
		t.Fatalf("before: %+v", intelBefore)
	}
	const intel = "/admin/v1/directives/openai-dow-intel-2026-03-03"
	if st, b := admin(t, srv.URL, "POST", intel+"/stay", `{"reason":"contract modification pending"}`); st != 200 {
		t.Fatalf("stay: %d %s", st, b)
	}
	if got := ask(t, srv.URL, "dod/nsa", "gpt-4.1"); got.status != 200 || got.served != "gpt-4.1" {
		t.Fatalf("stayed directive still acts: %+v", got)
	}
	if st, b := admin(t, srv.URL, "POST", intel+"/unstay", `{"reason":"modification withdrawn"}`); st != 200 {
		t.Fatalf("unstay: %d %s", st, b)
	}
	if got := ask(t, srv.URL, "dod/nsa", "gpt-4.1"); got != intelBefore {
		t.Fatalf("after lifting the stay: %+v; want %+v", got, intelBefore)
	}
	// The change log says who, why, before and after.
	if st, b := admin(t, srv.URL, "GET", "/admin/v1/changes?kind=directive&object=openai-dow-intel-2026-03-03", ""); st != 200 ||
		!strings.Contains(b, "contract modification pending") || !strings.Contains(b, "platform-admin") {
		t.Fatalf("changes: %d %s", st, b)
	}

	// Only admins may change directives.
	resp, _ := do(t, "POST", srv.URL+"/admin/v1/directives/eop-2026-02-27/stay", func(h http.Header) {
		h.Set("Authorization", "Bearer "+scenarioKeys["treasury"])
	}, []byte(`{"reason":"x"}`))
	if resp.StatusCode != 403 {
		t.Fatalf("a developer key changed a directive: %d", resp.StatusCode)
	}
}

// TestWhatIfUsesRecordedTraffic: a draft directive is evaluated against the
// traffic the audit trail recorded, and says so.
func TestWhatIfUsesRecordedTraffic(t *testing.T) {
	srv, clk := scenario(t)
	clk.Set(time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	for i := 0; i < 3; i++ {
		ask(t, srv.URL, "hhs", "gpt-4.1")
	}
	draft := `{"since":"2026-03-01T00:00:00Z","directive":{"id":"draft-openai-hhs","title":"Draft: cease OpenAI at HHS","kind":"agency-memo",
		"issued_at":"2026-03-03T00:00:00Z","subject":{"vendor":"openai"},"action":"remove",
		"scopes":[{"tenants":["hhs"],"effective_at":"2026-03-03T00:00:00Z","deadline":"2026-03-03T00:00:00Z"}]}}`
	st, b := admin(t, srv.URL, "POST", "/admin/v1/whatif", draft)
	var res struct {
		Traffic string
		Impacts []struct {
			Tenant, Model, Before, After string
			Count                        int
		}
	}
	if st != 200 || json.Unmarshal([]byte(b), &res) != nil || res.Traffic != "recorded" || len(res.Impacts) != 1 ||
		res.Impacts[0].Tenant != "hhs" || res.Impacts[0].Model != "gpt-4.1" || res.Impacts[0].Count != 3 || res.Impacts[0].After != "refuse" {
		t.Fatalf("what-if: %d %s", st, b)
	}
}
