//! Every check on hand-built inputs: a healthy MariaDB primary, a server with every
//! problem, nothing collected; the edges are in `tests_edges.rs`.

use super::{CHECKS, fact};
use crate::collectors::mysql::metric as my;
use crate::health::{HealthInput, evaluate_with};
use crate::model::*;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const MIB: u64 = 1024 * 1024;
pub const GIB: u64 = 1024 * MIB;

pub fn setting(name: &str, value: &str) -> Setting {
    Setting { name: name.into(), value: value.into(), unit: String::new(), source: "global".into() }
}

pub fn pf(name: &str, key: &str, value: &str) -> PostureFact {
    PostureFact { name: name.into(), key: key.into(), value: value.into() }
}

/// The five facts of one account, as the low tier emits them.
pub fn account(
    key: &str,
    plugin: &str,
    no_password: bool,
    locked: bool,
    privileges: u64,
    admin: &str,
) -> Vec<PostureFact> {
    vec![
        pf(fact::ACCOUNT_PLUGIN, key, plugin),
        pf(fact::ACCOUNT_NO_PASSWORD, key, &no_password.to_string()),
        pf(fact::ACCOUNT_LOCKED, key, &locked.to_string()),
        pf(fact::ACCOUNT_PRIVILEGES, key, &privileges.to_string()),
        pf(fact::ACCOUNT_ADMIN, key, admin),
    ]
}

pub fn status(counters: &[(&str, f64)]) -> Vec<PostureFact> {
    counters.iter().map(|(k, v)| pf(fact::STATUS, k, &v.to_string())).collect()
}

pub fn metrics(points: &[(&str, &str, f64)]) -> BTreeMap<(String, String), f64> {
    points.iter().map(|(n, k, v)| (((*n).to_owned(), (*k).to_owned()), *v)).collect()
}

pub fn session(
    id: i64,
    state: SessionState,
    query_s: Option<u64>,
    xact_s: Option<u64>,
    blocked_by: Vec<i64>,
) -> Session {
    Session {
        id,
        user: "app".into(),
        database: "shop".into(),
        application: String::new(),
        client: "10.0.0.9".into(),
        state,
        native_state: String::new(),
        wait: None,
        query: "UPDATE orders SET state = ? WHERE id = ?".into(),
        query_ms: query_s.map(|s| s * 1000),
        xact_ms: xact_s.map(|s| s * 1000),
        backend_ms: None,
        state_ms: query_s.map(|s| s * 1000),
        blocked_by,
        extra: vec![],
    }
}

fn index(
    name: &str,
    scans: Option<u64>,
    unused: bool,
    duplicate_of: Option<&str>,
    redundant_with: Option<&str>,
) -> IndexInfo {
    IndexInfo {
        name: name.into(),
        columns: vec!["customer_id".into()],
        size_bytes: 64 * MIB,
        scans,
        valid: true,
        unused,
        duplicate_of: duplicate_of.map(Into::into),
        redundant_with: redundant_with.map(Into::into),
        ..Default::default()
    }
}

