use super::*;
use crate::collectors::mssql::rows::from_batch;
use crate::collectors::session_metrics::activity_metrics;
use crate::model::{BlockingRole, blocking_forest, metric};

const SESSIONS: &str = include_str!("fixtures/sessions.tsv");

fn reads() -> Vec<SessionRead> {
    parse(&from_batch(SESSIONS))
}

fn find(reads: &[SessionRead], id: i64) -> &Session {
    &reads.iter().find(|r| r.session.id == id).unwrap_or_else(|| panic!("session {id}")).session
}

fn extra<'a>(s: &'a Session, label: &str) -> Option<&'a str> {
    s.extra.iter().find(|(l, _)| l == label).map(|(_, v)| v.as_str())
}

#[test]
fn one_session_per_session_id() {
    let ids: Vec<i64> = reads().iter().map(|r| r.session.id).collect();
    assert_eq!(ids, [61, 62, 63, 66, 70, 71, 75, 80, 81, 90, 91, 95, 96]);
}

#[test]
fn a_sleeping_head_blocker_idle_in_transaction() {
    let r = reads();
    let head = find(&r, 61);
    assert_eq!(head.state, SessionState::IdleInTransaction);
    assert_eq!(head.native_state, "sleeping");
    assert_eq!(head.wait, None, "a session without a request waits for nothing");
    assert_eq!(
        head.query,
        "BEGIN TRAN;\nUPDATE dbo.Accounts SET Balance = Balance - 100 WHERE AccountId = 7;"
    );
    assert_eq!((head.query_ms, head.state_ms, head.xact_ms), (Some(301_000), Some(300_950), Some(301_005)));
    assert_eq!(head.backend_ms, Some(3_600_000));
    assert_eq!(
        (head.user.as_str(), head.application.as_str(), head.client.as_str()),
        ("app_orders", "orders-api", "10.20.1.7")
    );
    assert_eq!(extra(head, "open transactions"), Some("1"));
    assert_eq!(extra(head, "host"), Some("APP-07"));

    let waiter = find(&r, 62);
    assert_eq!(waiter.state, SessionState::WaitingForLock);
    assert_eq!(waiter.wait, Some(Wait { category: WaitCategory::Locks, event: "LCK_M_U".into() }));
    assert_eq!(waiter.blocked_by, [61]);
    assert_eq!((waiter.query_ms, waiter.state_ms), (Some(240_020), Some(240_012)));
    assert_eq!(extra(waiter, "wait resource"), Some("KEY: 7:72057594043826176 (8194443284a0)"));
    assert_eq!(extra(waiter, "command"), Some("UPDATE"));
    assert_eq!(extra(waiter, "query hash"), Some("0x5E3C9A2B71D04F18"));
    assert_eq!(extra(waiter, "waiting tasks"), None, "a serial request's task repeats its own wait");
}

#[test]
fn the_blocking_tree_with_a_chain_and_several_blockers() {
    let r = reads();
    assert_eq!(find(&r, 63).blocked_by, [62, 66], "a key held in shared mode by two sessions");
    let sessions: Vec<Session> = r.into_iter().map(|r| r.session).collect();
    let forest = blocking_forest(&sessions);
    let shape: Vec<(i64, usize, BlockingRole)> =
        forest.iter().map(|n| (n.session_id, n.depth, n.role)).collect();
    assert_eq!(
        shape,
        [
            (61, 0, BlockingRole::Holding),
            (62, 1, BlockingRole::BlockedAndBlocking),
            (63, 2, BlockingRole::Blocked),
            (70, 1, BlockingRole::Blocked),
            (66, 0, BlockingRole::Holding),
            (63, 1, BlockingRole::Blocked),
        ]
    );
    let m = activity_metrics(&sessions);
    let get = |name: &str, key: &str| m.iter().find(|x| x.name == name && x.key == key).map(|x| x.value);
    assert_eq!(get(metric::BLOCKED_SESSIONS, ""), Some(3.0));
    assert_eq!(get(metric::SESSIONS_BY_STATE, "Waiting for lock"), Some(4.0));
    assert_eq!(get(metric::SESSIONS_BY_STATE, "Idle in transaction"), Some(2.0));
    assert_eq!(get(metric::SESSIONS_BY_STATE, "Active"), Some(5.0));
    assert_eq!(get(metric::SESSIONS_BY_STATE, "Idle"), Some(2.0));
    assert_eq!(get(metric::LONGEST_IDLE_IN_TX_S, ""), Some(300.95));
}

