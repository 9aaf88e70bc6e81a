//! The MariaDB harness itself (`support/mariadb.rs`): the server starts as configured, the
//! monitoring account works as README documents it, and the lock scenarios the collector
//! tests build on really produce the waits they claim.

use crate::support::mariadb::{APP_PASSWORD, MONITOR_GRANTS, MONITOR_PASSWORD, TestMariaDb};
use std::time::{Duration, Instant};

/// `performance_schema.setup_consumers.ENABLED` of one consumer.
fn consumer(db: &TestMariaDb, name: &str) -> String {
    db.sql(&format!("SELECT ENABLED FROM performance_schema.setup_consumers WHERE NAME = '{name}'"))
}

/// Lock type and status of connection `id`'s metadata locks on `table` ("EXCLUSIVE PENDING"…).
fn metadata_locks(db: &TestMariaDb, id: u64, table: &str) -> Vec<String> {
    let (schema, name) = table.split_once('.').expect("schema.table");
    db.sql(&format!(
        "SELECT CONCAT(m.LOCK_TYPE, ' ', m.LOCK_STATUS) FROM performance_schema.metadata_locks m \
         JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID \
         WHERE t.PROCESSLIST_ID = {id} AND m.OBJECT_TYPE = 'TABLE' \
           AND m.OBJECT_SCHEMA = '{schema}' AND m.OBJECT_NAME = '{name}' ORDER BY 1"
    ))
    .lines()
    .map(str::to_owned)
    .collect()
}

fn state_of(db: &TestMariaDb, id: u64) -> String {
    db.sql(&format!("SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = {id}"))
}

#[test]
fn starts_with_performance_schema_statement_consumers_and_mdl_instrument() {
    let started = Instant::now();
    let db = TestMariaDb::start();
    // Visible with --nocapture: the start-up budget is a few seconds on 2 CI cores.
    eprintln!("MariaDB {} ready with accounts in {:?}", db.version(), started.elapsed());
    assert!(db.version().contains("MariaDB"), "not a MariaDB server: {}", db.version());
    assert!(db.socket_path().exists(), "no socket at {}", db.socket_path().display());

    assert_eq!(db.sql("SELECT @@performance_schema"), "1", "performance_schema should be ON");
    for name in ["statements_digest", "events_statements_current", "events_statements_history"] {
        assert_eq!(consumer(&db, name), "YES", "consumer {name} should be enabled");
    }
    let mdl = db.sql(
        "SELECT CONCAT(ENABLED, ' ', TIMED) FROM performance_schema.setup_instruments \
         WHERE NAME = 'wait/lock/metadata/sql/mdl'",
    );
    assert_eq!(mdl, "YES YES", "the MDL instrument should be enabled and timed");

    // The monitoring account logs in over TCP with exactly the target's credentials, and
    // holds the documented grants (REPLICATION CLIENT shows under its MariaDB name).
    let target = db.target_config("monitor", MONITOR_PASSWORD, "app");
    assert_eq!((target.host.as_str(), target.port, target.engine.key()), ("127.0.0.1", db.port, "mysql"));
    let grants = db
        .sql_as(&target.username, target.password.expose(), "SHOW GRANTS")
        .unwrap_or_else(|e| panic!("monitor cannot log in with the target's credentials: {e}"));
    assert!(
        grants.contains("GRANT SELECT, PROCESS, BINLOG MONITOR, SLAVE MONITOR ON *.*"),
        "monitor should hold {MONITOR_GRANTS}; has:\n{grants}"
    );
    // SELECT on *.* reaches the tables the collector and the user audit read.
    for table in [
        "performance_schema.events_statements_summary_by_digest",
        "performance_schema.metadata_locks",
        "mysql.global_priv",
        "sys.x$statement_analysis",
    ] {
        let count = db.sql_as("monitor", MONITOR_PASSWORD, &format!("SELECT COUNT(*) FROM {table}"));
        assert!(count.is_ok(), "monitor cannot read {table}: {count:?}");
    }
}

#[test]
fn starts_without_performance_schema() {
    let db = TestMariaDb::start_without_performance_schema();
    assert_eq!(db.sql("SELECT @@performance_schema"), "0", "performance_schema should be OFF");
    // The tables exist but stay empty: the collector must not mistake that for "no load".
    assert_eq!(db.sql("SELECT COUNT(*) FROM performance_schema.setup_consumers"), "0");
    let login = db.sql_as("monitor", MONITOR_PASSWORD, "SELECT CURRENT_USER()");
    assert!(login.is_ok_and(|u| u.starts_with("monitor@")), "monitor should log in");
}

