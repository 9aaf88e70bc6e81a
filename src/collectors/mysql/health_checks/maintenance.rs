//! Maintenance checks: long transactions (purge and locks held back), replication
//! threads and lag, deadlocks.

use super::performance::longest;
use super::{NO_HIGH, NO_MEDIUM, counter, fact, fact_gap, is_replica, since_start};
use crate::collectors::mysql::metric as my;
use crate::health::{HealthInput, Outcome, grade, not_evaluated, some_of};
use crate::model::{CheckStatus, metric};

pub fn long_transactions(i: &HealthInput) -> Outcome {
    if let Some(a) = &i.activity {
        let found: Vec<(i64, u64)> = a.sessions.iter().filter_map(|s| Some((s.id, s.xact_ms?))).collect();
        return longest("open transactions", &found, 300, 3600);
    }
    match i.metric(my::OLDEST_TRANSACTION_S, "") {
        Some(s) => (
            grade(s, 300.0, 3600.0),
            format!("oldest open transaction {s:.0} s (attention ≥ 300 s, critical ≥ 3600 s)"),
        ),
        None => not_evaluated(NO_HIGH),
    }
}

/// `replica_thread_running` points: (key, running).
fn replica_threads(i: &HealthInput) -> Vec<(&str, bool)> {
    i.metrics
        .iter()
        .filter(|((name, _), _)| name == my::REPLICA_THREAD_RUNNING)
        .map(|((_, key), v)| (key.as_str(), *v >= 1.0))
        .collect()
}

/// Why a replication check has nothing to judge.
fn no_replica_data(i: &HealthInput) -> Outcome {
    match (is_replica(i), &i.replication) {
        (Some(false), Some(_)) => not_evaluated("not applicable: this server is not a replica"),
        (Some(false), None) if i.instance.is_some() => {
            not_evaluated("not applicable: this server is writable, so not a replica")
        }
        (Some(true), Some(_)) => not_evaluated("the server reported no replica status figure"),
        _ => not_evaluated(NO_MEDIUM),
    }
}

pub fn replication_threads(i: &HealthInput) -> Outcome {
    let threads = replica_threads(i);
    if threads.is_empty() {
        return no_replica_data(i);
    }
    let stopped: Vec<String> =
        threads.iter().filter(|(_, up)| !up).map(|(k, _)| format!("{k} stopped")).collect();
    let status = if stopped.is_empty() { CheckStatus::Healthy } else { CheckStatus::Critical };
    (
        status,
        format!(
            "{} of {} replica threads stopped (critical when any) {}",
            stopped.len(),
            threads.len(),
            some_of(&stopped)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn replication_lag(i: &HealthInput) -> Outcome {
    match i.metric(metric::REPLICATION_LAG_S, "") {
        Some(lag) => (
            grade(lag, 60.0, 600.0),
            format!("replica {lag:.0} s behind its source (attention ≥ 60 s, critical ≥ 600 s)"),
        ),
        None if replica_threads(i).iter().any(|(_, up)| !up) => not_evaluated(
            "no lag figure while a replica thread is stopped (see the replication threads check)",
        ),
        None => no_replica_data(i),
    }
}

pub fn deadlocks(i: &HealthInput) -> Outcome {
    let rule = "attention ≥ 1 per hour, critical ≥ 1 per minute, averaged over at least a day";
    match (counter(i, "innodb_deadlocks"), counter(i, "uptime")) {
        (Some(n), Some(up)) => {
            // A young server is averaged over a day: one deadlock in its first minutes
            // is not a rate of sixty an hour.
            let per_hour = n * 3600.0 / up.max(86400.0);
            (
                grade(per_hour, 1.0, 60.0),
                format!("{n:.0} deadlocks {}, {per_hour:.2} per hour ({rule})", since_start(i)),
            )
        }
        _ => match i.metric(metric::DEADLOCKS_PER_S, "") {
            Some(rate) => (
                grade(rate * 3600.0, 1.0, 60.0),
                format!("{:.2} deadlocks per hour over the last interval ({rule})", rate * 3600.0),
            ),
            None if counter(i, "uptime").is_some() => not_evaluated(
                "this server counts no deadlocks (no Innodb_deadlocks, lock_deadlocks metric disabled)",
            ),
            None => not_evaluated(fact_gap(i, fact::READ_STATUS, "a deadlock counter")),
        },
    }
}
