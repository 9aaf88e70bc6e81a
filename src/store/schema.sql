-- Schema version 1. Later versions append a migration in migrate.rs; never edit this file
-- once released, because existing history files were created from it.

-- One row per chart line, so each point only carries an integer id.
CREATE TABLE series (
    id     INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    metric TEXT NOT NULL,
    key    TEXT NOT NULL DEFAULT '',
    UNIQUE (target, metric, key)
);

-- Clustered on (series, time): a chart query is one index range scan.
CREATE TABLE points (
    series_id INTEGER NOT NULL REFERENCES series (id),
    at        INTEGER NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (series_id, at)
) WITHOUT ROWID;

-- Bodies are kilobytes, too large for a WITHOUT ROWID b-tree, hence a rowid table.
-- encoding 1 = serde_json of the SampleBody, raw deflate.
CREATE TABLE snapshots (
    id       INTEGER PRIMARY KEY,
    target   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    at       INTEGER NOT NULL,
    tier     TEXT NOT NULL,
    encoding INTEGER NOT NULL,
    body     BLOB NOT NULL,
    UNIQUE (target, kind, at)
);
-- Retention deletes by age across every target and kind.
CREATE INDEX snapshots_at ON snapshots (at);

-- Statement texts repeat every interval; they are stored once per statement.
CREATE TABLE query_texts (
    id        INTEGER PRIMARY KEY,
    target    TEXT NOT NULL,
    query_id  TEXT NOT NULL,
    db_name   TEXT NOT NULL,
    user_name TEXT NOT NULL,
    text      TEXT NOT NULL,
    UNIQUE (target, query_id)
);

-- Float columns are nullable because SQLite stores NaN as NULL.
CREATE TABLE query_stats (
    text_id             INTEGER NOT NULL REFERENCES query_texts (id),
    at                  INTEGER NOT NULL,
    pos                 INTEGER NOT NULL,
    calls               INTEGER NOT NULL,
    total_time_ms       REAL,
    mean_time_ms        REAL,
    min_time_ms         REAL,
    max_time_ms         REAL,
    rows                INTEGER NOT NULL,
    shared_blks_hit     INTEGER NOT NULL,
    shared_blks_read    INTEGER NOT NULL,
    shared_blks_dirtied INTEGER NOT NULL,
    shared_blks_written INTEGER NOT NULL,
    local_blks_hit      INTEGER NOT NULL,
    local_blks_read     INTEGER NOT NULL,
    temp_blks_read      INTEGER NOT NULL,
    temp_blks_written   INTEGER NOT NULL,
    blk_read_time_ms    REAL,
    blk_write_time_ms   REAL,
    PRIMARY KEY (text_id, at)
) WITHOUT ROWID;
-- Reassembling one snapshot (all statements at one time) and retention both go by time.
CREATE INDEX query_stats_at ON query_stats (at);
