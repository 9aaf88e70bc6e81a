//! Medium tier: per-command statistics (deltas, our own calls taken out), slow log
//! (deduplicated by id), replication, persistence, keyspace, latency spikes and
//! MEMORY STATS.

use super::connect::SentMark;
use super::parse::info::CommandStat;
use super::parse::replies;
use super::parse::{Info, slowlog};
use super::{RedisCollector, commands};
use crate::collectors::delta::counter_delta;
use crate::collectors::{CollectError, Collected};
use crate::model::{
    Counters, Metric, QueryStat, QueryStatsSnapshot, SampleBody, SlowLogSnapshot, StatsAvailability,
    Timestamp, metric,
};
use std::collections::BTreeMap;
use std::time::Instant;

mod replication;
use replication::persistence_facts;
pub use replication::{persistence_metrics, replication};

/// Redis-only metric: MEMORY STATS fields, key = field name, in the unit Redis gives
/// (bytes, ratios, percentages).
pub const MEMORY_STATS: &str = "memory_stats";
/// Redis-only metric: p99 latency of a command since the server started (latencystats), µs.
pub const COMMAND_P99_USEC: &str = "command_p99_usec";

/// The MEMORY STATS fields worth a series; the rest (per-db tables…) is detail.
const MEMORY_FIELDS: &[&str] = &[
    "peak.allocated",
    "total.allocated",
    "startup.allocated",
    "replication.backlog",
    "clients.slaves",
    "clients.normal",
    "aof.buffer",
    "lua.caches",
    "functions.caches",
    "overhead.total",
    "keys.count",
    "keys.bytes-per-key",
    "dataset.bytes",
    "dataset.percentage",
    "peak.percentage",
    "allocator-fragmentation.ratio",
    "allocator-rss.ratio",
    "rss-overhead.ratio",
    "fragmentation",
    "fragmentation.bytes",
];

#[derive(Debug, Default)]
pub struct MediumState {
    previous: Option<Previous>,
    /// Highest slow-log id seen; kept across reconnects (a restart shows as ids going back).
    slowlog_last_id: Option<u64>,
    slowlog_read_at: Option<Instant>,
    /// Time of the newest spike seen per latency event; None before the first read.
    latency_seen: Option<BTreeMap<String, SpikeMark>>,
    /// The baseline read reports the command totals (a single reading: `logstag snapshot`).
    pub totals_on_baseline: bool,
}

#[derive(Debug)]
struct Previous {
    at: Instant,
    taken: Timestamp,
    stats: BTreeMap<String, CommandStat>,
    mark: SentMark,
}

impl MediumState {
    pub fn forget(&mut self) {
        self.previous = None;
    }
}

impl RedisCollector {
    pub(super) async fn collect_medium(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut bodies = Vec::new();
        let mut metrics = Vec::new();
        let mark = self.conn.as_ref().map(|c| c.mark()).unwrap_or_default();
        let (read_at, taken) = (Instant::now(), Timestamp::now());
        let info = self.call_text(&commands::INFO_MEDIUM, &mut problems).await?.map(|t| Info::parse(&t));
        let role = match self.call(&commands::ROLE, &[], &mut problems).await? {
            Some(reply) => replies::role(&reply),
            None => None,
        };
        if let Some(info) = &info {
            let stats = info.commandstats();
            bodies.push(SampleBody::Counters(super::counters::command_counters(&stats)));
            let previous = self.medium.previous.take();
            // A single reading counts from zero: the totals since the start or CONFIG RESETSTAT
            // (Redis keeps no time of it: `since` stays None).
            let baseline = (previous.is_none() && self.medium.totals_on_baseline).then(|| Previous {
                at: read_at,
                taken,
                stats: BTreeMap::new(),
                mark: SentMark::default(),
            });
            let (mut snapshot, command_metrics) =
                query_stats(previous.as_ref().or(baseline.as_ref()), &stats, &mark, read_at);
            if baseline.is_some() {
                snapshot.since = None;
            }
            bodies.push(SampleBody::Queries(snapshot));
            metrics.extend(command_metrics);
            metrics.extend(latency_percentiles(info, &stats, previous.as_ref()));
            self.medium.previous = Some(Previous { at: read_at, taken, stats, mark });
            let (replication, replication_metrics) = replication(info, role.as_ref());
            bodies.push(SampleBody::Replication(replication));
            metrics.extend(replication_metrics);
            metrics.extend(persistence_metrics(info, taken));
            self.persistence = persistence_facts(info);
            let keyspace = self.keyspace(info);
            metrics.push(Metric::new(
                metric::KEYS_TOTAL,
                keyspace.databases.iter().map(|d| d.keys as f64).sum(),
            ));
            bodies.push(SampleBody::Keyspace(keyspace));
        }
        let (slow, slow_metrics) = self.read_slowlog(&mut problems).await?;
        bodies.push(SampleBody::SlowLog(slow));
        metrics.extend(slow_metrics);
        if let Some(reply) = self.call(&commands::LATENCY_LATEST, &[], &mut problems).await? {
            let events = replies::latency_latest(&reply);
            for (event, since, latest_ms) in new_spikes(&mut self.medium.latency_seen, &events) {
                // LATEST holds only the newest spike; the history holds every spike since the
                // last read, and the worst of them is what the interval should report.
                let history = self.call(&commands::LATENCY_HISTORY, &[&event], &mut problems).await?;
                let worst = history
                    .map_or(latest_ms, |h| worst_since(&replies::latency_history(&h), since, latest_ms));
                metrics.push(Metric::keyed(metric::LATENCY_SPIKE_MS, event, worst as f64));
            }
        }
        if let Some(reply) = self.call(&commands::MEMORY_STATS, &[], &mut problems).await? {
            metrics.extend(
                replies::memory_stats(&reply)
                    .into_iter()
                    .filter(|(name, _)| MEMORY_FIELDS.contains(&name.as_str()))
                    .map(|(name, v)| Metric::keyed(MEMORY_STATS, name, v)),
            );
        }
        bodies.push(SampleBody::Metrics(metrics));
        Ok(Collected { bodies, problems })
    }

