-- StateChat: conversations per user, their messages, reported answers and
-- tenant system prompts (web/conversation).
CREATE TABLE conversations (
    id         TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    tenant     TEXT NOT NULL,
    title      TEXT NOT NULL,
    model      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX conversations_owner ON conversations (owner, updated_at);

CREATE TABLE conversation_messages (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content         TEXT NOT NULL,
    status          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    requested_model TEXT NOT NULL DEFAULT '',
    served_model    TEXT NOT NULL DEFAULT '',
    vendor          TEXT NOT NULL DEFAULT '',
    directive       TEXT NOT NULL DEFAULT '',
    notice          TEXT NOT NULL DEFAULT '',
    waiver          TEXT NOT NULL DEFAULT '',
    guardrail       TEXT NOT NULL DEFAULT '',
    request_id      TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT '',
    UNIQUE (conversation_id, seq)
);

-- Reported answers (OMB M-26-04) keep their own copy of the prompt and the
-- answer: deleting the conversation does not delete the report.
CREATE TABLE answer_reports (
    id              TEXT PRIMARY KEY,
    message_id      TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    request_id      TEXT NOT NULL,
    reporter        TEXT NOT NULL,
    reporter_name   TEXT NOT NULL DEFAULT '',
    tenant          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    prompt          TEXT NOT NULL,
    answer          TEXT NOT NULL,
    served_model    TEXT NOT NULL DEFAULT '',
    vendor          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open',
    resolved_by     TEXT NOT NULL DEFAULT '',
    resolved_at     TEXT,
    resolution      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX answer_reports_created ON answer_reports (created_at);

CREATE TABLE tenant_prompts (
    tenant     TEXT PRIMARY KEY,
    prompt     TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
