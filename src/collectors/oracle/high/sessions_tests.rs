use super::*;
use crate::collectors::session_metrics::activity_metrics;
use crate::collectors::text_rows::from_batch;
use crate::model::{BlockingRole, blocking_forest, metric};

fn read_19c() -> Vec<SessionRead> {
    parse(&from_batch(include_str!("../fixtures/high_sessions_19c.tsv")))
}

fn by_id(reads: &[SessionRead], id: i64) -> &SessionRead {
    reads.iter().find(|r| r.session.id == id).unwrap_or_else(|| panic!("no session {id}"))
}

fn extra<'a>(s: &'a Session, name: &str) -> Option<&'a str> {
    s.extra.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[test]
fn states_and_waits_follow_the_spec_mapping() {
    let reads = read_19c();
    assert_eq!(reads.len(), 12);
    let state = |id| by_id(&reads, id).session.state;
    let category = |id| by_id(&reads, id).session.wait.as_ref().map(|w| w.category);
    assert_eq!(state(214), SessionState::Active, "ACTIVE and not waiting");
    assert_eq!(category(214), None, "on CPU: no current wait");
    assert_eq!(by_id(&reads, 214).session.native_state, "active on CPU");
    assert_eq!(state(301), SessionState::IdleInTransaction, "INACTIVE with a transaction");
    assert_eq!(category(301), Some(WaitCategory::Other), "idle SQL*Net message from client");
    assert_eq!(state(520), SessionState::Idle);
    for id in [302, 411, 412] {
        assert_eq!(state(id), SessionState::WaitingForLock, "{id}");
        assert_eq!(category(id), Some(WaitCategory::Locks), "{id}");
    }
    assert_eq!(category(600), Some(WaitCategory::Io));
    assert_eq!(state(600), SessionState::Active);
    assert_eq!(category(610), Some(WaitCategory::Other), "Commit is not in the spec's list");
    assert_eq!(category(620), Some(WaitCategory::Client));
    assert_eq!(category(630), Some(WaitCategory::LwLocks));
    assert_eq!(state(630), SessionState::Active, "a Configuration wait is not a lock wait");
    assert_eq!(state(700), SessionState::Other, "KILLED");
    let w = by_id(&reads, 302).session.wait.clone();
    assert_eq!(w.map(|w| w.event), Some("enq: TX - row lock contention".to_owned()));
}

#[test]
fn blockers_come_from_blocking_session_for_lock_waits_only() {
    let reads = read_19c();
    let blocked = |id| by_id(&reads, id).session.blocked_by.clone();
    assert_eq!(blocked(302), vec![301]);
    assert_eq!(blocked(411), vec![410]);
    assert_eq!(blocked(412), vec![411]);
    assert!(blocked(301).is_empty() && blocked(214).is_empty());
    // log file sync names LGWR as its holder: not a blocked session.
    assert!(blocked(610).is_empty());
    assert_eq!(extra(&by_id(&reads, 610).session, extra::BLOCKER), Some("waits for SID 4"));
    let s412 = &by_id(&reads, 412).session;
    assert_eq!(extra(s412, extra::FINAL_BLOCKER), Some("410"));
    assert_eq!(extra(&by_id(&reads, 302).session, extra::FINAL_BLOCKER), None, "same as the blocker");
    assert_eq!(by_id(&reads, 302).wait_object, Some(73251));
    assert_eq!(by_id(&reads, 600).wait_object, None, "only blocked sessions");

    let sessions: Vec<Session> = reads.into_iter().map(|r| r.session).collect();
    let forest = blocking_forest(&sessions);
    let shape: Vec<(i64, usize, BlockingRole)> =
        forest.iter().map(|n| (n.session_id, n.depth, n.role)).collect();
    assert_eq!(
        shape,
        vec![
            (410, 0, BlockingRole::Holding),
            (411, 1, BlockingRole::BlockedAndBlocking),
            (412, 2, BlockingRole::Blocked),
            (301, 0, BlockingRole::Holding),
            (302, 1, BlockingRole::Blocked),
        ]
    );
}

