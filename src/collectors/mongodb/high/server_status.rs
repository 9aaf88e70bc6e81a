//! `serverStatus` as mongostat reads it: cumulative counters turned into rates over the
//! interval (operations, network, asserts, documents, cache pages, latencies), and the
//! gauges of the moment (connections, cache fill, tickets, queues, cursors, memory).
//!
//! Sections differ by version and place: mongos has no `wiredTiger`, `globalLock` or
//! `opLatencies`; Atlas shared tiers leave whole sections out; tickets moved from
//! `wiredTiger.concurrentTransactions` (≤ 6.x) to `queues.execution` (7.0+). A missing
//! field gives no metric, never a zero.

use crate::collectors::mongodb::doc;
use crate::collectors::mongodb::metric as mg;
use crate::model::{Metric, metric};
use mongodb::bson::Document;

/// mongostat's operation kinds, in its column order.
pub const OP_KINDS: [&str; 6] = ["insert", "query", "update", "delete", "getmore", "command"];

/// A counter read for a rate: metric, key, and the paths whose values add up to it.
struct Rate {
    metric: &'static str,
    key: &'static str,
    paths: &'static [&'static str],
}

const fn rate(metric: &'static str, key: &'static str, paths: &'static [&'static str]) -> Rate {
    Rate { metric, key, paths }
}

const RATES: &[Rate] = &[
    rate(mg::OPS_PER_S, "insert", &["opcounters.insert"]),
    rate(mg::OPS_PER_S, "query", &["opcounters.query"]),
    rate(mg::OPS_PER_S, "update", &["opcounters.update"]),
    rate(mg::OPS_PER_S, "delete", &["opcounters.delete"]),
    rate(mg::OPS_PER_S, "getmore", &["opcounters.getmore"]),
    rate(mg::OPS_PER_S, "command", &["opcounters.command"]),
    rate(mg::REPL_OPS_PER_S, "insert", &["opcountersRepl.insert"]),
    rate(mg::REPL_OPS_PER_S, "query", &["opcountersRepl.query"]),
    rate(mg::REPL_OPS_PER_S, "update", &["opcountersRepl.update"]),
    rate(mg::REPL_OPS_PER_S, "delete", &["opcountersRepl.delete"]),
    rate(mg::REPL_OPS_PER_S, "getmore", &["opcountersRepl.getmore"]),
    rate(mg::REPL_OPS_PER_S, "command", &["opcountersRepl.command"]),
    rate(metric::NET_IN_BYTES_PER_S, "", &["network.bytesIn"]),
    rate(metric::NET_OUT_BYTES_PER_S, "", &["network.bytesOut"]),
    rate(mg::NETWORK_REQUESTS_PER_S, "", &["network.numRequests"]),
    rate(mg::ASSERTS_PER_S, "regular", &["asserts.regular"]),
    rate(mg::ASSERTS_PER_S, "warning", &["asserts.warning"]),
    rate(mg::ASSERTS_PER_S, "msg", &["asserts.msg"]),
    rate(mg::ASSERTS_PER_S, "user", &["asserts.user"]),
    rate(mg::ASSERTS_PER_S, "tripwire", &["asserts.tripwire"]),
    rate(mg::ASSERTS_PER_S, "rollovers", &["asserts.rollovers"]),
    rate(mg::DOCUMENTS_PER_S, "returned", &["metrics.document.returned"]),
    rate(mg::DOCUMENTS_PER_S, "inserted", &["metrics.document.inserted"]),
    rate(mg::DOCUMENTS_PER_S, "updated", &["metrics.document.updated"]),
    rate(mg::DOCUMENTS_PER_S, "deleted", &["metrics.document.deleted"]),
    rate(mg::CONNECTIONS_CREATED_PER_S, "", &["connections.totalCreated"]),
    rate(mg::CACHE_PAGES_READ_PER_S, "", &["wiredTiger.cache.pages read into cache"]),
    rate(
        mg::CACHE_PAGES_EVICTED_PER_S,
        "",
        &["wiredTiger.cache.modified pages evicted", "wiredTiger.cache.unmodified pages evicted"],
    ),
    rate(mg::CACHE_APP_EVICTIONS_PER_S, "", &["wiredTiger.cache.pages evicted by application threads"]),
    rate(mg::CURSORS_TIMED_OUT_PER_S, "", &["metrics.cursor.timedOut"]),
    rate(mg::PAGE_FAULTS_PER_S, "", &["extra_info.page_faults"]),
];

/// Counters that are not rates themselves but feed ratios: cache hits and latencies.
const PAGES_REQUESTED: &str = "wiredTiger.cache.pages requested from the cache";
const PAGES_READ: &str = "wiredTiger.cache.pages read into cache";
const LATENCY_KINDS: [&str; 4] = ["reads", "writes", "commands", "transactions"];

