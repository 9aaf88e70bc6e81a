//! Time travel's reads, printed (never asserted): a history file holding 24 h of one
//! target (100 sessions with churn and a few long-running ones, every 10 s; 200
//! statements every 60 s; 40 metric series) is written, then the time to read what the
//! screen shows at an instant (every kind's newest body, the statement interval around
//! it, each series' newest figure, the 15-minute charts, the alerts) is measured at random
//! instants, and for stepping round by round through one hour (the read of `←`/`→`).
//! Also printed: the file size and the write cost per round, the figures the storage work
//! starts from.
//!
//! Run: `cargo bench --bench time_travel` (release profile). `LOGSTAG_BENCH_HOURS=N`
//! writes N hours instead of 24.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use logstag::model::{
    ActivitySnapshot, Metric, QueryStat, QueryStatsSnapshot, Sample, SampleBody, Session, SessionState,
    StatsAvailability, TargetHealth, TargetId, TargetStatus, Tier, Timestamp,
};
use logstag::store::{Store, Toward};
use logstag::ui::travel::{MomentRequest, read};
use std::time::{Duration, Instant};

const HIGH_MS: i64 = 10_000;
const MEDIUM_MS: i64 = 60_000;
const SESSIONS: i64 = 100;
const STATEMENTS: usize = 200;

fn target() -> TargetId {
    TargetId("prod".into())
}

/// Sessions at round `r`: ids move on as connections come and go (a tenth of them per
/// minute), three sessions stay for the whole day, statements change every round.
fn sessions(r: i64) -> Vec<Session> {
    (0..SESSIONS)
        .map(|i| {
            let long_running = i < 3;
            let generation = if long_running { 0 } else { (r + i) / 60 };
            let state = match (i + r) % 4 {
                0 => SessionState::Active,
                1 => SessionState::IdleInTransaction,
                _ => SessionState::Idle,
            };
            Session {
                id: 10_000 + i * 1_000 + generation,
                user: format!("app_{}", i % 7),
                database: "shop".into(),
                application: "web".into(),
                client: format!("10.0.{}.{}", i / 250, i % 250),
                state,
                native_state: format!("{state:?}").to_lowercase(),
                wait: None,
                query: format!(
                    "SELECT * FROM orders WHERE customer_id = {} AND status = $1",
                    (r * 7 + i) % 5_000
                ),
                query_ms: Some(u64::try_from((r % 60) * 100 + i).unwrap()),
                xact_ms: Some(1_000),
                backend_ms: Some(u64::try_from(r * HIGH_MS).unwrap()),
                state_ms: Some(500),
                blocked_by: if i == 50 && r % 30 < 5 { vec![10_000] } else { Vec::new() },
                extra: vec![("backend_xmin".into(), format!("{}", 700 + r))],
            }
        })
        .collect()
}

fn statements(minute: i64) -> Vec<QueryStat> {
    (0..STATEMENTS)
        .map(|i| {
            let calls = u64::try_from((minute + i as i64) % 97 + 1).unwrap();
            QueryStat {
                id: format!("{}", 1_000_000 + i),
                database: "shop".into(),
                user: "app".into(),
                text: format!(
                    "SELECT o.id, o.total FROM orders_{i} o WHERE o.customer_id = $1 AND o.status = $2"
                ),
                calls,
                total_time_ms: calls as f64 * 1.7,
                mean_time_ms: 1.7,
                min_time_ms: Some(0.2),
                max_time_ms: Some(40.0),
                rows: calls,
                ..QueryStat::default()
            }
        })
        .collect()
}

