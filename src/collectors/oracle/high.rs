//! High tier (10 s): who is connected and what they run and wait on, who blocks whom
//! (`high/sessions.rs`), the user locks (`high/locks.rs`), instance facts and the
//! headline rates of `v$sysmetric` (`high/instance.rs`), and the cursor-cache plans of
//! long calls (`high/plans.rs`).
//!
//! Cost per round on a quiet server: four statements (sessions, locks, instance,
//! sysmetric); statement texts and blocked objects only for ids not seen before
//! (`high/lookups.rs`); at most three plan reads while calls run longer than 5 s.
//! docs/oracle.md, "High tier".

pub mod instance;
pub mod locks;
pub mod lookups;
pub mod plans;
pub mod sessions;
pub mod statements;

use super::OracleCollector;
use super::worker::Bind;
use crate::collectors::session_metrics::activity_metrics;
use crate::collectors::text_rows::TextRow;
use crate::collectors::{CollectError, Collected};
use crate::model::{ActivitySnapshot, SampleBody, Session, Timestamp};
use lookups::{Lookup, padded};
use sessions::SessionRead;
use statements as sql;
use std::collections::HashSet;

/// Every statement of this tier (for the read-only test).
pub const STATEMENTS: &[&str] = &[
    sql::SESSIONS,
    sql::LOCKS,
    sql::INSTANCE,
    sql::INSTANCE_BEFORE_18,
    sql::SYSMETRIC,
    sql::SQL_TEXTS,
    sql::OBJECT_NAMES,
    sql::PLAN,
];

/// What the tier remembers between rounds (forgotten with the connection).
#[derive(Debug, Default)]
pub struct HighState {
    texts: Lookup<String>,
    objects: Lookup<i64>,
    plans: plans::PlanCache,
}

impl HighState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }

    /// Sessions of one read (the pure part of the round: the bench times it).
    pub fn sessions(rows: &[TextRow]) -> Vec<SessionRead> {
        sessions::parse(rows)
    }

    /// SQL_IDs whose text is not known yet, active sessions first (the read's order).
    pub fn texts_wanted(&self, reads: &[SessionRead]) -> Vec<String> {
        self.texts.missing(reads.iter().filter_map(|r| r.text_id.as_ref()), sql::TEXT_SLOTS)
    }

    /// Objects blocked sessions wait on whose name is not known yet.
    pub fn objects_wanted(&self, reads: &[SessionRead]) -> Vec<i64> {
        self.objects.missing(reads.iter().filter_map(|r| r.wait_object.as_ref()), sql::OBJECT_SLOTS)
    }

    /// What a text read found (ids asked but absent are not asked again).
    pub fn learn_texts(&mut self, asked: &[String], rows: &[TextRow]) {
        let found =
            rows.iter().filter_map(|r| Some((r.get("sql_id")?.trim().to_owned(), r.text("sql_text"))));
        self.texts.learn(asked, found);
    }

    pub fn learn_objects(&mut self, asked: &[i64], rows: &[TextRow]) {
        self.objects.learn(asked, locks::object_names(rows));
    }

    /// The sessions with their texts, blocked objects and plans; what no session refers
    /// to any more is forgotten.
    pub fn finish(&mut self, mut reads: Vec<SessionRead>) -> Vec<Session> {
        let used_texts: HashSet<String> = reads.iter().filter_map(|r| r.text_id.clone()).collect();
        let used_objects: HashSet<i64> = reads.iter().filter_map(|r| r.wait_object).collect();
        self.texts.keep_only(&used_texts);
        self.objects.keep_only(&used_objects);
        self.plans.attach(&mut reads);
        reads
            .into_iter()
            .map(|r| {
                let mut session = r.session;
                if let Some(text) = r.text_id.as_ref().and_then(|id| self.texts.get(id)) {
                    session.query = text.trim().to_owned();
                }
                if let Some(name) = r.wait_object.as_ref().and_then(|o| self.objects.get(o)) {
                    session.extra.push((sessions::extra::OBJECT.to_owned(), name.to_owned()));
                }
                session
            })
            .collect()
    }
}

