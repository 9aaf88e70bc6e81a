//! The SQL Server collector's tiers over the real driver against the TDS test server,
//! which replays the collector's own fixtures (tab-separated replies) with SQL Server's
//! column types: the high tier's sessions become the same blocking tree the parse tests
//! see, a refused permission degrades with the GRANT, a statement that stops answering
//! mid-round drops the connection and the next round reconnects.

use crate::mssql_wire::{instance_reply, target};
use crate::support::tds::{Reply, ResultSet, SqlType, TdsServer, Value};
use logstag::collectors::Collector;
use logstag::collectors::mssql::MssqlCollector;
use logstag::model::{SampleBody, SessionState, Tier, blocking_forest};
use std::time::Duration;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/collectors/mssql/high/fixtures/");
const ENGINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/collectors/mssql/");

/// The wire type SQL Server gives each column of the high tier's replies.
fn sql_type(column: &str) -> SqlType {
    match column {
        "session_id" | "blocking_session_id" | "task_blocking_session_id" | "dop" => SqlType::SmallInt,
        "request_id"
        | "cpu_ms"
        | "open_transactions"
        | "statement_start_offset"
        | "statement_end_offset"
        | "cntr_type" => SqlType::Int,
        "wait_ms"
        | "task_wait_ms"
        | "logical_reads"
        | "physical_reads"
        | "writes"
        | "request_ms"
        | "last_request_start_ms"
        | "last_request_end_ms"
        | "login_ms"
        | "transaction_ms"
        | "wait_time_ms"
        | "cntr_value"
        | "max_connections"
        | "uptime_ms" => SqlType::BigInt,
        "plan_handle" => SqlType::VarBinary(64),
        "query_hash" => SqlType::Binary(8),
        "sql_text" => SqlType::NVarCharMax,
        _ => SqlType::NVarChar,
    }
}

