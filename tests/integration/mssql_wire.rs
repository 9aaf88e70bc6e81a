//! The SQL Server collector over the real driver (tiberius) against the TDS test server,
//! which replays our own result sets with SQL Server's column types: login with
//! read-only intent and the session fences, the instance facts, a wrong password, a
//! statement that does not answer in time, every tier's statements answered.

use crate::support::tds::{Reply, ResultSet, SqlType, TdsServer, Value};
use logstag::collectors::Collector;
use logstag::collectors::mssql::MssqlCollector;
use logstag::config::{Intervals, Secret, TargetConfig, TlsConfig, TlsMode};
use logstag::model::{EngineKind, SampleBody, Tier};
use std::time::Duration;

pub const VERSION: &str =
    "Microsoft SQL Server 2022 (RTM-CU15) (KB5041321) - 16.0.4135.4 (X64)\n\tJul 10 2024 14:09:09\n";

pub fn target(port: u16, password: &str) -> TargetConfig {
    TargetConfig {
        name: format!("mock-{port}"),
        engine: EngineKind::new("mssql"),
        platform: "self-hosted".to_owned(),
        host: "127.0.0.1".to_owned(),
        port,
        username: "logstag_monitor".to_owned(),
        password: Secret::new(password),
        database: "master".to_owned(),
        tls: TlsConfig { mode: TlsMode::Disable, ca_file: None },
        intervals: Intervals::default(),
        tags: vec![],
        connect_timeout: Duration::from_secs(3),
        query_timeout: Duration::from_secs(1),
        lock_timeout: Duration::from_millis(500),
        cloud: Default::default(),
        options: Default::default(),
    }
}

/// The SERVERPROPERTY row every connection reads first.
pub fn instance_reply() -> Reply {
    Reply::for_sql(
        "SERVERPROPERTY('ProductVersion')",
        ResultSet::new(&[
            ("product_version", SqlType::NVarChar),
            ("product_level", SqlType::NVarChar),
            ("edition", SqlType::NVarChar),
            ("engine_edition", SqlType::Int),
            ("server_name", SqlType::NVarChar),
            ("hadr_enabled", SqlType::Int),
            ("version", SqlType::NVarCharMax),
            ("db", SqlType::NVarChar),
            ("spid", SqlType::SmallInt),
        ])
        .row(&[
            Value::Str("16.0.4135.4"),
            Value::Str("RTM"),
            Value::Str("Developer Edition (64-bit)"),
            Value::I32(3),
            Value::Str("SQL1"),
            Value::I32(0),
            Value::Str(VERSION),
            Value::Str("master"),
            Value::I16(57),
        ]),
    )
}

#[tokio::test]
async fn logs_in_read_only_with_the_fences_and_reads_the_instance() {
    let server = TdsServer::start(vec![instance_reply()]);
    let mut c = MssqlCollector::new(&target(server.port, "s3cret!"));
    let version = c.ensure_connected().await.unwrap();
    assert_eq!(version, "2022 (16.0.4135.4)");
    let logins = server.logins_seen();
    assert_eq!(logins.len(), 1);
    assert!(logins[0].read_only_intent, "ApplicationIntent=ReadOnly");
    assert_eq!((logins[0].app_name.as_str(), logins[0].user.as_str()), ("logstag", "logstag_monitor"));
    let seen = server.queries_seen().join("\n");
    for fence in [
        "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED",
        "SET DEADLOCK_PRIORITY LOW",
        "SET LOCK_TIMEOUT 500",
    ] {
        assert!(seen.contains(fence), "{fence} missing from:\n{seen}");
    }
    let high = c.collect(Tier::High).await.unwrap();
    let instance =
        high.bodies.iter().find_map(|b| if let SampleBody::Instance(i) = b { Some(i) } else { None });
    assert_eq!(instance.map(|i| i.version.as_str()), Some("16.0.4135.4"));
}

#[tokio::test]
async fn a_wrong_password_fails_without_showing_it() {
    let server = TdsServer::start_with_password(vec![instance_reply()], "right-Password-1");
    let mut c = MssqlCollector::new(&target(server.port, "wrong-Password-2"));
    let err = c.ensure_connected().await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("18456"), "{err}");
    assert!(!err.contains("wrong-Password-2") && !err.contains("right-Password-1"), "{err}");
}

#[tokio::test]
async fn a_statement_that_never_answers_drops_the_connection_and_the_next_round_reconnects() {
    let server = TdsServer::start(vec![instance_reply().delayed(Duration::from_secs(30))]);
    let mut c = MssqlCollector::new(&target(server.port, "pw"));
    let started = std::time::Instant::now();
    let err = c.ensure_connected().await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(started.elapsed() < Duration::from_secs(10), "the query timeout bounds the wait");
    assert!(!err.is_empty());
    // A fresh server that answers: the collector reconnects.
    let healthy = TdsServer::start(vec![instance_reply()]);
    let mut c = MssqlCollector::new(&target(healthy.port, "pw"));
    assert!(c.ensure_connected().await.is_ok());
}
