//! The edges of the trickier checks: replicas, MySQL vs MariaDB, refused reads, young
//! servers, fallbacks to interval metrics, not-applicable cases.

use super::fact;
use super::tests::{GIB, MIB, account, input, metrics, pf, run, schema, setting, status};
use crate::collectors::mysql::metric as my;
use crate::health::HealthInput;
use crate::model::*;
use std::sync::Arc;

fn set(i: &mut HealthInput, name: &str, value: &str) {
    let settings = i.settings.get_or_insert_with(Vec::new);
    settings.retain(|s| s.name != name);
    settings.push(setting(name, value));
}

fn unset(i: &mut HealthInput, name: &str) {
    if let Some(s) = i.settings.as_mut() {
        s.retain(|s| s.name != name);
    }
}

fn gap(outcome: (CheckStatus, String)) -> String {
    match outcome.0 {
        CheckStatus::NotEvaluated(reason) => reason,
        other => format!("evaluated: {other:?} {}", outcome.1),
    }
}

#[test]
fn replicas_relax_durability_and_report_their_threads() {
    let mut i = input(false);
    i.metrics.extend(metrics(&[
        (my::REPLICA_THREAD_RUNNING, "io", 1.0),
        (my::REPLICA_THREAD_RUNNING, "sql", 0.0),
    ]));
    assert_eq!(run(&i, "mysql.flush_log_at_trx_commit").0, CheckStatus::Healthy, "accepted on a replica");
    assert_eq!(run(&i, "mysql.sync_binlog").0, CheckStatus::Healthy);
    let (status, evidence) = run(&i, "mysql.replication_threads");
    assert_eq!(status, CheckStatus::Critical);
    assert!(evidence.contains("1 of 2") && evidence.contains("sql stopped"), "{evidence}");
    assert!(gap(run(&i, "mysql.replication_lag")).contains("thread is stopped"));
    i.metrics.insert((my::REPLICA_THREAD_RUNNING.into(), "sql".into()), 1.0);
    i.metrics.insert((metric::REPLICATION_LAG_S.into(), String::new()), 120.0);
    assert_eq!(run(&i, "mysql.replication_threads").0, CheckStatus::Healthy);
    assert_eq!(run(&i, "mysql.replication_lag").0, CheckStatus::Attention);
    i.metrics.insert((metric::REPLICATION_LAG_S.into(), String::new()), 900.0);
    assert_eq!(run(&i, "mysql.replication_lag").0, CheckStatus::Critical);
    // A read-only server before the medium tier ran: unknown rather than "not a replica".
    let mut j = input(true);
    j.replication = None;
    if let Some(x) = j.instance.as_mut() {
        x.role = ServerRole::Standby;
    }
    assert!(gap(run(&j, "mysql.replication_threads")).contains("medium tier"));
}

#[test]
fn mysql_flags_native_passwords_mariadb_does_not() {
    let mut i = input(true);
    assert_eq!(run(&i, "mysql.auth_plugins").0, CheckStatus::Healthy);
    set(&mut i, "version", "8.0.36");
    if let Some(x) = i.instance.as_mut() {
        x.product = "MySQL".into();
    }
    let (status, evidence) = run(&i, "mysql.auth_plugins");
    assert_eq!(status, CheckStatus::Attention);
    assert!(evidence.contains("'monitor'@'10.0.0.5'"), "{evidence}");
    // MySQL 8 has no query cache at all: nothing to flag.
    unset(&mut i, "query_cache_type");
    assert_eq!(run(&i, "mysql.query_cache").0, CheckStatus::Healthy);
}

