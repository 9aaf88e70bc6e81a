//! High tier: instance facts, threads with their transactions, who blocks whom (row
//! locks and metadata locks), and the global status as rates.
//!
//! Cost: two statements on a quiet server (processlist, status) plus the instance row;
//! the lock reads run only while some thread waits for a lock, and the program names
//! only when a connection we have not seen appears.

use super::{MysqlCollector, locks, metric as my, plans, queries, sessions, status};
use crate::collectors::session_metrics::activity_metrics;
use crate::collectors::{CollectError, Collected};
use crate::model::{
    ActivitySnapshot, InstanceInfo, Metric, SampleBody, ServerRole, Session, SessionState, Timestamp,
};
use std::collections::HashMap;
use std::time::Instant;

#[derive(Debug, Default)]
pub struct HighState {
    previous_status: Option<(Instant, status::Status, u64)>,
    /// `program_name` by connection id, refreshed when an unknown id shows up.
    programs: HashMap<i64, String>,
    /// Told once per connection: metadata-lock blockers need performance_schema.
    told_no_mdl: bool,
    plans: plans::PlanCache,
    /// The instance row (system variables that rarely change), read every
    /// `INSTANCE_EVERY` rounds.
    instance: Option<super::rows::TextRow>,
    rounds: u64,
    /// Last statements of idle blockers, by connection id, read once per idle spell.
    last_statements: HashMap<i64, String>,
}

/// Rounds between two reads of the instance row: max_connections or read_only change
/// seldom, and a minute at most is soon enough to show it.
const INSTANCE_EVERY: u64 = 6;

impl HighState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

impl MysqlCollector {
    pub(super) async fn collect_high(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut bodies = Vec::new();
        let mut metrics = Vec::new();
        let Some(server) = self.server().cloned() else {
            return Err(self.lost("not connected"));
        };
        let performance_schema = self.conn.as_ref().is_some_and(|c| c.performance_schema);

        if let Some(rows) = self.rows("processlist", queries::processlist(&server), &mut problems).await? {
            let ids: Vec<i64> = rows.iter().filter_map(|r| r.int("id")).collect();
            if performance_schema && ids.iter().any(|id| !self.high.programs.contains_key(id)) {
                self.read_programs(&ids, &mut problems).await?;
            }
            let mut sessions: Vec<Session> =
                rows.iter().filter_map(|r| sessions::session(r, &self.high.programs)).collect();
            let edges =
                self.read_lock_edges(&server, &mut sessions, performance_schema, &mut problems).await?;
            sessions::apply_edges(&mut sessions, &edges);
            if performance_schema {
                self.read_last_statements(&mut sessions, &mut problems).await?;
            }
            self.read_plans(&server, &sessions).await?;
            self.high.plans.attach(&mut sessions);
            metrics.extend(activity_metrics(&sessions));
            metrics.extend(transaction_metrics(&sessions));
            bodies.push(SampleBody::Activity(ActivitySnapshot { sessions, locks: Vec::new() }));
        }

        let mut status_now = None;
        if let Some(rows) = self.rows("global status", queries::GLOBAL_STATUS, &mut problems).await? {
            let now = Instant::now();
            let current = status::parse(&rows);
            let sent = self.conn.as_ref().map_or(0, |c| c.sent);
            let previous = self.high.previous_status.as_ref().map(|(then, previous, previous_sent)| {
                (previous, now.duration_since(*then).as_secs_f64(), sent.saturating_sub(*previous_sent))
            });
            metrics.extend(status::metrics(
                previous.as_ref().map(|(p, secs, _)| (*p, *secs)),
                &current,
                previous.map_or(0, |p| p.2),
            ));
            bodies.push(SampleBody::Counters(super::counters::status_counters(&current)));
            status_now = Some(current.clone());
            self.high.previous_status = Some((now, current, sent));
        }

        if self.high.instance.is_none() || self.high.rounds.is_multiple_of(INSTANCE_EVERY) {
            let rows = self.rows("instance", queries::INSTANCE, &mut problems).await?;
            self.high.instance = rows.and_then(|r| r.into_iter().next());
        }
        self.high.rounds += 1;
        if let Some(row) = &self.high.instance {
            let status_value = |name: &str| status_now.as_ref().and_then(|s| s.get(name).copied());
            let max_connections = row.uint("max_connections");
            if let Some(max) = max_connections {
                metrics.push(Metric::new(crate::model::metric::MAX_CONNECTIONS, max as f64));
                if let Some(peak) = status_value("max_used_connections").filter(|_| max > 0) {
                    metrics.push(Metric::new(my::CONNECTIONS_PEAK_PCT, 100.0 * peak as f64 / max as f64));
                }
            }
            let started_at_ms = status_value("uptime").map(|up| Timestamp::now().0 - (up as i64) * 1000);
            bodies.push(SampleBody::Instance(InstanceInfo {
                version: server.short(),
                version_full: format!("{} {}", row.text("version"), row.text("version_comment"))
                    .trim()
                    .to_owned(),
                started_at_ms,
                max_connections,
                // A read-only server is, in practice, a replica (the medium tier reads its status).
                role: if row.flag("read_only") == Some(true) {
                    ServerRole::Standby
                } else {
                    ServerRole::Primary
                },
                database: row.text("db"),
                connections: status_value("threads_connected").unwrap_or(0),
                product: server.product().to_owned(),
            }));
        }

        bodies.push(SampleBody::Metrics(metrics));
        Ok(Collected { bodies, problems })
    }

