package postgres

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-gov/switchboard"
)

var _ switchboard.KeyStore = (*DB)(nil)

// Keys returns every managed key, revoked ones included, in creation
// order.
func (db *DB) Keys(ctx context.Context) ([]switchboard.Key, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, hash, previous_hash, body FROM keys ORDER BY pos`)
	if err != nil {
		return nil, fmt.Errorf("postgres: keys: %w", err)
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
		return nil, fmt.Errorf("postgres: keys: %w", err)
	}
	return out, nil
}

// Key returns one key, or ENOTFOUND.
func (db *DB) Key(ctx context.Context, id string) (*switchboard.Key, error) {
	k, err := scanKey(db.pool.QueryRow(ctx, `SELECT id, hash, previous_hash, body FROM keys WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound(switchboard.KindKey, id)
	}
	return k, err
}

func scanKey(row pgx.Row) (*switchboard.Key, error) {
	var id, hash string
	var prev *string
	var body []byte
	if err := row.Scan(&id, &hash, &prev, &body); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: key: %w", err)
	}
	var k switchboard.Key
	if err := json.Unmarshal(body, &k); err != nil {
		return nil, fmt.Errorf("postgres: key %q: %w", id, err)
	}
	var err error
	if k.Hash, err = parseHash(hash); err != nil {
		return nil, fmt.Errorf("postgres: key %q: %w", id, err)
	}
	if prev != nil {
		if k.PreviousHash, err = parseHash(*prev); err != nil {
			return nil, fmt.Errorf("postgres: key %q: %w", id, err)
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
// own columns: under the write lock it reads Before, checks the id and the
// hashes, writes, records the change with the next seq and NOTIFYs it on
// Channel, so every node refreshes its keys.
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

	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return ch, fmt.Errorf("postgres: begin key %q: %w", k.ID, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLock); err != nil {
		return ch, fmt.Errorf("postgres: lock for key %q: %w", k.ID, err)
	}
	var before []byte
	err = tx.QueryRow(ctx, `SELECT body FROM keys WHERE id = $1`, k.ID).Scan(&before)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return ch, fmt.Errorf("postgres: read key %q: %w", k.ID, err)
	}
	switch {
	case create && before != nil:
		return ch, &switchboard.Error{Code: switchboard.ECONFLICT, Param: "id", Message: fmt.Sprintf("key %q already exists", k.ID)}
	case !create && before == nil:
		return ch, notFound(switchboard.KindKey, k.ID)
	}
	hash := k.Hash.String()
	var clash string
	err = tx.QueryRow(ctx, `SELECT id FROM keys WHERE id <> $1 AND (hash IN ($2, $3) OR previous_hash IN ($2, $3)) LIMIT 1`,
		k.ID, hash, prev).Scan(&clash)
	if err == nil {
		return ch, &switchboard.Error{Code: switchboard.ECONFLICT, Param: "hash", Message: fmt.Sprintf("key %q has a secret of key %q; generate another", k.ID, clash)}
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return ch, fmt.Errorf("postgres: check key %q: %w", k.ID, err)
	}
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM changes`).Scan(&ch.Seq); err != nil {
		return ch, fmt.Errorf("postgres: next seq: %w", err)
	}
	if create {
		_, err = tx.Exec(ctx, `INSERT INTO keys (id, pos, hash, previous_hash, body) VALUES ($1, $2, $3, $4, $5)`, k.ID, ch.Seq, hash, prev, string(body))
	} else {
		_, err = tx.Exec(ctx, `UPDATE keys SET hash = $1, previous_hash = $2, body = $3 WHERE id = $4`, hash, prev, string(body), k.ID)
	}
	if err != nil {
		return ch, fmt.Errorf("postgres: write key %q: %w", k.ID, err)
	}
	if before != nil {
		ch.Before = json.RawMessage(before)
	}
	ch.After = json.RawMessage(body)
	if _, err := tx.Exec(ctx, `INSERT INTO changes (seq, at, actor, action, kind, object_id, reason, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		ch.Seq, ch.At, ch.Actor, ch.Action, ch.Kind, k.ID, ch.Reason, nullJSON(ch.Before), nullJSON(ch.After)); err != nil {
		return ch, fmt.Errorf("postgres: record change to key %q: %w", k.ID, err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, strconv.FormatInt(ch.Seq, 10)); err != nil {
		return ch, fmt.Errorf("postgres: notify change %d: %w", ch.Seq, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return ch, fmt.Errorf("postgres: commit key %q: %w", k.ID, err)
	}
	return ch, nil
}

// keyRow checks k and returns its JSON body (no hashes) and its previous
// hash column (nil when there is none).
func keyRow(k *switchboard.Key) ([]byte, *string, error) {
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
	var prev *string
	if k.PreviousHash != (switchboard.KeyHash{}) {
		s := k.PreviousHash.String()
		prev = &s
	}
	return body, prev, nil
}
