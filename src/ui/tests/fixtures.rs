//! A fixed, realistic dataset: a healthy primary with a blocking chain, a degraded
//! standby without pg_stat_statements, and a target that is down.

use crate::collectors::postgres::statement_counters::{SHARED_BLKS_HIT, SHARED_BLKS_READ};
use crate::model::*;
use crate::ui::UiUpdate;
use crate::ui::app::App;
use crate::ui::theme::Theme;
use std::sync::Arc;
use std::time::Duration;

/// 2025-11-21 04:40:00 UTC
pub const NOW: i64 = 1_763_700_000_000;

pub fn target(name: &str) -> TargetInfo {
    TargetInfo {
        id: TargetId(name.into()),
        engine: "PostgreSQL".into(),
        endpoint: format!("monitor@{name}:5432/shop"),
        tags: Vec::new(),
    }
}

#[allow(clippy::too_many_arguments)]
fn session(
    id: i64,
    user: &str,
    app: &str,
    state: SessionState,
    wait: Option<(WaitCategory, &str)>,
    query: &str,
    query_s: Option<u64>,
    xact_s: Option<u64>,
    blocked_by: &[i64],
) -> Session {
    Session {
        id,
        user: user.into(),
        database: if user == "etl" { "warehouse".into() } else { "shop".into() },
        application: app.into(),
        client: if user == "postgres" { String::new() } else { format!("10.0.3.{}", id % 100) },
        state,
        native_state: match state {
            SessionState::Idle => "idle".into(),
            SessionState::IdleInTransaction => "idle in transaction".into(),
            SessionState::Other => "fastpath function call".into(),
            _ => "active".into(),
        },
        wait: wait.map(|(category, event)| Wait { category, event: event.into() }),
        query: query.into(),
        query_ms: query_s.map(|s| s * 1000),
        xact_ms: xact_s.map(|s| s * 1000),
        backend_ms: Some(7_200_000),
        state_ms: query_s.map(|s| s * 1000),
        blocked_by: blocked_by.to_vec(),
        extra: Vec::new(),
    }
}

pub fn sessions() -> Vec<Session> {
    use SessionState::*;
    let mut list = vec![
        session(
            4101,
            "alice",
            "checkout",
            Active,
            None,
            "UPDATE orders SET status = 'paid'\n WHERE id = 8812",
            Some(12),
            Some(95),
            &[],
        ),
        session(
            4102,
            "bob",
            "billing",
            WaitingForLock,
            Some((WaitCategory::Locks, "Lock:transactionid")),
            "UPDATE orders SET total = total + 5 WHERE id = 8812",
            Some(62),
            Some(63),
            &[4101],
        ),
        session(
            4103,
            "carol",
            "reports",
            WaitingForLock,
            Some((WaitCategory::Locks, "Lock:tuple")),
            "SELECT * FROM orders WHERE id = 8812 FOR UPDATE",
            Some(41),
            Some(41),
            &[4102],
        ),
        session(
            4104,
            "api",
            "api-gw",
            IdleInTransaction,
            Some((WaitCategory::Client, "Client:ClientRead")),
            "SELECT balance FROM accounts WHERE id = 17",
            Some(300),
            Some(310),
            &[],
        ),
        session(
            4105,
            "api",
            "api-gw",
            Idle,
            Some((WaitCategory::Client, "Client:ClientRead")),
            "COMMIT",
            Some(2),
            None,
            &[],
        ),
        session(
            4106,
            "etl",
            "airflow",
            Active,
            Some((WaitCategory::Io, "IO:DataFileRead")),
            "INSERT INTO daily_sales SELECT date_trunc('day', created_at), sum(total) FROM orders GROUP BY 1",
            Some(754),
            Some(760),
            &[],
        ),
        session(4107, "postgres", "psql", Other, None, "SELECT pg_sleep(1)", Some(1), None, &[]),
        session(4108, "api", "api-gw", Idle, None, "SELECT 1", Some(9), None, &[]),
    ];
    list[0].extra =
        vec![("backend_xmin".into(), "771203".into()), ("backend_type".into(), "client backend".into())];
    list
}

