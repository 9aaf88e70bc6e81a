//! What Logstag costs on our side, printed as figures (never asserted):
//!
//! - client-side CPU of one high-tier collection round (rows → sessions → metrics →
//!   blocking forest → one SQLite transaction) with 100, 1,000 and 10,000 sessions;
//! - with `LOGSTAG_BENCH_URL=postgresql://…` also the real collector's high tier against
//!   that server (CPU here, wall time, per round);
//! - CPU of rendering one Activity frame with 1,000 and 10,000 sessions, and one Schema
//!   frame with 2,000 and 10,000 tables.
//!
//! Run: `cargo bench --bench costs` (release profile).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use logstag::collectors::postgres::parse::{ActivityRow, activity_metrics, session};
use logstag::model::{
    ActivitySnapshot, Sample, SampleBody, Session, TargetId, Tier, Timestamp, blocking_forest,
};
use logstag::store::Store;
use std::time::{Duration, Instant};

#[path = "support/cpu.rs"]
mod cpu;
use cpu::process_cpu;

fn rows(n: usize) -> Vec<ActivityRow> {
    let states = ["active", "idle", "idle in transaction", "active", "idle"];
    (0..n)
        .map(|i| {
            let state = states[i % states.len()];
            let waiting = i % 50 == 7;
            ActivityRow {
                pid: 10_000 + i as i64,
                user: format!("app_{}", i % 7),
                database: "bench".into(),
                application: format!("bench-{}", i % 13),
                client: "10.0.0.12".into(),
                state: state.into(),
                wait_event_type: waiting
                    .then(|| "Lock".into())
                    .or_else(|| (state != "active").then(|| "Client".into())),
                wait_event: waiting.then(|| "transactionid".into()).or_else(|| Some("ClientRead".into())),
                query: format!(
                    "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2 /* {i} */"
                ),
                query_ms: Some((i * 37 % 90_000) as f64),
                xact_ms: Some((i * 41 % 90_000) as f64),
                backend_ms: Some(3_600_000.0),
                state_ms: Some((i * 13 % 60_000) as f64),
                blocked_by: waiting.then(|| vec![10_000 + (i as i32 - 1)]),
                backend_type: Some("client backend".into()),
                ..Default::default()
            }
        })
        .collect()
}

fn sessions(n: usize) -> Vec<Session> {
    rows(n).into_iter().map(session).collect()
}

fn bench_collection_rounds(rt: &tokio::runtime::Runtime) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bench.sqlite3"), Duration::from_secs(86_400)).unwrap();
    let target = TargetId("bench".into());
    println!("collection round, client side (rows → model → metrics → forest → SQLite):");
    for n in [100usize, 1_000, 10_000] {
        let input = rows(n);
        let rounds = if n >= 10_000 { 10 } else { 50 };
        let cpu0 = process_cpu();
        let wall0 = Instant::now();
        for _ in 0..rounds {
            let sessions: Vec<Session> = input.iter().cloned().map(session).collect();
            let metrics = activity_metrics(&sessions);
            let forest = blocking_forest(&sessions);
            std::hint::black_box(&forest);
            let at = Timestamp::now();
            let round = vec![
                Sample {
                    target: target.clone(),
                    tier: Tier::High,
                    taken_at: at,
                    body: SampleBody::Activity(ActivitySnapshot { sessions, locks: vec![] }),
                },
                Sample {
                    target: target.clone(),
                    tier: Tier::High,
                    taken_at: at,
                    body: SampleBody::Metrics(metrics),
                },
            ];
            rt.block_on(store.record(round)).unwrap();
        }
        let cpu = (process_cpu() - cpu0) / rounds;
        let wall = wall0.elapsed() / rounds;
        println!(
            "  {n:>6} sessions: {:>8.3} ms CPU per round ({:.3} ms wall)",
            cpu.as_secs_f64() * 1e3,
            wall.as_secs_f64() * 1e3
        );
    }
}

fn bench_live_collector(rt: &tokio::runtime::Runtime) {
    let Ok(url) = std::env::var("LOGSTAG_BENCH_URL") else {
        println!("live collector: set LOGSTAG_BENCH_URL=postgresql://… to measure a real high-tier round");
        return;
    };
    use logstag::collectors::Collector;
    let cfg = logstag::config::Config::default();
    let target = logstag::config::target_from_url(&url, &cfg).unwrap();
    let mut collector = logstag::collectors::postgres::PostgresCollector::new(&target);
    rt.block_on(async {
        collector.ensure_connected().await.unwrap();
        collector.collect(Tier::High).await.unwrap(); // prepares the statements
        let rounds = 60;
        let (cpu0, wall0) = (process_cpu(), Instant::now());
        let mut sessions = 0;
        for _ in 0..rounds {
            let c = collector.collect(Tier::High).await.unwrap();
            for b in &c.bodies {
                if let SampleBody::Activity(a) = b {
                    sessions = a.sessions.len();
                }
            }
        }
        let cpu = (process_cpu() - cpu0) / rounds;
        let wall = wall0.elapsed() / rounds;
        println!(
            "live collector, high tier, {sessions} sessions: {:.3} ms CPU per round ({:.3} ms wall)",
            cpu.as_secs_f64() * 1e3,
            wall.as_secs_f64() * 1e3
        );
    });
}

/// CPU to build an app (once per sample or inventory) and to draw one frame of it.
fn time_app(build: impl FnOnce() -> logstag::ui::app::App) -> (Duration, Duration) {
    let cpu0 = process_cpu();
    let app = build();
    let built = process_cpu() - cpu0;
    let frames = 50u32;
    let cpu0 = process_cpu();
    for _ in 0..frames {
        std::hint::black_box(logstag::ui::bench::render_frame(200, 50, &app));
    }
    (built, (process_cpu() - cpu0) / frames)
}

fn bench_render() {
    println!("render one Activity frame (200x50, TestBackend):");
    for n in [1_000usize, 10_000] {
        // Building the app applies one round: sorting and filtering happen there, once per sample.
        let (apply, frame) = time_app(|| logstag::ui::bench::activity_app(sessions(n)));
        println!(
            "  {n:>6} sessions: {:>8.3} ms CPU per frame (applying the round: {:.3} ms, once per sample)",
            frame.as_secs_f64() * 1e3,
            apply.as_secs_f64() * 1e3
        );
    }
    println!("render one Schema frame (200x50, TestBackend):");
    for n in [2_000usize, 10_000] {
        // Applying the inventory builds the flattened tree once; frames only draw visible rows.
        let (build, frame) = time_app(|| logstag::ui::bench::schema_app(n));
        println!(
            "  {n:>6} tables: {:>8.3} ms CPU per frame (building the app and the tree: {:.1} ms, once per inventory)",
            frame.as_secs_f64() * 1e3,
            build.as_secs_f64() * 1e3
        );
    }
}

fn main() {
    // `cargo test` runs bench targets with --bench absent only when asked; be quick then.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    bench_collection_rounds(&rt);
    bench_live_collector(&rt);
    bench_render();
}