#[test]
fn sleeping_query_of_app_shows_in_the_processlist_to_monitor() {
    let db = TestMariaDb::start();
    let mut session = db.spawn_session("SELECT SLEEP(30)");
    db.wait_until(
        "SELECT SLEEP(30) in the processlist",
        &format!(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST \
             WHERE ID = {} AND USER = 'app' AND DB = 'app' AND INFO = 'SELECT SLEEP(30)'",
            session.id
        ),
        Duration::from_secs(5),
    );
    db.wait_for_state(session.id, "User sleep");
    // PROCESS lets the monitoring account see other users' sessions.
    let seen = db
        .sql_as(
            "monitor",
            MONITOR_PASSWORD,
            "SELECT ID, STATE FROM information_schema.PROCESSLIST WHERE USER = 'app'",
        )
        .expect("monitor reads the processlist");
    assert_eq!(seen, format!("{}\tUser sleep", session.id), "monitor's view of app's sessions");
    assert!(session.is_running(), "the sleeping session ended early");

    // The guard's drop ends the query on the server, not only the client process.
    let id = session.id;
    drop(session);
    db.wait_until(
        "the dropped session gone from the processlist",
        &format!("SELECT COUNT(*) = 0 FROM information_schema.PROCESSLIST WHERE ID = {id}"),
        Duration::from_secs(5),
    );
    // A session that ends by itself hands over what it printed after its connection id.
    let mut quick = db.spawn_session("SELECT DATABASE(), CURRENT_USER()");
    let out = quick.wait(Duration::from_secs(5));
    assert!(out.status.success(), "the quick session failed: {}", out.stderr);
    assert_eq!(out.stdout, "app\tapp@localhost\n", "sessions run as app in database app");
    let app = db.sql_as("app", APP_PASSWORD, "SELECT 1");
    assert_eq!(app, Ok("1".to_owned()), "app logs in with APP_PASSWORD");
}

#[test]
fn mdl_pileup_shows_waiting_sessions_and_pending_metadata_locks() {
    let db = TestMariaDb::start();
    let mut pileup = db.mdl_pileup();
    let (a, b, c) = pileup.ids();
    assert_eq!(state_of(&db, a), "User sleep", "A sleeps holding its transaction");
    assert_eq!(state_of(&db, b), "Waiting for table metadata lock", "B (ALTER) waits for A");
    assert_eq!(state_of(&db, c), "Waiting for table metadata lock", "C (SELECT) queues behind B");

    let table = pileup.table.clone();
    assert_eq!(metadata_locks(&db, a, &table), ["SHARED_READ GRANTED"], "A's lock on {table}");
    // B holds the upgradable lock and waits to make it exclusive; C waits for a plain read.
    assert_eq!(
        metadata_locks(&db, b, &table),
        ["EXCLUSIVE PENDING", "SHARED_UPGRADABLE GRANTED"],
        "B's locks on {table}"
    );
    assert_eq!(metadata_locks(&db, c, &table), ["SHARED_READ PENDING"], "C's lock on {table}");

    // Releasing A lets B's ALTER and then C's SELECT through.
    drop(pileup.holder);
    let altered = pileup.waiter.wait(Duration::from_secs(10));
    assert!(altered.status.success(), "B's ALTER failed: {}", altered.stderr);
    let read = pileup.queued.wait(Duration::from_secs(10));
    assert!(read.status.success(), "C's SELECT failed: {}", read.stderr);
    assert_eq!(read.stdout, "1\t1\tNULL\n2\t2\tNULL\n", "C reads the table with B's new column");
}

#[test]
fn row_lock_chain_shows_lock_waits() {
    let db = TestMariaDb::start();
    let chain = db.row_lock_chain();
    let (a, b, c) = chain.ids();
    // Waiter and blocker pairs, by connection id.
    let waits = db.sql(
        "SELECT r.trx_mysql_thread_id, b.trx_mysql_thread_id FROM information_schema.INNODB_LOCK_WAITS w \
         JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id \
         JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id ORDER BY 1, 2",
    );
    let waits: Vec<&str> = waits.lines().collect();
    assert!(waits.contains(&format!("{b}\t{a}").as_str()), "B should wait for A: {waits:?}");
    assert!(waits.contains(&format!("{c}\t{a}").as_str()), "C should wait for A: {waits:?}");
    assert_eq!(state_of(&db, b), "Updating", "a row-lock wait shows only as Updating");
    assert!(chain.table.starts_with("app."), "{}", chain.table);
}

#[test]
fn stop_then_start_again_on_the_same_port_and_data() {
    let mut db = TestMariaDb::start();
    db.sql("CREATE TABLE app.kept (id INT PRIMARY KEY); INSERT INTO app.kept VALUES (7)");
    let port = db.port;
    db.stop();
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "port {port} still accepts connections after stop"
    );
    let started = Instant::now();
    db.start_again();
    eprintln!("MariaDB restarted in {:?}", started.elapsed());
    assert_eq!(db.port, port);
    assert_eq!(db.sql("SELECT id FROM app.kept"), "7", "the data survives a restart");
    let login = db.sql_as("monitor", MONITOR_PASSWORD, "SELECT 1");
    assert_eq!(login, Ok("1".to_owned()), "monitor logs in after the restart");
}
