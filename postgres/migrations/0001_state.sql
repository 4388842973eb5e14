-- Managed state: one table per kind of object, each object a JSON document.
-- json (not jsonb) keeps the text as written, so a change's Before is
-- byte for byte the After of the change before it. pos is the seq of the
-- change that created the object: Load returns objects in creation order
-- and an update does not move one.
CREATE TABLE directives (id TEXT PRIMARY KEY, pos BIGINT NOT NULL, body JSON NOT NULL);
CREATE TABLE tenants    (id TEXT PRIMARY KEY, pos BIGINT NOT NULL, body JSON NOT NULL);
CREATE TABLE models     (id TEXT PRIMARY KEY, pos BIGINT NOT NULL, body JSON NOT NULL);
CREATE TABLE aliases    (id TEXT PRIMARY KEY, pos BIGINT NOT NULL, body JSON NOT NULL);

-- Every change, in the transaction of its write. seq is assigned as
-- max(seq)+1 under a transaction advisory lock, so it rises by one in
-- commit order and is a valid catch-up cursor for every node.
CREATE TABLE changes (
    seq       BIGINT PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    object_id TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    before    JSON,
    after     JSON
);
CREATE INDEX changes_object ON changes (kind, object_id, seq);

-- Objects bootstrapped from the configuration file and the hash applied.
CREATE TABLE seeds (
    kind TEXT NOT NULL,
    id   TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
