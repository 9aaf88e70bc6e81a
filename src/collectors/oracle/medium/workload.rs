//! Medium tier, workload part: where the instance's time went and which SQL took it.
//!
//! - `workload/waits.rs`: wait ms per second by class (`v$system_wait_class`) and for the
//!   top events (`v$system_event`), Idle left out; wait seconds by class as raw counters.
//! - `workload/sysstat.rs`: commits, rollbacks and deadlocks per second (`v$sysstat`,
//!   a few names), and the raw values under neutral counter names.
//! - `workload/top_sql.rs`, `sql_deltas.rs`, `sql_info.rs`, `statements.rs`: top SQL from
//!   `v$sqlstats` as deltas per SQL_ID (plans summed), schema and text read once per
//!   SQL_ID from `v$sqlarea`, our own statements (module `logstag`) left out.
//! - `workload/ash.rs`: ASH top wait and top SQL, only with `diagnostics_pack = true`.
//!
//! Cost of a round: three small reads of fixed views, one `v$sqlstats` read capped at
//! 200 rows, a `v$sqlarea` read by SQL_ID binds only when SQL_IDs never seen before ran,
//! two grouped ASH reads when licensed. docs/oracle.md "Medium tier: workload".

mod ash;
mod sql_deltas;
mod sql_info;
mod statements;
mod sysstat;
mod top_sql;
mod waits;

use super::super::OracleCollector;
use super::super::worker::Bind;
use crate::collectors::{CollectError, Collected};
use crate::model::{Metric, QueryStatsSnapshot, SampleBody, StatsAvailability, Timestamp};
use sql_deltas::SqlDeltas;
use sql_info::Infos;
use sysstat::SysStat;
use waits::WaitTotals;

/// Every statement of this part (for the read-only test).
pub const STATEMENTS: &[&str] = &[
    waits::WAIT_CLASSES,
    waits::EVENTS,
    sysstat::SYSSTAT,
    top_sql::TOP_SQL,
    top_sql::TOP_SQL_SINCE,
    sql_info::STATEMENT_INFO,
    ash::TOP_EVENTS,
    ash::TOP_SQL,
];

/// A cumulative read and when it was taken.
type Previous<T> = Option<(T, Timestamp)>;

/// What this part remembers between rounds.
#[derive(Debug, Default)]
pub struct WorkloadState {
    classes: Previous<WaitTotals>,
    events: Previous<WaitTotals>,
    sysstat: Previous<SysStat>,
    sql: SqlDeltas,
    infos: Infos,
}

impl WorkloadState {
    /// The first read of the statements reports their totals (`logstag snapshot`).
    pub fn report_totals(&mut self, yes: bool) {
        self.sql.totals_on_baseline = yes;
    }

    pub fn totals_on_baseline(&self) -> bool {
        self.sql.totals_on_baseline
    }
}

/// Replaces the previous read with `current` and gives what `rates` makes of the two
/// (the seconds between them measured on our clock). A refused read leaves the previous
/// one in place: the next rate then covers the longer interval, still per second.
fn advance<T>(
    previous: &mut Previous<T>,
    current: T,
    now: Timestamp,
    rates: impl Fn(Option<(&T, f64)>, &T) -> Vec<Metric>,
) -> Vec<Metric> {
    let before = previous.take();
    let out = rates(before.as_ref().map(|(t, at)| (t, now.since(*at).as_secs_f64())), &current);
    *previous = Some((current, now));
    out
}

fn unavailable(reason: String) -> QueryStatsSnapshot {
    QueryStatsSnapshot {
        availability: StatsAvailability::Unavailable(reason),
        since: None,
        stats: Vec::new(),
        tracked: 0,
        reset_detected: false,
        evicted: None,
    }
}

/// Metrics, raw counters and problems of one round.
#[derive(Default)]
struct Round {
    metrics: Vec<Metric>,
    counters: Vec<Metric>,
    problems: Vec<String>,
}

impl OracleCollector {
    pub(in crate::collectors::oracle) async fn read_workload(
        &mut self,
        out: &mut Collected,
    ) -> Result<(), CollectError> {
        let mut round = Round::default();
        self.read_waits_and_stats(&mut round).await?;
        let queries = self.read_top_sql(&mut round).await?;
        self.read_ash(&mut round).await?;
        out.bodies.push(SampleBody::Queries(queries));
        out.bodies.push(SampleBody::Metrics(round.metrics));
        if !round.counters.is_empty() {
            out.bodies.push(SampleBody::Counters(round.counters));
        }
        out.problems.extend(round.problems);
        Ok(())
    }

