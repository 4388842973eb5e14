package admin_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
)

var (
	fhfaAdmin = &switchboard.Principal{KeyID: "key_0d0d0d0d", Name: "fhfa-it", Tenant: "fhfa", Role: switchboard.RoleTenantAdmin}
	developer = &switchboard.Principal{KeyID: "key_0e0e0e0e", Name: "dev", Tenant: "fhfa", Role: switchboard.RoleDeveloper}
	rolesAuth = map[string]*switchboard.Principal{
		switchboard.RolePlatformAdmin: adminP, switchboard.RoleAuditor: auditor, switchboard.RoleTenantAdmin: fhfaAdmin,
		switchboard.RoleDeveloper: developer, switchboard.RoleUser: user,
	}
)

// keyServer is an admin server over the fixture whose Bearer key is the
// caller's role name, with fhfa/fannie-mae under fhfa.
func keyServer(t *testing.T) (*fixture, *httptest.Server) {
	f := newFixture(t)
	_, err := f.store.PutTenant(context.Background(), &switchboard.Tenant{ID: "fhfa/fannie-mae", Name: "Fannie Mae", Parent: "fhfa"}, switchboard.Change{Actor: "config"})
	must(t, err)
	srv := httptest.NewServer(admin.Handler(f.svc, func(r *http.Request) (*switchboard.Principal, error) {
		if p, ok := rolesAuth[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]; ok {
			return p, nil
		}
		return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "unknown key"}
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func createKey(t *testing.T, srv *httptest.Server, role string, req admin.KeyRequest) admin.KeyResult {
	t.Helper()
	st, b := call(t, srv, role, "POST", "/admin/v1/keys", mustJSON(t, req))
	if st != 201 {
		t.Fatalf("create %+v as %s: %d %s", req, role, st, b)
	}
	var res admin.KeyResult
	must(t, json.Unmarshal(b, &res))
	return res
}

// TestKeyRoleMatrix runs every role against every class of admin
// endpoint: allowed (2xx) or 403 naming the role needed.
func TestKeyRoleMatrix(t *testing.T) {
	f, srv := keyServer(t)
	_, err := f.svc.CreateDirective(context.Background(), adminP, eop(), "drafting")
	must(t, err)
	type endpoint struct {
		class, method, path, body string
	}
	endpoints := func(role string) []endpoint {
		d := eop()
		d.ID = "d-" + role
		return []endpoint{
			{"read", "GET", "/admin/v1/directives", ""},
			{"read", "GET", "/admin/v1/models", ""},
			{"read", "GET", "/admin/v1/tenants", ""},
			{"read", "GET", "/admin/v1/keys", ""},
			{"read", "GET", "/admin/v1/changes", ""},
			{"read", "POST", "/admin/v1/whatif", `{"directive":` + mustJSON(t, eop()) + `}`},
			{"platform", "POST", "/admin/v1/directives", mustJSON(t, admin.DirectiveBody{Directive: d})},
			{"platform", "POST", "/admin/v1/directives/eop-2026-02-27/waive", `{"id":"w-` + role + `","tenant":"fhfa","expires":"2026-04-01T00:00:00Z","justification":"mission"}`},
			{"platform", "PUT", "/admin/v1/models/m-" + role, `{"provider":"openai","vendor":"openai"}`},
			{"platform", "PUT", "/admin/v1/aliases/a-" + role, `{"targets":["gpt-4.1"]}`},
			{"platform", "DELETE", "/admin/v1/directives/d-none", ``},
			{"tenant", "PUT", "/admin/v1/tenants/fhfa/t-" + role, `{"parent":"fhfa"}`},
			{"key", "POST", "/admin/v1/keys", `{"name":"k-` + role + `","tenant":"fhfa/fannie-mae","role":"user"}`},
		}
	}
	allowed := map[string]map[string]bool{
		switchboard.RolePlatformAdmin: {"read": true, "platform": true, "tenant": true, "key": true},
		switchboard.RoleAuditor:       {"read": true},
		switchboard.RoleTenantAdmin:   {"read": true, "tenant": true, "key": true},
		switchboard.RoleDeveloper:     {},
		switchboard.RoleUser:          {},
	}
	for _, role := range switchboard.Roles {
		for _, e := range endpoints(role) {
			st, b := call(t, srv, role, e.method, e.path, e.body)
			switch {
			case allowed[role][e.class] && e.path == "/admin/v1/directives/d-none":
				if st != 404 {
					t.Errorf("%s %s %s: %d %s, want 404 (allowed, no such draft)", role, e.method, e.path, st, b)
				}
			case allowed[role][e.class]:
				if st/100 != 2 {
					t.Errorf("%s %s %s: %d %s, want allowed", role, e.method, e.path, st, b)
				}
			default:
				var ae apiError
				_ = json.Unmarshal(b, &ae)
				if st != 403 || !strings.Contains(ae.Error.Message, "role admin") {
					t.Errorf("%s %s %s: %d %s, want 403 naming the role needed", role, e.method, e.path, st, b)
				}
			}
		}
	}
}

func TestTenantAdminSubtree(t *testing.T) {
	f, srv := keyServer(t)
	stateKey := createKey(t, srv, "admin", admin.KeyRequest{Name: "visas app", Tenant: "state", Role: switchboard.RoleDeveloper})
	fannie := createKey(t, srv, "tenant-admin", admin.KeyRequest{Name: "underwriting", Tenant: "fhfa/fannie-mae", Role: switchboard.RoleDeveloper, Reason: "new app"})
	if fannie.Key.Tenant != "fhfa/fannie-mae" || fannie.Change.Actor != "key_0d0d0d0d (fhfa-it)" || fannie.Change.Reason != "new app" {
		t.Fatalf("tenant admin's key: %+v", fannie)
	}
	v := f.version(t)

	st, b := call(t, srv, "tenant-admin", "POST", "/admin/v1/keys", `{"name":"x","tenant":"state","role":"user"}`)
	wantError(t, st, b, 403, "forbidden", "", `tenant "state" is outside the subtree of "fhfa"`)
	for _, role := range []string{"admin", "auditor"} {
		st, b = call(t, srv, "tenant-admin", "POST", "/admin/v1/keys", `{"name":"x","tenant":"fhfa","role":"`+role+`"}`)
		wantError(t, st, b, 403, "forbidden", "", "only a key with role admin may grant")
	}
	for _, action := range []string{"rotate", "revoke"} {
		st, b = call(t, srv, "tenant-admin", "POST", "/admin/v1/keys/"+stateKey.Key.ID+"/"+action, `{"reason":"mine now"}`)
		wantError(t, st, b, 403, "forbidden", "", "needs a key with role admin")
	}
	st, b = call(t, srv, "tenant-admin", "GET", "/admin/v1/keys/"+stateKey.Key.ID, "")
	wantError(t, st, b, 403, "forbidden", "", "role admin or auditor")
	st, b = call(t, srv, "tenant-admin", "PUT", "/admin/v1/tenants/state/visas", `{"parent":"state"}`)
	wantError(t, st, b, 403, "forbidden", "", "outside")
	st, b = call(t, srv, "tenant-admin", "PUT", "/admin/v1/tenants/fhfa/hidden", `{"parent":"state"}`)
	wantError(t, st, b, 403, "forbidden", "", `parent "state" is outside`)
	st, b = call(t, srv, "tenant-admin", "PUT", "/admin/v1/tenants/fhfa", `{"parent":"dod"}`)
	wantError(t, st, b, 403, "forbidden", "", `not "fhfa" itself`)
	st, b = call(t, srv, "tenant-admin", "DELETE", "/admin/v1/tenants/state/statechat", `{"reason":"x"}`)
	wantError(t, st, b, 403, "forbidden", "", "outside")
	if got := f.version(t); got != v {
		t.Fatalf("refused calls wrote: version %d, want %d", got, v)
	}

	var keys struct {
		Keys []admin.KeyView `json:"keys"`
	}
	_, b = call(t, srv, "tenant-admin", "GET", "/admin/v1/keys", "")
	must(t, json.Unmarshal(b, &keys))
	if len(keys.Keys) != 1 || keys.Keys[0].ID != fannie.Key.ID {
		t.Fatalf("tenant admin's key list: %s", b)
	}
	_, b = call(t, srv, "auditor", "GET", "/admin/v1/keys", "")
	must(t, json.Unmarshal(b, &keys))
	if len(keys.Keys) != 2 {
		t.Fatalf("auditor's key list: %s", b)
	}
	var tenants struct {
		Tenants []switchboard.Tenant `json:"tenants"`
	}
	_, b = call(t, srv, "tenant-admin", "GET", "/admin/v1/tenants", "")
	must(t, json.Unmarshal(b, &tenants))
	if len(tenants.Tenants) != 2 || tenants.Tenants[0].ID != "fhfa" || tenants.Tenants[1].ID != "fhfa/fannie-mae" {
		t.Fatalf("tenant admin's tenants: %s", b)
	}
	st, _ = call(t, srv, "tenant-admin", "GET", "/admin/v1/tenants/state", "")
	if st != 404 {
		t.Fatalf("tenant admin GET /tenants/state: %d", st)
	}

	// Within its subtree it manages tenants and keys.
	if st, b := call(t, srv, "tenant-admin", "PUT", "/admin/v1/tenants/fhfa/freddie-mac", `{"name":"Freddie Mac","parent":"fhfa"}`); st != 200 {
		t.Fatalf("tenant admin put: %d %s", st, b)
	}
	if ch := f.lastChange(t); ch.Actor != "key_0d0d0d0d (fhfa-it)" || ch.ObjectID != "fhfa/freddie-mac" {
		t.Fatalf("tenant put recorded as %+v", ch)
	}
	if st, b := call(t, srv, "tenant-admin", "POST", "/admin/v1/keys/"+fannie.Key.ID+"/revoke", `{"reason":"app retired"}`); st != 200 {
		t.Fatalf("tenant admin revoke: %d %s", st, b)
	}
	if st, b := call(t, srv, "tenant-admin", "DELETE", "/admin/v1/tenants/fhfa/freddie-mac", `{"reason":"typo"}`); st != 200 {
		t.Fatalf("tenant admin delete: %d %s", st, b)
	}

	var changes struct {
		Changes []switchboard.Change `json:"changes"`
	}
	_, b = call(t, srv, "tenant-admin", "GET", "/admin/v1/changes", "")
	must(t, json.Unmarshal(b, &changes))
	var seen []string
	for _, c := range changes.Changes {
		if c.ObjectID == stateKey.Key.ID || (c.Kind == switchboard.KindTenant && !strings.HasPrefix(c.ObjectID, "fhfa")) {
			t.Fatalf("tenant admin sees another tenant's change: %+v", c)
		}
		seen = append(seen, c.Kind+":"+c.Action)
	}
	if got := strings.Join(seen, " "); !strings.Contains(got, "model:model.put") || !strings.Contains(got, "key:key.create key:key.revoke") {
		t.Fatalf("tenant admin's change log: %s", got)
	}
	_, b = call(t, srv, "admin", "GET", "/admin/v1/changes?kind=key", "")
	must(t, json.Unmarshal(b, &changes))
	if len(changes.Changes) != 3 {
		t.Fatalf("admin's key changes: %s", b)
	}
}

func TestKeyBadInput(t *testing.T) {
	f, srv := keyServer(t)
	past := f.now.Add(-time.Minute).Format(time.RFC3339)
	for _, c := range []struct{ body, param, msg string }{
		{`{"name":"x","tenant":"fhfa","role":"superuser"}`, "role", `unknown role "superuser" (want one of user, developer, auditor, tenant-admin, admin)`},
		{`{"name":"x","tenant":"fhfa","role":"user","expires_at":"` + past + `"}`, "expires_at", "is not in the future"},
		{`{"name":"x","tenant":"hhs","role":"user"}`, "tenant", `unknown tenant "hhs"`},
		{`{"name":"x","tenant":"","role":"user"}`, "tenant", "missing"},
		{`{"name":"x","tenant":"fhfa","role":"user","models":["gpt-4.1","grok-4"]}`, "models[1]", `unknown model or alias "grok-4"`},
		{`{"name":" ","tenant":"fhfa","role":"user"}`, "name", "missing"},
		{`{"name":"x","tenant":"fhfa","role":"user","secret":"mine"}`, "secret", "unknown field"},
	} {
		st, b := call(t, srv, "admin", "POST", "/admin/v1/keys", c.body)
		wantError(t, st, b, 400, "invalid", c.param, c.msg)
	}
	k := createKey(t, srv, "admin", admin.KeyRequest{Name: "x", Tenant: "fhfa", Role: switchboard.RoleUser, Models: []string{"statechat", "gpt-4.1", "statechat"}})
	if strings.Join(k.Key.Models, ",") != "statechat,gpt-4.1" {
		t.Fatalf("scope = %v", k.Key.Models)
	}
	v := f.version(t)
	for _, c := range []struct{ action, body, param, msg string }{
		{"rotate", `{"grace":"forever"}`, "grace", "not a duration"},
		{"rotate", `{"grace":"-1h"}`, "grace", "negative"},
		{"rotate", `{"grace":"800h"}`, "grace", "720h"},
		{"revoke", `{}`, "reason", "must say why"},
	} {
		st, b := call(t, srv, "admin", "POST", "/admin/v1/keys/"+k.Key.ID+"/"+c.action, c.body)
		wantError(t, st, b, 400, "invalid", c.param, c.msg)
	}
	st, b := call(t, srv, "admin", "POST", "/admin/v1/keys/key_00000000/revoke", `{"reason":"x"}`)
	wantError(t, st, b, 404, "not_found", "id", `key "key_00000000" not found`)
	st, b = call(t, srv, "admin", "POST", "/admin/v1/keys/"+k.Key.ID+"/frobnicate", `{}`)
	wantError(t, st, b, 404, "not_found", "", "no key action")
	if got := f.version(t); got != v {
		t.Fatalf("bad input wrote: version %d, want %d", got, v)
	}
}

var keyFormat = regexp.MustCompile(`^sb-([0-9a-f]{8})-[0-9A-Za-z]{32}$`)

func TestKeyLifecycle(t *testing.T) {
	f, srv := keyServer(t)
	ctx := context.Background()
	changed := f.changed
	exp := f.now.Add(30 * 24 * time.Hour)
	k := createKey(t, srv, "admin", admin.KeyRequest{Name: "underwriting", Tenant: "fhfa/fannie-mae", Role: switchboard.RoleDeveloper, Models: []string{"gpt-4.1"}, ExpiresAt: &exp})
	m := keyFormat.FindStringSubmatch(k.Secret)
	if m == nil || "key_"+m[1] != k.Key.ID || k.Warning == "" || k.Key.Status != "active" || !k.Key.ExpiresAt.Equal(exp) {
		t.Fatalf("create: %+v", k)
	}
	if f.changed != changed+1 {
		t.Fatalf("the gateway was not told of the new key")
	}
	entries := func() map[switchboard.KeyHash]switchboard.KeyEntry {
		keys, err := f.store.Keys(ctx)
		must(t, err)
		st, err := f.store.Load(ctx)
		must(t, err)
		tree, err := switchboard.NewTenantTree(st.Tenants)
		must(t, err)
		out := map[switchboard.KeyHash]switchboard.KeyEntry{}
		for _, e := range switchboard.KeyEntries(keys, tree, f.now) {
			out[e.Hash] = e
		}
		return out
	}
	e, ok := entries()[switchboard.HashKey(k.Secret)]
	if !ok || !reflect.DeepEqual(e.Principal, switchboard.Principal{KeyID: k.Key.ID, Name: "underwriting", Tenant: "fhfa/fannie-mae", Role: "developer"}) || !e.Expires.Equal(exp) || e.Models[0] != "gpt-4.1" {
		t.Fatalf("entry = %+v, %v", e, ok)
	}

	st, b := call(t, srv, "admin", "POST", "/admin/v1/keys/"+k.Key.ID+"/rotate", `{"grace":"1h","reason":"scheduled"}`)
	var r admin.KeyResult
	must(t, json.Unmarshal(b, &r))
	if st != 200 || r.Secret == k.Secret || keyFormat.FindStringSubmatch(r.Secret)[1] != m[1] || r.Key.ID != k.Key.ID || r.Change.Action != "key.rotate" {
		t.Fatalf("rotate: %d %s", st, b)
	}
	es := entries()
	if old, ok := es[switchboard.HashKey(k.Secret)]; !ok || !old.Expires.Equal(f.now.Add(time.Hour)) || len(es) != 2 {
		t.Fatalf("during the grace period: %+v", es)
	}
	f.now = f.now.Add(61 * time.Minute)
	if es := entries(); len(es) != 1 || es[switchboard.HashKey(r.Secret)].Principal.KeyID != k.Key.ID {
		t.Fatalf("after the grace period: %+v", es)
	}
	st, b = call(t, srv, "tenant-admin", "POST", "/admin/v1/keys/"+k.Key.ID+"/revoke", `{"reason":"laptop lost"}`)
	r = admin.KeyResult{}
	must(t, json.Unmarshal(b, &r))
	if st != 200 || r.Secret != "" || r.Key.Status != "revoked" || r.Key.RevokedBy != "key_0d0d0d0d (fhfa-it)" || r.Key.RevokeReason != "laptop lost" {
		t.Fatalf("revoke: %d %s", st, b)
	}
	if es := entries(); len(es) != 0 {
		t.Fatalf("a revoked key is still accepted: %+v", es)
	}
	st, b = call(t, srv, "admin", "POST", "/admin/v1/keys/"+k.Key.ID+"/revoke", `{"reason":"again"}`)
	wantError(t, st, b, 409, "conflict", "id", "already revoked")
	st, b = call(t, srv, "admin", "POST", "/admin/v1/keys/"+k.Key.ID+"/rotate", ``)
	wantError(t, st, b, 409, "conflict", "id", "is revoked")

	short := f.now.Add(time.Hour)
	k2 := createKey(t, srv, "admin", admin.KeyRequest{Name: "pilot", Tenant: "state", Role: switchboard.RoleUser, ExpiresAt: &short})
	f.now = f.now.Add(2 * time.Hour)
	var one struct {
		Key admin.KeyView `json:"key"`
	}
	_, b = call(t, srv, "auditor", "GET", "/admin/v1/keys/"+k2.Key.ID, "")
	must(t, json.Unmarshal(b, &one))
	if one.Key.Status != "expired" || len(entries()) != 0 {
		t.Fatalf("expired key: %s", b)
	}

	cs, err := f.store.Changes(ctx, switchboard.ChangeFilter{Kind: switchboard.KindKey, ObjectID: k.Key.ID})
	must(t, err)
	var acts []string
	for _, c := range cs {
		acts = append(acts, c.Action+" by "+c.Actor)
	}
	if got := strings.Join(acts, "; "); got != "key.create by key_0a0a0a0a (ops); key.rotate by key_0a0a0a0a (ops); key.revoke by key_0d0d0d0d (fhfa-it)" {
		t.Fatalf("key changes: %s", got)
	}
}

// TestPlaintextNeverStored creates and rotates keys, then looks for their
// plaintext (and the random part alone) in the database files' bytes and
// in every row of every table, and for their hashes in the change log
// and the API's answers.
func TestPlaintextNeverStored(t *testing.T) {
	f, srv := keyServer(t)
	var secrets []string
	var hashes []string
	for i, role := range []string{"user", "developer", "tenant-admin"} {
		k := createKey(t, srv, "admin", admin.KeyRequest{Name: fmt.Sprint("k", i), Tenant: "fhfa", Role: role, Reason: "test"})
		secrets = append(secrets, k.Secret)
		st, b := call(t, srv, "admin", "POST", "/admin/v1/keys/"+k.Key.ID+"/rotate", `{"grace":"1h"}`)
		var r admin.KeyResult
		must(t, json.Unmarshal(b, &r))
		if st != 200 {
			t.Fatalf("rotate: %d %s", st, b)
		}
		secrets = append(secrets, r.Secret)
	}
	var needles [][]byte
	for _, s := range secrets {
		needles = append(needles, []byte(s), []byte(s[12:]))
		h := switchboard.HashKey(s)
		hashes = append(hashes, h.String())
	}

	// Every row of every table, as text.
	db, err := sql.Open("sqlite", "file:"+f.store.Path()+"?mode=ro")
	must(t, err)
	defer db.Close()
	tables, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	must(t, err)
	var names []string
	for tables.Next() {
		var n string
		must(t, tables.Scan(&n))
		names = append(names, n)
	}
	must(t, tables.Err())
	tables.Close()
	rowsSeen := 0
	for _, table := range names {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		must(t, err)
		cols, err := rows.Columns()
		must(t, err)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			must(t, rows.Scan(ptrs...))
			rowsSeen++
			for i, v := range vals {
				cell := []byte(fmt.Sprint(v))
				if b, ok := v.([]byte); ok {
					cell = b
				}
				for _, n := range needles {
					if bytes.Contains(cell, n) {
						t.Fatalf("table %s column %s holds a key's plaintext", table, cols[i])
					}
				}
				if table != "keys" {
					for _, h := range hashes {
						if bytes.Contains(cell, []byte(h)) {
							t.Fatalf("table %s column %s holds a key's hash", table, cols[i])
						}
					}
				}
			}
		}
		must(t, rows.Err())
		rows.Close()
	}
	if rowsSeen < 20 {
		t.Fatalf("only %d rows read: the scan did not see the store", rowsSeen)
	}
	// The database files themselves (main file, WAL, shared memory).
	files, err := filepath.Glob(f.store.Path() + "*")
	must(t, err)
	if len(files) < 2 {
		t.Fatalf("database files: %v", files)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		must(t, err)
		for _, n := range needles {
			if bytes.Contains(b, n) {
				t.Fatalf("%s holds a key's plaintext", name)
			}
		}
	}
	// The stored hash is there (the scan would have found it).
	found := false
	for _, name := range files {
		b, err := os.ReadFile(name)
		must(t, err)
		found = found || bytes.Contains(b, []byte(hashes[len(hashes)-1]))
	}
	if !found {
		t.Fatalf("the latest key's hash is in none of %v: the byte scan cannot see stored keys", files)
	}
	// Nor do list, show and the change log answer with secrets or hashes.
	for _, path := range []string{"/admin/v1/keys", "/admin/v1/changes"} {
		_, b := call(t, srv, "admin", "GET", path, "")
		for _, s := range append(append([]string{}, secrets...), hashes...) {
			if strings.Contains(string(b), s) {
				t.Fatalf("GET %s answers with a secret or hash", path)
			}
		}
	}
}
