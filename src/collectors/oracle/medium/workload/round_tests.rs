//! Whole rounds of the workload part through the real worker thread, with a stand-in
//! server that answers each statement from the fixtures and records what was sent.

use super::super::super::OracleCollector;
use super::super::super::connect::option::DIAGNOSTICS_PACK;
use super::super::super::failure::{Failure, Refusal};
use super::super::super::worker::{Backend, Bind, Request, ServerInfo, Worker};
use super::super::super::{connect::Settings, metric as ora, spec};
use super::*;
use crate::collectors::testing::{unreachable_target, value};
use crate::collectors::text_rows::{TextRow, from_batch};
use crate::collectors::{Collected, Collector};
use crate::config::OptionValue;
use crate::model::{counter, metric};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Answers from the fixtures of round `round` (1 or 2); refuses `refuse`, loses the
/// connection on `lose`; records every request.
struct Replay {
    round: Arc<AtomicUsize>,
    sent: Arc<Mutex<Vec<Request>>>,
    refuse: &'static str,
    lose: &'static str,
}

fn fixture(sql: &str, round: usize) -> Option<&'static str> {
    let second = round >= 2;
    Some(match sql {
        s if s == waits::WAIT_CLASSES && second => {
            include_str!("../../fixtures/workload_wait_classes_19c_2.tsv")
        }
        s if s == waits::WAIT_CLASSES => include_str!("../../fixtures/workload_wait_classes_19c_1.tsv"),
        s if s == waits::EVENTS && second => include_str!("../../fixtures/workload_events_19c_2.tsv"),
        s if s == waits::EVENTS => include_str!("../../fixtures/workload_events_19c_1.tsv"),
        s if s == sysstat::SYSSTAT && second => include_str!("../../fixtures/workload_sysstat_19c_2.tsv"),
        s if s == sysstat::SYSSTAT => include_str!("../../fixtures/workload_sysstat_19c_1.tsv"),
        s if s == top_sql::TOP_SQL => include_str!("../../fixtures/workload_top_sql_19c_1.tsv"),
        s if s == top_sql::TOP_SQL_SINCE => include_str!("../../fixtures/workload_top_sql_19c_2.tsv"),
        s if s == sql_info::STATEMENT_INFO => include_str!("../../fixtures/workload_sqlarea.tsv"),
        s if s == ash::TOP_EVENTS => include_str!("../../fixtures/workload_ash_events.tsv"),
        s if s == ash::TOP_SQL => include_str!("../../fixtures/workload_ash_sql.tsv"),
        _ => return None,
    })
}

impl Backend for Replay {
    type Session = ();
    fn connect(&mut self, _: &Settings) -> Result<((), ServerInfo), Failure> {
        Ok(((), ServerInfo { version: "19.22.0.0.0".into(), major: 19 }))
    }
    fn query(&mut self, _: &(), request: &Request) -> Result<Vec<TextRow>, Failure> {
        self.sent.lock().map_err(|_| Failure::Lost("poisoned".into()))?.push(request.clone());
        if request.sql == self.lose {
            return Err(Failure::Lost("ORA-03113: end-of-file on communication channel".into()));
        }
        let refused = || Refusal { code: 942, message: "ORA-00942: table or view does not exist".into() };
        match fixture(&request.sql, self.round.load(Ordering::SeqCst)) {
            Some(tsv) if request.sql != self.refuse => Ok(from_batch(tsv)),
            _ => Err(Failure::Refused(refused())),
        }
    }
}

struct Stand {
    collector: OracleCollector,
    round: Arc<AtomicUsize>,
    sent: Arc<Mutex<Vec<Request>>>,
}

impl Stand {
    async fn new(diagnostics_pack: bool, refuse: &'static str, lose: &'static str) -> Stand {
        let mut target = unreachable_target(&spec::SPEC);
        let (table, key) = DIAGNOSTICS_PACK.split_once('.').unwrap_or_default();
        target.options.set(table, key, OptionValue::Flag(diagnostics_pack));
        let mut collector = OracleCollector::new(&target);
        let (round, sent) = (Arc::new(AtomicUsize::new(1)), Arc::new(Mutex::new(Vec::new())));
        let replay = Replay { round: round.clone(), sent: sent.clone(), refuse, lose };
        collector.worker = Worker::spawn(replay, "ora-test".into()).ok();
        assert!(collector.ensure_connected().await.is_ok());
        Stand { collector, round, sent }
    }

    /// One round; the statements it sent.
    async fn round(&mut self, n: usize) -> (Result<Collected, CollectError>, Vec<Request>) {
        self.round.store(n, Ordering::SeqCst);
        let mut out = Collected::default();
        let result = self.collector.read_workload(&mut out).await.map(|()| out);
        let sent = self.sent.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default();
        (result, sent)
    }
}

fn sqls(sent: &[Request]) -> Vec<&str> {
    sent.iter().map(|r| r.sql.as_str()).collect()
}

fn metrics(c: &Collected) -> Vec<Metric> {
    c.bodies
        .iter()
        .filter_map(|b| if let SampleBody::Metrics(m) = b { Some(m.clone()) } else { None })
        .flatten()
        .collect()
}

