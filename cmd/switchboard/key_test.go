package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
	"github.com/switchboard-gov/switchboard/sqlite"
)

// keyServer is adminServer's store behind an admin API that also accepts
// the managed keys in the store, the way the gateway does.
func keyServer(t *testing.T) (*httptest.Server, *sqlite.DB) {
	t.Helper()
	_, db := adminServer(t)
	now := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	svc := &admin.Service{Store: db, Now: func() time.Time { return now },
		Static: func() admin.StaticState {
			return admin.StaticState{Providers: []switchboard.Provider{{Name: "openai", Protocol: "openai", BaseURL: "http://o.test/v1"}, {Name: "anthropic", Protocol: "anthropic", BaseURL: "http://a.test"}}}
		}}
	auth := func(r *http.Request) (*switchboard.Principal, error) {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if key == "admin-key-0123456789" {
			return &switchboard.Principal{KeyID: "key_aaaaaaaa", Name: "ops", Role: switchboard.RolePlatformAdmin}, nil
		}
		keys, err := db.Keys(r.Context())
		if err != nil {
			return nil, err
		}
		for _, e := range switchboard.KeyEntries(keys, nil, now) {
			if e.Hash == switchboard.HashKey(key) {
				return &e.Principal, nil
			}
		}
		return nil, &switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "missing or unknown key"}
	}
	srv := httptest.NewServer(admin.Handler(svc, auth))
	t.Cleanup(srv.Close)
	return srv, db
}

// split runs the command line with the admin key unless one is given,
// returning stdout and stderr apart.
func split(t *testing.T, srv *httptest.Server, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append(args, "--server", srv.URL)
	if !containsArg(args, "--key") {
		args = append(args, "--key", "admin-key-0123456789")
	}
	err := run(context.Background(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

var secretLine = regexp.MustCompile(`^sb-([0-9a-f]{8})-[0-9A-Za-z]{32}\n$`)

func TestKeyCLI(t *testing.T) {
	srv, db := keyServer(t)
	out, errOut, err := split(t, srv, "key", "create", "--tenant", "state", "--name", "state-it", "--role", "tenant-admin", "--reason", "delegation")
	if err != nil {
		t.Fatalf("create: %v\n%s", err, errOut)
	}
	m := secretLine.FindStringSubmatch(out)
	if m == nil || !strings.Contains(errOut, "key key_"+m[1]+" (state-it) created for tenant state with role tenant-admin") ||
		!strings.Contains(errOut, "will not be shown again") {
		t.Fatalf("create printed\nstdout %q\nstderr %q", out, errOut)
	}
	stateAdmin := strings.TrimSpace(out)

	// The new tenant admin creates a scoped key in its subtree, and is
	// refused outside it.
	out, errOut, err = split(t, srv, "key", "create", "--tenant", "state/statechat", "--name", "chat", "--role", "user",
		"--models", "statechat, gpt-4.1", "--expires", "2026-06-01", "--key", stateAdmin)
	if err != nil || secretLine.FindString(out) == "" {
		t.Fatalf("scoped create: %v\n%s%s", err, out, errOut)
	}
	chatID := "key_" + secretLine.FindStringSubmatch(out)[1]
	_, _, err = split(t, srv, "key", "create", "--tenant", "dod", "--name", "x", "--role", "user", "--key", stateAdmin)
	wantCLIError(t, err, switchboard.EFORBIDDEN, `outside the subtree of "state"`)
	_, _, err = split(t, srv, "key", "create", "--tenant", "state", "--name", "x", "--role", "root")
	wantCLIError(t, err, switchboard.EINVALID, `unknown role "root"`)
	_, _, err = split(t, srv, "key", "create", "--tenant", "state", "--name", "x", "--role", "user", "--expires", "2026-03-01")
	wantCLIError(t, err, switchboard.EINVALID, "expires_at: 2026-03-01T00:00:00Z is not in the future")
	if _, _, err := split(t, srv, "key", "create", "--tenant", "state"); !errors.Is(err, exitError(2)) {
		t.Fatalf("create without name and role: %v", err)
	}

	out = mustCLI(t, srv, "key", "list")
	if !strings.Contains(out, chatID+"  chat      state/statechat  user          statechat,gpt-4.1  2026-06-01T00:00:00Z  active") {
		t.Fatalf("list:\n%s", out)
	}
	out, _, err = split(t, srv, "key", "list", "--key", stateAdmin, "--tenant", "state/statechat")
	if err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, chatID) {
		t.Fatalf("tenant admin's list: %v\n%s", err, out)
	}

	out, errOut, err = split(t, srv, "key", "rotate", chatID, "--grace", "24h", "--reason", "scheduled")
	if err != nil || secretLine.FindStringSubmatch(out)[1] != chatID[4:] || !strings.Contains(errOut, "the old secret works until 2026-03-06T12:00:00Z") {
		t.Fatalf("rotate: %v\n%s%s", err, out, errOut)
	}
	if _, _, err := split(t, srv, "key", "revoke", chatID); !errors.Is(err, exitError(2)) {
		t.Fatalf("revoke without --reason: %v", err)
	}
	out = mustCLI(t, srv, "key", "revoke", chatID, "--reason", "app retired")
	if !strings.Contains(out, "key "+chatID+" (chat) revoked") {
		t.Fatalf("revoke: %s", out)
	}
	out = mustCLI(t, srv, "key", "show", chatID)
	if !strings.Contains(out, "revoked") {
		t.Fatalf("show: %s", out)
	}
	out = mustCLI(t, srv, "key", "changes", chatID)
	for _, want := range []string{"key.create", "key.rotate", "key.revoke", "app retired", "(state-it)"} {
		if !strings.Contains(out, want) {
			t.Fatalf("changes lack %q:\n%s", want, out)
		}
	}
	// What the store and the change log hold never includes the secret.
	cs, err := db.Changes(context.Background(), switchboard.ChangeFilter{Kind: switchboard.KindKey})
	if err != nil || len(cs) != 4 {
		t.Fatalf("key changes: %v, %v", cs, err)
	}
	for _, c := range cs {
		if strings.Contains(string(c.After)+string(c.Before), stateAdmin[12:]) {
			t.Fatalf("change %d holds the plaintext", c.Seq)
		}
	}
}
