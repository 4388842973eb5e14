package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-gov/switchboard"
)

var _ switchboard.Store = (*DB)(nil)

// tables maps each object kind to its table. Table names never come from
// callers, so building queries from them is safe.
var tables = map[string]string{
	switchboard.KindDirective: "directives",
	switchboard.KindTenant:    "tenants",
	switchboard.KindModel:     "models",
	switchboard.KindAlias:     "aliases",
}

// timeFormat keeps change times sortable as text and exact to the
// microsecond, the precision both stores share.
const timeFormat = "2006-01-02T15:04:05.000000Z07:00"

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.PingContext(ctx); err != nil {
		return &switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "the sqlite store is not reachable", Cause: err}
	}
	return nil
}

// Version is the Seq of the latest change, 0 when there is none.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: version: %w", err)
	}
	return v, nil
}

// Load reads the whole state in one read transaction: in WAL mode it sees
// one snapshot, so the version and the objects agree.
func (db *DB) Load(ctx context.Context) (*switchboard.State, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: load: %w", err)
	}
	defer tx.Rollback()
	st := &switchboard.State{}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&st.Version); err != nil {
		return nil, fmt.Errorf("sqlite: load: %w", err)
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
	return st, tx.Commit()
}

// loadAll appends every object of table to out, in creation order.
func loadAll[T any](ctx context.Context, tx *sql.Tx, table string, out *[]T) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, body FROM `+table+` ORDER BY pos`)
	if err != nil {
		return fmt.Errorf("sqlite: load %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, body string
		if err := rows.Scan(&id, &body); err != nil {
			return fmt.Errorf("sqlite: load %s: %w", table, err)
		}
		var v T
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			return fmt.Errorf("sqlite: load %s %q: %w", table, id, err)
		}
		*out = append(*out, v)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: load %s: %w", table, err)
	}
	return nil
}

// Directive returns one directive, or ENOTFOUND.
func (db *DB) Directive(ctx context.Context, id string) (*switchboard.Directive, error) {
	var body string
	err := db.QueryRowContext(ctx, `SELECT body FROM directives WHERE id = ?`, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(switchboard.KindDirective, id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: directive %q: %w", id, err)
	}
	var d switchboard.Directive
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		return nil, fmt.Errorf("sqlite: directive %q: %w", id, err)
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

// write applies one change in one IMMEDIATE transaction: read the current
// body (Before), write after (or delete when after is nil), record the
// change with the next seq. Kind and ObjectID of ch are set from the
// write; an empty Action defaults to kind.put or kind.delete.
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
	ch.At = ch.At.UTC().Truncate(time.Microsecond)

	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return ch, fmt.Errorf("sqlite: begin %s %q: %w", kind, id, err)
	}
	defer tx.Rollback()
	var before sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT body FROM `+table+` WHERE id = ?`, id).Scan(&before)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return ch, fmt.Errorf("sqlite: read %s %q: %w", kind, id, err)
	}
	if !before.Valid && after == nil {
		return ch, notFound(kind, id)
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM changes`).Scan(&ch.Seq); err != nil {
		return ch, fmt.Errorf("sqlite: next seq: %w", err)
	}
	switch {
	case after == nil:
		_, err = tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = ?`, id)
	case before.Valid:
		_, err = tx.ExecContext(ctx, `UPDATE `+table+` SET body = ? WHERE id = ?`, string(after), id)
	default:
		_, err = tx.ExecContext(ctx, `INSERT INTO `+table+` (id, pos, body) VALUES (?, ?, ?)`, id, ch.Seq, string(after))
	}
	if err != nil {
		return ch, fmt.Errorf("sqlite: write %s %q: %w", kind, id, err)
	}
	if before.Valid {
		ch.Before = json.RawMessage(before.String)
	}
	if after != nil {
		ch.After = json.RawMessage(after)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO changes (seq, at, actor, action, kind, object_id, reason, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ch.Seq, ch.At.Format(timeFormat), ch.Actor, ch.Action, kind, id, ch.Reason, nullJSON(ch.Before), nullJSON(ch.After)); err != nil {
		return ch, fmt.Errorf("sqlite: record change to %s %q: %w", kind, id, err)
	}
	if err := tx.Commit(); err != nil {
		return ch, fmt.Errorf("sqlite: commit %s %q: %w", kind, id, err)
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
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.ObjectID != "" {
		where, args = append(where, "object_id = ?"), append(args, f.ObjectID)
	}
	if f.AfterSeq > 0 {
		where, args = append(where, "seq > ?"), append(args, f.AfterSeq)
	}
	q := `SELECT seq, at, actor, action, kind, object_id, reason, before, after FROM changes`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: changes: %w", err)
	}
	defer rows.Close()
	var out []switchboard.Change
	for rows.Next() {
		var c switchboard.Change
		var at string
		var before, after sql.NullString
		if err := rows.Scan(&c.Seq, &at, &c.Actor, &c.Action, &c.Kind, &c.ObjectID, &c.Reason, &before, &after); err != nil {
			return nil, fmt.Errorf("sqlite: changes: %w", err)
		}
		if c.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("sqlite: change %d time %q: %w", c.Seq, at, err)
		}
		c.At = c.At.UTC()
		if before.Valid {
			c.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			c.After = json.RawMessage(after.String)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: changes: %w", err)
	}
	return out, nil
}

// Seeded returns the hash recorded for an object bootstrapped from the
// configuration file, "" when there is none.
func (db *DB) Seeded(ctx context.Context, kind, id string) (string, error) {
	var h string
	err := db.QueryRowContext(ctx, `SELECT hash FROM seeds WHERE kind = ? AND id = ?`, kind, id).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: seeded %s %q: %w", kind, id, err)
	}
	return h, nil
}

// SetSeeded records the hash applied for an object from the configuration
// file, replacing any earlier one.
func (db *DB) SetSeeded(ctx context.Context, kind, id, hash string) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO seeds (kind, id, hash) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET hash = excluded.hash`, kind, id, hash)
	if err != nil {
		return fmt.Errorf("sqlite: set seeded %s %q: %w", kind, id, err)
	}
	return nil
}
