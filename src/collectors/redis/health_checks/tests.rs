//! Every check on hand-built inputs: a healthy server, a server with every problem,
//! nothing collected; then the edges (not applicable, small datasets, sampler off).

use super::{checks, fact};
use crate::health::{HealthInput, evaluate_with};
use crate::model::*;
use std::collections::BTreeMap;

const MIB: u64 = 1024 * 1024;

fn setting(name: &str, value: &str) -> Setting {
    Setting { name: name.into(), value: value.into(), unit: String::new(), source: "config".into() }
}

fn pf(name: &str, key: &str, value: &str) -> PostureFact {
    PostureFact { name: name.into(), key: key.into(), value: value.into() }
}

fn slow(id: u64, command: &str, duration_us: u64) -> SlowEntry {
    SlowEntry {
        id,
        at_ms: 1_800_000_000_000,
        duration_us,
        command: command.into(),
        args: vec!["user:*".into()],
        client: "10.0.0.9:51000".into(),
        client_name: String::new(),
    }
}

fn metrics(points: &[(&str, &str, f64)]) -> BTreeMap<(String, String), f64> {
    points.iter().map(|(n, k, v)| (((*n).to_owned(), (*k).to_owned()), *v)).collect()
}

/// A healthy primary, or (`good` false) a replica with every problem at once, except
/// the snapshot age (checked on its own below, since it needs snapshots configured).
fn input(good: bool) -> HealthInput {
    let g = |ok: &str, bad: &str| if good { ok.to_owned() } else { bad.to_owned() };
    let gv = |ok: f64, bad: f64| if good { ok } else { bad };
    let settings = vec![
        setting("maxmemory", &(2048 * MIB).to_string()),
        setting("maxmemory-policy", &g("allkeys-lru", "noeviction")),
        setting("protected-mode", &g("yes", "no")),
        setting("bind", &g("127.0.0.1 -::1", "* -::*")),
        setting("slowlog-log-slower-than", &g("10000", "-1")),
        setting("slowlog-max-len", "128"),
        setting("tcp-keepalive", &g("300", "0")),
        setting("save", &g("3600 1 300 100", "")),
        setting("appendonly", "no"),
        setting("latency-monitor-threshold", "100"),
        setting("requirepass", &g("(set)", "")),
    ];
    let mut posture = vec![
        pf(fact::AUTH_REQUIRED, "", &g("true", "false")),
        pf(fact::ACL_USER, "default", &g("on #… ~* &* +@all", "on nopass ~* &* +@all")),
        pf(fact::ACL_USER, "app", &g("on #… ~app:* +@read +@write", "on nopass ~* +@all")),
        pf(fact::ROLE, "", &g("master", "replica")),
        pf(fact::RDB_STATUS, "", &g("ok", "err")),
        pf(fact::AOF_STATUS, "", "ok"),
    ];
    if !good {
        posture.push(pf(fact::ACL_USER, "reader", "on nopass ~* +@read"));
    }
    let entries = if good {
        vec![slow(3, "GET", 12_000), slow(2, "HGETALL", 15_000)]
    } else {
        let mut e: Vec<SlowEntry> = (0..12).map(|n| slow(100 - n, "KEYS", 40_000)).collect();
        e.push(slow(50, "EVALSHA", 1_500_000));
        e
    };
    let replication = if good {
        Replication {
            replicas: vec![Replica {
                name: "10.0.0.2:6379".into(),
                replay_lag_ms: Some(0.0),
                ..Default::default()
            }],
            ..Default::default()
        }
    } else {
        Replication {
            role: ServerRole::Standby,
            receiver: Some(WalReceiver {
                status: "down".into(),
                sender: "10.0.0.1:6379".into(),
                last_msg_age_s: Some(95.0),
                replay_delay_s: None,
            }),
            ..Default::default()
        }
    };
    let keyspace = KeyspaceSnapshot {
        databases: if good {
            vec![KeyspaceDb { index: 0, keys: 120_000, expires: 90_000, avg_ttl_ms: Some(3_600_000) }]
        } else {
            vec![
                KeyspaceDb { index: 0, keys: 120_000, expires: 0, avg_ttl_ms: None },
                KeyspaceDb { index: 3, keys: 40, expires: 40, avg_ttl_ms: Some(1_000) },
            ]
        },
        big_keys: vec![BigKey {
            db: 0,
            key: "feed:global".into(),
            key_type: "list".into(),
            bytes: if good { 200_000 } else { 300 * MIB },
        }],
        sampler: Some(SamplerRun { db: 0, keys_sampled: 5_000, duration_ms: 900, stopped: None }),
    };
    HealthInput {
        target: TargetId("cache".into()),
        at: Timestamp(1_800_000_000_000),
        instance: Some(InstanceInfo {
            max_connections: Some(100),
            connections: if good { 20 } else { 98 },
            role: if good { ServerRole::Primary } else { ServerRole::Standby },
            product: "Redis".into(),
            ..Default::default()
        }),
        settings: Some(settings),
        posture: Some(posture),
        replication: Some(replication),
        keyspace: Some(std::sync::Arc::new(keyspace)),
        slowlog: Some(SlowLogSnapshot {
            availability: StatsAvailability::Available,
            entries,
            length: Some(13),
            missed: 0,
        }),
        metrics: metrics(&[
            (metric::MEMORY_USED_BYTES, "", gv(900.0, 1900.0) * MIB as f64),
            (metric::MEMORY_USED_PCT, "", gv(44.0, 93.0)),
            (metric::MEMORY_FRAGMENTATION_RATIO, "", gv(1.1, 2.4)),
            (metric::EVICTED_KEYS_PER_S, "", gv(0.0, 250.0)),
            (metric::REJECTED_CONNECTIONS_PER_S, "", gv(0.0, 0.5)),
            (metric::REPLICATION_LAG_S, "", gv(0.0, 120.0)),
            (metric::CONNECTED_REPLICAS, "", gv(1.0, 1.0)),
            (metric::LATENCY_SPIKE_MS, "fork", gv(12.0, 1_800.0)),
            (metric::LATENCY_SPIKE_MS, "command", gv(3.0, 250.0)),
            (metric::LAST_SAVE_AGE_S, "", 600.0),
            (metric::UNSAVED_CHANGES, "", 40.0),
            (metric::PERSISTENCE_OK, "", gv(1.0, 0.0)),
        ]),
        ..Default::default()
    }
}

