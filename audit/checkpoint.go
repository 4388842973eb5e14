package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Checkpoint kinds.
const (
	// CheckpointPeriodic is written every N records or T seconds.
	CheckpointPeriodic = "periodic"
	// CheckpointPrune commits to the last record of a pruned prefix:
	// verification starts from it once the prefix is gone.
	CheckpointPrune = "prune"
)

// Checkpoint is a signed statement that the chain's record Seq has hash
// Hash. A verifier holding the public key can tell that no record up to
// Seq was changed after the checkpoint was written.
type Checkpoint struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	// KeyID names the signing key: the first 16 hex digits of the SHA-256
	// of the public key.
	KeyID     string `json:"key_id"`
	PublicKey string `json:"public_key"` // hex
	Signature string `json:"signature"`  // hex
}

const checkpointDomain = "switchboard-audit-checkpoint/v1"

// message is what a checkpoint's signature covers: the domain, then seq,
// hash, time (Unix microseconds) and kind, length-prefixed as in
// ComputeHash.
func (c *Checkpoint) message() []byte {
	var b []byte
	put := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	put(checkpointDomain)
	put(strconv.FormatInt(c.Seq, 10))
	put(c.Hash)
	put(strconv.FormatInt(c.At.UnixMicro(), 10))
	put(c.Kind)
	return b
}

// Signer signs checkpoints with an Ed25519 key.
type Signer struct {
	key ed25519.PrivateKey
	id  string
}

// NewSigner wraps an Ed25519 private key.
func NewSigner(key ed25519.PrivateKey) *Signer {
	return &Signer{key: key, id: KeyID(key.Public().(ed25519.PublicKey))}
}

// KeyID is the id of a public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	s := sha256.Sum256(pub)
	return hex.EncodeToString(s[:8])
}

// Public is the signer's public key.
func (s *Signer) Public() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// Sign makes the checkpoint for record seq with hash h.
func (s *Signer) Sign(seq int64, h string, at time.Time, kind string) *Checkpoint {
	c := &Checkpoint{Seq: seq, Hash: h, At: at.UTC().Truncate(time.Microsecond), Kind: kind,
		KeyID: s.id, PublicKey: hex.EncodeToString(s.Public())}
	c.Signature = hex.EncodeToString(ed25519.Sign(s.key, c.message()))
	return c
}

// VerifySignature checks c's signature with pub.
func (c *Checkpoint) VerifySignature(pub ed25519.PublicKey) bool {
	sig, err := hex.DecodeString(c.Signature)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return false
	}
	return ed25519.Verify(pub, c.message(), sig)
}

// LoadOrCreateKey reads the Ed25519 private key at path (PEM, PKCS #8),
// or, when the file does not exist, generates one and writes it with mode
// 0600, and its public key beside it (path + ".pub", PEM, PKIX) for
// verifiers.
func LoadOrCreateKey(path string) (*Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		_, priv, gerr := ed25519.GenerateKey(rand.Reader)
		if gerr != nil {
			return nil, gerr
		}
		der, merr := x509.MarshalPKCS8PrivateKey(priv)
		if merr != nil {
			return nil, merr
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("audit: create key directory: %w", err)
		}
		f, ferr := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if ferr != nil {
			return nil, fmt.Errorf("audit: create signing key: %w", ferr)
		}
		if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		s := NewSigner(priv)
		if err := WritePublicKey(path+".pub", s.Public()); err != nil {
			return nil, err
		}
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: read signing key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "audit.key_file",
			Message: path + " is not a PEM \"PRIVATE KEY\" (PKCS #8 Ed25519) file"}
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	priv, ok := k.(ed25519.PrivateKey)
	if err != nil || !ok {
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "audit.key_file",
			Message: path + " does not hold an Ed25519 private key"}
	}
	return NewSigner(priv), nil
}

// WritePublicKey writes pub as a PEM "PUBLIC KEY" file (mode 0644).
func WritePublicKey(path string, pub ed25519.PublicKey) error {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644)
}

// ReadPublicKey reads a PEM "PUBLIC KEY" file written by WritePublicKey.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit: read public key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "key", Message: path + " is not a PEM public key file"}
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	pub, ok := k.(ed25519.PublicKey)
	if err != nil || !ok {
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "key", Message: path + " does not hold an Ed25519 public key"}
	}
	return pub, nil
}
