// Package keystoretest is the contract suite every switchboard.KeyStore
// implementation passes: round trips that keep every field and both
// hashes, key changes in the shared change log (so the state's version
// covers them) with no hash in Before or After, conflicts and missing
// keys that write nothing, and concurrent writers.
package keystoretest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-gov/switchboard"
)

// Store is what the suite tests: a state store that also keeps keys, in
// the same change log.
type Store interface {
	switchboard.Store
	switchboard.KeyStore
}

// Run runs the contract suite. open returns a new, empty store for each
// subtest and arranges (with t.Cleanup) for it to be closed and removed.
func Run(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"ChangesShareTheLog", testChangesShareTheLog},
		{"Rotate", testRotate},
		{"Conflicts", testConflicts},
		{"NotFoundAndInvalid", testNotFoundAndInvalid},
		{"Order", testOrder},
		{"ConcurrentWriters", testConcurrentWriters},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

var t0 = time.Date(2026, 3, 5, 12, 0, 0, 123456000, time.UTC)

// Key returns a key with every field populated and a secret derived from
// id, for round trips.
func Key(id string) *switchboard.Key {
	return &switchboard.Key{
		ID: id, Name: "ops " + id, Tenant: "fhfa/fannie-mae", Role: switchboard.RoleDeveloper,
		Models:    []string{"gpt-4.1", "statechat"},
		ExpiresAt: t0.Add(90 * 24 * time.Hour), CreatedAt: t0, CreatedBy: "key_0a0a0a0a (ops)",
		Hash: switchboard.HashKey("secret-of-" + id),
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := switchboard.ErrorCode(err); got != code {
		t.Fatalf("err = %v (code %q), want code %q", err, got, code)
	}
	var e *switchboard.Error
	if errors.As(err, &e) && e.Message == "" {
		t.Fatalf("%v: empty message", err)
	}
}

func version(t *testing.T, s Store) int64 {
	t.Helper()
	v, err := s.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func testRoundTrip(t *testing.T, s Store) {
	ctx := context.Background()
	k := Key("key_1a2b3c4d")
	k.RotatedAt = t0.Add(time.Hour)
	k.PreviousHash = switchboard.HashKey("older")
	k.PreviousUntil = t0.Add(25 * time.Hour)
	k.RevokedAt, k.RevokedBy, k.RevokeReason = t0.Add(48*time.Hour), "key_0a0a0a0a (ops)", "left the agency"
	if _, err := s.CreateKey(ctx, k, switchboard.Change{Actor: "test", At: t0}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Key(ctx, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, k) {
		t.Fatalf("Key:\n got %+v\nwant %+v", got, k)
	}
	all, err := s.Keys(ctx)
	if err != nil || len(all) != 1 || !reflect.DeepEqual(&all[0], k) {
		t.Fatalf("Keys = %+v, %v", all, err)
	}
	// A key without scope, expiry or previous secret comes back without.
	bare := &switchboard.Key{ID: "key_00000001", Name: "bare", Tenant: "state", Role: switchboard.RoleUser, CreatedAt: t0, Hash: switchboard.HashKey("bare")}
	if _, err := s.CreateKey(ctx, bare, switchboard.Change{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Key(ctx, bare.ID); err != nil || !reflect.DeepEqual(got, bare) {
		t.Fatalf("bare key = %+v, %v", got, err)
	}
}

func testChangesShareTheLog(t *testing.T, s Store) {
	ctx := context.Background()
	if _, err := s.PutTenant(ctx, &switchboard.Tenant{ID: "fhfa", Name: "FHFA"}, switchboard.Change{Actor: "config"}); err != nil {
		t.Fatal(err)
	}
	k := Key("key_1a2b3c4d")
	ch, err := s.CreateKey(ctx, k, switchboard.Change{Actor: "key_0a0a0a0a (ops)", At: t0, Reason: "new app"})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Seq != 2 || ch.Kind != switchboard.KindKey || ch.ObjectID != k.ID || ch.Action != "key.create" || ch.Before != nil || ch.After == nil {
		t.Fatalf("create change = %+v", ch)
	}
	if v := version(t, s); v != 2 {
		t.Fatalf("version after a key change = %d, want 2", v)
	}
	st, err := s.Load(ctx)
	if err != nil || st.Version != 2 {
		t.Fatalf("Load version = %v, %v", st, err)
	}
	k2 := *k
	k2.RevokedAt, k2.RevokedBy, k2.RevokeReason = t0.Add(time.Hour), "key_0a0a0a0a (ops)", "compromised"
	ch2, err := s.UpdateKey(ctx, &k2, switchboard.Change{Actor: "key_0a0a0a0a (ops)", Action: "key.revoke", At: t0.Add(time.Hour), Reason: "compromised"})
	if err != nil {
		t.Fatal(err)
	}
	if ch2.Seq != 3 || ch2.Action != "key.revoke" || string(ch2.Before) != string(ch.After) {
		t.Fatalf("revoke change = %+v (before must be the create's after)", ch2)
	}
	cs, err := s.Changes(ctx, switchboard.ChangeFilter{Kind: switchboard.KindKey})
	if err != nil || len(cs) != 2 {
		t.Fatalf("key changes = %+v, %v", cs, err)
	}
	if !cs[0].At.Equal(t0) || cs[0].Actor != "key_0a0a0a0a (ops)" || cs[0].Reason != "new app" || cs[1].Action != "key.revoke" {
		t.Fatalf("recorded changes = %+v", cs)
	}
	for _, c := range cs {
		for _, b := range []string{string(c.Before), string(c.After)} {
			for _, h := range []switchboard.KeyHash{k.Hash} {
				if strings.Contains(b, h.String()) {
					t.Fatalf("change %d holds the key's hash: %s", c.Seq, b)
				}
			}
			if strings.Contains(strings.ToLower(b), "hash\"") {
				t.Fatalf("change %d has a hash field: %s", c.Seq, b)
			}
		}
	}
}

func testRotate(t *testing.T, s Store) {
	ctx := context.Background()
	k := Key("key_1a2b3c4d")
	if _, err := s.CreateKey(ctx, k, switchboard.Change{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	r := *k
	r.PreviousHash, r.PreviousUntil = k.Hash, t0.Add(time.Hour)
	r.Hash, r.RotatedAt = switchboard.HashKey("rotated"), t0
	if _, err := s.UpdateKey(ctx, &r, switchboard.Change{Actor: "test", Action: "key.rotate"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Key(ctx, k.ID)
	if err != nil || got.Hash != r.Hash || got.PreviousHash != k.Hash || !got.PreviousUntil.Equal(r.PreviousUntil) {
		t.Fatalf("after rotate: %+v, %v", got, err)
	}
	// Rotating again without grace drops the previous secret.
	r2 := r
	r2.PreviousHash, r2.PreviousUntil, r2.Hash = switchboard.KeyHash{}, time.Time{}, switchboard.HashKey("rotated again")
	if _, err := s.UpdateKey(ctx, &r2, switchboard.Change{Actor: "test", Action: "key.rotate"}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Key(ctx, k.ID); err != nil || got.PreviousHash != (switchboard.KeyHash{}) || got.Hash != r2.Hash {
		t.Fatalf("after second rotate: %+v, %v", got, err)
	}
	// The same secret as the current one is not a rotation.
	r3 := r2
	r3.PreviousHash = r3.Hash
	_, err = s.UpdateKey(ctx, &r3, switchboard.Change{Actor: "test"})
	wantCode(t, err, switchboard.EINVALID)
}

func testConflicts(t *testing.T, s Store) {
	ctx := context.Background()
	a := Key("key_aaaaaaaa")
	a.PreviousHash = switchboard.HashKey("a-old")
	if _, err := s.CreateKey(ctx, a, switchboard.Change{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	v := version(t, s)
	dup := Key("key_aaaaaaaa")
	dup.Hash = switchboard.HashKey("other")
	_, err := s.CreateKey(ctx, dup, switchboard.Change{Actor: "test"})
	wantCode(t, err, switchboard.ECONFLICT)
	b := Key("key_bbbbbbbb")
	b.Hash = a.Hash
	_, err = s.CreateKey(ctx, b, switchboard.Change{Actor: "test"})
	wantCode(t, err, switchboard.ECONFLICT)
	b.Hash = a.PreviousHash
	_, err = s.CreateKey(ctx, b, switchboard.Change{Actor: "test"})
	wantCode(t, err, switchboard.ECONFLICT)
	b.Hash = switchboard.HashKey("b")
	if _, err := s.CreateKey(ctx, b, switchboard.Change{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	b2 := *b
	b2.PreviousHash, b2.Hash = b.Hash, a.Hash
	_, err = s.UpdateKey(ctx, &b2, switchboard.Change{Actor: "test"})
	wantCode(t, err, switchboard.ECONFLICT)
	if got := version(t, s); got != v+1 {
		t.Fatalf("refused writes changed the version: %d, want %d", got, v+1)
	}
	if got, err := s.Key(ctx, b.ID); err != nil || got.Hash != b.Hash {
		t.Fatalf("a refused update changed the key: %+v, %v", got, err)
	}
}

func testNotFoundAndInvalid(t *testing.T, s Store) {
	ctx := context.Background()
	_, err := s.Key(ctx, "key_00000000")
	wantCode(t, err, switchboard.ENOTFOUND)
	_, err = s.UpdateKey(ctx, Key("key_00000000"), switchboard.Change{Actor: "test"})
	wantCode(t, err, switchboard.ENOTFOUND)
	_, err = s.CreateKey(ctx, nil, switchboard.Change{Actor: "test"})
	wantCode(t, err, switchboard.EINVALID)
	_, err = s.CreateKey(ctx, &switchboard.Key{Hash: switchboard.HashKey("x")}, switchboard.Change{Actor: "test"})
	wantCode(t, err, switchboard.EINVALID)
	_, err = s.CreateKey(ctx, &switchboard.Key{ID: "key_00000001"}, switchboard.Change{Actor: "test"})
	wantCode(t, err, switchboard.EINVALID)
	if v := version(t, s); v != 0 {
		t.Fatalf("failed writes recorded changes: version %d", v)
	}
	if ks, err := s.Keys(ctx); err != nil || len(ks) != 0 {
		t.Fatalf("Keys of an empty store = %v, %v", ks, err)
	}
}

func testOrder(t *testing.T, s Store) {
	ctx := context.Background()
	ids := []string{"key_ffffffff", "key_00000000", "key_88888888"}
	for _, id := range ids {
		if _, err := s.CreateKey(ctx, Key(id), switchboard.Change{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	k := Key(ids[0])
	k.Name = "renamed"
	if _, err := s.UpdateKey(ctx, k, switchboard.Change{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	ks, err := s.Keys(ctx)
	if err != nil || len(ks) != 3 {
		t.Fatalf("Keys = %v, %v", ks, err)
	}
	for i, id := range ids {
		if ks[i].ID != id {
			t.Fatalf("Keys order = %v, want creation order %v", ks, ids)
		}
	}
	if ks[0].Name != "renamed" {
		t.Fatalf("update lost: %+v", ks[0])
	}
}

func testConcurrentWriters(t *testing.T, s Store) {
	ctx := context.Background()
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := s.CreateKey(ctx, Key(fmt.Sprintf("key_%08x", i)), switchboard.Change{Actor: "test"})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := s.PutTenant(ctx, &switchboard.Tenant{ID: fmt.Sprint("t", i)}, switchboard.Change{Actor: "test"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	cs, err := s.Changes(ctx, switchboard.ChangeFilter{})
	if err != nil || len(cs) != 2*n {
		t.Fatalf("changes = %d, %v", len(cs), err)
	}
	for i, c := range cs {
		if c.Seq != int64(i+1) {
			t.Fatalf("change %d has seq %d: seqs must rise by one", i, c.Seq)
		}
	}
	if ks, err := s.Keys(ctx); err != nil || len(ks) != n {
		t.Fatalf("keys = %d, %v", len(ks), err)
	}
}
