package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/audit/audittest"
	"github.com/switchboard-gov/switchboard/postgres"
)

// auditURL creates a schema with a random name, dropped when the test
// ends, and returns a URL whose connections use it; it skips without
// SWITCHBOARD_TEST_POSTGRES.
func auditURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("SWITCHBOARD_TEST_POSTGRES")
	if base == "" {
		t.Skip("SWITCHBOARD_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "sb_audit_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// pgAudit keeps the database and its URL beside the store.
type pgAudit struct {
	*postgres.AuditStore
	db  *postgres.DB
	url string
}

func openPG(t testing.TB, u string) pgAudit {
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := postgres.NewAuditStore(db.Pool())
	if err != nil {
		t.Fatal(err)
	}
	return pgAudit{s, db, u}
}

func TestAuditContract(t *testing.T) {
	audittest.Run(t, audittest.Suite{
		New: func(t *testing.T) audit.Store { return openPG(t, auditURL(t)) },
		// A second pool on the same schema: a second gateway node.
		Again: func(t *testing.T, s audit.Store) audit.Store { return openPG(t, s.(pgAudit).url) },
		Exec: func(t *testing.T, s audit.Store, q string) {
			if _, err := s.(pgAudit).db.Pool().Exec(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		},
	})
}

func BenchmarkAudit(b *testing.B) {
	audittest.Bench(b, func(b *testing.B) audit.Store {
		return openPG(b, auditURL(b))
	})
}
