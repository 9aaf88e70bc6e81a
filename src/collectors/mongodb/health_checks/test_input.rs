//! Hand-built inputs for the checks' tests: a healthy 7.0 replica set primary, or a 5.0
//! standalone with every problem.

use super::{posture as p, setting as s, topology};
use crate::collectors::mongodb::metric as m;
use crate::health::HealthInput;
use crate::model::*;
use std::sync::Arc;

pub fn setting(name: &str, value: &str) -> Setting {
    Setting { name: name.into(), value: value.into(), unit: String::new(), source: "getCmdLineOpts".into() }
}

pub fn pf(name: &str, key: &str, value: &str) -> PostureFact {
    PostureFact { name: name.into(), key: key.into(), value: value.into() }
}

pub fn index(name: &str, scans: Option<u64>, unused: bool, duplicate_of: Option<&str>) -> IndexInfo {
    IndexInfo {
        name: name.into(),
        scans,
        unused,
        duplicate_of: duplicate_of.map(str::to_owned),
        valid: true,
        ..IndexInfo::default()
    }
}

pub fn collection(name: &str, documents: f64, scans: Option<u64>, indexes: Vec<IndexInfo>) -> TableInfo {
    TableInfo {
        name: name.into(),
        row_estimate: Some(documents),
        table_bytes: (documents * 500.0) as u64,
        seq_scans: scans,
        indexes,
        ..TableInfo::default()
    }
}

pub fn schema(databases: Vec<(&str, Vec<TableInfo>)>) -> Arc<SchemaSnapshot> {
    Arc::new(SchemaSnapshot {
        databases: databases
            .into_iter()
            .map(|(name, tables)| DatabaseSchema {
                name: name.into(),
                schemas: vec![SchemaInfo { name: name.into(), tables, ..SchemaInfo::default() }],
                ..DatabaseSchema::default()
            })
            .collect(),
    })
}

/// 2026-12-01, after 6.0's end of life.
pub const AT: Timestamp = Timestamp(1_796_083_200_000);

pub fn input(good: bool) -> HealthInput {
    let g = |ok: &str, bad: &str| if good { ok.to_owned() } else { bad.to_owned() };
    let gv = |ok: f64, bad: f64| if good { ok } else { bad };
    let mut settings = vec![
        setting(s::VERSION, &g("7.0.12", "5.0.26")),
        setting(s::FCV, &g("7.0", "4.4")),
        setting(s::TOPOLOGY, &g(topology::PRIMARY, topology::STANDALONE)),
        setting(s::TLS_MODE, &g("requireTLS", "disabled")),
        setting(s::AUTHORIZATION, &g("enabled", "disabled")),
        setting(s::STORAGE_ENGINE, "wiredTiger"),
        setting(s::JOURNAL_ENABLED, &g("true", "false")),
        setting(s::CACHE_SIZE_GB, &g("6", "15")),
        setting(s::MEM_SIZE_MB, "16384"),
        setting(s::PROFILING_MODE, &g("slowOp", "all")),
    ];
    settings.push(if good {
        setting(s::BIND_IP, "localhost,10.0.0.5")
    } else {
        setting(s::BIND_IP_ALL, "true")
    });
    let mut posture = vec![
        pf(p::STARTUP_WARNINGS, "", &g("0", "2")),
        pf(p::USERS, "", "6"),
        pf(p::USER_ROLES, "dba@admin", "root@admin"),
        pf(p::USER_MECHANISMS, "dba@admin", "SCRAM-SHA-256"),
        pf(p::USER_ROLES, "app@shop", "readWrite@shop"),
        pf(p::USER_MECHANISMS, "app@shop", &g("SCRAM-SHA-1,SCRAM-SHA-256", "SCRAM-SHA-1")),
        pf(p::USER_ROLES, "ops@admin", "opsAll@admin"),
        pf(p::ROLE_INHERITS, "opsAll@admin", &g("clusterMonitor@admin", "clusterMonitor@admin,root@admin")),
        pf(p::USER_ROLES, "etl@admin", &g("read@shop", "readWriteAnyDatabase@admin")),
        pf(p::USER_ROLES, "backup@admin", &g("backup@admin", "restore@admin")),
        pf(p::USER_ROLES, "agent@admin", &g("clusterMonitor@admin", "__system@admin")),
    ];
    if !good {
        posture.push(pf(p::STARTUP_WARNING, "01", "Access control is not enabled for the database"));
        posture.push(pf(p::STARTUP_WARNING, "02", "vm.max_map_count is too low (currentValue=65530)"));
    }
    let mut metrics = std::collections::BTreeMap::new();
    let mut put = |name: &str, key: &str, value: f64| {
        metrics.insert((name.to_owned(), key.to_owned()), value);
    };
    put(m::CACHE_USED_PCT, "", gv(80.0, 96.0));
    put(m::CACHE_DIRTY_PCT, "", gv(3.0, 12.0));
    put(m::TICKETS_AVAILABLE, "read", gv(120.0, 0.0));
    put(m::TICKETS_AVAILABLE, "write", gv(125.0, 3.0));
    put(m::QUEUED_OPERATIONS, "readers", gv(0.0, 40.0));
    put(m::QUEUED_OPERATIONS, "writers", gv(1.0, 5.0));
    put(metric::CONNECTIONS, "", gv(300.0, 960.0));
    put(metric::MAX_CONNECTIONS, "", 1000.0);
    put(m::PAGE_FAULTS_PER_S, "", gv(0.5, 150.0));
    put(m::ASSERTS_PER_S, "regular", gv(0.0, 0.2));
    put(m::ASSERTS_PER_S, "user", gv(0.5, 2.0));
    if good {
        put(metric::REPLICATION_LAG_S, "", 2.0);
        put(m::OPLOG_WINDOW_S, "", 72.0 * 3600.0);
        put(m::MEMBERS_UNHEALTHY, "", 0.0);
        put(m::MEMBER_HEALTHY, "db2:27017", 1.0);
    }
    let shop = if good {
        vec![
            collection(
                "orders",
                2_000_000.0,
                Some(12),
                vec![index("_id_", Some(900), false, None), index("status_1", Some(50), false, None)],
            ),
            collection("carts", 500.0, Some(9_000), vec![index("_id_", Some(10), false, None)]),
        ]
    } else {
        vec![
            collection(
                "orders",
                2_000_000.0,
                Some(50_000),
                vec![
                    index("_id_", Some(900), false, None),
                    index("status_1", Some(0), true, None),
                    index("status_1_copy", Some(3), false, Some("status_1")),
                ],
            ),
            collection("events", 800_000.0, Some(20_000), vec![index("_id_", Some(4), false, None)]),
        ]
    };
    HealthInput {
        target: TargetId("mongo".into()),
        at: AT,
        settings: Some(settings),
        posture: Some(posture),
        metrics,
        schema: Some(schema(vec![
            ("shop", shop),
            ("local", vec![collection("oplog.rs", 9e6, Some(1e6 as u64), vec![])]),
        ])),
        ..HealthInput::default()
    }
}
