package main

import (
	"strings"
	"testing"

	switchboard "github.com/switchboard-gov/switchboard"
)

func TestModelCLI(t *testing.T) {
	srv, _ := adminServer(t)
	mustCLI(t, srv, "model", "put", "gpt-4.1-mini", "--provider", "openai", "--vendor", "openai")
	_, err := cli(t, srv, "model", "put", "grok-4", "--provider", "openai", "--vendor", "xai")
	wantCLIError(t, err, switchboard.EINVALID, `unknown vendor "xai"`)
	out := mustCLI(t, srv, "model", "alias-put", "fast", "--targets", "gpt-4.1-mini,gpt-4.1", "--title", "Fast")
	if !strings.Contains(out, "alias fast saved (change 9)") {
		t.Fatalf("alias-put: %s", out)
	}
	out = mustCLI(t, srv, "model", "list")
	for _, want := range []string{"gpt-4.1-mini       openai     openai     gpt-4.1-mini\n", "fast       gpt-4.1-mini → gpt-4.1       Fast\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	_, err = cli(t, srv, "model", "delete", "gpt-4.1-mini")
	wantCLIError(t, err, switchboard.ECONFLICT, `alias "fast"`)
	mustCLI(t, srv, "model", "alias-delete", "fast", "--reason", "unused")
	mustCLI(t, srv, "model", "delete", "gpt-4.1-mini")
	out = mustCLI(t, srv, "model", "changes")
	for _, want := range []string{"model.put", "model.delete", "alias.delete", "unused"} {
		if !strings.Contains(out, want) {
			t.Errorf("changes lack %q:\n%s", want, out)
		}
	}
}
