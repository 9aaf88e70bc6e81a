//! Performance checks over the high tier's counters, waits and sessions and the medium
//! tier's log space: page life expectancy, memory grants, buffer cache hits,
//! compilations, deadlocks, the dominant wait, log space, blocking, long requests.

use super::configuration::MEMORY_UNLIMITED_MB;
use super::{NO_HIGH, NO_MEDIUM, keyed, number, setting as s};
use crate::collectors::mssql::metric as ms;
use crate::health::{HealthInput, Outcome, grade, not_evaluated, some_of};
use crate::model::{CheckStatus, SessionState, WaitCategory, metric};

/// The buffer pool's ceiling in GiB: max server memory, capped by RAM.
fn buffer_pool_gib(i: &HealthInput) -> Option<f64> {
    let max = number(i, s::MAX_SERVER_MEMORY_MB).filter(|m| *m < MEMORY_UNLIMITED_MB);
    let ram = number(i, s::PHYSICAL_MEMORY_MB);
    let mb = match (max, ram) {
        (Some(m), Some(r)) => m.min(r),
        (m, r) => m.or(r)?,
    };
    Some(mb / 1024.0)
}

pub fn page_life_expectancy(i: &HealthInput) -> Outcome {
    let Some(ple) = i.metric(ms::PAGE_LIFE_EXPECTANCY_S, "") else { return not_evaluated(NO_HIGH) };
    let (expected, basis) = match buffer_pool_gib(i) {
        Some(gib) => (300.0 * (gib / 4.0).max(1.0), format!("300 s per 4 GiB of a {gib:.1} GiB buffer pool")),
        None => (300.0, "300 s, memory size unknown".to_owned()),
    };
    let status = if ple < expected / 4.0 {
        CheckStatus::Critical
    } else if ple < expected {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    (
        status,
        format!(
            "page life expectancy {ple:.0} s, expected ≥ {expected:.0} s ({basis}; attention below, critical below a quarter)"
        ),
    )
}

pub fn memory_grants_pending(i: &HealthInput) -> Outcome {
    match i.metric(ms::MEMORY_GRANTS_PENDING, "") {
        Some(n) => (
            grade(n, 1.0, 5.0),
            format!("{n:.0} queries waiting for a memory grant (attention ≥ 1, critical ≥ 5)"),
        ),
        None => not_evaluated(NO_HIGH),
    }
}

pub fn buffer_cache_hit(i: &HealthInput) -> Outcome {
    match i.metric(metric::CACHE_HIT_PCT, "") {
        Some(pct) => (
            grade(100.0 - pct, 5.0, 10.0),
            format!(
                "{pct:.2} % of page reads served from the buffer pool over the last interval (attention below 95 %, critical below 90 %)"
            ),
        ),
        None => not_evaluated(NO_HIGH),
    }
}

pub fn compilations(i: &HealthInput) -> Outcome {
    let (Some(batches), Some(compiles)) =
        (i.metric(ms::BATCH_REQUESTS_PER_S, ""), i.metric(ms::COMPILATIONS_PER_S, ""))
    else {
        return not_evaluated(NO_HIGH);
    };
    if batches < 10.0 {
        return not_evaluated(format!("too few batches to judge ({batches:.1}/s, needs 10/s)"));
    }
    let pct = 100.0 * compiles / batches;
    let recompiles = i
        .metric(ms::RECOMPILATIONS_PER_S, "")
        .map_or(String::new(), |r| format!(", {r:.1} recompilations/s"));
    (
        grade(pct, 10.0, 25.0),
        format!(
            "{compiles:.1} compilations/s for {batches:.1} batches/s = {pct:.1} %{recompiles} (attention ≥ 10 %, critical ≥ 25 %)"
        ),
    )
}

pub fn deadlocks(i: &HealthInput) -> Outcome {
    let rate = i.metric(metric::DEADLOCKS_PER_S, "");
    let reports = i.metric(ms::DEADLOCK_REPORTS, "");
    if rate.is_none() && reports.is_none() {
        return not_evaluated(NO_HIGH);
    }
    let per_min = rate.unwrap_or(0.0) * 60.0;
    let status = if per_min >= 1.0 {
        CheckStatus::Critical
    } else if per_min > 0.0 || reports.is_some_and(|r| r > 0.0) {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    let reports = reports.map_or(String::new(), |r| format!(", {r:.0} new reports in system_health"));
    (
        status,
        format!(
            "{per_min:.2} deadlocks per minute over the last interval{reports} (attention when any, critical ≥ 1 per minute)"
        ),
    )
}

pub fn dominant_wait(i: &HealthInput) -> Outcome {
    let mut waits: Vec<(&str, f64)> = keyed(i, ms::WAIT_MS_PER_S).collect();
    waits.sort_by(|a, b| b.1.total_cmp(&a.1));
    let Some(&(top, ms_per_s)) = waits.first() else { return not_evaluated(NO_HIGH) };
    let judged = [WaitCategory::Locks.label(), WaitCategory::Io.label()];
    let status = if judged.contains(&top) { grade(ms_per_s, 1000.0, 10_000.0) } else { CheckStatus::Healthy };
    let lock_waits =
        i.metric(ms::LOCK_WAITS_PER_S, "").map_or(String::new(), |l| format!(", {l:.1} lock waits/s"));
    (
        status,
        format!(
            "top wait category {top} at {ms_per_s:.0} ms/s{lock_waits} (Locks or IO on top: attention ≥ 1000 ms/s, critical ≥ 10000 ms/s)"
        ),
    )
}

pub fn log_space(i: &HealthInput) -> Outcome {
    let mut used: Vec<(&str, f64)> = keyed(i, ms::LOG_USED_PCT).collect();
    used.sort_by(|a, b| b.1.total_cmp(&a.1));
    let Some(&(_, worst)) = used.first() else { return not_evaluated(NO_MEDIUM) };
    let over: Vec<String> =
        used.iter().filter(|(_, p)| *p >= 75.0).map(|(d, p)| format!("{d} {p:.0} %")).collect();
    (
        grade(worst, 75.0, 90.0),
        format!(
            "fullest transaction log {worst:.0} % used (attention ≥ 75 %, critical ≥ 90 %) {}",
            some_of(&over)
        )
        .trim_end()
        .to_owned(),
    )
}

/// The sessions of the Activity sample matching `pick` as (id, ms).
fn sessions(i: &HealthInput, pick: fn(&crate::model::Session) -> Option<u64>) -> Option<Vec<(i64, u64)>> {
    Some(i.activity.as_ref()?.sessions.iter().filter_map(|s| Some((s.id, pick(s)?))).collect())
}

/// The longest of `found` graded in seconds; the offenders named.
pub fn longest(what: &str, found: &[(i64, u64)], attention_s: u64, critical_s: u64) -> Outcome {
    let worst = found.iter().map(|(_, ms)| *ms).max().unwrap_or(0) / 1000;
    let named: Vec<String> = found
        .iter()
        .filter(|(_, ms)| ms / 1000 >= attention_s)
        .map(|(id, ms)| format!("SPID {id} {} s", ms / 1000))
        .collect();
    (
        grade(worst as f64, attention_s as f64, critical_s as f64),
        format!(
            "longest {what} {worst} s (attention ≥ {attention_s} s, critical ≥ {critical_s} s) {}",
            some_of(&named)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn long_requests(i: &HealthInput) -> Outcome {
    if let Some(found) = sessions(i, |s| {
        if s.state == SessionState::Active || s.state == SessionState::WaitingForLock {
            s.query_ms
        } else {
            None
        }
    }) {
        return longest("running request", &found, 300, 3600);
    }
    match i.metric(metric::LONGEST_QUERY_S, "") {
        Some(v) => (
            grade(v, 300.0, 3600.0),
            format!("longest running request {v:.0} s (attention ≥ 300 s, critical ≥ 3600 s)"),
        ),
        None => not_evaluated(NO_HIGH),
    }
}

pub fn blocking(i: &HealthInput) -> Outcome {
    let Some(a) = &i.activity else {
        return match i.metric(metric::BLOCKED_SESSIONS, "") {
            Some(n) => {
                (grade(n, 1.0, 10.0), format!("{n:.0} blocked sessions (attention any, critical ≥ 10)"))
            }
            None => not_evaluated(NO_HIGH),
        };
    };
    let blocked: Vec<_> = a.sessions.iter().filter(|s| !s.blocked_by.is_empty()).collect();
    let worst = blocked.iter().filter_map(|s| s.query_ms.or(s.state_ms)).max().unwrap_or(0) as f64 / 1000.0;
    let status = if blocked.is_empty() { CheckStatus::Healthy } else { grade(worst, 0.0, 30.0) };
    let named: Vec<String> = blocked
        .iter()
        .map(|s| format!("SPID {} behind {}", s.id, s.blocked_by.first().copied().unwrap_or_default()))
        .collect();
    (
        status,
        format!(
            "{} sessions blocked, longest {worst:.0} s (attention any, critical ≥ 30 s) {}",
            blocked.len(),
            some_of(&named)
        )
        .trim_end()
        .to_owned(),
    )
}
