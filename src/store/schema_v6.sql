-- Version 6: the targets a file holds, with their engine and endpoint, so that
-- `logstag replay` shows them without the configuration that recorded them.
CREATE TABLE targets (
    target   TEXT PRIMARY KEY,
    engine   TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    -- JSON array of strings.
    tags     TEXT NOT NULL DEFAULT '[]',
    seen_at  INTEGER NOT NULL
);
