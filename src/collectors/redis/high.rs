//! High tier: instance facts and fast counters from one INFO call, sessions from
//! CLIENT LIST. Rates are deltas against the previous read, with the commands we sent
//! ourselves since then taken out, so an idle server reads 0 ops/s.

use super::connect::SentMark;
use super::parse::{Info, clients};
use super::{RedisCollector, commands};
use crate::collectors::delta::counter_delta;
use crate::collectors::{CollectError, Collected};
use crate::model::{
    ActivitySnapshot, InstanceInfo, Metric, SampleBody, ServerRole, Session, SessionState, Timestamp, metric,
};
use std::time::{Duration, Instant};

/// CLIENT LIST runs on Redis' main thread and grows with the number of clients (about
/// 1.3–1.5 µs per client: 1.5 ms for 1,000 clients, 5.4 ms for 5,000; docs/performance.md).
/// It is read only when the time since the last read is at least 200 times its estimated
/// cost, so sessions never take more than about 0.5 % of the server's time. The estimate
/// comes from INFO's `connected_clients` rather than our round-trip time, which would
/// count our own and the network's delays.
const CLIENT_LIST_US_PER_CLIENT: u64 = 300;
/// Below this many clients one call costs under 0.15 ms: always read.
const CLIENT_LIST_PACE_FROM: u64 = 100;

#[derive(Debug, Default)]
pub struct HighState {
    /// The previous INFO, when it was read, and what we had sent just before it.
    previous: Option<(Instant, Info, SentMark)>,
    /// When CLIENT LIST was last read.
    client_list_at: Option<Instant>,
}

/// Whether CLIENT LIST fits the budget now, given the clients INFO reported (None = unknown).
fn client_list_due(last: Option<Instant>, clients: Option<u64>, now: Instant) -> bool {
    match (last, clients) {
        (Some(at), Some(n)) if n >= CLIENT_LIST_PACE_FROM => {
            now.saturating_duration_since(at)
                >= Duration::from_micros(n.saturating_mul(CLIENT_LIST_US_PER_CLIENT))
        }
        _ => true,
    }
}

impl HighState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }

    /// `master` or `slave`, as the last INFO said.
    pub fn role(&self) -> Option<String> {
        self.previous.as_ref().and_then(|(_, info, _)| info.get("role")).map(str::to_owned)
    }
}

impl RedisCollector {
    pub(super) async fn collect_high(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut bodies = Vec::new();
        let mut metrics = Vec::new();
        let mark = self.conn.as_ref().map(|c| c.mark()).unwrap_or_default();
        let read_at = Instant::now();
        if let Some(text) = self.call_text(&commands::INFO_HIGH, &mut problems).await? {
            let info = Info::parse(&text);
            self.remember_server(&info);
            bodies.push(SampleBody::Instance(instance_info(&info, &self.target.database, Timestamp::now())));
            let previous = self.high.previous.as_ref().map(|(at, prev, prev_mark)| Interval {
                info: prev,
                secs: read_at.duration_since(*at).as_secs_f64(),
                ours: mark.since(prev_mark).0,
            });
            metrics.extend(info_metrics(&info, previous));
            bodies.push(SampleBody::Counters(super::counters::info_counters(&info)));
            self.high.previous = Some((read_at, info, mark));
        }
        let asked_at = Instant::now();
        let clients = self.high.previous.as_ref().and_then(|(_, info, _)| info.get("connected_clients"));
        if !client_list_due(self.high.client_list_at, clients.and_then(|c| c.parse().ok()), asked_at) {
            // Activity keeps showing the previous read, with its time.
            bodies.push(SampleBody::Metrics(metrics));
            return Ok(Collected { bodies, problems });
        }
        let listed = self.call_text(&commands::CLIENT_LIST, &mut problems).await?;
        self.high.client_list_at = Some(asked_at);
        if let Some(text) = listed {
            let own = self.conn.as_ref().and_then(|c| c.own_id);
            let sessions = clients::sessions(&text, own);
            metrics.extend(session_metrics(&sessions));
            bodies.push(SampleBody::Activity(ActivitySnapshot { sessions, locks: Vec::new() }));
        }
        bodies.push(SampleBody::Metrics(metrics));
        Ok(Collected { bodies, problems })
    }
}

/// The previous read a rate is computed against.
#[derive(Debug, Clone, Copy)]
pub struct Interval<'a> {
    pub info: &'a Info,
    pub secs: f64,
    /// Commands we sent ourselves between the two reads (the earlier INFO included).
    pub ours: u64,
}

