package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/audit/audittest"
	"github.com/switchboard-gov/switchboard/sqlite"
)

// auditDB writes n sample records into a new SQLite database, signed with
// the key beside it, and returns its store URL and the database.
func auditDB(t *testing.T, n int) (string, *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sb.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	as, err := sqlite.NewAuditStore(db)
	if err != nil {
		t.Fatal(err)
	}
	defer as.Close()
	sg, err := audit.LoadOrCreateKey(filepath.Join(filepath.Dir(path), "audit-ed25519.key"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := audit.New(audit.Options{Store: as, Signer: sg, CheckpointEvery: 8})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := l.Write(ctx, audittest.Sample(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	return "sqlite:" + path, db
}

func runCLI(args ...string) (string, string, error) {
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestAuditVerifyCLI(t *testing.T) {
	url, db := auditDB(t, 20)
	out, _, err := runCLI("audit", "verify", "--store", url, "--quiet")
	if err != nil || !strings.Contains(out, "ok: the chain verifies") || strings.Contains(out, "no trusted public key") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	if _, err := db.ExecContext(context.Background(), `UPDATE audit_records SET tenant = 'treasury' WHERE seq = 7`); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCLI("audit", "verify", "--store", url, "--quiet")
	if err == nil || !strings.Contains(stderr, "broken at record 7 (req_000006)") || !strings.Contains(stderr, "contents were changed") {
		t.Fatalf("verify after tampering: err %v, stderr %q", err, stderr)
	}
}

func TestAuditCLIBadInput(t *testing.T) {
	url, _ := auditDB(t, 5)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", "search", "--store", url, "--from", "2026-03-05", "--to", "2026-03-01"}, "from (2026-03-05T00:00:00Z) must be before to"},
		{[]string{"audit", "export", "--store", url, "--from", "yesterday"}, `--from "yesterday" is not a time`},
		{[]string{"audit", "export", "--store", url, "--format", "xml"}, "--format must be jsonl or csv"},
		{[]string{"audit", "hold", "--store", url, "--reason", "litigation"}, "a hold on nothing holds nothing"},
		{[]string{"audit", "hold", "--store", url, "--tenant", "dod"}, "needs a reason"},
		{[]string{"audit", "verify"}, "name the store"},
		{[]string{"report", "compliance", "--store", url, "--directive", "no-such-directive"}, `unknown directive "no-such-directive"`},
		{[]string{"report", "compliance", "--store", url, "--directive", "x", "--from", "2026-04-01", "--to", "2026-03-01"}, "--from must be before --to"},
		{[]string{"report", "compliance", "--store", url, "--directive", "x", "--format", "pdf"}, "--format must be md, csv, json or html"},
	} {
		_, _, err := runCLI(tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v; want %q", tc.args, err, tc.want)
		}
	}
}

func TestAuditExportAndHoldCLI(t *testing.T) {
	url, _ := auditDB(t, 30)
	out, _, err := runCLI("audit", "export", "--store", url, "--format", "csv", "--vendor", "openai")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 11 || !strings.HasPrefix(lines[0], "seq,id,kind,start") || !strings.Contains(lines[1], ",openai,") {
		t.Fatalf("csv export: %d lines\n%s", len(lines), out)
	}
	out, _, err = runCLI("audit", "export", "--store", url, "--tenant", "dod", "--subtree")
	if err != nil || strings.Count(out, "\n") != 12 || !strings.Contains(out, `"tenant":"dod/nsa"`) {
		t.Fatalf("jsonl export: %v\n%s", err, out)
	}
	out, _, err = runCLI("audit", "hold", "--store", url, "--tenant", "dod", "--reason", "FOIA 26-1", "--by", "counsel")
	if err != nil || !strings.Contains(out, "placed legal hold hold_") {
		t.Fatalf("hold: %v %s", err, out)
	}
	out, _, err = runCLI("audit", "hold", "--store", url, "--list")
	if err != nil || !strings.Contains(out, `tenant="dod"`) || !strings.Contains(out, "in force") {
		t.Fatalf("hold --list: %v %s", err, out)
	}
	out, _, err = runCLI("audit", "search", "--store", url, "--kind", "system")
	if err != nil || !strings.Contains(out, "audit.hold.place hold/") {
		t.Fatalf("the hold is not in the chain: %v %s", err, out)
	}
	if out, _, err := runCLI("audit", "verify", "--store", url, "--quiet"); err != nil {
		t.Fatalf("verify after hold: %v %s", err, out)
	}
}
