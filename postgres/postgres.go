// Package postgres is the store for several gateway nodes sharing one
// database: the managed state in Postgres through pgx, writes serialised
// by an advisory lock so change numbers rise in commit order, and every
// change announced with NOTIFY so other nodes can catch up at once.
package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-gov/switchboard"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Channel is the NOTIFY channel every write announces its change's seq on,
// as decimal text, in the write's transaction (so only committed changes
// are announced).
const Channel = "switchboard_changes"

// Advisory lock keys (arbitrary constants, "sbwrite" and "sbmigr" in
// ASCII). Every write transaction takes writeLock, so writes from all
// nodes serialise and max(seq)+1 is strictly increasing in commit order;
// migrations take migrateLock so two nodes starting together do not race.
const (
	writeLock   int64 = 0x7362777269746500
	migrateLock int64 = 0x73626d6967720000
)

// DB is an open store.
type DB struct {
	pool *pgxpool.Pool
}

var _ switchboard.Store = (*DB)(nil)

// Open connects to the database at url (postgres://…; any libpq
// parameter, e.g. search_path, is passed through) and applies the embedded
// migrations not yet applied.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Message: "store: not a valid postgres URL", Param: "store", Cause: err}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	db := &DB{pool: pool}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Pool is the connection pool, for other tables in the same database.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close closes every connection.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return &switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "the postgres store is not reachable", Cause: err}
	}
	return nil
}

// migrate applies, in one transaction under migrateLock, every embedded
// migration not yet applied, in the order of their numeric prefixes.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLock); err != nil {
		return fmt.Errorf("postgres: migrate: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("postgres: migrations table: %w", err)
	}
	for _, name := range names {
		base := path.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("postgres: migration %s has no numeric prefix", base)
		}
		var applied bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, v).Scan(&applied); err != nil {
			return fmt.Errorf("postgres: migrate: %w", err)
		}
		if applied {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		// No arguments: the simple protocol, which runs several statements.
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, v, base); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// Listen calls fn with the seq of every change committed by any node, as
// it is announced on Channel, until ctx ends; then it returns nil. It
// holds one dedicated connection (not from the pool) for as long as it
// runs. Notifications sent while it is not listening are lost, and one
// may arrive before Listen has even started: callers keep their own
// version and catch up with Changes(AfterSeq: version) when a seq is not
// the next one, after a reconnect, and once at start. Any other error
// (the connection dropped) is returned so the caller can listen again.
func (db *DB) Listen(ctx context.Context, fn func(seq int64)) error {
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("postgres: listen: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+Channel); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("postgres: listen: %w", err)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("postgres: listen: %w", err)
		}
		seq, err := strconv.ParseInt(n.Payload, 10, 64)
		if err != nil {
			continue // not ours: someone else's NOTIFY on the channel
		}
		fn(seq)
	}
}
