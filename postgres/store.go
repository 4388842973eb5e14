package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-gov/switchboard"
)

// tables maps each object kind to its table. Table names never come from
// callers, so building queries from them is safe.
var tables = map[string]string{
	switchboard.KindDirective: "directives",
	switchboard.KindTenant:    "tenants",
	switchboard.KindModel:     "models",
	switchboard.KindAlias:     "aliases",
}

// Version is the Seq of the latest change, 0 when there is none.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&v); err != nil {
		return 0, fmt.Errorf("postgres: version: %w", err)
	}
	return v, nil
}

// Load reads the whole state in one repeatable-read, read-only
// transaction: one snapshot, so the version and the objects agree.
func (db *DB) Load(ctx context.Context) (*switchboard.State, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("postgres: load: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	st := &switchboard.State{}
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&st.Version); err != nil {
		return nil, fmt.Errorf("postgres: load: %w", err)
	}
	if err := loadAll(ctx, tx, "directives", &st.Directives); err != nil {
		return nil, err
	}
	if err := loadAll(ctx, tx, "tenants", &st.Tenants); err != nil {
		return nil, err
	}
	if err := loadAll(ctx, tx, "models", &st.Models); err != nil {
		return nil, err
	}
	if err := loadAll(ctx, tx, "aliases", &st.Aliases); err != nil {
		return nil, err
	}
	return st, tx.Commit(ctx)
}

// loadAll appends every object of table to out, in creation order.
func loadAll[T any](ctx context.Context, tx pgx.Tx, table string, out *[]T) error {
	rows, err := tx.Query(ctx, `SELECT id, body FROM `+table+` ORDER BY pos`)
	if err != nil {
		return fmt.Errorf("postgres: load %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var body []byte
		if err := rows.Scan(&id, &body); err != nil {
			return fmt.Errorf("postgres: load %s: %w", table, err)
		}
		var v T
		if err := json.Unmarshal(body, &v); err != nil {
			return fmt.Errorf("postgres: load %s %q: %w", table, id, err)
		}
		*out = append(*out, v)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: load %s: %w", table, err)
	}
	return nil
}

// Directive returns one directive, or ENOTFOUND.
func (db *DB) Directive(ctx context.Context, id string) (*switchboard.Directive, error) {
	var body []byte
	err := db.pool.QueryRow(ctx, `SELECT body FROM directives WHERE id = $1`, id).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound(switchboard.KindDirective, id)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: directive %q: %w", id, err)
	}
	var d switchboard.Directive
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("postgres: directive %q: %w", id, err)
	}
	return &d, nil
}

// PutDirective creates or replaces a directive and records ch.
func (db *DB) PutDirective(ctx context.Context, d *switchboard.Directive, ch switchboard.Change) (switchboard.Change, error) {
	if d == nil {
		return ch, nilObject(switchboard.KindDirective)
	}
	return db.put(ctx, switchboard.KindDirective, d.ID, d, ch)
}

// DeleteDirective removes a directive and records ch.
func (db *DB) DeleteDirective(ctx context.Context, id string, ch switchboard.Change) (switchboard.Change, error) {
	return db.write(ctx, switchboard.KindDirective, id, nil, ch)
}

// PutTenant creates or replaces a tenant and records ch.
func (db *DB) PutTenant(ctx context.Context, t *switchboard.Tenant, ch switchboard.Change) (switchboard.Change, error) {
	if t == nil {
		return ch, nilObject(switchboard.KindTenant)
	}
	return db.put(ctx, switchboard.KindTenant, t.ID, t, ch)
}

// DeleteTenant removes a tenant and records ch.
func (db *DB) DeleteTenant(ctx context.Context, id string, ch switchboard.Change) (switchboard.Change, error) {
	return db.write(ctx, switchboard.KindTenant, id, nil, ch)
}

// PutModel creates or replaces a catalog model and records ch.
func (db *DB) PutModel(ctx context.Context, m *switchboard.Model, ch switchboard.Change) (switchboard.Change, error) {
	if m == nil {
		return ch, nilObject(switchboard.KindModel)
	}
	return db.put(ctx, switchboard.KindModel, m.ID, m, ch)
}

// DeleteModel removes a catalog model and records ch.
func (db *DB) DeleteModel(ctx context.Context, id string, ch switchboard.Change) (switchboard.Change, error) {
	return db.write(ctx, switchboard.KindModel, id, nil, ch)
}

// PutAlias creates or replaces an alias and records ch.
func (db *DB) PutAlias(ctx context.Context, a *switchboard.Alias, ch switchboard.Change) (switchboard.Change, error) {
	if a == nil {
		return ch, nilObject(switchboard.KindAlias)
	}
	return db.put(ctx, switchboard.KindAlias, a.Name, a, ch)
}

// DeleteAlias removes an alias and records ch.
func (db *DB) DeleteAlias(ctx context.Context, name string, ch switchboard.Change) (switchboard.Change, error) {
	return db.write(ctx, switchboard.KindAlias, name, nil, ch)
}

func nilObject(kind string) error {
	return &switchboard.Error{Code: switchboard.EINVALID, Message: "no " + kind + " given"}
}

func notFound(kind, id string) error {
	return &switchboard.Error{Code: switchboard.ENOTFOUND, Message: fmt.Sprintf("%s %q not found", kind, id), Param: "id"}
}

