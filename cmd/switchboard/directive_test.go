package main

import (
	"encoding/json"
	"strings"
	"testing"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
)

// configStyle is a config-file excerpt: the directives: list is read, the
// other keys ignored.
const configStyle = `
providers:
  openai: {protocol: openai, base_url: "http://o.test/v1"}
directives:
  - id: eop-2026-02-27
    title: Cease use of Anthropic products
    kind: presidential-directive
    authority: Executive Office of the President
    issued_at: 2026-02-27T22:00:00Z
    bases:
      - {id: presidential, citation: "Presidential directive, 2026-02-27", status: in_force}
      - {id: fascsa, citation: "FASCSA order", status: in_force}
    subject: {vendor: anthropic}
    action: remove
    scopes:
      - {tenants: [dod], effective_at: 2026-02-27T22:00:00Z, deadline: 2026-08-27T00:00:00Z}
      - {tenants: [state], effective_at: 2026-03-02T00:00:00Z, deadline: 2026-03-02T00:00:00Z}
    replacements: {claude-sonnet-4-5: gpt-4.1}
    notice: "Anthropic models are being phased out under the directive of 2026-02-27."
`

func TestDirectiveCLI(t *testing.T) {
	srv, db := adminServer(t)
	file := writeFile(t, "directives.yaml", configStyle)

	out := mustCLI(t, srv, "directive", "whatif", file)
	for _, want := range []string{
		"What-if eop-2026-02-27 at 2026-03-05T12:00:00Z",
		"count of 0",
		"state/statechat  statechat",
		"serve → claude-sonnet-4-5",
		"reroute → gpt-4.1",
		"warn → claude-sonnet-4-5",
		"rerouted, 0 refused",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("whatif output lacks %q:\n%s", want, out)
		}
	}
	out = mustCLI(t, srv, "directive", "whatif", file, "--at", "2026-09-01")
	if strings.Contains(out, "warn →") || !strings.Contains(out, "8 rerouted") || !strings.Contains(out, "at 2026-09-01T00:00:00Z") {
		t.Errorf("whatif --at after every deadline still warns:\n%s", out)
	}

	out = mustCLI(t, srv, "directive", "create", file, "--reason", "drafting")
	if !strings.Contains(out, "eop-2026-02-27: created (change 8); state now draft") {
		t.Fatalf("create: %s", out)
	}
	if _, err := cli(t, srv, "directive", "create", file); err == nil {
		t.Fatal("creating twice succeeded")
	} else {
		wantCLIError(t, err, switchboard.ECONFLICT, "already exists")
	}
	out = mustCLI(t, srv, "directive", "issue", "eop-2026-02-27", "--reason", "signed")
	if !strings.Contains(out, "issued (change 9); state now phasing-out") {
		t.Fatalf("issue: %s", out)
	}
	_, err := cli(t, srv, "directive", "stay", "eop-2026-02-27", "--basis", "fascsa")
	wantCLIError(t, err, switchboard.EINVALID, "must say why")
	out = mustCLI(t, srv, "directive", "stay", "eop-2026-02-27", "--basis", "fascsa", "--status", "enjoined",
		"--reason", "preliminary injunction", "--ref", "N.D. Cal. 3:26-cv-1", "--effective", "2026-03-05T12:00:00Z")
	if !strings.Contains(out, "stayed basis fascsa (now enjoined)") {
		t.Fatalf("stay: %s", out)
	}
	out = mustCLI(t, srv, "directive", "list")
	if !strings.Contains(out, "eop-2026-02-27  phasing-out  remove  anthropic  presidential=in_force,fascsa=enjoined  Cease use") {
		t.Fatalf("list:\n%s", out)
	}
	out = mustCLI(t, srv, "directive", "waive", "eop-2026-02-27", "--tenant", "dod/nsa", "--expires", "2026-04-01", "--justification", "mission continuity")
	if !strings.Contains(out, "waiver eop-2026-02-27-w1 granted to dod/nsa until 2026-04-01T00:00:00Z") {
		t.Fatalf("waive: %s", out)
	}
	_, err = cli(t, srv, "directive", "waive", "eop-2026-02-27", "--tenant", "dod", "--expires", "2026-03-01", "--justification", "x")
	wantCLIError(t, err, switchboard.EINVALID, "not in the future")
	out = mustCLI(t, srv, "directive", "show", "eop-2026-02-27")
	for _, want := range []string{
		"state:      phasing-out at 2026-03-05T12:00:00Z (lifecycle issued)",
		"basis fascsa: enjoined — FASCSA order",
		"enjoined from 2026-03-05T12:00:00Z by key_aaaaaaaa (ops): preliminary injunction N.D. Cal. 3:26-cv-1",
		"replace:    claude-sonnet-4-5 → gpt-4.1",
		"waiver eop-2026-02-27-w1: dod/nsa until 2026-04-01T00:00:00Z",
		"draft → issued by key_aaaaaaaa (ops): signed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	mustCLI(t, srv, "directive", "revoke-waiver", "eop-2026-02-27", "eop-2026-02-27-w1", "--reason", "mission over")
	mustCLI(t, srv, "directive", "unstay", "eop-2026-02-27", "--basis", "fascsa", "--reason", "injunction dissolved")
	out = mustCLI(t, srv, "directive", "rescind", "eop-2026-02-27", "--reason", "order withdrawn")
	if !strings.Contains(out, "rescinded (change 14); state now rescinded") {
		t.Fatalf("rescind: %s", out)
	}

	out = mustCLI(t, srv, "directive", "show", "eop-2026-02-27", "--json")
	var shown struct {
		Directive admin.DirectiveView `json:"directive"`
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if shown.Directive.CurrentState != "rescinded" || shown.Directive.BasisStatus["fascsa"] != "in_force" {
		t.Fatalf("--json directive = %+v", shown.Directive)
	}
	out = mustCLI(t, srv, "directive", "changes", "eop-2026-02-27")
	for _, want := range []string{"directive.create", "directive.stay", "directive.revoke-waiver", "order withdrawn", "key_aaaaaaaa (ops)"} {
		if !strings.Contains(out, want) {
			t.Errorf("changes lack %q:\n%s", want, out)
		}
	}
	if v, err := db.Version(t.Context()); err != nil || v != 14 {
		t.Fatalf("version %d, %v", v, err)
	}
}

func TestDirectiveFileErrors(t *testing.T) {
	srv, db := adminServer(t)
	typo := writeFile(t, "typo.yaml", strings.Replace(configStyle, "notice:", "notise:", 1))
	_, err := cli(t, srv, "directive", "create", typo)
	if err == nil || !strings.Contains(err.Error(), "notise") {
		t.Fatalf("unknown field: %v", err)
	}
	bad := writeFile(t, "bad.json", `{"id":"memo-1","kind":"agency-memo","subject":{"vendor":"anthropic"},"action":"remove",
		"scopes":[{"tenants":["state"],"effective_at":"2026-03-10T00:00:00Z","deadline":"2026-03-01T00:00:00Z"}]}`)
	_, err = cli(t, srv, "directive", "create", bad)
	wantCLIError(t, err, switchboard.EINVALID, "directives[memo-1].scopes[0].deadline")
	cycle := writeFile(t, "unknown.json", `{"id":"memo-2","kind":"agency-memo","subject":{"vendor":"anthropic"},"action":"remove","scopes":[{"tenants":["treasury"]}]}`)
	_, err = cli(t, srv, "directive", "whatif", cycle)
	wantCLIError(t, err, switchboard.EINVALID, `unknown tenant "treasury"`)
	if v, _ := db.Version(t.Context()); v != 7 {
		t.Fatalf("rejected input wrote: version %d", v)
	}
}