#[test]
fn ages_are_the_servers_seconds() {
    let reads = read_19c();
    let s = |id| &by_id(&reads, id).session;
    assert_eq!(s(214).query_ms, Some(42_000));
    assert_eq!(s(214).state_ms, Some(1_834), "on CPU since the last wait");
    assert_eq!(s(214).backend_ms, Some(3_605_000));
    assert_eq!(s(302).state_ms, Some(30_950), "time in the current wait");
    assert_eq!(s(301).query_ms, None, "an idle session runs nothing");
    assert_eq!(s(301).state_ms, Some(80_000), "idle since the last call");
    assert_eq!(s(301).xact_ms, Some(95_000));
    assert_eq!(s(520).xact_ms, None);
    assert_eq!(extra(s(410), extra::UNDO_BLOCKS), Some("1840"));
    assert_eq!(extra(s(302), extra::WAITED), Some(format::duration_ms(30_950).as_str()));

    let metrics = activity_metrics(&reads.iter().map(|r| r.session.clone()).collect::<Vec<_>>());
    let value =
        |name: &str, key: &str| metrics.iter().find(|m| m.name == name && m.key == key).map(|m| m.value);
    assert_eq!(value(metric::BLOCKED_SESSIONS, ""), Some(3.0));
    assert_eq!(value(metric::SESSIONS_BY_STATE, "Waiting for lock"), Some(3.0));
    assert_eq!(value(metric::SESSIONS_BY_STATE, "Idle in transaction"), Some(1.0));
    assert_eq!(value(metric::WAITS_BY_CLASS, "Locks"), Some(3.0));
    assert_eq!(value(metric::LONGEST_QUERY_S, ""), Some(61.0));
    assert_eq!(value(metric::LONGEST_IDLE_IN_TX_S, ""), Some(80.0));
}

#[test]
fn identity_texts_and_plans() {
    let reads = read_19c();
    let r = by_id(&reads, 214);
    assert_eq!(
        (r.session.user.as_str(), r.session.application.as_str(), r.session.client.as_str()),
        ("REPORTS", "python3.11@rpt01 (TNS V1-V3)", "rpt01.corp.example")
    );
    assert_eq!(r.session.database, "SALESPDB");
    assert_eq!(extra(&r.session, crate::collectors::oracle::present::SERIAL), Some("40417"));
    assert_eq!(extra(&r.session, extra::SQL_ID), Some("7h35uxf5uhmm1 (child 0)"));
    assert_eq!(extra(&r.session, extra::SPID), Some("88121"));
    assert_eq!(
        extra(&r.session, extra::PGA),
        Some(format!("{} / {}", format::bytes(25_165_824), format::bytes(41_943_040)).as_str())
    );
    assert_eq!(extra(&r.session, extra::MODULE), Some("nightly_margin"));
    assert_eq!(extra(&r.session, extra::ACTION), Some("region_rollup"));
    assert_eq!(extra(&r.session, extra::EVENT), Some("last: db file scattered read (User I/O)"));
    assert_eq!(extra(&r.session, extra::SQL_RUNNING), None, "the call is the statement");
    assert_eq!(r.text_id.as_deref(), Some("7h35uxf5uhmm1"));
    assert_eq!(r.plan, Some(PlanRef { sql_id: "7h35uxf5uhmm1".into(), plan_hash: 3_387_021_149, child: 0 }));
    // Idle in transaction: NULL SQL_ID, its previous statement is shown.
    let r = by_id(&reads, 301);
    assert_eq!(r.text_id.as_deref(), Some("fq2cz1m8k7v4d"));
    assert_eq!(extra(&r.session, extra::PREVIOUS_SQL_ID), Some("fq2cz1m8k7v4d"));
    assert_eq!(r.plan, None);
    let r = by_id(&reads, 520);
    assert_eq!((r.text_id.as_ref(), r.plan.as_ref()), (None, None));
    assert_eq!(extra(&r.session, extra::SQL_ID), None);
    assert_eq!(by_id(&reads, 410).plan, None, "no plan hash under 5 s");
}