/// One gauge: metric, key, path, and the factor to the metric's unit.
const GAUGES: &[(&str, &str, &str, f64)] = &[
    (metric::CONNECTIONS, "", "connections.current", 1.0),
    (mg::CONNECTIONS_AVAILABLE, "", "connections.available", 1.0),
    (mg::CONNECTIONS_ACTIVE, "", "connections.active", 1.0),
    (mg::CACHE_USED_BYTES, "", "wiredTiger.cache.bytes currently in the cache", 1.0),
    (mg::CACHE_DIRTY_BYTES, "", "wiredTiger.cache.tracked dirty bytes in the cache", 1.0),
    (mg::CACHE_MAX_BYTES, "", "wiredTiger.cache.maximum bytes configured", 1.0),
    (mg::QUEUED_OPERATIONS, "", "globalLock.currentQueue.total", 1.0),
    (mg::QUEUED_OPERATIONS, "readers", "globalLock.currentQueue.readers", 1.0),
    (mg::QUEUED_OPERATIONS, "writers", "globalLock.currentQueue.writers", 1.0),
    (mg::ACTIVE_CLIENTS, "", "globalLock.activeClients.total", 1.0),
    (mg::ACTIVE_CLIENTS, "readers", "globalLock.activeClients.readers", 1.0),
    (mg::ACTIVE_CLIENTS, "writers", "globalLock.activeClients.writers", 1.0),
    (mg::CURSORS_OPEN, "", "metrics.cursor.open.total", 1.0),
    // `mem.resident` is in MiB.
    (metric::MEMORY_USED_BYTES, "", "mem.resident", 1_048_576.0),
];

/// The cumulative counters of one read, kept until the next to make rates.
#[derive(Debug, Clone, PartialEq)]
pub struct Counters {
    uptime_ms: Option<f64>,
    /// Aligned with `RATES`.
    rates: Vec<Option<f64>>,
    pages_requested: Option<f64>,
    pages_read: Option<f64>,
    /// (latency µs, ops) per `LATENCY_KINDS`.
    latencies: [Option<(f64, f64)>; 4],
}

impl Counters {
    pub fn read(status: &Document) -> Self {
        let sum = |paths: &[&str]| paths.iter().map(|p| doc::num(status, p)).sum::<Option<f64>>();
        Self {
            uptime_ms: doc::num(status, "uptimeMillis"),
            rates: RATES.iter().map(|r| sum(r.paths)).collect(),
            pages_requested: doc::num(status, PAGES_REQUESTED),
            pages_read: doc::num(status, PAGES_READ),
            latencies: LATENCY_KINDS.map(|kind| {
                let latency = doc::num(status, &format!("opLatencies.{kind}.latency"))?;
                Some((latency, doc::num(status, &format!("opLatencies.{kind}.ops"))?))
            }),
        }
    }

    /// The server's own time between the two reads (`uptimeMillis`), when it advanced:
    /// the interval the counters really cover, whatever the network added to each read.
    pub fn server_secs_since(&self, before: &Counters) -> Option<f64> {
        let (now, then) = self.uptime_ms.zip(before.uptime_ms)?;
        (now > then).then(|| (now - then) / 1000.0)
    }

    /// A server that restarted (uptime or any counter went backwards) has nothing to
    /// compare with: its counters started again from zero.
    fn restarted_since(&self, before: &Counters) -> bool {
        let back = |now: Option<f64>, then: Option<f64>| matches!((now, then), (Some(n), Some(t)) if n < t);
        back(self.uptime_ms, before.uptime_ms)
            || self.rates.iter().zip(&before.rates).any(|(n, t)| back(*n, *t))
            || back(self.pages_requested, before.pages_requested)
            || self
                .latencies
                .iter()
                .zip(&before.latencies)
                .any(|(n, t)| back(n.map(|x| x.0), t.map(|x| x.0)) || back(n.map(|x| x.1), t.map(|x| x.1)))
    }
}

