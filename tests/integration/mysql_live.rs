//! The MySQL/MariaDB collector against a real MariaDB the test starts (Debian's 10.11):
//! a sleeping query with its text, the metadata-lock pile-up and a row-lock chain as
//! trees, performance_schema off, a missing grant, and a server stopped mid-run.

use crate::support::mariadb::{MONITOR_PASSWORD, TestMariaDb};
use logstag::collectors::mysql::MysqlCollector;
use logstag::collectors::{Collected, Collector};
use logstag::model::{ActivitySnapshot, SampleBody, Session, SessionState, Tier, blocking_forest};

async fn connected(server: &TestMariaDb) -> MysqlCollector {
    let mut c = MysqlCollector::new(&server.target_config("monitor", MONITOR_PASSWORD, "app"));
    let version = c.ensure_connected().await.unwrap();
    assert!(version.starts_with("MariaDB 10."), "{version}");
    c
}

fn activity(c: &Collected) -> &ActivitySnapshot {
    c.bodies.iter().find_map(|b| if let SampleBody::Activity(a) = b { Some(a) } else { None }).unwrap()
}

fn session(a: &ActivitySnapshot, id: u64) -> &Session {
    a.sessions
        .iter()
        .find(|s| s.id == id as i64)
        .unwrap_or_else(|| panic!("thread {id} missing: {:#?}", a.sessions))
}

#[tokio::test]
async fn a_sleeping_query_appears_with_its_text_and_our_thread_does_not() {
    let server = TestMariaDb::start();
    let sleeper = server.spawn_session("SELECT SLEEP(30) AS nap");
    server.wait_for_state(sleeper.id, "User sleep");
    let mut c = connected(&server).await;
    let high = c.collect(Tier::High).await.unwrap();
    assert!(high.problems.is_empty(), "{:?}", high.problems);
    let a = activity(&high);
    let s = session(a, sleeper.id);
    assert_eq!(s.state, SessionState::Active);
    assert!(s.query.contains("SLEEP(30)"), "{}", s.query);
    assert_eq!((s.user.as_str(), s.database.as_str()), ("app", "app"));
    assert!(s.query_ms.is_some());
    assert!(a.sessions.iter().all(|s| s.user != "monitor"), "our own thread is left out: {:#?}", a.sessions);
    let instance =
        high.bodies.iter().find_map(|b| if let SampleBody::Instance(i) = b { Some(i) } else { None });
    assert_eq!(instance.map(|i| i.product.as_str()), Some("MariaDB"));
}

#[tokio::test]
async fn a_metadata_lock_pileup_is_one_tree() {
    let server = TestMariaDb::start();
    let pileup = server.mdl_pileup();
    let (holder, waiter, queued) = pileup.ids();
    let mut c = connected(&server).await;
    let high = c.collect(Tier::High).await.unwrap();
    let a = activity(&high);
    assert_eq!(
        session(a, waiter).blocked_by,
        vec![holder as i64],
        "the ALTER waits for the open transaction"
    );
    assert_eq!(session(a, queued).blocked_by, vec![waiter as i64], "the SELECT queues behind the ALTER");
    assert!(session(a, holder).blocked_by.is_empty());
    assert_eq!(session(a, waiter).state, SessionState::WaitingForLock);
    let wanted = session(a, waiter).extra.iter().find(|(k, _)| k == "lock wanted").map(|(_, v)| v.clone());
    assert_eq!(wanted, Some(format!("EXCLUSIVE on TABLE {}", pileup.table)));
    let forest = blocking_forest(&a.sessions);
    let order: Vec<(i64, usize)> = forest.iter().map(|n| (n.session_id, n.depth)).collect();
    assert_eq!(order, vec![(holder as i64, 0), (waiter as i64, 1), (queued as i64, 2)]);
    assert_eq!(forest[0].blocked_count, 2);
}

