//! Whole-file tests: the fixtures under `tests/configs/` and `config.example.toml`.

use super::file::{
    RawAgent, RawAlerts, RawCollect, RawForwarding, RawHistory, RawIntervals, RawMeta, RawPrometheus,
    RawTarget, RawTargetAlerts, RawTls, RawUi, field_names,
};
use super::*;
use std::path::PathBuf;

fn fixture(kind: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/configs").join(kind).join(name)
}

fn errors_of(name: &str) -> ConfigErrors {
    match load(&fixture("invalid", name)) {
        Ok(_) => panic!("{name} should not load"),
        Err(e) => e,
    }
}

/// (file, line, column or 0 for "any", dotted key, phrase in the message)
const INVALID: &[(&str, usize, usize, &str, &str)] = &[
    ("unknown_key.toml", 3, 1, "targets.prod.db_hots", "did you mean `db_host`?"),
    ("bad_port.toml", 4, 11, "targets.prod.db_port", "1 to 65535"),
    ("bad_engine.toml", 2, 13, "targets.prod.db_engine", "unknown engine `db2`; accepted: postgresql"),
    ("wrong_type.toml", 3, 27, "agent.high_frequency_interval", "expected an integer, found string"),
    ("missing_host.toml", 4, 10, "targets.prod.db_host", "missing required key"),
    ("bad_tls_mode.toml", 7, 8, "targets.prod.tls.mode", "use verify-full"),
    ("encrypted_secret.toml", 2, 11, "agent.api_key", "the encrypted value is corrupted or was altered"),
    (
        "not_toml.toml",
        2,
        13,
        "",
        "not valid TOML: invalid float, expected `inf` (text values must be in quotes)",
    ),
    ("bad_log_level.toml", 2, 13, "agent.log_level", "error, warn, info, debug, trace"),
    ("bad_log_format.toml", 2, 14, "agent.log_format", "`yaml` is not one of: text, json"),
    ("bad_redis_db.toml", 5, 11, "targets.cache.db_name", "\"0\" to \"15\""),
    (
        "negative_interval.toml",
        7,
        29,
        "targets.prod.intervals.medium_frequency_interval",
        "0 (off) or 1 to 604800",
    ),
    ("unknown_table.toml", 1, 2, "agnet", "did you mean `agent`?"),
    ("bad_refresh.toml", 2, 20, "ui.refresh_interval", "1 to 3600 (seconds), found 0"),
    ("bad_prometheus_listen.toml", 3, 10, "prometheus.listen", "write IP:PORT"),
    (
        "bad_prometheus_top_statements.toml",
        3,
        18,
        "prometheus.top_statements",
        "0 to 50 (statements per target), found 500",
    ),
    ("bad_log_max_bytes.toml", 2, 17, "agent.log_max_bytes", "4096 to 1099511627776"),
];

#[test]
fn each_invalid_fixture_names_file_line_and_key() {
    for (file, line, column, key, phrase) in INVALID {
        let errors = errors_of(file);
        assert_eq!(errors.len(), 1, "{file}: {errors}");
        let e = &errors.0[0];
        assert_eq!((e.line, e.column, e.key.as_str()), (*line, *column, *key), "{file}: {e}");
        let text = errors.to_string();
        let prefix = format!("{file}:{line}:{column}: ");
        assert!(text.contains(&prefix), "{file}: `{text}` lacks `{prefix}`");
        assert!(text.contains(phrase), "{file}: `{text}` lacks `{phrase}`");
    }
}

#[test]
fn every_invalid_fixture_is_covered() {
    let dir = fixture("invalid", "");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let covered = INVALID.iter().any(|(f, ..)| *f == name) || name == "many_errors.toml";
        assert!(covered, "{name} has no expectation in INVALID");
    }
}

