//! The client side the MongoDB wire tests share: a target pointing at the mock, and the
//! check that every command the mock saw was one the collector may send.

use super::MongoServer;
use logstag::collectors::mongodb::{commands, spec};
use logstag::config::{EngineOptions, Intervals, Secret, TargetConfig, TlsConfig, TlsMode};
use logstag::model::EngineKind;
use std::time::Duration;

/// What the driver sends on its own: the login, cursor upkeep, session cleanup.
const DRIVER_OWN: &[&str] = &["saslStart", "saslContinue", "getMore", "killCursors", "endSessions"];

/// A MongoDB target on the mock's port (no TLS: the mock speaks none).
pub fn mongo_target(port: u16, user: &str, password: &str, database: &str) -> TargetConfig {
    TargetConfig {
        name: format!("mongo-mock-{port}"),
        engine: EngineKind::new("mongodb"),
        host: "127.0.0.1".to_owned(),
        port,
        username: user.to_owned(),
        password: Secret::new(password),
        database: database.to_owned(),
        platform: "self-hosted".to_owned(),
        tls: TlsConfig { mode: TlsMode::Disable, ca_file: None },
        intervals: Intervals::default(),
        tags: vec![],
        connect_timeout: Duration::from_secs(2),
        query_timeout: Duration::from_secs(2),
        lock_timeout: Duration::from_millis(500),
        cloud: Default::default(),
        options: EngineOptions::defaults(spec::OPTIONS),
    }
}

/// Every command the mock saw, but the driver's own, passes `commands::check`.
pub fn assert_all_allowed(server: &MongoServer) {
    let seen = server.commands_seen();
    assert!(!seen.is_empty());
    for command in seen.iter().filter(|c| !DRIVER_OWN.contains(&commands::name(c))) {
        assert!(commands::check(command).is_ok(), "not allowed: {command}");
    }
}
