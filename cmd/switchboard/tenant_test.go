package main

import (
	"strings"
	"testing"

	switchboard "github.com/switchboard-gov/switchboard"
)

func TestTenantCLI(t *testing.T) {
	srv, _ := adminServer(t)
	out := mustCLI(t, srv, "tenant", "put", "state/visas", "--name", "Visa Office", "--parent", "state", "--reason", "new office")
	if !strings.Contains(out, "tenant state/visas saved (change 8)") {
		t.Fatalf("put: %s", out)
	}
	out = mustCLI(t, srv, "tenant", "list")
	if !strings.Contains(out, "state              Department of State\n  state/statechat  StateChat\n  state/visas      Visa Office\ndod") {
		t.Fatalf("list:\n%s", out)
	}
	_, err := cli(t, srv, "tenant", "put", "state", "--parent", "state/visas")
	wantCLIError(t, err, switchboard.EINVALID, "cycle")
	_, err = cli(t, srv, "tenant", "delete", "state")
	wantCLIError(t, err, switchboard.ECONFLICT, `tenant "state/statechat" (child)`)
	out = mustCLI(t, srv, "tenant", "delete", "state/visas", "--reason", "closed")
	if !strings.Contains(out, "tenant state/visas deleted (change 9)") {
		t.Fatalf("delete: %s", out)
	}
	out = mustCLI(t, srv, "tenant", "changes", "state/visas")
	if !strings.Contains(out, "tenant.put") || !strings.Contains(out, "tenant.delete") || !strings.Contains(out, "closed") {
		t.Fatalf("changes:\n%s", out)
	}
}
