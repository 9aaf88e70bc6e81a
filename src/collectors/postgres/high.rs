//! High tier: instance facts, sessions, lock summary, database counters and rates.

use super::parse::{self, ActivityRow, InstanceRow, to_u64};
use super::{PostgresCollector, map_rows, queries};
use crate::collectors::{CollectError, Collected};
use crate::model::{ActivitySnapshot, DatabaseStat, LockCount, Metric, SampleBody, metric};
use std::time::Instant;

/// pg_locks is read every this many rounds: reading it takes all 16 lock-manager
/// partition locks, which is not free on a busy server (0.35 ms a call with 100 sessions
/// in the anchor bench, a third of a refresh's budget). Who blocks whom does not depend
/// on it: that comes from pg_blocking_pids() on the waiting sessions. In between, the
/// last summary is repeated.
const LOCK_SUMMARY_EVERY: u64 = 10;

#[derive(Debug, Default)]
pub struct HighState {
    previous_databases: Option<(Instant, Vec<DatabaseStat>)>,
    locks: Vec<LockCount>,
    rounds: u64,
}

impl HighState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

impl PostgresCollector {
    pub(super) async fn collect_high(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut bodies = Vec::new();
        let mut metrics = Vec::new();

        let mut session_count = None;
        let activity_sql = queries::activity_sql(self.version_num);
        if let Some(rows) = self.rows("pg_stat_activity", activity_sql, &[], &mut problems).await? {
            let mut rows = map_rows(&rows, "pg_stat_activity", &mut problems, |r| {
                Ok(ActivityRow {
                    pid: r.try_get("pid")?,
                    user_id: r.try_get("user_id")?,
                    database_id: r.try_get("database_id")?,
                    user: String::new(),
                    database: String::new(),
                    application: r.try_get("application_name")?,
                    client: r.try_get("client_addr")?,
                    state: r.try_get("state")?,
                    wait_event_type: r.try_get("wait_event_type")?,
                    wait_event: r.try_get("wait_event")?,
                    query: r.try_get("query")?,
                    query_ms: r.try_get("query_ms")?,
                    xact_ms: r.try_get("xact_ms")?,
                    backend_ms: r.try_get("backend_ms")?,
                    state_ms: r.try_get("state_ms")?,
                    blocked_by: r.try_get("blocked_by")?,
                    backend_type: r.try_get("backend_type")?,
                    backend_xmin: r.try_get("backend_xmin")?,
                    leader_pid: r.try_get("leader_pid")?,
                })
            });
            let user_ids: Vec<i64> = rows.iter().filter_map(|r| r.user_id).collect();
            let database_ids: Vec<i64> = rows.iter().filter_map(|r| r.database_id).collect();
            self.resolve_names(user_ids, database_ids, &mut problems).await?;
            for row in &mut rows {
                row.user = Self::name_of(&self.role_names, row.user_id);
                row.database = Self::name_of(&self.database_names, row.database_id);
            }
            // Connections are a server-wide budget (max_connections): counted before a
            // database scope keeps only this database's sessions.
            session_count = Some(rows.len());
            rows.retain(|row| self.watches_database(&row.database));
            let sessions: Vec<_> = rows.into_iter().map(parse::session).collect();
            if sessions.iter().any(|s| s.query == "<insufficient privilege>") {
                problems.push(
                    "pg_stat_activity: query texts of other roles are hidden \
                     (<insufficient privilege>); grant pg_monitor or pg_read_all_stats"
                        .to_owned(),
                );
            }
            if self.high.rounds.is_multiple_of(LOCK_SUMMARY_EVERY) {
                self.read_lock_summary(&mut problems).await?;
            }
            metrics.extend(parse::activity_metrics(&sessions));
            bodies.push(SampleBody::Activity(ActivitySnapshot { sessions, locks: self.high.locks.clone() }));
        }
        self.high.rounds += 1;

        // Every client backend, ours included; unknown when the activity read failed.
        let connections = session_count.map_or(0, |n| n as u64 + 1);
        if let Some(rows) = self.rows("instance", queries::INSTANCE, &[], &mut problems).await? {
            let info = map_rows(&rows, "instance", &mut problems, |r| {
                Ok(InstanceRow {
                    version: r.try_get("version")?,
                    version_full: r.try_get("version_full")?,
                    started_at_ms: r.try_get("started_at_ms")?,
                    max_connections: r.try_get("max_connections")?,
                    in_recovery: r.try_get("in_recovery")?,
                    database: r.try_get("database")?,
                })
            });
            if let Some(row) = info.into_iter().next() {
                let info = parse::instance(row, connections);
                if session_count.is_some() {
                    metrics.push(Metric::new(metric::CONNECTIONS, info.connections as f64));
                }
                if let Some(max) = info.max_connections {
                    metrics.push(Metric::new(metric::MAX_CONNECTIONS, max as f64));
                }
                bodies.push(SampleBody::Instance(info));
            }
        }

        if let Some(rows) = self.rows("pg_stat_database", queries::DATABASES, &[], &mut problems).await? {
            let now = Instant::now();
            let mut databases = map_rows(&rows, "pg_stat_database", &mut problems, |r| {
                let n = |col: &str| r.try_get::<_, Option<i64>>(col).map(|v| to_u64(v.unwrap_or(0)));
                let name: String = r.try_get("datname")?;
                Ok(DatabaseStat {
                    size_bytes: self.sizes.get(&name).copied(),
                    name,
                    connections: n("numbackends")?,
                    xact_commit: n("xact_commit")?,
                    xact_rollback: n("xact_rollback")?,
                    blks_read: n("blks_read")?,
                    blks_hit: n("blks_hit")?,
                    tup_returned: n("tup_returned")?,
                    tup_fetched: n("tup_fetched")?,
                    tup_inserted: n("tup_inserted")?,
                    tup_updated: n("tup_updated")?,
                    tup_deleted: n("tup_deleted")?,
                    deadlocks: n("deadlocks")?,
                    temp_files: n("temp_files")?,
                    temp_bytes: n("temp_bytes")?,
                    conflicts: n("conflicts")?,
                    tps: None,
                    cache_hit_pct: None,
                })
            });
            databases.retain(|d| self.watches_database(&d.name));
            // Rates need a previous read: the first round emits none rather than a fake 0.
            if let Some((then, previous)) = &self.high.previous_databases {
                let secs = now.duration_since(*then).as_secs_f64();
                metrics.extend(parse::database_rates(previous, &mut databases, secs));
            }
            self.high.previous_databases = Some((now, databases.clone()));
            bodies.push(SampleBody::Counters(super::counters::database_counters(&databases)));
            bodies.push(SampleBody::Databases(databases));
        }

        bodies.push(SampleBody::Metrics(metrics));
        Ok(Collected { bodies, problems })
    }

    async fn read_lock_summary(&mut self, problems: &mut Vec<String>) -> Result<(), CollectError> {
        if let Some(rows) = self.rows("pg_locks", queries::LOCK_SUMMARY, &[], problems).await? {
            self.high.locks = map_rows(&rows, "pg_locks", problems, |r| {
                Ok(LockCount {
                    lock_type: r.try_get("locktype")?,
                    mode: r.try_get("mode")?,
                    granted: r.try_get("granted")?,
                    count: to_u64(r.try_get("n")?),
                })
            });
        }
        Ok(())
    }
}
