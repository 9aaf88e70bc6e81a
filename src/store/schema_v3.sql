-- Schema version 3: structural schema changes, one row per change (SampleBody::SchemaChanges).
-- `change` is the serde name of ChangeKind (added, modified, removed).
CREATE TABLE schema_changes (
    id          INTEGER PRIMARY KEY,
    target      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    database    TEXT NOT NULL,
    schema      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object      TEXT NOT NULL,
    change      TEXT NOT NULL,
    detail      TEXT NOT NULL
);
-- History reads go newest first per target; retention deletes by age.
CREATE INDEX schema_changes_target_at ON schema_changes (target, at);
CREATE INDEX schema_changes_at ON schema_changes (at);