fn run(input: &HealthInput, id: &str) -> (CheckStatus, String) {
    checks()
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.run(input))
        .map_or((CheckStatus::NotEvaluated(format!("no check {id}")), String::new()), |r| {
            (r.status, r.evidence)
        })
}

#[test]
fn catalogue_ids_are_unique_and_cover_the_areas() {
    let ids: std::collections::BTreeSet<_> = checks().iter().map(|c| c.id).collect();
    assert_eq!(ids.len(), checks().len());
    assert!(checks().len() >= 20);
    assert!(checks().iter().all(|c| c.id.starts_with("redis.")));
    for area in HealthArea::ALL {
        assert!(checks().iter().any(|c| c.area == area), "{area:?}");
    }
}

#[test]
fn every_check_is_healthy_on_a_healthy_server() {
    for c in evaluate_with(checks(), &input(true)).checks {
        if c.id == "redis.replication_link" {
            // The healthy server is a primary: the link check is for replicas (below).
            assert!(matches!(&c.status, CheckStatus::NotEvaluated(r) if r.contains("not a replica")));
            continue;
        }
        assert_eq!(c.status, CheckStatus::Healthy, "{}: {}", c.id, c.evidence);
    }
    let mut replica = input(true);
    replica.replication = Some(Replication {
        role: ServerRole::Standby,
        receiver: Some(WalReceiver {
            status: "up".into(),
            sender: "10.0.0.1:6379".into(),
            ..Default::default()
        }),
        ..Default::default()
    });
    replica.metrics.insert((metric::REPLICATION_LINK_UP.into(), String::new()), 1.0);
    let (status, evidence) = run(&replica, "redis.replication_link");
    assert_eq!(status, CheckStatus::Healthy);
    assert!(evidence.contains("to 10.0.0.1:6379 up"), "{evidence}");
}

