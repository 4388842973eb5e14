package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/gateway"
	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
	"github.com/switchboard-gov/switchboard/sqlite"
	"github.com/switchboard-gov/switchboard/web"
)

const (
	userKey    = "sb-web-user-0001"
	adminKey   = "sb-web-admin-0001"
	auditorKey = "sb-web-auditor-0001"
)

const browserConfig = `
providers:
  up-openai:    {protocol: openai,    base_url: "%[1]s/v1", api_key: k}
  up-anthropic: {protocol: anthropic, base_url: "%[1]s",    api_key: k}
vendors:
  openai: {name: OpenAI}
  anthropic: {name: Anthropic}
models:
  m-openai:    {provider: up-openai,    vendor: openai,    upstream: gpt-4.1}
  m-anthropic: {provider: up-anthropic, vendor: anthropic, upstream: claude-sonnet-4-5}
aliases:
  statechat: {title: StateChat default, targets: [m-anthropic]}
tenants:
  gsa: {name: GSA}
  state: {name: Department of State}
keys:
  - {key: ` + userKey + `, tenant: state, name: diplomat, role: user}
  - {key: ` + adminKey + `, tenant: gsa, name: ops, role: admin}
  - {key: ` + auditorKey + `, tenant: gsa, name: inspector, role: auditor}
guardrails:
  policies:
    pii: {default: allow, actions: {US_SSN: redact, PHONE_NUMBER: redact}}
  tenants: {state: pii}
`

// stack is a full gateway in-process with the admin API and web mounted.
type stack struct {
	cfg    *config.Config
	g      *gateway.Gateway
	dbPath string
	admin  http.Handler
	keys   map[string]switchboard.Principal
}

func principals(cfg *config.Config) map[string]switchboard.Principal {
	m := map[string]switchboard.Principal{}
	for _, k := range cfg.Keys {
		h := switchboard.HashKey(k.Key)
		m[k.Key] = switchboard.Principal{KeyID: h.KeyID(), Name: k.Name, Tenant: k.Tenant, Role: k.Role}
	}
	return m
}

