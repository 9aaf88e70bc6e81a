//! Raw cumulative counters for the Prometheus endpoint (`SampleBody::Counters`), as
//! pg_stat_database and the checkpointer report them. pg_stat_statements is left out on
//! purpose: its sums drop whenever an entry is evicted, and a counter that drops reads as
//! a reset to `rate()`, which would then count the whole remaining sum as new work.

use super::io::Checkpointer;
use crate::model::{DatabaseStat, Metric, counter};

/// Per database (key = its name): transactions, deadlocks, temp usage, tuples, blocks.
pub fn database_counters(databases: &[DatabaseStat]) -> Vec<Metric> {
    let mut out = Vec::with_capacity(databases.len() * 13);
    for d in databases {
        let pairs = [
            (counter::TRANSACTIONS_COMMITTED, d.xact_commit),
            (counter::TRANSACTIONS_ROLLED_BACK, d.xact_rollback),
            (counter::DEADLOCKS, d.deadlocks),
            (counter::TEMP_FILES, d.temp_files),
            (counter::TEMP_BYTES, d.temp_bytes),
            (counter::ROWS_RETURNED, d.tup_returned),
            (counter::ROWS_FETCHED, d.tup_fetched),
            (counter::ROWS_INSERTED, d.tup_inserted),
            (counter::ROWS_UPDATED, d.tup_updated),
            (counter::ROWS_DELETED, d.tup_deleted),
            (counter::CACHE_HITS, d.blks_hit),
            (counter::CACHE_MISSES, d.blks_read),
        ];
        out.extend(pairs.into_iter().map(|(name, v)| Metric::keyed(name, d.name.clone(), v as f64)));
    }
    out
}

/// Checkpoints by cause and the buffers the checkpointer wrote.
pub fn checkpointer_counters(c: &Checkpointer) -> Vec<Metric> {
    vec![
        Metric::new(counter::CHECKPOINTS_TIMED, c.timed as f64),
        Metric::new(counter::CHECKPOINTS_REQUESTED, c.requested as f64),
        Metric::new(counter::BUFFERS_WRITTEN, c.buffers_written as f64),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing::value;

    #[test]
    fn database_counters_are_the_raw_values_per_database() {
        let app = DatabaseStat {
            name: "app".into(),
            xact_commit: 1200,
            xact_rollback: 3,
            blks_hit: 990,
            blks_read: 10,
            temp_bytes: 8192,
            tup_inserted: 5,
            ..DatabaseStat::default()
        };
        let other = DatabaseStat { name: "other".into(), xact_commit: 7, ..DatabaseStat::default() };
        let m = database_counters(&[app, other]);
        assert_eq!(value(&m, counter::TRANSACTIONS_COMMITTED, "app"), Some(1200.0));
        assert_eq!(value(&m, counter::TRANSACTIONS_COMMITTED, "other"), Some(7.0));
        assert_eq!(value(&m, counter::TRANSACTIONS_ROLLED_BACK, "app"), Some(3.0));
        assert_eq!(value(&m, counter::CACHE_HITS, "app"), Some(990.0));
        assert_eq!(value(&m, counter::CACHE_MISSES, "app"), Some(10.0));
        assert_eq!(value(&m, counter::TEMP_BYTES, "app"), Some(8192.0));
        assert_eq!(value(&m, counter::ROWS_INSERTED, "app"), Some(5.0));
        assert_eq!(m.len(), 24);
        assert!(m.iter().all(|m| counter::help(&m.name).is_some()), "{m:?}");
    }

    #[test]
    fn checkpointer_counters_are_instance_wide() {
        let c =
            Checkpointer { timed: 4, requested: 1, buffers_written: 300, done: Some(5), slru_written: None };
        let m = checkpointer_counters(&c);
        assert_eq!(value(&m, counter::CHECKPOINTS_TIMED, ""), Some(4.0));
        assert_eq!(value(&m, counter::CHECKPOINTS_REQUESTED, ""), Some(1.0));
        assert_eq!(value(&m, counter::BUFFERS_WRITTEN, ""), Some(300.0));
    }
}
