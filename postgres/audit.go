package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/audit"
)

// auditLock serialises appends to the audit chain across every node
// ("sbaudit" in ASCII). Each append takes it with pg_advisory_xact_lock and
// reads the head inside the same transaction, so two nodes never link to
// the same head.
const auditLock int64 = 0x7362617564697400

// AuditStore is the audit trail in Postgres, shared by every gateway node.
type AuditStore struct {
	pool *pgxpool.Pool
}

var _ audit.Store = (*AuditStore)(nil)

// NewAuditStore uses pool (DB.Pool); the tables come from DB's migrations.
func NewAuditStore(pool *pgxpool.Pool) (*AuditStore, error) {
	if pool == nil {
		return nil, errors.New("postgres: NewAuditStore needs a pool")
	}
	return &AuditStore{pool: pool}, nil
}

// Close does nothing: the pool belongs to DB.
func (s *AuditStore) Close() error { return nil }

const recordCols = `seq, id, kind, start_us, tenant, vendor, requested_model, served_model, directive, body, prev_hash, hash`

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func readHead(ctx context.Context, q queryRower) (audit.Head, error) {
	var h audit.Head
	if err := q.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE one = 1`).Scan(&h.Seq, &h.Hash); err != nil {
		return h, fmt.Errorf("postgres: audit head: %w", err)
	}
	err := q.QueryRow(ctx, `SELECT seq, at_us FROM audit_checkpoints ORDER BY seq DESC, at_us DESC LIMIT 1`).Scan(&h.CheckpointSeq, &h.CheckpointAt)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return h, fmt.Errorf("postgres: audit head: %w", err)
	}
	return h, nil
}

// Head returns the end of the chain.
func (s *AuditStore) Head(ctx context.Context) (audit.Head, error) { return readHead(ctx, s.pool) }

func (s *AuditStore) begin(ctx context.Context) (pgx.Tx, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: audit: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, auditLock); err != nil {
		tx.Rollback(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("postgres: audit lock: %w", err)
	}
	return tx, nil
}

// Append links and inserts a batch in one transaction under the chain's
// advisory lock.
func (s *AuditStore) Append(ctx context.Context, b *audit.Batch) (audit.Head, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return audit.Head{}, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	h, err := appendTx(ctx, tx, b.Records, b.Contents, b.Seal)
	if err != nil {
		return h, err
	}
	if err := tx.Commit(ctx); err != nil {
		return audit.Head{}, fmt.Errorf("postgres: audit commit: %w", err)
	}
	return h, nil
}

func appendTx(ctx context.Context, tx pgx.Tx, recs []*audit.Record, contents []audit.Content, seal func(before, after audit.Head) *audit.Checkpoint) (audit.Head, error) {
	before, err := readHead(ctx, tx)
	if err != nil {
		return before, err
	}
	after := before
	if len(recs) > 0 {
		after = audit.Link(before, recs)
		rows := make([][]any, 0, len(recs))
		for _, r := range recs {
			row, err := audit.RowOf(r)
			if err != nil {
				return before, err
			}
			rows = append(rows, []any{row.Seq, row.ID, row.Kind, row.StartMicros, row.Tenant, row.Vendor,
				row.RequestedModel, row.ServedModel, row.Directive, row.Body, row.PrevHash, row.Hash})
		}
		cols := []string{"seq", "id", "kind", "start_us", "tenant", "vendor", "requested_model", "served_model", "directive", "body", "prev_hash", "hash"}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_records"}, cols, pgx.CopyFromRows(rows)); err != nil {
			return before, fmt.Errorf("postgres: audit append: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE one = 1`, after.Seq, after.Hash); err != nil {
			return before, fmt.Errorf("postgres: audit head: %w", err)
		}
	}
	for _, c := range contents {
		if _, err := tx.Exec(ctx, `INSERT INTO audit_content (ref, record_id, tenant, at_us, mode, prompt, response) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
			c.Ref, c.RecordID, c.Tenant, c.At.UnixMicro(), c.Mode, c.Prompt, c.Response); err != nil {
			return before, fmt.Errorf("postgres: audit content: %w", err)
		}
	}
	if seal != nil {
		if cp := seal(before, after); cp != nil {
			if err := insertCheckpoint(ctx, tx, cp); err != nil {
				return before, err
			}
			after.CheckpointSeq, after.CheckpointAt = cp.Seq, cp.At.UnixMicro()
		}
	}
	return after, nil
}

func insertCheckpoint(ctx context.Context, tx pgx.Tx, cp *audit.Checkpoint) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_checkpoints (seq, kind, hash, at_us, key_id, public_key, signature) VALUES ($1,$2,$3,$4,$5,$6,$7)
		ON CONFLICT (seq, kind) DO UPDATE SET hash = excluded.hash, at_us = excluded.at_us, key_id = excluded.key_id, public_key = excluded.public_key, signature = excluded.signature`,
		cp.Seq, cp.Kind, cp.Hash, cp.At.UnixMicro(), cp.KeyID, cp.PublicKey, cp.Signature)
	if err != nil {
		return fmt.Errorf("postgres: audit checkpoint: %w", err)
	}
	return nil
}

