package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/storetest"
)

// testURL creates a schema with a random name, drops it when the test
// ends, and returns a URL whose connections use it. It skips the test
// when SWITCHBOARD_TEST_POSTGRES is unset.
func testURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("SWITCHBOARD_TEST_POSTGRES")
	if base == "" {
		t.Skip("SWITCHBOARD_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "sb_test_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect %s: %v", base, err)
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

// openTest opens a store on a fresh schema; Cleanup closes it before the
// schema is dropped (cleanups run last-registered first).
func openTest(t testing.TB, url string) *DB {
	t.Helper()
	db, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStore(t *testing.T) {
	if os.Getenv("SWITCHBOARD_TEST_POSTGRES") == "" {
		t.Skip("SWITCHBOARD_TEST_POSTGRES is not set")
	}
	storetest.Run(t, func(t *testing.T) switchboard.Store { return openTest(t, testURL(t)) })
}

// TestReopenDoesNotRemigrate checks a second Open (another node, or a
// restart) finds the schema migrated and the state intact.
func TestReopenDoesNotRemigrate(t *testing.T) {
	ctx := context.Background()
	u := testURL(t)
	a := openTest(t, u)
	if _, err := a.PutTenant(ctx, &switchboard.Tenant{ID: "dod"}, switchboard.Change{Actor: "config"}); err != nil {
		t.Fatal(err)
	}
	b := openTest(t, u)
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("embedded migrations: %v, %v", files, err)
	}
	var n int
	if err := b.pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(files) {
		t.Fatalf("schema_migrations rows = %d, %v; want one per migration (%d)", n, err, len(files))
	}
	if v, err := b.Version(ctx); err != nil || v != 1 {
		t.Fatalf("Version through second DB = %d, %v; want 1", v, err)
	}
}

// TestListen checks a write made through one DB reaches a listener on
// another, with the write's seq, and that Listen returns when its context
// ends.
func TestListen(t *testing.T) {
	u := testURL(t)
	writer, listener := openTest(t, u), openTest(t, u)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan int64, 100)
	done := make(chan error, 1)
	go func() { done <- listener.Listen(ctx, func(seq int64) { got <- seq }) }()

	// Listen may not have issued LISTEN yet when the first write commits,
	// and the channel is shared by every schema in the database (other
	// tests' writes arrive too): write until our own seq comes back.
	deadline := time.After(30 * time.Second)
	written := map[int64]bool{}
	for i := 0; ; i++ {
		ch, err := writer.PutTenant(context.Background(), &switchboard.Tenant{ID: fmt.Sprint("t", i)}, switchboard.Change{Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		written[ch.Seq] = true
		wait := time.After(200 * time.Millisecond)
	drain:
		for {
			select {
			case seq := <-got:
				if written[seq] {
					goto received
				}
			case <-wait:
				break drain
			case <-deadline:
				t.Fatal("no notification of our writes within 30s")
			case err := <-done:
				t.Fatalf("Listen returned early: %v", err)
			}
		}
	}
received:
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Listen after cancel = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Listen did not return after its context ended")
	}
}

func BenchmarkPutDirective(b *testing.B) {
	db := openTest(b, testURL(b))
	ctx := context.Background()
	ds := make([]*switchboard.Directive, 100)
	for i := range ds {
		ds[i] = storetest.Directive(fmt.Sprint("d", i))
	}
	for i := 0; b.Loop(); i++ {
		if _, err := db.PutDirective(ctx, ds[i%len(ds)], switchboard.Change{Actor: "bench", Action: "directive.create"}); err != nil {
			b.Fatal(err)
		}
	}
}
