//! `SHOW GLOBAL STATUS` as metrics: counters become per-second rates between two reads
//! (none on the first read rather than a fake zero), levels are passed on as they are.

use super::metric as my;
use super::rows::TextRow;
use crate::collectors::delta::counter_delta;
use crate::model::{Metric, metric};
use std::collections::HashMap;

pub type Status = HashMap<String, u64>;

/// `Variable_name` → value, numeric values only (names case-folded: MariaDB and MySQL agree
/// on spelling but not always on case).
pub fn parse(rows: &[TextRow]) -> Status {
    rows.iter()
        .filter_map(|r| {
            let name = r.first()?.to_ascii_lowercase();
            let value = r.second()?.trim().parse::<u64>().ok()?;
            Some((name, value))
        })
        .collect()
}

/// The `Com_*` counters behind each statement kind of `statements_per_s`.
pub const KINDS: &[(&str, &[&str])] = &[
    ("select", &["com_select"]),
    ("insert", &["com_insert", "com_insert_select"]),
    ("update", &["com_update", "com_update_multi"]),
    ("delete", &["com_delete", "com_delete_multi"]),
    ("replace", &["com_replace", "com_replace_select"]),
    ("commit", &["com_commit"]),
    ("rollback", &["com_rollback"]),
    ("begin", &["com_begin"]),
    (
        "ddl",
        &[
            "com_create_table",
            "com_alter_table",
            "com_drop_table",
            "com_create_index",
            "com_drop_index",
            "com_truncate",
            "com_rename_table",
        ],
    ),
];

