//! Statement statistics as a `QueryStatsSnapshot` of deltas per interval: from Query
//! Store where it records (`query_store.rs`, `query_store_deltas.rs`), else from the plan
//! cache (`plan_cache.rs`); texts fetched once per statement (`texts.rs`).
//!
//! Cost with many databases: each Query Store database is one statement per round (plus
//! one for texts when new queries appear). Up to `DATABASES_PER_ROUND` databases are read
//! every round; beyond that they are read in turns, each database's deltas then cover
//! the time since its own previous read, and the rate metrics are left out (they would
//! cover only the databases of the round).

use super::super::connect::Refusal;
use super::super::{MssqlCollector, refusal_problem};
use super::plan_cache;
use super::query_store::{self, Database};
use super::query_store_deltas::{Interval, QueryStoreDeltas};
use super::query_store_state::{self as qs_state, State};
use super::texts::Texts;
use super::totals::query_stat;
use crate::collectors::CollectError;
use crate::model::{
    Metric, PostureFact, QueryStat, QueryStatsSnapshot, StatsAvailability, Timestamp, metric,
};
use std::collections::BTreeMap;

/// Query Store databases read per round at most.
pub const DATABASES_PER_ROUND: usize = 50;
/// Statement texts kept in memory.
const TEXT_CACHE_CAP: usize = 10_000;

#[derive(Debug)]
pub struct StatementsState {
    query_store: QueryStoreDeltas,
    plan_cache: plan_cache::PlanCacheDeltas,
    texts: Texts,
    /// Query Store per database as last read (kept across rounds for the turns).
    read: BTreeMap<String, State>,
    /// As of the latest round, for the posture facts.
    states: BTreeMap<String, State>,
    notice: Option<String>,
    /// The notice last told (told again only when it changes).
    told: Option<String>,
    /// Where the next turn starts when databases are read in turns.
    turn: usize,
    /// User databases online as of the latest round (`sys.databases`).
    user_databases: Vec<String>,
}

impl Default for StatementsState {
    fn default() -> Self {
        Self {
            query_store: QueryStoreDeltas::default(),
            plan_cache: Default::default(),
            texts: Texts::new(TEXT_CACHE_CAP),
            read: BTreeMap::new(),
            states: BTreeMap::new(),
            notice: None,
            told: None,
            turn: 0,
            user_databases: Vec::new(),
        }
    }
}

impl StatementsState {
    /// The first reads report their totals (`logstag snapshot` without `--interval`).
    pub fn report_totals(&mut self) {
        self.query_store.totals_on_baseline = true;
        self.plan_cache.totals_on_baseline = true;
    }

    /// Baselines do not survive a reconnect; texts and what was told do.
    pub fn forget(&mut self) {
        self.query_store.clear();
        self.plan_cache.clear();
        self.told = None;
    }

