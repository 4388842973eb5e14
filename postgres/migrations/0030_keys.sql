-- Managed gateway keys. Only hashes are stored (hex SHA-256): hash is the
-- current secret's, previous_hash the secret a rotation replaced while its
-- grace period lasts. body is the key's JSON, which holds no hash. pos is
-- the seq of the change that created the key. Keys are never deleted.
CREATE TABLE keys (
    id            TEXT PRIMARY KEY,
    pos           BIGINT NOT NULL,
    hash          TEXT NOT NULL UNIQUE,
    previous_hash TEXT,
    body          JSON NOT NULL
);
CREATE INDEX keys_previous_hash ON keys (previous_hash);