/// Levels (every read) and rates (from the second read on). `own_statements` is what
/// our connection sent between the two reads, left out of `Questions` and `Com_select`
/// so an idle server shows 0 queries per second, not Logstag's own.
pub fn metrics(previous: Option<(&Status, f64)>, current: &Status, own_statements: u64) -> Vec<Metric> {
    let get = |name: &str| current.get(name).copied();
    let mut out = Vec::new();
    if let Some(v) = get("threads_connected") {
        out.push(Metric::new(metric::CONNECTIONS, v as f64));
    }
    if let Some(v) = get("threads_running") {
        out.push(Metric::new(my::THREADS_RUNNING, v as f64));
    }
    if let Some(v) = get("innodb_history_list_length") {
        out.push(Metric::new(my::HISTORY_LIST_LENGTH, v as f64));
    }
    if let (Some(total), Some(free), Some(dirty)) = (
        get("innodb_buffer_pool_pages_total"),
        get("innodb_buffer_pool_pages_free"),
        get("innodb_buffer_pool_pages_dirty"),
    ) && total > 0
    {
        out.push(Metric::new(
            my::BUFFER_POOL_USED_PCT,
            100.0 * total.saturating_sub(free) as f64 / total as f64,
        ));
        out.push(Metric::new(my::BUFFER_POOL_DIRTY_PCT, 100.0 * dirty as f64 / total as f64));
    }
    let Some((previous, secs)) = previous.filter(|(_, secs)| *secs > 0.0) else {
        return out;
    };
    let delta = |names: &[&str]| -> Option<u64> {
        let mut sum = 0;
        let mut any = false;
        for name in names {
            if let (Some(p), Some(c)) = (previous.get(*name), current.get(*name)) {
                sum += counter_delta(*p, *c).0;
                any = true;
            }
        }
        any.then_some(sum)
    };
    let per_s = |names: &[&str]| delta(names).map(|d| d as f64 / secs);
    let per_min = |names: &[&str]| delta(names).map(|d| d as f64 * 60.0 / secs);
    let mut push = |name: &str, value: Option<f64>| {
        if let Some(v) = value {
            out.push(Metric::new(name, v));
        }
    };
    push(my::QUERIES_PER_S, delta(&["questions"]).map(|d| d.saturating_sub(own_statements) as f64 / secs));
    push(metric::TPS, per_s(&["com_commit", "com_rollback"]));
    push(metric::COMMITS_PER_S, per_s(&["com_commit"]));
    push(metric::ROLLBACKS_PER_S, per_s(&["com_rollback"]));
    push(metric::ROWS_READ_PER_S, per_s(&["innodb_rows_read"]));
    push(
        metric::ROWS_WRITTEN_PER_S,
        per_s(&["innodb_rows_inserted", "innodb_rows_updated", "innodb_rows_deleted"]),
    );
    push(metric::DEADLOCKS_PER_S, per_s(&["innodb_deadlocks"]));
    push(metric::TEMP_FILES_PER_S, per_s(&["created_tmp_files"]));
    push(metric::REJECTED_CONNECTIONS_PER_S, per_s(&["connection_errors_max_connections"]));
    push(metric::NET_IN_BYTES_PER_S, per_s(&["bytes_received"]));
    push(metric::NET_OUT_BYTES_PER_S, per_s(&["bytes_sent"]));
    push(my::TMP_DISK_TABLES_PER_S, per_s(&["created_tmp_disk_tables"]));
    push(my::SLOW_QUERIES_PER_MIN, per_min(&["slow_queries"]));
    push(my::ABORTED_CONNECTS_PER_MIN, per_min(&["aborted_connects"]));
    push(my::ABORTED_CLIENTS_PER_MIN, per_min(&["aborted_clients"]));
    push(my::BUFFER_POOL_DISK_READS_PER_S, per_s(&["innodb_buffer_pool_reads"]));
    push(my::REDO_BYTES_PER_S, per_s(&["innodb_os_log_written"]));
    push(my::ROW_LOCK_WAITS_PER_S, per_s(&["innodb_row_lock_waits"]));
    if let (Some(requests), Some(reads)) =
        (delta(&["innodb_buffer_pool_read_requests"]), delta(&["innodb_buffer_pool_reads"]))
        && requests > 0
    {
        out.push(Metric::new(
            metric::CACHE_HIT_PCT,
            100.0 * (1.0 - reads.min(requests) as f64 / requests as f64),
        ));
    }
    for (kind, names) in KINDS {
        let mut value = delta(names);
        if *kind == "select" {
            value = value.map(|d| d.saturating_sub(own_statements));
        }
        if let Some(d) = value {
            out.push(Metric::keyed(my::STATEMENTS_PER_S, *kind, d as f64 / secs));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mysql::rows::from_batch;

    fn status(text: &str) -> Status {
        parse(&from_batch(&format!("Variable_name\tValue\n{text}")))
    }

    fn value(metrics: &[Metric], name: &str, key: &str) -> Option<f64> {
        metrics.iter().find(|m| m.name == name && m.key == key).map(|m| m.value)
    }

    #[test]
    fn first_read_has_levels_only_then_rates() {
        let first = status(
            "Questions\t1000\nThreads_connected\t12\nCom_commit\t50\nInnodb_buffer_pool_pages_total\t100\nInnodb_buffer_pool_pages_free\t25\nInnodb_buffer_pool_pages_dirty\t5\nUptime\tx\n",
        );
        let m = metrics(None, &first, 0);
        assert_eq!(value(&m, metric::CONNECTIONS, ""), Some(12.0));
        assert_eq!(value(&m, my::BUFFER_POOL_USED_PCT, ""), Some(75.0));
        assert_eq!(value(&m, metric::TPS, ""), None, "no rate without a previous read");
        let second = status(
            "Questions\t1110\nThreads_connected\t12\nCom_commit\t70\nCom_rollback\t0\nInnodb_buffer_pool_read_requests\t1000\nInnodb_buffer_pool_reads\t10\nCom_select\t90\n",
        );
        let first_more = status(
            "Questions\t1000\nCom_commit\t50\nInnodb_buffer_pool_read_requests\t0\nInnodb_buffer_pool_reads\t0\nCom_select\t0\n",
        );
        let m = metrics(Some((&first_more, 10.0)), &second, 10);
        assert_eq!(value(&m, my::QUERIES_PER_S, ""), Some(10.0), "our 10 statements left out");
        assert_eq!(value(&m, metric::TPS, ""), Some(2.0));
        assert_eq!(value(&m, metric::CACHE_HIT_PCT, ""), Some(99.0));
        assert_eq!(value(&m, my::STATEMENTS_PER_S, "select"), Some(8.0));
    }

    #[test]
    fn a_restart_counts_from_zero_and_junk_is_skipped() {
        let before = status("Questions\t5000\n");
        let after = status("Questions\t40\nCom_commit\tNaN\n");
        let m = metrics(Some((&before, 4.0)), &after, 0);
        assert_eq!(value(&m, my::QUERIES_PER_S, ""), Some(10.0));
        assert_eq!(value(&m, metric::COMMITS_PER_S, ""), None);
    }
}
