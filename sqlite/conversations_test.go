package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/switchboard-gov/switchboard/sqlite"
	"github.com/switchboard-gov/switchboard/web/conversation"
	"github.com/switchboard-gov/switchboard/web/conversation/conversationtest"
)

func TestConversationStore(t *testing.T) {
	conversationtest.Run(t, func(t *testing.T) conversation.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sb.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return sqlite.NewConversationStore(db)
	})
}