#[tokio::test]
async fn a_row_lock_chain_is_a_tree_under_the_holder() {
    let server = TestMariaDb::start();
    let chain = server.row_lock_chain();
    let (holder, waiter, queued) = chain.ids();
    let mut c = connected(&server).await;
    let high = c.collect(Tier::High).await.unwrap();
    let a = activity(&high);
    let b = session(a, waiter);
    assert_eq!(b.blocked_by, vec![holder as i64]);
    assert_eq!(b.wait.as_ref().map(|w| w.event.as_str()), Some("Lock:row"));
    assert_eq!(b.state, SessionState::WaitingForLock);
    // InnoDB may name the holder, the first waiter, or both as C's blocker.
    let c_blockers = &session(a, queued).blocked_by;
    assert!(
        !c_blockers.is_empty() && c_blockers.iter().all(|id| [holder as i64, waiter as i64].contains(id))
    );
    let h = session(a, holder);
    assert!(h.xact_ms.is_some(), "the holder's transaction is open");
    let forest = blocking_forest(&a.sessions);
    assert_eq!(forest.first().map(|n| n.session_id), Some(holder as i64));
}

#[tokio::test]
async fn without_performance_schema_waiters_show_and_the_fix_is_named() {
    let server = TestMariaDb::start_without_performance_schema();
    let pileup = server.mdl_pileup();
    let (_, waiter, queued) = pileup.ids();
    let mut c = connected(&server).await;
    let high = c.collect(Tier::High).await.unwrap();
    let a = activity(&high);
    assert_eq!(session(a, waiter).state, SessionState::WaitingForLock);
    assert_eq!(session(a, queued).state, SessionState::WaitingForLock);
    assert!(
        high.problems.iter().any(|p| p.contains("performance_schema=ON")),
        "the problem says what to enable: {:?}",
        high.problems
    );
    // Said once per connection, not every round.
    let again = c.collect(Tier::High).await.unwrap();
    assert!(again.problems.iter().all(|p| !p.contains("performance_schema=ON")), "{:?}", again.problems);
}

#[tokio::test]
async fn a_missing_grant_degrades_with_the_grant_to_run() {
    let server = TestMariaDb::start();
    server.sql("CREATE USER 'narrow'@'localhost' IDENTIFIED BY 'narrow-pw-1'; CREATE USER 'narrow'@'127.0.0.1' IDENTIFIED BY 'narrow-pw-1';");
    let mut c = MysqlCollector::new(&server.target_config("narrow", "narrow-pw-1", ""));
    c.ensure_connected().await.unwrap();
    let high = c.collect(Tier::High).await.unwrap();
    assert!(high.problems.iter().any(|p| p.contains("GRANT PROCESS")), "{:?}", high.problems);
    assert!(high.problems.iter().all(|p| !p.contains("narrow-pw-1")));
}

#[tokio::test]
async fn a_wrong_password_is_a_connect_error_without_the_password() {
    let server = TestMariaDb::start();
    let mut c = MysqlCollector::new(&server.target_config("monitor", "not-the-Password-42", "app"));
    let err = c.ensure_connected().await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("Access denied"), "{err}");
    assert!(!err.contains("not-the-Password-42"), "{err}");
}

#[tokio::test]
async fn a_stopped_server_is_down_and_comes_back() {
    let mut server = TestMariaDb::start();
    let mut c = connected(&server).await;
    c.collect(Tier::High).await.unwrap();
    server.stop();
    let err = c.collect(Tier::High).await.err().unwrap();
    assert!(err.is_disconnect(), "{err}");
    assert!(c.ensure_connected().await.is_err(), "still down");
    server.start_again();
    c.ensure_connected().await.unwrap();
    let high = c.collect(Tier::High).await.unwrap();
    assert!(high.problems.is_empty(), "{:?}", high.problems);
}