    async fn read_programs(&mut self, ids: &[i64], problems: &mut Vec<String>) -> Result<(), CollectError> {
        if let Some(rows) = self.rows("session_connect_attrs", queries::PROGRAM_NAMES, problems).await? {
            let mut programs: HashMap<i64, String> =
                rows.iter().filter_map(|r| Some((r.int("id")?, r.text("program")))).collect();
            // Clients that sent no program name are remembered too, so they are not asked again.
            for id in ids {
                programs.entry(*id).or_default();
            }
            self.high.programs = programs;
        }
        Ok(())
    }

    /// An idle thread that blocks others shows no statement: its transaction's last one,
    /// from performance_schema (when the events_statements_current consumer is on), tells
    /// the DBA what it did before it went quiet.
    async fn read_last_statements(
        &mut self,
        sessions: &mut [Session],
        problems: &mut Vec<String>,
    ) -> Result<(), CollectError> {
        let blockers: Vec<i64> = sessions
            .iter()
            .filter(|s| s.query.is_empty() && sessions.iter().any(|o| o.blocked_by.contains(&s.id)))
            .map(|s| s.id)
            .collect();
        // An idle blocker's last statement does not change while it stays idle.
        self.high.last_statements.retain(|id, _| blockers.contains(id));
        let unknown: Vec<i64> =
            blockers.iter().copied().filter(|id| !self.high.last_statements.contains_key(id)).collect();
        if !unknown.is_empty()
            && let Some(rows) =
                self.rows("last statements", &queries::last_statements(&unknown), problems).await?
        {
            for id in &unknown {
                self.high.last_statements.insert(*id, String::new());
            }
            for row in rows {
                if let (Some(id), Some(text)) = (row.int("id"), row.get("sql_text")) {
                    self.high.last_statements.insert(id, text.to_owned());
                }
            }
        }
        for s in sessions.iter_mut() {
            if let Some(text) = self.high.last_statements.get(&s.id).filter(|t| !t.is_empty()) {
                s.query = text.clone();
                s.extra.push(("query".to_owned(), "the last statement before it went idle".to_owned()));
            }
        }
        Ok(())
    }

    /// Plans of the statements that have run long enough to deserve one. A thread that
    /// finished meanwhile, or a statement with no plan, is remembered with the reason.
    async fn read_plans(
        &mut self,
        server: &super::version::Server,
        sessions: &[Session],
    ) -> Result<(), CollectError> {
        for id in self.high.plans.wanted(sessions) {
            let query = sessions.iter().find(|s| s.id == id).map(|s| s.query.clone()).unwrap_or_default();
            let plan = match self.query_raw(&plans::explain_for(server, id)).await? {
                Ok(rows) => plans::plan_lines(&rows),
                Err(refusal) => vec![format!("not available: {}", refusal.message)],
            };
            self.high.plans.remember(id, &query, plan);
        }
        Ok(())
    }

    /// Row-lock and metadata-lock edges, read only when someone waits.
    async fn read_lock_edges(
        &mut self,
        server: &super::version::Server,
        sessions: &mut [Session],
        performance_schema: bool,
        problems: &mut Vec<String>,
    ) -> Result<Vec<(i64, i64)>, CollectError> {
        let mut edges = Vec::new();
        let row_waits = sessions.iter().any(|s| s.wait.as_ref().is_some_and(|w| w.event == "Lock:row"));
        if row_waits
            && let Some(rows) =
                self.rows("InnoDB lock waits", queries::row_lock_waits(server), problems).await?
        {
            edges.extend(locks::row_lock_edges(&rows));
        }
        let mdl_waits = sessions.iter().any(is_metadata_wait);
        if mdl_waits && performance_schema {
            if let Some(rows) = self.rows("metadata locks", queries::METADATA_LOCKS, problems).await? {
                let metadata = locks::metadata_locks(&rows);
                edges.extend(locks::metadata_edges(&metadata));
                for (id, wanted) in locks::pending_requests(&metadata) {
                    if let Some(s) = sessions.iter_mut().find(|s| s.id == id) {
                        s.extra.push(("lock wanted".to_owned(), wanted));
                    }
                }
            }
        } else if mdl_waits && !self.high.told_no_mdl {
            self.high.told_no_mdl = true;
            problems.push(
                "metadata lock waits: who holds the lock is unknown without performance_schema \
                 (start the server with performance_schema=ON and \
                 performance-schema-instrument='wait/lock/metadata/sql/mdl=ON')"
                    .to_owned(),
            );
        }
        Ok(edges)
    }
}

fn is_metadata_wait(s: &Session) -> bool {
    s.wait.as_ref().is_some_and(|w| w.event.starts_with("Lock:") && w.event != "Lock:row")
}

/// Metadata-lock waiters, open transactions and the oldest one's age.
fn transaction_metrics(sessions: &[Session]) -> Vec<Metric> {
    let waiting_mdl =
        sessions.iter().filter(|s| s.state == SessionState::WaitingForLock && is_metadata_wait(s)).count();
    let open: Vec<u64> = sessions.iter().filter_map(|s| s.xact_ms).collect();
    vec![
        Metric::new(my::METADATA_LOCK_WAITS, waiting_mdl as f64),
        Metric::new(my::OPEN_TRANSACTIONS, open.len() as f64),
        Metric::new(my::OLDEST_TRANSACTION_S, open.iter().max().copied().unwrap_or(0) as f64 / 1000.0),
    ]
}