/// Engine counters as a collector builds them (the names are the engine's own).
pub fn counters(values: &[(&'static str, u64)]) -> Counters {
    let mut out = Counters::default();
    for (name, value) in values {
        out.set(*name, *value as f64);
    }
    out
}

pub fn queries() -> QueryStatsSnapshot {
    let stat = |id: &str, text: &str, calls: u64, total: f64, rows: u64, hit: u64, read: u64| QueryStat {
        counters: counters(&[(SHARED_BLKS_HIT, hit), (SHARED_BLKS_READ, read)]),
        id: id.into(),
        database: "shop".into(),
        user: "api".into(),
        text: text.into(),
        calls,
        total_time_ms: total,
        mean_time_ms: total / calls as f64,
        min_time_ms: Some(0.2),
        max_time_ms: Some(2_400.0),
        rows,
    };
    QueryStatsSnapshot {
        availability: StatsAvailability::Available,
        since: Some(Timestamp(NOW - 60_000)),
        stats: vec![
            stat(
                "-812",
                "SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT $2",
                4_210,
                8_420.5,
                42_100,
                99_000,
                1_000,
            ),
            stat("377", "UPDATE orders SET status = $1 WHERE id = $2", 812, 2_030.0, 812, 5_000, 20),
            stat(
                "9001",
                "INSERT INTO daily_sales SELECT date_trunc($1, created_at), sum(total)\nFROM orders GROUP BY 1",
                1,
                45_120.0,
                365,
                10_000,
                90_000,
            ),
            stat("55", "SELECT balance FROM accounts WHERE id = $1", 15_020, 150.2, 15_020, 45_000, 0),
        ],
        tracked: 1_204,
        reset_detected: false,
        evicted: None,
    }
}

fn sample(target: &str, tier: Tier, at: i64, body: SampleBody) -> Sample {
    Sample { target: TargetId(target.into()), tier, taken_at: Timestamp(at), body }
}

fn metrics_round(at: i64, i: i64) -> Vec<Metric> {
    let wave = (i as f64 / 6.0).sin();
    vec![
        Metric::new(metric::TPS, 420.0 + 80.0 * wave),
        Metric::new(metric::CACHE_HIT_PCT, 98.5 + wave),
        Metric::keyed(metric::SESSIONS_BY_STATE, "Active", 3.0 + 2.0 * wave.abs()),
        Metric::keyed(metric::SESSIONS_BY_STATE, "Idle", 12.0),
        Metric::keyed(metric::SESSIONS_BY_STATE, "Waiting for lock", if i > 60 { 2.0 } else { 0.0 }),
        Metric::keyed(metric::WAITS_BY_CLASS, "Locks", if i > 60 { 2.0 } else { 0.0 }),
        Metric::keyed(metric::WAITS_BY_CLASS, "IO", 1.0 + wave.abs()),
        Metric::new(metric::REPLICATION_LAG_S, 0.4),
        Metric::keyed(metric::COLLECT_MS, "high", 12.4 + (at % 3) as f64),
        Metric::keyed(metric::COLLECT_MS, "medium", 48.0),
    ]
}

pub fn updates() -> Vec<UiUpdate> {
    let mut rounds = Vec::new();
    // 15 minutes of 10 s rounds with a 2-minute hole (a collection outage) in the middle.
    for i in 0..90_i64 {
        if (40..52).contains(&i) {
            continue;
        }
        let at = NOW - (90 - i) * 10_000;
        rounds.push(sample("prod-pg", Tier::High, at, SampleBody::Metrics(metrics_round(at, i))));
    }
    let instance = InstanceInfo {
        version: "16.2".into(),
        version_full: "PostgreSQL 16.2 (Debian 16.2-1.pgdg120+2) on x86_64-pc-linux-gnu".into(),
        started_at_ms: Some(NOW - 3 * 86_400_000 - 4 * 3_600_000),
        max_connections: Some(200),
        role: ServerRole::Primary,
        database: "shop".into(),
        connections: 8,
        product: String::new(),
    };
    let up = TargetHealth {
        status: TargetStatus::Up { version: "16.2".into() },
        at: Timestamp(NOW),
        last_latency_ms: Some(31),
    };
    rounds.push(sample("prod-pg", Tier::High, NOW - 2_000, SampleBody::Status(up)));
    rounds.push(sample("prod-pg", Tier::High, NOW - 2_000, SampleBody::Instance(instance.clone())));
    let activity = ActivitySnapshot { sessions: sessions(), locks: Vec::new() };
    rounds.push(sample("prod-pg", Tier::High, NOW - 2_000, SampleBody::Activity(activity)));
    rounds.push(sample("prod-pg", Tier::Medium, NOW - 5_000, SampleBody::Queries(queries())));

    let problems = vec!["queries: permission denied for view pg_stat_statements".to_owned()];
    let degraded = TargetStatus::Degraded { version: "16.2".into(), problems };
    let standby = InstanceInfo { role: ServerRole::Standby, connections: 3, ..instance };
    let unavailable = QueryStatsSnapshot {
        availability: StatsAvailability::Unavailable(
            "pg_stat_statements is not installed in database shop: add it to shared_preload_libraries and run CREATE EXTENSION pg_stat_statements".into(),
        ),
        since: None,
        stats: Vec::new(),
        tracked: 0,
        reset_detected: false,
        evicted: None,
    };
    let replica = vec![
        sample(
            "replica-pg",
            Tier::High,
            NOW - 3_000,
            SampleBody::Status(TargetHealth {
                status: degraded,
                at: Timestamp(NOW),
                last_latency_ms: Some(45),
            }),
        ),
        sample("replica-pg", Tier::High, NOW - 3_000, SampleBody::Instance(standby)),
        sample(
            "replica-pg",
            Tier::High,
            NOW - 3_000,
            SampleBody::Metrics(vec![
                Metric::new(metric::REPLICATION_LAG_S, 3.2),
                Metric::new(metric::TPS, 12.0),
            ]),
        ),
        sample("replica-pg", Tier::Medium, NOW - 3_000, SampleBody::Queries(unavailable)),
    ];
    let down = TargetStatus::down("connection refused (10.0.0.7:5432)", Duration::from_secs(8));
    let reports = vec![sample(
        "reports-pg",
        Tier::High,
        NOW - 1_000,
        SampleBody::Status(TargetHealth { status: down, at: Timestamp(NOW), last_latency_ms: None }),
    )];
    vec![
        UiUpdate::Round(Arc::new(rounds)),
        UiUpdate::Round(Arc::new(replica)),
        UiUpdate::Round(Arc::new(reports)),
    ]
}

pub fn app_with(theme: Theme) -> App {
    let mut app = App::new(
        vec![target("prod-pg"), target("replica-pg"), target("reports-pg")],
        theme,
        Duration::from_secs(900),
    );
    for update in updates() {
        app.update(update);
    }
    app.time.tick(NOW);
    app
}

pub fn app() -> App {
    app_with(Theme::default())
}
