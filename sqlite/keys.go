package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-gov/switchboard"
)

var _ switchboard.KeyStore = (*DB)(nil)

// Keys returns every managed key, revoked ones included, in creation
// order.
func (db *DB) Keys(ctx context.Context) ([]switchboard.Key, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, hash, previous_hash, body FROM keys ORDER BY pos`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: keys: %w", err)
	}
	defer rows.Close()
	var out []switchboard.Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: keys: %w", err)
	}
	return out, nil
}

// Key returns one key, or ENOTFOUND.
func (db *DB) Key(ctx context.Context, id string) (*switchboard.Key, error) {
	k, err := scanKey(db.QueryRowContext(ctx, `SELECT id, hash, previous_hash, body FROM keys WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(switchboard.KindKey, id)
	}
	return k, err
}

func scanKey(row interface{ Scan(...any) error }) (*switchboard.Key, error) {
	var id, hash, body string
	var prev sql.NullString
	if err := row.Scan(&id, &hash, &prev, &body); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("sqlite: key: %w", err)
	}
	var k switchboard.Key
	if err := json.Unmarshal([]byte(body), &k); err != nil {
		return nil, fmt.Errorf("sqlite: key %q: %w", id, err)
	}
	var err error
	if k.Hash, err = parseHash(hash); err != nil {
		return nil, fmt.Errorf("sqlite: key %q: %w", id, err)
	}
	if prev.Valid {
		if k.PreviousHash, err = parseHash(prev.String); err != nil {
			return nil, fmt.Errorf("sqlite: key %q: %w", id, err)
		}
	}
	return &k, nil
}

func parseHash(s string) (switchboard.KeyHash, error) {
	var h switchboard.KeyHash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("stored hash %q is not a hex SHA-256", s)
	}
	copy(h[:], b)
	return h, nil
}

// CreateKey adds a key and records ch (action key.create by default).
func (db *DB) CreateKey(ctx context.Context, k *switchboard.Key, ch switchboard.Change) (switchboard.Change, error) {
	return db.writeKey(ctx, k, ch, true)
}

// UpdateKey replaces an existing key and records ch (action key.update by
// default).
func (db *DB) UpdateKey(ctx context.Context, k *switchboard.Key, ch switchboard.Change) (switchboard.Change, error) {
	return db.writeKey(ctx, k, ch, false)
}

// writeKey is write for the keys table, which keeps the hashes in their
// own columns: one IMMEDIATE transaction reads Before, checks the id and
// the hashes, writes, and records the change with the next seq.
func (db *DB) writeKey(ctx context.Context, k *switchboard.Key, ch switchboard.Change, create bool) (switchboard.Change, error) {
	body, prev, err := keyRow(k)
	if err != nil {
		return ch, err
	}
	ch.Kind, ch.ObjectID, ch.Before, ch.After = switchboard.KindKey, k.ID, nil, nil
	if ch.Action == "" {
		ch.Action = "key.update"
		if create {
			ch.Action = "key.create"
		}
	}
	if ch.At.IsZero() {
		ch.At = time.Now()
	}
	ch.At = ch.At.UTC().Truncate(time.Microsecond)

	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return ch, fmt.Errorf("sqlite: begin key %q: %w", k.ID, err)
	}
	defer tx.Rollback()
	var before sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT body FROM keys WHERE id = ?`, k.ID).Scan(&before)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return ch, fmt.Errorf("sqlite: read key %q: %w", k.ID, err)
	}
	switch {
	case create && before.Valid:
		return ch, &switchboard.Error{Code: switchboard.ECONFLICT, Param: "id", Message: fmt.Sprintf("key %q already exists", k.ID)}
	case !create && !before.Valid:
		return ch, notFound(switchboard.KindKey, k.ID)
	}
	hash := k.Hash.String()
	var clash string
	err = tx.QueryRowContext(ctx, `SELECT id FROM keys WHERE id <> ? AND (hash IN (?, ?) OR previous_hash IN (?, ?)) LIMIT 1`,
		k.ID, hash, prev, hash, prev).Scan(&clash)
	if err == nil {
		return ch, &switchboard.Error{Code: switchboard.ECONFLICT, Param: "hash", Message: fmt.Sprintf("key %q has a secret of key %q; generate another", k.ID, clash)}
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return ch, fmt.Errorf("sqlite: check key %q: %w", k.ID, err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM changes`).Scan(&ch.Seq); err != nil {
		return ch, fmt.Errorf("sqlite: next seq: %w", err)
	}
	if create {
		_, err = tx.ExecContext(ctx, `INSERT INTO keys (id, pos, hash, previous_hash, body) VALUES (?, ?, ?, ?, ?)`, k.ID, ch.Seq, hash, prev, string(body))
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE keys SET hash = ?, previous_hash = ?, body = ? WHERE id = ?`, hash, prev, string(body), k.ID)
	}
	if err != nil {
		return ch, fmt.Errorf("sqlite: write key %q: %w", k.ID, err)
	}
	if before.Valid {
		ch.Before = json.RawMessage(before.String)
	}
	ch.After = json.RawMessage(body)
	if _, err := tx.ExecContext(ctx, `INSERT INTO changes (seq, at, actor, action, kind, object_id, reason, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ch.Seq, ch.At.Format(timeFormat), ch.Actor, ch.Action, ch.Kind, k.ID, ch.Reason, nullJSON(ch.Before), nullJSON(ch.After)); err != nil {
		return ch, fmt.Errorf("sqlite: record change to key %q: %w", k.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return ch, fmt.Errorf("sqlite: commit key %q: %w", k.ID, err)
	}
	return ch, nil
}

// keyRow checks k and returns its JSON body (no hashes) and its previous
// hash column (nil when there is none).
func keyRow(k *switchboard.Key) ([]byte, any, error) {
	if k == nil {
		return nil, nil, nilObject(switchboard.KindKey)
	}
	if k.ID == "" {
		return nil, nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "id", Message: "key id is required"}
	}
	if k.Hash == (switchboard.KeyHash{}) {
		return nil, nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "hash", Message: fmt.Sprintf("key %q has no hash", k.ID)}
	}
	if k.PreviousHash == k.Hash {
		return nil, nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "hash", Message: fmt.Sprintf("key %q: a rotation needs a new secret", k.ID)}
	}
	body, err := json.Marshal(k)
	if err != nil {
		return nil, nil, &switchboard.Error{Code: switchboard.EINVALID, Message: fmt.Sprintf("key %q cannot be stored as JSON: %v", k.ID, err), Cause: err}
	}
	var prev any
	if k.PreviousHash != (switchboard.KeyHash{}) {
		prev = k.PreviousHash.String()
	}
	return body, prev, nil
}