    /// Takes the round's database list (and the Query Store states read before): the
    /// states, the notice (a problem when it is new or changed), the metrics. Returns
    /// whether Query Store records anywhere.
    fn settle(
        &mut self,
        databases: &[Database],
        login: &str,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> bool {
        self.states = qs_state::states(databases, &self.read);
        self.notice = qs_state::notice(&self.states, login);
        if self.notice.is_some() && self.notice != self.told {
            problems.extend(self.notice.clone());
        }
        self.told = self.notice.clone();
        metrics.extend(qs_state::metrics(&self.states));
        let recording = qs_state::recording(&self.states);
        if recording {
            // The plan cache is not read meanwhile: its baseline would be stale.
            self.plan_cache.clear();
        }
        recording
    }

    /// User databases of the latest round that have no file in `files`.
    pub fn databases_without(&self, files: &[super::files::File]) -> Vec<String> {
        self.user_databases.iter().filter(|db| !files.iter().any(|f| f.database == **db)).cloned().collect()
    }

    pub fn posture_facts(&self) -> Vec<PostureFact> {
        if self.states.is_empty() && self.notice.is_none() {
            return Vec::new();
        }
        qs_state::facts(&self.states, self.notice.as_deref())
    }
}

/// This round's share of `names` (all of them when they fit), and whether it is a share.
pub fn this_turn(names: &[String], turn: &mut usize, per_round: usize) -> (Vec<String>, bool) {
    if names.len() <= per_round {
        return (names.to_vec(), false);
    }
    let start = *turn % names.len();
    *turn = start + per_round;
    (names.iter().cycle().skip(start).take(per_round).cloned().collect(), true)
}

/// "The server principal is not able to access the database under the current security
/// context": the login has no user in that database (it went away since the list).
const NO_DATABASE_ACCESS: u32 = 916;

fn query_store_refused(db: &str, refusal: &Refusal, login: &str) -> String {
    let what = format!("Query Store of database {db}");
    if refusal.code != NO_DATABASE_ACCESS {
        return refusal_problem(&what, refusal);
    }
    let login = if login.is_empty() { "<monitoring login>".to_owned() } else { login.replace(']', "]]") };
    format!("{what}: {} (error 916); run GRANT CONNECT ANY DATABASE TO [{login}];", refusal.message)
}

fn snapshot(
    since: Option<Timestamp>,
    stats: Vec<QueryStat>,
    tracked: u64,
    reset: bool,
) -> QueryStatsSnapshot {
    QueryStatsSnapshot {
        availability: StatsAvailability::Available,
        since,
        stats,
        tracked,
        reset_detected: reset,
        evicted: None,
    }
}

fn rates(snapshot: &QueryStatsSnapshot, now: Timestamp, metrics: &mut Vec<Metric>) {
    let Some(since) = snapshot.since else { return };
    let secs = now.since(since).as_secs_f64();
    if secs <= 0.0 {
        return;
    }
    let calls: u64 = snapshot.stats.iter().map(|s| s.calls).sum();
    let time: f64 = snapshot.stats.iter().map(|s| s.total_time_ms).sum();
    metrics.push(Metric::new(metric::QUERY_CALLS_PER_S, calls as f64 / secs));
    metrics.push(Metric::new(metric::QUERY_TIME_MS_PER_S, time / secs));
}

impl MssqlCollector {
    pub(super) async fn read_statements(
        &mut self,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<QueryStatsSnapshot, CollectError> {
        let major = self.conn.as_ref().map_or(0, |c| c.major);
        let databases: Vec<Database> = match self.query_raw(query_store::DATABASES).await? {
            Ok(rows) => query_store::databases(&rows),
            Err(refusal) => {
                problems.push(refusal_problem("databases (for Query Store)", &refusal));
                Vec::new()
            }
        };
        self.medium.statements.user_databases = databases.iter().map(|d| d.name.clone()).collect();
        let candidates: Vec<String> = databases
            .iter()
            .filter(|d| d.query_store_on && d.has_access && d.writable)
            .map(|d| d.name.clone())
            .collect();
        let names: Vec<&str> = candidates.iter().map(String::as_str).collect();
        self.medium.statements.query_store.keep_only(&names);
        self.medium.statements.read.retain(|name, _| names.contains(&name.as_str()));
        let (turn, in_turns) = this_turn(&candidates, &mut self.medium.statements.turn, DATABASES_PER_ROUND);
        let now = Timestamp::now();
        let mut intervals = Vec::new();
        for db in turn {
            if let Some(interval) = self.read_query_store(&db, major, now, problems).await? {
                intervals.push((db, interval));
            }
        }
        let recording = self.medium.statements.settle(&databases, &self.target.username, problems, metrics);
        if !recording {
            // Query Store baselines stay: a database that starts recording again
            // continues from them.
            return self.read_plan_cache(now, problems, metrics).await;
        }
        let snapshot = self.query_store_snapshot(intervals, problems).await?;
        if !in_turns {
            rates(&snapshot, now, metrics);
        }
        Ok(snapshot)
    }

    /// One database's Query Store read; None when it was refused (said in `problems`).
    async fn read_query_store(
        &mut self,
        db: &str,
        major: u32,
        now: Timestamp,
        problems: &mut Vec<String>,
    ) -> Result<Option<Interval>, CollectError> {
        let since = self.medium.statements.query_store.watermark(db).map(str::to_owned);
        let Some(sql) = query_store::runtime_sql(db, major, since.as_deref()) else {
            return Ok(None);
        };
        let read = match self.query_raw(&sql).await? {
            Ok(rows) => query_store::parse_runtime(&rows),
            Err(refusal) => {
                problems.push(query_store_refused(db, &refusal, &self.target.username));
                self.medium.statements.read.insert(db.to_owned(), State::of(qs_state::REFUSED, 0));
                return Ok(None);
            }
        };
        let state = State::of(&read.state, read.readonly_reason);
        self.medium.statements.read.insert(db.to_owned(), state);
        Ok(Some(self.medium.statements.query_store.database(db).advance(now, read)))
    }

    async fn query_store_snapshot(
        &mut self,
        intervals: Vec<(String, Interval)>,
        problems: &mut Vec<String>,
    ) -> Result<QueryStatsSnapshot, CollectError> {
        for (db, interval) in &intervals {
            let ids: Vec<String> = interval.statements.iter().map(|(id, _)| format!("{db}/{id}")).collect();
            let missing = self.medium.statements.texts.missing(ids.iter().map(String::as_str));
            let numbers: Vec<i64> = missing
                .iter()
                .filter_map(|id| id.rsplit_once('/').and_then(|(_, n)| n.parse().ok()))
                .collect();
            let Some(sql) = query_store::texts_sql(db, &numbers) else { continue };
            let what = format!("Query Store texts of database {db}");
            if let Some(rows) = self.rows(&what, &sql, problems).await? {
                for r in rows {
                    if let Some(id) = r.int("query_id") {
                        self.medium.statements.texts.insert(
                            format!("{db}/{id}"),
                            r.text("query_sql_text"),
                            db.clone(),
                        );
                    }
                }
            }
        }
        let st = &mut self.medium.statements;
        let since = intervals.iter().filter_map(|(_, i)| i.since).min();
        let reset = intervals.iter().any(|(_, i)| i.reset_detected);
        let mut stats = Vec::new();
        for (db, interval) in intervals {
            for (query_id, s) in interval.statements {
                let id = format!("{db}/{query_id}");
                if st.texts.is_ours(&id) {
                    continue;
                }
                let text = st.texts.get(&id).map(|(text, _)| text).unwrap_or_default();
                stats.push(query_stat(id, db.clone(), text, &s));
            }
        }
        st.texts.end_round();
        stats.sort_by(|a, b| b.total_time_ms.total_cmp(&a.total_time_ms).then_with(|| a.id.cmp(&b.id)));
        Ok(snapshot(since, stats, st.query_store.tracked(), reset))
    }

    async fn read_plan_cache(
        &mut self,
        now: Timestamp,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<QueryStatsSnapshot, CollectError> {
        let sql = plan_cache::query_stats_sql(self.medium.statements.plan_cache.watermark());
        let rows = match self.query_raw(&sql).await? {
            Ok(rows) => rows,
            Err(refusal) => {
                self.medium.statements.plan_cache.clear();
                let reason = refusal_problem("statement statistics (sys.dm_exec_query_stats)", &refusal);
                problems.push(reason.clone());
                let mut unavailable = snapshot(None, Vec::new(), 0, false);
                unavailable.availability = StatsAvailability::Unavailable(reason);
                return Ok(unavailable);
            }
        };
        let interval = self.medium.statements.plan_cache.advance(now, plan_cache::parse(&rows));
        let hashes: Vec<String> = interval.statements.iter().map(|(h, _)| h.clone()).collect();
        let missing = self.medium.statements.texts.missing(hashes.iter().map(String::as_str));
        if let Some(sql) = plan_cache::texts_sql(&missing)
            && let Some(rows) = self.rows("statement texts (plan cache)", &sql, problems).await?
        {
            for r in rows {
                let hash = r.text("query_hash");
                self.medium.statements.texts.insert(hash, r.text("statement_text"), r.text("database_name"));
            }
        }
        let st = &mut self.medium.statements;
        let mut stats = Vec::with_capacity(interval.statements.len());
        for (hash, s) in interval.statements {
            if st.texts.is_ours(&hash) {
                continue;
            }
            let (text, database) = st.texts.get(&hash).unwrap_or_default();
            stats.push(query_stat(hash, database, text, &s));
        }
        st.texts.end_round();
        let tracked = st.plan_cache.tracked().saturating_sub(st.texts.ours_count() as u64);
        let snapshot = snapshot(interval.since, stats, tracked, interval.reset_detected);
        rates(&snapshot, now, metrics);
        Ok(snapshot)
    }
}

#[cfg(test)]
#[path = "statements_tests.rs"]
mod tests;
