-- The audit trail (package audit): hash-chained records, the chain's head,
-- signed checkpoints, captured content (kept apart so its retention can
-- differ) and legal holds. Times are Unix microseconds.
CREATE TABLE audit_records (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL,
    kind            TEXT NOT NULL,
    start_us        INTEGER NOT NULL,
    tenant          TEXT NOT NULL DEFAULT '',
    vendor          TEXT NOT NULL DEFAULT '',
    requested_model TEXT NOT NULL DEFAULT '',
    served_model    TEXT NOT NULL DEFAULT '',
    directive       TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_records_id ON audit_records (id);
CREATE INDEX audit_records_start ON audit_records (start_us);
CREATE INDEX audit_records_tenant ON audit_records (tenant, start_us);
CREATE INDEX audit_records_directive ON audit_records (directive, start_us);
CREATE INDEX audit_records_vendor ON audit_records (vendor, start_us);

-- One row: the last record's seq and hash, updated with every append, so
-- deleting records from the end of the chain is seen.
CREATE TABLE audit_head (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (one, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_checkpoints (
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    at_us      INTEGER NOT NULL,
    key_id     TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature  TEXT NOT NULL,
    PRIMARY KEY (seq, kind)
);

CREATE TABLE audit_content (
    ref       TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    tenant    TEXT NOT NULL,
    at_us     INTEGER NOT NULL,
    mode      TEXT NOT NULL,
    prompt    TEXT NOT NULL,
    response  TEXT NOT NULL
);
CREATE INDEX audit_content_at ON audit_content (at_us);

CREATE TABLE audit_holds (
    id          TEXT PRIMARY KEY,
    tenant      TEXT NOT NULL DEFAULT '',
    from_us     INTEGER NOT NULL DEFAULT 0,
    to_us       INTEGER NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL,
    by_whom     TEXT NOT NULL,
    at_us       INTEGER NOT NULL,
    released_us INTEGER NOT NULL DEFAULT 0
);