#[test]
fn every_check_flags_a_bad_server() {
    use CheckStatus::{Attention, Critical, NotEvaluated};
    let report = evaluate_with(checks(), &input(false));
    let expected = [
        ("redis.auth", Critical),
        ("redis.protected_mode", Critical),
        ("redis.bind_all_interfaces", Critical),
        ("redis.acl_users", Critical),
        ("redis.maxmemory", Critical),
        ("redis.slowlog_enabled", Attention),
        ("redis.tcp_keepalive", Attention),
        ("redis.memory_fragmentation", Critical),
        ("redis.evictions", Critical),
        ("redis.rejected_connections", Critical),
        ("redis.clients_usage", Critical),
        ("redis.replication_link", Critical),
        ("redis.replication_lag", Critical),
        ("redis.slowlog_heavy_hitters", Critical),
        ("redis.latency_spikes", Critical),
        ("redis.persistence_errors", Critical),
        ("redis.last_save_age", NotEvaluated("not applicable: RDB snapshots are off (save \"\")".into())),
        ("redis.persistence_on_primary", Attention),
        ("redis.keys_without_ttl", Attention),
        ("redis.big_keys", Critical),
        ("redis.logical_databases", Attention),
    ];
    assert_eq!(expected.len(), checks().len(), "every check has an expectation");
    for (id, want) in expected {
        let got = report.checks.iter().find(|c| c.id == id);
        assert_eq!(got.map(|c| &c.status), Some(&want), "{id}: {:?}", got.map(|c| &c.evidence));
    }
    let acl = run(&input(false), "redis.acl_users").1;
    assert!(acl.contains("app (+@all)") && acl.contains("reader") && !acl.contains("default"), "{acl}");
    let slow = run(&input(false), "redis.slowlog_heavy_hitters").1;
    assert!(slow.contains("KEYS makes 12") && slow.contains("slowest EVALSHA 1500.0 ms"), "{slow}");
}