#[test]
fn refused_reads_are_named_as_the_reason() {
    let refused = HealthInput {
        settings: Some(vec![setting("version", "10.11.6-MariaDB")]),
        posture: Some(vec![
            pf(fact::UNAVAILABLE, fact::READ_ACCOUNTS, "accounts: permission denied (SELECT command denied)"),
            pf(fact::UNAVAILABLE, fact::READ_STATUS, "global status: permission denied"),
        ]),
        ..Default::default()
    };
    for id in ["mysql.accounts_without_password", "mysql.root_remote", "mysql.auth_plugins"] {
        assert!(gap(run(&refused, id)).contains("SELECT command denied"), "{id}");
    }
    assert!(gap(run(&refused, "mysql.tmp_disk_tables")).contains("global status: permission denied"));
    assert!(gap(run(&refused, "mysql.local_infile")).contains("does not report local_infile"));
    // Counters refused but the interval metric present: the hit ratio falls back to it.
    let mut i = refused.clone();
    i.metrics = metrics(&[(metric::CACHE_HIT_PCT, "", 91.0)]);
    let (status, evidence) = run(&i, "mysql.buffer_pool_hit");
    assert_eq!(status, CheckStatus::Attention);
    assert!(evidence.contains("last interval"), "{evidence}");
    let cut = HealthInput {
        posture: Some(
            [account("a@%", "x", false, false, 0, ""), vec![pf(fact::ACCOUNTS_TRUNCATED, "", "500")]]
                .concat(),
        ),
        ..Default::default()
    };
    assert!(run(&cut, "mysql.anonymous_accounts").1.contains("first 500 accounts only"));
}

#[test]
fn young_or_quiet_servers_are_not_judged_on_a_handful() {
    let quiet = HealthInput {
        posture: Some(status(&[
            ("uptime", 600.0),
            ("innodb_buffer_pool_read_requests", 900.0),
            ("innodb_buffer_pool_reads", 400.0),
            ("created_tmp_tables", 10.0),
            ("created_tmp_disk_tables", 9.0),
            ("connections", 20.0),
            ("aborted_connects", 10.0),
            ("innodb_row_lock_waits", 3.0),
            ("innodb_row_lock_time", 90_000.0),
            ("innodb_deadlocks", 2.0),
        ])),
        ..Default::default()
    };
    for id in ["mysql.buffer_pool_hit", "mysql.tmp_disk_tables", "mysql.aborted_connects"] {
        assert!(gap(run(&quiet, id)).contains("too few"), "{id}");
    }
    assert_eq!(run(&quiet, "mysql.row_lock_waits").0, CheckStatus::Healthy);
    // Two deadlocks in ten minutes are averaged over a day, not 12 an hour.
    let (status, evidence) = run(&quiet, "mysql.deadlocks");
    assert_eq!(status, CheckStatus::Healthy, "{evidence}");
    assert!(evidence.contains("0.08 per hour") && evidence.contains("0.2 h"), "{evidence}");
}

#[test]
fn tls_depends_on_who_can_reach_the_server() {
    let mut i = input(true);
    set(&mut i, "require_secure_transport", "OFF");
    assert_eq!(run(&i, "mysql.tls").0, CheckStatus::Attention, "available, not required, on the network");
    set(&mut i, "bind_address", "127.0.0.1");
    assert_eq!(run(&i, "mysql.tls").0, CheckStatus::Healthy);
    set(&mut i, "have_ssl", "DISABLED");
    assert_eq!(run(&i, "mysql.tls").0, CheckStatus::Attention, "no TLS but local only");
    set(&mut i, "bind_address", "*");
    set(&mut i, "skip_networking", "ON");
    assert_eq!(run(&i, "mysql.tls").0, CheckStatus::Attention, "socket only");
    set(&mut i, "secure_file_priv", "NULL");
    assert_eq!(run(&i, "mysql.secure_file_priv").0, CheckStatus::Healthy);
    unset(&mut i, "have_ssl");
    unset(&mut i, "require_secure_transport");
    assert!(gap(run(&i, "mysql.tls")).contains("does not report"));
}

