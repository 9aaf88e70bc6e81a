-- Version 7: a snapshot body may be a delta frame (snapshots.encoding = 2, see chain.rs)
-- whose meaning depends on the rows before it. No table changes: bodies written before
-- stay keyframes and read as they are. The version moves so that an older Logstag, which
-- cannot read delta frames, refuses the file instead of misreading it.
SELECT 1;
