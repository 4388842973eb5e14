package admin_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
)

// keyAuth resolves Bearer keys the way the gateway does: unknown or
// missing keys are EUNAUTHORIZED.
func keyAuth(r *http.Request) (*switchboard.Principal, error) {
	keys := map[string]*switchboard.Principal{"admin-key": adminP, "auditor-key": auditor, "user-key": user}
	k := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if p, ok := keys[k]; ok {
		return p, nil
	}
	return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "unknown key"}
}

func newServer(t *testing.T) (*fixture, *httptest.Server) {
	f := newFixture(t)
	srv := httptest.NewServer(admin.Handler(f.svc, keyAuth))
	t.Cleanup(srv.Close)
	return f, srv
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Param   string `json:"param"`
	} `json:"error"`
}

func call(t *testing.T, srv *httptest.Server, key, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s %s: content-type %q, body %s", method, path, ct, b)
	}
	return resp.StatusCode, b
}

func wantError(t *testing.T, status int, body []byte, wantStatus int, code, param, msg string) {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	if status != wantStatus || e.Error.Code != code || e.Error.Param != param || !strings.Contains(e.Error.Message, msg) {
		t.Fatalf("got %d %+v, want %d %s param %q message containing %q", status, e.Error, wantStatus, code, param, msg)
	}
}