#[test]
fn nothing_collected_is_never_healthy() {
    let report = evaluate_with(checks(), &HealthInput::default());
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

#[test]
fn the_catalogue_serves_redis_and_valkey_targets() {
    use crate::collectors::redis::spec::{REDIS, VALKEY};
    for engine in [REDIS.kind, VALKEY.kind] {
        assert_eq!(crate::health::catalogue(engine).len(), checks().len());
    }
    let report = crate::health::evaluate_for("Valkey", &input(true));
    assert!(report.checks.iter().all(|c| c.id.starts_with("redis.")));
    let report = crate::health::evaluate_for("PostgreSQL", &input(true));
    assert!(report.checks.iter().all(|c| c.id.starts_with("pg.")));
}

#[test]
fn edges_of_the_trickier_checks() {
    let mut i = input(true);
    // Snapshots configured, no AOF: a day-old snapshot with pending changes is critical,
    // nothing pending is fine, and AOF on makes the age harmless.
    i.metrics.insert((metric::LAST_SAVE_AGE_S.into(), String::new()), 90_000.0);
    assert_eq!(run(&i, "redis.last_save_age").0, CheckStatus::Critical);
    i.metrics.insert((metric::LAST_SAVE_AGE_S.into(), String::new()), 4_000.0);
    assert_eq!(run(&i, "redis.last_save_age").0, CheckStatus::Attention);
    i.metrics.insert((metric::UNSAVED_CHANGES.into(), String::new()), 0.0);
    assert_eq!(run(&i, "redis.last_save_age").0, CheckStatus::Healthy);
    // No auth but loopback only and protected mode on: attention, not critical.
    i.posture = Some(vec![pf(fact::AUTH_REQUIRED, "", "false")]);
    assert_eq!(run(&i, "redis.auth").0, CheckStatus::Attention);
    // Bound everywhere with auth: attention.
    let mut j = input(true);
    if let Some(b) = j.settings.as_mut().and_then(|s| s.iter_mut().find(|s| s.name == "bind")) {
        b.value = "0.0.0.0".into();
    }
    assert_eq!(run(&j, "redis.bind_all_interfaces").0, CheckStatus::Attention);
    // maxmemory unset is attention whatever the policy.
    if let Some(m) = j.settings.as_mut().and_then(|s| s.iter_mut().find(|s| s.name == "maxmemory")) {
        m.value = "0".into();
    }
    let (status, evidence) = run(&j, "redis.maxmemory");
    assert_eq!(status, CheckStatus::Attention);
    assert!(evidence.contains("unlimited") && evidence.contains("900.0 MiB used"), "{evidence}");
    // Fragmentation of a tiny dataset is not judged; below 1.0 (swap) is.
    let mut k = input(true);
    k.metrics.insert((metric::MEMORY_FRAGMENTATION_RATIO.into(), String::new()), 0.7);
    assert_eq!(run(&k, "redis.memory_fragmentation").0, CheckStatus::Attention);
    k.metrics.insert((metric::MEMORY_USED_BYTES.into(), String::new()), 2.0 * MIB as f64);
    k.metrics.insert((metric::MEMORY_FRAGMENTATION_RATIO.into(), String::new()), 5.0);
    assert_eq!(run(&k, "redis.memory_fragmentation").0, CheckStatus::Healthy);
    // A primary is not a replica; a lone server has no lag to judge.
    k.replication = Some(Replication::default());
    k.metrics.remove(&(metric::REPLICATION_LAG_S.into(), String::new()));
    assert!(
        matches!(run(&k, "redis.replication_link").0, CheckStatus::NotEvaluated(r) if r.contains("not a replica"))
    );
    assert!(
        matches!(run(&k, "redis.replication_lag").0, CheckStatus::NotEvaluated(r) if r.contains("not applicable"))
    );
    // Sampler off: the reason says how to turn it on.
    if let Some(ks) = k.keyspace.as_mut().map(std::sync::Arc::make_mut) {
        ks.sampler = None;
        ks.big_keys.clear();
    }
    assert!(
        matches!(run(&k, "redis.big_keys").0, CheckStatus::NotEvaluated(r) if r.contains("[targets.cache.keyspace] big_keys = true"))
    );
    // A refused command is named as the reason, not "has not run".
    let mut m = HealthInput {
        posture: Some(vec![pf(fact::UNAVAILABLE, "CONFIG", "NOPERM this user has no permissions")]),
        ..Default::default()
    };
    assert!(
        matches!(run(&m, "redis.maxmemory").0, CheckStatus::NotEvaluated(r) if r.contains("CONFIG is not available: NOPERM"))
    );
    // The slow log refused by an ACL is a gap; the latency monitor off too.
    m.slowlog = Some(SlowLogSnapshot {
        availability: StatsAvailability::Unavailable("SLOWLOG is not permitted".into()),
        entries: vec![],
        length: None,
        missed: 0,
    });
    m.settings = Some(vec![setting("latency-monitor-threshold", "0")]);
    assert!(
        matches!(run(&m, "redis.slowlog_heavy_hitters").0, CheckStatus::NotEvaluated(r) if r.contains("not permitted"))
    );
    assert!(
        matches!(run(&m, "redis.latency_spikes").0, CheckStatus::NotEvaluated(r) if r.contains("latency monitor is off"))
    );
    // Ten entries spread over commands, none slow enough: healthy.
    m.slowlog = Some(SlowLogSnapshot {
        availability: StatsAvailability::Available,
        entries: (0..10)
            .map(|n| slow(n, if n % 2 == 0 { "GET" } else { "SET" }, 20_000))
            .chain([slow(11, "DEL", 20_000)])
            .collect(),
        length: None,
        missed: 0,
    });
    assert_eq!(run(&m, "redis.slowlog_heavy_hitters").0, CheckStatus::Healthy);
}
