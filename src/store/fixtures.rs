//! Sample builders shared by the store tests and the cost measurement.

use super::*;
use crate::model::{
    ActivitySnapshot, Counters, LockCount, Metric, QueryStatsSnapshot, SampleBody, Session, SessionState,
    StatsAvailability, TargetHealth, TargetStatus, Tier, Wait, WaitCategory,
};

pub const DAY: Duration = Duration::from_secs(86_400);

pub fn t() -> TargetId {
    TargetId("prod".into())
}

pub fn session(i: i64) -> Session {
    Session {
        id: 1000 + i,
        user: format!("app_user_{}", i % 7),
        database: "app".into(),
        application: "web-backend".into(),
        client: format!("10.0.{}.{}", i / 250, i % 250),
        state: if i % 3 == 0 { SessionState::Active } else { SessionState::Idle },
        native_state: if i % 3 == 0 { "active".into() } else { "idle".into() },
        wait: (i % 5 == 0).then(|| Wait { category: WaitCategory::Io, event: "IO:DataFileRead".into() }),
        query: format!(
            "SELECT o.id, o.total FROM orders o WHERE o.customer_id = {} AND o.status = 'open'",
            i
        ),
        query_ms: Some(10 * i as u64),
        xact_ms: Some(12 * i as u64),
        backend_ms: Some(3_600_000 + i as u64),
        state_ms: Some(5 * i as u64),
        blocked_by: if i == 7 { vec![1003] } else { Vec::new() },
        extra: vec![("backend_xmin".into(), format!("{}", 700 + i))],
    }
}

pub fn activity(n: i64) -> SampleBody {
    SampleBody::Activity(ActivitySnapshot {
        sessions: (0..n).map(session).collect(),
        locks: vec![LockCount {
            lock_type: "relation".into(),
            mode: "AccessShareLock".into(),
            granted: true,
            count: 4,
        }],
    })
}

/// 100 sessions whose statements all change every round (eight figures each that no
/// compressor predicts): rounds that cost what they would in production, where a delta of
/// an unchanged round takes a few bytes.
pub fn busy_activity(round: i64) -> SampleBody {
    let mut body = activity(100);
    if let SampleBody::Activity(snapshot) = &mut body {
        for (i, session) in snapshot.sessions.iter_mut().enumerate() {
            let figure = |k: i64| (round * 7_919 + i as i64 * 31 + k) * 104_729 % 1_000_003;
            let figures: Vec<String> = (0..8).map(|k| figure(k).to_string()).collect();
            session.query = format!("SELECT {}", figures.join(", "));
        }
    }
    body
}

pub fn stat(id: &str, calls: u64) -> QueryStat {
    QueryStat {
        id: id.into(),
        database: "app".into(),
        user: "app_user".into(),
        text: format!("SELECT * FROM t_{id} WHERE id = $1"),
        calls,
        total_time_ms: calls as f64 * 1.5,
        mean_time_ms: 1.5,
        min_time_ms: Some(0.25),
        max_time_ms: None,
        rows: calls * 2,
        counters: counters(),
    }
}

/// Ten engine counters, as many as a busy PostgreSQL statement has, one of them zero.
pub fn counters() -> Counters {
    let mut c = Counters::default();
    for (name, value) in [
        ("shared_blks_hit", 100.0),
        ("shared_blks_read", 3.0),
        ("shared_blks_dirtied", 1.0),
        ("shared_blks_written", 2.0),
        ("local_blks_hit", 4.0),
        ("local_blks_read", 5.0),
        ("temp_blks_read", 6.0),
        ("temp_blks_written", 7.0),
        ("blk_read_time_ms", 0.125),
        ("blk_write_time_ms", 0.0),
    ] {
        c.set(name, value);
    }
    c
}

pub fn queries(stats: Vec<QueryStat>) -> SampleBody {
    SampleBody::Queries(QueryStatsSnapshot {
        availability: StatsAvailability::Available,
        since: Some(Timestamp(1)),
        stats,
        tracked: 42,
        reset_detected: true,
        evicted: Some(3),
    })
}

pub fn sample(tier: Tier, at: i64, body: SampleBody) -> Sample {
    Sample { target: t(), tier, taken_at: Timestamp(at), body }
}

pub fn status(at: i64) -> SampleBody {
    SampleBody::Status(TargetHealth {
        status: TargetStatus::Up { version: "16.4".into() },
        at: Timestamp(at),
        last_latency_ms: Some(12),
    })
}

pub fn metrics(v: f64) -> SampleBody {
    SampleBody::Metrics(vec![
        Metric::new("tps", v),
        Metric::keyed("sessions_by_state", "Active", v + 1.0),
        Metric::keyed("sessions_by_state", "Idle", v + 2.0),
    ])
}