fn counters(c: &Collected) -> Vec<Metric> {
    c.bodies
        .iter()
        .filter_map(|b| if let SampleBody::Counters(m) = b { Some(m.clone()) } else { None })
        .flatten()
        .collect()
}

fn queries(c: &Collected) -> Option<&QueryStatsSnapshot> {
    c.bodies.iter().find_map(|b| if let SampleBody::Queries(q) = b { Some(q) } else { None })
}

#[tokio::test]
async fn unlicensed_rounds_never_send_an_ash_statement_and_give_rates_from_the_second() {
    let mut stand = Stand::new(false, "", "").await;
    let (first, sent) = stand.round(1).await;
    let first = first.unwrap_or_default();
    assert_eq!(sqls(&sent), [waits::WAIT_CLASSES, waits::EVENTS, sysstat::SYSSTAT, top_sql::TOP_SQL]);
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    assert!(metrics(&first).is_empty(), "no rate from a first read");
    assert_eq!(value(&counters(&first), counter::TRANSACTIONS_COMMITTED, ""), Some(1_204_400.0));
    assert_eq!(value(&counters(&first), counter::WAIT_TIME_SECONDS, "User I/O"), Some(862.0));
    assert_eq!(queries(&first).map(|q| (q.since, q.stats.len())), Some((None, 0)));

    tokio::time::sleep(Duration::from_millis(20)).await;
    let (second, sent) = stand.round(2).await;
    let second = second.unwrap_or_default();
    assert!(sent.iter().all(|r| !r.sql.to_ascii_lowercase().contains("active_session_history")));
    assert_eq!(sent[3].sql, top_sql::TOP_SQL_SINCE);
    assert_eq!(sent[3].binds, [Bind::Text("2026-12-06 14:00:00".into())], "the server's clock, bound");
    assert_eq!(sent[4].sql, sql_info::STATEMENT_INFO);
    assert_eq!(
        sent[4].binds[..5],
        ["0g5vjx8s3a1kw", "7h2kq9xw1fz3d", "b4n8r2mcy6t0p", "fz81wq4dn2hc7", "4d7rz0m2w9c1x"]
            .map(|s| Bind::Text(s.into()))
    );
    assert_eq!(sent.len(), 5);
    let m = metrics(&second);
    for name in
        [ora::WAIT_MS_PER_S, ora::WAIT_MS_PER_S_BY_EVENT, metric::COMMITS_PER_S, metric::QUERY_TIME_MS_PER_S]
    {
        assert!(m.iter().any(|m| m.name == name), "{name} missing: {m:?}");
    }
    assert!(m.iter().all(|m| m.name != metric::TPS && m.name != metric::WAITS_BY_CLASS));
    let q = queries(&second).cloned().unwrap_or_else(|| unavailable(String::new()));
    assert!(q.since.is_some());
    let ids: Vec<&str> = q.stats.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["fz81wq4dn2hc7", "4d7rz0m2w9c1x", "b4n8r2mcy6t0p", "7h2kq9xw1fz3d"]);

    // Texts are not asked again for SQL_IDs already known.
    let (_, sent) = stand.round(2).await;
    assert!(sent.iter().all(|r| r.sql != sql_info::STATEMENT_INFO), "{:?}", sqls(&sent));
}

#[tokio::test]
async fn licensed_rounds_read_ash_top_wait_and_top_sql() {
    let mut stand = Stand::new(true, "", "").await;
    let (first, sent) = stand.round(1).await;
    let first = first.unwrap_or_default();
    assert_eq!(&sqls(&sent)[4..], [ash::TOP_EVENTS, ash::TOP_SQL]);
    let m = metrics(&first);
    assert_eq!(value(&m, ora::ASH_TOP_WAIT_PCT, "enq: TX - row lock contention"), Some(45.0));
    assert_eq!(value(&m, ora::ASH_TOP_SQL_PCT, "fz81wq4dn2hc7"), Some(40.0));
}

#[tokio::test]
async fn a_refused_view_is_a_problem_with_the_grant_and_the_round_goes_on() {
    let mut stand = Stand::new(false, top_sql::TOP_SQL, "").await;
    let (first, sent) = stand.round(1).await;
    let first = first.unwrap_or_default();
    assert_eq!(sent.len(), 4);
    assert_eq!(first.problems.len(), 1);
    assert!(first.problems[0].contains("GRANT SELECT ANY DICTIONARY TO MONITOR;"), "{:?}", first.problems);
    let q = queries(&first).cloned().unwrap_or_else(|| unavailable(String::new()));
    assert!(matches!(&q.availability, StatsAvailability::Unavailable(why) if why.contains("v$sqlstats")));
    assert!(!counters(&first).is_empty(), "the other reads went on");
}

#[tokio::test]
async fn a_lost_connection_ends_the_round() {
    let mut stand = Stand::new(false, "", sysstat::SYSSTAT).await;
    let (result, sent) = stand.round(1).await;
    assert!(matches!(result, Err(CollectError::ConnectionLost { .. })));
    assert_eq!(sqls(&sent), [waits::WAIT_CLASSES, waits::EVENTS, sysstat::SYSSTAT]);
}
