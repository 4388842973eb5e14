package switchboard_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-gov/switchboard"
)

func TestNewKeySecret(t *testing.T) {
	id, err := switchboard.NewKeyID(bytes.NewReader([]byte{0x1a, 0x2b, 0x3c, 0x4d}))
	if err != nil || id != "key_1a2b3c4d" {
		t.Fatalf("NewKeyID = %q, %v", id, err)
	}
	format := regexp.MustCompile(`^sb-1a2b3c4d-[0-9A-Za-z]{32}$`)
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 200 {
		s, err := switchboard.NewKeySecret(id, nil)
		if err != nil || !format.MatchString(s) || seen[s] {
			t.Fatalf("NewKeySecret = %q, %v (repeat %v)", s, err, seen[s])
		}
		seen[s] = true
		for _, c := range s[12:] {
			counts[c]++
		}
		if got, ok := switchboard.KeyIDOf(s); !ok || got != id {
			t.Fatalf("KeyIDOf(%q) = %q, %v", s, got, ok)
		}
	}
	// 6,400 draws over 62 characters: every one appears.
	if len(counts) != 62 {
		t.Fatalf("secrets use %d of 62 characters", len(counts))
	}
	// Bytes ≥ 248 are rejected, not folded onto the first characters.
	s, err := switchboard.NewKeySecret(id, bytes.NewReader(append(bytes.Repeat([]byte{255}, 48), bytes.Repeat([]byte{63}, 48)...)))
	if err != nil || s != "sb-1a2b3c4d-"+strings.Repeat("1", 32) {
		t.Fatalf("with rejected bytes: %q, %v", s, err)
	}
	if _, err := switchboard.NewKeySecret("1a2b3c4d", nil); switchboard.ErrorCode(err) != switchboard.EINVALID {
		t.Fatalf("bad id: %v", err)
	}
	for _, bad := range []string{"sk-1a2b3c4d-x", "sb-1a2b3c4dx", "sb-zzzzzzzz-x"} {
		if _, ok := switchboard.KeyIDOf(bad); ok {
			t.Fatalf("KeyIDOf(%q) accepted", bad)
		}
	}
}

func TestKeyEntries(t *testing.T) {
	now := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	tree, err := switchboard.NewTenantTree([]switchboard.Tenant{{ID: "fhfa"}, {ID: "fhfa/fannie-mae", Parent: "fhfa"}})
	if err != nil {
		t.Fatal(err)
	}
	h := switchboard.HashKey
	keys := []switchboard.Key{
		{ID: "key_00000001", Tenant: "fhfa", Role: "user", Hash: h("active")},
		{ID: "key_00000002", Tenant: "fhfa", Role: "user", Hash: h("revoked"), RevokedAt: now.Add(-time.Second)},
		{ID: "key_00000003", Tenant: "fhfa", Role: "user", Hash: h("expired"), ExpiresAt: now},
		{ID: "key_00000004", Tenant: "gone", Role: "user", Hash: h("orphan")},
		{ID: "key_00000005", Tenant: "fhfa/fannie-mae", Role: "developer", Models: []string{"gpt-4.1"}, Hash: h("new"),
			ExpiresAt: now.Add(time.Hour), PreviousHash: h("old"), PreviousUntil: now.Add(2 * time.Hour)},
		{ID: "key_00000006", Tenant: "fhfa", Role: "user", Hash: h("rotated"), PreviousHash: h("over"), PreviousUntil: now},
		{ID: "key_00000007", Tenant: "fhfa", Role: "user", Hash: h("revoke-later"), RevokedAt: now.Add(time.Minute)},
	}
	got := map[switchboard.KeyHash]switchboard.KeyEntry{}
	for _, e := range switchboard.KeyEntries(keys, tree, now) {
		got[e.Hash] = e
	}
	want := map[string]time.Time{"active": {}, "new": now.Add(time.Hour), "old": now.Add(time.Hour), "rotated": {}, "revoke-later": now.Add(time.Minute)}
	if len(got) != len(want) {
		t.Fatalf("entries = %+v", got)
	}
	for secret, exp := range want {
		e, ok := got[h(secret)]
		if !ok || !e.Expires.Equal(exp) {
			t.Fatalf("entry for %q = %+v, %v; want expiry %v", secret, e, ok, exp)
		}
	}
	if e := got[h("old")]; e.Principal.KeyID != "key_00000005" || e.Principal.Role != "developer" || e.Models[0] != "gpt-4.1" {
		t.Fatalf("previous secret's entry = %+v", e)
	}
	if n := len(switchboard.KeyEntries(keys, nil, now)); n != 6 {
		t.Fatalf("without a tree: %d entries, want 6 (the orphan too)", n)
	}
}

func TestKeyJSONHasNoHash(t *testing.T) {
	k := switchboard.Key{ID: "key_00000001", Hash: switchboard.HashKey("s"), PreviousHash: switchboard.HashKey("p")}
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	hs, ps := switchboard.HashKey("s"), switchboard.HashKey("p")
	if strings.Contains(string(b), hs.String()) || strings.Contains(string(b), ps.String()) || strings.Contains(string(b), "hash") {
		t.Fatalf("key JSON = %s", b)
	}
}

func TestScopeAllows(t *testing.T) {
	if !switchboard.ScopeAllows(nil, "anything") || !switchboard.ScopeAllows([]string{"a", "statechat"}, "statechat") || switchboard.ScopeAllows([]string{"gpt-4.1"}, "gpt-4.1-mini") {
		t.Fatal("ScopeAllows")
	}
	for _, r := range []string{"user", "developer", "auditor", "tenant-admin", "admin"} {
		if !switchboard.ValidRole(r) {
			t.Fatalf("ValidRole(%q) = false", r)
		}
	}
	if switchboard.ValidRole("Admin") || switchboard.ValidRole("") {
		t.Fatal("ValidRole accepts unknown roles")
	}
}