#[test]
fn all_problems_of_a_file_are_reported_in_file_order() {
    let errors = errors_of("many_errors.toml");
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.key.as_str())).collect();
    assert_eq!(
        found,
        [
            (3, "agent.log_levle"),
            (4, "agent.high_frequency_interval"),
            (9, "targets.a.db_port"),
            (10, "targets.a.colour"),
            (15, "targets.b.db_port"),
            (16, "targets.b.db_password"),
            (19, "targets.b.tls.mode"),
        ],
        "{errors}"
    );
    // A wrongly typed port is not reported as missing as well.
    assert_eq!(errors.iter().filter(|e| e.key == "targets.a.db_port").count(), 1);
    assert!(!errors.to_string().contains("1234567"), "a password leaked: {errors}");
}

#[test]
fn each_valid_fixture_loads() {
    for entry in std::fs::read_dir(fixture("valid", "")).unwrap() {
        let path = entry.unwrap().path();
        if let Err(e) = load(&path) {
            panic!("{} should load:\n{e}", path.display());
        }
    }
}

#[test]
fn agent_config_with_unsupported_engines_parses() {
    let config = load(&fixture("valid", "agent_keys_only.toml")).unwrap();
    let names: Vec<&str> = config.targets.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["production-postgres", "analytics-mssql", "cache"], "file order is kept");
    let mssql = &config.targets[1];
    assert_eq!(
        (mssql.engine, mssql.port, mssql.platform.as_str()),
        (crate::collectors::registry::by_config_name("mssql").map(|s| s.kind).unwrap(), 1433, "aws-rds")
    );
    assert_eq!(mssql.cloud.region.as_deref(), Some("eu-west-1"));
    assert_eq!(mssql.cloud.secret_key.as_ref().map(Secret::expose), Some("secret"));
    assert_eq!(config.targets[2].engine, crate::collectors::redis::spec::REDIS.kind);
    assert_eq!(config.targets[2].database, "0");
    assert_eq!(config.agent.intervals.schema, None, "0 turns the tier off");
    assert_eq!(config.agent.startup_warmup_delay, Duration::from_secs(30));
    assert_eq!(config.agent.api_key.as_ref().map(Secret::expose), Some("0123456789abcdef0123456789abcdef"));
    assert_eq!(config.source.as_deref(), Some(fixture("valid", "agent_keys_only.toml").as_path()));
}

#[test]
fn overrides_are_merged_into_targets() {
    let config = load(&fixture("valid", "overrides.toml")).unwrap();
    assert_eq!(config.history.retention, Duration::from_secs(72 * 3600));
    assert_eq!(config.history.prune_interval, HistoryConfig::default().prune_interval);
    assert_eq!(config.ui.refresh, Duration::from_secs(1));
    let socket = &config.targets[0];
    assert_eq!((socket.host.as_str(), socket.tls.mode), ("/var/run/postgresql", TlsMode::Disable));
    assert_eq!(socket.database, "", "PostgreSQL collector picks its own default");
    let remote = &config.targets[1];
    assert_eq!(remote.tls.mode, TlsMode::VerifyFull);
    assert_eq!(remote.tls.ca_file.as_deref(), Some(Path::new("/etc/ssl/internal.pem")));
    assert_eq!(remote.intervals.high, Some(Duration::from_secs(5)));
    assert_eq!(remote.intervals.medium, Some(Duration::from_secs(60)), "agent value kept");
    assert_eq!(remote.intervals.schema, None);
    assert_eq!(remote.tags, ["prod", "eu"]);
    assert_eq!(remote.query_timeout, Duration::from_secs(3));
    assert_eq!(remote.connect_timeout, Duration::from_secs(10));
    assert_eq!(socket.tls.mode, TlsMode::Disable);
}

fn example_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml")).unwrap()
}

