//! Performance checks: memory fragmentation, evictions, client limits, replication,
//! slow log and latency events.

use super::{NO_HIGH, NO_MEDIUM, fact, low_gap, setting};
use crate::health::{HealthInput, Outcome, bytes, grade, not_evaluated, some_of};
use crate::model::{CheckStatus, ServerRole, StatsAvailability, metric};
use std::collections::BTreeMap;

const MIB: f64 = 1024.0 * 1024.0;

pub fn fragmentation(i: &HealthInput) -> Outcome {
    let (Some(ratio), Some(used)) =
        (i.metric(metric::MEMORY_FRAGMENTATION_RATIO, ""), i.metric(metric::MEMORY_USED_BYTES, ""))
    else {
        return not_evaluated(NO_HIGH);
    };
    let rule = "attention above 1.5 or below 1.0, critical above 2.0; not judged under 64 MiB";
    if used < 64.0 * MIB {
        return (
            CheckStatus::Healthy,
            format!("ratio {ratio:.2} with {} used: too small to judge ({rule})", bytes(used)),
        );
    }
    let status = if ratio < 1.0 { CheckStatus::Attention } else { grade(ratio, 1.5, 2.0) };
    let hint = if ratio < 1.0 { ": part of the dataset is swapped out" } else { "" };
    (status, format!("ratio {ratio:.2} with {} used{hint} ({rule})", bytes(used)))
}

pub fn evictions(i: &HealthInput) -> Outcome {
    let Some(rate) = i.metric(metric::EVICTED_KEYS_PER_S, "") else { return not_evaluated(NO_HIGH) };
    let policy = setting(i, "maxmemory-policy").map_or(String::new(), |p| format!(", policy {p}"));
    (
        grade(rate, 1.0, 100.0),
        format!("{rate:.1} keys evicted per second{policy} (attention ≥ 1/s, critical ≥ 100/s)"),
    )
}

pub fn rejected(i: &HealthInput) -> Outcome {
    let Some(rate) = i.metric(metric::REJECTED_CONNECTIONS_PER_S, "") else { return not_evaluated(NO_HIGH) };
    let status = if rate > 0.0 { CheckStatus::Critical } else { CheckStatus::Healthy };
    (status, format!("{rate:.2} connections rejected per second over the last interval (critical above 0)"))
}

pub fn clients(i: &HealthInput) -> Outcome {
    let connected = i.instance.as_ref().map(|x| x.connections as f64).or(i.metric(metric::CONNECTIONS, ""));
    let max = i
        .instance
        .as_ref()
        .and_then(|x| x.max_connections)
        .map(|m| m as f64)
        .or(i.metric(metric::MAX_CONNECTIONS, ""));
    let Some(connected) = connected else { return not_evaluated(NO_HIGH) };
    let Some(max) = max.filter(|m| *m > 0.0) else { return not_evaluated("maxclients unknown") };
    let pct = connected * 100.0 / max;
    (
        grade(pct, 80.0, 95.0),
        format!("{connected:.0} of {max:.0} clients ({pct:.0} %; attention ≥ 80 %, critical ≥ 95 %)"),
    )
}

fn is_replica(i: &HealthInput) -> Option<bool> {
    if let Some(r) = &i.replication {
        return Some(r.role == ServerRole::Standby || r.receiver.is_some());
    }
    if let Some(role) = i.fact(fact::ROLE) {
        return Some(matches!(role, "replica" | "slave"));
    }
    i.instance.as_ref().map(|x| x.role == ServerRole::Standby)
}

pub fn replication_link(i: &HealthInput) -> Outcome {
    match is_replica(i) {
        None => return not_evaluated(NO_MEDIUM),
        Some(false) => return not_evaluated("not applicable: this server is not a replica"),
        Some(true) => {}
    }
    let receiver = i.replication.as_ref().and_then(|r| r.receiver.as_ref());
    let up = match (i.metric(metric::REPLICATION_LINK_UP, ""), receiver) {
        (Some(v), _) => v >= 1.0,
        (None, Some(r)) => r.status == "up",
        (None, None) => return not_evaluated(NO_MEDIUM),
    };
    let primary = receiver.map_or(String::new(), |r| format!(" to {}", r.sender));
    let last_io =
        receiver.and_then(|r| r.last_msg_age_s).map_or(String::new(), |s| format!(", last I/O {s:.0} s ago"));
    if up {
        (CheckStatus::Healthy, format!("link{primary} up{last_io}"))
    } else {
        (CheckStatus::Critical, format!("link{primary} DOWN{last_io} (critical whenever down)"))
    }
}

