// Package conversation holds StateChat's records — conversations, their
// messages, reported answers and tenant system prompts — and the Store
// interface that the sqlite and postgres packages implement.
package conversation

import (
	"context"
	"time"
)

// Message roles.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Message statuses. A user message is complete when stored; an assistant
// message is stored once its answer ends, however it ended.
const (
	StatusComplete = "complete"
	// StatusStopped: the user pressed stop; Content is what had arrived.
	StatusStopped = "stopped"
	// StatusError: the gateway refused or failed; Error says why.
	StatusError = "error"
)

// Report statuses.
const (
	ReportOpen     = "open"
	ReportResolved = "resolved"
)

// Conversation is one chat thread of one user.
type Conversation struct {
	ID string `json:"id"`
	// Owner is the user's stable identity (the key id until single sign-on).
	Owner  string `json:"owner"`
	Tenant string `json:"tenant"`
	Title  string `json:"title"`
	// Model is the model or alias last picked in the conversation.
	Model     string    `json:"model,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Messages are filled by Store.Conversation, oldest first.
	Messages []Message `json:"messages,omitempty"`
}

// Message is one turn. The routing fields come from the gateway's
// Switchboard-* response headers: what actually answered, and why.
type Message struct {
	ID             string    `json:"id"`
	ConversationID string    `json:"conversation_id"`
	Seq            int       `json:"seq"`
	Role           string    `json:"role"`
	Content        string    `json:"content"`
	Status         string    `json:"status"`
	CreatedAt      time.Time `json:"created_at"`
	RequestedModel string    `json:"requested_model,omitempty"`
	ServedModel    string    `json:"served_model,omitempty"`
	Vendor         string    `json:"vendor,omitempty"`
	Directive      string    `json:"directive,omitempty"`
	Notice         string    `json:"notice,omitempty"`
	Waiver         string    `json:"waiver,omitempty"`
	// Guardrail is the Switchboard-Guardrail header as received
	// ("redacted: US_SSN=1, PHONE_NUMBER=1").
	Guardrail string `json:"guardrail,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	Error     string `json:"error,omitempty"`
}

// Report is an answer a user reported (OMB M-26-04): a copy of the
// answer and the prompt, so the review does not depend on the conversation
// still existing.
type Report struct {
	ID             string     `json:"id"`
	MessageID      string     `json:"message_id"`
	ConversationID string     `json:"conversation_id"`
	RequestID      string     `json:"request_id"`
	Reporter       string     `json:"reporter"`
	ReporterName   string     `json:"reporter_name,omitempty"`
	Tenant         string     `json:"tenant"`
	Reason         string     `json:"reason"`
	Prompt         string     `json:"prompt"`
	Answer         string     `json:"answer"`
	ServedModel    string     `json:"served_model,omitempty"`
	Vendor         string     `json:"vendor,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	Status         string     `json:"status"`
	ResolvedBy     string     `json:"resolved_by,omitempty"`
	ResolvedAt     *time.Time `json:"resolved_at,omitempty"`
	Resolution     string     `json:"resolution,omitempty"`
}

// ReportFilter selects reports; zero fields match everything.
type ReportFilter struct {
	Tenant string
	Status string
	Limit  int
}

// SystemPrompt is a tenant's standing instructions, prepended to every
// request from that tenant.
type SystemPrompt struct {
	Tenant    string    `json:"tenant"`
	Prompt    string    `json:"prompt"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Store keeps conversations, reports and system prompts. Every method that
// names an owner acts only on that owner's conversations: another owner's
// conversation is ENOTFOUND, as is a missing one (a *switchboard.Error).
type Store interface {
	// CreateConversation stores c (ID, Owner, Tenant, Title and times set
	// by the caller) without messages.
	CreateConversation(ctx context.Context, c *Conversation) error
	// Conversation returns one conversation with its messages.
	Conversation(ctx context.Context, owner, id string) (*Conversation, error)
	// Conversations lists the owner's conversations without messages,
	// most recently updated first.
	Conversations(ctx context.Context, owner string) ([]Conversation, error)
	// RenameConversation sets the title.
	RenameConversation(ctx context.Context, owner, id, title string, at time.Time) error
	// DeleteConversation removes a conversation and its messages. Reports
	// keep their own copy of what was reported.
	DeleteConversation(ctx context.Context, owner, id string) error
	// AppendMessage stores m at the end of its conversation, assigning
	// m.Seq, and records model (when not empty) as the conversation's
	// model.
	AppendMessage(ctx context.Context, owner string, m *Message) error

	// FileReport stores a report (ID and CreatedAt set by the caller;
	// Status defaults to open).
	FileReport(ctx context.Context, r *Report) error
	// Reports lists reports, newest first.
	Reports(ctx context.Context, f ReportFilter) ([]Report, error)
	// ResolveReport closes a report with who, when and the outcome.
	ResolveReport(ctx context.Context, id, by, resolution string, at time.Time) error

	// SystemPrompts lists every tenant's system prompt.
	SystemPrompts(ctx context.Context) ([]SystemPrompt, error)
	// SetSystemPrompt stores (or, with an empty Prompt, removes) a
	// tenant's system prompt.
	SetSystemPrompt(ctx context.Context, p SystemPrompt) error
}
