use super::*;
use std::collections::HashMap;
use std::time::Duration;

fn parse_with(url: &str, vars: &[(&str, &str)]) -> Result<TargetConfig, ConfigError> {
    let vars: HashMap<String, String> =
        vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    target_from_url_with_env(url, &Config::default(), &|name| vars.get(name).cloned())
}

fn parse(url: &str) -> TargetConfig {
    parse_with(url, &[("USER", "alice")]).unwrap()
}

#[test]
fn full_postgres_url() {
    let t =
        parse("postgresql://bob:pa%40ss@db.example.com:5433/app%20db?sslmode=verify-full&sslrootcert=/x.pem");
    assert_eq!(t.engine, crate::collectors::postgres::spec::SPEC.kind);
    assert_eq!((t.host.as_str(), t.port, t.username.as_str()), ("db.example.com", 5433, "bob"));
    assert_eq!(t.password.expose(), "pa@ss");
    assert_eq!(t.database, "app db");
    assert_eq!(t.tls, TlsConfig { mode: TlsMode::VerifyFull, ca_file: Some(PathBuf::from("/x.pem")) });
    assert_eq!(t.name, "db.example.com:5433/app db");
    assert!(!format!("{t:?}").contains("pa@ss"));
}

#[test]
fn short_forms_default_like_libpq() {
    let t = parse("postgres://host/db");
    assert_eq!((t.port, t.username.as_str(), t.database.as_str()), (5432, "alice", "db"));
    assert_eq!(t.tls.mode, TlsMode::Prefer);
    // The database defaults to the user name.
    let t = parse("postgresql://");
    assert_eq!(
        (t.host.as_str(), t.database.as_str(), t.name.as_str()),
        ("localhost", "alice", "localhost:5432/alice")
    );
}

#[test]
fn unix_socket_directory_as_host() {
    let t = parse("postgresql:///db?host=/var/run/postgresql");
    assert_eq!((t.host.as_str(), t.database.as_str()), ("/var/run/postgresql", "db"));
    assert_eq!(t.name, "/var/run/postgresql:5432/db");
    let t = parse("postgresql://%2Ftmp/db");
    assert_eq!(t.host, "/tmp");
}

#[test]
fn ipv6_hosts() {
    let t = parse("postgresql://[::1]:6000/db");
    assert_eq!((t.host.as_str(), t.port, t.name.as_str()), ("::1", 6000, "[::1]:6000/db"));
    assert_eq!(parse("postgresql://[fe80::1]/db").port, 5432);
    assert!(parse_with("postgresql://::1:5432/db", &[]).unwrap_err().message.contains("brackets"));
}

#[test]
fn libpq_environment_fills_the_gaps() {
    let env = [
        ("PGHOST", "envhost"),
        ("PGPORT", "6543"),
        ("PGUSER", "envuser"),
        ("PGPASSWORD", "envpass"),
        ("PGDATABASE", "envdb"),
        ("PGSSLMODE", "require"),
        ("PGSSLROOTCERT", "/env.pem"),
        ("USER", "alice"),
    ];
    let t = parse_with("postgresql://", &env).unwrap();
    assert_eq!((t.host.as_str(), t.port, t.username.as_str()), ("envhost", 6543, "envuser"));
    assert_eq!((t.password.expose(), t.database.as_str()), ("envpass", "envdb"));
    assert_eq!(t.tls, TlsConfig { mode: TlsMode::Require, ca_file: Some(PathBuf::from("/env.pem")) });
    // The URL wins over the environment.
    let t = parse_with("postgresql://u@h:1/d?sslmode=disable", &env).unwrap();
    assert_eq!((t.host.as_str(), t.port, t.username.as_str(), t.database.as_str()), ("h", 1, "u", "d"));
    assert_eq!(t.tls.mode, TlsMode::Disable);
    assert!(parse_with("postgresql://", &[("PGPORT", "x")]).unwrap_err().message.contains("PGPORT"));
}

#[test]
fn sslmode_aliases() {
    assert_eq!(parse("postgresql://h/d?sslmode=allow").tls.mode, TlsMode::Prefer);
    assert_eq!(parse("postgresql://h/d?sslmode=verify-ca").tls.mode, TlsMode::VerifyFull);
    assert_eq!(parse("postgresql://h/d?sslrootcert=system").tls.ca_file, None);
    assert!(parse_with("postgresql://h/d?sslmode=on", &[]).unwrap_err().message.contains("sslmode `on`"));
}

