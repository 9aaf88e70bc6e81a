-- Version 8. Chart points move from a row each (`points`, ~26 bytes a point) into blocks
-- (blocks.rs: up to 120 points of one series within an hour, 2–4 bytes a point); see
-- migrate_v8.rs for the conversion. A block's points all lie in [first_at, last_at].
CREATE TABLE point_blocks (
    series_id INTEGER NOT NULL REFERENCES series (id),
    first_at  INTEGER NOT NULL,
    last_at   INTEGER NOT NULL,
    points    INTEGER NOT NULL,
    body      BLOB NOT NULL,
    PRIMARY KEY (series_id, first_at)
) WITHOUT ROWID;
