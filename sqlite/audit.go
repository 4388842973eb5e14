package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/audit"
)

// AuditStore is the audit trail in the SQLite database: appends go through
// one dedicated writer connection whose transactions BEGIN IMMEDIATE, so the
// head read inside an append is the head it extends.
type AuditStore struct {
	db *DB
	w  *sql.DB
	// st are the append path's statements, prepared once on the writer:
	// preparing them per batch was a fifth of an append's CPU.
	st appendStmts
}

// appendStmts are the statements an append runs; nil fields fall back to
// preparing on the spot (the prune path).
type appendStmts struct {
	head, checkpointHead, insert, setHead *sql.Stmt
}

const (
	sqlHead           = `SELECT seq, hash FROM audit_head WHERE one = 1`
	sqlCheckpointHead = `SELECT seq, at_us FROM audit_checkpoints ORDER BY seq DESC, at_us DESC LIMIT 1`
	sqlInsertRecord   = `INSERT INTO audit_records (` + recordCols + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`
	sqlSetHead        = `UPDATE audit_head SET seq = ?, hash = ? WHERE one = 1`
)

var _ audit.Store = (*AuditStore)(nil)

// NewAuditStore opens the audit trail of db (its tables are created by
// db's migrations).
func NewAuditStore(db *DB) (*AuditStore, error) {
	dsn := "file:" + db.Path() + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)&_txlock=immediate"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	s := &AuditStore{db: db, w: w}
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{{&s.st.head, sqlHead}, {&s.st.checkpointHead, sqlCheckpointHead}, {&s.st.insert, sqlInsertRecord}, {&s.st.setHead, sqlSetHead}} {
		if *p.dst, err = w.Prepare(p.sql); err != nil {
			w.Close()
			return nil, fmt.Errorf("sqlite: audit writer: %w", err)
		}
	}
	return s, nil
}

// Close closes the writer connection (not db).
func (s *AuditStore) Close() error {
	for _, st := range []*sql.Stmt{s.st.head, s.st.checkpointHead, s.st.insert, s.st.setHead} {
		st.Close()
	}
	return s.w.Close()
}

const recordCols = `seq, id, kind, start_us, tenant, vendor, requested_model, served_model, directive, body, prev_hash, hash`

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

func readHead(ctx context.Context, q querier) (audit.Head, error) {
	return scanHead(q.QueryRowContext(ctx, sqlHead), q.QueryRowContext(ctx, sqlCheckpointHead))
}

func scanHead(head, checkpoint *sql.Row) (audit.Head, error) {
	var h audit.Head
	if err := head.Scan(&h.Seq, &h.Hash); err != nil {
		return h, fmt.Errorf("sqlite: audit head: %w", err)
	}
	err := checkpoint.Scan(&h.CheckpointSeq, &h.CheckpointAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("sqlite: audit head: %w", err)
	}
	return h, nil
}

// Head returns the end of the chain.
func (s *AuditStore) Head(ctx context.Context) (audit.Head, error) { return readHead(ctx, s.db) }

// Append links and inserts a batch in one transaction.
func (s *AuditStore) Append(ctx context.Context, b *audit.Batch) (audit.Head, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return audit.Head{}, fmt.Errorf("sqlite: audit append: %w", err)
	}
	defer tx.Rollback()
	h, err := appendTx(ctx, tx, &s.st, b.Records, b.Contents, b.Seal)
	if err != nil {
		return h, err
	}
	if err := tx.Commit(); err != nil {
		return audit.Head{}, fmt.Errorf("sqlite: audit commit: %w", err)
	}
	return h, nil
}

func appendTx(ctx context.Context, tx *sql.Tx, st *appendStmts, recs []*audit.Record, contents []audit.Content, seal func(before, after audit.Head) *audit.Checkpoint) (audit.Head, error) {
	var (
		before audit.Head
		err    error
	)
	if st != nil {
		before, err = scanHead(tx.StmtContext(ctx, st.head).QueryRowContext(ctx), tx.StmtContext(ctx, st.checkpointHead).QueryRowContext(ctx))
	} else {
		before, err = readHead(ctx, tx)
	}
	if err != nil {
		return before, err
	}
	after := before
	if len(recs) > 0 {
		after = audit.Link(before, recs)
		var ins *sql.Stmt
		if st != nil {
			ins = tx.StmtContext(ctx, st.insert)
		} else if ins, err = tx.PrepareContext(ctx, sqlInsertRecord); err != nil {
			return before, fmt.Errorf("sqlite: audit append: %w", err)
		}
		defer ins.Close()
		for _, r := range recs {
			row, err := audit.RowOf(r)
			if err != nil {
				return before, err
			}
			if _, err := ins.ExecContext(ctx, row.Seq, row.ID, row.Kind, row.StartMicros, row.Tenant, row.Vendor,
				row.RequestedModel, row.ServedModel, row.Directive, row.Body, row.PrevHash, row.Hash); err != nil {
				return before, fmt.Errorf("sqlite: audit append: %w", err)
			}
		}
		setHead := func() (sql.Result, error) { return tx.ExecContext(ctx, sqlSetHead, after.Seq, after.Hash) }
		if st != nil {
			setHead = func() (sql.Result, error) {
				return tx.StmtContext(ctx, st.setHead).ExecContext(ctx, after.Seq, after.Hash)
			}
		}
		if _, err := setHead(); err != nil {
			return before, fmt.Errorf("sqlite: audit head: %w", err)
		}
	}
	for _, c := range contents {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_content (ref, record_id, tenant, at_us, mode, prompt, response) VALUES (?,?,?,?,?,?,?)`,
			c.Ref, c.RecordID, c.Tenant, c.At.UnixMicro(), c.Mode, c.Prompt, c.Response); err != nil {
			return before, fmt.Errorf("sqlite: audit content: %w", err)
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

func insertCheckpoint(ctx context.Context, tx *sql.Tx, cp *audit.Checkpoint) error {
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO audit_checkpoints (seq, kind, hash, at_us, key_id, public_key, signature) VALUES (?,?,?,?,?,?,?)`,
		cp.Seq, cp.Kind, cp.Hash, cp.At.UnixMicro(), cp.KeyID, cp.PublicKey, cp.Signature)
	if err != nil {
		return fmt.Errorf("sqlite: audit checkpoint: %w", err)
	}
	return nil
}

func scanRecords(rows *sql.Rows, fn func(*audit.Record) error) error {
	defer rows.Close()
	var row audit.Row
	for rows.Next() {
		if err := rows.Scan(&row.Seq, &row.ID, &row.Kind, &row.StartMicros, &row.Tenant, &row.Vendor, &row.RequestedModel,
			&row.ServedModel, &row.Directive, &row.Body, &row.PrevHash, &row.Hash); err != nil {
			return fmt.Errorf("sqlite: audit read: %w", err)
		}
		r := new(audit.Record)
		if err := audit.UnmarshalRow(&row, r); err != nil {
			// A body that no longer parses is tampering too: hand back
			// what the row says so verification names it.
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
	rows, err := s.db.QueryContext(ctx, `SELECT `+recordCols+` FROM audit_records WHERE seq > ? ORDER BY seq`, after)
	if err != nil {
		return fmt.Errorf("sqlite: audit scan: %w", err)
	}
	return scanRecords(rows, fn)
}

func qmark(int) string { return "?" }

// Query streams the records matching f.
func (s *AuditStore) Query(ctx context.Context, f audit.Filter, fn func(*audit.Record) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	where, args := f.Where(qmark)
	rows, err := s.db.QueryContext(ctx, `SELECT `+recordCols+` FROM audit_records WHERE `+where+f.Tail(), args...)
	if err != nil {
		return fmt.Errorf("sqlite: audit query: %w", err)
	}
	return scanRecords(rows, fn)
}

// Count counts the records matching f.
func (s *AuditStore) Count(ctx context.Context, f audit.Filter) (int64, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	where, args := f.Where(qmark)
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM audit_records WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: audit count: %w", err)
	}
	if f.Limit > 0 && n > int64(f.Limit) {
		n = int64(f.Limit)
	}
	return n, nil
}

// Checkpoints lists every checkpoint in seq order.
func (s *AuditStore) Checkpoints(ctx context.Context) ([]audit.Checkpoint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, kind, hash, at_us, key_id, public_key, signature FROM audit_checkpoints ORDER BY seq, at_us`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit checkpoints: %w", err)
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
	err := s.db.QueryRowContext(ctx, `SELECT record_id, tenant, at_us, mode, prompt, response FROM audit_content WHERE ref = ?`, ref).
		Scan(&c.RecordID, &c.Tenant, &at, &c.Mode, &c.Prompt, &c.Response)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "ref", Message: "no captured content " + ref + " (never captured, or pruned under the content retention rule)"}
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit content: %w", err)
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
	_, err := s.w.ExecContext(ctx, `INSERT INTO audit_holds (id, tenant, from_us, to_us, reason, by_whom, at_us, released_us) VALUES (?,?,?,?,?,?,?,?)`,
		h.ID, h.Tenant, micros(h.From), micros(h.To), h.Reason, h.By, micros(h.At), micros(h.Released))
	if err != nil {
		return fmt.Errorf("sqlite: audit hold: %w", err)
	}
	return nil
}

