package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/web/conversation"
)

// ConversationStore keeps StateChat's conversations, reports and tenant
// system prompts in the database (migration 0020).
type ConversationStore struct{ db *DB }

var _ conversation.Store = (*ConversationStore)(nil)

// NewConversationStore returns the conversation store of db.
func NewConversationStore(db *DB) *ConversationStore { return &ConversationStore{db: db} }

// convTime keeps times sortable as text, to the microsecond.
const convTime = "2006-01-02T15:04:05.000000Z07:00"

func convFormat(t time.Time) string { return t.UTC().Format(convTime) }

func convParse(s string) time.Time {
	t, _ := time.Parse(convTime, s)
	return t
}

func convNotFound(id string) error {
	return &switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no conversation " + id}
}

// CreateConversation stores c without messages.
func (s *ConversationStore) CreateConversation(ctx context.Context, c *conversation.Conversation) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO conversations (id, owner, tenant, title, model, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Owner, c.Tenant, c.Title, c.Model, convFormat(c.CreatedAt), convFormat(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("sqlite: create conversation: %w", err)
	}
	return nil
}

const convColumns = `id, owner, tenant, title, model, created_at, updated_at`

func scanConv(sc interface{ Scan(...any) error }) (conversation.Conversation, error) {
	var c conversation.Conversation
	var created, updated string
	err := sc.Scan(&c.ID, &c.Owner, &c.Tenant, &c.Title, &c.Model, &created, &updated)
	c.CreatedAt, c.UpdatedAt = convParse(created), convParse(updated)
	return c, err
}

// Conversation returns one of owner's conversations with its messages.
func (s *ConversationStore) Conversation(ctx context.Context, owner, id string) (*conversation.Conversation, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: conversation: %w", err)
	}
	defer tx.Rollback()
	c, err := scanConv(tx.QueryRowContext(ctx, `SELECT `+convColumns+` FROM conversations WHERE id = ? AND owner = ?`, id, owner))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, convNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: conversation: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, conversation_id, seq, role, content, status, created_at, requested_model, served_model,
		vendor, directive, notice, waiver, guardrail, request_id, error FROM conversation_messages WHERE conversation_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m conversation.Message
		var at string
		if err := rows.Scan(&m.ID, &m.ConversationID, &m.Seq, &m.Role, &m.Content, &m.Status, &at, &m.RequestedModel, &m.ServedModel,
			&m.Vendor, &m.Directive, &m.Notice, &m.Waiver, &m.Guardrail, &m.RequestID, &m.Error); err != nil {
			return nil, fmt.Errorf("sqlite: messages: %w", err)
		}
		m.CreatedAt = convParse(at)
		c.Messages = append(c.Messages, m)
	}
	return &c, rows.Err()
}

// Conversations lists owner's conversations, most recently updated first.
func (s *ConversationStore) Conversations(ctx context.Context, owner string) ([]conversation.Conversation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+convColumns+` FROM conversations WHERE owner = ? ORDER BY updated_at DESC, id`, owner)
	if err != nil {
		return nil, fmt.Errorf("sqlite: conversations: %w", err)
	}
	defer rows.Close()
	var out []conversation.Conversation
	for rows.Next() {
		c, err := scanConv(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: conversations: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *ConversationStore) execOwned(ctx context.Context, id, query string, args ...any) error {
	res, err := s.db.w.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", strings.Fields(query)[0], err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return convNotFound(id)
	}
	return nil
}

// RenameConversation sets the title.
func (s *ConversationStore) RenameConversation(ctx context.Context, owner, id, title string, at time.Time) error {
	return s.execOwned(ctx, id, `UPDATE conversations SET title = ?, updated_at = ? WHERE id = ? AND owner = ?`, title, convFormat(at), id, owner)
}

// DeleteConversation removes the conversation and (by cascade) its messages.
func (s *ConversationStore) DeleteConversation(ctx context.Context, owner, id string) error {
	return s.execOwned(ctx, id, `DELETE FROM conversations WHERE id = ? AND owner = ?`, id, owner)
}

