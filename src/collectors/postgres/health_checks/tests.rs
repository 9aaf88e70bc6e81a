//! Every check on three hand-built inputs (all healthy, all bad, nothing collected), then
//! threshold edges of the trickier ones.

use super::{checks, evaluate};
use crate::collectors::postgres::posture::fact;
use crate::health::HealthInput;
use crate::model::*;

const GIB: u64 = 1024 * 1024 * 1024;

fn setting(name: &str, value: &str, unit: &str) -> Setting {
    Setting { name: name.into(), value: value.into(), unit: unit.into(), source: "configuration file".into() }
}

fn pf(name: &str, key: &str, value: &str) -> PostureFact {
    PostureFact { name: name.into(), key: key.into(), value: value.into() }
}

fn session(id: i64, state: SessionState, ms: u64, blocked: bool) -> Session {
    Session {
        id,
        user: "app".into(),
        database: "app".into(),
        application: String::new(),
        client: String::new(),
        state,
        native_state: String::new(),
        wait: None,
        query: "select".into(),
        query_ms: Some(ms),
        xact_ms: Some(ms),
        backend_ms: Some(ms),
        state_ms: Some(ms),
        blocked_by: if blocked { vec![1] } else { vec![] },
        extra: vec![],
    }
}

fn table(name: &str, good: bool, now: i64) -> TableInfo {
    TableInfo {
        name: name.into(),
        has_primary_key: good,
        live_tuples: Some(100_000),
        dead_tuples: Some(if good { 100 } else { 900_000 }),
        n_mod_since_analyze: Some(0),
        last_autoanalyze_ms: if good { Some(now - 1000) } else { None },
        table_bytes: 4 * GIB,
        bloat_bytes: Some(if good { 0 } else { 3 * GIB }),
        indexes: vec![IndexInfo {
            name: format!("{name}_idx"),
            valid: good,
            unused: !good,
            duplicate_of: (!good).then(|| "other".into()),
            redundant_with: (!good).then(|| "other2".into()),
            ..Default::default()
        }],
        foreign_keys: vec![ForeignKeyInfo { name: "fk".into(), has_index: good, ..Default::default() }],
        ..Default::default()
    }
}

