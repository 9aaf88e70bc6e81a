//! The latest state of every target as the pipeline last saw it: status, the newest
//! metric values of each tier, how long each tier's round took, and counters of what
//! was recorded. The pipeline writes it once per round (a short lock, no I/O); the
//! Prometheus endpoint and the agent's status line copy it out to read it.

use crate::config::TargetConfig;
use crate::model::{
    AlertEvent, Metric, OWN_STATEMENT, QueryStatsSnapshot, Sample, SampleBody, Severity, TargetId,
    TargetStatus, Tier, Timestamp, metric,
};
use crate::telemetry::Telemetry;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Board {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    targets: Mutex<BTreeMap<TargetId, TargetBoard>>,
    samples_recorded: AtomicU64,
    record_failures: AtomicU64,
    /// How many of each target's statements to keep (`[prometheus] top_statements`).
    top_statements: AtomicUsize,
    telemetry: Arc<Telemetry>,
}

/// One target's latest state.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetBoard {
    /// Canonical `db_engine` name, e.g. `postgresql`.
    pub engine: &'static str,
    pub status: TargetStatus,
    /// Each tier's metrics from its last round (the round's own timing left out). A new
    /// round replaces its tier's set, so a series that stopped being reported goes away.
    pub metrics: BTreeMap<Tier, Vec<Metric>>,
    /// Each tier's raw cumulative server counters from its last round, replaced like `metrics`.
    pub counters: BTreeMap<Tier, Vec<Metric>>,
    /// The busiest statements of the last statistics interval, when asked for.
    pub statements: Option<TopStatements>,
    /// How long each tier's last round took on our side.
    pub collect_duration: BTreeMap<Tier, Duration>,
    /// Alerts active now, by severity (only when the alert engine runs).
    pub alerts_firing: BTreeMap<Severity, u64>,
}

/// The statements with the most execution time over one statistics interval.
#[derive(Debug, Clone, PartialEq)]
pub struct TopStatements {
    /// Length of the interval the figures cover.
    pub interval: Duration,
    /// Busiest first.
    pub statements: Vec<StatementFigures>,
}

/// One statement's figures over the interval, named only by its stable id (never its text).
#[derive(Debug, Clone, PartialEq)]
pub struct StatementFigures {
    pub id: String,
    pub calls: u64,
    pub time: Duration,
}

impl TopStatements {
    /// The `n` busiest statements of a snapshot taken at `at`, Logstag's own left out;
    /// `None` without a previous read to measure the interval from.
    fn of(snapshot: &QueryStatsSnapshot, at: Timestamp, n: usize) -> Option<TopStatements> {
        let since = snapshot.since?;
        let interval = Duration::from_millis(u64::try_from(at.0.checked_sub(since.0)?).ok()?);
        let mut stats: Vec<_> = snapshot
            .stats
            .iter()
            .filter(|s| s.counter(OWN_STATEMENT).is_none() && s.total_time_ms.is_finite())
            .collect();
        stats.sort_by(|a, b| b.total_time_ms.total_cmp(&a.total_time_ms).then(a.id.cmp(&b.id)));
        let statements = stats
            .into_iter()
            .take(n)
            .map(|s| StatementFigures {
                id: s.id.clone(),
                calls: s.calls,
                time: Duration::from_secs_f64((s.total_time_ms / 1000.0).max(0.0)),
            })
            .collect();
        Some(TopStatements { interval, statements })
    }
}

/// A copy of the board, taken in one go.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardView {
    pub targets: BTreeMap<TargetId, TargetBoard>,
    /// Samples the history accepted since start.
    pub samples_recorded: u64,
    /// Rounds the history failed to record.
    pub record_failures: u64,
}

impl Board {
    pub fn new(targets: &[TargetConfig], telemetry: Arc<Telemetry>) -> Board {
        let targets = targets
            .iter()
            .map(|t| {
                let engine = t.engine.key();
                (t.id(), TargetBoard::new(engine))
            })
            .collect();
        Board {
            inner: Arc::new(Inner {
                targets: Mutex::new(targets),
                samples_recorded: AtomicU64::new(0),
                record_failures: AtomicU64::new(0),
                top_statements: AtomicUsize::new(0),
                telemetry,
            }),
        }
    }

    /// The alerts active after the latest round: every target's count per severity is
    /// replaced, so an alert that resolved stops counting.
    pub fn alerts_active(&self, active: &[AlertEvent]) {
        let Ok(mut targets) = self.inner.targets.lock() else {
            return;
        };
        for board in targets.values_mut() {
            board.alerts_firing = Severity::ALL.iter().map(|s| (*s, 0)).collect();
        }
        for alert in active {
            if let Some(board) = targets.get_mut(&alert.target) {
                *board.alerts_firing.entry(alert.severity).or_default() += 1;
            }
        }
    }

    /// Keep each target's `n` busiest statements of the last interval (0: none).
    pub fn keep_top_statements(&self, n: usize) {
        self.inner.top_statements.store(n, Ordering::Relaxed);
    }