pub fn replication_lag(i: &HealthInput) -> Outcome {
    let from_replicas = i
        .replication
        .as_ref()
        .and_then(|r| r.replicas.iter().filter_map(|x| x.replay_lag_ms).reduce(f64::max))
        .map(|ms| ms / 1000.0);
    let lag = match (i.metric(metric::REPLICATION_LAG_S, ""), from_replicas) {
        (Some(s), _) | (None, Some(s)) => s,
        (None, None) => {
            return match &i.replication {
                None => not_evaluated(NO_MEDIUM),
                Some(r) if r.replicas.is_empty() && r.receiver.is_none() => {
                    not_evaluated("not applicable: no replica connected and not a replica")
                }
                Some(_) => not_evaluated("the server reported no lag figure"),
            };
        }
    };
    (grade(lag, 10.0, 60.0), format!("replication lag {lag:.0} s (attention ≥ 10 s, critical ≥ 60 s)"))
}

pub fn slowlog_heavy_hitters(i: &HealthInput) -> Outcome {
    let Some(log) = &i.slowlog else { return not_evaluated(NO_MEDIUM) };
    if let StatsAvailability::Unavailable(reason) = &log.availability {
        return not_evaluated(reason.clone());
    }
    let entries = &log.entries;
    if entries.is_empty() {
        return (CheckStatus::Healthy, "no new slow-log entry in the last interval".into());
    }
    let mut by_command: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries {
        *by_command.entry(e.command.as_str()).or_default() += 1;
    }
    let (top, count) = by_command
        .iter()
        .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))
        .map_or(("", 0), |(c, n)| (*c, *n));
    let slowest = entries.iter().max_by_key(|e| e.duration_us);
    let slowest_us = slowest.map_or(0, |e| e.duration_us);
    let share = count as f64 * 100.0 / entries.len() as f64;
    let status = if slowest_us >= 1_000_000 {
        CheckStatus::Critical
    } else if entries.len() >= 10 && share >= 50.0 {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    (
        status,
        format!(
            "{} new entries; {top} makes {count} ({share:.0} %), slowest {} {:.1} ms (attention: one command ≥ 50 % of ≥ 10 entries; critical: an entry ≥ 1 s)",
            entries.len(),
            slowest.map_or("", |e| e.command.as_str()),
            slowest_us as f64 / 1000.0
        ),
    )
}

pub fn latency_spikes(i: &HealthInput) -> Outcome {
    if setting(i, "latency-monitor-threshold").is_some_and(|v| v.trim() == "0") {
        return not_evaluated("the latency monitor is off (latency-monitor-threshold 0)");
    }
    let spikes: Vec<(&str, f64)> = i
        .metrics
        .iter()
        .filter(|((name, _), _)| name == metric::LATENCY_SPIKE_MS)
        .map(|((_, key), v)| (key.as_str(), *v))
        .collect();
    if spikes.is_empty() {
        return match (&i.replication, &i.settings, &i.slowlog) {
            (None, None, None) => not_evaluated(low_gap(i, "LATENCY")),
            _ => (CheckStatus::Healthy, "no latency event recorded (LATENCY LATEST is empty)".into()),
        };
    }
    let worst = spikes.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    let mut named: Vec<(&str, f64)> = spikes.iter().filter(|(_, v)| *v >= 100.0).copied().collect();
    named.sort_by(|a, b| b.1.total_cmp(&a.1));
    let names: Vec<String> = named.iter().map(|(k, v)| format!("{k} {v:.0} ms")).collect();
    (
        grade(worst, 100.0, 1000.0),
        format!(
            "latest spike {worst:.0} ms over {} events (attention ≥ 100 ms, critical ≥ 1 s) {}",
            spikes.len(),
            some_of(&names)
        )
        .trim_end()
        .to_owned(),
    )
}