#[test]
fn other_engines_use_registry_ports() {
    let t = parse("redis://:secret@cache:6380/2");
    assert_eq!(
        (t.engine, t.port, t.username.as_str(), t.database.as_str()),
        (crate::collectors::redis::spec::REDIS.kind, 6380, "", "2")
    );
    assert_eq!((t.password.expose(), t.tls.mode), ("secret", TlsMode::Disable));
    let t = parse("rediss://cache");
    assert_eq!((t.port, t.tls.mode, t.database.as_str()), (6379, TlsMode::VerifyFull, ""));
    assert_eq!(parse("valkey://v").engine, crate::collectors::redis::spec::VALKEY.kind);
    let t = parse("valkeys://monitor:p%40ss@v:6390/15");
    assert_eq!(
        (t.engine, t.port, t.tls.mode),
        (crate::collectors::redis::spec::VALKEY.kind, 6390, TlsMode::VerifyFull)
    );
    assert_eq!((t.username.as_str(), t.password.expose(), t.name.as_str()), ("monitor", "p@ss", "v:6390/15"));
    assert!(!format!("{t:?} {}", t.endpoint()).contains("p@ss"));
    let t = parse("mssql://sa:pw@sql/master");
    assert_eq!(
        (t.engine, t.port, t.username.as_str()),
        (crate::collectors::registry::by_config_name("mssql").map(|s| s.kind).unwrap(), 1433, "sa")
    );
    let t = parse("mongodb://m/admin?authSource=admin&tls=true");
    assert_eq!(
        (t.engine, t.port, t.tls.mode),
        (
            crate::collectors::registry::by_config_name("mongodb").map(|s| s.kind).unwrap(),
            27017,
            TlsMode::VerifyFull
        )
    );
    assert!(parse_with("redis://h/16", &[]).unwrap_err().message.contains("0 to 15"));
}

#[test]
fn intervals_and_timeouts_come_from_the_base_config() {
    let mut base = Config::default();
    base.agent.intervals.high = None;
    base.collect.query_timeout = Duration::from_secs(9);
    let t = target_from_url_with_env("postgresql://h/d", &base, &|_| None).unwrap();
    assert_eq!((t.intervals.high, t.query_timeout), (None, Duration::from_secs(9)));
    let t = target_from_url_with_env("postgresql://h/d?connect_timeout=3", &base, &|_| None).unwrap();
    assert_eq!(t.connect_timeout, Duration::from_secs(3));
}

#[test]
fn bad_urls_are_explained_without_the_password() {
    let cases = [
        ("db2://u:hunter2@h/d", "unknown URL scheme `db2`"),
        ("localhost:5432", "not a connection URL"),
        ("postgresql://u:hunter2@h:99999/d", "1 to 65535"),
        ("postgresql://u:hunter2@h:0/d", "1 to 65535"),
        ("postgresql://u:hunter2@h/d?sslmod=require", "unsupported URL parameter `sslmod`"),
        ("postgresql://u:hunt%2@h/d", "percent-encoding in the password"),
        ("postgresql://u:hunter2@a,b/d", "several hosts"),
        ("postgresql://u:hunter2@[::1/d", "unclosed"),
        ("postgresql://u:hunter2/x@h/d", "percent-encode"),
        ("postgresql://u:hun?ter2@h/d", "%3F"),
        ("redis://:hun?ter2@h:6379", "%3F"),
        ("postgresql://u:x@h/hun/ter2@d", "%2F"),
    ];
    for (url, phrase) in cases {
        let e = parse_with(url, &[]).unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("<command line>: url: "), "{text}");
        assert!(text.contains(phrase), "{url}: {text}");
        assert!(!["hunter2", "hunt%2", "ter2"].iter().any(|p| text.contains(p)), "{text}");
        assert_eq!(e.line, 0);
    }
}

#[test]
fn names_are_made_unique() {
    let mut config = Config::default();
    let urls = ["postgresql://h/d", "postgresql://u2@h/d", "postgresql://h/d"].map(String::from);
    config.targets_from_urls(&urls).unwrap();
    let names: Vec<&str> = config.targets.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["h:5432/d", "h:5432/d#2", "h:5432/d#3"]);
    assert!(config.targets_from_urls(&["nope".to_owned()]).is_err());
    assert_eq!(config.targets.len(), 3, "nothing added on error");
}
