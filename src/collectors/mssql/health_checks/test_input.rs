//! Hand-built inputs for the checks' tests: a healthy SQL Server 2022 primary, or one
//! with every problem, and the builders of its facts.

use super::{fact, setting as s};
use crate::collectors::mssql::metric as ms;
use crate::health::HealthInput;
use crate::model::*;
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn setting(name: &str, value: &str) -> Setting {
    Setting {
        name: name.into(),
        value: value.into(),
        unit: String::new(),
        source: "sys.configurations".into(),
    }
}

pub fn pf(name: &str, key: &str, value: &str) -> PostureFact {
    PostureFact { name: name.into(), key: key.into(), value: value.into() }
}

/// The facts of one login, as the low tier emits them (`None` password tests: hidden).
pub fn login(
    name: &str,
    kind: &str,
    disabled: bool,
    sysadmin: bool,
    policy: bool,
    weak: Option<bool>,
) -> Vec<PostureFact> {
    let mut v = vec![
        pf(fact::LOGIN_TYPE, name, kind),
        pf(fact::LOGIN_DISABLED, name, &disabled.to_string()),
        pf(fact::LOGIN_SYSADMIN, name, &sysadmin.to_string()),
        pf(fact::LOGIN_CONTROL_SERVER, name, "false"),
    ];
    if kind == "SQL_LOGIN" {
        v.push(pf(fact::LOGIN_POLICY_CHECKED, name, &policy.to_string()));
        v.push(pf(fact::LOGIN_EXPIRATION_CHECKED, name, &policy.to_string()));
        if let Some(w) = weak {
            v.push(pf(fact::LOGIN_EMPTY_PASSWORD, name, &w.to_string()));
            v.push(pf(fact::LOGIN_PASSWORD_IS_NAME, name, "false"));
        }
    }
    v
}

/// The sys.databases facts of one database; `backups` = (full, log) ages in minutes.
pub fn database(
    name: &str,
    state: &str,
    recovery: &str,
    good: bool,
    backups: (Option<u32>, Option<u32>),
) -> Vec<PostureFact> {
    let b = |v: bool| v.to_string();
    let mut v = vec![
        pf(fact::DB_STATE, name, state),
        pf(fact::DB_RECOVERY_MODEL, name, recovery),
        pf(fact::DB_AUTO_CLOSE, name, &b(!good)),
        pf(fact::DB_AUTO_SHRINK, name, "false"),
        pf(fact::DB_PAGE_VERIFY, name, if good { "CHECKSUM" } else { "NONE" }),
        pf(fact::DB_COMPATIBILITY_LEVEL, name, if good { "160" } else { "110" }),
        pf(fact::DB_QUERY_STORE_ON, name, &b(good)),
        pf(fact::DB_ENCRYPTED, name, "false"),
        pf(fact::DB_LOG_REUSE_WAIT, name, if good { "NOTHING" } else { "ACTIVE_TRANSACTION" }),
        pf(fact::DB_CONTAINMENT, name, "NONE"),
        pf(fact::DB_READ_ONLY, name, "false"),
        pf(fact::DB_TRUSTWORTHY, name, &b(!good)),
        pf(fact::DB_OWNER, name, "sa"),
        pf(fact::DB_IN_AVAILABILITY_GROUP, name, "false"),
    ];
    if let Some(m) = backups.0 {
        v.push(pf(fact::DB_FULL_BACKUP_AGE_MIN, name, &m.to_string()));
    }
    if let Some(m) = backups.1 {
        v.push(pf(fact::DB_LOG_BACKUP_AGE_MIN, name, &m.to_string()));
    }
    v
}

pub fn metrics(points: &[(&str, &str, f64)]) -> BTreeMap<(String, String), f64> {
    points.iter().map(|(n, k, v)| (((*n).to_owned(), (*k).to_owned()), *v)).collect()
}

pub fn session(
    id: i64,
    state: SessionState,
    query_s: Option<u64>,
    idle_s: Option<u64>,
    blocked_by: Vec<i64>,
) -> Session {
    Session {
        id,
        user: "app".into(),
        database: "Sales".into(),
        application: String::new(),
        client: "10.0.0.9".into(),
        state,
        native_state: String::new(),
        wait: None,
        query: "UPDATE dbo.Orders SET State = @p1 WHERE Id = @p2".into(),
        query_ms: query_s.map(|s| s * 1000),
        xact_ms: idle_s.or(query_s).map(|s| s * 1000),
        backend_ms: None,
        state_ms: idle_s.or(query_s).map(|s| s * 1000),
        blocked_by,
        extra: vec![],
    }
}