func newStack(t *testing.T) *stack {
	t.Helper()
	ctx := context.Background()
	fake := fakeprovider.New(fakeprovider.Options{Chunks: 6, ChunkDelay: 15 * time.Millisecond})
	up := httptest.NewServer(fake)
	t.Cleanup(up.Close)
	cfg, err := config.Parse([]byte(fmt.Sprintf(browserConfig, up.URL)), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg.Store = "sqlite:" + filepath.Join(dir, "sb.db")
	g, err := gateway.New(ctx, cfg, gateway.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	st := &stack{cfg: cfg, g: g, dbPath: filepath.Join(dir, "sb.db"), keys: principals(cfg)}

	// The gateway mounts the admin API (seeded from the file) at
	// /admin/v1/; the console reaches it through the same handler.
	st.admin = g.Handler()
	return st
}

// serve starts the web server (on a freshly opened conversation store)
// with the gateway behind it, as the gateway's mux will mount it.
func (st *stack) serve(t *testing.T, cdb *sqlite.DB) *httptest.Server {
	t.Helper()
	ws, err := web.New(context.Background(), web.Options{
		Gateway:       st.g.Handler(),
		Audit:         st.g.AuditReader(),
		Admin:         st.admin,
		Conversations: sqlite.NewConversationStore(cdb),
		Authenticate: func(key string) (*switchboard.Principal, bool) {
			p, ok := st.keys[key]
			return &p, ok
		},
		Keys: func() []switchboard.Principal {
			var out []switchboard.Principal
			for _, p := range st.keys {
				out = append(out, p)
			}
			return out
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, p := range web.Routes {
		mux.Handle(p, ws)
	}
	mux.Handle("/", st.g.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// startWeb starts a stack and its web server on a conversation store of
// its own, closed when the test ends.
func startWeb(t *testing.T) (*stack, *httptest.Server) {
	t.Helper()
	st := newStack(t)
	cdb, err := sqlite.Open(context.Background(), st.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cdb.Close() })
	return st, st.serve(t, cdb)
}

// browser starts headless Chromium, or skips (fails under CI) without it.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := "/usr/bin/chromium"
	if p := os.Getenv("CHROMIUM"); p != "" {
		path = p
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("browser tests need Chromium at %s (apt-get install -y chromium); skipped because CI is unset", path)
		}
		t.Fatalf("browser tests need Chromium at %s: %v", path, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

func screenshotDir(t *testing.T) string {
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join("..", "artifacts", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir(t), name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		t.Fatalf("%s: %v\nat %s\npage text:\n%s", step, err, loc, trim(body, 2000))
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func signIn(t *testing.T, ctx context.Context, base, key, next string) {
	t.Helper()
	run(t, ctx, "sign in",
		chromedp.Navigate(base+"/signin?next="+next),
		chromedp.WaitVisible(chromedp.ID("key")),
		chromedp.SendKeys(chromedp.ID("key"), key),
		chromedp.Submit(chromedp.ID("key")),
		chromedp.WaitNotPresent(chromedp.ID("key")),
	)
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)), chromedp.WaitVisible(chromedp.ID("key")))
}

// textOf waits until the selector's text matches want, returning it.
func waitText(t *testing.T, ctx context.Context, step, sel, want string) string {
	t.Helper()
	var got string
	deadline := time.Now().Add(20 * time.Second)
	for {
		nodes, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll(`+jsString(sel)+`)).map(e => e.textContent).join("\n")`))
		got = nodes
		if err == nil && strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
			t.Fatalf("%s: %s never contained %q; it has %q\npage:\n%s", step, sel, want, got, trim(body, 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func jsString(s string) string { return fmt.Sprintf("%q", s) }

// TestStateChatInBrowser drives StateChat and the console in headless
// Chromium against a full in-process gateway.
func TestStateChatInBrowser(t *testing.T) {
	ctx := browser(t)
	st := newStack(t)
	cdb, err := sqlite.Open(context.Background(), st.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	srv := st.serve(t, cdb)
	base := srv.URL

	// 1. Sign in, send a message, see the streamed answer and its badge.
	signIn(t, ctx, base, userKey, "/")
	waitText(t, ctx, "model picker", "#model option", "StateChat default")
	firstOption := eval[string](t, ctx, `document.querySelector("#model option").textContent`)
	if firstOption != "StateChat default" {
		t.Errorf("first model option = %q; want the alias title first", firstOption)
	}
	run(t, ctx, "send", chromedp.SendKeys(chromedp.ID("prompt"), "Summarise the **cable** from Embassy Paris."), chromedp.Click(chromedp.ID("send")))
	waitText(t, ctx, "streaming starts", ".msg.assistant .body", "Simulated reply")
	waitText(t, ctx, "vendor badge", ".msg.assistant .badge", "m-anthropic · anthropic")
	waitText(t, ctx, "answer done", ".msg.assistant .foot", "Report this answer")
	if answer := eval[string](t, ctx, `document.querySelector(".msg.assistant .body").textContent`); !strings.Contains(answer, "Embassy Paris.") {
		t.Errorf("answer %q does not echo the whole prompt", answer)
	}
	waitText(t, ctx, "title from first message", "#conv-title", "Summarise the")
	shot(t, ctx, "chat")

	// Markdown is escaped before it is rendered.
	rendered := eval[string](t, ctx, `renderMarkdown("<img src=x onerror=alert(1)> **b** [x](javascript:alert(1))")`)
	if strings.Contains(rendered, "<img") || strings.Contains(rendered, `href="javascript`) || !strings.Contains(rendered, "<strong>b</strong>") {
		t.Errorf("renderMarkdown let markup through: %s", rendered)
	}
	code := eval[string](t, ctx, "renderMarkdown(\"Use:\\n```go\\nif a < b {}\\n```\\n- one\\n- `two`\")")
	if want := `<pre><code class="lang-go">if a &lt; b {}</code></pre><ul><li>one</li><li><code>two</code></li></ul>`; !strings.Contains(code, want) {
		t.Errorf("renderMarkdown(code, list) = %s; want it to contain %s", code, want)
	}

	// 2. Bad input: an empty message and a huge paste get clear messages.
	run(t, ctx, "empty", chromedp.SetValue(chromedp.ID("prompt"), "   "), chromedp.Click(chromedp.ID("send")))
	waitText(t, ctx, "empty message error", "#composer-error", "Type a message before sending.")
	run(t, ctx, "huge paste", chromedp.Evaluate[chromedp.Void](`document.getElementById("prompt").value = "x".repeat(40000)`), chromedp.Click(chromedp.ID("send")))
	waitText(t, ctx, "huge paste error", "#composer-error", "the limit is 32,000")
	run(t, ctx, "clear", chromedp.Evaluate[chromedp.Void](`document.getElementById("prompt").value = ""`))

	// 3. Redaction note for a prompt with an SSN.
	run(t, ctx, "ssn", chromedp.SendKeys(chromedp.ID("prompt"), "Check the visa file of SSN 536-22-1234."), chromedp.Click(chromedp.ID("send")))
	waitText(t, ctx, "redaction note", ".msg.assistant .guard", "1 item redacted: SSN")

	// 4. Report the first answer into the review queue.
	run(t, ctx, "report", chromedp.Click(chromedp.CSS(".msg.assistant .report")), chromedp.WaitVisible(chromedp.ID("report-reason")))
	run(t, ctx, "report empty", chromedp.Click(chromedp.ID("report-submit")))
	waitText(t, ctx, "report reason required", "#report-error", "Say what is wrong")
	run(t, ctx, "report reason", chromedp.SendKeys(chromedp.ID("report-reason"), "It speculates about a US person."), chromedp.Click(chromedp.ID("report-submit")))
	waitText(t, ctx, "reported", ".reported", "Reported")
	convURL := eval[string](t, ctx, `location.href`)
	signOut(t, ctx)

	// 5. An auditor sees the console read-only and cannot change directives.
	signIn(t, ctx, base, auditorKey, "/console/reports")
	waitText(t, ctx, "report queue", "#reports", "It speculates about a US person.")
	run(t, ctx, "auditor directives", chromedp.Navigate(base+"/console/directives"))
	waitText(t, ctx, "read-only note", "#readonly-note", "read-only access")
	fillDirective(t, ctx, "auditor-try")
	run(t, ctx, "auditor preview", chromedp.Click(chromedp.ID("preview")))
	waitText(t, ctx, "auditor may preview", "#whatif-summary", "would change")
	run(t, ctx, "auditor confirm", chromedp.Click(chromedp.ID("confirm")))
	waitText(t, ctx, "auditor refused", "#confirm-error", "auditors may read the admin API but not change it")
	signOut(t, ctx)

	// 6. An admin issues a directive banning the vendor for the user's
	// tenant, after previewing its impact; a deadline before the
	// effective date is refused in the page.
	signIn(t, ctx, base, adminKey, "/console/directives")
	fillDirective(t, ctx, "bad-dates")
	run(t, ctx, "bad dates",
		chromedp.SetValue(chromedp.ID("d-effective"), "2026-05-01T00:00"),
		chromedp.SetValue(chromedp.ID("d-deadline"), "2026-04-01T00:00"),
		chromedp.Click(chromedp.ID("preview")))
	waitText(t, ctx, "deadline error", "#form-error", "is before the effective date")
	run(t, ctx, "reload", chromedp.Navigate(base+"/console/directives"), chromedp.WaitVisible(chromedp.ID("d-id")))
	fillDirective(t, ctx, "ban-anthropic-state")
	run(t, ctx, "preview", chromedp.Click(chromedp.ID("preview")))
	waitText(t, ctx, "impact table", "#whatif-table", "statechat")
	shot(t, ctx, "console-whatif")
	run(t, ctx, "confirm", chromedp.Click(chromedp.ID("confirm")))
	waitText(t, ctx, "directive page", "#directive-id", "ban-anthropic-state")
	waitText(t, ctx, "timeline", "#timeline", "Lifecycle: draft → issued")
	run(t, ctx, "list", chromedp.Navigate(base+"/console/directives"))
	waitText(t, ctx, "listed", "#directive-table", "ban-anthropic-state")
	shot(t, ctx, "console-directives")
	run(t, ctx, "compliance", chromedp.Navigate(base+"/console/compliance?tenant=state"))
	waitText(t, ctx, "compliance", "main", "ban-anthropic-state")
	shot(t, ctx, "console-compliance")
	run(t, ctx, "tenants", chromedp.Navigate(base+"/console/tenants"))
	waitText(t, ctx, "keys", "main", "inspector")
	signOut(t, ctx)

	// 7. StateChat's next answer comes from the replacement, with the notice.
	signIn(t, ctx, base, userKey, strings.TrimPrefix(convURL, base))
	waitText(t, ctx, "conversation reopened", ".msg.assistant .badge", "m-anthropic")
	run(t, ctx, "send again", chromedp.SendKeys(chromedp.ID("prompt"), "And the follow-up?"), chromedp.Click(chromedp.ID("send")))
	waitText(t, ctx, "replacement badge", ".msg.assistant:last-child .badge", "m-openai · openai")
	waitText(t, ctx, "notice", ".msg.assistant:last-child .notice", "Anthropic is barred for State")
	waitText(t, ctx, "rerouted answer done", ".msg.assistant:last-child .foot", "Report this answer")
	// The answer before the SSN was sent has no note; later turns re-send
	// the history, so their prompts are redacted again and say so.
	if g := eval[int](t, ctx, `document.querySelector(".msg.assistant").querySelectorAll(".guard").length`); g != 0 {
		t.Errorf("the first answer, sent before any SSN, carries a redaction note")
	}
	if g := eval[int](t, ctx, `document.querySelectorAll(".msg.assistant .guard").length`); g < 1 {
		t.Errorf("no answer carries a redaction note")
	}
	shot(t, ctx, "chat-rerouted")

	// 8. Stop: the partial answer is kept, marked stopped.
	run(t, ctx, "slow", chromedp.SendKeys(chromedp.ID("prompt"), "Write a long brief [[fake:chunks=40,delay=100ms]]"), chromedp.Click(chromedp.ID("send")))
	waitText(t, ctx, "streaming", ".msg.assistant.streaming .body", "Simulated")
	run(t, ctx, "stop", chromedp.Click(chromedp.ID("stop")))
	waitText(t, ctx, "stopped", ".msg.assistant:last-child .status", "Stopped")

	// 9. Nothing is lost when the server restarts: a new process, a store
	// reopened from the same file, a new sign-in.
	srv.Close()
	cdb.Close()
	cdb2, err := sqlite.Open(context.Background(), st.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cdb2.Close() })
	srv2 := st.serve(t, cdb2)
	path := convURL[strings.Index(convURL, "/c/"):]
	signIn(t, ctx, srv2.URL, userKey, path)
	waitText(t, ctx, "after restart", ".msg.assistant .badge", "m-openai · openai")
	n := eval[int](t, ctx, `document.querySelectorAll(".msg").length`)
	if n != 8 {
		t.Errorf("after restart the conversation has %d messages; want 8 (4 questions, 4 answers)", n)
	}
	waitText(t, ctx, "stopped survives", ".msg.assistant:last-child .status", "Stopped")

	// A phone-sized screen.
	run(t, ctx, "phone", chromedp.EmulateViewport(390, 844))
	shot(t, ctx, "chat-phone")
}

func fillDirective(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	run(t, ctx, "fill directive "+id,
		chromedp.WaitVisible(chromedp.ID("d-id")),
		chromedp.SetValue(chromedp.ID("d-id"), id),
		chromedp.SetValue(chromedp.ID("d-title"), "Cease use of Anthropic at State"),
		chromedp.SetValue(chromedp.ID("d-authority"), "Department of State, Office of the CIO"),
		chromedp.SetValue(chromedp.ID("d-kind"), "agency-memo"),
		chromedp.SetValue(chromedp.ID("d-vendor"), "anthropic"),
		chromedp.SetValue(chromedp.ID("d-action"), "remove"),
		chromedp.SetValue(chromedp.ID("d-tenants"), "state"),
		chromedp.SetValue(chromedp.ID("d-replacement"), "m-openai"),
		chromedp.SetValue(chromedp.ID("d-notice"), "Anthropic is barred for State; OpenAI answers for now."),
		chromedp.SetValue(chromedp.ID("d-reason"), "CIO memo of 2026-03-02"),
	)
}
