//! Performance checks over the high and medium tiers' metrics: processes and sessions
//! against their limits, buffer cache hits, hard parses, load against CPUs, blocking and
//! Data Guard lag.

use super::configuration::data_guard;
use super::{NO_HIGH, NO_LOW, NO_MEDIUM, is_standby, keyed, number, role, setting};
use crate::collectors::oracle::metric as om;
use crate::health::{HealthInput, Outcome, grade, not_evaluated};
use crate::model::{CheckStatus, metric};

pub fn resource_limits(i: &HealthInput) -> Outcome {
    let mut used: Vec<(&str, f64)> = keyed(i, om::RESOURCE_USED_PCT).collect();
    if used.is_empty() {
        return not_evaluated(NO_MEDIUM);
    }
    used.sort_by(|a, b| b.1.total_cmp(&a.1));
    let worst = used[0].1;
    let each: Vec<String> = used.iter().map(|(k, v)| format!("{k} {v:.0} %")).collect();
    (
        grade(worst, 80.0, 95.0),
        format!("{} of their limits in use (attention ≥ 80 %, critical ≥ 95 %)", each.join(", ")),
    )
}

pub fn buffer_cache_hit(i: &HealthInput) -> Outcome {
    match i.metric(metric::CACHE_HIT_PCT, "") {
        Some(pct) => (
            grade(100.0 - pct, 10.0, 20.0),
            format!(
                "{pct:.1} % of logical reads served from the buffer cache (attention below 90 %, critical below 80 %)"
            ),
        ),
        None => not_evaluated(NO_MEDIUM),
    }
}

pub fn hard_parses(i: &HealthInput) -> Outcome {
    let Some(hard) = i.metric(om::HARD_PARSES_PER_S, "") else { return not_evaluated(NO_MEDIUM) };
    let share = i
        .metric(om::EXECUTIONS_PER_S, "")
        .filter(|e| *e > 0.0)
        .map_or(String::new(), |e| format!(" ({:.1} % of {e:.0} executions/s)", hard / e * 100.0));
    (
        grade(hard, 100.0, 500.0),
        format!("{hard:.1} hard parses/s{share} (attention ≥ 100/s, critical ≥ 500/s)"),
    )
}

pub fn load(i: &HealthInput) -> Outcome {
    let Some(aas) = i.metric(om::AVERAGE_ACTIVE_SESSIONS, "") else { return not_evaluated(NO_MEDIUM) };
    let Some(cpus) = number(i, setting::CPU_COUNT).filter(|c| *c > 0.0) else { return not_evaluated(NO_LOW) };
    (
        grade(aas / cpus, 1.0, 2.0),
        format!(
            "{aas:.1} average active sessions on {cpus:.0} CPUs (attention above the CPU count, critical above twice)"
        ),
    )
}

pub fn blocking(i: &HealthInput) -> Outcome {
    match i.metric(metric::BLOCKED_SESSIONS, "") {
        Some(n) => (
            grade(n, 1.0, 5.0),
            format!("{n:.0} sessions waiting on another's lock (attention ≥ 1, critical ≥ 5)"),
        ),
        None => not_evaluated(NO_HIGH),
    }
}

pub fn dataguard(i: &HealthInput) -> Outcome {
    let Some(role) = role(i) else { return not_evaluated(NO_LOW) };
    if is_standby(i) {
        let lag = [om::APPLY_LAG_S, om::TRANSPORT_LAG_S, metric::REPLICATION_LAG_S]
            .iter()
            .filter_map(|m| i.metric(m, ""))
            .reduce(f64::max);
        return match lag {
            Some(lag) => (
                grade(lag, 300.0, 1800.0),
                format!("{role}: {lag:.0} s behind the primary (attention ≥ 5 min, critical ≥ 30 min)"),
            ),
            None => not_evaluated(NO_MEDIUM),
        };
    }
    if !data_guard(i) {
        return (CheckStatus::Healthy, format!("{role} without a standby destination: nothing to lag"));
    }
    match i.metric(om::ARCHIVE_DEST_ERRORS, "") {
        Some(n) => (
            if n > 0.0 { CheckStatus::Critical } else { CheckStatus::Healthy },
            format!("{role}: {n:.0} archive destinations in error (critical ≥ 1)"),
        ),
        None => not_evaluated(NO_MEDIUM),
    }
}
