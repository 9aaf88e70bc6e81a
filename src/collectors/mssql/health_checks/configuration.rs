//! Configuration checks: memory, parallelism, plan cache, database options (auto close
//! and shrink, page verification, compatibility level, Query Store) and recovery models
//! without log backups.

use super::views::{DbView, bracketed, databases, db_cut_note, online_user_databases};
use super::{fact, fact_gap, number, setting as s, setting_gap, setting_text};
use crate::collectors::mssql::metric as ms;
use crate::health::{HealthInput, Outcome, not_evaluated, some_of};
use crate::model::CheckStatus;

/// `max server memory (MB)` as installed: no limit.
pub const MEMORY_UNLIMITED_MB: f64 = 2_147_483_647.0;

fn listed(status: CheckStatus, head: String, names: &[String]) -> Outcome {
    (status, format!("{head} {}", some_of(names)).trim_end().to_owned())
}

fn attention_if_any(head: String, names: &[String]) -> Outcome {
    let status = if names.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    listed(status, head, names)
}

fn user_dbs(i: &HealthInput) -> Result<Vec<DbView>, Outcome> {
    online_user_databases(i).map_err(not_evaluated)
}

pub fn max_server_memory(i: &HealthInput) -> Outcome {
    let Some(max) = number(i, s::MAX_SERVER_MEMORY_MB) else {
        return not_evaluated(setting_gap(i, "'max server memory (MB)'"));
    };
    let physical = number(i, s::PHYSICAL_MEMORY_MB);
    let rule = "attention when unset or leaving the OS less than 10 % of RAM or 4 GiB (the smaller), critical above RAM";
    if max >= MEMORY_UNLIMITED_MB {
        let ram = physical.map_or(String::new(), |p| format!(" on {:.1} GiB of RAM", p / 1024.0));
        return (
            CheckStatus::Attention,
            format!("'max server memory (MB)' is unset (2147483647){ram} ({rule})"),
        );
    }
    let Some(physical) = physical else {
        return (
            CheckStatus::Healthy,
            format!("'max server memory (MB)' is {max:.0} MB; RAM unknown ({rule})"),
        );
    };
    let reserve = (physical * 0.10).min(4096.0);
    let status = if max > physical {
        CheckStatus::Critical
    } else if physical - max < reserve {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    (
        status,
        format!(
            "'max server memory (MB)' is {max:.0} MB of {physical:.0} MB RAM, {:.0} MB left to the OS ({rule})",
            physical - max
        ),
    )
}

pub fn maxdop(i: &HealthInput) -> Outcome {
    let Some(dop) = number(i, s::MAXDOP) else {
        return not_evaluated(setting_gap(i, "'max degree of parallelism'"));
    };
    let Some(cpus) = number(i, s::CPU_COUNT) else {
        return not_evaluated(setting_gap(i, "its CPU count (sys.dm_os_sys_info)"));
    };
    let per_node = cpus / number(i, s::NUMA_NODES).unwrap_or(1.0).max(1.0);
    let rule = "attention when 0 with more than 8 CPUs, or above the CPUs of one NUMA node";
    let status = if (dop == 0.0 && cpus > 8.0) || dop > per_node {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    (status, format!("MAXDOP {dop:.0} on {cpus:.0} CPUs, {per_node:.0} per NUMA node ({rule})"))
}

pub fn cost_threshold(i: &HealthInput) -> Outcome {
    match number(i, s::COST_THRESHOLD) {
        Some(v) if v <= 5.0 => (
            CheckStatus::Attention,
            format!("'cost threshold for parallelism' is {v:.0} (attention at the default 5 or below)"),
        ),
        Some(v) => (CheckStatus::Healthy, format!("'cost threshold for parallelism' is {v:.0}")),
        None => not_evaluated(setting_gap(i, "'cost threshold for parallelism'")),
    }
}

pub fn optimize_for_ad_hoc(i: &HealthInput) -> Outcome {
    match number(i, s::OPTIMIZE_FOR_AD_HOC) {
        Some(0.0) => {
            (CheckStatus::Attention, "'optimize for ad hoc workloads' is 0 (attention when off)".to_owned())
        }
        Some(_) => (CheckStatus::Healthy, "'optimize for ad hoc workloads' is 1".to_owned()),
        None => not_evaluated(setting_gap(i, "'optimize for ad hoc workloads'")),
    }
}

pub fn auto_close_shrink(i: &HealthInput) -> Outcome {
    let dbs = match user_dbs(i) {
        Ok(d) => d,
        Err(o) => return o,
    };
    let found: Vec<String> = dbs
        .iter()
        .filter(|d| d.auto_close || d.auto_shrink)
        .map(|d| {
            let on: Vec<&str> = [(d.auto_close, "AUTO_CLOSE"), (d.auto_shrink, "AUTO_SHRINK")]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, o)| *o)
                .collect();
            format!("{} {}", bracketed(&d.name), on.join(", "))
        })
        .collect();
    attention_if_any(
        format!(
            "{} user databases with AUTO_CLOSE or AUTO_SHRINK on{} (attention when any)",
            found.len(),
            db_cut_note(i)
        ),
        &found,
    )
}

