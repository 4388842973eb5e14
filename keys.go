package switchboard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"strings"
	"time"
)

// KindKey is the Change kind of a managed gateway key.
const KindKey = "key"

// Roles lists every role a key can hold, least privileged first.
var Roles = []string{RoleUser, RoleDeveloper, RoleAuditor, RoleTenantAdmin, RolePlatformAdmin}

// ValidRole reports whether r is one of Roles.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Key is a gateway key managed through the admin API. Only the SHA-256 of
// its secret is kept (Hash, never marshalled): the plaintext is returned
// once, by create and rotate, and nowhere else. The JSON form, which is
// what the change log records as Before and After, carries no hash.
type Key struct {
	// ID is the public id, "key_" and the 8 hex digits the plaintext
	// carries (sb-1a2b3c4d-…); it stays the same across rotations.
	ID     string `json:"id"`
	Name   string `json:"name"`
	Tenant string `json:"tenant"`
	Role   string `json:"role"`
	// Models is the scope: the model and alias names the key may ask
	// for. Empty means every model its tenant may use.
	Models []string `json:"models,omitempty"`
	// ExpiresAt ends the key; zero means it does not expire.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
	// RotatedAt is the latest rotation (zero when never rotated).
	RotatedAt time.Time `json:"rotated_at,omitzero"`
	// RevokedAt ends the key for good; a revoked key stays on record.
	RevokedAt    time.Time `json:"revoked_at,omitzero"`
	RevokedBy    string    `json:"revoked_by,omitempty"`
	RevokeReason string    `json:"revoke_reason,omitempty"`
	// Hash is the SHA-256 of the current secret.
	Hash KeyHash `json:"-"`
	// PreviousHash is the secret the latest rotation replaced, still
	// accepted until PreviousUntil (the rotation's grace period) so
	// clients can switch without an outage. Zero when there is none.
	PreviousHash  KeyHash   `json:"-"`
	PreviousUntil time.Time `json:"previous_until,omitzero"`
}

// Key statuses, as the admin API reports them.
const (
	KeyActive  = "active"
	KeyExpired = "expired"
	KeyRevoked = "revoked"
)

// Status is the key's status at now: revoked, expired or active.
func (k *Key) Status(now time.Time) string {
	switch {
	case !k.RevokedAt.IsZero() && !now.Before(k.RevokedAt):
		return KeyRevoked
	case !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt):
		return KeyExpired
	}
	return KeyActive
}

// Principal is who a request made with the key is from.
func (k *Key) Principal() Principal {
	return Principal{KeyID: k.ID, Name: k.Name, Tenant: k.Tenant, Role: k.Role}
}

// Clone returns a deep copy.
func (k Key) Clone() Key {
	k.Models = append([]string(nil), k.Models...)
	if len(k.Models) == 0 {
		k.Models = nil
	}
	return k
}

// KeyEntry is one secret the data plane accepts: its hash, who holds it,
// the key's scope, and the instant it stops being accepted (zero: never).
type KeyEntry struct {
	Hash      KeyHash
	Principal Principal
	Models    []string
	Expires   time.Time
}

// KeyEntries returns the secrets of keys accepted at now: every active
// key's current secret, and a rotated key's previous secret during its
// grace period. Revoked and expired keys, and keys whose tenant tree does
// not know (a deleted tenant: directives scoped by subtree would not
// cover them), are left out. Expires lets the gateway check each request
// against its clock between snapshots.
func KeyEntries(keys []Key, tree *TenantTree, now time.Time) []KeyEntry {
	out := make([]KeyEntry, 0, len(keys))
	for i := range keys {
		k := &keys[i]
		if k.Status(now) != KeyActive || (tree != nil && !tree.Has(k.Tenant)) {
			continue
		}
		until := k.ExpiresAt
		if !k.RevokedAt.IsZero() && (until.IsZero() || k.RevokedAt.Before(until)) {
			until = k.RevokedAt // a revocation scheduled for later
		}
		out = append(out, KeyEntry{Hash: k.Hash, Principal: k.Principal(), Models: k.Models, Expires: until})
		if k.PreviousHash != (KeyHash{}) && now.Before(k.PreviousUntil) {
			prev := k.PreviousUntil
			if !until.IsZero() && until.Before(prev) {
				prev = until
			}
			out = append(out, KeyEntry{Hash: k.PreviousHash, Principal: k.Principal(), Models: k.Models, Expires: prev})
		}
	}
	return out
}

// ScopeAllows reports whether a key scoped to models may ask for the model
// or alias named requested: an empty scope allows everything, otherwise
// the name must be listed exactly.
func ScopeAllows(models []string, requested string) bool {
	if len(models) == 0 {
		return true
	}
	for _, m := range models {
		if m == requested {
			return true
		}
	}
	return false
}

// KeyPrefix starts every managed key's plaintext.
const KeyPrefix = "sb-"

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// NewKeyID returns a fresh random key id ("key_1a2b3c4d") from r
// (crypto/rand.Reader when nil).
func NewKeyID(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, 4)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", err
	}
	return "key_" + hex.EncodeToString(b), nil
}

// NewKeySecret returns a fresh plaintext for the key with id
// ("key_1a2b3c4d"): sb-1a2b3c4d- and 32 random base62 characters (190
// bits), read from r (crypto/rand.Reader when nil).
func NewKeySecret(id string, r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	hexID, ok := strings.CutPrefix(id, "key_")
	if !ok || len(hexID) != 8 {
		return "", Errorf(EINVALID, "key id %q is not key_ and 8 hex digits", id)
	}
	var sb strings.Builder
	sb.Grow(len(KeyPrefix) + 8 + 1 + 32)
	sb.WriteString(KeyPrefix)
	sb.WriteString(hexID)
	sb.WriteByte('-')
	buf := make([]byte, 48)
	for n := 0; n < 32; {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		for _, c := range buf {
			// Rejection sampling: 248 = 4×62, so every character is
			// equally likely.
			if c >= 248 || n == 32 {
				continue
			}
			sb.WriteByte(base62[c%62])
			n++
		}
	}
	return sb.String(), nil
}

// KeyIDOf returns the key id a managed key's plaintext carries
// ("sb-1a2b3c4d-…" → "key_1a2b3c4d"), for messages that must not repeat
// the secret.
func KeyIDOf(plaintext string) (string, bool) {
	rest, ok := strings.CutPrefix(plaintext, KeyPrefix)
	if !ok || len(rest) < 9 || rest[8] != '-' {
		return "", false
	}
	if _, err := hex.DecodeString(rest[:8]); err != nil {
		return "", false
	}
	return "key_" + rest[:8], true
}

// KeyStore keeps managed gateway keys. Keys are never deleted: a revoked
// key stays on record. Every write is transactional and records its
// Change (kind "key", object the key id) in the same change log as the
// Store, so Store.Version covers key changes and every node refreshes on
// them. Before and After are the key's JSON, which holds no hash.
type KeyStore interface {
	// Keys returns every key, revoked and expired ones included, in
	// creation order.
	Keys(ctx context.Context) ([]Key, error)
	// Key returns one key, or an *Error with ENOTFOUND.
	Key(ctx context.Context, id string) (*Key, error)
	// CreateKey adds a key; an existing id, or a hash some key already
	// has (current or previous), is an *Error with ECONFLICT.
	CreateKey(ctx context.Context, k *Key, ch Change) (Change, error)
	// UpdateKey replaces an existing key (rotate, revoke): ENOTFOUND when
	// there is none, ECONFLICT when its hash is another key's.
	UpdateKey(ctx context.Context, k *Key, ch Change) (Change, error)
}
