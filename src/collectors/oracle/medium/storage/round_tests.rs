//! Whole rounds of the storage part through the worker thread, with a scripted server in
//! place of the driver: which statements are asked in which role, what a refusal or a
//! mounted standby makes of the round.

use super::super::super::connect::Settings;
use super::super::super::failure::{Failure, Refusal};
use super::super::super::worker::{Backend, Request, ServerInfo, Worker};
use super::*;
use crate::collectors::Collector;
use crate::collectors::oracle::metric as ora;
use crate::collectors::oracle::spec::SPEC;
use crate::collectors::testing::{unreachable_target, value};
use crate::collectors::text_rows::{TextRow, from_batch};
use crate::model::{Replication, ServerRole, metric};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Answer = Result<&'static str, Failure>;

/// Answers each statement from a fixture; a statement with no answer is refused as a
/// missing view would be. Records what was asked.
struct Scripted {
    answers: HashMap<&'static str, Answer>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Backend for Scripted {
    type Session = ();
    fn connect(&mut self, _: &Settings) -> Result<((), ServerInfo), Failure> {
        Ok(((), ServerInfo { version: "19.24.0.0.0".into(), major: 19 }))
    }
    fn query(&mut self, _: &(), request: &Request) -> Result<Vec<TextRow>, Failure> {
        if let Ok(mut asked) = self.asked.lock() {
            asked.push(request.sql.clone());
        }
        match self.answers.get(request.sql.as_str()) {
            Some(Ok(text)) => Ok(from_batch(text)),
            Some(Err(failure)) => Err(failure.clone()),
            None => Err(refused(942, "ORA-00942: table or view does not exist")),
        }
    }
}

fn refused(code: i32, message: &str) -> Failure {
    Failure::Refused(Refusal { code, message: message.into() })
}

fn fixture(name: &str) -> &'static str {
    match name {
        "database_primary" => include_str!("../../fixtures/storage_database_primary_19c.tsv"),
        "database_mounted" => include_str!("../../fixtures/storage_database_standby_mounted_19c.tsv"),
        "tablespaces" => include_str!("../../fixtures/storage_tablespaces_19c.tsv"),
        "memory" => include_str!("../../fixtures/storage_memory_19c.tsv"),
        "redo" => include_str!("../../fixtures/storage_redo_19c.tsv"),
        "limits" => include_str!("../../fixtures/storage_resource_limit_19c.tsv"),
        "recovery" => include_str!("../../fixtures/storage_recovery_area_19c.tsv"),
        "lag" => include_str!("../../fixtures/storage_dg_stats_standby_19c.tsv"),
        "managed_standby" => include_str!("../../fixtures/storage_managed_standby_19c.tsv"),
        "dests" => include_str!("../../fixtures/storage_archive_dest_primary_19c.tsv"),
        _ => unreachable!("no fixture {name}"),
    }
}

/// Memory, redo, limits and recovery area: answered in every role.
fn instance_room() -> HashMap<&'static str, Answer> {
    HashMap::from([
        (memory::MEMORY, Ok(fixture("memory"))),
        (redo::REDO_LOGS, Ok(fixture("redo"))),
        (limits::RESOURCE_LIMITS, Ok(fixture("limits"))),
        (limits::RECOVERY_AREA, Ok(fixture("recovery"))),
    ])
}

async fn collector(answers: HashMap<&'static str, Answer>) -> (OracleCollector, Arc<Mutex<Vec<String>>>) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let backend = Scripted { answers, asked: asked.clone() };
    let mut c = OracleCollector::new(&unreachable_target(&SPEC));
    c.worker = Worker::spawn(backend, "ora-test".into()).ok();
    assert!(c.ensure_connected().await.is_ok());
    (c, asked)
}

fn asked(log: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    log.lock().map(|mut l| std::mem::take(&mut *l)).unwrap_or_default()
}

fn metrics(out: &Collected) -> Vec<Metric> {
    out.bodies
        .iter()
        .filter_map(|b| if let SampleBody::Metrics(m) = b { Some(m.clone()) } else { None })
        .flatten()
        .collect()
}

fn replication(out: &Collected) -> Option<&Replication> {
    out.bodies.iter().find_map(|b| if let SampleBody::Replication(r) = b { Some(r) } else { None })
}

