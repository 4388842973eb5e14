package audit_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/audit/audittest"
	"github.com/switchboard-gov/switchboard/sqlite"
)

func TestHandler(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, _ := sqlite.NewAuditStore(db)
	defer st.Close()
	sg := audittest.Signer(t)
	l, _ := audit.New(audit.Options{Store: st, Signer: sg})
	defer l.Close()
	for i := range 12 {
		if err := l.Write(ctx, audittest.Sample(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	roles := map[string]string{"A": "admin", "R": "auditor", "U": "user"}
	srv := httptest.NewServer(audit.Handler(audit.HandlerOptions{Log: l, Keys: []ed25519.PublicKey{sg.Public()},
		Auth: func(r *http.Request) (*switchboard.Principal, error) {
			role, ok := roles[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
			if !ok {
				return nil, errors.New("unknown key")
			}
			return &switchboard.Principal{KeyID: "key_" + role, Name: role, Role: role}, nil
		},
		Directive: func(context.Context, string) (*switchboard.Directive, error) {
			return nil, &switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no"}
		},
		Tenants: func(context.Context) ([]switchboard.Tenant, error) { return nil, nil },
	}))
	defer srv.Close()
	do := func(method, path, key, body string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		method, path, key, body string
		status                  int
		want                    string
	}{
		{"GET", "/admin/v1/audit/records?tenant=dod&limit=2", "R", "", 200, `"tenant":"dod"`},
		{"GET", "/admin/v1/audit/records?from=2026-03-05&to=2026-03-01", "R", "", 400, "must be before"},
		{"GET", "/admin/v1/audit/records?from=soon", "R", "", 400, `\"soon\" is not a time`},
		{"GET", "/admin/v1/audit/export?format=csv&vendor=google", "R", "", 200, "seq,id,kind"},
		{"GET", "/admin/v1/audit/verify", "R", "", 200, `"ok":true`},
		{"GET", "/admin/v1/audit/verify", "U", "", 403, "auditors may read"},
		{"GET", "/admin/v1/audit/verify", "X", "", 401, "role admin or auditor"},
		{"POST", "/admin/v1/audit/holds", "R", `{"tenant":"dod","reason":"x"}`, 403, "may not POST"},
		{"POST", "/admin/v1/audit/holds", "A", `{"reason":"x"}`, 400, "hold on nothing"},
		{"POST", "/admin/v1/audit/holds", "A", `{"tenant":"dod","reason":"FOIA"}`, 201, `"id":"hold_`},
		{"GET", "/admin/v1/audit/holds", "R", "", 200, `"reason":"FOIA"`},
		{"GET", "/admin/v1/audit/compliance?directive=nope", "R", "", 404, `unknown directive \"nope\"`},
		{"GET", "/admin/v1/audit/nothing", "A", "", 404, "no audit endpoint"},
	} {
		status, body := do(tc.method, tc.path, tc.key, tc.body)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s %s as %s: %d %s; want %d containing %q", tc.method, tc.path, tc.key, status, body, tc.status, tc.want)
		}
	}
}
