//! Raw cumulative counters for the Prometheus endpoint (`SampleBody::Counters`), from the
//! same `SHOW GLOBAL STATUS` read the rates come from. Unlike the rates, these include
//! Logstag's own statements: a counter must be the server's own value to survive
//! restarts and `FLUSH STATUS`.

use super::status::{KINDS, Status};
use crate::model::{Metric, counter};

/// Status counters under their neutral names; statement counts by kind (`Com_*` summed,
/// key = select, insert, … as in `statements_per_s`).
pub fn status_counters(status: &Status) -> Vec<Metric> {
    let mut out = Vec::new();
    let fields = [
        (counter::COMMANDS_PROCESSED, "questions"),
        (counter::ROWS_RETURNED, "innodb_rows_read"),
        (counter::ROWS_INSERTED, "innodb_rows_inserted"),
        (counter::ROWS_UPDATED, "innodb_rows_updated"),
        (counter::ROWS_DELETED, "innodb_rows_deleted"),
        (counter::CACHE_MISSES, "innodb_buffer_pool_reads"),
        (counter::DEADLOCKS, "innodb_deadlocks"),
        (counter::TEMP_FILES, "created_tmp_files"),
        (counter::SLOW_QUERIES, "slow_queries"),
        (counter::CONNECTIONS_REJECTED, "connection_errors_max_connections"),
        (counter::NETWORK_RECEIVED_BYTES, "bytes_received"),
        (counter::NETWORK_SENT_BYTES, "bytes_sent"),
    ];
    for (name, field) in fields {
        if let Some(v) = status.get(field) {
            out.push(Metric::new(name, *v as f64));
        }
    }
    // Logical reads include the ones that went to disk; what is left was served from the pool.
    if let (Some(requests), Some(reads)) =
        (status.get("innodb_buffer_pool_read_requests"), status.get("innodb_buffer_pool_reads"))
    {
        out.push(Metric::new(counter::CACHE_HITS, requests.saturating_sub(*reads) as f64));
    }
    if let Some(ms) = status.get("innodb_row_lock_time") {
        out.push(Metric::keyed(counter::WAIT_TIME_SECONDS, "row_lock", *ms as f64 / 1000.0));
    }
    for (kind, fields) in KINDS {
        let counts: Vec<u64> = fields.iter().filter_map(|f| status.get(*f).copied()).collect();
        if !counts.is_empty() {
            out.push(Metric::keyed(counter::COMMAND_CALLS, *kind, counts.iter().sum::<u64>() as f64));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing::value;

    #[test]
    fn status_counters_are_the_raw_values() {
        let status: Status = [
            ("questions", 1000),
            ("innodb_rows_read", 500),
            ("innodb_buffer_pool_read_requests", 900),
            ("innodb_buffer_pool_reads", 40),
            ("innodb_row_lock_time", 2500),
            ("bytes_received", 4096),
            ("com_insert", 3),
            ("com_insert_select", 2),
            ("com_select", 70),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let m = status_counters(&status);
        assert_eq!(value(&m, counter::COMMANDS_PROCESSED, ""), Some(1000.0));
        assert_eq!(value(&m, counter::ROWS_RETURNED, ""), Some(500.0));
        assert_eq!(value(&m, counter::CACHE_HITS, ""), Some(860.0));
        assert_eq!(value(&m, counter::CACHE_MISSES, ""), Some(40.0));
        assert_eq!(value(&m, counter::WAIT_TIME_SECONDS, "row_lock"), Some(2.5));
        assert_eq!(value(&m, counter::NETWORK_RECEIVED_BYTES, ""), Some(4096.0));
        assert_eq!(value(&m, counter::COMMAND_CALLS, "insert"), Some(5.0));
        assert_eq!(value(&m, counter::COMMAND_CALLS, "select"), Some(70.0));
        assert_eq!(value(&m, counter::COMMAND_CALLS, "delete"), None, "not reported, not zero");
        assert_eq!(value(&m, counter::DEADLOCKS, ""), None);
        assert!(m.iter().all(|m| counter::help(&m.name).is_some()), "{m:?}");
    }
}
