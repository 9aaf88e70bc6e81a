//! Medium tier: pg_stat_statements deltas, replication, checkpoints and I/O (`io.rs`);
//! and the database sizes that the low tier reads.

use super::connect::database_name;
use super::parse::{bytes, to_u64};
use super::statements::{Counters, StatementDeltas, StatementKey, StatementsInfo, TextCache, query_stat};
use super::{PostgresCollector, map_rows, queries, statement_counters};
use crate::collectors::{CollectError, Collected};
use crate::model::{
    Metric, QueryStatsSnapshot, Replica, Replication, ReplicationSlot, SampleBody, ServerRole,
    StatsAvailability, Timestamp, WalReceiver, metric,
};
use tokio_postgres::error::SqlState;

/// Above this many databases only the connected one is sized: pg_database_size() stat()s
/// every file, and summing thousands of databases is what made other monitors unusable.
const MAX_SIZED_DATABASES: i64 = 50;
/// Statement texts kept in memory; pg_stat_statements.max defaults to 5000.
const TEXT_CACHE_CAP: usize = 5_000;

#[derive(Debug)]
pub struct MediumState {
    pub(super) statements: StatementDeltas,
    texts: TextCache,
    /// Previous checkpointer and I/O reads, for rates.
    pub(super) io: super::io::IoState,
    /// Whether database sizes were read on this connection (see `read_sizes`).
    sized_once: bool,
    /// Which statements are Logstag's own, by queryid.
    own: crate::collectors::own_statements::Verdicts<i64>,
}

impl Default for MediumState {
    fn default() -> Self {
        Self {
            statements: StatementDeltas::default(),
            texts: TextCache::new(TEXT_CACHE_CAP),
            io: Default::default(),
            sized_once: false,
            own: crate::collectors::own_statements::Verdicts::new(
                super::own::our_signatures(),
                TEXT_CACHE_CAP,
            ),
        }
    }
}

impl MediumState {
    /// Texts and names stay valid across reconnects; counter baselines do not.
    pub fn forget(&mut self) {
        self.statements.clear();
        self.io = Default::default();
        self.sized_once = false;
    }
}

impl PostgresCollector {
    pub(super) async fn collect_medium(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut metrics = Vec::new();
        let queries = self.read_statements(&mut problems, &mut metrics).await?;
        let mut bodies = vec![SampleBody::Queries(queries)];
        if let Some(replication) = self.read_replication(&mut problems, &mut metrics).await? {
            bodies.push(SampleBody::Replication(replication));
        }
        let mut counters = Vec::new();
        self.read_io(&mut problems, &mut metrics, &mut counters).await?;
        bodies.push(SampleBody::Metrics(metrics));
        bodies.push(SampleBody::Counters(counters));
        Ok(Collected { bodies, problems })
    }