pub fn page_verify(i: &HealthInput) -> Outcome {
    let dbs = match databases(i) {
        Ok(d) => d,
        Err(why) => return not_evaluated(why),
    };
    let off: Vec<&DbView> =
        dbs.iter().filter(|d| d.online() && !d.page_verify.eq_ignore_ascii_case("CHECKSUM")).collect();
    let status = if off.iter().any(|d| d.page_verify.eq_ignore_ascii_case("NONE")) {
        CheckStatus::Critical
    } else if off.is_empty() {
        CheckStatus::Healthy
    } else {
        CheckStatus::Attention
    };
    let names: Vec<String> =
        off.iter().map(|d| format!("{} {}", bracketed(&d.name), d.page_verify)).collect();
    listed(
        status,
        format!("{} databases without PAGE_VERIFY CHECKSUM (attention; critical for NONE)", off.len()),
        &names,
    )
}

/// The server's own compatibility level: its major version × 10 (16.0 → 160).
fn native_level(i: &HealthInput) -> Option<u32> {
    setting_text(i, s::PRODUCT_VERSION)?.split('.').next()?.parse::<u32>().ok().map(|m| m * 10)
}

pub fn compatibility_level(i: &HealthInput) -> Outcome {
    let Some(native) = native_level(i) else { return not_evaluated(setting_gap(i, "its product version")) };
    let dbs = match user_dbs(i) {
        Ok(d) => d,
        Err(o) => return o,
    };
    let old: Vec<String> = dbs
        .iter()
        .filter_map(|d| Some((d, d.compatibility_level?)))
        .filter(|(_, level)| *level < native)
        .map(|(d, level)| format!("{} {level}", bracketed(&d.name)))
        .collect();
    attention_if_any(
        format!("{} user databases below the server's level {native} (attention when any)", old.len()),
        &old,
    )
}

pub fn query_store(i: &HealthInput) -> Outcome {
    let dbs = match user_dbs(i) {
        Ok(d) => d,
        Err(o) => return o,
    };
    let writable: Vec<&DbView> = dbs.iter().filter(|d| !d.read_only).collect();
    if writable.iter().all(|d| d.query_store_on.is_none()) && !writable.is_empty() {
        return not_evaluated(setting_gap(i, "Query Store state (sys.databases.is_query_store_on)"));
    }
    let mut found: Vec<String> = writable
        .iter()
        .filter(|d| d.query_store_on == Some(false))
        .map(|d| format!("{} off", bracketed(&d.name)))
        .collect();
    // The medium tier reads the actual state: on but READ_ONLY (out of space) is its 0.
    let read_only = writable.iter().filter(|d| {
        d.query_store_on == Some(true) && i.metric(ms::QUERY_STORE_READ_WRITE, &d.name) == Some(0.0)
    });
    found.extend(read_only.map(|d| format!("{} read-only", bracketed(&d.name))));
    let state = if i.metrics.keys().any(|(n, _)| n == ms::QUERY_STORE_READ_WRITE) {
        ""
    } else {
        "; read-only state unknown until the medium tier runs"
    };
    attention_if_any(
        format!(
            "{} of {} writable user databases without a read-write Query Store{state} (attention when any)",
            found.len(),
            writable.len()
        ),
        &found,
    )
}

pub fn recovery_without_log_backups(i: &HealthInput) -> Outcome {
    let dbs = match user_dbs(i) {
        Ok(d) => d,
        Err(o) => return o,
    };
    let Some(days) = i.fact(fact::BACKUPS_WINDOW_DAYS) else {
        return not_evaluated(fact_gap(i, fact::READ_BACKUPS, "its backup history"));
    };
    let found: Vec<String> = dbs
        .iter()
        .filter(|d| d.logged_recovery() && !d.read_only && d.log_backup_age_min.is_none())
        .map(|d| {
            format!(
                "{} {}{}",
                bracketed(&d.name),
                d.recovery_model,
                if d.in_availability_group { " (AG: maybe backed up on another replica)" } else { "" }
            )
        })
        .collect();
    let head = format!(
        "{} user databases in FULL/BULK_LOGGED recovery without a log backup in {days} days (attention when any)",
        found.len()
    );
    attention_if_any(head, &found)
}