func directiveJSON(t *testing.T) string {
	b, err := json.Marshal(admin.DirectiveBody{Directive: eop(), Reason: "drafting"})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHTTPRoles(t *testing.T) {
	f, srv := newServer(t)
	body := directiveJSON(t)

	st, b := call(t, srv, "", "GET", "/admin/v1/directives", "")
	wantError(t, st, b, 401, "unauthorized", "", "unknown key")
	st, b = call(t, srv, "nope", "POST", "/admin/v1/directives", body)
	wantError(t, st, b, 401, "unauthorized", "", "")
	st, b = call(t, srv, "user-key", "GET", "/admin/v1/directives", "")
	wantError(t, st, b, 403, "forbidden", "", "role user")
	st, b = call(t, srv, "auditor-key", "POST", "/admin/v1/directives", body)
	wantError(t, st, b, 403, "forbidden", "", "auditors may read")
	if v := f.version(t); v != 9 {
		t.Fatalf("a refused call wrote: version %d", v)
	}

	if st, b = call(t, srv, "admin-key", "POST", "/admin/v1/directives", body); st != 201 {
		t.Fatalf("create: %d %s", st, b)
	}
	for _, path := range []string{"/admin/v1/directives", "/admin/v1/directives/eop-2026-02-27", "/admin/v1/tenants",
		"/admin/v1/tenants/state/statechat", "/admin/v1/models", "/admin/v1/aliases/statechat", "/admin/v1/changes?kind=directive"} {
		if st, b = call(t, srv, "auditor-key", "GET", path, ""); st != 200 {
			t.Fatalf("auditor GET %s: %d %s", path, st, b)
		}
	}
	var out struct {
		Directive admin.DirectiveView `json:"directive"`
	}
	_, b = call(t, srv, "auditor-key", "GET", "/admin/v1/directives/eop-2026-02-27", "")
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Directive.CurrentState != "draft" || out.Directive.BasisStatus["fascsa"] != "in_force" || out.Directive.Scopes[1].Tenants[0] != "state" {
		t.Fatalf("show = %s", b)
	}
	var changes struct {
		Changes []switchboard.Change `json:"changes"`
	}
	_, b = call(t, srv, "auditor-key", "GET", "/admin/v1/changes?kind=directive", "")
	if err := json.Unmarshal(b, &changes); err != nil {
		t.Fatal(err)
	}
	if len(changes.Changes) != 1 || changes.Changes[0].Actor != "key_0a0a0a0a (ops)" || changes.Changes[0].Reason != "drafting" {
		t.Fatalf("changes = %s", b)
	}
	if st, b = call(t, srv, "auditor-key", "POST", "/admin/v1/whatif", `{"directive":`+mustJSON(t, eop())+`}`); st != 200 {
		t.Fatalf("auditor what-if: %d %s", st, b)
	}
}

func TestHTTPDirectiveFlow(t *testing.T) {
	f, srv := newServer(t)
	if st, b := call(t, srv, "admin-key", "POST", "/admin/v1/directives", directiveJSON(t)); st != 201 {
		t.Fatalf("create: %d %s", st, b)
	}
	st, b := call(t, srv, "admin-key", "POST", "/admin/v1/directives", directiveJSON(t))
	wantError(t, st, b, 409, "conflict", "directive.id", "already exists")

	if st, b := call(t, srv, "admin-key", "POST", "/admin/v1/directives/eop-2026-02-27/issue", ""); st != 200 {
		t.Fatalf("issue: %d %s", st, b)
	}
	issued := f.grid(t)
	st, b = call(t, srv, "admin-key", "POST", "/admin/v1/directives/eop-2026-02-27/stay", `{"basis":"fascsa"}`)
	wantError(t, st, b, 400, "invalid", "reason", "must say why")
	st, b = call(t, srv, "admin-key", "POST", "/admin/v1/directives/eop-2026-02-27/stay", `{"basis":"fascsa","reason":"x","court":"9th"}`)
	wantError(t, st, b, 400, "invalid", "court", `unknown field "court"`)
	for _, basis := range []string{"fascsa", "presidential"} {
		if st, b := call(t, srv, "admin-key", "POST", "/admin/v1/directives/eop-2026-02-27/stay",
			`{"basis":"`+basis+`","status":"enjoined","reason":"preliminary injunction","ref":"N.D. Cal. 3:26-cv-1"}`); st != 200 {
			t.Fatalf("stay: %d %s", st, b)
		}
	}
	if got := f.outcome(t, "state", "claude-sonnet-4-5"); got.Outcome != "serve" {
		t.Fatalf("after enjoining both bases: %+v", got)
	}
	if st, b := call(t, srv, "admin-key", "POST", "/admin/v1/directives/eop-2026-02-27/unstay", `{"basis":"fascsa","reason":"dissolved"}`); st != 200 {
		t.Fatalf("unstay: %d %s", st, b)
	}
	if got := f.grid(t); !equalGrid(got, issued) {
		t.Fatalf("unstay did not restore: %v", diffGrid(got, issued))
	}
	st, b = call(t, srv, "admin-key", "POST", "/admin/v1/directives/eop-2026-02-27/waive", `{"tenant":"dod","expires":"2026-03-01T00:00:00Z","justification":"mission"}`)
	wantError(t, st, b, 400, "invalid", "expires", "not in the future")
	if st, b := call(t, srv, "admin-key", "POST", "/admin/v1/directives/eop-2026-02-27/waive", `{"id":"w1","tenant":"dod/nsa","expires":"2026-04-01T00:00:00Z","justification":"mission"}`); st != 200 {
		t.Fatalf("waive: %d %s", st, b)
	}
	if st, b := call(t, srv, "admin-key", "DELETE", "/admin/v1/directives/eop-2026-02-27/waivers/w1?reason=done", ""); st != 200 {
		t.Fatalf("revoke: %d %s", st, b)
	}
	st, b = call(t, srv, "admin-key", "POST", "/admin/v1/directives/eop-2026-02-27/frobnicate", `{}`)
	wantError(t, st, b, 404, "not_found", "", "no directive action")
	st, b = call(t, srv, "admin-key", "PATCH", "/admin/v1/directives/eop-2026-02-27", `{}`)
	wantError(t, st, b, 405, "method", "", "PATCH is not allowed")
	st, b = call(t, srv, "admin-key", "GET", "/admin/v1/nothing", "")
	wantError(t, st, b, 404, "not_found", "", "no admin endpoint")
	st, b = call(t, srv, "admin-key", "POST", "/admin/v1/directives", `{"directive":{"id":"x"`+strings.Repeat(" ", admin.MaxBodyBytes)+`}}`)
	wantError(t, st, b, 413, "too_large", "", "limit")
	st, b = call(t, srv, "admin-key", "PUT", "/admin/v1/tenants/state", `{"parent":"state/statechat"}`)
	wantError(t, st, b, 400, "invalid", "tenants[state].parent", "cycle")
	if st, b := call(t, srv, "admin-key", "PUT", "/admin/v1/tenants/state/visas", `{"name":"Visas","parent":"state","reason":"new office"}`); st != 200 {
		t.Fatalf("put tenant: %d %s", st, b)
	}
	if st, b := call(t, srv, "admin-key", "DELETE", "/admin/v1/tenants/state/visas", `{"reason":"closed"}`); st != 200 {
		t.Fatalf("delete tenant: %d %s", st, b)
	}
	if ch := f.lastChange(t); ch.ObjectID != "state/visas" || ch.Reason != "closed" || ch.Action != "tenant.delete" {
		t.Fatalf("last change = %+v", ch)
	}
	st, b = call(t, srv, "admin-key", "PUT", "/admin/v1/models/grok-4", `{"provider":"openai","vendor":"xai"}`)
	wantError(t, st, b, 400, "invalid", "models[grok-4].vendor", "unknown vendor")
}