    async fn read_statements(
        &mut self,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<QueryStatsSnapshot, CollectError> {
        let db = database_name(&self.target).to_owned();
        let unavailable = |reason: String, problems: &mut Vec<String>| {
            problems.push(reason.clone());
            QueryStatsSnapshot {
                availability: StatsAvailability::Unavailable(reason),
                since: None,
                stats: Vec::new(),
                tracked: 0,
                reset_detected: false,
                evicted: None,
            }
        };
        let extension_version = match self.query_raw(queries::STATEMENTS_EXTENSION, &[]).await? {
            Ok(rows) => rows.first().and_then(|r| r.try_get::<_, String>("extversion").ok()),
            Err(f) => return Ok(unavailable(format!("pg_extension: {}", f.message), problems)),
        };
        let Some(extension_version) = extension_version else {
            self.medium.statements.clear();
            return Ok(unavailable(
                format!(
                    "pg_stat_statements is not installed in database {db}: add it to \
                     shared_preload_libraries, restart, and run CREATE EXTENSION pg_stat_statements"
                ),
                problems,
            ));
        };
        let sql = queries::statements_sql(&extension_version, self.version_num);
        let every_database = self.scope == super::scope::Scope::Cluster;
        let rows = match self.query_raw(sql, &[&every_database]).await? {
            Ok(rows) => rows,
            Err(f) => {
                self.medium.statements.clear();
                let reason = if f.message.contains("shared_preload_libraries") {
                    format!(
                        "pg_stat_statements is created in database {db} but its library is not \
                         loaded: add it to shared_preload_libraries and restart the server"
                    )
                } else if f.code == Some(SqlState::INSUFFICIENT_PRIVILEGE) {
                    format!(
                        "pg_stat_statements: permission denied ({}); grant pg_monitor or \
                         pg_read_all_stats to the monitoring role",
                        f.message
                    )
                } else {
                    format!("pg_stat_statements: {}", f.message)
                };
                return Ok(unavailable(reason, problems));
            }
        };
        let read_at = Timestamp::now();
        let positions = statement_counters::positions(rows.first());
        let entries = map_rows(&rows, "pg_stat_statements", problems, |r| {
            let n = |col: &str| r.try_get::<_, Option<i64>>(col).map(|v| to_u64(v.unwrap_or(0)));
            let queryid: Option<i64> = r.try_get("queryid")?;
            let counters = Counters {
                calls: n("calls")?,
                total_time_ms: r.try_get::<_, Option<f64>>("total_time_ms")?.unwrap_or(0.0),
                min_time_ms: r.try_get("min_time_ms")?,
                max_time_ms: r.try_get("max_time_ms")?,
                rows: n("rows")?,
                extra: statement_counters::read(r, &positions)?,
            };
            let (userid, dbid) = (r.try_get("userid")?, r.try_get("dbid")?);
            Ok(queryid.map(|queryid| (StatementKey { queryid, userid, dbid }, counters)))
        });
        let hidden = entries.iter().filter(|e| e.is_none()).count();
        if hidden > 0 {
            problems.push(format!(
                "pg_stat_statements: {hidden} statements of other roles are hidden \
                 (<insufficient privilege>); grant pg_read_all_stats or pg_monitor"
            ));
        }
        let entries: Vec<_> = entries.into_iter().flatten().collect();

        let info = if queries::has_statements_info(&extension_version) {
            match self.query_raw(queries::STATEMENTS_INFO, &[]).await? {
                Ok(rows) => rows.first().and_then(|r| {
                    Some(StatementsInfo {
                        dealloc: to_u64(r.try_get("dealloc").ok()?),
                        stats_reset_ms: r.try_get("stats_reset_ms").ok()?,
                    })
                }),
                Err(_) => None,
            }
        } else {
            None
        };
        let interval = self.medium.statements.advance(read_at, entries, info);

        let missing = self.medium.texts.missing(interval.deltas.iter().map(|(k, _)| k.queryid));
        if !missing.is_empty()
            && let Some(rows) =
                self.rows("pg_stat_statements texts", queries::STATEMENT_TEXTS, &[&missing], problems).await?
        {
            for r in &rows {
                if let (Ok(id), Ok(text)) = (r.try_get::<_, i64>("queryid"), r.try_get::<_, String>("query"))
                {
                    self.medium.texts.insert(id, text);
                }
            }
        }
        let user_ids: Vec<i64> = interval.deltas.iter().map(|(k, _)| k.userid).collect();
        let database_ids: Vec<i64> = interval.deltas.iter().map(|(k, _)| k.dbid).collect();
        self.resolve_names(user_ids, database_ids, problems).await?;

        let mut stats = Vec::with_capacity(interval.deltas.len());
        let (mut calls, mut time_ms) = (0u64, 0.0f64);
        for (key, delta) in interval.deltas {
            calls += delta.calls;
            time_ms += delta.total_time_ms;
            let text = self.medium.texts.get(key.queryid).unwrap_or_default();
            let user = Self::name_of(&self.role_names, Some(key.userid));
            let database = Self::name_of(&self.database_names, Some(key.dbid));
            let mut stat = query_stat(key, delta, text, user, database);
            let own_plan =
                stat.user == self.target.username && super::plan::is_own_plan_statement(&stat.text);
            if own_plan || self.medium.own.is_ours(key.queryid, &stat.text) {
                stat.mark_own();
            }
            stats.push(stat);
        }
        self.medium.texts.end_round();
        if interval.since.is_some() && interval.secs > 0.0 {
            metrics.push(Metric::new(metric::QUERY_CALLS_PER_S, calls as f64 / interval.secs));
            metrics.push(Metric::new(metric::QUERY_TIME_MS_PER_S, time_ms / interval.secs));
        }
        Ok(QueryStatsSnapshot {
            availability: StatsAvailability::Available,
            since: interval.since,
            stats,
            tracked: interval.tracked,
            reset_detected: interval.reset_detected,
            evicted: interval.evicted,
        })
    }

    async fn read_replication(
        &mut self,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<Option<Replication>, CollectError> {
        let Some(rows) = self.rows("pg_is_in_recovery", queries::IN_RECOVERY, &[], problems).await? else {
            return Ok(None);
        };
        let standby = rows.first().and_then(|r| r.try_get::<_, bool>("in_recovery").ok()).unwrap_or(false);
        let mut replication = Replication {
            role: if standby { ServerRole::Standby } else { ServerRole::Primary },
            ..Default::default()
        };
        if !standby
            && let Some(rows) = self.rows("pg_stat_replication", queries::REPLICAS, &[], problems).await?
        {
            replication.replicas = map_rows(&rows, "pg_stat_replication", problems, |r| {
                Ok(Replica {
                    name: r.try_get("name")?,
                    client: r.try_get("client")?,
                    state: r.try_get("state")?,
                    sync_state: r.try_get("sync_state")?,
                    write_lag_ms: r.try_get("write_lag_ms")?,
                    flush_lag_ms: r.try_get("flush_lag_ms")?,
                    replay_lag_ms: r.try_get("replay_lag_ms")?,
                    replay_lag_bytes: bytes(r.try_get("replay_lag_bytes")?),
                })
            });
            let worst = replication.replicas.iter().filter_map(|r| r.replay_lag_ms).reduce(f64::max);
            if let Some(ms) = worst {
                metrics.push(Metric::new(metric::REPLICATION_LAG_S, ms / 1000.0));
            }
        }
        let slots_sql = if standby { queries::SLOTS_STANDBY } else { queries::SLOTS_PRIMARY };
        if let Some(rows) = self.rows("pg_replication_slots", slots_sql, &[], problems).await? {
            replication.slots = map_rows(&rows, "pg_replication_slots", problems, |r| {
                Ok(ReplicationSlot {
                    name: r.try_get("name")?,
                    slot_type: r.try_get("slot_type")?,
                    database: r.try_get("database")?,
                    active: r.try_get("active")?,
                    retained_bytes: bytes(r.try_get("retained_bytes")?),
                })
            });
            for slot in &replication.slots {
                if let Some(b) = slot.retained_bytes {
                    metrics.push(Metric::keyed(metric::SLOT_RETAINED_BYTES, slot.name.clone(), b as f64));
                }
            }
        }
        if standby
            && let Some(rows) =
                self.rows("pg_stat_wal_receiver", queries::WAL_RECEIVER, &[], problems).await?
        {
            replication.receiver = map_rows(&rows, "pg_stat_wal_receiver", problems, |r| {
                Ok(WalReceiver {
                    status: r.try_get("status")?,
                    sender: r.try_get("sender")?,
                    last_msg_age_s: r.try_get("last_msg_age_s")?,
                    replay_delay_s: r.try_get("replay_delay_s")?,
                })
            })
            .into_iter()
            .next();
            if let Some(delay) = replication.receiver.as_ref().and_then(|w| w.replay_delay_s) {
                metrics.push(Metric::new(metric::REPLICATION_LAG_S, delay.max(0.0)));
            }
        }
        Ok(Some(replication))
    }

    /// Sizes are read on the low tier, not the medium one: pg_database_size() stat()s every
    /// file, and one call cost 45 ms of server time on a 2,000-table database (anchor bench),
    /// most of our whole per-minute budget. Sizes move slowly; ten minutes is fresh enough.
    pub(super) async fn read_sizes(
        &mut self,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<(), CollectError> {
        // The first read after connecting sizes only the connected database: start-up is
        // when every tier runs at once, and the other databases can wait one low interval.
        let first_read = !self.medium.sized_once;
        self.medium.sized_once = true;
        // A database-scoped target sizes only its own database, always.
        let count = if first_read || self.scope == super::scope::Scope::Database {
            i64::MAX
        } else {
            match self.rows("pg_database", queries::DATABASE_COUNT, &[], problems).await? {
                Some(rows) => rows.first().and_then(|r| r.try_get::<_, i64>("n").ok()).unwrap_or(0),
                None => return Ok(()),
            }
        };
        let sql = if count > MAX_SIZED_DATABASES {
            queries::CURRENT_DATABASE_SIZE
        } else {
            queries::DATABASE_SIZES
        };
        let Some(rows) = self.rows("pg_database_size", sql, &[], problems).await? else {
            return Ok(());
        };
        let sizes: Vec<(String, i64)> =
            map_rows(&rows, "pg_database_size", problems, |r| Ok((r.try_get("name")?, r.try_get("size")?)));
        self.sizes.clear();
        for (name, size) in sizes {
            metrics.push(Metric::keyed(metric::DATABASE_SIZE_BYTES, name.clone(), size as f64));
            self.sizes.insert(name, to_u64(size));
        }
        Ok(())
    }
}
