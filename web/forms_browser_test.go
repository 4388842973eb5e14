package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// served sends one chat request as the StateChat user straight to the
// gateway and returns the model that served it and the waiver header.
func served(t *testing.T, base string) (model, waiver string) {
	t.Helper()
	body := `{"model":"statechat","messages":[{"role":"user","content":"Status of the visa backlog?"}]}`
	req, err := http.NewRequest("POST", base+"/v1/chat/completions", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+userKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("chat request: status %d: %s", resp.StatusCode, b)
	}
	return resp.Header.Get("Switchboard-Served-Model"), resp.Header.Get("Switchboard-Waiver")
}

// act fills the directive page's action form and confirms it after the
// preview; the page reloads with the new state.
func act(t *testing.T, ctx context.Context, action, reason string, extra ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	steps := append([]chromedp.Action[chromedp.Void]{
		chromedp.WaitVisible(chromedp.ID("a-action")),
		chromedp.SetValue(chromedp.ID("a-action"), action),
		chromedp.SetValue(chromedp.ID("a-reason"), reason),
	}, extra...)
	steps = append(steps, chromedp.Click(chromedp.ID("preview")))
	run(t, ctx, action+" preview", steps...)
	waitText(t, ctx, action+" impact", "#whatif-summary", "")
	run(t, ctx, action+" confirm", chromedp.WaitVisible(chromedp.ID("confirm")), chromedp.Click(chromedp.ID("confirm")))
}

// settle waits until the page has finished loading, so that a screenshot
// does not catch it between a reload and its first layout.
func settle(t *testing.T, ctx context.Context) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; {
		if s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState`)); err == nil && s == "complete" {
			if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.clientWidth`)); err == nil && w > 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the page never finished loading")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestConsoleFormsInBrowser clicks through the forms the main browser test