#[test]
fn configuration_edges() {
    let mut i = input(true);
    set(&mut i, "log_bin", "OFF");
    assert_eq!(run(&i, "mysql.binary_log").0, CheckStatus::Attention);
    for id in ["mysql.sync_binlog", "mysql.binlog_expiry"] {
        assert!(gap(run(&i, id)).contains("binary log is off"), "{id}");
    }
    set(&mut i, "log_bin", "ON");
    set(&mut i, "binlog_expire_logs_seconds", "0");
    assert_eq!(run(&i, "mysql.binlog_expiry").0, CheckStatus::Healthy, "expire_logs_days 7 still applies");
    set(&mut i, "binlog_expire_logs_auto_purge", "OFF");
    assert_eq!(run(&i, "mysql.binlog_expiry").0, CheckStatus::Attention);
    // Redo: the checkpoint age alone is enough; the MySQL 8.0.30 capacity wins over files.
    i.metrics.remove(&(my::REDO_BYTES_PER_S.into(), String::new()));
    i.metrics.insert((my::CHECKPOINT_AGE_PCT.into(), String::new()), 80.0);
    assert_eq!(run(&i, "mysql.redo_log_size").0, CheckStatus::Attention);
    i.metrics.remove(&(my::CHECKPOINT_AGE_PCT.into(), String::new()));
    assert!(gap(run(&i, "mysql.redo_log_size")).contains("two high-tier reads"));
    i.metrics.insert((my::REDO_BYTES_PER_S.into(), String::new()), 12.0 * MIB as f64);
    set(&mut i, "innodb_redo_log_capacity", &(8 * GIB).to_string());
    let (status, evidence) = run(&i, "mysql.redo_log_size");
    assert_eq!(status, CheckStatus::Attention, "{evidence}");
    assert!(evidence.contains("8.0 GiB") && evidence.contains("11 min of writes"), "{evidence}");
    // A small pool that holds all the data is fine; unknown data size is not.
    set(&mut i, "innodb_buffer_pool_size", &(128 * MIB).to_string());
    assert_eq!(run(&i, "mysql.buffer_pool_size").0, CheckStatus::Attention, "3 GiB of data");
    i.schema = None;
    assert_eq!(run(&i, "mysql.buffer_pool_size").0, CheckStatus::Attention, "data unknown");
    i.metrics.insert((metric::DATABASE_SIZE_BYTES.into(), "shop".into()), 40.0 * MIB as f64);
    assert_eq!(run(&i, "mysql.buffer_pool_size").0, CheckStatus::Healthy);
}

#[test]
fn schema_edges() {
    let mut i = input(true);
    // Free space inside a table is judged when each table has its own file.
    let mut bad = schema(false);
    for t in bad.databases.iter_mut().flat_map(|d| d.schemas.iter_mut()).flat_map(|s| s.tables.iter_mut()) {
        for x in &mut t.indexes {
            x.scans = None;
            x.unused = false;
        }
    }
    i.schema = Some(Arc::new(bad));
    let (status, evidence) = run(&i, "mysql.fragmented_tables");
    assert_eq!(status, CheckStatus::Critical);
    assert!(evidence.contains("shop.orders 67 % (2.0 GiB)"), "{evidence}");
    assert!(gap(run(&i, "mysql.unused_indexes")).contains("performance_schema"));
    // Snapshots older than the engine field, and tables all in a shared tablespace.
    let mut old = schema(true);
    for t in old.databases.iter_mut().flat_map(|d| d.schemas.iter_mut()).flat_map(|s| s.tables.iter_mut()) {
        t.storage_engine.clear();
        t.bloat_bytes = None;
    }
    let mut j = input(true);
    j.schema = Some(Arc::new(old));
    assert!(gap(run(&j, "mysql.non_transactional_tables")).contains("older snapshot"));
    assert!(gap(run(&j, "mysql.fragmented_tables")).contains("tablespace of its own"));
    // A schema that could not be read says why.
    i.schema = Some(Arc::new(SchemaSnapshot {
        databases: vec![DatabaseSchema {
            name: "shop".into(),
            error: Some("SELECT command denied to user 'monitor'".into()),
            ..Default::default()
        }],
    }));
    assert!(gap(run(&i, "mysql.tables_without_pk")).contains("command denied"));
}