pub fn instance_info(info: &Info, database: &str, now: Timestamp) -> InstanceInfo {
    let version = info.version().unwrap_or_default().to_owned();
    let details: Vec<String> = [
        info.mode().map(str::to_owned),
        info.get("mem_allocator").map(str::to_owned),
        info.get("arch_bits").map(|b| format!("{b} bit")),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect();
    let mut version_full = format!("{} {version}", info.product());
    if !details.is_empty() {
        version_full.push_str(&format!(" ({})", details.join(", ")));
    }
    InstanceInfo {
        version,
        version_full,
        started_at_ms: info
            .i64("uptime_in_seconds")
            .map(|up| now.millis().saturating_sub(up.saturating_mul(1000))),
        max_connections: info.u64("maxclients"),
        role: match info.get("role") {
            Some("slave" | "replica") => ServerRole::Standby,
            _ => ServerRole::Primary,
        },
        database: if database.is_empty() { "0".to_owned() } else { database.to_owned() },
        connections: info.u64("connected_clients").unwrap_or(0),
        product: info.product().to_owned(),
    }
}

/// Gauges of this read, and rates against the previous one.
pub fn info_metrics(info: &Info, previous: Option<Interval<'_>>) -> Vec<Metric> {
    let mut out = Vec::new();
    let mut gauge = |name: &str, value: Option<f64>| {
        if let Some(v) = value {
            out.push(Metric::new(name, v));
        }
    };
    let as_f64 = |key: &str| info.u64(key).map(|v| v as f64);
    gauge(metric::CONNECTIONS, as_f64("connected_clients"));
    gauge(metric::MAX_CONNECTIONS, as_f64("maxclients"));
    gauge(metric::BLOCKED_SESSIONS, as_f64("blocked_clients"));
    let used = info.u64("used_memory");
    let limit = info.u64("maxmemory").filter(|m| *m > 0);
    gauge(metric::MEMORY_USED_BYTES, used.map(|u| u as f64));
    gauge(metric::MEMORY_LIMIT_BYTES, limit.map(|l| l as f64));
    if let (Some(used), Some(limit)) = (used, limit) {
        gauge(metric::MEMORY_USED_PCT, Some(used as f64 * 100.0 / limit as f64));
    }
    gauge(metric::MEMORY_FRAGMENTATION_RATIO, info.f64("mem_fragmentation_ratio"));
    let Some(prev) = previous.filter(|p| p.secs > 0.0) else {
        return out;
    };
    let delta = |key: &str| Some(counter_delta(prev.info.u64(key)?, info.u64(key)?).0);
    let per_s = |key: &str| delta(key).map(|d| d as f64 / prev.secs);
    if let Some(commands) = delta("total_commands_processed") {
        gauge(metric::TPS, Some(commands.saturating_sub(prev.ours) as f64 / prev.secs));
    }
    if let (Some(hits), Some(misses)) = (delta("keyspace_hits"), delta("keyspace_misses"))
        && hits + misses > 0
    {
        gauge(metric::CACHE_HIT_PCT, Some(hits as f64 * 100.0 / (hits + misses) as f64));
    }
    gauge(metric::EVICTED_KEYS_PER_S, per_s("evicted_keys"));
    gauge(metric::EXPIRED_KEYS_PER_S, per_s("expired_keys"));
    gauge(metric::NET_IN_BYTES_PER_S, per_s("total_net_input_bytes"));
    gauge(metric::NET_OUT_BYTES_PER_S, per_s("total_net_output_bytes"));
    gauge(metric::REJECTED_CONNECTIONS_PER_S, per_s("rejected_connections"));
    let cpu = |i: &Info| {
        ["used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children"]
            .iter()
            .map(|k| i.f64(k))
            .sum::<Option<f64>>()
    };
    if let (Some(before), Some(now)) = (cpu(prev.info), cpu(info))
        && now >= before
    {
        gauge(metric::CPU_PCT, Some((now - before) * 100.0 / prev.secs));
    }
    out
}

pub fn session_metrics(sessions: &[Session]) -> Vec<Metric> {
    SessionState::ALL
        .iter()
        .map(|state| {
            let n = sessions.iter().filter(|s| s.state == *state).count();
            Metric::keyed(metric::SESSIONS_BY_STATE, state.label(), n as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REDIS: &str = include_str!("fixtures/info_redis_7.txt");

    fn value(metrics: &[Metric], name: &str) -> Option<f64> {
        metrics.iter().find(|m| m.name == name && m.key.is_empty()).map(|m| m.value)
    }

    #[test]
    fn instance_facts_from_info() {
        let now = Timestamp::now();
        let i = instance_info(&Info::parse(REDIS), "", now);
        assert_eq!(i.version, "7.0.15");
        assert_eq!(i.version_full, "Redis 7.0.15 (standalone, jemalloc-5.3.0, 64 bit)");
        assert_eq!((i.max_connections, i.connections, i.role), (Some(10_000), 12, ServerRole::Primary));
        assert_eq!(i.started_at_ms, Some(now.millis() - 86_400_000));
        assert_eq!((i.database.as_str(), i.product.as_str()), ("0", "Redis"));
        let v = instance_info(&Info::parse(include_str!("fixtures/info_valkey_8.txt")), "2", now);
        assert_eq!((v.product.as_str(), v.version.as_str()), ("Valkey", "8.0.1"));
        assert_eq!(v.version_full, "Valkey 8.0.1 (standalone, jemalloc-5.3.0, 64 bit)");
        assert_eq!((v.role, v.database.as_str()), (ServerRole::Standby, "2"));
    }

    #[test]
    fn first_read_gives_gauges_only() {
        let m = info_metrics(&Info::parse(REDIS), None);
        assert_eq!(value(&m, metric::MEMORY_USED_PCT), Some(50.0));
        assert_eq!(value(&m, metric::MEMORY_FRAGMENTATION_RATIO), Some(1.37));
        assert_eq!(value(&m, metric::BLOCKED_SESSIONS), Some(1.0));
        assert_eq!(value(&m, metric::TPS), None);
    }

    fn later(text: &str, pairs: &[(&str, &str)]) -> Info {
        let mut info = Info::parse(text);
        for (k, v) in pairs {
            info.sections.entry("stats".into()).or_default().insert((*k).into(), (*v).into());
        }
        info
    }

    #[test]
    fn rates_leave_out_our_own_commands() {
        let before = Info::parse(REDIS);
        let idle = later(REDIS, &[("total_commands_processed", "52003")]);
        let m = info_metrics(&idle, Some(Interval { info: &before, secs: 10.0, ours: 3 }));
        assert_eq!(value(&m, metric::TPS), Some(0.0), "only our three commands ran");
        assert_eq!(value(&m, metric::CACHE_HIT_PCT), None, "no lookups, no ratio");
        let busy = later(
            REDIS,
            &[
                ("total_commands_processed", "53003"),
                ("keyspace_hits", "990"),
                ("keyspace_misses", "110"),
                ("evicted_keys", "25"),
            ],
        );
        let m = info_metrics(&busy, Some(Interval { info: &before, secs: 10.0, ours: 3 }));
        assert_eq!(value(&m, metric::TPS), Some(100.0));
        assert_eq!(value(&m, metric::CACHE_HIT_PCT), Some(90.0));
        assert_eq!(value(&m, metric::EVICTED_KEYS_PER_S), Some(2.0));
        assert_eq!(value(&m, metric::CPU_PCT), Some(0.0));
    }

    #[test]
    fn a_restarted_server_does_not_give_negative_rates() {
        let before = later(REDIS, &[("total_commands_processed", "900000")]);
        let m = info_metrics(&Info::parse(REDIS), Some(Interval { info: &before, secs: 10.0, ours: 0 }));
        assert_eq!(value(&m, metric::TPS), Some(5200.0));
        let huge = later(REDIS, &[("total_commands_processed", "99999999999999999999999")]);
        let m = info_metrics(&huge, Some(Interval { info: &before, secs: 10.0, ours: 0 }));
        assert_eq!(value(&m, metric::TPS), None, "a number beyond u64 gives no rate");
    }

    #[test]
    fn client_list_is_paced_by_the_number_of_clients() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        assert!(client_list_due(None, Some(50_000), t0), "first read");
        assert!(client_list_due(Some(t0), Some(99), t0), "few clients: every call");
        assert!(client_list_due(Some(t0), None, t0), "unknown: read");
        assert!(!client_list_due(Some(t0), Some(1_000), at(200)), "1,000 clients: not within 0.3 s");
        assert!(client_list_due(Some(t0), Some(1_000), at(300)), "1,000 clients: every 0.3 s");
        assert!(!client_list_due(Some(t0), Some(10_000), at(1_000)), "10,000 clients: not every second");
        assert!(client_list_due(Some(t0), Some(10_000), at(3_000)), "10,000 clients: every 3 s");
    }

    #[test]
    fn sessions_are_counted_by_state() {
        let sessions = clients::sessions(include_str!("fixtures/client_list.txt"), Some(7));
        let m = session_metrics(&sessions);
        let of = |label: &str| m.iter().find(|x| x.key == label).map(|x| x.value);
        assert_eq!((of("Active"), of("Idle"), of("Other")), (Some(2.0), Some(1.0), Some(2.0)));
    }
}
