//! High tier: who is connected and what they run, wait on and are blocked by
//! (`high/sessions.rs`), wait statistics (`high/waits.rs`), performance counters
//! (`high/counters.rs`), instance facts, and the cached plans of long statements
//! (`high/plans.rs`, `high/showplan.rs`).
//!
//! Cost per round on a quiet server: four statements (instance, sessions, wait stats,
//! counters), plus the server facts once per connection (every round with Always On),
//! plus at most three plan reads while statements run longer than 5 s. docs/mssql.md.

pub mod counters;
pub mod plans;
pub mod sessions;
pub mod showplan;
pub mod statements;
pub mod waits;

use super::{MssqlCollector, queries};
use crate::collectors::session_metrics::activity_metrics;
use crate::collectors::{CollectError, Collected};
use crate::model::{ActivitySnapshot, InstanceInfo, Metric, SampleBody, ServerRole, Timestamp, metric};
use sessions::SessionRead;
use std::time::Instant;

/// Every statement of this tier (for the read-only test). Plan reads are built at run
/// time from a validated hex handle (`plans::plan_statement`, tested on its own).
pub const STATEMENTS: &[&str] = &[
    statements::SESSIONS,
    statements::WAIT_STATS,
    statements::PERFORMANCE_COUNTERS,
    statements::SERVER_FACTS,
    statements::SERVER_FACTS_WITH_AG,
];

/// Facts that change only with a restart or a failover.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ServerFacts {
    pub max_connections: Option<u64>,
    pub started_at_ms: Option<i64>,
    pub role: ServerRole,
}

/// What the tier remembers between rounds (forgotten with the connection).
#[derive(Debug, Default)]
pub struct HighState {
    previous_waits: Option<(Instant, waits::WaitTotals)>,
    previous_counters: Option<(Instant, counters::CounterRead)>,
    server: Option<ServerFacts>,
    plans: plans::PlanCache,
}

impl HighState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }

    /// Sessions of one read (the pure part of the round: the bench times it).
    pub fn sessions(rows: &[crate::collectors::text_rows::TextRow]) -> Vec<SessionRead> {
        sessions::parse(rows)
    }

    /// Wait time per second since the previous read (nothing on the first).
    pub fn wait_metrics(
        &mut self,
        rows: &[crate::collectors::text_rows::TextRow],
        now: Instant,
    ) -> Vec<Metric> {
        let current = waits::WaitTotals::parse(rows);
        let previous = self.previous_waits.take();
        let out = waits::metrics(
            previous.as_ref().map(|(then, totals)| (totals, now.duration_since(*then).as_secs_f64())),
            &current,
        );
        self.previous_waits = Some((now, current));
        out
    }

    /// Counter metrics (rates from the second read on) and User Connections.
    pub fn counter_metrics(
        &mut self,
        rows: &[crate::collectors::text_rows::TextRow],
        now: Instant,
    ) -> (Vec<Metric>, Option<u64>) {
        let current = counters::CounterRead::parse(rows);
        let previous = self.previous_counters.take();
        let out = counters::metrics(
            previous.as_ref().map(|(then, read)| (read, now.duration_since(*then).as_secs_f64())),
            &current,
        );
        let connections = current.user_connections();
        self.previous_counters = Some((now, current));
        (out, connections)
    }
}

/// The server facts row: start time from the server's own uptime (no clock skew), the
/// role from the local Availability Group replicas (secondary everywhere = standby).
pub fn server_facts(row: &crate::collectors::text_rows::TextRow, now_ms: i64) -> ServerFacts {
    let primary = row.uint("primary_replicas").unwrap_or(0);
    let secondary = row.uint("secondary_replicas").unwrap_or(0);
    ServerFacts {
        max_connections: row.uint("max_connections").filter(|m| *m > 0),
        started_at_ms: row.uint("uptime_ms").and_then(|up| i64::try_from(up).ok()).map(|up| now_ms - up),
        role: if secondary > 0 && primary == 0 { ServerRole::Standby } else { ServerRole::Primary },
    }
}

impl MssqlCollector {
    pub(super) async fn collect_high(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut bodies = Vec::new();
        let mut metrics = Vec::new();
        if self.conn.is_none() {
            return Err(self.lost("not connected"));
        }

        let mut sessions_seen = None;
        if let Some(rows) = self.rows("sessions", statements::SESSIONS, &mut problems).await? {
            let mut reads = HighState::sessions(&rows);
            self.read_plans(&reads).await?;
            self.high.plans.attach(&mut reads);
            let sessions: Vec<_> = reads.into_iter().map(|r| r.session).collect();
            metrics.extend(activity_metrics(&sessions));
            sessions_seen = Some(sessions.len() as u64);
            bodies.push(SampleBody::Activity(ActivitySnapshot { sessions, locks: Vec::new() }));
        }
        let mut raw = Vec::new();
        if let Some(rows) = self.rows("wait statistics", statements::WAIT_STATS, &mut problems).await? {
            raw.extend(waits::raw_counters(&waits::WaitTotals::parse(&rows)));
            metrics.extend(self.high.wait_metrics(&rows, Instant::now()));
        }
        let mut connections = None;
        if let Some(rows) =
            self.rows("performance counters", statements::PERFORMANCE_COUNTERS, &mut problems).await?
        {
            raw.extend(counters::raw_counters(&counters::CounterRead::parse(&rows)));
            let (counter_metrics, user_connections) = self.high.counter_metrics(&rows, Instant::now());
            metrics.extend(counter_metrics);
            connections = user_connections;
        }

        if let Some(rows) = self.rows("instance", queries::INSTANCE, &mut problems).await?
            && let Some(row) = rows.first()
        {
            let hadr = row.int("hadr_enabled") == Some(1);
            if hadr || self.high.server.is_none() {
                let sql = if hadr { statements::SERVER_FACTS_WITH_AG } else { statements::SERVER_FACTS };
                if let Some(facts) = self.rows("server facts", sql, &mut problems).await? {
                    self.high.server = facts.first().map(|f| server_facts(f, Timestamp::now().0));
                }
            }
            let facts = self.high.server.unwrap_or_default();
            if let Some(max) = facts.max_connections {
                metrics.push(Metric::new(metric::MAX_CONNECTIONS, max as f64));
            }
            bodies.push(SampleBody::Instance(InstanceInfo {
                version: row.text("product_version"),
                version_full: row.text("version").lines().next().unwrap_or_default().trim().to_owned(),
                started_at_ms: facts.started_at_ms,
                max_connections: facts.max_connections,
                role: facts.role,
                database: row.text("db"),
                // User Connections counts every user session; our own is one of them.
                connections: connections.or(sessions_seen.map(|n| n + 1)).unwrap_or(0),
                product: "SQL Server".to_owned(),
            }));
        }
        bodies.push(SampleBody::Metrics(metrics));
        bodies.push(SampleBody::Counters(raw));
        Ok(Collected { bodies, problems })
    }