    async fn read_waits_and_stats(&mut self, round: &mut Round) -> Result<(), CollectError> {
        let what = "wait classes (v$system_wait_class)";
        if let Some(rows) = self.rows(what, waits::WAIT_CLASSES, &mut round.problems).await? {
            let current = WaitTotals::classes(&rows);
            round.counters.extend(waits::class_counters(&current));
            let state = &mut self.medium.workload;
            round.metrics.extend(advance(&mut state.classes, current, Timestamp::now(), waits::class_rates));
        }
        if let Some(rows) =
            self.rows("wait events (v$system_event)", waits::EVENTS, &mut round.problems).await?
        {
            let state = &mut self.medium.workload;
            round.metrics.extend(advance(
                &mut state.events,
                WaitTotals::events(&rows),
                Timestamp::now(),
                waits::event_rates,
            ));
        }
        if let Some(rows) =
            self.rows("system statistics (v$sysstat)", sysstat::SYSSTAT, &mut round.problems).await?
        {
            let current = SysStat::parse(&rows);
            round.counters.extend(sysstat::counters(&current));
            let state = &mut self.medium.workload;
            round.metrics.extend(advance(&mut state.sysstat, current, Timestamp::now(), sysstat::rates));
        }
        Ok(())
    }

    async fn read_top_sql(&mut self, round: &mut Round) -> Result<QueryStatsSnapshot, CollectError> {
        let since = self.medium.workload.sql.server_then().filter(|t| top_sql::is_server_time(t));
        let (sql, binds) = match since {
            Some(t) => (top_sql::TOP_SQL_SINCE, vec![Bind::Text(t.to_owned())]),
            None => (top_sql::TOP_SQL, Vec::new()),
        };
        let what = "top SQL (v$sqlstats)";
        let Some(rows) = self.rows_bound(what, sql, binds, top_sql::TOP_N, &mut round.problems).await? else {
            // The baselines stay: after a refusal or a call timeout the next read's deltas
            // cover the longer interval instead of starting over.
            return Ok(unavailable(round.problems.last().cloned().unwrap_or_default()));
        };
        let now = Timestamp::now();
        let read = top_sql::parse(&rows);
        // A reply without the count (as a fixture or a future view may give) tracks its rows.
        let tracked = read.candidates.max(read.rows.len() as u64);
        let mut interval = self.medium.workload.sql.advance(now, read);
        let missing = self.medium.workload.infos.to_ask(
            interval.statements.iter().map(|(id, _)| id.as_str()),
            interval.fresh.iter().map(|r| r.sql_id.as_str()),
        );
        for (asked, binds) in sql_info::reads(&missing) {
            let what = "SQL texts and schemas (v$sqlarea)";
            let max_rows = sql_info::IDS_PER_READ * 4;
            let Some(rows) =
                self.rows_bound(what, sql_info::STATEMENT_INFO, binds, max_rows, &mut round.problems).await?
            else {
                break;
            };
            self.medium.workload.infos.learn(&asked, sql_info::parse(&rows));
        }
        let infos = &self.medium.workload.infos;
        interval.settle(|id| infos.first_load(id));
        let snapshot = statements::snapshot(interval, tracked, &mut self.medium.workload.infos);
        round.metrics.extend(statements::rates(&snapshot, now));
        Ok(snapshot)
    }

    /// Nothing at all without the licence flag: `ash::reads(false)` is empty.
    async fn read_ash(&mut self, round: &mut Round) -> Result<(), CollectError> {
        let mut replies = Vec::new();
        for (what, sql) in ash::reads(self.diagnostics_pack()) {
            replies.push(self.rows_bound(what, sql, Vec::new(), 10, &mut round.problems).await?);
        }
        if let [events, sqls] = replies.as_slice() {
            round.metrics.extend(ash::metrics(events.as_deref(), sqls.as_deref()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_statement_is_listed_once() {
        let parts: [&[&str]; 4] = [
            &[waits::WAIT_CLASSES, waits::EVENTS, sysstat::SYSSTAT],
            &[top_sql::TOP_SQL, top_sql::TOP_SQL_SINCE],
            &[sql_info::STATEMENT_INFO],
            ash::STATEMENTS,
        ];
        let all: Vec<&str> = parts.iter().flat_map(|p| p.iter().copied()).collect();
        assert_eq!(all, STATEMENTS);
        for sql in STATEMENTS {
            assert!(!sql.contains("SELECT *"), "{sql}");
            assert!(!sql.to_ascii_lowercase().contains("v$sql "), "no v$sql scan: {sql}");
        }
    }

    #[test]
    fn top_sql_is_capped_as_the_code_says() {
        let cap = format!("FETCH FIRST {} ROWS ONLY", top_sql::TOP_N);
        assert!(top_sql::TOP_SQL.contains(&cap) && top_sql::TOP_SQL_SINCE.contains(&cap));
        assert!(top_sql::TOP_SQL_SINCE.contains(":1") && !top_sql::TOP_SQL.contains(":1"));
    }

    #[test]
    fn rates_start_at_the_second_read_and_follow_the_clock() {
        let mut previous: Previous<u64> = None;
        let rate = |p: Option<(&u64, f64)>, c: &u64| -> Vec<Metric> {
            p.map(|(p, secs)| Metric::new("x", (*c - *p) as f64 / secs)).into_iter().collect()
        };
        let start = Timestamp(1_800_000_000_000);
        assert!(advance(&mut previous, 100, start, rate).is_empty());
        let m = advance(&mut previous, 160, start.plus(std::time::Duration::from_secs(30)), rate);
        assert_eq!(m, [Metric::new("x", 2.0)]);
    }
}

#[cfg(test)]
#[path = "workload/round_tests.rs"]
mod round_tests;