fn input(good: bool) -> HealthInput {
    let now = 1_800_000_000_000;
    let g = |ok: &str, bad: &str| if good { ok.to_owned() } else { bad.to_owned() };
    let settings = vec![
        setting("shared_buffers", &g("262144", "1024"), "8kB"),
        setting("effective_cache_size", &g("524288", "512"), "8kB"),
        setting("work_mem", &g("16384", "512"), "kB"),
        setting("maintenance_work_mem", &g("262144", "1024"), "kB"),
        setting("max_connections", &g("200", "5000"), ""),
        setting("track_io_timing", &g("on", "off"), ""),
        setting("log_min_duration_statement", &g("1000", "-1"), "ms"),
        setting("statement_timeout", &g("300000", "0"), "ms"),
        setting("idle_in_transaction_session_timeout", &g("600000", "0"), "ms"),
        setting("password_encryption", &g("scram-sha-256", "md5"), ""),
        setting("ssl", &g("on", "off"), ""),
        setting("listen_addresses", &g("localhost", "*"), ""),
        setting("autovacuum", &g("on", "off"), ""),
    ];
    let mut posture = vec![
        pf(fact::ROLE_SUPERUSER, "postgres", "true"),
        pf(fact::ROLE_CAN_LOGIN, "postgres", "true"),
        pf(fact::ROLE_VALID_UNTIL, "postgres", &g("2030-01-01 00:00:00+00", "")),
        pf(fact::HBA_RULE, "1", &g("local all all peer", "host all all 0.0.0.0/0 trust")),
        pf(fact::PUBLIC_CREATE, "app", &g("false", "true")),
        pf(fact::XID_AGE, "app", &g("1000000", "1600000000")),
        pf(fact::MXID_AGE, "app", "10"),
        pf(fact::CHECKPOINTS_TIMED, "", "100"),
        pf(fact::CHECKPOINTS_REQUESTED, "", &g("1", "900")),
    ];
    if !good {
        for r in ["alice", "bob", "carol"] {
            posture.push(pf(fact::ROLE_SUPERUSER, r, "true"));
            posture.push(pf(fact::ROLE_CAN_LOGIN, r, "true"));
            posture.push(pf(fact::ROLE_VALID_UNTIL, r, ""));
        }
    }
    let sessions = if good {
        vec![session(2, SessionState::Active, 10, false)]
    } else {
        vec![
            session(2, SessionState::Active, 4_000_000, false),
            session(3, SessionState::IdleInTransaction, 1_000_000, false),
            session(4, SessionState::WaitingForLock, 60_000, true),
        ]
    };
    let database = DatabaseStat {
        name: "app".into(),
        blks_hit: if good { 99_000 } else { 50 },
        blks_read: if good { 1_000 } else { 50 },
        deadlocks: if good { 0 } else { 500 },
        temp_bytes: if good { 0 } else { 200 * GIB },
        ..Default::default()
    };
    let seq = SequenceInfo {
        name: "s".into(),
        pct_used: Some(if good { 10.0 } else { 96.0 }),
        ..Default::default()
    };
    let schema = SchemaSnapshot {
        databases: vec![DatabaseSchema {
            name: "app".into(),
            schemas: vec![SchemaInfo {
                name: "public".into(),
                tables: vec![table("t", good, now)],
                sequences: vec![seq],
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    HealthInput {
        target: TargetId("db".into()),
        at: Timestamp(now),
        instance: Some(InstanceInfo {
            max_connections: Some(100),
            connections: if good { 10 } else { 95 },
            ..Default::default()
        }),
        activity: Some(std::sync::Arc::new(ActivitySnapshot { sessions, locks: vec![] })),
        databases: Some(vec![database]),
        settings: Some(settings),
        replication: Some(Replication {
            replicas: vec![Replica {
                replay_lag_ms: Some(if good { 100.0 } else { 900_000.0 }),
                ..Default::default()
            }],
            slots: vec![ReplicationSlot {
                name: "s".into(),
                active: good,
                retained_bytes: Some(20 * GIB),
                ..Default::default()
            }],
            ..Default::default()
        }),
        queries: Some(QueryStatsSnapshot {
            availability: if good {
                StatsAvailability::Available
            } else {
                StatsAvailability::Unavailable("not installed".into())
            },
            since: None,
            stats: vec![],
            tracked: 0,
            reset_detected: false,
            evicted: None,
        }),
        schema: Some(std::sync::Arc::new(schema)),
        posture: Some(posture),
        metrics: Default::default(),
        ..Default::default()
    }
}

#[test]
fn catalogue_has_30_plus_unique_checks_in_every_area() {
    let ids: std::collections::BTreeSet<_> = checks().iter().map(|c| c.id).collect();
    assert_eq!(ids.len(), checks().len());
    assert!(checks().len() >= 30);
    for area in HealthArea::ALL {
        assert!(checks().iter().any(|c| c.area == area), "{area:?}");
    }
}

#[test]
fn every_check_is_healthy_on_a_healthy_server() {
    for c in evaluate(&input(true)).checks {
        assert_eq!(c.status, CheckStatus::Healthy, "{}: {}", c.id, c.evidence);
    }
}

#[test]
fn every_check_flags_a_bad_server() {
    let report = evaluate(&input(false));
    for c in &report.checks {
        assert!(
            matches!(c.status, CheckStatus::Attention | CheckStatus::Critical),
            "{}: {:?} {}",
            c.id,
            c.status,
            c.evidence
        );
    }
    let critical: Vec<_> =
        report.checks.iter().filter(|c| c.status == CheckStatus::Critical).map(|c| c.id.as_str()).collect();
    for id in [
        "pg.ssl",
        "pg.trust_auth",
        "pg.sequence_exhaustion",
        "pg.wraparound",
        "pg.autovacuum",
        "pg.superusers",
        "pg.inactive_slots",
    ] {
        assert!(critical.contains(&id), "{id} should be critical: {critical:?}");
    }
    assert!(report.areas.iter().all(|a| a.score == Some(0.0)));
}

#[test]
fn nothing_collected_is_never_healthy() {
    let report = evaluate(&HealthInput::default());
    for c in &report.checks {
        assert!(
            matches!(&c.status, CheckStatus::NotEvaluated(r) if !r.is_empty()),
            "{}: {:?}",
            c.id,
            c.status
        );
    }
    let schema = report.checks.iter().find(|c| c.id == "pg.tables_without_pk").map(|c| c.status.clone());
    assert_eq!(schema, Some(CheckStatus::NotEvaluated("schema tier has not run yet".into())));
    assert_eq!(report.overall, None);
}

fn status_of(input: &HealthInput, id: &str) -> (CheckStatus, String) {
    let c = checks().iter().find(|c| c.id == id).map(|c| c.run(input));
    c.map(|c| (c.status, c.evidence)).unwrap_or((CheckStatus::NotEvaluated("missing".into()), String::new()))
}

#[test]
fn thresholds_at_their_edges() {
    let mut i = input(true);
    // Sequences: 80 % attention, 95 % critical.
    let set_seq = |i: &mut HealthInput, pct: f64| {
        if let Some(s) = i.schema.as_mut().map(std::sync::Arc::make_mut) {
            s.databases[0].schemas[0].sequences[0].pct_used = Some(pct);
        }
    };
    set_seq(&mut i, 80.0);
    assert_eq!(status_of(&i, "pg.sequence_exhaustion").0, CheckStatus::Attention);
    set_seq(&mut i, 95.0);
    let (s, evidence) = status_of(&i, "pg.sequence_exhaustion");
    assert_eq!(s, CheckStatus::Critical);
    assert!(evidence.contains("95 %") && evidence.contains("app.public.s"), "{evidence}");
    // Our own connection's timeouts are not the server's.
    if let Some(s) = i.settings.as_mut().and_then(|s| s.iter_mut().find(|s| s.name == "statement_timeout")) {
        s.source = "client".into();
    }
    assert!(
        matches!(status_of(&i, "pg.statement_timeout").0, CheckStatus::NotEvaluated(r) if r.contains("monitoring connection"))
    );
    // Wraparound: 500 M attention.
    i.posture = Some(vec![pf(fact::XID_AGE, "app", "600000000")]);
    assert_eq!(status_of(&i, "pg.wraparound").0, CheckStatus::Attention);
    // hba unreadable: a coverage gap that says why.
    i.posture = Some(vec![pf(fact::HBA_UNAVAILABLE, "", "permission denied for view pg_hba_file_rules")]);
    assert!(
        matches!(status_of(&i, "pg.trust_auth").0, CheckStatus::NotEvaluated(r) if r.contains("permission denied"))
    );
    // Trust on a local socket only, server not listening remotely: attention.
    i.posture = Some(vec![pf(fact::HBA_RULE, "3", "local all all trust")]);
    assert_eq!(status_of(&i, "pg.trust_auth").0, CheckStatus::Attention);
    // ssl off but localhost only: attention, not critical.
    if let Some(s) = i.settings.as_mut().and_then(|s| s.iter_mut().find(|s| s.name == "ssl")) {
        s.value = "off".into();
    }
    assert_eq!(status_of(&i, "pg.ssl").0, CheckStatus::Attention);
    // One extra superuser is attention; a superuser that cannot log in does not count.
    i.posture = Some(vec![
        pf(fact::ROLE_SUPERUSER, "postgres", "true"),
        pf(fact::ROLE_SUPERUSER, "admin", "true"),
        pf(fact::ROLE_CAN_LOGIN, "admin", "true"),
        pf(fact::ROLE_SUPERUSER, "nologin", "true"),
        pf(fact::ROLE_CAN_LOGIN, "nologin", "false"),
    ]);
    let (s, evidence) = status_of(&i, "pg.superusers");
    assert_eq!(s, CheckStatus::Attention);
    assert!(evidence.contains("admin") && !evidence.contains("nologin"), "{evidence}");
    // Replication: no replica and not a standby is not applicable.
    i.replication = Some(Replication::default());
    assert!(
        matches!(status_of(&i, "pg.replication_lag").0, CheckStatus::NotEvaluated(r) if r.contains("not applicable"))
    );
    // A schema snapshot whose every database failed says why.
    i.schema = Some(std::sync::Arc::new(SchemaSnapshot {
        databases: vec![DatabaseSchema {
            name: "x".into(),
            error: Some("permission denied".into()),
            ..Default::default()
        }],
    }));
    assert!(
        matches!(status_of(&i, "pg.unused_indexes").0, CheckStatus::NotEvaluated(r) if r == "permission denied")
    );
}