/// Rates since `previous` (counters and the seconds between the reads); nothing on the
/// first read, after a restart, or over an interval too short to mean anything.
pub fn rate_metrics(previous: Option<(&Counters, f64)>, current: &Counters) -> Vec<Metric> {
    let mut out = Vec::new();
    let Some((before, secs)) = previous else { return out };
    if secs < 0.5 || current.restarted_since(before) {
        return out;
    }
    let mut sums: Vec<(&str, f64)> = Vec::new();
    for ((r, now), then) in RATES.iter().zip(&current.rates).zip(&before.rates) {
        let (Some(now), Some(then)) = (now, then) else { continue };
        let per_s = (now - then) / secs;
        out.push(Metric::keyed(r.metric, r.key, per_s));
        if matches!(r.metric, mg::OPS_PER_S | mg::REPL_OPS_PER_S) {
            match sums.iter_mut().find(|(m, _)| *m == r.metric) {
                Some((_, total)) => *total += per_s,
                None => sums.push((r.metric, per_s)),
            }
        }
    }
    for (name, total) in sums {
        out.push(Metric::new(name, total));
        if name == mg::OPS_PER_S {
            // The neutral throughput of engines whose unit of work is an operation.
            out.push(Metric::new(metric::TPS, total));
        }
    }
    if let (Some(req), Some(req0), Some(read), Some(read0)) =
        (current.pages_requested, before.pages_requested, current.pages_read, before.pages_read)
    {
        let requested = req - req0;
        if requested > 0.0 {
            let hit = 100.0 * (1.0 - (read - read0) / requested);
            out.push(Metric::new(metric::CACHE_HIT_PCT, hit.clamp(0.0, 100.0)));
        }
    }
    for ((kind, now), then) in LATENCY_KINDS.iter().zip(&current.latencies).zip(&before.latencies) {
        let (Some((latency, ops)), Some((latency0, ops0))) = (now, then) else { continue };
        // No operation of this kind in the interval: there is no mean, not a zero one.
        if ops - ops0 > 0.0 {
            out.push(Metric::keyed(mg::OP_LATENCY_MS, *kind, (latency - latency0) / (ops - ops0) / 1000.0));
        }
    }
    out
}

/// The gauges of the moment: connections, cache fill, tickets, queues, cursors, memory.
pub fn gauge_metrics(status: &Document) -> Vec<Metric> {
    let mut out: Vec<Metric> = GAUGES
        .iter()
        .filter_map(|(name, key, path, factor)| {
            Some(Metric::keyed(name, *key, doc::num(status, path)? * factor))
        })
        .collect();
    let current = doc::num(status, "connections.current");
    if let (Some(current), Some(available)) = (current, doc::num(status, "connections.available")) {
        out.push(Metric::new(metric::MAX_CONNECTIONS, current + available));
    }
    let cache = |field: &str| doc::num(status, &format!("wiredTiger.cache.{field}"));
    if let Some(max) = cache("maximum bytes configured").filter(|m| *m > 0.0) {
        if let Some(used) = cache("bytes currently in the cache") {
            out.push(Metric::new(mg::CACHE_USED_PCT, 100.0 * used / max));
        }
        if let Some(dirty) = cache("tracked dirty bytes in the cache") {
            out.push(Metric::new(mg::CACHE_DIRTY_PCT, 100.0 * dirty / max));
        }
    }
    out.extend(ticket_metrics(status));
    out
}

/// Where this version keeps its storage tickets: `queues.execution` from 7.0 (where the
/// server sizes them dynamically), `wiredTiger.concurrentTransactions` before.
pub fn tickets_section(status: &Document) -> Option<&'static str> {
    ["queues.execution", "wiredTiger.concurrentTransactions"]
        .into_iter()
        .find(|path| doc::sub(status, &format!("{path}.read")).is_some())
}

fn ticket_metrics(status: &Document) -> Vec<Metric> {
    let Some(section) = tickets_section(status) else { return Vec::new() };
    let mut out = Vec::new();
    for kind in ["read", "write"] {
        if let Some(v) = doc::num(status, &format!("{section}.{kind}.out")) {
            out.push(Metric::keyed(mg::TICKETS_OUT, kind, v));
        }
        if let Some(v) = doc::num(status, &format!("{section}.{kind}.available")) {
            out.push(Metric::keyed(mg::TICKETS_AVAILABLE, kind, v));
        }
    }
    out
}

/// Server start by the server's own clock (`localTime` − `uptimeMillis`): no skew.
pub fn started_at_ms(status: &Document) -> Option<i64> {
    let uptime = doc::int(status, "uptimeMillis")?;
    Some(doc::millis(status, "localTime")? - uptime)
}

/// Whether a replica set member is a secondary now (`repl` is refreshed every read,
/// unlike the handshake's answer, so a failover shows without reconnecting).
pub fn is_secondary(status: &Document) -> Option<bool> {
    let primary = doc::flag(status, "repl.isWritablePrimary").or_else(|| doc::flag(status, "repl.ismaster"));
    match (primary, doc::flag(status, "repl.secondary")) {
        (Some(true), _) => Some(false),
        (_, Some(secondary)) => Some(secondary),
        (Some(false), None) => Some(true),
        (None, None) => None,
    }
}

#[cfg(test)]
#[path = "server_status_tests.rs"]
mod tests;