#[tokio::test]
async fn rates_leave_our_own_statements_out() {
    let server = TestMariaDb::start();
    let mut c = connected(&server).await;
    c.collect(Tier::High).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let high = c.collect(Tier::High).await.unwrap();
    let qps = high
        .bodies
        .iter()
        .filter_map(|b| if let SampleBody::Metrics(m) = b { Some(m) } else { None })
        .flatten()
        .find(|m| m.name == "queries_per_s")
        .map(|m| m.value);
    // An idle server: nothing but our own statements ran between the two reads.
    assert_eq!(qps, Some(0.0));
}

#[tokio::test]
async fn a_statement_run_n_times_shows_n_calls_in_the_digest_deltas() {
    let server = TestMariaDb::start();
    server.sql("CREATE TABLE app.counted (id INT PRIMARY KEY, v INT); INSERT INTO app.counted VALUES (1, 1), (2, 2);");
    let mut c = connected(&server).await;
    let baseline = c.collect(Tier::Medium).await.unwrap();
    let q = baseline
        .bodies
        .iter()
        .find_map(|b| if let SampleBody::Queries(q) = b { Some(q) } else { None })
        .unwrap();
    assert!(q.stats.is_empty(), "the first read is the baseline");
    for i in 0..7 {
        server
            .sql_as(
                "app",
                crate::support::mariadb::APP_PASSWORD,
                &format!("SELECT v FROM app.counted WHERE id = {}", i % 2 + 1),
            )
            .unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let next = c.collect(Tier::Medium).await.unwrap();
    let q =
        next.bodies.iter().find_map(|b| if let SampleBody::Queries(q) = b { Some(q) } else { None }).unwrap();
    let ours = q
        .stats
        .iter()
        .find(|s| s.text.contains("counted") && s.text.to_ascii_uppercase().starts_with("SELECT"));
    let ours = ours.unwrap_or_else(|| panic!("the counted statement is missing: {:#?}", q.stats));
    assert_eq!(ours.calls, 7, "{ours:#?}");
    assert_eq!(ours.rows, 7);
    assert!(
        q.stats.iter().all(|s| !s.text.contains("events_statements_summary_by_digest")),
        "our own reads are left out: {:#?}",
        q.stats
    );
    // A single reading (`logstag snapshot`): the totals since the digests began.
    let mut once = connected(&server).await;
    once.report_totals();
    let totals = once.collect(Tier::Medium).await.unwrap();
    let q = totals
        .bodies
        .iter()
        .find_map(|b| if let SampleBody::Queries(q) = b { Some(q) } else { None })
        .unwrap();
    let counted = q
        .stats
        .iter()
        .find(|s| s.text.contains("counted") && s.text.to_ascii_uppercase().starts_with("SELECT"));
    assert_eq!(counted.map(|s| s.calls), Some(7), "{:#?}", q.stats);
    assert_eq!(q.since, None, "performance_schema keeps no reset time");
    // Nothing ran since: the next interval has no calls of it.
    let quiet = c.collect(Tier::Medium).await.unwrap();
    let q = quiet
        .bodies
        .iter()
        .find_map(|b| if let SampleBody::Queries(q) = b { Some(q) } else { None })
        .unwrap();
    assert!(q.stats.iter().all(|s| !s.text.contains("counted")), "{:#?}", q.stats);
}

#[tokio::test]
async fn without_performance_schema_statement_stats_say_how_to_enable_them() {
    let server = TestMariaDb::start_without_performance_schema();
    let mut c = connected(&server).await;
    let medium = c.collect(Tier::Medium).await.unwrap();
    let q = medium
        .bodies
        .iter()
        .find_map(|b| if let SampleBody::Queries(q) = b { Some(q) } else { None })
        .unwrap();
    match &q.availability {
        logstag::model::StatsAvailability::Unavailable(why) => {
            assert!(why.contains("performance_schema"), "{why}")
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn every_tier_runs_clean_with_the_documented_grants() {
    let server = TestMariaDb::start();
    let mut c = connected(&server).await;
    for tier in [Tier::High, Tier::Medium, Tier::Low] {
        let collected = c.collect(tier).await.unwrap();
        assert!(collected.problems.is_empty(), "{tier:?}: {:?}", collected.problems);
    }
}