    /// Plans of the statements that have run long enough to deserve one. A plan the cache
    /// no longer holds, or a refusal, is remembered with the reason (not asked again).
    async fn read_plans(&mut self, reads: &[SessionRead]) -> Result<(), CollectError> {
        for plan in self.high.plans.wanted(reads) {
            let Some(sql) = plans::plan_statement(&plan) else {
                self.high.plans.remember(plan, Vec::new());
                continue;
            };
            let lines = match self.query_raw(&sql).await? {
                Ok(rows) => {
                    let lines = rows.first().and_then(|r| r.get("query_plan")).map(showplan::plan_lines);
                    lines
                        .filter(|l| !l.is_empty())
                        .unwrap_or_else(|| vec!["not in the plan cache any more".to_owned()])
                }
                Err(refusal) => vec![format!("not available: {}", refusal.message)],
            };
            self.high.plans.remember(plan, lines);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mssql::rows::from_batch;

    /// The fixtures' columns are what the statements return: a renamed alias fails here,
    /// not silently in production as an always-empty field.
    #[test]
    fn fixtures_have_the_statements_columns() {
        let returns = |sql: &str, column: &str| {
            [format!("AS {column}\n"), format!("AS {column},"), format!(".{column},"), format!(".{column}\n")]
                .iter()
                .any(|form| sql.contains(form.as_str()))
                || sql.ends_with(&format!("AS {column}"))
        };
        for (sql, fixture) in [
            (statements::SESSIONS, include_str!("high/fixtures/sessions.tsv")),
            (statements::WAIT_STATS, include_str!("high/fixtures/wait_stats_1.tsv")),
            (statements::PERFORMANCE_COUNTERS, include_str!("high/fixtures/performance_counters_1.tsv")),
        ] {
            let header = fixture.lines().find(|l| !l.starts_with('#')).unwrap_or_default();
            for column in header.split('\t') {
                assert!(returns(sql, column), "{column} is not returned by:\n{sql}");
            }
        }
        for column in ["max_connections", "uptime_ms", "primary_replicas", "secondary_replicas"] {
            assert!(returns(statements::SERVER_FACTS_WITH_AG, column), "{column}");
        }
        assert!(statements::SESSIONS.contains("s.session_id <> @@SPID"), "our own session is left out");
        assert!(statements::SESSIONS.contains("s.is_user_process = 1"), "system sessions are left out");
    }

    #[test]
    fn server_facts_from_uptime_and_replica_roles() {
        let rows = from_batch(
            "max_connections\tuptime_ms\tprimary_replicas\tsecondary_replicas\n32767\t17393000\t0\t2\n",
        );
        let facts = server_facts(&rows[0], 1_700_000_000_000);
        assert_eq!(facts.max_connections, Some(32_767));
        assert_eq!(facts.started_at_ms, Some(1_700_000_000_000 - 17_393_000));
        assert_eq!(facts.role, ServerRole::Standby);
        let rows = from_batch("max_connections\tuptime_ms\n32767\t5\n");
        assert_eq!(server_facts(&rows[0], 10).role, ServerRole::Primary, "no Always On: primary");
        let rows =
            from_batch("max_connections\tuptime_ms\tprimary_replicas\tsecondary_replicas\n0\tNULL\t1\t1\n");
        let facts = server_facts(&rows[0], 10);
        assert_eq!(
            (facts.max_connections, facts.started_at_ms, facts.role),
            (None, None, ServerRole::Primary)
        );
    }

    #[test]
    fn rates_need_two_reads_and_the_state_keeps_them() {
        let mut state = HighState::default();
        let t0 = Instant::now();
        let w1 = from_batch(include_str!("high/fixtures/wait_stats_1.tsv"));
        let w2 = from_batch(include_str!("high/fixtures/wait_stats_2.tsv"));
        assert!(state.wait_metrics(&w1, t0).is_empty());
        let m = state.wait_metrics(&w2, t0 + std::time::Duration::from_secs(10));
        assert!(m.iter().any(|x| x.key == "Locks" && x.value == 400.0), "{m:?}");
        let c1 = from_batch(include_str!("high/fixtures/performance_counters_1.tsv"));
        let (m, connections) = state.counter_metrics(&c1, t0);
        assert_eq!(connections, Some(143));
        assert!(!m.iter().any(|x| x.name == metric::TPS));
        state.forget();
        assert!(state.wait_metrics(&w2, t0).is_empty(), "a new connection starts over");
    }
}