fn round(r: i64, start: i64) -> Vec<Sample> {
    let at = start + r * HIGH_MS;
    let sample = |tier, body| Sample { target: target(), tier, taken_at: Timestamp(at), body };
    let mut metrics: Vec<Metric> =
        (0..30).map(|m| Metric::new(&format!("bench_metric_{m}"), (r + m) as f64)).collect();
    metrics.push(Metric::new("tps", (r % 100) as f64));
    for state in ["Active", "Idle", "Idle in transaction", "Waiting for lock", "Other"] {
        metrics.push(Metric::keyed("sessions_by_state", state, (r % 13) as f64));
    }
    let mut samples = vec![
        sample(Tier::High, SampleBody::Metrics(metrics)),
        sample(
            Tier::High,
            SampleBody::Activity(ActivitySnapshot { sessions: sessions(r), locks: Vec::new() }),
        ),
    ];
    if r == 0 {
        let up = TargetStatus::Up { version: "16.4".into() };
        samples.push(sample(
            Tier::High,
            SampleBody::Status(TargetHealth { status: up, at: Timestamp(at), last_latency_ms: None }),
        ));
    }
    if (r * HIGH_MS) % MEDIUM_MS == 0 {
        let minute = r * HIGH_MS / MEDIUM_MS;
        samples.push(sample(
            Tier::Medium,
            SampleBody::Queries(QueryStatsSnapshot {
                availability: StatsAvailability::Available,
                since: Some(Timestamp(at - MEDIUM_MS)),
                stats: statements(minute),
                tracked: 5_000,
                reset_detected: false,
                evicted: None,
            }),
        ));
    }
    samples
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn print(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label}: median {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} reads)",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
        times.len()
    );
}

fn main() {
    let hours: i64 = std::env::var("LOGSTAG_BENCH_HOURS").ok().and_then(|h| h.parse().ok()).unwrap_or(24);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async move {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite3");
        let store = Store::open(&path, Duration::from_secs(8 * 86_400)).unwrap();
        let rounds = hours * 3_600_000 / HIGH_MS;
        let start = Timestamp::now().millis() - rounds * HIGH_MS;
        let began = Instant::now();
        for r in 0..rounds {
            store.record(round(r, start)).await.unwrap();
        }
        let write = began.elapsed();
        store.flush().await.unwrap();
        let bytes = std::fs::metadata(&path).unwrap().len();
        println!(
            "history: {hours} h of 1 target ({rounds} rounds of {SESSIONS} sessions, {STATEMENTS} statements a minute): \
             {:.1} MB on disk, write {:.2} ms per round",
            bytes as f64 / 1e6,
            write.as_secs_f64() * 1e3 / rounds as f64
        );

        let charted = vec!["tps", "sessions_by_state", "bench_metric_1", "bench_metric_2"];
        let request = |id: u64, at: i64, toward: Option<Toward>| MomentRequest {
            id,
            at: Timestamp(at),
            toward,
            focus: target(),
            charted: charted.clone(),
            others: Vec::new(),
            window_ms: 15 * 60_000,
            wall_ms: Timestamp::now().millis(),
        };
        let mut random = Vec::new();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for id in 0..200 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = start + i64::try_from(seed % u64::try_from(rounds * HIGH_MS).unwrap()).unwrap();
            let began = Instant::now();
            let answer = read(&store, &request(id, at, None)).await;
            random.push(began.elapsed());
            assert!(answer.problem.is_none() && !answer.moments[0].1.samples.is_empty());
        }
        print("the screen at a random instant", random);
        // ← held down through an hour, from its end.
        let mut steps = Vec::new();
        let mut at = start + rounds * HIGH_MS / 2;
        for id in 0..(3_600_000 / HIGH_MS) {
            let began = Instant::now();
            let answer = read(&store, &request(1_000 + u64::try_from(id).unwrap(), at, Some(Toward::Before))).await;
            steps.push(began.elapsed());
            at = answer.at.unwrap().millis();
        }
        print("one step back (round_near + the screen)", steps);
        // A fleet of 100: the other 99 read at the Overview's depth (status, figures,
        // trend). The same target stands in for each, with a full day of data.
        let mut fleet = Vec::new();
        for id in 0..20 {
            let mut fleet_request = request(5_000 + id, start + (id as i64 + 1) * 3_600_000, None);
            fleet_request.others = (0..99).map(|_| (target(), "tps")).collect();
            let began = Instant::now();
            let answer = read(&store, &fleet_request).await;
            fleet.push(began.elapsed());
            assert_eq!(answer.moments.len(), 100);
        }
        print("the screen at an instant, fleet of 100 targets", fleet);
    });
}
