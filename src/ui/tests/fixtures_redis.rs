//! A Redis target next to the PostgreSQL fixture: configured as `redis`, it answers as
//! Valkey 8.0.1; clients with one blocked in BLPOP, per-command statistics, a slow log,
//! the keyspace with the big-key sampler on (or off), and the low tier for health.

use super::fixtures::{self, NOW};
use crate::model::*;
use crate::ui::UiUpdate;
use crate::ui::app::App;
use crate::ui::tabs::Tab;
use crate::ui::theme::Theme;
use std::sync::Arc;
use std::time::Duration;

pub const TARGET: &str = "cache";
const MIB: u64 = 1024 * 1024;

fn info() -> TargetInfo {
    TargetInfo {
        id: TargetId(TARGET.into()),
        engine: "Redis".into(),
        endpoint: "cache.internal:6379/0".into(),
        tags: Vec::new(),
    }
}

fn client(
    id: i64,
    addr: &str,
    name: &str,
    cmd: &str,
    state: SessionState,
    flags: &str,
    idle_s: u64,
) -> Session {
    Session {
        id,
        user: "default".into(),
        database: "0".into(),
        application: name.into(),
        client: addr.into(),
        state,
        native_state: flags.into(),
        wait: None,
        query: cmd.into(),
        query_ms: None,
        xact_ms: None,
        backend_ms: Some(7_380_000 + id as u64 * 1_000),
        state_ms: Some(idle_s * 1000),
        blocked_by: Vec::new(),
        extra: vec![("qbuf".into(), "0".into()), ("omem".into(), "0".into()), ("resp".into(), "3".into())],
    }
}

pub fn clients() -> Vec<Session> {
    use SessionState::*;
    let mut blocked = client(13, "10.0.4.31:40112", "worker-1", "blpop", Active, "blocked", 35);
    blocked.wait = Some(Wait { category: WaitCategory::Client, event: "blocked in blpop".into() });
    blocked.extra.extend([("lib-name".into(), "redis-py".into()), ("lib-ver".into(), "5.0.1".into())]);
    let mut pubsub = client(15, "10.0.4.40:39001", "notifier", "subscribe", Other, "pubsub", 600);
    pubsub.extra.push(("sub".into(), "3".into()));
    vec![
        client(12, "10.0.4.21:53012", "api-7", "get", Active, "normal", 0),
        blocked,
        client(14, "10.0.4.22:53990", "api-8", "set", Idle, "normal", 120),
        pubsub,
        client(16, "10.0.4.5:6380", "", "replconf", Other, "replica", 1),
    ]
}

fn commands() -> QueryStatsSnapshot {
    let stat = |name: &str, calls: u64, total_ms: f64| QueryStat {
        id: format!("cmd:{name}"),
        text: name.into(),
        calls,
        total_time_ms: total_ms,
        mean_time_ms: total_ms / calls as f64,
        ..QueryStat::default()
    };
    QueryStatsSnapshot {
        availability: StatsAvailability::Available,
        since: Some(Timestamp(NOW - 60_000)),
        stats: vec![
            stat("get", 120_000, 540.0),
            stat("set", 40_000, 310.5),
            stat("hgetall", 900, 820.0),
            stat("keys", 3, 1_236.0),
            stat("client|list", 6, 1.2),
        ],
        tracked: 41,
        reset_detected: false,
        evicted: None,
    }
}

