-- Managed state: one table per kind of object, each object a JSON document.
-- pos is the Seq of the change that created the object, so Load returns
-- objects in creation order and an update does not move one.
CREATE TABLE directives (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, body TEXT NOT NULL CHECK (json_valid(body)));
CREATE TABLE tenants    (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, body TEXT NOT NULL CHECK (json_valid(body)));
CREATE TABLE models     (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, body TEXT NOT NULL CHECK (json_valid(body)));
CREATE TABLE aliases    (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, body TEXT NOT NULL CHECK (json_valid(body)));

-- Every change, in the transaction of its write. seq is the state's version.
CREATE TABLE changes (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    object_id TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    before    TEXT CHECK (before IS NULL OR json_valid(before)),
    after     TEXT CHECK (after IS NULL OR json_valid(after))
);
CREATE INDEX changes_object ON changes (kind, object_id, seq);

-- Objects bootstrapped from the configuration file and the hash applied.
CREATE TABLE seeds (
    kind TEXT NOT NULL,
    id   TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
