package audit

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// PlaceHold validates and stores a legal hold, and records it in the
// chain. It returns the hold with its id.
func (l *Log) PlaceHold(ctx context.Context, h Hold) (Hold, error) {
	if err := h.Validate(); err != nil {
		return h, err
	}
	if h.ID == "" {
		h.ID = newID("hold_")
	}
	h.At = l.opts.Now().UTC().Truncate(time.Microsecond)
	h.From, h.To = h.From.UTC(), h.To.UTC()
	if err := l.opts.Store.PutHold(ctx, &h); err != nil {
		return h, err
	}
	b, _ := json.Marshal(h)
	err := l.Write(ctx, &Record{Kind: KindSystem, Actor: h.By, Action: "audit.hold.place", Object: "hold/" + h.ID,
		Tenant: h.Tenant, Reason: h.Reason, After: b}, nil)
	return h, err
}

// ReleaseHold releases a legal hold and records it.
func (l *Log) ReleaseHold(ctx context.Context, id, by, reason string) error {
	if err := l.opts.Store.ReleaseHold(ctx, id, l.opts.Now()); err != nil {
		return err
	}
	return l.Write(ctx, &Record{Kind: KindSystem, Actor: by, Action: "audit.hold.release", Object: "hold/" + id, Reason: reason}, nil)
}

// Prune deletes what the retention policy has expired at now: the longest
// prefix of the chain whose every record is expired and under no legal
// hold (a held or unexpired record stops it, so the chain stays one
// unbroken suffix), and expired captured content. Before deleting, it
// writes a signed checkpoint committing to the last deleted record, from
// which Verify then starts; the deletion itself is appended to the chain.
func (l *Log) Prune(ctx context.Context, pol *Policy, actor string, now time.Time) (PruneResult, error) {
	if err := pol.Validate(); err != nil {
		return PruneResult{}, err
	}
	all, err := l.opts.Store.Holds(ctx)
	if err != nil {
		return PruneResult{}, err
	}
	var holds []Hold
	for _, h := range all {
		if h.Released.IsZero() {
			holds = append(holds, h)
		}
	}
	var through int64
	err = l.opts.Store.Scan(ctx, 0, func(r *Record) error {
		if !pol.Expired(r, now) || Held(holds, r.Tenant, r.Start) {
			return errStop
		}
		through = r.Seq
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return PruneResult{}, err
	}
	cut := pol.ContentBefore(now)
	if through == 0 && cut.IsZero() {
		return PruneResult{}, nil
	}
	note := &Record{Kind: KindSystem, ID: newID("sys_"), At: l.opts.Now(), Actor: actor, Action: "audit.prune", Object: "audit",
		Reason: "retention policy applied at " + now.UTC().Format(time.RFC3339)}
	_, err = l.opts.Store.Prune(ctx, &PrunePlan{
		Through: through, ContentBefore: cut, Holds: holds, Note: note, Seal: l.sealer(true),
		Anchor: func(seq int64, hash string) *Checkpoint {
			return l.opts.Signer.Sign(seq, hash, time.Now(), CheckpointPrune)
		},
	})
	if err != nil {
		return PruneResult{}, err
	}
	var res PruneResult
	_ = json.Unmarshal(note.After, &res)
	return res, nil
}
