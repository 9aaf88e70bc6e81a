-- Schema version 4: the forwarding outbox (store-and-forward to the central backend).
-- A row is one Sample (deflate JSON, like snapshots.body), written in the same
-- transaction that records it. `state`: 0 pending, 1 in a batch (batch_id assigned and
-- committed before the first send, so a retry after a lost acknowledgement or a restart
-- reuses the key), 2 parked (refused by the backend; parked_reason says why).
-- AUTOINCREMENT: ids are never reused, so "oldest first" is id order even after drops.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at    INTEGER NOT NULL,
    target        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    body          BLOB NOT NULL,
    state         INTEGER NOT NULL DEFAULT 0,
    batch_id      TEXT,
    parked_reason TEXT
);
CREATE INDEX outbox_state ON outbox (state, id);
CREATE INDEX outbox_batch ON outbox (batch_id) WHERE batch_id IS NOT NULL;
-- Counters that must survive restarts (rows dropped at the bound) and this file's
-- agent identity, sent to the backend so it can tell agents apart.
CREATE TABLE outbox_meta (
    name  TEXT PRIMARY KEY,
    value NOT NULL
) WITHOUT ROWID;
INSERT INTO outbox_meta (name, value) VALUES
    ('agent_id', lower(hex(randomblob(16)))),
    ('dropped_total', 0);
