package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
	"github.com/switchboard-gov/switchboard/sqlite"
)

// adminServer runs the real admin handler over a real SQLite store with a
// small agency tree and catalog, its clock fixed at 2026-03-05T12:00Z.
func adminServer(t *testing.T) (*httptest.Server, *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seed := switchboard.Change{Actor: "config"}
	for _, tn := range []switchboard.Tenant{
		{ID: "state", Name: "Department of State"}, {ID: "state/statechat", Name: "StateChat", Parent: "state"},
		{ID: "dod", Name: "Department of Defense"}, {ID: "dod/nsa", Name: "NSA", Parent: "dod"},
	} {
		if _, err := db.PutTenant(ctx, &tn, seed); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []switchboard.Model{
		{ID: "gpt-4.1", Provider: "openai", Vendor: "openai", Upstream: "gpt-4.1"},
		{ID: "claude-sonnet-4-5", Provider: "anthropic", Vendor: "anthropic", Upstream: "claude-sonnet-4-5"},
	} {
		if _, err := db.PutModel(ctx, &m, seed); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.PutAlias(ctx, &switchboard.Alias{Name: "statechat", Targets: []string{"claude-sonnet-4-5", "gpt-4.1"}}, seed); err != nil {
		t.Fatal(err)
	}
	svc := &admin.Service{
		Store: db,
		Now:   func() time.Time { return time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC) },
		Static: func() admin.StaticState {
			return admin.StaticState{
				Providers: []switchboard.Provider{{Name: "openai", Protocol: "openai", BaseURL: "http://o.test/v1"}, {Name: "anthropic", Protocol: "anthropic", BaseURL: "http://a.test"}},
				Vendors:   []switchboard.Vendor{{ID: "openai"}, {ID: "anthropic"}},
			}
		},
	}
	auth := func(r *http.Request) (*switchboard.Principal, error) {
		switch r.Header.Get("Authorization") {
		case "Bearer admin-key-0123456789":
			return &switchboard.Principal{KeyID: "key_aaaaaaaa", Name: "ops", Role: switchboard.RolePlatformAdmin}, nil
		case "Bearer user-key-0123456789":
			return &switchboard.Principal{KeyID: "key_bbbbbbbb", Name: "app", Role: switchboard.RoleUser}, nil
		}
		return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "missing or unknown key"}
	}
	mux := http.NewServeMux()
	mux.Handle(admin.Prefix, admin.Handler(svc, auth))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, db
}

// cli runs the command line against srv with the admin key; it returns
// stdout and the error.
func cli(t *testing.T, srv *httptest.Server, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append(args, "--server", srv.URL)
	if !containsArg(args, "--key") {
		args = append(args, "--key", "admin-key-0123456789")
	}
	err := run(context.Background(), args, &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

func containsArg(args []string, a string) bool {
	for _, x := range args {
		if x == a {
			return true
		}
	}
	return false
}

func mustCLI(t *testing.T, srv *httptest.Server, args ...string) string {
	t.Helper()
	out, err := cli(t, srv, args...)
	if err != nil {
		t.Fatalf("switchboard %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func wantCLIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var e *switchboard.Error
	if !errors.As(err, &e) || e.Code != code || !strings.Contains(e.Message, msg) {
		t.Fatalf("err = %v, want %s containing %q", err, code, msg)
	}
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAdminClientErrors(t *testing.T) {
	srv, _ := adminServer(t)
	_, err := cli(t, srv, "tenant", "list", "--key", "wrong")
	wantCLIError(t, err, switchboard.EUNAUTHORIZED, "unknown key")
	_, err = cli(t, srv, "tenant", "put", "hhs", "--key", "user-key-0123456789")
	wantCLIError(t, err, switchboard.EFORBIDDEN, "role user")
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"tenant", "list", "--server", "http://127.0.0.1:1"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "cannot reach the server") {
		t.Fatalf("unreachable server: %v", err)
	}
	if _, err := cli(t, srv, "directive", "frobnicate"); !errors.Is(err, exitError(2)) {
		t.Fatalf("unknown subcommand: %v", err)
	}
}