// Holds lists every legal hold, released ones included.
func (s *AuditStore) Holds(ctx context.Context) ([]audit.Hold, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, tenant, from_us, to_us, reason, by_whom, at_us, released_us FROM audit_holds ORDER BY at_us, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit holds: %w", err)
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
	res, err := s.w.ExecContext(ctx, `UPDATE audit_holds SET released_us = ? WHERE id = ? AND released_us = 0`, micros(at), id)
	if err != nil {
		return fmt.Errorf("sqlite: audit hold: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "id", Message: "no legal hold " + id + " in force"}
	}
	return nil
}

// Prune deletes the expired prefix and content in one transaction, behind
// a signed checkpoint, and appends the record of the deletion.
func (s *AuditStore) Prune(ctx context.Context, p *audit.PrunePlan) (audit.Head, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return audit.Head{}, fmt.Errorf("sqlite: audit prune: %w", err)
	}
	defer tx.Rollback()
	var res audit.PruneResult
	if p.Through > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT seq, tenant, start_us FROM audit_records WHERE seq <= ? ORDER BY seq`, p.Through)
		if err != nil {
			return audit.Head{}, fmt.Errorf("sqlite: audit prune: %w", err)
		}
		for rows.Next() {
			var seq, start int64
			var tenant string
			if err := rows.Scan(&seq, &tenant, &start); err != nil {
				rows.Close()
				return audit.Head{}, err
			}
			if audit.Held(p.Holds, tenant, time.UnixMicro(start)) {
				rows.Close()
				return audit.Head{}, &switchboard.Error{Code: switchboard.ECONFLICT, Message: fmt.Sprintf("record %d is under a legal hold and cannot be deleted", seq)}
			}
		}
		rows.Close()
		var h string
		if err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_records WHERE seq = ?`, p.Through).Scan(&h); err != nil {
			return audit.Head{}, fmt.Errorf("sqlite: audit prune: record %d: %w", p.Through, err)
		}
		if err := insertCheckpoint(ctx, tx, p.Anchor(p.Through, h)); err != nil {
			return audit.Head{}, err
		}
		r, err := tx.ExecContext(ctx, `DELETE FROM audit_records WHERE seq <= ?`, p.Through)
		if err != nil {
			return audit.Head{}, fmt.Errorf("sqlite: audit prune: %w", err)
		}
		res.Records, _ = r.RowsAffected()
		res.Through = p.Through
	}
	if !p.ContentBefore.IsZero() {
		rows, err := tx.QueryContext(ctx, `SELECT ref, tenant, at_us FROM audit_content WHERE at_us < ?`, p.ContentBefore.UnixMicro())
		if err != nil {
			return audit.Head{}, fmt.Errorf("sqlite: audit prune: %w", err)
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
		for _, ref := range refs {
			if _, err := tx.ExecContext(ctx, `DELETE FROM audit_content WHERE ref = ?`, ref); err != nil {
				return audit.Head{}, fmt.Errorf("sqlite: audit prune: %w", err)
			}
		}
		res.Contents = int64(len(refs))
	}
	if p.Note != nil {
		if err := audit.NotePrune(p.Note, res); err != nil {
			return audit.Head{}, err
		}
		head, err := appendTx(ctx, tx, nil, []*audit.Record{p.Note}, nil, p.Seal)
		if err != nil {
			return head, err
		}
	}
	if err := tx.Commit(); err != nil {
		return audit.Head{}, fmt.Errorf("sqlite: audit prune: %w", err)
	}
	return s.Head(ctx)
}
