package postgres

import (
	"context"
	"testing"

	"github.com/switchboard-gov/switchboard/keystoretest"
)

func TestKeyStore(t *testing.T) {
	keystoretest.Run(t, func(t *testing.T) keystoretest.Store {
		db, err := Open(context.Background(), testURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
