package audit

import (
	"context"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Store keeps the chain. Implementations: sqlite.AuditStore and
// postgres.AuditStore, both checked by audittest.Run. A store serialises
// appends (one writer in SQLite; a transaction-scoped advisory lock in
// Postgres, so several gateway nodes extend one chain) and reads the head
// inside the appending transaction.
type Store interface {
	// Append links b.Records to the head (see Link), inserts them and
	// b.Contents, and, when b.Seal returns a checkpoint for the new head,
	// inserts it: all in one transaction. It returns the new head.
	Append(ctx context.Context, b *Batch) (Head, error)
	// Head returns the end of the chain.
	Head(ctx context.Context) (Head, error)
	// Scan calls fn with every record whose seq > after, in seq order,
	// as stored (it does not verify).
	Scan(ctx context.Context, after int64, fn func(*Record) error) error
	// Query calls fn with every record matching f, in seq order, as rows
	// are read.
	Query(ctx context.Context, f Filter, fn func(*Record) error) error
	// Count counts the records matching f.
	Count(ctx context.Context, f Filter) (int64, error)
	// Checkpoints lists every checkpoint, in seq order.
	Checkpoints(ctx context.Context) ([]Checkpoint, error)
	// Content returns the captured content with ref (ENOTFOUND when it
	// was never captured or has been pruned).
	Content(ctx context.Context, ref string) (*Content, error)
	// PutHold stores a legal hold; Holds lists them; ReleaseHold marks one
	// released (ENOTFOUND for an unknown id).
	PutHold(ctx context.Context, h *Hold) error
	Holds(ctx context.Context) ([]Hold, error)
	ReleaseHold(ctx context.Context, id string, at time.Time) error
	// Prune deletes, in one transaction: every record with seq <= through
	// (after checking none is under b.Holds — the caller computes through
	// from the holds, the store re-checks them), and content captured
	// before contentBefore; it first inserts the checkpoint that
	// p.Seal returns for record `through`, and appends p.Note (the record of
	// the deletion) with its checkpoint as in Append.
	Prune(ctx context.Context, p *PrunePlan) (Head, error)
	Close() error
}

// Batch is a group of records appended in one transaction.
type Batch struct {
	Records  []*Record
	Contents []Content
	// Seal, given the head before and after the append, returns the
	// checkpoint to write, or nil.
	Seal func(before, after Head) *Checkpoint
}

// PrunePlan is one pruning pass.
type PrunePlan struct {
	// Through is the last seq deleted (0: no record is deleted).
	Through int64
	// ContentBefore deletes captured content made before it (zero: none).
	ContentBefore time.Time
	// Holds are the legal holds in force; a record under one is never
	// deleted.
	Holds []Hold
	// Anchor, given the seq and hash of record Through, returns the signed
	// prune checkpoint.
	Anchor func(seq int64, hash string) *Checkpoint
	// Note is appended after the deletion (its Reason and After are filled
	// by the store with what was deleted), sealed by Seal.
	Note *Record
	Seal func(before, after Head) *Checkpoint
}

// PruneResult is what a prune deleted.
type PruneResult struct {
	Records  int64 `json:"records"`
	Contents int64 `json:"contents"`
	Through  int64 `json:"through"`
}

// Filter selects records. Zero fields match everything.
type Filter struct {
	Tenant string
	// Subtree, with Tenant, also matches the tenant's descendants
	// ("dod" matches "dod/nsa").
	Subtree   bool
	Vendor    string
	Model     string // requested or served
	Directive string
	Kind      string
	// From (inclusive) and To (exclusive) bound the record's Start.
	From, To time.Time
	// AfterSeq skips records with seq <= AfterSeq; Limit caps the count.
	AfterSeq int64
	Limit    int
}

// Validate rejects a filter that can match nothing by mistake.
func (f *Filter) Validate() error {
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "from",
			Message: "the time range is empty: from (" + f.From.UTC().Format(time.RFC3339) + ") must be before to (" + f.To.UTC().Format(time.RFC3339) + ")"}
	}
	if f.Limit < 0 {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "limit", Message: "limit must not be negative"}
	}
	return nil
}

// Content is the captured prompt and answer of a request, kept apart from
// its record so the two can be retained for different periods. The record
// commits to it by ContentHash.
type Content struct {
	Ref      string    `json:"ref"`
	RecordID string    `json:"record_id"`
	Tenant   string    `json:"tenant"`
	At       time.Time `json:"at"`
	// Mode is redacted or full.
	Mode     string `json:"mode"`
	Prompt   string `json:"prompt"`
	Response string `json:"response"`
}