/// The `shop` schema: fine, or with every schema problem at once.
pub fn schema(good: bool) -> SchemaSnapshot {
    let orders = TableInfo {
        name: "orders".into(),
        total_bytes: 3 * GIB,
        has_primary_key: true,
        storage_engine: "InnoDB".into(),
        bloat_bytes: Some(if good { 4 * MIB } else { 2 * GIB }),
        indexes: if good {
            vec![
                index("PRIMARY", Some(9_000), false, None, None),
                index("ix_customer", Some(300), false, None, None),
            ]
        } else {
            vec![
                index("ix_customer", Some(0), true, None, None),
                index("ix_customer_2", Some(0), false, Some("ix_customer"), None),
                index("ix_cust", Some(5), false, None, Some("ix_customer_date")),
            ]
        },
        foreign_keys: vec![ForeignKeyInfo {
            name: "fk_orders_customer".into(),
            columns: vec!["customer_id".into()],
            references: "shop.customers".into(),
            referenced_columns: vec!["id".into()],
            has_index: good,
        }],
        ..Default::default()
    };
    let log = TableInfo {
        name: "audit_log".into(),
        has_primary_key: good,
        total_bytes: MIB,
        storage_engine: if good { "InnoDB" } else { "MyISAM" }.into(),
        ..Default::default()
    };
    let id = SequenceInfo {
        name: "orders.id".into(),
        data_type: "int".into(),
        last_value: Some(if good { 200_000_000 } else { 2_100_000_000 }),
        max_value: 2_147_483_647,
        increment: 1,
        pct_used: Some(if good { 9.3 } else { 97.8 }),
    };
    SchemaSnapshot {
        databases: vec![DatabaseSchema {
            name: "shop".into(),
            size_bytes: Some(3 * GIB),
            schemas: vec![SchemaInfo {
                name: "shop".into(),
                tables: vec![orders, log],
                sequences: vec![id],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

/// A healthy MariaDB primary, or (`good` false) a MariaDB primary with every problem.
pub fn input(good: bool) -> HealthInput {
    let g = |ok: &str, bad: &str| if good { ok.to_owned() } else { bad.to_owned() };
    let gv = |ok: f64, bad: f64| if good { ok } else { bad };
    let settings = vec![
        setting("version", "10.11.6-MariaDB-log"),
        setting("innodb_flush_log_at_trx_commit", &g("1", "2")),
        setting("sync_binlog", &g("1", "0")),
        setting("log_bin", "ON"),
        setting("binlog_format", "ROW"),
        setting("binlog_expire_logs_seconds", &g("604800", "0")),
        setting("expire_logs_days", &g("7.000000", "0.000000")),
        setting("performance_schema", &g("ON", "OFF")),
        setting("slow_query_log", &g("ON", "OFF")),
        setting("long_query_time", "1.000000"),
        setting("query_cache_type", &g("OFF", "ON")),
        setting("query_cache_size", &g("0", &(64 * MIB).to_string())),
        setting("innodb_file_per_table", &g("ON", "OFF")),
        setting("sql_mode", &g("STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO", "NO_ENGINE_SUBSTITUTION")),
        setting("innodb_log_file_size", &g(&GIB.to_string(), &(48 * MIB).to_string())),
        setting("innodb_buffer_pool_size", &g(&(8 * GIB).to_string(), &(128 * MIB).to_string())),
        setting("local_infile", &g("OFF", "ON")),
        setting("secure_file_priv", &g("/var/lib/mysql-files/", "")),
        setting("have_ssl", &g("YES", "DISABLED")),
        setting("require_secure_transport", &g("ON", "OFF")),
        setting("bind_address", &g("0.0.0.0", "")),
        setting("skip_networking", "OFF"),
    ];
    let mut posture = Vec::new();
    posture.extend(account(
        "root@localhost",
        "mysql_native_password or unix_socket",
        false,
        false,
        38,
        "CREATE USER,FILE,SHUTDOWN,SUPER,GRANT OPTION",
    ));
    posture.extend(account("mariadb.sys@localhost", "mysql_native_password", true, true, 0, ""));
    posture.extend(account("monitor@10.0.0.5", "mysql_native_password", false, false, 3, ""));
    if good {
        posture.extend(account("app@10.0.%", "mysql_native_password", false, false, 0, ""));
    } else {
        posture.extend(account("@%", "mysql_native_password", true, false, 0, ""));
        posture.extend(account("app@%", "mysql_native_password", true, false, 30, "FILE,SUPER"));
        posture.extend(account("root@%", "mysql_native_password", false, false, 38, "SUPER,GRANT OPTION"));
        posture.extend(account("legacy@localhost", "mysql_old_password", false, false, 0, ""));
    }
    posture.extend(status(&[
        ("uptime", 864_000.0),
        ("innodb_buffer_pool_read_requests", 1e9),
        ("innodb_buffer_pool_reads", gv(1e6, 3e8)),
        ("created_tmp_tables", 10_000.0),
        ("created_tmp_disk_tables", gv(200.0, 6_000.0)),
        ("connections", 50_000.0),
        ("aborted_connects", gv(12.0, 20_000.0)),
        ("innodb_row_lock_waits", 1_000.0),
        ("innodb_row_lock_time", gv(20_000.0, 10_000_000.0)),
        ("innodb_deadlocks", gv(5.0, 20_000.0)),
    ]));
    let sessions = if good {
        vec![
            session(11, SessionState::Active, Some(2), Some(2), vec![]),
            session(12, SessionState::IdleInTransaction, None, Some(10), vec![]),
        ]
    } else {
        vec![
            session(11, SessionState::Active, Some(4_000), Some(7_200), vec![]),
            session(12, SessionState::WaitingForLock, Some(60), Some(60), vec![11]),
        ]
    };
    HealthInput {
        target: TargetId("shop".into()),
        at: Timestamp(1_800_000_000_000),
        instance: Some(InstanceInfo {
            max_connections: Some(500),
            connections: if good { 40 } else { 490 },
            product: "MariaDB".into(),
            ..Default::default()
        }),
        activity: Some(Arc::new(ActivitySnapshot { sessions, locks: vec![] })),
        settings: Some(settings),
        posture: Some(posture),
        replication: Some(Replication::default()),
        schema: Some(Arc::new(schema(good))),
        metrics: metrics(&[
            (my::THREADS_RUNNING, "", gv(4.0, 150.0)),
            (my::HISTORY_LIST_LENGTH, "", gv(1_200.0, 2_000_000.0)),
            (my::CONNECTIONS_PEAK_PCT, "", gv(30.0, 100.0)),
            (my::REDO_BYTES_PER_S, "", gv(512.0 * 1024.0, MIB as f64)),
            (my::CHECKPOINT_AGE_PCT, "", gv(20.0, 90.0)),
            (metric::CACHE_HIT_PCT, "", gv(99.5, 70.0)),
        ]),
        ..Default::default()
    }
}

pub fn run(input: &HealthInput, id: &str) -> (CheckStatus, String) {
    crate::health::testing::run(CHECKS, input, id)
}

#[test]
fn catalogue_ids_are_unique_and_cover_the_areas() {
    crate::health::testing::assert_catalogue(CHECKS, "mysql.", 22, "mariadb");
}

#[test]
fn every_check_is_healthy_on_a_healthy_server() {
    let not_applicable =
        [("mysql.replication_threads", "not a replica"), ("mysql.replication_lag", "not a replica")];
    for c in evaluate_with(CHECKS, &input(true)).checks {
        if let Some((_, why)) = not_applicable.iter().find(|(id, _)| *id == c.id) {
            assert!(
                matches!(&c.status, CheckStatus::NotEvaluated(r) if r.contains(why)),
                "{}: {:?}",
                c.id,
                c.status
            );
            continue;
        }
        assert_eq!(c.status, CheckStatus::Healthy, "{}: {}", c.id, c.evidence);
    }
}

#[test]
fn every_check_flags_a_bad_server() {
    use CheckStatus::{Attention, Critical};
    let report = evaluate_with(CHECKS, &input(false));
    let gap = |why: &str| CheckStatus::NotEvaluated(why.to_owned());
    let expected = [
        ("mysql.accounts_without_password", Critical),
        ("mysql.anonymous_accounts", Critical),
        ("mysql.privileged_any_host", Critical),
        ("mysql.admin_accounts", Attention),
        ("mysql.root_remote", Critical),
        ("mysql.auth_plugins", Critical),
        ("mysql.local_infile", Attention),
        ("mysql.secure_file_priv", Attention),
        ("mysql.tls", Critical),
        ("mysql.flush_log_at_trx_commit", Attention),
        ("mysql.sync_binlog", Attention),
        ("mysql.binary_log", CheckStatus::Healthy),
        ("mysql.binlog_expiry", Attention),
        ("mysql.performance_schema", Attention),
        ("mysql.slow_query_log", Attention),
        ("mysql.query_cache", Attention),
        ("mysql.file_per_table", Attention),
        ("mysql.sql_mode", Attention),
        ("mysql.redo_log_size", Critical),
        ("mysql.buffer_pool_size", Attention),
        ("mysql.buffer_pool_hit", Critical),
        ("mysql.tmp_disk_tables", Critical),
        ("mysql.connection_usage", Critical),
        ("mysql.threads_running", Critical),
        ("mysql.row_lock_waits", Critical),
        ("mysql.history_list_length", Critical),
        ("mysql.aborted_connects", Critical),
        ("mysql.long_running_queries", Critical),
        ("mysql.blocked_threads", Critical),
        ("mysql.long_transactions", Critical),
        ("mysql.replication_threads", gap("not applicable: this server is not a replica")),
        ("mysql.replication_lag", gap("not applicable: this server is not a replica")),
        ("mysql.deadlocks", Critical),
        ("mysql.tables_without_pk", Attention),
        ("mysql.non_transactional_tables", Attention),
        ("mysql.unused_indexes", Attention),
        ("mysql.duplicate_indexes", Attention),
        ("mysql.redundant_indexes", Attention),
        ("mysql.fk_without_index", Attention),
        ("mysql.auto_increment_exhaustion", Critical),
        ("mysql.fragmented_tables", Critical),
    ];
    assert_eq!(expected.len(), CHECKS.len(), "every check has an expectation");
    for (id, want) in expected {
        let got = report.checks.iter().find(|c| c.id == id);
        assert_eq!(got.map(|c| &c.status), Some(&want), "{id}: {:?}", got.map(|c| &c.evidence));
    }
    let e = |id: &str| run(&input(false), id).1;
    assert!(e("mysql.accounts_without_password").contains("'app'@'%'"), "anonymous is its own check");
    assert!(!e("mysql.accounts_without_password").contains("''@'%'"));
    assert!(!e("mysql.accounts_without_password").contains("mariadb.sys"), "locked accounts cannot log in");
    assert!(
        e("mysql.privileged_any_host").contains("'app'@'%' (FILE, SUPER)"),
        "{}",
        e("mysql.privileged_any_host")
    );
    assert!(!e("mysql.admin_accounts").contains("'root'@'localhost'"), "{}", e("mysql.admin_accounts"));
    assert!(e("mysql.blocked_threads").contains("thread 12 behind 11"), "{}", e("mysql.blocked_threads"));
    assert!(
        e("mysql.auto_increment_exhaustion").contains("shop.orders.id 98 %"),
        "{}",
        e("mysql.auto_increment_exhaustion")
    );
    assert!(e("mysql.tmp_disk_tables").contains("60.0 % of 10000"), "{}", e("mysql.tmp_disk_tables"));
    assert!(e("mysql.redo_log_size").contains("48.0 MiB"), "{}", e("mysql.redo_log_size"));
    assert!(
        e("mysql.non_transactional_tables").ends_with("— shop.audit_log (MyISAM)"),
        "{}",
        e("mysql.non_transactional_tables")
    );
}

#[test]
fn nothing_collected_is_never_healthy() {
    let report = evaluate_with(CHECKS, &HealthInput::default());
    for c in &report.checks {
        assert!(
            matches!(&c.status, CheckStatus::NotEvaluated(r) if !r.is_empty()),
            "{}: {:?}",
            c.id,
            c.status
        );
    }
    assert_eq!(report.overall, None);
}