#[tokio::test]
async fn a_primary_round_reads_the_dictionary_and_its_destinations() {
    let mut answers = instance_room();
    answers.insert(database::DATABASE, Ok(fixture("database_primary")));
    answers.insert(tablespaces::TABLESPACES, Ok(fixture("tablespaces")));
    answers.insert(dataguard::ARCHIVE_DESTS, Ok(fixture("dests")));
    let (mut c, log) = collector(answers).await;
    let mut out = Collected::default();
    assert!(c.read_storage(&mut out).await.is_ok());
    assert_eq!(out.problems, Vec::<String>::new());
    let asked = asked(&log);
    assert_eq!(asked.len(), 7, "{asked:?}");
    assert!(!asked.iter().any(|s| s == dataguard::STANDBY_LAG), "no standby view on a primary");
    let m = metrics(&out);
    assert_eq!(value(&m, ora::TABLESPACE_USED_PCT, "LEDGER_ARCH"), Some(100.0));
    assert_eq!(value(&m, ora::ARCHIVE_DEST_ERRORS, ""), Some(1.0));
    assert_eq!(value(&m, ora::SGA_BYTES, ""), Some(3_221_225_472.0));
    assert_eq!(value(&m, ora::REDO_SWITCHES_LAST_HOUR, ""), Some(14.0));
    assert_eq!(value(&m, ora::RESOURCE_USED_PCT, "processes"), Some(92.0));
    assert_eq!(value(&m, ora::RECOVERY_AREA_USED_PCT, ""), Some(60.0));
    assert_eq!(value(&m, metric::DATABASE_SIZE_BYTES, "LEDGER"), Some(412_316_860_416.0));
    assert!(out.bodies.iter().any(|b| matches!(b, SampleBody::Databases(d) if d[0].name == "LEDGER")));
    assert_eq!(replication(&out).map(|r| (r.role, r.replicas.len())), Some((ServerRole::Primary, 2)));
}

#[tokio::test]
async fn a_mounted_standby_is_degraded_not_down_and_its_v_views_still_read() {
    let mut answers = instance_room();
    answers.insert(database::DATABASE, Ok(fixture("database_mounted")));
    let ora_01219 =
        "ORA-01219: database or pluggable database not open: queries allowed on fixed tables or views only";
    answers.insert(tablespaces::TABLESPACES, Err(refused(1219, ora_01219)));
    answers.insert(dataguard::STANDBY_LAG, Ok(fixture("lag")));
    answers.insert(dataguard::MANAGED_STANDBY, Ok(fixture("managed_standby")));
    // v$dataguard_process is not answered: refused, the older view serves.
    let (mut c, log) = collector(answers).await;
    let mut out = Collected::default();
    assert!(c.read_storage(&mut out).await.is_ok(), "a problem line, never a lost connection");
    assert_eq!(out.problems, [MOUNTED_PROBLEM]);
    let first = asked(&log);
    assert!(!first.iter().any(|s| s == tablespaces::TABLESPACES), "the dictionary is not asked");
    assert!(first.iter().any(|s| s == dataguard::APPLY_PROCESSES));
    let m = metrics(&out);
    assert_eq!(value(&m, ora::APPLY_LAG_S, ""), Some(45.0));
    assert_eq!(value(&m, ora::APPLY_RUNNING, ""), Some(1.0));
    assert_eq!(value(&m, ora::REDO_SWITCHES_LAST_HOUR, ""), Some(14.0), "v$ views answer when mounted");
    assert_eq!(value(&m, ora::TABLESPACE_USED_PCT, "SYSTEM"), None);
    let r = replication(&out).cloned().unwrap_or_default();
    assert_eq!(r.role, ServerRole::Standby);
    let status = r.receiver.map(|r| r.status).unwrap_or_default();
    assert!(status.contains("redo apply WAIT_FOR_GAP (thread 1, sequence 4390)"), "{status}");

    // The next round goes to the older view first.
    let mut again = Collected::default();
    assert!(c.read_storage(&mut again).await.is_ok());
    let second = asked(&log);
    assert!(!second.iter().any(|s| s == dataguard::APPLY_PROCESSES), "{second:?}");
    assert_eq!(again.problems, [MOUNTED_PROBLEM]);
}

#[tokio::test]
async fn a_missing_grant_is_one_problem_line_and_the_round_goes_on() {
    let mut answers = instance_room();
    answers.insert(database::DATABASE, Ok(fixture("database_primary")));
    // Tablespaces and archive destinations have no answer: refused with ORA-00942.
    let (mut c, _) = collector(answers).await;
    let mut out = Collected::default();
    assert!(c.read_storage(&mut out).await.is_ok());
    assert_eq!(out.problems.len(), 2, "{:?}", out.problems);
    assert!(out.problems[0].starts_with("tablespaces: not readable by MONITOR"), "{}", out.problems[0]);
    assert!(out.problems[0].contains("GRANT SELECT ANY DICTIONARY TO MONITOR;"));
    assert!(out.problems[1].starts_with("archive destinations:"));
    assert_eq!(replication(&out), None, "destinations unknown: no body");
    assert_eq!(value(&metrics(&out), ora::PGA_ALLOCATED_BYTES, ""), Some(612_368_384.0));
}

#[tokio::test]
async fn a_lost_connection_ends_the_round() {
    let mut answers = instance_room();
    answers.insert(database::DATABASE, Ok(fixture("database_primary")));
    answers
        .insert(memory::MEMORY, Err(Failure::Lost("ORA-03113: end-of-file on communication channel".into())));
    let (mut c, _) = collector(answers).await;
    let mut out = Collected::default();
    let err = c.read_storage(&mut out).await.err();
    assert!(err.is_some_and(|e| e.is_disconnect()));
}
