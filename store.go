package switchboard

import (
	"context"
	"encoding/json"
	"time"
)

// Change records one change to managed state: who made it, when, why, and
// the object before and after. Every write through a store records one, in
// the same transaction as the write.
type Change struct {
	// Seq is assigned by the store: it rises by one with every change and
	// doubles as the state's version (see Store.Version).
	Seq int64     `json:"seq"`
	At  time.Time `json:"at"`
	// Actor is who made the change: a key id and name ("key_1a2b3c4d
	// (ops)"), or "config" for the bootstrap from the configuration file.
	Actor string `json:"actor"`
	// Action names the change: directive.create, directive.issue,
	// directive.stay, directive.rescind, directive.waive, tenant.put, …
	Action string `json:"action"`
	// Kind and ObjectID name the object changed (directive, tenant, model,
	// alias).
	Kind     string `json:"kind"`
	ObjectID string `json:"object_id"`
	Reason   string `json:"reason,omitempty"`
	// Before is null for a creation; After is null for a deletion. The
	// store fills both.
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// Object kinds held in a Store.
const (
	KindDirective = "directive"
	KindTenant    = "tenant"
	KindModel     = "model"
	KindAlias     = "alias"
)

// ChangeFilter selects changes; zero fields match everything.
type ChangeFilter struct {
	Kind     string
	ObjectID string
	// AfterSeq returns only changes with Seq > AfterSeq.
	AfterSeq int64
	Limit    int
}

// State is the whole managed state at one version.
type State struct {
	Version    int64
	Directives []Directive
	Tenants    []Tenant
	Models     []Model
	Aliases    []Alias
}

// Store keeps the managed state: directives, tenants, models and aliases
// that the admin API and CLI change at run time. Every Put and Delete is
// transactional (applied whole or not at all) and records its Change. Get
// of a missing object and Delete of one return an *Error with ENOTFOUND.
type Store interface {
	// Load returns the whole state and its version, consistently.
	Load(ctx context.Context) (*State, error)
	// Version is the Seq of the latest change (0 when there is none).
	Version(ctx context.Context) (int64, error)

	Directive(ctx context.Context, id string) (*Directive, error)
	PutDirective(ctx context.Context, d *Directive, ch Change) (Change, error)
	DeleteDirective(ctx context.Context, id string, ch Change) (Change, error)

	PutTenant(ctx context.Context, t *Tenant, ch Change) (Change, error)
	DeleteTenant(ctx context.Context, id string, ch Change) (Change, error)
	PutModel(ctx context.Context, m *Model, ch Change) (Change, error)
	DeleteModel(ctx context.Context, id string, ch Change) (Change, error)
	PutAlias(ctx context.Context, a *Alias, ch Change) (Change, error)
	DeleteAlias(ctx context.Context, name string, ch Change) (Change, error)

	// Changes lists recorded changes, oldest first.
	Changes(ctx context.Context, f ChangeFilter) ([]Change, error)

	// Seeded returns the hash recorded for an object bootstrapped from the
	// configuration file, and SetSeeded records it, so a file edit is
	// applied once and an admin change is not undone by every restart.
	Seeded(ctx context.Context, kind, id string) (string, error)
	SetSeeded(ctx context.Context, kind, id, hash string) error

	Ping(ctx context.Context) error
	Close() error
}
