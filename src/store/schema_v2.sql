-- Schema version 2: alert lifecycle events. `at` is the taken_at of the sample that
-- caused the event, so `snapshot_at(target, kind, at)` finds what the server looked like.
-- Enums are stored as their serde names (snake_case) so the rows stay readable by hand.
CREATE TABLE alert_events (
    id         INTEGER PRIMARY KEY,
    target     TEXT NOT NULL,
    rule       TEXT NOT NULL,
    name       TEXT NOT NULL,
    key        TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    severity   TEXT NOT NULL,
    category   TEXT NOT NULL,
    value      REAL,
    threshold  REAL,
    message    TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    at         INTEGER NOT NULL
);
-- History reads go newest first per target; retention deletes by age.
CREATE INDEX alert_events_target_at ON alert_events (target, at);
CREATE INDEX alert_events_at ON alert_events (at);
