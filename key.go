package switchboard

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
)

// KeyHash is the SHA-256 of a gateway key. Keys are stored and compared only
// as hashes; the plaintext is shown once, at creation, and never kept.
type KeyHash [sha256.Size]byte

// HashKey hashes a presented or configured key.
func HashKey(key string) KeyHash { return sha256.Sum256([]byte(key)) }

// String is the hex form, for storage.
func (h KeyHash) String() string { return hex.EncodeToString(h[:]) }

// Equal compares in constant time.
func (h KeyHash) Equal(o KeyHash) bool { return subtle.ConstantTimeCompare(h[:], o[:]) == 1 }

// KeyID is the short public id of a key: the first 8 hex digits of its
// hash, safe to log and to show in the audit trail.
func (h KeyHash) KeyID() string { return "key_" + hex.EncodeToString(h[:4]) }