#[test]
fn example_config_documents_the_defaults() {
    let config = parse_str(&example_text(), Path::new("config.example.toml")).unwrap();
    let defaults = Config::default();
    assert_eq!(config.agent, defaults.agent);
    assert_eq!(config.history, defaults.history);
    assert_eq!(config.ui, defaults.ui);
    assert_eq!(config.collect, defaults.collect);
    assert_eq!(config.alerts, defaults.alerts);
    assert_eq!(config.prometheus, defaults.prometheus);
    assert_eq!(config.forwarding, defaults.forwarding);
    let target = &config.targets[0];
    assert_eq!(
        (target.name.as_str(), target.engine, target.port),
        ("production-postgres", crate::collectors::postgres::spec::SPEC.kind, 5432)
    );
    assert_eq!(target.tls, TlsConfig::default());
    assert_eq!(target.intervals, Intervals::default());
    let cache = &config.targets[1];
    assert_eq!(
        (cache.name.as_str(), cache.engine, cache.port),
        ("cache", crate::collectors::redis::spec::REDIS.kind, 6379)
    );
    assert_eq!(
        crate::collectors::redis::sampler::KeyspaceSampling::from_options(&cache.options),
        crate::collectors::redis::sampler::KeyspaceSampling::default()
    );
}

#[test]
fn example_config_still_parses_with_every_commented_key_enabled() {
    let uncommented: String = example_text()
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if rest.split_once(" = ").is_some_and(|(k, _)| !k.contains(' ')) => rest,
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(uncommented.contains("\ncloud_project_id = "));
    let config = parse_str(&uncommented, Path::new("x.toml")).unwrap();
    assert!(config.agent.api_key.is_some() && config.targets[0].cloud.secret_key.is_some());
    assert_eq!(config.agent.log_file, LogOutput::File("/var/log/logstag-agent/agent.log".into()));
    assert_eq!(config.prometheus.listen, Some(std::net::SocketAddr::from(([127, 0, 0, 1], 9187))));
    let overrides = &config.alerts.targets["production-postgres"];
    assert_eq!(overrides.disable, ["pg.deadlocks", "pg.statements_unavailable"]);
    assert_eq!(overrides.thresholds["pg.idle_in_transaction"][&crate::model::Severity::High], 120.0);
}

#[test]
fn example_config_mentions_every_key() {
    let text = example_text();
    let engine_option_keys: Vec<&str> = crate::collectors::registry::ENGINES
        .iter()
        .flat_map(|e| e.options.iter().flat_map(|t| t.keys.iter().map(|k| k.name)))
        .collect();
    let tables: [&[&str]; 13] = [
        field_names::<RawAgent>(),
        field_names::<RawTarget>(),
        field_names::<RawTls>(),
        field_names::<RawIntervals>(),
        field_names::<RawMeta>(),
        field_names::<RawHistory>(),
        field_names::<RawUi>(),
        field_names::<RawCollect>(),
        field_names::<RawAlerts>(),
        field_names::<RawTargetAlerts>(),
        field_names::<RawPrometheus>(),
        &engine_option_keys,
        field_names::<RawForwarding>(),
    ];
    for key in tables.iter().flat_map(|t| t.iter()) {
        assert!(text.contains(&format!("{key} = ")), "config.example.toml does not document `{key}`");
    }
}

#[test]
fn errors_about_a_target_never_show_its_password() {
    let text = "[targets.t]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 99999\n\
                db_password = \"hunter2\"\ndb_passwrd = \"hunter2\"\n";
    let errors = parse_str(text, Path::new("p.toml")).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors}");
    assert!(!format!("{errors} {errors:?}").contains("hunter2"));
}

#[test]
fn key_in_the_wrong_table_says_where_it_belongs() {
    let text =
        "[targets.t]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\nquery_timeout = 3\n";
    let errors = parse_str(text, Path::new("w.toml")).unwrap_err();
    assert_eq!(
        errors.to_string(),
        "w.toml:5:1: targets.t.query_timeout: unknown key here; it belongs in [collect]"
    );
}

#[test]
fn empty_target_name_is_refused() {
    let text = "[targets.\"\"]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n";
    let errors = parse_str(text, Path::new("n.toml")).unwrap_err();
    assert!(errors.to_string().contains("must not be empty"), "{errors}");
}

