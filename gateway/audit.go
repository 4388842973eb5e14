package gateway

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/postgres"
	"github.com/switchboard-gov/switchboard/sqlite"
)

// openAudit opens the audit trail on the same database as the state store.
func openAudit(ctx context.Context, st switchboard.Store, cfg *config.Config, opts Options) (*audit.Log, *audit.Policy, error) {
	var (
		as      audit.Store
		err     error
		keyFile = cfg.Audit.KeyFile
	)
	switch db := st.(type) {
	case *sqlite.DB:
		as, err = sqlite.NewAuditStore(db)
		if keyFile == "" {
			keyFile = filepath.Join(filepath.Dir(strings.TrimPrefix(cfg.Store, "sqlite:")), "audit-ed25519.key")
		}
	case *postgres.DB:
		as, err = postgres.NewAuditStore(db.Pool())
		if keyFile == "" {
			keyFile = filepath.Join("data", "audit-ed25519.key")
		}
	default:
		return nil, nil, fmt.Errorf("audit: no audit store for %T", st)
	}
	if err != nil {
		return nil, nil, err
	}
	signer, err := audit.LoadOrCreateKey(keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("audit signing key %s: %w", keyFile, err)
	}
	var retention *audit.Policy
	if cfg.Audit.Retention.Kind != 0 {
		retention = &audit.Policy{}
		if err := cfg.Audit.Retention.Decode(retention); err != nil {
			return nil, nil, fmt.Errorf("audit.retention: %w", err)
		}
		if err := retention.Validate(); err != nil {
			return nil, nil, fmt.Errorf("audit.retention: %w", err)
		}
	}
	l, err := audit.New(audit.Options{
		Store:              as,
		Signer:             signer,
		Async:              cfg.Audit.Mode == "async",
		CheckpointEvery:    cfg.Audit.CheckpointEvery,
		CheckpointInterval: time.Duration(cfg.Audit.CheckpointInterval),
		Capture:            cfg.CaptureMode,
		Now:                opts.Now,
		Logger:             opts.Logger,
	})
	return l, retention, err
}

// auditedStore records an audit record for every write to managed state,
// after the write commits: admin actions and configuration seeding alike.
type auditedStore struct {
	switchboard.Store
	log *audit.Log
}

func (s auditedStore) record(ctx context.Context, ch switchboard.Change, err error) (switchboard.Change, error) {
	if err != nil {
		return ch, err
	}
	return ch, s.log.RecordAdmin(ctx, ch)
}

func (s auditedStore) PutDirective(ctx context.Context, d *switchboard.Directive, ch switchboard.Change) (switchboard.Change, error) {
	c, err := s.Store.PutDirective(ctx, d, ch)
	return s.record(ctx, c, err)
}
func (s auditedStore) DeleteDirective(ctx context.Context, id string, ch switchboard.Change) (switchboard.Change, error) {
	c, err := s.Store.DeleteDirective(ctx, id, ch)
	return s.record(ctx, c, err)
}
func (s auditedStore) PutTenant(ctx context.Context, t *switchboard.Tenant, ch switchboard.Change) (switchboard.Change, error) {
	c, err := s.Store.PutTenant(ctx, t, ch)
	return s.record(ctx, c, err)
}
func (s auditedStore) DeleteTenant(ctx context.Context, id string, ch switchboard.Change) (switchboard.Change, error) {
	c, err := s.Store.DeleteTenant(ctx, id, ch)
	return s.record(ctx, c, err)
}
func (s auditedStore) PutModel(ctx context.Context, m *switchboard.Model, ch switchboard.Change) (switchboard.Change, error) {
	c, err := s.Store.PutModel(ctx, m, ch)
	return s.record(ctx, c, err)
}
func (s auditedStore) DeleteModel(ctx context.Context, id string, ch switchboard.Change) (switchboard.Change, error) {
	c, err := s.Store.DeleteModel(ctx, id, ch)
	return s.record(ctx, c, err)
}
func (s auditedStore) PutAlias(ctx context.Context, a *switchboard.Alias, ch switchboard.Change) (switchboard.Change, error) {
	c, err := s.Store.PutAlias(ctx, a, ch)
	return s.record(ctx, c, err)
}
func (s auditedStore) DeleteAlias(ctx context.Context, name string, ch switchboard.Change) (switchboard.Change, error) {
	c, err := s.Store.DeleteAlias(ctx, name, ch)
	return s.record(ctx, c, err)
}

// Keys and Key read managed keys; CreateKey and UpdateKey are audited
// like every other write. The store must keep keys (SQLite and Postgres do).
func (s auditedStore) Keys(ctx context.Context) ([]switchboard.Key, error) {
	return s.Store.(switchboard.KeyStore).Keys(ctx)
}
func (s auditedStore) Key(ctx context.Context, id string) (*switchboard.Key, error) {
	return s.Store.(switchboard.KeyStore).Key(ctx, id)
}
func (s auditedStore) CreateKey(ctx context.Context, k *switchboard.Key, ch switchboard.Change) (switchboard.Change, error) {
	c, err := s.Store.(switchboard.KeyStore).CreateKey(ctx, k, ch)
	return s.record(ctx, c, err)
}
func (s auditedStore) UpdateKey(ctx context.Context, k *switchboard.Key, ch switchboard.Change) (switchboard.Change, error) {
	c, err := s.Store.(switchboard.KeyStore).UpdateKey(ctx, k, ch)
	return s.record(ctx, c, err)
}

var _ switchboard.KeyStore = auditedStore{}

// Close is the underlying store's; the gateway closes the audit log first.
func (s auditedStore) Close() error { return s.Store.Close() }
