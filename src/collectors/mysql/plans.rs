//! The plan of a statement that has been running for a while, asked of the server with
//! `EXPLAIN FOR CONNECTION` (MySQL) / `SHOW EXPLAIN FOR` (MariaDB): the optimizer's plan
//! of the statement as it runs, without running anything. Shown in the thread's detail.
//!
//! Cost: only statements running longer than `PLAN_AFTER_MS`, at most `PLANS_PER_ROUND`
//! per round, and each statement once (remembered by thread id and statement text).

use super::rows::TextRow;
use super::version::Server;
use crate::model::{Session, SessionState};
use std::collections::HashMap;

/// A statement gets a plan once it has run this long.
pub const PLAN_AFTER_MS: u64 = 5_000;
pub const PLANS_PER_ROUND: usize = 3;

/// The statement that asks for thread `id`'s plan.
pub fn explain_for(server: &Server, id: i64) -> String {
    if server.is_mariadb() {
        format!("SHOW EXPLAIN FOR {id}")
    } else {
        format!("EXPLAIN FOR CONNECTION {id}")
    }
}

/// Plans already fetched, by thread id and the statement they belong to.
#[derive(Debug, Default)]
pub struct PlanCache {
    plans: HashMap<i64, (String, Vec<String>)>,
}

impl PlanCache {
    /// Threads whose running statement deserves a plan we do not have yet, longest first.
    pub fn wanted(&self, sessions: &[Session]) -> Vec<i64> {
        let mut long: Vec<&Session> = sessions
            .iter()
            // A waiter has no work in progress to describe (and cannot answer MariaDB).
            .filter(|s| {
                s.state == SessionState::Active
                    && s.wait.as_ref().is_none_or(|w| !w.event.starts_with("Lock:"))
            })
            .filter(|s| s.query_ms.is_some_and(|ms| ms >= PLAN_AFTER_MS) && explainable(&s.query))
            .filter(|s| self.plans.get(&s.id).is_none_or(|(query, _)| *query != s.query))
            .collect();
        long.sort_by_key(|s| std::cmp::Reverse(s.query_ms));
        long.into_iter().take(PLANS_PER_ROUND).map(|s| s.id).collect()
    }

    /// Remembers a plan (empty when the server had none to give: it is not asked again).
    pub fn remember(&mut self, id: i64, query: &str, plan: Vec<String>) {
        self.plans.insert(id, (query.to_owned(), plan));
    }

    /// Adds the known plans to the sessions' detail and forgets threads that are gone.
    pub fn attach(&mut self, sessions: &mut [Session]) {
        self.plans.retain(|id, _| sessions.iter().any(|s| s.id == *id));
        for s in sessions {
            if let Some((query, plan)) = self.plans.get(&s.id)
                && *query == s.query
            {
                for (i, line) in plan.iter().enumerate() {
                    s.extra.push((format!("plan {}", i + 1), line.clone()));
                }
            }
        }
    }
}

/// Statements the optimizer plans (SELECT, DML); not SLEEP(), DDL or administration.
fn explainable(query: &str) -> bool {
    let first = query.split_whitespace().next().unwrap_or_default().to_ascii_lowercase();
    matches!(first.as_str(), "select" | "insert" | "update" | "delete" | "replace" | "with" | "(")
        && !query.to_ascii_lowercase().starts_with("select sleep(")
}

/// One line per plan row: `select_type table access key rows filtered extra`.
pub fn plan_lines(rows: &[TextRow]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            let mut parts = vec![r.text("select_type"), r.get("table").unwrap_or("-").to_owned()];
            parts.push(format!("access={}", r.get("type").unwrap_or("-")));
            parts.push(format!("key={}", r.get("key").unwrap_or("-")));
            if let Some(rows) = r.get("rows") {
                parts.push(format!("rows={rows}"));
            }
            if let Some(filtered) = r.get("filtered") {
                parts.push(format!("filtered={filtered}%"));
            }
            if let Some(extra) = r.get("Extra").filter(|e| !e.is_empty()) {
                parts.push(extra.to_owned());
            }
            parts.join(" ")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mysql::queries::{FORBIDDEN, allowed_start, words};
    use crate::collectors::mysql::rows::from_batch;

    fn session(id: i64, query: &str, query_ms: u64) -> Session {
        Session {
            id,
            user: "app".into(),
            database: "shop".into(),
            application: String::new(),
            client: String::new(),
            state: SessionState::Active,
            native_state: "Query".into(),
            wait: None,
            query: query.into(),
            query_ms: Some(query_ms),
            xact_ms: None,
            backend_ms: None,
            state_ms: None,
            blocked_by: vec![],
            extra: vec![],
        }
    }

    #[test]
    fn only_long_explainable_statements_once_each() {
        let sessions = vec![
            session(1, "SELECT * FROM orders WHERE note LIKE '%x%'", 9_000),
            session(2, "SELECT SLEEP(60)", 60_000),
            session(3, "ALTER TABLE orders ADD c INT", 30_000),
            session(4, "UPDATE stock SET n = 0", 6_000),
            session(5, "SELECT 1", 100),
            Session { state: SessionState::WaitingForLock, ..session(6, "UPDATE stock SET n = 1", 8_000) },
        ];
        let mut cache = PlanCache::default();
        assert_eq!(cache.wanted(&sessions), vec![1, 4], "not the lock waiter: it has nothing to describe");
        cache.remember(1, &sessions[0].query, vec!["SIMPLE orders access=ALL".into()]);
        cache.remember(4, &sessions[3].query, vec![]);
        assert!(cache.wanted(&sessions).is_empty(), "asked once per statement");
        let mut shown = sessions.clone();
        cache.attach(&mut shown);
        assert_eq!(shown[0].extra, vec![("plan 1".to_owned(), "SIMPLE orders access=ALL".to_owned())]);
        // The thread moved on to another statement: a new plan is wanted.
        let next = vec![session(1, "SELECT * FROM customers", 7_000)];
        assert_eq!(cache.wanted(&next), vec![1]);
    }

    #[test]
    fn plan_rows_read_like_explain_output() {
        let rows = from_batch(
            "id\tselect_type\ttable\ttype\tpossible_keys\tkey\tkey_len\tref\trows\tfiltered\tExtra
1\tSIMPLE\torders\tALL\tNULL\tNULL\tNULL\tNULL\t98211\t11.11\tUsing where
",
        );
        assert_eq!(
            plan_lines(&rows),
            vec!["SIMPLE orders access=ALL key=- rows=98211 filtered=11.11% Using where"]
        );
    }

    #[test]
    fn asking_for_a_plan_runs_nothing() {
        for banner in ["10.11.19-MariaDB", "8.0.36"] {
            let sql = explain_for(&Server::parse(banner).unwrap(), 42);
            assert!(allowed_start(&sql), "{sql}");
            assert!(words(&sql).iter().all(|w| !FORBIDDEN.contains(&w.as_str())), "{sql}");
        }
    }
}