#[test]
fn a_parallel_query_is_one_session_showing_the_wait_that_matters() {
    let r = reads();
    let parallel = find(&r, 70);
    assert_eq!(parallel.state, SessionState::WaitingForLock, "a worker waits on 61's lock");
    assert_eq!(parallel.wait.as_ref().map(|w| w.event.as_str()), Some("LCK_M_S"));
    assert_eq!(parallel.blocked_by, [61]);
    assert_eq!(parallel.state_ms, Some(14_800));
    assert_eq!(extra(parallel, "waiting tasks"), Some("PAGEIOLATCH_SH ×2, CXPACKET ×1, LCK_M_S ×1"));
    assert_eq!(extra(parallel, "parallelism"), Some("DOP 4"));
    let exchange = find(&r, 71);
    assert_eq!(exchange.state, SessionState::Active);
    assert_eq!(exchange.wait, Some(Wait { category: WaitCategory::Other, event: "CXCONSUMER".into() }));
    assert!(exchange.blocked_by.is_empty(), "a parallel query waiting on itself is not blocked");
}

#[test]
fn mars_long_running_and_disk_waits() {
    let r = reads();
    let mars = find(&r, 75);
    assert_eq!(mars.query, "SELECT * FROM dbo.OrderLines", "the oldest request is shown");
    assert_eq!(mars.wait.as_ref().map(|w| w.category), Some(WaitCategory::Client));
    assert_eq!(extra(mars, "requests"), Some("2 (MARS)"));
    let long = find(&r, 80);
    assert_eq!(
        (long.state, long.wait.as_ref(), long.query_ms),
        (SessionState::Active, None, Some(1_800_000))
    );
    assert_eq!(long.client, "", "shared memory");
    assert_eq!(long.database, "dwh");
    let plan = r.iter().find(|x| x.session.id == 80).and_then(|x| x.plan.clone());
    assert_eq!(plan.as_ref().map(|p| (p.start, p.end)), Some((188, 942)));
    assert!(plan.as_ref().and_then(super::super::plans::plan_statement).is_some(), "{plan:?}");
    let disk = find(&r, 81);
    assert_eq!(disk.state, SessionState::Active);
    assert_eq!(disk.wait, Some(Wait { category: WaitCategory::Io, event: "PAGEIOLATCH_SH".into() }));
    assert_eq!(extra(disk, "wait resource"), Some("7:1:123456"));
    assert_eq!(extra(disk, "physical reads"), Some("7000"));
}

#[test]
fn blockers_that_are_not_sessions_are_said_in_words() {
    let r = reads();
    let orphan = find(&r, 90);
    assert_eq!(orphan.state, SessionState::WaitingForLock);
    assert!(orphan.blocked_by.is_empty(), "-2 is not a session id");
    assert_eq!(extra(orphan, "blocked by"), Some("orphaned distributed transaction (-2)"));
    let latch = find(&r, 91);
    assert_eq!(latch.wait.as_ref().map(|w| w.category), Some(WaitCategory::Io));
    assert!(latch.blocked_by.is_empty());
    assert_eq!(extra(latch, "blocked by"), Some("latch owner unknown (latch state transition) (-4)"));
    assert_eq!(special_blocker(-3), "deferred recovery transaction (-3)");
    assert_eq!(special_blocker(-5), "latch owner not tracked for this latch type (-5)");
}

#[test]
fn idle_and_dormant_sessions() {
    let r = reads();
    let idle = find(&r, 95);
    assert_eq!((idle.state, idle.query.as_str(), idle.xact_ms), (SessionState::Idle, "", None));
    assert_eq!(idle.query_ms, Some(45_000), "the last request's age");
    assert_eq!(find(&r, 96).state, SessionState::Idle);
    assert_eq!(find(&r, 96).native_state, "dormant");
}

#[test]
fn the_state_mapping() {
    use SessionState::*;
    let lock = Wait { category: WaitCategory::Locks, event: "LCK_M_S".into() };
    let io = Wait { category: WaitCategory::Io, event: "WRITELOG".into() };
    for (session, request, wait, open, state) in [
        ("running", Some("running"), None, 0, Active),
        ("running", Some("runnable"), None, 0, Active),
        ("running", Some("suspended"), Some(&io), 0, Active),
        ("running", Some("suspended"), Some(&lock), 0, WaitingForLock),
        ("running", Some("running"), Some(&lock), 0, WaitingForLock),
        ("running", Some("background"), None, 0, Other),
        ("sleeping", None, None, 0, Idle),
        ("sleeping", None, None, 2, IdleInTransaction),
        ("dormant", None, None, 0, Idle),
        ("preconnect", None, None, 0, Other),
    ] {
        assert_eq!(state_of(session, request, wait, open), state, "{session} {request:?} {wait:?} {open}");
    }
}

#[test]
fn rows_missing_columns_or_ids_never_panic() {
    let rows = from_batch("session_id\tsession_status\nNULL\tsleeping\nabc\trunning\n7\tsleeping\n");
    let r = parse(&rows);
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].session.id, r[0].session.state), (7, SessionState::Idle));
    assert!(parse(&[]).is_empty());
}
