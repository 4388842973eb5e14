package audit_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/audit/audittest"
)

// TestHashIsStable pins the canonical encoding: a change to it must come
// with a new domain string, or every stored chain stops verifying.
func TestHashIsStable(t *testing.T) {
	r := audittest.Sample(3)
	head := audit.Link(audit.Head{}, []*audit.Record{r})
	const want = "1a8250780bdf609c8ccb470075569003c181807730c3ec0e6834d6f8eceec8fb"
	if head.Hash != want || r.Hash != want || r.PrevHash != audit.GenesisHash || r.Seq != 1 {
		t.Fatalf("hash = %s (seq %d prev %s); want %s", head.Hash, r.Seq, r.PrevHash, want)
	}
	// Any field change changes the hash.
	c := *r
	c.Usage.Output++
	if audit.ComputeHash(&c) == r.Hash {
		t.Error("changing usage did not change the hash")
	}
	c = *r
	c.Tenant, c.KeyID = r.Tenant+"x", "" // length prefixes: no shifting between fields
	c2 := *r
	c2.Tenant, c2.KeyID = r.Tenant, "x"+r.KeyID
	if audit.ComputeHash(&c) == audit.ComputeHash(&c2) {
		t.Error("moving a byte between adjacent fields kept the hash")
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "audit.key")
	s1, err := audit.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", fi.Mode(), err)
	}
	s2, err := audit.LoadOrCreateKey(path)
	if err != nil || !s2.Public().Equal(s1.Public()) {
		t.Fatalf("reloaded a different key: %v", err)
	}
	pub, err := audit.ReadPublicKey(path + ".pub")
	if err != nil || !pub.Equal(s1.Public()) {
		t.Fatalf("exported public key differs: %v", err)
	}
	cp := s1.Sign(7, "abc", time.Unix(1, 0), audit.CheckpointPeriodic)
	if !cp.VerifySignature(pub) {
		t.Error("checkpoint does not verify with the exported key")
	}
	cp.Seq = 8
	if cp.VerifySignature(pub) {
		t.Error("an altered checkpoint verifies")
	}
	if err := os.WriteFile(path, []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.LoadOrCreateKey(path); err == nil {
		t.Error("a junk key file loaded")
	}
}
