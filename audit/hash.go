package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strconv"
)

// GenesisHash is the PrevHash of the first record of a chain.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// hashDomain starts every record's hashed encoding; a new encoding gets a
// new domain so old chains stay verifiable.
const hashDomain = "switchboard-audit-record/v2"

// ComputeHash returns the record's hash: hex SHA-256 over its canonical
// encoding, which is the domain string "switchboard-audit-record/v2"
// followed by every field below, in this order, each written as its
// length (unsigned LEB128 varint) and its bytes. Integers are decimal,
// times are Unix microseconds in decimal, booleans "1" or "0", findings
// are their count followed by type, rule and count of each, JSON values
// (before, after) are their bytes as stored. Length prefixes make the
// encoding unambiguous: no two records encode alike. The record's own
// Hash is not part of it; PrevHash is, which links the chain.
func ComputeHash(r *Record) string {
	h := sha256.New()
	var lb [binary.MaxVarintLen64]byte
	put := func(s string) {
		n := binary.PutUvarint(lb[:], uint64(len(s)))
		h.Write(lb[:n])
		_, _ = h.Write([]byte(s))
	}
	putInt := func(i int64) { put(strconv.FormatInt(i, 10)) }
	put(hashDomain)
	putInt(r.Seq)
	put(r.ID)
	put(r.Kind)
	putInt(r.At.UnixMicro())
	putInt(r.Start.UnixMicro())
	for _, s := range []string{r.Tenant, r.KeyID, r.EndUser, r.Protocol, r.RequestedModel, r.ServedModel,
		r.Vendor, r.Provider, r.Channel, r.Directive, r.Waiver, r.Outcome, r.Reroute, r.SystemPrompt} {
		put(s)
	}
	putInt(int64(len(r.Findings)))
	for _, f := range r.Findings {
		put(f.Type)
		put(f.Rule)
		putInt(int64(f.Count))
	}
	u := r.Usage
	for _, n := range []int{u.Input, u.Output, u.CacheRead, u.CacheWrite, u.Reasoning, r.Status} {
		putInt(int64(n))
	}
	put(r.ErrorCode)
	if r.Stream {
		put("1")
	} else {
		put("0")
	}
	putInt(int64(r.Latency))
	putInt(int64(r.TTFB))
	for _, s := range []string{r.ContentRef, r.ContentHash, r.Actor, r.Action, r.Object, r.Reason,
		string(r.Before), string(r.After), r.PrevHash} {
		put(s)
	}
	return sum(h)
}

func sum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// Head is the end of the chain: the last record's seq and hash, and the
// last checkpoint's seq and time (zero when there is none).
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	// CheckpointSeq and CheckpointAt describe the latest checkpoint.
	CheckpointSeq int64 `json:"checkpoint_seq"`
	CheckpointAt  int64 `json:"checkpoint_at_us"`
}

// Link appends recs to the chain ending at head: it assigns each its seq,
// previous hash and hash, and returns the new head. Stores call it inside
// the transaction that holds the chain's lock.
func Link(head Head, recs []*Record) Head {
	if head.Hash == "" {
		head.Hash = GenesisHash
	}
	for _, r := range recs {
		r.normalize()
		head.Seq++
		r.Seq = head.Seq
		r.PrevHash = head.Hash
		r.Hash = ComputeHash(r)
		head.Hash = r.Hash
	}
	return head
}