#[test]
fn missing_file_is_one_error_naming_the_path() {
    let errors = load(Path::new("/nonexistent/logstag.toml")).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors.to_string().starts_with("/nonexistent/logstag.toml:1:1: cannot read"), "{errors}");
}

#[test]
fn empty_file_is_all_defaults() {
    let config = parse_str("", Path::new("empty.toml")).unwrap();
    assert_eq!(Config { source: None, ..config }, Config::default());
}

#[test]
fn misplaced_values_are_reported() {
    let text = "agent = 1\n[targets]\nx = \"y\"\n[history]\npath = 5\n";
    let errors = parse_str(text, Path::new("m.toml")).unwrap_err();
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.key.as_str())).collect();
    assert_eq!(found, [(1, "agent"), (3, "targets.x"), (5, "history.path")], "{errors}");
    assert!(errors.0[0].message.contains("expected a table, found an integer"), "{errors}");
}

#[test]
fn default_history_path_follows_xdg() {
    let path = default_history_path();
    if std::env::var_os("XDG_STATE_HOME").is_none() && std::env::var_os("HOME").is_some() {
        let path = path.unwrap();
        assert!(path.ends_with(".local/state/logstag/history.sqlite3"), "{}", path.display());
    }
}

#[test]
#[ignore = "prints the report, for eyeballing"]
fn show_many_errors() {
    for f in ["many_errors.toml", "unknown_key.toml", "not_toml.toml", "wrong_type.toml", "missing_host.toml"]
    {
        println!("{}", errors_of(f));
    }
}

#[test]
fn alert_overrides_are_read_and_bad_severities_reported() {
    let text = "[alerts]\nbell = true\n[targets.t]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n\
                [targets.t.alerts]\ndisable = [\"pg.deadlocks\"]\n\
                [targets.t.alerts.thresholds.\"pg.idle_in_transaction\"]\nhigh = 120\n";
    let config = parse_str(text, Path::new("a.toml")).unwrap();
    assert!(config.alerts.bell);
    assert_eq!(config.alerts.targets["t"].disable, ["pg.deadlocks"]);
    let bad = text.replace("high = 120", "urgent = 1");
    let errors = parse_str(&bad, Path::new("a.toml")).unwrap_err();
    assert!(errors.to_string().contains("urgent: unknown severity"), "{errors}");
    let typo = text.replace("disable =", "disabel =");
    assert!(
        parse_str(&typo, Path::new("a.toml")).unwrap_err().to_string().contains("did you mean `disable`")
    );
}

#[test]
fn agent_log_keys_are_read() {
    let text = "[agent]\nlog_file = \"-\"\nlog_max_bytes = 1048576\nlog_retention_hours = 24\n";
    let config = parse_str(text, Path::new("l.toml")).unwrap();
    assert_eq!(config.agent.log_file, LogOutput::Stderr);
    assert_eq!(config.agent.log_max_bytes, 1_048_576);
    assert_eq!(config.agent.log_retention, std::time::Duration::from_secs(24 * 3600));
    let empty = parse_str("[agent]\nlog_file = \"\"\n", Path::new("l.toml")).unwrap_err();
    assert!(empty.to_string().contains("agent.log_file: must not be empty"), "{empty}");
}

#[test]
fn prometheus_listen_takes_ipv4_and_ipv6_addresses() {
    let v6 = parse_str("[prometheus]\nlisten = \"[::1]:9187\"\n", Path::new("p.toml")).unwrap();
    assert_eq!(v6.prometheus.listen.map(|a| a.port()), Some(9187));
    let host = parse_str("[prometheus]\nlisten = \"localhost:9187\"\n", Path::new("p.toml")).unwrap_err();
    assert!(host.to_string().starts_with("p.toml:2:10: prometheus.listen:"), "{host}");
}
