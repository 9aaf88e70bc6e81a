//! The UI's read model: the latest state of every target, updated only by `apply`.
//! Render reads it; nothing else writes it.

use super::UiUpdate;
use super::series::Series;
use crate::collectors::registry::{self, EngineSpec};
use crate::model::present::Presentation;
use crate::model::{
    ActivitySnapshot, InstanceInfo, KeyspaceSnapshot, Latest, QueryStat, QueryStatsSnapshot, SampleBody,
    SchemaChange, SchemaSnapshot, SlowEntry, TargetHealth, TargetId, TargetInfo, TargetStatus, Tier,
    Timestamp, metric,
};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// Metrics kept as chart history for every target (others only keep their latest value),
/// besides those its engine's Overview charts name (`charted`).
pub const CHARTED: [&str; 5] = [
    metric::TPS,
    metric::SESSIONS_BY_STATE,
    metric::WAITS_BY_CLASS,
    metric::CACHE_HIT_PCT,
    metric::MEMORY_USED_BYTES,
];

/// The metrics whose history a target of `engine` keeps: the neutral ones and those of
/// its engine's charts.
pub fn charted(engine: &EngineSpec) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = CHARTED.to_vec();
    for chart in &engine.present.charts {
        if !names.contains(&chart.metric) {
            names.push(chart.metric);
        }
    }
    names
}

fn is_charted(engine: &EngineSpec, name: &str) -> bool {
    CHARTED.contains(&name) || engine.present.charts.iter().any(|c| c.metric == name)
}

/// The rate a target of `engine` is judged by at a glance: its first chart's metric (TPS,
/// ops/s, queries/s), drawn as the Overview's per-target trend.
pub fn headline(engine: &EngineSpec) -> &'static str {
    engine.present.charts[0].metric
}

/// Schema changes kept per target for the Schema tab, newest first.
pub const SCHEMA_CHANGES_CAP: usize = 1_000;

/// Slow-log entries kept per target for the Queries tab, newest first.
pub const SLOWLOG_CAP: usize = 1_000;

/// (metric name, key)
pub type SeriesKey = (String, String);

#[derive(Clone)]
pub struct TargetView {
    pub info: TargetInfo,
    /// The engine's description, looked up once from `info.engine`.
    pub engine: &'static EngineSpec,
    pub health: Option<TargetHealth>,
    /// The newest sample of each kind: what every view draws and the health checks read.
    pub latest: Latest,
    pub charts: BTreeMap<SeriesKey, Series>,
    pub last_sample_at: BTreeMap<Tier, Timestamp>,
    /// Bumped when sessions or statements change, so views re-sort only then.
    pub rows_version: u64,
    /// The health report, computed from `latest` after each round, never per frame.
    pub health_report: Option<crate::model::HealthReport>,
    /// Newest first, at most `SCHEMA_CHANGES_CAP`.
    pub schema_changes: VecDeque<SchemaChange>,
    /// Bumped when the schema or its changes change, so the tree is rebuilt only then.
    pub schema_version: u64,
    /// Slow-log entries read so far, newest first, at most `SLOWLOG_CAP`.
    pub slowlog: VecDeque<SlowEntry>,
}

impl TargetView {
    pub fn new(info: TargetInfo) -> Self {
        Self {
            health: None,
            latest: Latest { target: info.id.clone(), ..Latest::default() },
            charts: BTreeMap::new(),
            last_sample_at: BTreeMap::new(),
            rows_version: 0,
            schema_changes: VecDeque::new(),
            schema_version: 0,
            slowlog: VecDeque::new(),
            health_report: None,
            // A target learnt of from its samples only gets the first engine's views.
            engine: registry::by_display_name(&info.engine).unwrap_or(registry::ENGINES[0]),
            info,
        }
    }

    pub fn instance(&self) -> Option<&InstanceInfo> {
        self.latest.instance.as_ref()
    }

    pub fn activity(&self) -> Option<(Timestamp, &ActivitySnapshot)> {
        Some((self.latest.taken_at("activity")?, self.latest.activity.as_deref()?))
    }

    pub fn queries(&self) -> Option<(Timestamp, &QueryStatsSnapshot)> {
        Some((self.latest.taken_at("queries")?, self.latest.queries.as_ref()?))
    }

