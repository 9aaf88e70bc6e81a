-- Second half of version 5, after the rows were copied into query_stats_v5.
DROP TABLE query_stats;
ALTER TABLE query_stats_v5 RENAME TO query_stats;
-- Reassembling one snapshot (all statements at one time) and retention both go by time.
CREATE INDEX query_stats_at ON query_stats (at);