fn index(name: &str, definition: &str, valid: bool, unused: bool, duplicate_of: Option<&str>) -> IndexInfo {
    IndexInfo {
        name: name.into(),
        columns: vec!["CustomerId".into()],
        definition: definition.into(),
        size_bytes: 64 * 1024 * 1024,
        scans: Some(if unused { 0 } else { 500 }),
        valid,
        unused,
        duplicate_of: duplicate_of.map(Into::into),
        ..Default::default()
    }
}

/// The `Sales` database's `dbo` schema: fine, or with every schema problem at once.
pub fn schema(good: bool) -> SchemaSnapshot {
    let clustered = "CREATE UNIQUE CLUSTERED INDEX [PK_Orders] ON [dbo].[Orders] ([Id])";
    let nonclustered = "CREATE NONCLUSTERED INDEX [IX_Orders_Customer] ON [dbo].[Orders] ([CustomerId])";
    let orders = TableInfo {
        name: "Orders".into(),
        row_estimate: Some(5e6),
        has_primary_key: true,
        indexes: if good {
            vec![
                index("PK_Orders", clustered, true, false, None),
                index("IX_Orders_Customer", nonclustered, true, false, None),
            ]
        } else {
            vec![
                index("PK_Orders", clustered, false, false, None),
                index("IX_Orders_Customer", nonclustered, true, true, None),
                index("IX_Orders_Customer2", nonclustered, true, false, Some("IX_Orders_Customer")),
            ]
        },
        foreign_keys: vec![ForeignKeyInfo {
            name: "FK_Orders_Customers".into(),
            has_index: good,
            ..Default::default()
        }],
        suggested_indexes: vec![IndexSuggestion {
            key_columns: vec!["Status".into()],
            include_columns: vec!["Total".into()],
            impact_pct: if good { 20.0 } else { 93.5 },
            uses: 4_000,
        }],
        ..Default::default()
    };
    let log = TableInfo {
        name: "AuditLog".into(),
        row_estimate: Some(1e5),
        has_primary_key: good,
        indexes: if good { vec![index("CIX_AuditLog", clustered, true, false, None)] } else { vec![] },
        ..Default::default()
    };
    let id = SequenceInfo {
        name: "Orders.Id".into(),
        data_type: "int".into(),
        last_value: Some(if good { 200_000_000 } else { 2_100_000_000 }),
        max_value: 2_147_483_647,
        increment: 1,
        pct_used: Some(if good { 9.3 } else { 97.8 }),
    };
    SchemaSnapshot {
        databases: vec![DatabaseSchema {
            name: "Sales".into(),
            schemas: vec![SchemaInfo {
                name: "dbo".into(),
                tables: vec![orders, log],
                sequences: vec![id],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

/// A healthy SQL Server 2022 primary, or (`good` false) one with every problem.
pub fn input(good: bool) -> HealthInput {
    let g = |ok: &str, bad: &str| if good { ok.to_owned() } else { bad.to_owned() };
    let gv = |ok: f64, bad: f64| if good { ok } else { bad };
    let settings = vec![
        setting(s::MAX_SERVER_MEMORY_MB, &g("57344", "2147483647")),
        setting(s::MAXDOP, &g("8", "0")),
        setting(s::COST_THRESHOLD, &g("50", "5")),
        setting(s::OPTIMIZE_FOR_AD_HOC, &g("1", "0")),
        setting(s::XP_CMDSHELL, &g("0", "1")),
        setting(s::CLR_ENABLED, &g("0", "1")),
        setting(s::CLR_STRICT_SECURITY, &g("1", "0")),
        setting(s::OLE_AUTOMATION, &g("0", "1")),
        setting(s::AD_HOC_DISTRIBUTED_QUERIES, &g("0", "1")),
        setting(s::CROSS_DB_OWNERSHIP_CHAINING, "0"),
        setting(s::SCAN_FOR_STARTUP_PROCS, "0"),
        setting(s::CONTAINED_DB_AUTHENTICATION, "0"),
        setting(s::AUTHENTICATION, &g("Windows", "Mixed")),
        setting(s::IS_HADR_ENABLED, "true"),
        setting(s::PRODUCT_VERSION, "16.0.4105.2"),
        setting(s::CPU_COUNT, "16"),
        setting(s::NUMA_NODES, "1"),
        setting(s::PHYSICAL_MEMORY_MB, "65536"),
        setting(s::UPTIME_S, "2592000"),
    ];
    let mut posture = vec![
        pf(fact::PERMISSION, fact::VIEW_ANY_DEFINITION, "true"),
        pf(fact::SA_NAME, "", "sa"),
        pf(fact::BACKUPS_WINDOW_DAYS, "", "30"),
        pf(fact::ORPHANS_DATABASES_READ, "", "5"),
        pf(fact::SERVICE_STATUS, "SQL Server Agent (MSSQLSERVER)", &g("Running", "Stopped")),
        pf(fact::SERVICE_ACCOUNT, "SQL Server (MSSQLSERVER)", &g("NT Service\\MSSQLSERVER", "LocalSystem")),
        pf(fact::JOB_LAST_OUTCOME, "IndexOptimize", "succeeded"),
    ];
    posture.extend(login("sa", "SQL_LOGIN", good, true, true, Some(false)));
    posture.extend(login("NT SERVICE\\SQLSERVERAGENT", "WINDOWS_LOGIN", false, true, true, None));
    posture.extend(login("CONTOSO\\dba", "WINDOWS_LOGIN", false, true, true, None));
    posture.extend(login("app", "SQL_LOGIN", false, false, good, Some(!good)));
    posture.extend(database("master", "ONLINE", "SIMPLE", true, (Some(1440), None)));
    posture.extend(database("tempdb", "ONLINE", "SIMPLE", true, (None, None)));
    posture.extend(database("msdb", "ONLINE", "SIMPLE", true, (Some(1440), None)));
    posture.extend(database(
        "Sales",
        "ONLINE",
        "FULL",
        good,
        (Some(1440), Some(if good { 10 } else { 2000 })),
    ));
    if good {
        posture.extend(database("Reports", "ONLINE", "SIMPLE", true, (Some(2000), None)));
    } else {
        posture.extend(login("BUILTIN\\Administrators", "WINDOWS_GROUP", false, true, true, None));
        posture.extend(database("Reports", "SUSPECT", "SIMPLE", true, (None, None)));
        posture.extend(database("Legacy", "ONLINE", "FULL", true, (None, None)));
        posture.push(pf(fact::ORPHANED_USER, "Sales", "old_app"));
        posture.push(pf(fact::DB_TDE_STATE, "Sales", "encrypted"));
        posture.push(pf(fact::DB_TDE_CERT_BACKED_UP, "Sales", "false"));
        posture.push(pf(fact::JOB_LAST_OUTCOME, "DatabaseBackup - USER_DATABASES - FULL", "failed"));
    }
    let sessions = if good {
        vec![
            session(51, SessionState::Active, Some(2), None, vec![]),
            session(52, SessionState::IdleInTransaction, None, Some(10), vec![]),
        ]
    } else {
        vec![
            session(51, SessionState::Active, Some(4_000), None, vec![]),
            session(52, SessionState::IdleInTransaction, None, Some(7_200), vec![]),
            session(53, SessionState::WaitingForLock, Some(60), None, vec![52]),
        ]
    };
    HealthInput {
        target: TargetId("sql1".into()),
        at: Timestamp(1_800_000_000_000),
        activity: Some(Arc::new(ActivitySnapshot { sessions, locks: vec![] })),
        settings: Some(settings),
        posture: Some(posture),
        schema: Some(Arc::new(schema(good))),
        metrics: metrics(&[
            (ms::PAGE_LIFE_EXPECTANCY_S, "", gv(9_000.0, 500.0)),
            (ms::MEMORY_GRANTS_PENDING, "", gv(0.0, 12.0)),
            (metric::CACHE_HIT_PCT, "", gv(99.9, 80.0)),
            (ms::BATCH_REQUESTS_PER_S, "", 2_000.0),
            (ms::COMPILATIONS_PER_S, "", gv(40.0, 900.0)),
            (metric::DEADLOCKS_PER_S, "", gv(0.0, 0.5)),
            (ms::WAIT_MS_PER_S, "Locks", gv(200.0, 25_000.0)),
            (ms::WAIT_MS_PER_S, "Other", gv(900.0, 3_000.0)),
            (ms::LOG_USED_PCT, "Sales", gv(20.0, 96.0)),
            (ms::AG_REPLICA_HEALTHY, "ag1/sql2", gv(1.0, 0.0)),
            (ms::AG_REDO_QUEUE_KB, "ag1/sql2/Sales", gv(2_048.0, 20_000_000.0)),
            (ms::QUERY_STORE_READ_WRITE, "Sales", gv(1.0, 0.0)),
            (ms::FAILED_JOBS, "", gv(0.0, 1.0)),
        ]),
        ..Default::default()
    }
}
