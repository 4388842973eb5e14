package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
)

// VerifyOptions configure Verify.
type VerifyOptions struct {
	// Keys are the trusted checkpoint public keys. When empty, each
	// checkpoint is checked against the key it names, and the report says
	// the keys were not independently trusted.
	Keys []ed25519.PublicKey
	// Progress, when set, is called as records are checked (done of about
	// total).
	Progress func(done, total int64)
}

// VerifyReport is the result of Verify.
type VerifyReport struct {
	// OK is true when every link and checkpoint holds.
	OK bool `json:"ok"`
	// Records is the number of records checked; From the first seq
	// checked (after the prune anchor, if any).
	Records int64 `json:"records"`
	From    int64 `json:"from"`
	Head    Head  `json:"head"`
	// Checkpoints is the number of checkpoints whose signature was checked.
	Checkpoints int `json:"checkpoints"`
	// Anchor is the prune checkpoint verification started from.
	Anchor *Checkpoint `json:"anchor,omitempty"`
	// Latest is the latest checkpoint; Unsealed counts the records after
	// it, which only a copy of the head kept elsewhere can vouch for.
	Latest      *Checkpoint `json:"latest_checkpoint,omitempty"`
	Unsealed    int64       `json:"unsealed"`
	KeysTrusted bool        `json:"keys_trusted"`
	KeyIDs      []string    `json:"key_ids"`
	// Break is the first place the chain breaks.
	Break *Break `json:"break,omitempty"`
}

// Break locates the first failure of the chain.
type Break struct {
	Seq     int64  `json:"seq"`
	ID      string `json:"id,omitempty"`
	Problem string `json:"problem"`
}

func (b *Break) Error() string {
	if b.ID != "" {
		return fmt.Sprintf("record %d (%s): %s", b.Seq, b.ID, b.Problem)
	}
	return fmt.Sprintf("record %d: %s", b.Seq, b.Problem)
}

// errStop ends a scan at the first break.
var errStop = errors.New("stop")

// Verify walks the whole chain: it recomputes every record's hash, checks
// every link to the previous record and the sequence has no gap, and checks
// every checkpoint's signature and that it matches the record it names. It
// stops at the first failure and names it.
func Verify(ctx context.Context, s Store, opts VerifyOptions) (*VerifyReport, error) {
	rep := &VerifyReport{KeysTrusted: len(opts.Keys) > 0}
	cps, err := s.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	head, err := s.Head(ctx)
	if err != nil {
		return nil, err
	}
	rep.Head = head
	sort.Slice(cps, func(i, j int) bool { return cps[i].Seq < cps[j].Seq })
	keys := map[string]ed25519.PublicKey{}
	for _, k := range opts.Keys {
		keys[KeyID(k)] = k
	}
	seen := map[string]bool{}
	// checkSig verifies one checkpoint; it returns the problem or "".
	checkSig := func(c *Checkpoint) string {
		rep.Checkpoints++
		pub, ok := keys[c.KeyID]
		if !rep.KeysTrusted {
			b, err := hex.DecodeString(c.PublicKey)
			if err != nil || KeyID(b) != c.KeyID {
				return "checkpoint names key " + c.KeyID + " but carries a different public key"
			}
			pub, ok = b, true
		}
		if !ok {
			return "checkpoint is signed with key " + c.KeyID + ", which is not one of the trusted keys"
		}
		if !seen[c.KeyID] {
			seen[c.KeyID] = true
			rep.KeyIDs = append(rep.KeyIDs, c.KeyID)
		}
		if !c.VerifySignature(pub) {
			return "checkpoint signature is invalid (the checkpoint was altered or forged)"
		}
		return ""
	}

	// The latest prune checkpoint anchors the chain once its prefix is
	// gone.
	expect, prev := int64(1), GenesisHash
	byseq := map[int64][]*Checkpoint{}
	for i := range cps {
		c := &cps[i]
		if c.Kind == CheckpointPrune && c.Seq >= expect-1 {
			rep.Anchor = c
			expect, prev = c.Seq+1, c.Hash
		}
	}
	if rep.Anchor != nil {
		if p := checkSig(rep.Anchor); p != "" {
			rep.Break = &Break{Seq: rep.Anchor.Seq, Problem: "prune " + p}
			return rep, nil
		}
	}
	for i := range cps {
		c := &cps[i]
		if c.Seq >= expect {
			byseq[c.Seq] = append(byseq[c.Seq], c)
			rep.Latest = c
		}
	}
	if rep.Latest == nil {
		rep.Latest = rep.Anchor
	}
	rep.From = expect
	total := head.Seq - expect + 1
	err = s.Scan(ctx, expect-1, func(r *Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		switch {
		case r.Seq > expect:
			rep.Break = &Break{Seq: expect, Problem: fmt.Sprintf("missing: records %d to %d were deleted (the chain jumps to %d, %s)", expect, r.Seq-1, r.Seq, r.ID)}
		case r.Seq < expect:
			rep.Break = &Break{Seq: r.Seq, ID: r.ID, Problem: fmt.Sprintf("out of order: seq %d appears after %d", r.Seq, expect-1)}
		case r.PrevHash != prev:
			rep.Break = &Break{Seq: r.Seq, ID: r.ID, Problem: fmt.Sprintf("does not follow record %d: its prev_hash is not that record's hash (a record was inserted, deleted or reordered)", r.Seq-1)}
		case ComputeHash(r) != r.Hash:
			rep.Break = &Break{Seq: r.Seq, ID: r.ID, Problem: "its contents were changed after it was written (the hash of its fields does not match its stored hash)"}
		}
		if rep.Break == nil {
			for _, c := range byseq[r.Seq] {
				if p := checkSig(c); p != "" {
					rep.Break = &Break{Seq: r.Seq, ID: r.ID, Problem: p}
				} else if c.Hash != r.Hash {
					rep.Break = &Break{Seq: r.Seq, ID: r.ID, Problem: "differs from the signed checkpoint of " + c.At.Format("2006-01-02T15:04:05Z") + " (the chain was rewritten from here)"}
				}
				if rep.Break != nil {
					break
				}
			}
		}
		if rep.Break != nil {
			return errStop
		}
		rep.Records++
		expect, prev = r.Seq+1, r.Hash
		if opts.Progress != nil && (rep.Records%1024 == 0 || r.Seq == head.Seq) {
			opts.Progress(rep.Records, total)
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	if rep.Break == nil {
		if last := expect - 1; rep.Latest != nil && rep.Latest.Seq > last {
			rep.Break = &Break{Seq: last + 1, Problem: fmt.Sprintf("missing: a signed checkpoint covers records up to %d but the chain ends at %d (records were deleted from its end)", rep.Latest.Seq, last)}
		} else if head.Seq != last && head.Seq > 0 {
			rep.Break = &Break{Seq: last + 1, Problem: fmt.Sprintf("missing: the head is record %d but the chain ends at %d", head.Seq, last)}
		}
	}
	if rep.Latest != nil {
		rep.Unsealed = expect - 1 - rep.Latest.Seq
	} else {
		rep.Unsealed = expect - 1
	}
	rep.OK = rep.Break == nil
	return rep, nil
}