// AppendMessage stores m after the conversation's last message.
func (s *ConversationStore) AppendMessage(ctx context.Context, owner string, m *conversation.Message) error {
	tx, err := s.db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: append message: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conversations WHERE id = ? AND owner = ?`, m.ConversationID, owner).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: append message: %w", err)
	}
	if n == 0 {
		return convNotFound(m.ConversationID)
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM conversation_messages WHERE conversation_id = ?`, m.ConversationID).Scan(&m.Seq); err != nil {
		return fmt.Errorf("sqlite: append message: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_messages (id, conversation_id, seq, role, content, status, created_at,
		requested_model, served_model, vendor, directive, notice, waiver, guardrail, request_id, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.ConversationID, m.Seq, m.Role, m.Content, m.Status, convFormat(m.CreatedAt),
		m.RequestedModel, m.ServedModel, m.Vendor, m.Directive, m.Notice, m.Waiver, m.Guardrail, m.RequestID, m.Error); err != nil {
		return fmt.Errorf("sqlite: append message: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET updated_at = ?, model = CASE WHEN ? = '' THEN model ELSE ? END WHERE id = ?`,
		convFormat(m.CreatedAt), m.RequestedModel, m.RequestedModel, m.ConversationID); err != nil {
		return fmt.Errorf("sqlite: append message: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: append message: %w", err)
	}
	return nil
}

// FileReport stores a reported answer.
func (s *ConversationStore) FileReport(ctx context.Context, r *conversation.Report) error {
	if r.Status == "" {
		r.Status = conversation.ReportOpen
	}
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO answer_reports (id, message_id, conversation_id, request_id, reporter, reporter_name, tenant,
		reason, prompt, answer, served_model, vendor, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.MessageID, r.ConversationID, r.RequestID, r.Reporter, r.ReporterName, r.Tenant,
		r.Reason, r.Prompt, r.Answer, r.ServedModel, r.Vendor, convFormat(r.CreatedAt), r.Status)
	if err != nil {
		return fmt.Errorf("sqlite: file report: %w", err)
	}
	return nil
}

// Reports lists reports, newest first.
func (s *ConversationStore) Reports(ctx context.Context, f conversation.ReportFilter) ([]conversation.Report, error) {
	q := `SELECT id, message_id, conversation_id, request_id, reporter, reporter_name, tenant, reason, prompt, answer,
		served_model, vendor, created_at, status, resolved_by, resolved_at, resolution FROM answer_reports WHERE 1 = 1`
	var args []any
	if f.Tenant != "" {
		q += ` AND tenant = ?`
		args = append(args, f.Tenant)
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	q += ` ORDER BY created_at DESC, id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: reports: %w", err)
	}
	defer rows.Close()
	var out []conversation.Report
	for rows.Next() {
		var r conversation.Report
		var created string
		var resolved sql.NullString
		if err := rows.Scan(&r.ID, &r.MessageID, &r.ConversationID, &r.RequestID, &r.Reporter, &r.ReporterName, &r.Tenant, &r.Reason,
			&r.Prompt, &r.Answer, &r.ServedModel, &r.Vendor, &created, &r.Status, &r.ResolvedBy, &resolved, &r.Resolution); err != nil {
			return nil, fmt.Errorf("sqlite: reports: %w", err)
		}
		r.CreatedAt = convParse(created)
		if resolved.Valid {
			t := convParse(resolved.String)
			r.ResolvedAt = &t
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ResolveReport closes a report.
func (s *ConversationStore) ResolveReport(ctx context.Context, id, by, resolution string, at time.Time) error {
	res, err := s.db.w.ExecContext(ctx, `UPDATE answer_reports SET status = ?, resolved_by = ?, resolved_at = ?, resolution = ? WHERE id = ?`,
		conversation.ReportResolved, by, convFormat(at), resolution, id)
	if err != nil {
		return fmt.Errorf("sqlite: resolve report: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no reported answer " + id}
	}
	return nil
}

// SystemPrompts lists every tenant's system prompt.
func (s *ConversationStore) SystemPrompts(ctx context.Context) ([]conversation.SystemPrompt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT tenant, prompt, updated_by, updated_at FROM tenant_prompts ORDER BY tenant`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: system prompts: %w", err)
	}
	defer rows.Close()
	var out []conversation.SystemPrompt
	for rows.Next() {
		var p conversation.SystemPrompt
		var at string
		if err := rows.Scan(&p.Tenant, &p.Prompt, &p.UpdatedBy, &at); err != nil {
			return nil, fmt.Errorf("sqlite: system prompts: %w", err)
		}
		p.UpdatedAt = convParse(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetSystemPrompt stores, or with an empty prompt removes, a tenant's
// system prompt.
func (s *ConversationStore) SetSystemPrompt(ctx context.Context, p conversation.SystemPrompt) error {
	var err error
	if strings.TrimSpace(p.Prompt) == "" {
		_, err = s.db.w.ExecContext(ctx, `DELETE FROM tenant_prompts WHERE tenant = ?`, p.Tenant)
	} else {
		_, err = s.db.w.ExecContext(ctx, `INSERT INTO tenant_prompts (tenant, prompt, updated_by, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (tenant) DO UPDATE SET prompt = excluded.prompt, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			p.Tenant, p.Prompt, p.UpdatedBy, convFormat(p.UpdatedAt))
	}
	if err != nil {
		return fmt.Errorf("sqlite: set system prompt: %w", err)
	}
	return nil
}
