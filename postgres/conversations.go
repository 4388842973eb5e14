package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/web/conversation"
)

// ConversationStore keeps StateChat's conversations, reports and tenant
// system prompts in the database (migration 0020).
type ConversationStore struct{ db *DB }

var _ conversation.Store = (*ConversationStore)(nil)

// NewConversationStore returns the conversation store of db.
func NewConversationStore(db *DB) *ConversationStore { return &ConversationStore{db: db} }

func convNotFound(id string) error {
	return &switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no conversation " + id}
}

// CreateConversation stores c without messages.
func (s *ConversationStore) CreateConversation(ctx context.Context, c *conversation.Conversation) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO conversations (id, owner, tenant, title, model, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.ID, c.Owner, c.Tenant, c.Title, c.Model, c.CreatedAt.UTC(), c.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("postgres: create conversation: %w", err)
	}
	return nil
}

const convColumns = `id, owner, tenant, title, model, created_at, updated_at`

func scanConv(row pgx.Row) (conversation.Conversation, error) {
	var c conversation.Conversation
	err := row.Scan(&c.ID, &c.Owner, &c.Tenant, &c.Title, &c.Model, &c.CreatedAt, &c.UpdatedAt)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// Conversation returns one of owner's conversations with its messages.
func (s *ConversationStore) Conversation(ctx context.Context, owner, id string) (*conversation.Conversation, error) {
	tx, err := s.db.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, fmt.Errorf("postgres: conversation: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	c, err := scanConv(tx.QueryRow(ctx, `SELECT `+convColumns+` FROM conversations WHERE id = $1 AND owner = $2`, id, owner))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, convNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: conversation: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT id, conversation_id, seq, role, content, status, created_at, requested_model, served_model,
		vendor, directive, notice, waiver, guardrail, request_id, error FROM conversation_messages WHERE conversation_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("postgres: messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m conversation.Message
		if err := rows.Scan(&m.ID, &m.ConversationID, &m.Seq, &m.Role, &m.Content, &m.Status, &m.CreatedAt, &m.RequestedModel, &m.ServedModel,
			&m.Vendor, &m.Directive, &m.Notice, &m.Waiver, &m.Guardrail, &m.RequestID, &m.Error); err != nil {
			return nil, fmt.Errorf("postgres: messages: %w", err)
		}
		m.CreatedAt = m.CreatedAt.UTC()
		c.Messages = append(c.Messages, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: messages: %w", err)
	}
	return &c, nil
}

// Conversations lists owner's conversations, most recently updated first.
func (s *ConversationStore) Conversations(ctx context.Context, owner string) ([]conversation.Conversation, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT `+convColumns+` FROM conversations WHERE owner = $1 ORDER BY updated_at DESC, id`, owner)
	if err != nil {
		return nil, fmt.Errorf("postgres: conversations: %w", err)
	}
	defer rows.Close()
	var out []conversation.Conversation
	for rows.Next() {
		c, err := scanConv(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: conversations: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *ConversationStore) execOwned(ctx context.Context, id, query string, args ...any) error {
	tag, err := s.db.pool.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", strings.Fields(query)[0], err)
	}
	if tag.RowsAffected() == 0 {
		return convNotFound(id)
	}
	return nil
}

// RenameConversation sets the title.
func (s *ConversationStore) RenameConversation(ctx context.Context, owner, id, title string, at time.Time) error {
	return s.execOwned(ctx, id, `UPDATE conversations SET title = $1, updated_at = $2 WHERE id = $3 AND owner = $4`, title, at.UTC(), id, owner)
}

// DeleteConversation removes the conversation and (by cascade) its messages.
func (s *ConversationStore) DeleteConversation(ctx context.Context, owner, id string) error {
	return s.execOwned(ctx, id, `DELETE FROM conversations WHERE id = $1 AND owner = $2`, id, owner)
}

// AppendMessage stores m after the conversation's last message. The
// conversation row is locked so two appends cannot take the same seq.
func (s *ConversationStore) AppendMessage(ctx context.Context, owner string, m *conversation.Message) error {
	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: append message: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var one int
	err = tx.QueryRow(ctx, `SELECT 1 FROM conversations WHERE id = $1 AND owner = $2 FOR UPDATE`, m.ConversationID, owner).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return convNotFound(m.ConversationID)
	}
	if err != nil {
		return fmt.Errorf("postgres: append message: %w", err)
	}
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM conversation_messages WHERE conversation_id = $1`, m.ConversationID).Scan(&m.Seq); err != nil {
		return fmt.Errorf("postgres: append message: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO conversation_messages (id, conversation_id, seq, role, content, status, created_at,
		requested_model, served_model, vendor, directive, notice, waiver, guardrail, request_id, error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		m.ID, m.ConversationID, m.Seq, m.Role, m.Content, m.Status, m.CreatedAt.UTC(),
		m.RequestedModel, m.ServedModel, m.Vendor, m.Directive, m.Notice, m.Waiver, m.Guardrail, m.RequestID, m.Error); err != nil {
		return fmt.Errorf("postgres: append message: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE conversations SET updated_at = $1, model = CASE WHEN $2 = '' THEN model ELSE $2 END WHERE id = $3`,
		m.CreatedAt.UTC(), m.RequestedModel, m.ConversationID); err != nil {
		return fmt.Errorf("postgres: append message: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: append message: %w", err)
	}
	return nil
}

// FileReport stores a reported answer.
func (s *ConversationStore) FileReport(ctx context.Context, r *conversation.Report) error {
	if r.Status == "" {
		r.Status = conversation.ReportOpen
	}
	_, err := s.db.pool.Exec(ctx, `INSERT INTO answer_reports (id, message_id, conversation_id, request_id, reporter, reporter_name, tenant,
		reason, prompt, answer, served_model, vendor, created_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		r.ID, r.MessageID, r.ConversationID, r.RequestID, r.Reporter, r.ReporterName, r.Tenant,
		r.Reason, r.Prompt, r.Answer, r.ServedModel, r.Vendor, r.CreatedAt.UTC(), r.Status)
	if err != nil {
		return fmt.Errorf("postgres: file report: %w", err)
	}
	return nil
}

// Reports lists reports, newest first.
func (s *ConversationStore) Reports(ctx context.Context, f conversation.ReportFilter) ([]conversation.Report, error) {
	q := `SELECT id, message_id, conversation_id, request_id, reporter, reporter_name, tenant, reason, prompt, answer,
		served_model, vendor, created_at, status, resolved_by, resolved_at, resolution FROM answer_reports WHERE true`
	var args []any
	if f.Tenant != "" {
		args = append(args, f.Tenant)
		q += ` AND tenant = $` + strconv.Itoa(len(args))
	}
	if f.Status != "" {
		args = append(args, f.Status)
		q += ` AND status = $` + strconv.Itoa(len(args))
	}
	q += ` ORDER BY created_at DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(f.Limit)
	}
	rows, err := s.db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: reports: %w", err)
	}
	defer rows.Close()
	var out []conversation.Report
	for rows.Next() {
		var r conversation.Report
		if err := rows.Scan(&r.ID, &r.MessageID, &r.ConversationID, &r.RequestID, &r.Reporter, &r.ReporterName, &r.Tenant, &r.Reason,
			&r.Prompt, &r.Answer, &r.ServedModel, &r.Vendor, &r.CreatedAt, &r.Status, &r.ResolvedBy, &r.ResolvedAt, &r.Resolution); err != nil {
			return nil, fmt.Errorf("postgres: reports: %w", err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		if r.ResolvedAt != nil {
			t := r.ResolvedAt.UTC()
			r.ResolvedAt = &t
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ResolveReport closes a report.
func (s *ConversationStore) ResolveReport(ctx context.Context, id, by, resolution string, at time.Time) error {
	tag, err := s.db.pool.Exec(ctx, `UPDATE answer_reports SET status = $1, resolved_by = $2, resolved_at = $3, resolution = $4 WHERE id = $5`,
		conversation.ReportResolved, by, at.UTC(), resolution, id)
	if err != nil {
		return fmt.Errorf("postgres: resolve report: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return &switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no reported answer " + id}
	}
	return nil
}

// SystemPrompts lists every tenant's system prompt.
func (s *ConversationStore) SystemPrompts(ctx context.Context) ([]conversation.SystemPrompt, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT tenant, prompt, updated_by, updated_at FROM tenant_prompts ORDER BY tenant`)
	if err != nil {
		return nil, fmt.Errorf("postgres: system prompts: %w", err)
	}
	defer rows.Close()
	var out []conversation.SystemPrompt
	for rows.Next() {
		var p conversation.SystemPrompt
		if err := rows.Scan(&p.Tenant, &p.Prompt, &p.UpdatedBy, &p.UpdatedAt); err != nil {
			return nil, fmt.Errorf("postgres: system prompts: %w", err)
		}
		p.UpdatedAt = p.UpdatedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetSystemPrompt stores, or with an empty prompt removes, a tenant's
// system prompt.
func (s *ConversationStore) SetSystemPrompt(ctx context.Context, p conversation.SystemPrompt) error {
	var err error
	if strings.TrimSpace(p.Prompt) == "" {
		_, err = s.db.pool.Exec(ctx, `DELETE FROM tenant_prompts WHERE tenant = $1`, p.Tenant)
	} else {
		_, err = s.db.pool.Exec(ctx, `INSERT INTO tenant_prompts (tenant, prompt, updated_by, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant) DO UPDATE SET prompt = excluded.prompt, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			p.Tenant, p.Prompt, p.UpdatedBy, p.UpdatedAt.UTC())
	}
	if err != nil {
		return fmt.Errorf("postgres: set system prompt: %w", err)
	}
	return nil
}
