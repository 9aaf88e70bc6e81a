//! Performance checks from the high and medium tiers' metrics: WiredTiger cache
//! pressure, storage-engine tickets and queues, replication lag, connections against
//! the limit, page faults.

use super::{NO_HIGH, NO_MEDIUM, keyed, setting as s, setting_text, topology};
use crate::collectors::mongodb::metric as m;
use crate::health::{HealthInput, Outcome, grade, not_evaluated};
use crate::model::{CheckStatus, metric};

/// Why a high-tier metric is missing: the tier has not run, or the server has no such figure.
fn high_gap(i: &HealthInput, what: &str) -> String {
    if i.metrics.is_empty() { NO_HIGH.to_owned() } else { format!("this server does not report {what}") }
}

/// Why a replica set metric is missing: not a member, the tier has not run, or not reported.
pub(super) fn replica_gap(i: &HealthInput, what: &str) -> String {
    match setting_text(i, s::TOPOLOGY) {
        Some(t @ (topology::STANDALONE | topology::ROUTER)) => format!("not applicable: a {t} has no {what}"),
        Some(topology::ARBITER) => format!("not applicable: an arbiter has no {what}"),
        _ if i.metrics.is_empty() => NO_MEDIUM.to_owned(),
        _ => format!("this server does not report its {what}"),
    }
}

fn worse(a: CheckStatus, b: CheckStatus) -> CheckStatus {
    let rank = |s: &CheckStatus| match s {
        CheckStatus::Critical => 2,
        CheckStatus::Attention => 1,
        _ => 0,
    };
    if rank(&b) > rank(&a) { b } else { a }
}

pub fn cache_pressure(i: &HealthInput) -> Outcome {
    let used = i.metric(m::CACHE_USED_PCT, "");
    let dirty = i.metric(m::CACHE_DIRTY_PCT, "");
    if used.is_none() && dirty.is_none() {
        return not_evaluated(high_gap(i, "a WiredTiger cache"));
    }
    let status = worse(grade(used.unwrap_or(0.0), 90.0, 95.0), grade(dirty.unwrap_or(0.0), 10.0, 20.0));
    let show = |v: Option<f64>| v.map_or("?".to_owned(), |v| format!("{v:.0} %"));
    (
        status,
        format!(
            "cache used {}, dirty {} (attention at 90 % / 10 %, critical at 95 % / 20 %: application threads evict)",
            show(used),
            show(dirty)
        ),
    )
}

pub fn tickets(i: &HealthInput) -> Outcome {
    let available: Vec<(&str, f64)> = keyed(i, m::TICKETS_AVAILABLE).collect();
    let queued: f64 = keyed(i, m::QUEUED_OPERATIONS).map(|(_, v)| v).sum();
    if available.is_empty() && i.metric(m::QUEUED_OPERATIONS, "readers").is_none() {
        return not_evaluated(high_gap(i, "storage-engine tickets or queues"));
    }
    let exhausted: Vec<&str> = available.iter().filter(|(_, v)| *v <= 0.0).map(|(k, _)| *k).collect();
    let status = if exhausted.is_empty() { grade(queued, 10.0, 100.0) } else { CheckStatus::Critical };
    let tickets = available.iter().map(|(k, v)| format!("{k} {v:.0}")).collect::<Vec<_>>().join(", ");
    (
        status,
        format!(
            "tickets available: {}; {queued:.0} operation(s) queued (critical when a kind has none left or ≥ 100 queued, attention at ≥ 10)",
            if tickets.is_empty() { "not reported".to_owned() } else { tickets }
        ),
    )
}

pub fn replication_lag(i: &HealthInput) -> Outcome {
    let Some(lag) = i.metric(metric::REPLICATION_LAG_S, "") else {
        return not_evaluated(replica_gap(i, "replication lag"));
    };
    (
        grade(lag, 30.0, 300.0),
        format!("worst secondary {lag:.0} s behind (attention ≥ 30 s, critical ≥ 300 s)"),
    )
}

pub fn connections(i: &HealthInput) -> Outcome {
    let (Some(used), Some(max)) = (i.metric(metric::CONNECTIONS, ""), i.metric(metric::MAX_CONNECTIONS, ""))
    else {
        return not_evaluated(high_gap(i, "its connections"));
    };
    if max <= 0.0 {
        return not_evaluated("the connection limit reads as 0");
    }
    let pct = used / max * 100.0;
    (
        grade(pct, 80.0, 95.0),
        format!("{used:.0} of {max:.0} connections ({pct:.0} %; attention ≥ 80 %, critical ≥ 95 %)"),
    )
}

pub fn page_faults(i: &HealthInput) -> Outcome {
    let Some(rate) = i.metric(m::PAGE_FAULTS_PER_S, "") else {
        return not_evaluated(high_gap(i, "page faults (extra_info.page_faults is Linux-only)"));
    };
    (grade(rate, 10.0, 100.0), format!("{rate:.1} page faults/s (attention ≥ 10, critical ≥ 100)"))
}
