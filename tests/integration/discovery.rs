//! `logstag` with no arguments and nothing to find: says what it tried and exits 1.

use std::process::Command;

fn local_postgres_present() -> bool {
    let sockets = ["/var/run/postgresql", "/run/postgresql", "/tmp"].iter().any(|d| {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.filter_map(Result::ok).any(|e| e.file_name().to_string_lossy().starts_with(".s.PGSQL."))
            })
            .unwrap_or(false)
    });
    // A local Redis is discovered too (and then monitored rather than reported missing).
    sockets
        || std::net::TcpStream::connect(("127.0.0.1", 5432)).is_ok()
        || std::net::TcpStream::connect(("127.0.0.1", 6379)).is_ok()
}

#[test]
fn nothing_found_explains_what_was_tried_and_exits_1() {
    if local_postgres_present() {
        eprintln!("skipped: a local PostgreSQL or Redis answers on this machine");
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_logstag"))
        .env_remove("PGHOST")
        .env_remove("PGPORT")
        .env_remove("PGHOSTADDR")
        .env_remove("PGDATABASE")
        .env_remove("PGUSER")
        .env_remove("LOGSTAG_CONFIG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no database server found"), "{stderr}");
    assert!(stderr.contains("/var/run/postgresql"), "{stderr}");
    assert!(stderr.contains("127.0.0.1:5432"), "{stderr}");
    assert!(stderr.contains("postgresql://"), "{stderr}");
}
