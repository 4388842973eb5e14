package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/audit/audittest"
	"github.com/switchboard-gov/switchboard/sqlite"
)

func openAudit(t *testing.T) audit.Store {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.NewAuditStore(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); db.Close() })
	return auditDB{s, db}
}

// auditDB keeps the database beside the store for tampering.
type auditDB struct {
	*sqlite.AuditStore
	db *sqlite.DB
}

func TestAuditContract(t *testing.T) {
	audittest.Run(t, audittest.Suite{
		New: openAudit,
		Again: func(t *testing.T, s audit.Store) audit.Store {
			a, err := sqlite.NewAuditStore(s.(auditDB).db)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			return a
		},
		Exec: func(t *testing.T, s audit.Store, q string) {
			if _, err := s.(auditDB).db.ExecContext(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		},
	})
}

func BenchmarkAudit(b *testing.B) {
	audittest.Bench(b, func(b *testing.B) audit.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "audit.db"))
		if err != nil {
			b.Fatal(err)
		}
		s, err := sqlite.NewAuditStore(db)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close(); db.Close() })
		return s
	})
}