// leaves out: staying, lifting, waiving and rescinding a directive on its
// page (each acting on the next request), a tenant's system prompt, and a
// conversation's rename, export and delete.
func TestConsoleFormsInBrowser(t *testing.T) {
	ctx := browser(t)
	_, srv := startWeb(t)
	base := srv.URL

	if m, _ := served(t, base); m != "m-anthropic" {
		t.Fatalf("before any directive, statechat is served by %q", m)
	}

	// Issue a ban with a replacement, as the main test does.
	signIn(t, ctx, base, adminKey, "/console/directives")
	fillDirective(t, ctx, "ban-anthropic-state")
	run(t, ctx, "preview", chromedp.Click(chromedp.ID("preview")))
	waitText(t, ctx, "impact table", "#whatif-table", "statechat")
	run(t, ctx, "confirm", chromedp.Click(chromedp.ID("confirm")))
	waitText(t, ctx, "directive page", "#directive-id", "ban-anthropic-state")
	if m, _ := served(t, base); m != "m-openai" {
		t.Fatalf("after the ban, statechat is served by %q; want the replacement", m)
	}

	// A waiver needs a tenant and an expiry: refused in the page.
	run(t, ctx, "waiver without tenant",
		chromedp.WaitVisible(chromedp.ID("a-action")),
		chromedp.SetValue(chromedp.ID("a-action"), "waive"),
		chromedp.SetValue(chromedp.ID("a-reason"), "Consular backlog"),
		chromedp.Click(chromedp.ID("preview")))
	waitText(t, ctx, "waiver error", "#form-error", "A waiver needs a tenant and an expiry date.")

	// A court stays the directive: the next request goes to Anthropic again.
	act(t, ctx, "stay", "Order staying the memo pending review", chromedp.SetValue(chromedp.ID("a-ref"), "N.D. Cal. 3:26-cv-01996"))
	waitText(t, ctx, "stayed", "#directive-state", "stayed")
	waitText(t, ctx, "stay in timeline", "#timeline", "N.D. Cal. 3:26-cv-01996")
	if m, _ := served(t, base); m != "m-anthropic" {
		t.Errorf("while stayed, statechat is served by %q; want m-anthropic", m)
	}
	settle(t, ctx)
	shot(t, ctx, "console-directive-stayed")

	// The stay is lifted: the ban acts again.
	act(t, ctx, "unstay", "Stay dissolved on appeal")
	waitText(t, ctx, "stay lifted", "#directive-state", "complete") // in force, its (immediate) deadline passed
	if m, _ := served(t, base); m != "m-openai" {
		t.Errorf("after the stay is lifted, statechat is served by %q; want m-openai", m)
	}

	// A waiver for State: Anthropic answers, and says under which waiver.
	expires := time.Now().UTC().AddDate(0, 1, 0).Format("2006-01-02T15:04")
	act(t, ctx, "waive", "Consular backlog needs the current model for 30 days",
		chromedp.SetValue(chromedp.ID("a-tenant"), "state"),
		chromedp.SetValue(chromedp.ID("a-expires"), expires))
	waitText(t, ctx, "waiver listed", "main", "Consular backlog needs the current model")
	if m, w := served(t, base); m != "m-anthropic" || w == "" {
		t.Errorf("under the waiver, statechat is served by %q with waiver %q; want m-anthropic under a waiver", m, w)
	}

	// Rescinded: the directive no longer acts, and says so.
	act(t, ctx, "rescind", "Memo withdrawn by the CIO")
	waitText(t, ctx, "rescinded", "#directive-state", "rescinded")
	if m, w := served(t, base); m != "m-anthropic" || w != "" {
		t.Errorf("after rescission, statechat is served by %q (waiver %q); want m-anthropic with no waiver", m, w)
	}

	// A tenant's system prompt, saved through its form.
	run(t, ctx, "tenants", chromedp.Navigate(base+"/console/tenants"), chromedp.WaitVisible(chromedp.ID("p-state")))
	run(t, ctx, "system prompt",
		chromedp.SetValue(chromedp.ID("p-state"), "Answer in plain English for the public."),
		chromedp.Click(chromedp.CSS(`#prompt-state button[type="submit"]`)))
	waitText(t, ctx, "prompt saved", "#prompt-state", "Last changed")
	if got := eval[string](t, ctx, `document.getElementById("p-state").value`); got != "Answer in plain English for the public." {
		t.Errorf("the saved prompt reads %q", got)
	}
	signOut(t, ctx)

	// StateChat: rename, export and delete a conversation.
	signIn(t, ctx, base, userKey, "/")
	run(t, ctx, "send", chromedp.WaitVisible(chromedp.ID("prompt")), chromedp.SendKeys(chromedp.ID("prompt"), "Draft a note on passport wait times."), chromedp.Click(chromedp.ID("send")))
	waitText(t, ctx, "answer done", ".msg.assistant .foot", "Report this answer")
	run(t, ctx, "rename",
		chromedp.Evaluate[chromedp.Void](`window.prompt = () => "Passport wait times"`),
		chromedp.Click(chromedp.ID("rename")))
	waitText(t, ctx, "renamed", "#conv-title", "Passport wait times")
	waitText(t, ctx, "renamed in list", "#conversations", "Passport wait times")
	fetchText := func(id string) string {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.getElementById("`+id+`").href).then(r => r.text())`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("fetch %s: %v", id, err)
		}
		return v
	}
	md := fetchText("export-md")
	if !strings.Contains(md, "Passport wait times") || !strings.Contains(md, "Draft a note on passport wait times.") {
		t.Errorf("Markdown export:\n%s", md)
	}
	js := fetchText("export-json")
	if !strings.Contains(js, `"Passport wait times"`) || !strings.Contains(js, "Simulated reply") {
		t.Errorf("JSON export:\n%s", js)
	}
	run(t, ctx, "delete",
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.ID("delete")))
	waitText(t, ctx, "deleted", "#conv-title", "New conversation")
	if n := eval[int](t, ctx, `document.querySelectorAll("#conversations li").length`); n != 0 {
		t.Errorf("after delete the list has %d conversations", n)
	}
}
