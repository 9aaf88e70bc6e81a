//! Configuration checks: durability, the binary log, observability (performance_schema,
//! slow log), the query cache, tablespaces, SQL mode, redo log and buffer pool sizes.

use super::{NO_HIGH, enabled, is_replica, number, setting, setting_gap};
use crate::collectors::mysql::metric as my;
use crate::health::{HealthInput, Outcome, bytes, grade, not_evaluated};
use crate::model::{CheckStatus, metric};

const MIB: f64 = 1024.0 * 1024.0;

/// Relaxed durability is a common, deliberate trade-off on replicas (they can be rebuilt
/// from the primary); on a primary a crash loses committed transactions.
fn durability(i: &HealthInput, name: &str, loses: &str) -> Outcome {
    let Some(value) = setting(i, name) else { return not_evaluated(setting_gap(i, name)) };
    if value.trim() == "1" {
        return (CheckStatus::Healthy, format!("{name} = 1"));
    }
    if is_replica(i) == Some(true) {
        return (
            CheckStatus::Healthy,
            format!("{name} = {value} on a replica (accepted there; attention on a primary)"),
        );
    }
    (CheckStatus::Attention, format!("{name} = {value}: {loses} (attention on a primary when not 1)"))
}

pub fn flush_log_at_trx_commit(i: &HealthInput) -> Outcome {
    durability(
        i,
        "innodb_flush_log_at_trx_commit",
        "up to a second of committed transactions is lost if the server or host crashes",
    )
}

pub fn sync_binlog(i: &HealthInput) -> Outcome {
    match enabled(i, "log_bin") {
        None => not_evaluated(setting_gap(i, "log_bin")),
        Some(false) => not_evaluated("not applicable: the binary log is off"),
        Some(true) => durability(
            i,
            "sync_binlog",
            "after a host crash the binary log can miss transactions InnoDB committed, and replicas diverge",
        ),
    }
}

pub fn binary_log(i: &HealthInput) -> Outcome {
    match enabled(i, "log_bin") {
        None => not_evaluated(setting_gap(i, "log_bin")),
        Some(true) => {
            let format = setting(i, "binlog_format").unwrap_or("?");
            (CheckStatus::Healthy, format!("binary log ON (binlog_format {format})"))
        }
        Some(false) => (
            CheckStatus::Attention,
            "binary log OFF: no point-in-time recovery and no replica can follow (attention when OFF)".into(),
        ),
    }
}

pub fn binlog_expiry(i: &HealthInput) -> Outcome {
    match enabled(i, "log_bin") {
        None => return not_evaluated(setting_gap(i, "log_bin")),
        Some(false) => return not_evaluated("not applicable: the binary log is off"),
        Some(true) => {}
    }
    let seconds = number(i, "binlog_expire_logs_seconds").unwrap_or(0.0);
    let days = number(i, "expire_logs_days").unwrap_or(0.0);
    if enabled(i, "binlog_expire_logs_auto_purge") == Some(false) {
        return (
            CheckStatus::Attention,
            "binlog_expire_logs_auto_purge OFF: binary logs are never purged".into(),
        );
    }
    let expiry_s = if seconds > 0.0 { seconds } else { days * 86400.0 };
    if expiry_s <= 0.0 {
        return (
            CheckStatus::Attention,
            "binlog_expire_logs_seconds and expire_logs_days are 0: binary logs are kept until the disk fills (attention when unset)"
                .into(),
        );
    }
    (CheckStatus::Healthy, format!("binary logs expire after {:.1} days", expiry_s / 86400.0))
}

pub fn performance_schema(i: &HealthInput) -> Outcome {
    match enabled(i, "performance_schema") {
        None => not_evaluated(setting_gap(i, "performance_schema")),
        Some(true) => (CheckStatus::Healthy, "performance_schema ON".into()),
        Some(false) => (
            CheckStatus::Attention,
            "performance_schema OFF: no statement statistics, no metadata-lock holders, no index usage (attention when OFF)"
                .into(),
        ),
    }
}

pub fn slow_query_log(i: &HealthInput) -> Outcome {
    let long = setting(i, "long_query_time").and_then(|v| v.trim().parse::<f64>().ok());
    match enabled(i, "slow_query_log") {
        None => not_evaluated(setting_gap(i, "slow_query_log")),
        Some(true) => (
            CheckStatus::Healthy,
            format!("slow query log ON, long_query_time {}", long.map_or("?".into(), |l| format!("{l} s"))),
        ),
        Some(false) => (CheckStatus::Attention, "slow query log OFF (attention when OFF)".into()),
    }
}

pub fn query_cache(i: &HealthInput) -> Outcome {
    let Some(kind) = setting(i, "query_cache_type") else {
        return match &i.settings {
            Some(_) => (CheckStatus::Healthy, "no query cache on this server (removed in MySQL 8.0)".into()),
            None => not_evaluated(setting_gap(i, "query_cache_type")),
        };
    };
    let size = number(i, "query_cache_size").unwrap_or(0.0);
    let on = !matches!(kind.trim().to_ascii_uppercase().as_str(), "OFF" | "0");
    if on && size > 0.0 {
        (
            CheckStatus::Attention,
            format!("query cache on (query_cache_type {kind}, {}) (attention when on)", bytes(size)),
        )
    } else {
        (CheckStatus::Healthy, format!("query cache off (query_cache_type {kind}, size {})", bytes(size)))
    }
}

