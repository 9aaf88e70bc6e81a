//! A worker backend for tests that answers each statement with recorded rows (our own
//! fixtures), so the collector's tiers run end to end — worker thread, requests, deltas
//! between rounds, refusals as problems — without an Oracle server. It records every
//! statement it was sent, for checks such as "ASH is never read without the licence".

use super::connect::Settings;
use super::failure::{Failure, Refusal, code};
use super::worker::{Backend, Request, ServerInfo, Worker};
use super::{OracleCollector, SpawnWorker};
use crate::collectors::text_rows::{TextRow, from_batch};
use crate::config::TargetConfig;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Answers by statement text: each call takes the next reply of its list, the last one
/// repeating. A statement without answers is refused like a view the user cannot read.
#[derive(Clone, Default)]
pub struct Script {
    answers: Arc<Mutex<HashMap<String, Vec<Answer>>>>,
    calls: Arc<Mutex<HashMap<String, usize>>>,
    /// Every statement received, in order.
    pub sent: Arc<Mutex<Vec<String>>>,
    /// Rows for any statement that has no answers of its own (fuzzing every tier).
    fallback: Arc<Mutex<Option<Vec<TextRow>>>>,
    pub version: (u32, &'static str),
}

#[derive(Clone)]
pub enum Answer {
    /// Rows as tab-separated text with a header line (`from_batch`).
    Rows(&'static str),
    Refuse(i32, &'static str),
    Lose(&'static str),
}

impl Script {
    pub fn new(major: u32, version: &'static str) -> Script {
        Script { version: (major, version), ..Script::default() }
    }

    pub fn on(&self, sql: &str, answers: Vec<Answer>) -> &Self {
        self.answers.lock().unwrap().insert(sql.to_owned(), answers);
        self
    }

    /// Answers every statement without answers of its own with `rows`.
    pub fn otherwise(&self, rows: Vec<TextRow>) -> &Self {
        *self.fallback.lock().unwrap() = Some(rows);
        self
    }

    pub fn sent(&self) -> Vec<String> {
        self.sent.lock().unwrap().clone()
    }

    /// A collector for `target` whose worker replays this script.
    pub fn collector(&self, target: &TargetConfig) -> OracleCollector {
        let script = self.clone();
        let spawn: SpawnWorker = Arc::new(move |name| Worker::spawn(script.clone(), name));
        OracleCollector::with_worker(target, spawn)
    }
}

impl Backend for Script {
    type Session = ();

    fn connect(&mut self, _: &Settings) -> Result<((), ServerInfo), Failure> {
        Ok(((), ServerInfo { version: self.version.1.to_owned(), major: self.version.0 }))
    }

    fn query(&mut self, _: &(), request: &Request) -> Result<Vec<TextRow>, Failure> {
        self.sent.lock().unwrap().push(request.sql.clone());
        let answers = self.answers.lock().unwrap();
        let Some(list) = answers.get(&request.sql).filter(|l| !l.is_empty()) else {
            if let Some(rows) = self.fallback.lock().unwrap().as_ref() {
                return Ok(rows.iter().take(request.max_rows).cloned().collect());
            }
            return Err(Failure::Refused(Refusal {
                code: code::TABLE_OR_VIEW_MISSING,
                message: "ORA-00942: table or view does not exist".to_owned(),
            }));
        };
        let mut calls = self.calls.lock().unwrap();
        let n = calls.entry(request.sql.clone()).or_insert(0);
        let answer = list[(*n).min(list.len() - 1)].clone();
        *n += 1;
        match answer {
            Answer::Rows(tsv) => Ok(from_batch(tsv).into_iter().take(request.max_rows).collect()),
            Answer::Refuse(code, message) => {
                Err(Failure::Refused(Refusal { code, message: message.to_owned() }))
            }
            Answer::Lose(message) => Err(Failure::Lost(message.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::Collector;
    use crate::collectors::testing;
    use crate::model::Tier;

    #[tokio::test]
    async fn a_refusal_is_a_problem_and_a_lost_connection_is_down() {
        let script = Script::new(19, "19.22.0.0.0");
        script.on(
            "SELECT 1 AS x FROM dual",
            vec![Answer::Rows("X\n1\n"), Answer::Lose("ORA-03113: end-of-file")],
        );
        let target = testing::unreachable_target(&super::super::spec::SPEC);
        let mut c = script.collector(&target);
        assert_eq!(c.ensure_connected().await.unwrap(), "19.22");
        let mut problems = Vec::new();
        let rows = c.rows("one", "SELECT 1 AS x FROM dual", &mut problems).await.unwrap().unwrap();
        assert_eq!(rows[0].int("x"), Some(1));
        assert!(c.rows("views", "SELECT * FROM v$nothing", &mut problems).await.unwrap().is_none());
        script
            .on("SELECT 2 FROM dba_users", vec![Answer::Refuse(1031, "ORA-01031: insufficient privileges")]);
        assert!(c.rows("users", "SELECT 2 FROM dba_users", &mut problems).await.unwrap().is_none());
        assert!(problems[1].starts_with("users: not readable by MONITOR (ORA-01031"), "{problems:?}");
        assert!(problems[0].contains("GRANT SELECT ANY DICTIONARY TO MONITOR;"), "{problems:?}");
        let lost = c.rows("one", "SELECT 1 AS x FROM dual", &mut problems).await.unwrap_err();
        assert!(lost.is_disconnect(), "{lost}");
        let high = c.collect(Tier::High).await.expect("reconnects on the next round");
        // Nothing scripted for the high tier: each of its reads is a problem, not DOWN.
        assert!(!high.problems.is_empty() && high.problems.iter().all(|p| p.contains("GRANT")), "{high:?}");
        assert_eq!(
            script.sent()[..4],
            [
                "SELECT 1 AS x FROM dual",
                "SELECT * FROM v$nothing",
                "SELECT 2 FROM dba_users",
                "SELECT 1 AS x FROM dual"
            ]
        );
        assert!(script.sent().len() > 4);
    }
}