    async fn read_slowlog(
        &mut self,
        problems: &mut Vec<String>,
    ) -> Result<(SlowLogSnapshot, Vec<Metric>), CollectError> {
        let length = match self.call(&commands::SLOWLOG_LEN, &[], problems).await? {
            Some(reply) => super::parse::value::int(&reply).and_then(|n| u64::try_from(n).ok()),
            None => None,
        };
        let reply = match self.call_raw(&commands::SLOWLOG_GET, &[]).await? {
            Ok(reply) => reply,
            Err(refusal) => {
                problems.push(super::refusal_problem(&commands::SLOWLOG_GET, &refusal));
                let availability = StatsAvailability::Unavailable(format!("SLOWLOG GET: {}", refusal.reason));
                return Ok((
                    SlowLogSnapshot { availability, entries: Vec::new(), length, missed: 0 },
                    Vec::new(),
                ));
            }
        };
        let fresh = slowlog::fresh(slowlog::entries(&reply), self.medium.slowlog_last_id);
        self.medium.slowlog_last_id = fresh.last_id;
        // Our own monitoring commands are logged too when the threshold is low; they are
        // not the application's slow queries.
        let entries: Vec<_> = fresh.entries.into_iter().filter(|e| e.client_name != "logstag").collect();
        let now = Instant::now();
        let mut metrics = Vec::new();
        if let Some(before) = self.medium.slowlog_read_at {
            let minutes = now.duration_since(before).as_secs_f64() / 60.0;
            if minutes > 0.0 {
                metrics.push(Metric::new(metric::SLOW_ENTRIES_PER_MIN, entries.len() as f64 / minutes));
            }
        }
        self.medium.slowlog_read_at = Some(now);
        let snapshot = SlowLogSnapshot {
            availability: StatsAvailability::Available,
            entries,
            length,
            missed: fresh.missed,
        };
        Ok((snapshot, metrics))
    }
}