fn value(column: &str, text: &str) -> Value {
    if text == "NULL" {
        return Value::Null;
    }
    let unescaped = text.replace("\\n", "\n").replace("\\t", "\t");
    match sql_type(column) {
        SqlType::SmallInt => Value::I16(text.parse().unwrap_or_else(|_| panic!("{column}: {text}"))),
        SqlType::Int => Value::I32(text.parse().unwrap_or_else(|_| panic!("{column}: {text}"))),
        SqlType::BigInt => Value::I64(text.parse().unwrap_or_else(|_| panic!("{column}: {text}"))),
        SqlType::Binary(_) | SqlType::VarBinary(_) => {
            let hex = text.trim_start_matches("0x");
            Value::Bytes(
                (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect(),
            )
        }
        _ => Value::String(unescaped),
    }
}

/// A high-tier fixture file as the result set the server would send.
fn replay(file: &str) -> ResultSet {
    replay_path(&format!("{FIXTURES}{file}"))
}

/// Any fixture of the engine folder (`medium/fixtures/tempdb_space.tsv`) as a result set.
fn replay_path(path: &str) -> ResultSet {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header: Vec<String> = lines.next().unwrap().split('\t').map(str::to_owned).collect();
    let columns: Vec<(&str, SqlType)> = header.iter().map(|c| (c.as_str(), sql_type(c))).collect();
    let mut set = ResultSet::new(&columns);
    for line in lines {
        let values: Vec<Value> = header.iter().zip(line.split('\t')).map(|(c, v)| value(c, v)).collect();
        set = set.row(&values);
    }
    set
}

fn server_facts() -> Reply {
    Reply::for_sql(
        "sqlserver_start_time",
        ResultSet::new(&[("max_connections", SqlType::BigInt), ("uptime_ms", SqlType::BigInt)])
            .row(&[Value::I64(32767), Value::I64(86_400_000)]),
    )
}

fn high_tier_replies() -> Vec<Reply> {
    vec![
        instance_reply(),
        server_facts(),
        Reply::for_sql("dm_exec_sessions", replay("sessions.tsv")),
        Reply::for_sql("dm_os_wait_stats", replay("wait_stats_1.tsv")),
        Reply::for_sql("dm_os_performance_counters", replay("performance_counters_1.tsv")),
    ]
}

/// The high tier's replies, and the medium and low tiers' availability group, log space,
/// tempdb and failed jobs (statements the mock has no reply for fail as a refusal would).
/// The log-space counters come first: they read `dm_os_performance_counters` too.
pub(crate) fn replies_for_every_tier() -> Vec<Reply> {
    let engine = |file: &str| replay_path(&format!("{ENGINE}{file}"));
    let mut replies = vec![
        Reply::for_sql("percent log used", engine("medium/fixtures/log_space_counters.tsv")),
        Reply::for_sql("dm_db_file_space_usage", engine("medium/fixtures/tempdb_space.tsv")),
        Reply::for_sql("sys.availability_groups", engine("medium/fixtures/ag_lagging_async_primary.tsv")),
        Reply::for_sql("sys.master_files", engine("medium/fixtures/files_2019.tsv")),
        Reply::for_sql("sysjobhistory", engine("fixtures/low_failed_jobs.tsv")),
    ];
    replies.extend(high_tier_replies());
    replies
}

#[tokio::test]
async fn the_high_tier_over_tds_gives_the_blocking_tree_of_the_fixture() {
    let server = TdsServer::start(high_tier_replies());
    let mut c = MssqlCollector::new(&target(server.port, "pw"));
    let high = c.collect(Tier::High).await.unwrap();
    assert!(high.problems.is_empty(), "{:?}", high.problems);
    let activity =
        high.bodies.iter().find_map(|b| if let SampleBody::Activity(a) = b { Some(a) } else { None });
    let activity = activity.unwrap();
    assert!(activity.sessions.len() >= 5, "{:#?}", activity.sessions);
    let head = activity.sessions.iter().find(|s| s.id == 61).unwrap();
    assert_eq!(head.state, SessionState::IdleInTransaction, "the sleeping head blocker");
    assert!(head.query.contains("UPDATE dbo.Accounts"), "{}", head.query);
    let forest = blocking_forest(&activity.sessions);
    assert_eq!(forest.first().map(|n| n.session_id), Some(61), "{forest:#?}");
    assert!(forest.first().is_some_and(|n| n.blocked_count >= 1));
    let instance =
        high.bodies.iter().find_map(|b| if let SampleBody::Instance(i) = b { Some(i) } else { None });
    assert_eq!(instance.and_then(|i| i.max_connections), Some(32767));
    let seen = server.queries_seen().join("\n");
    assert!(!seen.to_ascii_uppercase().contains("RECOMPILE"), "no OPTION (RECOMPILE) on the hot path");
}

#[tokio::test]
async fn a_missing_view_server_state_degrades_with_the_grant() {
    let mut replies = high_tier_replies();
    replies.insert(
        0,
        Reply::error_for_sql(
            "dm_exec_sessions",
            300,
            "VIEW SERVER STATE permission was denied on object 'server', database 'master'.",
        ),
    );
    let server = TdsServer::start(replies);
    let mut c = MssqlCollector::new(&target(server.port, "pw"));
    let high = c.collect(Tier::High).await.unwrap();
    assert!(high.problems.iter().any(|p| p.contains("GRANT VIEW SERVER STATE")), "{:?}", high.problems);
}

#[tokio::test]
async fn a_statement_that_stops_answering_drops_the_connection_and_the_next_round_reconnects() {
    let mut replies = high_tier_replies();
    replies.insert(0, Reply::delay_for_sql("dm_os_wait_stats", Duration::from_secs(30)));
    let server = TdsServer::start(replies);
    let mut c = MssqlCollector::new(&target(server.port, "pw"));
    let started = std::time::Instant::now();
    let err = c.collect(Tier::High).await.err().unwrap();
    assert!(err.is_disconnect(), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10), "bounded by the query timeout");
    // The next round logs in again (the mock keeps answering the other statements).
    assert!(c.ensure_connected().await.is_ok());
    assert_eq!(server.logins_seen().len(), 2, "reconnected");
}

/// Not a test: keeps a TDS test server replaying the high tier's fixtures for a while, so
/// the TUI can be looked at against it by hand (`cargo test --test integration
/// mssql_mock_for_a_look -- --ignored --nocapture`, then `logstag 'mssql://u:pw@127.0.0.1:PORT/master?encrypt=false'`
/// with `[targets.<name>.tls] mode = "disable"`, or the URL printed).
#[tokio::test]
#[ignore = "interactive aid, not a test"]
async fn mssql_mock_for_a_look() {
    let server = TdsServer::start(high_tier_replies());
    println!("TDS test server on 127.0.0.1:{}", server.port);
    tokio::time::sleep(Duration::from_secs(600)).await;
}