impl OracleCollector {
    pub(super) async fn collect_high(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut bodies = Vec::new();
        let mut metrics = Vec::new();

        if let Some(rows) =
            self.rows_bound("sessions", sql::SESSIONS, Vec::new(), sql::MAX_SESSIONS, &mut problems).await?
        {
            let reads = HighState::sessions(&rows);
            self.read_texts(&reads, &mut problems).await?;
            self.read_object_names(&reads, &mut problems).await?;
            self.read_plans(&reads).await?;
            let sessions = self.high.finish(reads);
            metrics.extend(activity_metrics(&sessions));
            let locks = match self.rows("locks", sql::LOCKS, &mut problems).await? {
                Some(rows) => locks::parse(&rows),
                None => Vec::new(),
            };
            bodies.push(SampleBody::Activity(ActivitySnapshot { sessions, locks }));
        }

        // 0: not known yet (never after a connect); VERSION_FULL and EDITION came in 18c.
        let facts =
            if self.major() == 0 || self.major() >= 18 { sql::INSTANCE } else { sql::INSTANCE_BEFORE_18 };
        if let Some(rows) = self.rows("instance", facts, &mut problems).await?
            && let Some(row) = rows.first()
        {
            let info = instance::instance(row, Timestamp::now().0);
            metrics.extend(instance::connection_metrics(&info));
            bodies.push(SampleBody::Instance(info));
        }
        if let Some(rows) = self.rows("system metrics", sql::SYSMETRIC, &mut problems).await? {
            metrics.extend(instance::sysmetrics(&rows));
        }
        bodies.push(SampleBody::Metrics(metrics));
        Ok(Collected { bodies, problems })
    }

    async fn read_texts(
        &mut self,
        reads: &[SessionRead],
        problems: &mut Vec<String>,
    ) -> Result<(), CollectError> {
        let asked = self.high.texts_wanted(reads);
        if asked.is_empty() {
            return Ok(());
        }
        let binds = padded(&asked, sql::TEXT_SLOTS).into_iter().map(Bind::Text).collect();
        if let Some(rows) =
            self.rows_bound("statement texts", sql::SQL_TEXTS, binds, sql::TEXT_SLOTS, problems).await?
        {
            self.high.learn_texts(&asked, &rows);
        }
        Ok(())
    }

    async fn read_object_names(
        &mut self,
        reads: &[SessionRead],
        problems: &mut Vec<String>,
    ) -> Result<(), CollectError> {
        let asked = self.high.objects_wanted(reads);
        if asked.is_empty() {
            return Ok(());
        }
        let binds = padded(&asked, sql::OBJECT_SLOTS).into_iter().map(Bind::Int).collect();
        if let Some(rows) =
            self.rows_bound("blocked objects", sql::OBJECT_NAMES, binds, sql::OBJECT_SLOTS, problems).await?
        {
            self.high.learn_objects(&asked, &rows);
        }
        Ok(())
    }

    /// Plans of the calls that have run long enough to deserve one. A plan the cursor
    /// cache no longer holds, or a refusal, is remembered with the reason (not asked again).
    async fn read_plans(&mut self, reads: &[SessionRead]) -> Result<(), CollectError> {
        for plan in self.high.plans.wanted(reads) {
            let binds = vec![
                Bind::Text(plan.sql_id.clone()),
                Bind::Int(i64::try_from(plan.plan_hash).unwrap_or(i64::MAX)),
                Bind::Int(plan.child),
            ];
            let lines = match self.query_raw(sql::PLAN, binds, sql::PLAN_ROWS).await? {
                Ok(rows) => Some(plans::plan_lines(&rows))
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| vec!["not in the cursor cache any more".to_owned()]),
                Err(refusal) => vec![format!("not available: {}", refusal.message)],
            };
            self.high.plans.remember(&plan, lines);
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "high_tests.rs"]
mod tests;
