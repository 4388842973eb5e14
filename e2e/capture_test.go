package e2e

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

// TestContentCaptureFollowsTenantPolicy: a tenant whose policy is
// "redacted" has its prompt and answer kept apart from the metadata, with
// PII scrubbed; a tenant on the default ("none") has nothing kept.
func TestContentCaptureFollowsTenantPolicy(t *testing.T) {
	up := httptest.NewServer(fakeprovider.New(fakeprovider.Options{}))
	defer up.Close()
	raw := strings.Replace(fmt.Sprintf(testConfig, up.URL, userKey), "tenants:\n  state: {name: State}\n",
		"tenants:\n  state: {name: State}\n  hhs: {name: HHS}\n", 1)
	raw = strings.Replace(raw, "keys:\n", "keys:\n  - {key: sb-test-hhs-key-00001, tenant: hhs, name: hhs}\n", 1)
	raw += "audit:\n  content: {default: none, tenants: {state: redacted}}\n"
	url, dbPath, stop := sqliteGateway(t, raw)
	for key, text := range map[string]string{userKey: "Reach me at jane.doe@example.gov about the Lagos cable.", "sb-test-hhs-key-00001": "HHS question about the flu season."} {
		resp, b := do(t, "POST", url+"/v1/chat/completions", func(h http.Header) { h.Set("Authorization", "Bearer "+key) },
			[]byte(`{"model":"m-openai","messages":[{"role":"user","content":"`+text+`"}]}`))
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
	}
	stop()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT tenant, mode, prompt, response FROM audit_content`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var tenant, mode, prompt, response string
		if err := rows.Scan(&tenant, &mode, &prompt, &response); err != nil {
			t.Fatal(err)
		}
		n++
		if tenant != "state" || mode != "redacted" || !strings.Contains(prompt, "Lagos cable") || strings.Contains(prompt+response, "jane.doe@example.gov") || !strings.Contains(response, "Simulated") {
			t.Errorf("captured %s/%s: prompt %q response %q", tenant, mode, prompt, response)
		}
	}
	if n != 1 {
		t.Fatalf("%d content rows; want exactly the state tenant's one", n)
	}
}
