package postgres

import (
	"testing"

	"github.com/switchboard-gov/switchboard/web/conversation"
	"github.com/switchboard-gov/switchboard/web/conversation/conversationtest"
)

func TestConversationStore(t *testing.T) {
	conversationtest.Run(t, func(t *testing.T) conversation.Store {
		return NewConversationStore(openTest(t, testURL(t)))
	})
}