func scanRecords(rows pgx.Rows, fn func(*audit.Record) error) error {
	defer rows.Close()
	var row audit.Row
	for rows.Next() {
		if err := rows.Scan(&row.Seq, &row.ID, &row.Kind, &row.StartMicros, &row.Tenant, &row.Vendor, &row.RequestedModel,
			&row.ServedModel, &row.Directive, &row.Body, &row.PrevHash, &row.Hash); err != nil {
			return fmt.Errorf("postgres: audit read: %w", err)
		}
		r := new(audit.Record)
		if err := audit.UnmarshalRow(&row, r); err != nil {
			r = &audit.Record{Seq: row.Seq, ID: row.ID, Kind: row.Kind, PrevHash: row.PrevHash, Hash: row.Hash}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Scan calls fn with every record after seq `after`, in seq order.
func (s *AuditStore) Scan(ctx context.Context, after int64, fn func(*audit.Record) error) error {
	rows, err := s.pool.Query(ctx, `SELECT `+recordCols+` FROM audit_records WHERE seq > $1 ORDER BY seq`, after)
	if err != nil {
		return fmt.Errorf("postgres: audit scan: %w", err)
	}
	return scanRecords(rows, fn)
}

func dollar(n int) string { return fmt.Sprintf("$%d", n) }

// Query streams the records matching f.
func (s *AuditStore) Query(ctx context.Context, f audit.Filter, fn func(*audit.Record) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	where, args := f.Where(dollar)
	rows, err := s.pool.Query(ctx, `SELECT `+recordCols+` FROM audit_records WHERE `+where+f.Tail(), args...)
	if err != nil {
		return fmt.Errorf("postgres: audit query: %w", err)
	}
	return scanRecords(rows, fn)
}

// Count counts the records matching f.
func (s *AuditStore) Count(ctx context.Context, f audit.Filter) (int64, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	where, args := f.Where(dollar)
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM audit_records WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: audit count: %w", err)
	}
	if f.Limit > 0 && n > int64(f.Limit) {
		n = int64(f.Limit)
	}
	return n, nil
}

// Checkpoints lists every checkpoint in seq order.
func (s *AuditStore) Checkpoints(ctx context.Context) ([]audit.Checkpoint, error) {
	rows, err := s.pool.Query(ctx, `SELECT seq, kind, hash, at_us, key_id, public_key, signature FROM audit_checkpoints ORDER BY seq, at_us`)
	if err != nil {
		return nil, fmt.Errorf("postgres: audit checkpoints: %w", err)
	}
	defer rows.Close()
	var out []audit.Checkpoint
	for rows.Next() {
		var c audit.Checkpoint
		var at int64
		if err := rows.Scan(&c.Seq, &c.Kind, &c.Hash, &at, &c.KeyID, &c.PublicKey, &c.Signature); err != nil {
			return nil, err
		}
		c.At = time.UnixMicro(at).UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// Content returns captured content by ref.
func (s *AuditStore) Content(ctx context.Context, ref string) (*audit.Content, error) {
	c := audit.Content{Ref: ref}
	var at int64
	err := s.pool.QueryRow(ctx, `SELECT record_id, tenant, at_us, mode, prompt, response FROM audit_content WHERE ref = $1`, ref).
		Scan(&c.RecordID, &c.Tenant, &at, &c.Mode, &c.Prompt, &c.Response)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "ref", Message: "no captured content " + ref + " (never captured, or pruned under the content retention rule)"}
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: audit content: %w", err)
	}
	c.At = time.UnixMicro(at).UTC()
	return &c, nil
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// PutHold stores a legal hold.
func (s *AuditStore) PutHold(ctx context.Context, h *audit.Hold) error {
	if err := h.Validate(); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_holds (id, tenant, from_us, to_us, reason, by_whom, at_us, released_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		h.ID, h.Tenant, micros(h.From), micros(h.To), h.Reason, h.By, micros(h.At), micros(h.Released))
	if err != nil {
		return fmt.Errorf("postgres: audit hold: %w", err)
	}
	return nil
}

// Holds lists every legal hold, released ones included.
func (s *AuditStore) Holds(ctx context.Context) ([]audit.Hold, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, tenant, from_us, to_us, reason, by_whom, at_us, released_us FROM audit_holds ORDER BY at_us, id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: audit holds: %w", err)
	}
	defer rows.Close()
	var out []audit.Hold
	for rows.Next() {
		var h audit.Hold
		var from, to, at, rel int64
		if err := rows.Scan(&h.ID, &h.Tenant, &from, &to, &h.Reason, &h.By, &at, &rel); err != nil {
			return nil, err
		}
		h.From, h.To, h.At, h.Released = fromMicros(from), fromMicros(to), fromMicros(at), fromMicros(rel)
		out = append(out, h)
	}
	return out, rows.Err()
}

// ReleaseHold marks a hold released.
func (s *AuditStore) ReleaseHold(ctx context.Context, id string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE audit_holds SET released_us = $1 WHERE id = $2 AND released_us = 0`, micros(at), id)
	if err != nil {
		return fmt.Errorf("postgres: audit hold: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "id", Message: "no legal hold " + id + " in force"}
	}
	return nil
}

// Prune deletes the expired prefix and content in one transaction under
// the chain's lock, behind a signed checkpoint, and appends the record of
// the deletion.
func (s *AuditStore) Prune(ctx context.Context, p *audit.PrunePlan) (audit.Head, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return audit.Head{}, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var res audit.PruneResult
	if p.Through > 0 {
		rows, err := tx.Query(ctx, `SELECT seq, tenant, start_us FROM audit_records WHERE seq <= $1 ORDER BY seq`, p.Through)
		if err != nil {
			return audit.Head{}, fmt.Errorf("postgres: audit prune: %w", err)
		}
		var held int64
		for rows.Next() {
			var seq, start int64
			var tenant string
			if err := rows.Scan(&seq, &tenant, &start); err != nil {
				rows.Close()
				return audit.Head{}, err
			}
			if held == 0 && audit.Held(p.Holds, tenant, time.UnixMicro(start)) {
				held = seq
			}
		}
		rows.Close()
		if held != 0 {
			return audit.Head{}, &switchboard.Error{Code: switchboard.ECONFLICT, Message: fmt.Sprintf("record %d is under a legal hold and cannot be deleted", held)}
		}
		var h string
		if err := tx.QueryRow(ctx, `SELECT hash FROM audit_records WHERE seq = $1`, p.Through).Scan(&h); err != nil {
			return audit.Head{}, fmt.Errorf("postgres: audit prune: record %d: %w", p.Through, err)
		}
		if err := insertCheckpoint(ctx, tx, p.Anchor(p.Through, h)); err != nil {
			return audit.Head{}, err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM audit_records WHERE seq <= $1`, p.Through)
		if err != nil {
			return audit.Head{}, fmt.Errorf("postgres: audit prune: %w", err)
		}
		res.Records, res.Through = tag.RowsAffected(), p.Through
	}
	if !p.ContentBefore.IsZero() {
		rows, err := tx.Query(ctx, `SELECT ref, tenant, at_us FROM audit_content WHERE at_us < $1`, p.ContentBefore.UnixMicro())
		if err != nil {
			return audit.Head{}, fmt.Errorf("postgres: audit prune: %w", err)
		}
		var refs []string
		for rows.Next() {
			var ref, tenant string
			var at int64
			if err := rows.Scan(&ref, &tenant, &at); err != nil {
				rows.Close()
				return audit.Head{}, err
			}
			if !audit.Held(p.Holds, tenant, time.UnixMicro(at)) {
				refs = append(refs, ref)
			}
		}
		rows.Close()
		if len(refs) > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM audit_content WHERE ref = ANY($1)`, refs); err != nil {
				return audit.Head{}, fmt.Errorf("postgres: audit prune: %w", err)
			}
		}
		res.Contents = int64(len(refs))
	}
	if p.Note != nil {
		if err := audit.NotePrune(p.Note, res); err != nil {
			return audit.Head{}, err
		}
		if _, err := appendTx(ctx, tx, []*audit.Record{p.Note}, nil, p.Seal); err != nil {
			return audit.Head{}, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return audit.Head{}, fmt.Errorf("postgres: audit prune: %w", err)
	}
	return s.Head(ctx)
}