    /// Takes in one collection round (or status change). Status transitions are logged.
    pub fn observe(&self, round: &[Sample]) {
        let top_statements = self.inner.top_statements.load(Ordering::Relaxed);
        let mut fresh: BTreeMap<(&TargetId, Tier), Vec<Metric>> = BTreeMap::new();
        let mut fresh_counters: BTreeMap<(&TargetId, Tier), Vec<Metric>> = BTreeMap::new();
        let Ok(mut targets) = self.inner.targets.lock() else {
            return;
        };
        for sample in round {
            let board = targets.entry(sample.target.clone()).or_insert_with(|| TargetBoard::new("unknown"));
            match &sample.body {
                SampleBody::Status(health) => {
                    if board.status.label() != health.status.label() {
                        log_transition(&sample.target, &health.status);
                    }
                    board.status = health.status.clone();
                    if matches!(board.status, TargetStatus::Down { .. }) {
                        // A down target's last values are not its current ones.
                        board.metrics.clear();
                        board.counters.clear();
                        board.statements = None;
                        board.collect_duration.clear();
                    }
                }
                SampleBody::Metrics(points) => {
                    let set = fresh.entry((&sample.target, sample.tier)).or_default();
                    for m in points {
                        if m.name == metric::COLLECT_MS {
                            let secs = (m.value / 1000.0).max(0.0);
                            if secs.is_finite() {
                                board.collect_duration.insert(sample.tier, Duration::from_secs_f64(secs));
                            }
                        } else {
                            set.push(m.clone());
                        }
                    }
                }
                SampleBody::Counters(points) => {
                    fresh_counters
                        .entry((&sample.target, sample.tier))
                        .or_default()
                        .extend_from_slice(points);
                }
                SampleBody::Queries(snapshot) if top_statements > 0 => {
                    board.statements = TopStatements::of(snapshot, sample.taken_at, top_statements);
                }
                _ => {}
            }
        }
        for ((target, tier), metrics) in fresh {
            if let Some(board) = targets.get_mut(target) {
                board.metrics.insert(tier, metrics);
            }
        }
        for ((target, tier), counters) in fresh_counters {
            if let Some(board) = targets.get_mut(target) {
                board.counters.insert(tier, counters);
            }
        }
    }

    /// `n` samples were recorded in the history.
    pub fn recorded(&self, n: usize) {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        self.inner.samples_recorded.fetch_add(n, Ordering::Relaxed);
    }

    pub fn record_failed(&self) {
        self.inner.record_failures.fetch_add(1, Ordering::Relaxed);
    }

    pub fn view(&self) -> BoardView {
        let targets = self.inner.targets.lock().map(|t| t.clone()).unwrap_or_default();
        BoardView {
            targets,
            samples_recorded: self.inner.samples_recorded.load(Ordering::Relaxed),
            record_failures: self.inner.record_failures.load(Ordering::Relaxed),
        }
    }

    /// Forwarding and outbox counters, filled by the forwarder.
    pub fn telemetry(&self) -> &Arc<Telemetry> {
        &self.inner.telemetry
    }
}

impl TargetBoard {
    fn new(engine: &'static str) -> TargetBoard {
        TargetBoard {
            engine,
            status: TargetStatus::Connecting,
            metrics: BTreeMap::new(),
            counters: BTreeMap::new(),
            statements: None,
            collect_duration: BTreeMap::new(),
            alerts_firing: BTreeMap::new(),
        }
    }

    /// Connected (up or degraded).
    pub fn is_up(&self) -> bool {
        matches!(self.status, TargetStatus::Up { .. } | TargetStatus::Degraded { .. })
    }
}

