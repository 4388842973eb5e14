package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/storetest"
)

func openTemp(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "switchboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) switchboard.Store { return openTemp(t) })
}

// TestStateSurvivesReopen checks state and version are on disk, not in
// the process.
func TestStateSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutDirective(ctx, storetest.Directive("d1"), switchboard.Change{Actor: "config"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Load(ctx)
	if err != nil || st.Version != 1 || len(st.Directives) != 1 || st.Directives[0].ID != "d1" {
		t.Fatalf("after reopen: %+v, %v", st, err)
	}
}

func BenchmarkPutDirective(b *testing.B) {
	db := openTemp(b)
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