/// Per-command deltas since the previous read, our own calls subtracted (their time
/// in proportion). The first read is the baseline: no rows, `since: None`.
fn query_stats(
    previous: Option<&Previous>,
    stats: &BTreeMap<String, CommandStat>,
    mark: &SentMark,
    now: Instant,
) -> (QueryStatsSnapshot, Vec<Metric>) {
    let mut snapshot = QueryStatsSnapshot {
        availability: StatsAvailability::Available,
        since: previous.map(|p| p.taken),
        stats: Vec::new(),
        tracked: stats.len() as u64,
        reset_detected: false,
        evicted: None,
    };
    let mut metrics = Vec::new();
    let Some(prev) = previous else {
        return (snapshot, metrics);
    };
    let secs = now.duration_since(prev.at).as_secs_f64();
    let (_, ours) = mark.since(&prev.mark);
    snapshot.reset_detected = prev.stats.keys().any(|name| !stats.contains_key(name));
    for (name, current) in stats {
        let before = prev.stats.get(name).copied().unwrap_or_default();
        let (calls_all, reset) = counter_delta(before.calls, current.calls);
        let (usec_all, _) = counter_delta(before.usec, current.usec);
        let failed_calls = counter_delta(before.failed_calls, current.failed_calls).0;
        let rejected_calls = counter_delta(before.rejected_calls, current.rejected_calls).0;
        let failed = failed_calls + rejected_calls;
        snapshot.reset_detected |= reset;
        let calls = calls_all.saturating_sub(ours.get(name.as_str()).copied().unwrap_or(0));
        let usec = if calls_all == 0 { 0.0 } else { usec_all as f64 * calls as f64 / calls_all as f64 };
        if calls == 0 && failed == 0 {
            continue;
        }
        let total_time_ms = usec / 1000.0;
        snapshot.stats.push(QueryStat {
            id: format!("cmd:{name}"),
            text: name.clone(),
            calls,
            total_time_ms,
            mean_time_ms: if calls > 0 { total_time_ms / calls as f64 } else { 0.0 },
            counters: command_counters(failed_calls, rejected_calls),
            ..QueryStat::default()
        });
        if secs > 0.0 {
            metrics.push(Metric::keyed(metric::COMMAND_CALLS_PER_S, name.clone(), calls as f64 / secs));
            metrics.push(Metric::keyed(metric::COMMAND_FAILED_PER_S, name.clone(), failed as f64 / secs));
        }
        if calls > 0 {
            metrics.push(Metric::keyed(metric::COMMAND_USEC_PER_CALL, name.clone(), usec / calls as f64));
        }
    }
    snapshot.stats.sort_by(|a, b| b.total_time_ms.total_cmp(&a.total_time_ms).then(a.text.cmp(&b.text)));
    (snapshot, metrics)
}

/// Calls that failed inside the command (an error reply) over the interval, Redis 6.2+.
pub const FAILED_CALLS: &str = "failed_calls";
/// Calls refused before running (ACL, OOM, wrong arity…) over the interval, Redis 6.2+.
pub const REJECTED_CALLS: &str = "rejected_calls";

/// Only counters that moved: most commands never fail.
fn command_counters(failed: u64, rejected: u64) -> Counters {
    let mut out = Counters::default();
    for (name, n) in [(FAILED_CALLS, failed), (REJECTED_CALLS, rejected)] {
        if n > 0 {
            out.push(name, n as f64);
        }
    }
    out
}

/// p99 of the commands that ran since the previous read.
fn latency_percentiles(
    info: &Info,
    stats: &BTreeMap<String, CommandStat>,
    previous: Option<&Previous>,
) -> Vec<Metric> {
    let Some(prev) = previous else { return Vec::new() };
    info.latencystats()
        .into_iter()
        .filter(|(name, _)| {
            let before = prev.stats.get(name).map_or(0, |s| s.calls);
            stats.get(name).is_some_and(|s| s.calls != before)
        })
        .filter_map(|(name, p)| Some(Metric::keyed(COMMAND_P99_USEC, name, *p.get("p99")?)))
        .collect()
}

/// The newest spike seen of one event: (unix seconds, ms). The latency monitor keeps one
/// sample per second (the worst), so a bigger spike in the same second is also news.
pub(super) type SpikeMark = (i64, u64);

/// Events with a spike newer than the last seen of their event, as (event, the last seen
/// mark if any, newest spike ms). The first read only sets the baseline: LATENCY LATEST
/// keeps spikes for ever, and an old one is not news.
fn new_spikes(
    seen: &mut Option<BTreeMap<String, SpikeMark>>,
    events: &[replies::LatencyEvent],
) -> Vec<(String, Option<SpikeMark>, u64)> {
    let first = seen.is_none();
    let seen = seen.get_or_insert_with(BTreeMap::new);
    let mut out = Vec::new();
    for e in events {
        let before = seen.get(&e.event).copied();
        let mark = (e.at_s, e.latest_ms);
        if before.is_none_or(|b| is_after(mark, b)) {
            if !first {
                out.push((e.event.clone(), before, e.latest_ms));
            }
            seen.insert(e.event.clone(), mark);
        }
    }
    out
}

fn is_after((at, ms): SpikeMark, (seen_at, seen_ms): SpikeMark) -> bool {
    at > seen_at || (at == seen_at && ms > seen_ms)
}

/// The worst spike after `since` in an event's history; never below `latest_ms` (the
/// history may have been cut at its 160 entries or reset meanwhile).
fn worst_since(history: &[SpikeMark], since: Option<SpikeMark>, latest_ms: u64) -> u64 {
    history
        .iter()
        .filter(|&&h| since.is_none_or(|s| is_after(h, s)))
        .map(|(_, ms)| *ms)
        .fold(latest_ms, u64::max)
}

#[cfg(test)]
#[path = "medium_tests.rs"]
mod tests;