pub fn file_per_table(i: &HealthInput) -> Outcome {
    match enabled(i, "innodb_file_per_table") {
        None => not_evaluated(setting_gap(i, "innodb_file_per_table")),
        Some(true) => (CheckStatus::Healthy, "innodb_file_per_table ON".into()),
        Some(false) => (
            CheckStatus::Attention,
            "innodb_file_per_table OFF: new tables go into the system tablespace, which never shrinks".into(),
        ),
    }
}

pub fn sql_mode(i: &HealthInput) -> Outcome {
    let Some(mode) = setting(i, "sql_mode") else { return not_evaluated(setting_gap(i, "sql_mode")) };
    let strict = mode.split(',').any(|m| matches!(m.trim(), "STRICT_TRANS_TABLES" | "STRICT_ALL_TABLES"));
    let shown = if mode.is_empty() { "(empty)" } else { mode };
    if strict {
        (CheckStatus::Healthy, format!("sql_mode {shown}"))
    } else {
        (
            CheckStatus::Attention,
            format!("sql_mode {shown}: not strict (attention without STRICT_TRANS_TABLES)"),
        )
    }
}

/// Redo log capacity: `innodb_redo_log_capacity` (MySQL 8.0.30+), else the file size
/// times the number of files (one since MariaDB 10.5).
fn redo_capacity(i: &HealthInput) -> Option<f64> {
    number(i, "innodb_redo_log_capacity").or_else(|| {
        Some(number(i, "innodb_log_file_size")? * number(i, "innodb_log_files_in_group").unwrap_or(1.0))
    })
}

pub fn redo_log_size(i: &HealthInput) -> Outcome {
    let age = i.metric(my::CHECKPOINT_AGE_PCT, "");
    let capacity = redo_capacity(i);
    let minutes = match (capacity, i.metric(my::REDO_BYTES_PER_S, "")) {
        (Some(c), Some(rate)) if rate > 0.0 => Some(c / rate / 60.0),
        _ => None,
    };
    if age.is_none() && minutes.is_none() {
        return not_evaluated(match (capacity, &i.instance) {
            (None, _) => setting_gap(i, "the redo log size"),
            (Some(_), None) => NO_HIGH.to_owned(),
            (Some(_), Some(_)) => {
                "needs the redo write rate (two high-tier reads) or the checkpoint age (medium tier)"
                    .to_owned()
            }
        });
    }
    let by_age = age.map_or(CheckStatus::Healthy, |a| grade(a, 75.0, 85.0));
    // Fewer minutes is worse: graded on the negated value.
    let by_time = minutes.map_or(CheckStatus::Healthy, |m| grade(-m, -15.0, -5.0));
    let status = if by_age == CheckStatus::Critical || by_time == CheckStatus::Critical {
        CheckStatus::Critical
    } else if by_age == CheckStatus::Attention || by_time == CheckStatus::Attention {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    let mut parts = Vec::new();
    if let Some(c) = capacity {
        parts.push(format!("redo capacity {}", bytes(c)));
    }
    if let Some(m) = minutes {
        parts.push(format!("{m:.0} min of writes at the current rate (attention < 15, critical < 5)"));
    }
    if let Some(a) = age {
        parts.push(format!("checkpoint age {a:.0} % of capacity (attention ≥ 75 %, critical ≥ 85 %)"));
    }
    (status, parts.join(", "))
}

/// Data size: the schema inventory's databases, else the database size metrics.
fn data_bytes(i: &HealthInput) -> Option<f64> {
    if let Some(snap) = &i.schema {
        let sizes: Vec<u64> = snap.databases.iter().filter_map(|d| d.size_bytes).collect();
        if !sizes.is_empty() {
            return Some(sizes.iter().sum::<u64>() as f64);
        }
    }
    let sizes: Vec<f64> =
        i.metrics.iter().filter(|((n, _), _)| n == metric::DATABASE_SIZE_BYTES).map(|(_, v)| *v).collect();
    (!sizes.is_empty()).then(|| sizes.iter().sum())
}

pub fn buffer_pool_size(i: &HealthInput) -> Outcome {
    let Some(pool) = number(i, "innodb_buffer_pool_size") else {
        return not_evaluated(setting_gap(i, "innodb_buffer_pool_size"));
    };
    let default_sized = pool <= 128.0 * MIB;
    let rule = "attention at the 128 MiB default or below unless the data fits";
    match data_bytes(i) {
        Some(data) if data <= pool => (
            CheckStatus::Healthy,
            format!("innodb_buffer_pool_size {} holds all {} of data", bytes(pool), bytes(data)),
        ),
        Some(data) if default_sized => (
            CheckStatus::Attention,
            format!("innodb_buffer_pool_size {} for {} of data ({rule})", bytes(pool), bytes(data)),
        ),
        None if default_sized => (
            CheckStatus::Attention,
            format!("innodb_buffer_pool_size {}, data size unknown ({rule})", bytes(pool)),
        ),
        _ => (CheckStatus::Healthy, format!("innodb_buffer_pool_size {} ({rule})", bytes(pool))),
    }
}