// put marshals v and writes it.
func (db *DB) put(ctx context.Context, kind, id string, v any, ch switchboard.Change) (switchboard.Change, error) {
	if id == "" {
		field := "id"
		if kind == switchboard.KindAlias {
			field = "name"
		}
		return ch, &switchboard.Error{Code: switchboard.EINVALID, Message: kind + " " + field + " is required", Param: field}
	}
	body, err := json.Marshal(v)
	if err != nil {
		return ch, &switchboard.Error{Code: switchboard.EINVALID, Message: fmt.Sprintf("%s %q cannot be stored as JSON: %v", kind, id, err), Cause: err}
	}
	return db.write(ctx, kind, id, body, ch)
}

// write applies one change in one transaction: take the write lock, read
// the current body (Before), write after (or delete when after is nil),
// record the change with seq max(seq)+1 and NOTIFY it. Kind and ObjectID
// of ch are set from the write; an empty Action defaults to kind.put or
// kind.delete.
func (db *DB) write(ctx context.Context, kind, id string, after []byte, ch switchboard.Change) (switchboard.Change, error) {
	table := tables[kind]
	ch.Kind, ch.ObjectID, ch.After, ch.Before = kind, id, nil, nil
	if ch.Action == "" {
		ch.Action = kind + ".put"
		if after == nil {
			ch.Action = kind + ".delete"
		}
	}
	if ch.At.IsZero() {
		ch.At = time.Now()
	}
	// timestamptz keeps microseconds.
	ch.At = ch.At.UTC().Truncate(time.Microsecond)

	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return ch, fmt.Errorf("postgres: begin %s %q: %w", kind, id, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLock); err != nil {
		return ch, fmt.Errorf("postgres: lock for %s %q: %w", kind, id, err)
	}
	var before []byte
	err = tx.QueryRow(ctx, `SELECT body FROM `+table+` WHERE id = $1`, id).Scan(&before)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return ch, fmt.Errorf("postgres: read %s %q: %w", kind, id, err)
	}
	if before == nil && after == nil {
		return ch, notFound(kind, id)
	}
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM changes`).Scan(&ch.Seq); err != nil {
		return ch, fmt.Errorf("postgres: next seq: %w", err)
	}
	switch {
	case after == nil:
		_, err = tx.Exec(ctx, `DELETE FROM `+table+` WHERE id = $1`, id)
	case before != nil:
		_, err = tx.Exec(ctx, `UPDATE `+table+` SET body = $1 WHERE id = $2`, string(after), id)
	default:
		_, err = tx.Exec(ctx, `INSERT INTO `+table+` (id, pos, body) VALUES ($1, $2, $3)`, id, ch.Seq, string(after))
	}
	if err != nil {
		return ch, fmt.Errorf("postgres: write %s %q: %w", kind, id, err)
	}
	if before != nil {
		ch.Before = json.RawMessage(before)
	}
	if after != nil {
		ch.After = json.RawMessage(after)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO changes (seq, at, actor, action, kind, object_id, reason, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		ch.Seq, ch.At, ch.Actor, ch.Action, kind, id, ch.Reason, nullJSON(ch.Before), nullJSON(ch.After)); err != nil {
		return ch, fmt.Errorf("postgres: record change to %s %q: %w", kind, id, err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, strconv.FormatInt(ch.Seq, 10)); err != nil {
		return ch, fmt.Errorf("postgres: notify change %d: %w", ch.Seq, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return ch, fmt.Errorf("postgres: commit %s %q: %w", kind, id, err)
	}
	return ch, nil
}

func nullJSON(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// Changes lists recorded changes matching f, oldest first.
func (db *DB) Changes(ctx context.Context, f switchboard.ChangeFilter) ([]switchboard.Change, error) {
	var where []string
	var args []any
	arg := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if f.Kind != "" {
		arg("kind =", f.Kind)
	}
	if f.ObjectID != "" {
		arg("object_id =", f.ObjectID)
	}
	if f.AfterSeq > 0 {
		arg("seq >", f.AfterSeq)
	}
	q := `SELECT seq, at, actor, action, kind, object_id, reason, before, after FROM changes`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq"
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += " LIMIT $" + strconv.Itoa(len(args))
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: changes: %w", err)
	}
	defer rows.Close()
	var out []switchboard.Change
	for rows.Next() {
		var c switchboard.Change
		var before, after []byte
		if err := rows.Scan(&c.Seq, &c.At, &c.Actor, &c.Action, &c.Kind, &c.ObjectID, &c.Reason, &before, &after); err != nil {
			return nil, fmt.Errorf("postgres: changes: %w", err)
		}
		c.At = c.At.UTC()
		if before != nil {
			c.Before = json.RawMessage(before)
		}
		if after != nil {
			c.After = json.RawMessage(after)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: changes: %w", err)
	}
	return out, nil
}

// Seeded returns the hash recorded for an object bootstrapped from the
// configuration file, "" when there is none.
func (db *DB) Seeded(ctx context.Context, kind, id string) (string, error) {
	var h string
	err := db.pool.QueryRow(ctx, `SELECT hash FROM seeds WHERE kind = $1 AND id = $2`, kind, id).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("postgres: seeded %s %q: %w", kind, id, err)
	}
	return h, nil
}

// SetSeeded records the hash applied for an object from the configuration
// file, replacing any earlier one.
func (db *DB) SetSeeded(ctx context.Context, kind, id, hash string) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO seeds (kind, id, hash) VALUES ($1, $2, $3) ON CONFLICT (kind, id) DO UPDATE SET hash = excluded.hash`, kind, id, hash)
	if err != nil {
		return fmt.Errorf("postgres: set seeded %s %q: %w", kind, id, err)
	}
	return nil
}