fn log_transition(target: &TargetId, status: &TargetStatus) {
    match status {
        TargetStatus::Up { version } => tracing::info!("target {target}: UP (server {version})"),
        TargetStatus::Degraded { version, problems } => {
            tracing::warn!("target {target}: DEGRADED (server {version}): {}", problems.join("; "));
        }
        TargetStatus::Down { error, retry_in_ms: 0 } => tracing::info!("target {target}: DOWN: {error}"),
        TargetStatus::Down { error, retry_in_ms } => {
            let secs = *retry_in_ms as f64 / 1000.0;
            tracing::info!("target {target}: DOWN, next attempt in {secs:.1} s: {error}");
        }
        TargetStatus::Connecting => tracing::info!("target {target}: connecting"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TargetHealth, Timestamp};

    fn sample(target: &str, tier: Tier, body: SampleBody) -> Sample {
        Sample { target: TargetId(target.into()), tier, taken_at: Timestamp(1), body }
    }

    fn status(target: &str, status: TargetStatus) -> Sample {
        let health = TargetHealth { status, at: Timestamp(1), last_latency_ms: None };
        sample(target, Tier::High, SampleBody::Status(health))
    }

    fn board() -> Board {
        let t = TargetConfig { name: "pg".into(), ..TargetConfig::default() };
        Board::new(&[t], Arc::default())
    }

    #[test]
    fn a_round_replaces_its_tiers_metrics_and_keeps_the_others() {
        let board = board();
        let high = |tps: f64, keys: &[&str]| {
            let mut points = vec![Metric::new(metric::TPS, tps)];
            points.extend(keys.iter().map(|k| Metric::keyed(metric::SESSIONS_BY_STATE, *k, 1.0)));
            vec![
                sample("pg", Tier::High, SampleBody::Metrics(points)),
                sample(
                    "pg",
                    Tier::High,
                    SampleBody::Metrics(vec![Metric::keyed(metric::COLLECT_MS, "high", 250.0)]),
                ),
            ]
        };
        board.observe(&high(5.0, &["Active", "Idle"]));
        board.observe(&[sample(
            "pg",
            Tier::Medium,
            SampleBody::Metrics(vec![Metric::new(metric::DATABASE_SIZE_BYTES, 9.0)]),
        )]);
        board.observe(&high(7.0, &["Active"]));
        let view = board.view();
        let pg = &view.targets[&TargetId("pg".into())];
        assert_eq!(pg.engine, "postgresql");
        let high = &pg.metrics[&Tier::High];
        assert_eq!(high.len(), 2, "the Idle series is gone: {high:?}");
        assert_eq!(high[0].value, 7.0);
        assert_eq!(pg.metrics[&Tier::Medium][0].name, metric::DATABASE_SIZE_BYTES);
        assert_eq!(pg.collect_duration[&Tier::High], Duration::from_millis(250));
        assert!(high.iter().all(|m| m.name != metric::COLLECT_MS));
    }

    #[test]
    fn a_down_target_drops_its_values_and_counts_as_not_up() {
        let board = board();
        board.observe(&[status("pg", TargetStatus::Up { version: "16".into() })]);
        board.observe(&[sample("pg", Tier::High, SampleBody::Metrics(vec![Metric::new(metric::TPS, 1.0)]))]);
        assert!(board.view().targets[&TargetId("pg".into())].is_up());
        board.observe(&[status("pg", TargetStatus::down("refused", Duration::from_secs(2)))]);
        let view = board.view();
        let pg = &view.targets[&TargetId("pg".into())];
        assert!(!pg.is_up() && pg.metrics.is_empty());
    }

    #[test]
    fn counters_are_kept_per_tier_and_replaced_by_the_next_round() {
        let board = board();
        let counters =
            |v: f64| SampleBody::Counters(vec![Metric::keyed(crate::model::counter::DEADLOCKS, "app", v)]);
        board.observe(&[sample("pg", Tier::High, counters(1.0)), sample("pg", Tier::Medium, counters(5.0))]);
        board.observe(&[sample("pg", Tier::High, counters(2.0))]);
        let view = board.view();
        let pg = &view.targets[&TargetId("pg".into())];
        assert_eq!(pg.counters[&Tier::High][0].value, 2.0);
        assert_eq!(pg.counters[&Tier::Medium][0].value, 5.0);
        assert!(pg.metrics.is_empty(), "counters are not metrics");
    }

    #[test]
    fn top_statements_only_when_asked_busiest_first_without_our_own() {
        use crate::model::{QueryStat, QueryStatsSnapshot};
        let stat = |id: &str, ms: f64| QueryStat {
            id: id.into(),
            calls: 2,
            total_time_ms: ms,
            ..QueryStat::default()
        };
        let mut own = stat("ours", 9000.0);
        own.counters.push(OWN_STATEMENT, 1.0);
        let snapshot = QueryStatsSnapshot {
            since: Some(Timestamp(1_000)),
            stats: vec![stat("a", 10.0), own, stat("b", 500.0), stat("c", 20.0)],
            availability: crate::model::StatsAvailability::Available,
            tracked: 4,
            reset_detected: false,
            evicted: None,
        };
        let round = [Sample {
            target: TargetId("pg".into()),
            tier: Tier::Medium,
            taken_at: Timestamp(11_000),
            body: SampleBody::Queries(snapshot),
        }];
        let board = board();
        board.observe(&round);
        assert_eq!(board.view().targets[&TargetId("pg".into())].statements, None, "off by default");
        board.keep_top_statements(2);
        board.observe(&round);
        let view = board.view();
        let top = view.targets[&TargetId("pg".into())].statements.clone().unwrap();
        assert_eq!(top.interval, Duration::from_secs(10));
        let ids: Vec<&str> = top.statements.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
        assert_eq!(top.statements[0].time, Duration::from_millis(500));
    }

    #[test]
    fn recorded_samples_add_up() {
        let board = board();
        board.recorded(3);
        board.recorded(4);
        board.record_failed();
        let view = board.view();
        assert_eq!((view.samples_recorded, view.record_failures), (7, 1));
    }
}