pub fn slow_entries() -> Vec<SlowEntry> {
    let entry =
        |id: u64, ago_s: i64, us: u64, command: &str, args: &[&str], client: &str, name: &str| SlowEntry {
            id,
            at_ms: NOW - ago_s * 1000,
            duration_us: us,
            command: command.into(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            client: client.into(),
            client_name: name.into(),
        };
    vec![
        entry(208, 12, 412_300, "KEYS", &["user:*"], "10.0.4.50:41000", "admin-cli"),
        entry(207, 70, 23_100, "HGETALL", &["session:9f2c0d"], "10.0.4.21:53012", "api-7"),
        entry(
            206,
            95,
            1_520_000,
            "EVALSHA",
            &["a42059b356c875f0717db19a51f6aaca9ae659ea", "1", "queue:jobs"],
            "10.0.4.31:40112",
            "worker-1",
        ),
        entry(
            205,
            300,
            11_800,
            "ZRANGEBYSCORE",
            &["leaderboard", "-inf", "+inf", "WITHSCORES"],
            "10.0.4.22:53990",
            "",
        ),
    ]
}

pub fn keyspace(sampler_on: bool) -> KeyspaceSnapshot {
    let big = |key: &str, key_type: &str, bytes: u64| BigKey {
        db: 0,
        key: key.into(),
        key_type: key_type.into(),
        bytes,
    };
    KeyspaceSnapshot {
        databases: vec![
            KeyspaceDb { index: 0, keys: 1_204_332, expires: 980_112, avg_ttl_ms: Some(3_540_000) },
            KeyspaceDb { index: 2, keys: 5_120, expires: 0, avg_ttl_ms: None },
        ],
        big_keys: if sampler_on {
            vec![
                big("feed:global", "list", 96 * MIB),
                big("leaderboard", "zset", 12 * MIB),
                big("session:9f2c0d", "hash", 2 * MIB),
            ]
        } else {
            Vec::new()
        },
        sampler: sampler_on.then_some(SamplerRun {
            db: 0,
            keys_sampled: 5_000,
            duration_ms: 930,
            stopped: None,
        }),
    }
}

fn metrics(i: i64) -> Vec<Metric> {
    let wave = (i as f64 / 5.0).sin();
    vec![
        Metric::new(metric::TPS, 5_300.0 + 900.0 * wave),
        Metric::new(metric::CACHE_HIT_PCT, 96.0 + 2.0 * wave),
        Metric::keyed(metric::SESSIONS_BY_STATE, "Active", 2.0),
        Metric::keyed(metric::SESSIONS_BY_STATE, "Idle", 40.0),
        Metric::keyed(metric::SESSIONS_BY_STATE, "Other", 2.0),
        Metric::new(metric::MEMORY_USED_BYTES, (1_400.0 + 10.0 * i as f64) * MIB as f64),
        Metric::new(metric::MEMORY_LIMIT_BYTES, 4_096.0 * MIB as f64),
        Metric::new(metric::MEMORY_USED_PCT, (1_400.0 + 10.0 * i as f64) * 100.0 / 4_096.0),
        Metric::new(metric::KEYS_TOTAL, 1_209_452.0),
        Metric::new(metric::CONNECTIONS, 44.0),
        Metric::new(metric::MAX_CONNECTIONS, 10_000.0),
        Metric::new(metric::EVICTED_KEYS_PER_S, 0.0),
        Metric::new(metric::MEMORY_FRAGMENTATION_RATIO, 1.12),
        Metric::new(metric::REJECTED_CONNECTIONS_PER_S, 0.0),
        Metric::new(metric::BLOCKED_SESSIONS, 1.0),
    ]
}

fn low_tier() -> Vec<SampleBody> {
    let setting = |name: &str, value: &str| Setting {
        name: name.into(),
        value: value.into(),
        unit: String::new(),
        source: "config".into(),
    };
    let fact = |name: &str, key: &str, value: &str| PostureFact {
        name: name.into(),
        key: key.into(),
        value: value.into(),
    };
    vec![
        SampleBody::Settings(vec![
            setting("maxmemory", &(4_096 * MIB).to_string()),
            setting("maxmemory-policy", "allkeys-lru"),
            setting("protected-mode", "yes"),
            setting("bind", "* -::*"),
            setting("slowlog-log-slower-than", "10000"),
            setting("slowlog-max-len", "128"),
            setting("tcp-keepalive", "300"),
            setting("save", "3600 1 300 100"),
            setting("appendonly", "no"),
            setting("latency-monitor-threshold", "100"),
            setting("requirepass", "(set)"),
        ]),
        SampleBody::Posture(vec![
            fact("auth.required", "", "true"),
            fact("acl.user", "default", "on #… ~* &* +@all"),
            fact("role", "", "master"),
            fact("persistence.rdb_last_bgsave_status", "", "ok"),
            fact("persistence.aof_last_write_status", "", "ok"),
        ]),
    ]
}

fn medium_tier(sampler_on: bool) -> Vec<SampleBody> {
    vec![
        SampleBody::Queries(commands()),
        SampleBody::SlowLog(SlowLogSnapshot {
            availability: StatsAvailability::Available,
            entries: slow_entries(),
            length: Some(4),
            missed: 0,
        }),
        SampleBody::Keyspace(keyspace(sampler_on)),
        SampleBody::Replication(Replication {
            replicas: vec![Replica {
                name: "10.0.4.5:6380".into(),
                state: "online".into(),
                replay_lag_ms: Some(0.0),
                ..Default::default()
            }],
            ..Default::default()
        }),
        SampleBody::Metrics(vec![
            Metric::new(metric::REPLICATION_LAG_S, 0.0),
            Metric::new(metric::CONNECTED_REPLICAS, 1.0),
            Metric::new(metric::LAST_SAVE_AGE_S, 420.0),
            Metric::new(metric::UNSAVED_CHANGES, 1_200.0),
            Metric::new(metric::PERSISTENCE_OK, 1.0),
        ]),
    ]
}

pub fn updates(sampler_on: bool) -> Vec<UiUpdate> {
    let sample =
        |tier, at, body| Sample { target: TargetId(TARGET.into()), tier, taken_at: Timestamp(at), body };
    let mut round: Vec<Sample> = (0..90_i64)
        .map(|i| sample(Tier::High, NOW - (90 - i) * 10_000, SampleBody::Metrics(metrics(i))))
        .collect();
    let up = TargetHealth {
        status: TargetStatus::Up { version: "8.0.1".into() },
        at: Timestamp(NOW),
        last_latency_ms: Some(3),
    };
    round.push(sample(Tier::High, NOW - 2_000, SampleBody::Status(up)));
    round.push(sample(
        Tier::High,
        NOW - 2_000,
        SampleBody::Instance(InstanceInfo {
            version: "8.0.1".into(),
            version_full: "Valkey 8.0.1 (standalone, jemalloc-5.3.0, 64 bit)".into(),
            started_at_ms: Some(NOW - 12 * 86_400_000),
            max_connections: Some(10_000),
            role: ServerRole::Primary,
            database: "0".into(),
            connections: 44,
            product: "Valkey".into(),
        }),
    ));
    round.push(sample(
        Tier::High,
        NOW - 2_000,
        SampleBody::Activity(ActivitySnapshot { sessions: clients(), locks: Vec::new() }),
    ));
    round.extend(medium_tier(sampler_on).into_iter().map(|b| sample(Tier::Medium, NOW - 5_000, b)));
    round.extend(low_tier().into_iter().map(|b| sample(Tier::Low, NOW - 30_000, b)));
    vec![UiUpdate::Round(Arc::new(round))]
}

/// The PostgreSQL fixture's three targets plus the Redis one, which is selected.
pub fn app_on(tab: Tab, sampler_on: bool) -> App {
    let targets = vec![
        fixtures::target("prod-pg"),
        fixtures::target("replica-pg"),
        fixtures::target("reports-pg"),
        info(),
    ];
    let mut app = App::new(targets, Theme::default(), Duration::from_secs(900));
    // Selected first, as a running UI would have it: only the selected target keeps
    // every chart series from live samples (the others their headline rate).
    app.select_target(3);
    for update in fixtures::updates().into_iter().chain(updates(sampler_on)) {
        app.update(update);
    }
    app.time.tick(NOW);
    app.apply(crate::ui::action::Action::GoTab(tab));
    app
}