#[test]
fn the_23ai_shape_with_missing_process_and_remote_blocker() {
    let reads = parse(&from_batch(include_str!("../fixtures/high_sessions_23ai.tsv")));
    assert_eq!(reads.len(), 3);
    let r = by_id(&reads, 37);
    assert_eq!(r.session.backend_ms, Some(0), "negative ages are zero");
    assert_eq!(r.session.state_ms, Some(0));
    assert_eq!(r.session.query_ms, Some(73_000));
    assert_eq!(extra(&r.session, extra::SPID), None, "no v$process row");
    assert_eq!(extra(&r.session, extra::PGA), None);
    assert_eq!(extra(&r.session, extra::SQL_RUNNING), Some(format::duration_ms(14_000).as_str()));
    assert_eq!(r.plan.as_ref().map(|p| (p.plan_hash, p.child)), Some((905_117_282, 3)));
    let r = by_id(&reads, 81);
    assert!(r.session.blocked_by.is_empty(), "a remote SID is not a local session");
    assert_eq!(r.session.state, SessionState::WaitingForLock);
    assert_eq!(extra(&r.session, extra::BLOCKER), Some("SID 1203 of another instance"));
    assert_eq!(r.wait_object, None);
    let r = by_id(&reads, 95);
    assert_eq!((r.session.user.as_str(), r.session.state), ("", SessionState::Idle));
}

#[test]
fn mapping_tables() {
    assert_eq!(category_of("Concurrency"), WaitCategory::Locks);
    assert_eq!(category_of("System I/O"), WaitCategory::Io);
    assert_eq!(category_of("Idle"), WaitCategory::Other);
    assert_eq!(category_of(""), WaitCategory::Other);
    let lock = Wait { category: WaitCategory::Locks, event: "enq: TM - contention".into() };
    assert_eq!(state_of("ACTIVE", Some(&lock), false), SessionState::WaitingForLock);
    assert_eq!(state_of("ACTIVE", None, true), SessionState::Active);
    assert_eq!(state_of("INACTIVE", None, false), SessionState::Idle);
    assert_eq!(state_of("SNIPED", None, false), SessionState::Other);
    assert!(parse(&from_batch("sid\tstatus\nNULL\tACTIVE\nx\tACTIVE\n")).is_empty(), "rows without a SID");
}

#[test]
fn background_holders_and_holders_outside_the_read_are_not_tree_roots() {
    // 801 waits on DBWR (SID 3) for free buffers, 802 on a row lock held by SID 999,
    // which is past the row cap; 803 on a row lock held by 804, which is in the read.
    let rows = from_batch(
        "SID\tSERIAL_NO\tSTATUS\tEVENT\tWAIT_CLASS\tWAIT_STATE\tBLOCKING_SESSION\tBLOCKING_SESSION_STATUS\tROW_WAIT_OBJ\n\
         801\t11\tACTIVE\tfree buffer waits\tConfiguration\tWAITING\t3\tVALID\tNULL\n\
         802\t12\tACTIVE\tenq: TX - row lock contention\tApplication\tWAITING\t999\tVALID\t7001\n\
         803\t13\tACTIVE\tenq: TX - row lock contention\tApplication\tWAITING\t804\tVALID\t7002\n\
         804\t14\tINACTIVE\tSQL*Net message from client\tIdle\tWAITING\tNULL\tNO HOLDER\tNULL\n",
    );
    let reads = parse(&rows);
    let blocked_by = |id| by_id(&reads, id).session.blocked_by.clone();
    assert_eq!(blocked_by(801), Vec::<i64>::new(), "DBWR is not a blocker");
    assert_eq!(extra(&by_id(&reads, 801).session, extra::BLOCKER), Some("waits for SID 3"));
    assert_eq!(blocked_by(802), Vec::<i64>::new(), "a holder outside the read is no root");
    assert_eq!(
        extra(&by_id(&reads, 802).session, extra::BLOCKER),
        Some("waits for SID 999 (not in this read)")
    );
    assert_eq!(by_id(&reads, 802).wait_object, None);
    assert_eq!(blocked_by(803), vec![804]);
    assert_eq!(by_id(&reads, 803).wait_object, Some(7002));
    let sessions: Vec<Session> = reads.iter().map(|r| r.session.clone()).collect();
    let forest = blocking_forest(&sessions);
    assert!(forest.iter().all(|n| sessions.iter().any(|s| s.id == n.session_id)), "{forest:?}");
}
