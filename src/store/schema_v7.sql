-- Version 7. Snapshot bodies may be delta frames (snapshots.encoding = 2, see chain.rs)
-- whose meaning depends on the rows before it; bodies written before stay keyframes.
-- Statement readings move from query_stats rows into their `queries` body (texts stay in
-- query_texts, once per statement), where the chain stores what repeats once: see
-- migrate_v7.rs for the conversion. An older Logstag refuses the file from here on.
ALTER TABLE query_texts ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE query_texts SET seen_at = coalesce((SELECT max(at) FROM query_stats WHERE text_id = query_texts.id), 0);
