-- Schema version 5: statement statistics keep the core every engine has in columns and
-- the engine's own counters in one BLOB (`counters`, see src/store/counters.rs), their
-- names once in `counter_names`. The table is rebuilt because the per-counter columns
-- of version 1 go away; migrate.rs folds them into `counters` between the two halves.
CREATE TABLE counter_names (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- Float columns are nullable because SQLite stores NaN as NULL. `counters` is NULL when
-- the engine reported none.
CREATE TABLE query_stats_v5 (
    text_id       INTEGER NOT NULL REFERENCES query_texts (id),
    at            INTEGER NOT NULL,
    pos           INTEGER NOT NULL,
    calls         INTEGER NOT NULL,
    total_time_ms REAL,
    mean_time_ms  REAL,
    min_time_ms   REAL,
    max_time_ms   REAL,
    rows          INTEGER NOT NULL,
    counters      BLOB,
    PRIMARY KEY (text_id, at)
) WITHOUT ROWID;
