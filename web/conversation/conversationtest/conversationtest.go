// Package conversationtest is the contract suite every conversation.Store
// implementation passes.
package conversationtest

import (
	"context"
	"strings"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/web/conversation"
)

// Run runs the contract against stores returned by open, a fresh empty
// store per call.
func Run(t *testing.T, open func(t *testing.T) conversation.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)

	t.Run("conversation round trip", func(t *testing.T) {
		s := open(t)
		c := &conversation.Conversation{ID: "c1", Owner: "key_a", Tenant: "state", Title: "Cable", CreatedAt: t0, UpdatedAt: t0}
		if err := s.CreateConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		u := &conversation.Message{ID: "m1", ConversationID: "c1", Role: conversation.RoleUser, Content: "Summarise the cable.", Status: conversation.StatusComplete, CreatedAt: t0}
		if err := s.AppendMessage(ctx, "key_a", u); err != nil {
			t.Fatal(err)
		}
		a := &conversation.Message{ID: "m2", ConversationID: "c1", Role: conversation.RoleAssistant, Content: "Part of an ans", Status: conversation.StatusStopped,
			CreatedAt: t0.Add(time.Second), RequestedModel: "statechat", ServedModel: "gpt-4.1", Vendor: "openai", Directive: "memo", Notice: "For now, GPT-4.1",
			Waiver: "w1", Guardrail: "redacted: US_SSN=1", RequestID: "req_1"}
		if err := s.AppendMessage(ctx, "key_a", a); err != nil {
			t.Fatal(err)
		}
		if u.Seq != 1 || a.Seq != 2 {
			t.Errorf("seqs = %d, %d; want 1, 2", u.Seq, a.Seq)
		}
		got, err := s.Conversation(ctx, "key_a", "c1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Cable" || got.Tenant != "state" || len(got.Messages) != 2 {
			t.Fatalf("got %+v", got)
		}
		if got.Model != "statechat" {
			t.Errorf("model = %q; want the last requested model, statechat", got.Model)
		}
		m := got.Messages[1]
		m.CreatedAt = m.CreatedAt.UTC()
		a.CreatedAt = a.CreatedAt.UTC()
		if m != *a {
			t.Errorf("message round trip:\n got %+v\nwant %+v", m, *a)
		}
		if !got.UpdatedAt.Equal(t0.Add(time.Second)) {
			t.Errorf("updated_at = %v; want the last message's time", got.UpdatedAt)
		}
	})

	t.Run("owners are isolated", func(t *testing.T) {
		s := open(t)
		must(t, s.CreateConversation(ctx, &conversation.Conversation{ID: "c1", Owner: "key_a", Tenant: "state", Title: "A", CreatedAt: t0, UpdatedAt: t0}))
		for name, err := range map[string]error{
			"get":    second(s.Conversation(ctx, "key_b", "c1")),
			"rename": s.RenameConversation(ctx, "key_b", "c1", "x", t0),
			"delete": s.DeleteConversation(ctx, "key_b", "c1"),
			"append": s.AppendMessage(ctx, "key_b", &conversation.Message{ID: "m", ConversationID: "c1", Role: "user", Content: "x", Status: "complete", CreatedAt: t0}),
		} {
			if switchboard.ErrorCode(err) != switchboard.ENOTFOUND {
				t.Errorf("%s by another owner: %v; want not_found", name, err)
			}
		}
		if l, err := s.Conversations(ctx, "key_b"); err != nil || len(l) != 0 {
			t.Errorf("other owner's list = %v, %v", l, err)
		}
	})

	t.Run("list, rename, delete", func(t *testing.T) {
		s := open(t)
		for i, id := range []string{"old", "new"} {
			at := t0.Add(time.Duration(i) * time.Minute)
			must(t, s.CreateConversation(ctx, &conversation.Conversation{ID: id, Owner: "key_a", Tenant: "state", Title: id, CreatedAt: at, UpdatedAt: at}))
		}
		must(t, s.AppendMessage(ctx, "key_a", &conversation.Message{ID: "m", ConversationID: "old", Role: "user", Content: "x", Status: "complete", CreatedAt: t0.Add(time.Hour)}))
		l, err := s.Conversations(ctx, "key_a")
		if err != nil || len(l) != 2 || l[0].ID != "old" {
			t.Fatalf("list = %+v, %v; want old (updated last) first", l, err)
		}
		must(t, s.RenameConversation(ctx, "key_a", "new", "Renamed", t0.Add(2*time.Hour)))
		c, err := s.Conversation(ctx, "key_a", "new")
		if err != nil || c.Title != "Renamed" {
			t.Fatalf("after rename: %+v, %v", c, err)
		}
		must(t, s.DeleteConversation(ctx, "key_a", "old"))
		if _, err := s.Conversation(ctx, "key_a", "old"); switchboard.ErrorCode(err) != switchboard.ENOTFOUND {
			t.Errorf("deleted conversation: %v; want not_found", err)
		}
		if err := s.DeleteConversation(ctx, "key_a", "old"); switchboard.ErrorCode(err) != switchboard.ENOTFOUND {
			t.Errorf("second delete: %v; want not_found", err)
		}
	})

	t.Run("reports", func(t *testing.T) {
		s := open(t)
		r1 := &conversation.Report{ID: "r1", MessageID: "m2", ConversationID: "c1", RequestID: "req_1", Reporter: "key_a", Tenant: "state",
			Reason: "It guessed a person's address.", Prompt: "Who lives at…", Answer: "They live at…", ServedModel: "gpt-4.1", Vendor: "openai", CreatedAt: t0}
		r2 := &conversation.Report{ID: "r2", MessageID: "m4", ConversationID: "c2", RequestID: "req_2", Reporter: "key_b", Tenant: "hhs",
			Reason: "Biased.", Prompt: "p", Answer: "a", CreatedAt: t0.Add(time.Minute)}
		must(t, s.FileReport(ctx, r1))
		must(t, s.FileReport(ctx, r2))
		all, err := s.Reports(ctx, conversation.ReportFilter{})
		if err != nil || len(all) != 2 || all[0].ID != "r2" || all[1].Status != conversation.ReportOpen {
			t.Fatalf("reports = %+v, %v; want r2 then r1, open", all, err)
		}
		if all[1].Answer != r1.Answer || all[1].Reason != r1.Reason || all[1].RequestID != "req_1" {
			t.Errorf("report round trip: %+v", all[1])
		}
		must(t, s.ResolveReport(ctx, "r1", "key_admin (ops)", "Forwarded to the vendor's contracting officer.", t0.Add(time.Hour)))
		open, err := s.Reports(ctx, conversation.ReportFilter{Status: conversation.ReportOpen})
		if err != nil || len(open) != 1 || open[0].ID != "r2" {
			t.Errorf("open reports = %+v, %v; want r2 only", open, err)
		}
		st, _ := s.Reports(ctx, conversation.ReportFilter{Tenant: "state"})
		if len(st) != 1 || st[0].Status != conversation.ReportResolved || st[0].ResolvedBy != "key_admin (ops)" || st[0].ResolvedAt == nil {
			t.Errorf("state reports = %+v; want r1 resolved", st)
		}
		if err := s.ResolveReport(ctx, "nope", "x", "y", t0); switchboard.ErrorCode(err) != switchboard.ENOTFOUND {
			t.Errorf("resolve missing: %v; want not_found", err)
		}
	})

	t.Run("system prompts", func(t *testing.T) {
		s := open(t)
		p := conversation.SystemPrompt{Tenant: "state/statechat", Prompt: "You serve the Department of State. Never speculate about US persons.", UpdatedBy: "key_a (admin)", UpdatedAt: t0}
		must(t, s.SetSystemPrompt(ctx, p))
		p.Prompt = strings.Replace(p.Prompt, "Never", "Do not", 1)
		must(t, s.SetSystemPrompt(ctx, p))
		must(t, s.SetSystemPrompt(ctx, conversation.SystemPrompt{Tenant: "hhs", Prompt: "HHS.", UpdatedBy: "x", UpdatedAt: t0}))
		ps, err := s.SystemPrompts(ctx)
		if err != nil || len(ps) != 2 {
			t.Fatalf("prompts = %+v, %v", ps, err)
		}
		byT := map[string]conversation.SystemPrompt{}
		for _, x := range ps {
			byT[x.Tenant] = x
		}
		if byT["state/statechat"].Prompt != p.Prompt {
			t.Errorf("updated prompt = %q", byT["state/statechat"].Prompt)
		}
		must(t, s.SetSystemPrompt(ctx, conversation.SystemPrompt{Tenant: "hhs", UpdatedBy: "x", UpdatedAt: t0}))
		if ps, _ := s.SystemPrompts(ctx); len(ps) != 1 {
			t.Errorf("after clearing hhs: %+v", ps)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func second[T any](_ T, err error) error { return err }
