//! Performance checks: cache, sessions, connections, temp files, deadlocks, checkpoints,
//! statement statistics, replication lag, blocking.

use super::fact_num;
use crate::collectors::postgres::posture::fact;
use crate::health::{HealthInput, Outcome, bytes, grade, not_evaluated, some_of};
use crate::model::{CheckStatus, SessionState, StatsAvailability};

const NO_HIGH: &str = "high tier has not run yet";

pub fn cache_hit(i: &HealthInput) -> Outcome {
    let Some(dbs) = &i.databases else { return not_evaluated(NO_HIGH) };
    let hit: u64 = dbs.iter().map(|d| d.blks_hit).sum();
    let read: u64 = dbs.iter().map(|d| d.blks_read).sum();
    if hit + read == 0 {
        return not_evaluated("no buffer access recorded since the statistics reset");
    }
    let pct = hit as f64 * 100.0 / (hit + read) as f64;
    let status = grade(100.0 - pct, 5.0, 15.0);
    (
        status,
        format!("hit ratio {pct:.1} % since the stats reset (attention below 95 %, critical below 85 %)"),
    )
}

fn sessions_over(
    i: &HealthInput,
    state: SessionState,
    age: fn(&crate::model::Session) -> Option<u64>,
) -> Option<Vec<(i64, u64)>> {
    let a = i.activity.as_ref()?;
    Some(a.sessions.iter().filter(|s| s.state == state).filter_map(|s| Some((s.id, age(s)?))).collect())
}

fn longest(label: &str, found: &[(i64, u64)], attention_s: u64, critical_s: u64) -> Outcome {
    let over: Vec<String> = found
        .iter()
        .filter(|(_, ms)| *ms >= attention_s * 1000)
        .map(|(pid, ms)| format!("pid {pid} {}s", ms / 1000))
        .collect();
    let worst = found.iter().map(|(_, ms)| *ms).max().unwrap_or(0) as f64 / 1000.0;
    let status = grade(worst, attention_s as f64, critical_s as f64);
    let named = if over.is_empty() { String::new() } else { format!(" {}", some_of(&over)) };
    (
        status,
        format!(
            "{} {label} over {attention_s} s, longest {worst:.0} s (attention ≥ {attention_s} s, critical ≥ {critical_s} s){named}",
            over.len()
        ),
    )
}

pub fn long_queries(i: &HealthInput) -> Outcome {
    match sessions_over(i, SessionState::Active, |s| s.query_ms) {
        Some(found) => longest("active queries", &found, 300, 3600),
        None => not_evaluated(NO_HIGH),
    }
}

pub fn idle_in_transaction(i: &HealthInput) -> Outcome {
    match sessions_over(i, SessionState::IdleInTransaction, |s| s.state_ms) {
        Some(found) => longest("sessions idle in transaction", &found, 60, 900),
        None => not_evaluated(NO_HIGH),
    }
}

pub fn blocked(i: &HealthInput) -> Outcome {
    let Some(a) = &i.activity else { return not_evaluated(NO_HIGH) };
    let waiting: Vec<_> = a.sessions.iter().filter(|s| !s.blocked_by.is_empty()).collect();
    let worst = waiting.iter().filter_map(|s| s.state_ms).max().unwrap_or(0) as f64 / 1000.0;
    let status = if waiting.is_empty() { CheckStatus::Healthy } else { grade(worst, 0.0, 30.0) };
    (
        status,
        format!(
            "{} blocked sessions, longest wait {worst:.0} s (attention any, critical ≥ 30 s)",
            waiting.len()
        ),
    )
}

pub fn connections(i: &HealthInput) -> Outcome {
    let Some(inst) = &i.instance else { return not_evaluated(NO_HIGH) };
    let Some(max) = inst.max_connections.filter(|m| *m > 0) else {
        return not_evaluated("max_connections unknown");
    };
    let pct = inst.connections as f64 * 100.0 / max as f64;
    (
        grade(pct, 75.0, 90.0),
        format!("{} of {max} connections ({pct:.0} %; attention ≥ 75 %, critical ≥ 90 %)", inst.connections),
    )
}

pub fn temp_files(i: &HealthInput) -> Outcome {
    let Some(dbs) = &i.databases else { return not_evaluated(NO_HIGH) };
    let files: u64 = dbs.iter().map(|d| d.temp_files).sum();
    let total: u64 = dbs.iter().map(|d| d.temp_bytes).sum();
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    (
        grade(total as f64, 10.0 * GIB, 100.0 * GIB),
        format!(
            "{files} temp files, {} since the stats reset (attention ≥ 10 GiB, critical ≥ 100 GiB)",
            bytes(total as f64)
        ),
    )
}

pub fn deadlocks(i: &HealthInput) -> Outcome {
    let Some(dbs) = &i.databases else { return not_evaluated(NO_HIGH) };
    let mut worst: Vec<(u64, String)> =
        dbs.iter().filter(|d| d.deadlocks > 0).map(|d| (d.deadlocks, d.name.clone())).collect();
    worst.sort_by_key(|w| std::cmp::Reverse(w.0));
    let n: u64 = worst.iter().map(|w| w.0).sum();
    let named: Vec<String> = worst.iter().map(|(n, db)| format!("{db}: {n}")).collect();
    (
        grade(n as f64, 1.0, 100.0),
        format!("{n} deadlocks since the stats reset (attention ≥ 1, critical ≥ 100) {}", some_of(&named))
            .trim_end()
            .to_owned(),
    )
}

pub fn checkpoints(i: &HealthInput) -> Outcome {
    let (Some(timed), Some(requested)) =
        (fact_num(i, fact::CHECKPOINTS_TIMED), fact_num(i, fact::CHECKPOINTS_REQUESTED))
    else {
        return not_evaluated(match i.posture {
            None => "low tier has not run yet",
            Some(_) => "checkpoint counters could not be read",
        });
    };
    if timed + requested < 1.0 {
        return not_evaluated("no checkpoint since the statistics reset");
    }
    let pct = requested * 100.0 / (timed + requested);
    (
        grade(pct, 20.0, 50.0),
        format!(
            "{requested:.0} requested of {:.0} checkpoints ({pct:.0} %; attention ≥ 20 %, critical ≥ 50 %)",
            timed + requested
        ),
    )
}

pub fn statements(i: &HealthInput) -> Outcome {
    match i.queries.as_ref().map(|q| &q.availability) {
        None => not_evaluated("medium tier has not run yet"),
        Some(StatsAvailability::Available) => {
            (CheckStatus::Healthy, "pg_stat_statements is installed and readable".into())
        }
        Some(StatsAvailability::Unavailable(reason)) => (CheckStatus::Attention, reason.clone()),
    }
}

pub fn replication_lag(i: &HealthInput) -> Outcome {
    let Some(r) = &i.replication else { return not_evaluated("medium tier has not run yet") };
    let replica_lag = r
        .replicas
        .iter()
        .filter_map(|x| x.replay_lag_ms)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    let lag_s = match (replica_lag, r.receiver.as_ref().and_then(|w| w.replay_delay_s)) {
        (Some(ms), _) => ms / 1000.0,
        (None, Some(s)) => s.max(0.0),
        (None, None) if r.replicas.is_empty() && r.receiver.is_none() => {
            return not_evaluated("not applicable: no replica connected and not a standby");
        }
        (None, None) => {
            return not_evaluated("lag columns read NULL (needs pg_monitor, or no WAL replayed yet)");
        }
    };
    (grade(lag_s, 60.0, 600.0), format!("replication lag {lag_s:.1} s (attention ≥ 60 s, critical ≥ 600 s)"))
}