    pub fn schema(&self) -> Option<(Timestamp, &Arc<SchemaSnapshot>)> {
        Some((self.latest.taken_at("schema")?, self.latest.schema.as_ref()?))
    }

    pub fn keyspace(&self) -> Option<(Timestamp, &Arc<KeyspaceSnapshot>)> {
        Some((self.latest.taken_at("keyspace")?, self.latest.keyspace.as_ref()?))
    }

    /// How this target's data is shown.
    pub fn presentation(&self) -> &'static Presentation {
        self.engine.present
    }

    /// The product as the server names itself ("Valkey" for a target configured as redis),
    /// else the configured engine.
    pub fn product(&self) -> &str {
        self.instance().map(|i| i.product.as_str()).filter(|p| !p.is_empty()).unwrap_or(&self.info.engine)
    }

    pub fn status_label(&self) -> &'static str {
        self.health.as_ref().map_or("CONNECTING", |h| h.status.label())
    }

    /// The version alone: key-value collectors report "Valkey 8.0.1" as their status
    /// version, and the product is shown next to it already.
    pub fn version(&self) -> Option<&str> {
        let version = match self.health.as_ref().map(|h| &h.status) {
            Some(TargetStatus::Up { version } | TargetStatus::Degraded { version, .. })
                if !version.is_empty() =>
            {
                Some(version.as_str())
            }
            _ => self.instance().map(|i| i.version.as_str()).filter(|v| !v.is_empty()),
        }?;
        Some(version.strip_prefix(self.product()).map_or(version, str::trim_start))
    }

    /// What the DBA must read first when the target misbehaves.
    pub fn last_error(&self) -> Option<String> {
        match self.health.as_ref().map(|h| &h.status)? {
            TargetStatus::Down { error, retry_in_ms } => {
                Some(format!("{error} (retry in {})", super::format::duration_ms(*retry_in_ms)))
            }
            TargetStatus::Degraded { problems, .. } => Some(problems.join("; ")),
            _ => None,
        }
    }

    pub fn metric(&self, name: &str, key: &str) -> Option<f64> {
        self.latest.metric(name, key)
    }

    /// Charted series of one metric: key → series (the empty key for instance-wide values).
    pub fn chart_series<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a str, &'a Series)> + 'a {
        self.charts.iter().filter(move |((m, _), _)| m == name).map(|((_, k), s)| (k.as_str(), s))
    }

    pub fn sessions(&self) -> &[crate::model::Session] {
        self.latest.activity.as_ref().map_or(&[], |a| a.sessions.as_slice())
    }
}

/// Per-interval history of the statement open in the query detail popup.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryHistory {
    pub target: TargetId,
    pub query_id: String,
    pub points: Vec<(Timestamp, QueryStat)>,
}

impl std::fmt::Debug for TargetView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TargetView")
            .field("info", &self.info)
            .field("health", &self.health)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub targets: Vec<TargetView>,
    /// The target whose charts are shown: the only one that keeps every charted series.
    /// The others keep their headline rate only (for the Overview's trend column), so
    /// chart memory grows with one target, not with the fleet.
    focus: usize,
    pub query_history: Option<QueryHistory>,
    pub alerts: super::alerts::AlertBook,
    /// The forwarder's latest status; None while forwarding is off.
    pub forwarding: Option<crate::forward::ForwardStatus>,
}

impl Dashboard {
    pub fn new(targets: Vec<TargetInfo>) -> Self {
        Self { targets: targets.into_iter().map(TargetView::new).collect(), ..Self::default() }
    }

    /// Moves the full chart history to target `index`; the one that had it keeps only its
    /// headline series. Returns whether the focus changed (the caller reloads history).
    pub fn refocus(&mut self, index: usize) -> bool {
        let before = std::mem::replace(&mut self.focus, index);
        if before == index {
            return false;
        }
        if let Some(view) = self.targets.get_mut(before) {
            let keep = headline(view.engine);
            view.charts.retain(|(metric, _), _| metric == keep);
        }
        true
    }

