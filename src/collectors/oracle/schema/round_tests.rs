//! Whole schema rounds through the collector's worker thread, with a stand-in server
//! that answers each statement from the fixtures (or refuses it): which statements run,
//! what the round says, and which bodies it gives.

use super::*;
use crate::collectors::Collector;
use crate::collectors::oracle::connect::Settings;
use crate::collectors::oracle::failure::{Failure, Refusal};
use crate::collectors::oracle::worker::{Backend, Request, ServerInfo, Worker};
use crate::collectors::text_rows::TextRow;
use crate::config::TargetConfig;
use crate::model::Tier;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Server {
    /// Statement → fixture text, or the ORA number it is refused with.
    replies: HashMap<&'static str, Result<String, i32>>,
    ran: Vec<String>,
}

#[derive(Clone, Default)]
struct Stand(Arc<Mutex<Server>>);

impl Stand {
    fn answering(fixtures: &[(&'static str, String)]) -> Stand {
        let stand = Stand::default();
        stand.set(fixtures);
        stand
    }

    fn set(&self, fixtures: &[(&'static str, String)]) {
        if let Ok(mut s) = self.0.lock() {
            for (sql, text) in fixtures {
                s.replies.insert(sql, Ok(text.clone()));
            }
        }
    }

    fn refuse(&self, sql: &'static str, code: i32) {
        if let Ok(mut s) = self.0.lock() {
            s.replies.insert(sql, Err(code));
        }
    }

    /// The statements run since the last call.
    fn ran(&self) -> Vec<String> {
        self.0.lock().map(|mut s| std::mem::take(&mut s.ran)).unwrap_or_default()
    }
}

impl Backend for Stand {
    type Session = ();
    fn connect(&mut self, _: &Settings) -> Result<((), ServerInfo), Failure> {
        Ok(((), ServerInfo { version: "19.24.0.0.0".into(), major: 19 }))
    }
    fn query(&mut self, _: &(), request: &Request) -> Result<Vec<TextRow>, Failure> {
        let mut s = self.0.lock().map_err(|_| Failure::Lost("poisoned".into()))?;
        s.ran.push(request.sql.clone());
        match s.replies.iter().find(|(sql, _)| **sql == request.sql).map(|(_, r)| r.clone()) {
            Some(Ok(text)) => Ok(from_batch(&text).into_iter().take(request.max_rows).collect()),
            Some(Err(code)) => Err(Failure::Refused(Refusal {
                code,
                message: format!("ORA-{code:05}: refused by the stand-in"),
            })),
            None => Ok(Vec::new()),
        }
    }
}

fn fixtures() -> Vec<(&'static str, String)> {
    vec![
        (q::DATABASE_NAME, "CON_NAME\tDB_NAME\nSHOPPDB\tSHOP\n".into()),
        (q::OWNERS, OWNERS.into()),
        (q::TABLES, TABLES.into()),
        (q::COLUMNS, COLUMNS.into()),
        (q::INDEXES, INDEXES.into()),
        (q::INDEX_COLUMNS, INDEX_COLUMNS.into()),
        (q::CONSTRAINTS, CONSTRAINTS.into()),
        (q::SEQUENCES, SEQUENCES.into()),
        (q::OBJECTS, OBJECTS.into()),
        (q::SEGMENTS, SEGMENTS.into()),
        (q::INDEX_USAGE, INDEX_USAGE.into()),
    ]
}

async fn collector(stand: &Stand) -> OracleCollector {
    let target = TargetConfig { username: "logstag".into(), ..Default::default() };
    let mut c = OracleCollector::new(&target);
    c.worker = Worker::spawn(stand.clone(), "ora-schema-test".into()).ok();
    assert!(c.ensure_connected().await.is_ok());
    c
}

/// Connects again once the worker has taken the disconnect (one job may wait).
async fn reconnect(c: &mut OracleCollector) {
    for _ in 0..50 {
        if c.ensure_connected().await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    unreachable!("the stand-in did not connect again");
}

fn bodies(collected: &Collected) -> (Option<&SchemaSnapshot>, Vec<SchemaChange>) {
    let mut snapshot = None;
    let mut changes = Vec::new();
    for body in &collected.bodies {
        match body {
            SampleBody::Schema(s) => snapshot = Some(s),
            SampleBody::SchemaChanges(c) => changes.extend(c.iter().cloned()),
            _ => {}
        }
    }
    (snapshot, changes)
}

#[tokio::test]
async fn columns_are_read_again_only_after_ddl() {
    let stand = Stand::answering(&fixtures());
    let mut c = collector(&stand).await;
    let first = c.collect(Tier::Schema).await.unwrap_or_default();
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    assert_eq!(stand.ran().len(), STATEMENTS.len(), "one read per view");
    let (Some(read), changes) = bodies(&first) else { unreachable!("no snapshot") };
    assert!(changes.is_empty(), "nothing to compare with yet");
    assert_eq!(read.databases[0].name, "SHOPPDB");
    let read = read.clone();

    let second = c.collect(Tier::Schema).await.unwrap_or_default();
    let ran = stand.ran();
    assert!(!ran.iter().any(|s| s == q::COLUMNS), "nothing changed: not read");
    assert_eq!(ran.len(), STATEMENTS.len() - 1);
    let (Some(again), changes) = bodies(&second) else { unreachable!("no snapshot") };
    assert!(changes.is_empty(), "{changes:?}");
    let columns = |s: &SchemaSnapshot| -> Vec<Vec<crate::model::ColumnInfo>> {
        s.databases[0].schemas.iter().flat_map(|x| &x.tables).map(|t| t.columns.clone()).collect()
    };
    assert_eq!(columns(again), columns(&read), "the previous columns stand");
    assert_eq!(table(again, "SALES", "ORDERS").indexes, table(&read, "SALES", "ORDERS").indexes);
    assert_eq!(columns(again).iter().filter(|c| !c.is_empty()).count(), 5);

    stand.set(&[
        (q::OWNERS, OWNERS.replace("HR\t14\t2026-11-30 09:12:44", "HR\t14\t2026-12-06 08:00:00")),
        (q::COLUMNS, format!("{COLUMNS}HR\tEMPLOYEES\tPHONE\t8\tVARCHAR2\t20\t20\tB\tNULL\tNULL\tY\n")),
    ]);
    let third = c.collect(Tier::Schema).await.unwrap_or_default();
    assert!(stand.ran().iter().any(|s| s == q::COLUMNS), "an owner's newest DDL moved: read again");
    let (_, changes) = bodies(&third);
    let seen: Vec<(&str, &str, ChangeKind)> =
        changes.iter().map(|x| (x.object_type.as_str(), x.object.as_str(), x.change)).collect();
    assert_eq!(seen, [("column", "EMPLOYEES.PHONE", ChangeKind::Added)]);
}

#[tokio::test]
async fn a_refused_view_is_a_grant_to_run_and_never_a_removal() {
    let stand = Stand::answering(&fixtures());
    let mut c = collector(&stand).await;
    let first = c.collect(Tier::Schema).await.unwrap_or_default();
    let Some(before) = bodies(&first).0.cloned() else { unreachable!("no snapshot") };
    stand.refuse(q::INDEXES, 1031);
    stand.refuse(q::SEGMENTS, 942);
    // The connection is new: columns and keys are read again (and the state forgotten).
    c.disconnect();
    reconnect(&mut c).await;
    let round = c.collect(Tier::Schema).await.unwrap_or_default();
    assert_eq!(round.problems.len(), 2, "{:?}", round.problems);
    assert!(round.problems[0].starts_with("indexes (dba_indexes): not readable by LOGSTAG"));
    assert!(round.problems[0].contains("GRANT SELECT ANY DICTIONARY TO LOGSTAG;"));
    let (Some(after), changes) = bodies(&round) else { unreachable!("no snapshot") };
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(table(after, "SALES", "ORDERS").indexes, table(&before, "SALES", "ORDERS").indexes);
    assert_eq!(after.databases[0].size_bytes, None, "sizes unknown");

    stand.refuse(q::TABLES, 942);
    let round = c.collect(Tier::Schema).await.unwrap_or_default();
    let (Some(failed), changes) = bodies(&round) else { unreachable!("no snapshot") };
    assert!(failed.databases[0].error.as_deref().is_some_and(|e| e.starts_with("tables (dba_tables)")));
    assert!(changes.is_empty(), "unknown is not removed");
    // Readable again: compared with the last good read, so what changed meanwhile shows.
    stand.set(&[
        (q::TABLES, TABLES.into()),
        (q::INDEXES, INDEXES.into()),
        (q::OWNERS, OWNERS.replace("HR\t14\t2026-11-30 09:12:44", "HR\t14\t2026-12-06 08:00:00")),
        (q::COLUMNS, format!("{COLUMNS}HR\tEMPLOYEES\tPHONE\t8\tVARCHAR2\t20\t20\tB\tNULL\tNULL\tY\n")),
    ]);
    let round = c.collect(Tier::Schema).await.unwrap_or_default();
    let (_, changes) = bodies(&round);
    let seen: Vec<(&str, ChangeKind)> = changes.iter().map(|x| (x.object.as_str(), x.change)).collect();
    assert_eq!(seen, [("EMPLOYEES.PHONE", ChangeKind::Added)]);
}

#[tokio::test]
async fn after_a_restart_the_seeded_snapshot_is_compared() {
    let stand = Stand::answering(&fixtures());
    let mut c = collector(&stand).await;
    c.seed_previous_schema(parse::build(&super::changed_reads(), 0));
    let round = c.collect(Tier::Schema).await.unwrap_or_default();
    assert_eq!(stand.ran().len(), STATEMENTS.len(), "no signature yet: everything is read");
    let (_, changes) = bodies(&round);
    let seen: Vec<(&str, &str, ChangeKind)> =
        changes.iter().map(|x| (x.object_type.as_str(), x.object.as_str(), x.change)).collect();
    assert_eq!(
        seen,
        [
            ("column", "EMPLOYEES.PHONE", ChangeKind::Removed),
            ("index", "ORDERS.ORDERS_CUST_IX2", ChangeKind::Added)
        ]
    );
}

#[tokio::test]
async fn a_cut_list_says_so_and_keeps_the_rest() {
    let stand = Stand::answering(&fixtures());
    let mut c = collector(&stand).await;
    let _ = c.collect(Tier::Schema).await;
    let many: String =
        (0..=q::MAX_OBJECTS).map(|i| format!("SALES\tSEQ_{i:05}\t1\t100\t1\tN\t2\n")).collect();
    let header = SEQUENCES.lines().next().unwrap_or_default();
    let hr = "HR\tEMP_SEQ\t1\t1000001\t1\tN\t950001";
    stand.set(&[(q::SEQUENCES, format!("{header}\n{hr}\n{many}"))]);
    let round = c.collect(Tier::Schema).await.unwrap_or_default();
    assert!(
        round.problems.iter().any(|p| p.starts_with("sequences (dba_sequences): more than 20000 rows")
            && p.contains("owners from SALES on keep their previous read")),
        "{:?}",
        round.problems
    );
    let (Some(s), changes) = bodies(&round) else { unreachable!("no snapshot") };
    assert!(changes.is_empty(), "SALES keeps its previous sequences: {changes:?}");
    assert_eq!(s.databases[0].schemas[1].sequences.len(), 2);
}