    pub fn apply(&mut self, update: UiUpdate) {
        match update {
            UiUpdate::Round(samples) => {
                let mut touched: Vec<TargetId> = Vec::new();
                for sample in samples.iter() {
                    let index = self.index_of(&sample.target);
                    let focused = index == self.focus;
                    let Some(view) = self.targets.get_mut(index) else { continue };
                    let at = sample.taken_at;
                    // A status report is not data: "refreshed" must not look fresh while DOWN.
                    if !matches!(sample.body, SampleBody::Status(_)) {
                        view.latest.apply(at, &sample.body);
                        view.last_sample_at.insert(sample.tier, at);
                        if !touched.contains(&sample.target) {
                            touched.push(sample.target.clone());
                        }
                    }
                    // What `latest` does not keep: views to bump, history to accumulate.
                    match &sample.body {
                        SampleBody::Activity(_) | SampleBody::Queries(_) => view.rows_version += 1,
                        SampleBody::Schema(_) | SampleBody::Keyspace(_) => view.schema_version += 1,
                        SampleBody::SchemaChanges(changes) => {
                            let mut newest: Vec<&SchemaChange> = changes.iter().collect();
                            newest.sort_by_key(|c| std::cmp::Reverse(c.at));
                            for c in newest.into_iter().rev() {
                                view.schema_changes.push_front(c.clone());
                            }
                            view.schema_changes.truncate(SCHEMA_CHANGES_CAP);
                            // One slice lets the Schema view index changes without copying them.
                            view.schema_changes.make_contiguous();
                            view.schema_version += 1;
                        }
                        SampleBody::SlowLog(log) => {
                            // Entries arrive newest first; push the oldest first so the front stays newest.
                            for e in log.entries.iter().rev() {
                                view.slowlog.push_front(e.clone());
                            }
                            view.slowlog.truncate(SLOWLOG_CAP);
                            view.rows_version += 1;
                        }
                        SampleBody::Status(h) => view.health = Some(h.clone()),
                        SampleBody::Metrics(points) => {
                            let engine = view.engine;
                            let kept = |name: &str| match focused {
                                true => is_charted(engine, name),
                                false => name == headline(engine),
                            };
                            for p in points.iter().filter(|p| kept(&p.name)) {
                                let key = (p.name.clone(), p.key.clone());
                                view.charts.entry(key).or_default().push(at.millis(), p.value);
                            }
                        }
                        _ => {}
                    }
                }
                for id in touched {
                    let view = self.target_mut(&id);
                    view.health_report =
                        Some(crate::health::evaluate_with(view.engine.health_checks, &view.latest));
                }
            }
            UiUpdate::Series { target, metric, by_key } => {
                let index = self.index_of(&target);
                let Some(view) = self.targets.get_mut(index) else { return };
                // An answer for a target no longer shown keeps only what the trend needs.
                if index != self.focus && metric != headline(view.engine) {
                    return;
                }
                for (key, points) in by_key {
                    let points: Vec<(i64, f64)> = points.iter().map(|(t, v)| (t.millis(), *v)).collect();
                    view.charts.entry((metric.clone(), key)).or_default().merge(&points);
                }
            }
            UiUpdate::QueryHistory { target, query_id, points } => {
                self.query_history = Some(QueryHistory { target, query_id, points });
            }
            // Popups are view state: `App::update` takes them from the book's answer.
            UiUpdate::Alerts(events) => {
                self.alerts.apply(events);
            }
            UiUpdate::AlertHistory(events) => self.alerts.set_stored(events),
            UiUpdate::ActiveAlerts(active) => self.alerts.refresh(active),
            // Answers the App handles itself: the past board (`app_travel.rs`), comparisons, plans.
            UiUpdate::Moment(_)
            | UiUpdate::Comparison { .. }
            | UiUpdate::Overlay { .. }
            | UiUpdate::Plan { .. } => {}
            UiUpdate::Forwarding(status) => self.forwarding = Some(status),
        }
    }

    fn target_mut(&mut self, id: &TargetId) -> &mut TargetView {
        let index = self.index_of(id);
        &mut self.targets[index]
    }

    /// The index of target `id`, added when the UI was not told about it.
    fn index_of(&mut self, id: &TargetId) -> usize {
        match self.targets.iter().position(|t| &t.info.id == id) {
            Some(i) => i,
            None => {
                // A target the UI was not told about (added at runtime): show it rather than drop data.
                self.targets.push(TargetView::new(TargetInfo {
                    id: id.clone(),
                    engine: String::new(),
                    endpoint: String::new(),
                    tags: Vec::new(),
                }));
                self.targets.len() - 1
            }
        }
    }
}

#[cfg(test)]
#[path = "dashboard_tests.rs"]
mod tests;
