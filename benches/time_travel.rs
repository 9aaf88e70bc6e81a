//! Time travel's storage and reads, printed (never asserted): a history file holding 24 h
//! of 10 targets (`support/day.rs`: 100 sessions each with churn and a few long-running
//! ones, every 10 s; 150 statements a minute; the figures and per-database counters of
//! every round) is written, then the time to read what the
//! screen shows at an instant (every kind's newest body, the statement interval around
//! it, each series' newest figure, the 15-minute charts, the alerts) is measured at random
//! instants, and for stepping round by round through one hour (the read of `←`/`→`).
//! Also printed: the file size, where its bytes go, and the write cost per target-round.
//!
//! Run: `cargo bench --bench time_travel` (release profile). `LOGSTAG_BENCH_HOURS=N`
//! writes N hours instead of 24, `LOGSTAG_BENCH_TARGETS=N` N targets instead of 10.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/day.rs"]
mod day;

use day::{HIGH_MS, SESSIONS, STATEMENTS_PER_MINUTE};
use logstag::model::{TargetId, Timestamp};
use logstag::store::{Store, Toward};
use logstag::ui::travel::{MomentRequest, read};
use std::time::{Duration, Instant};

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

/// Where the bytes go: the bodies by kind, the rows of the other tables, the pages of each.
fn breakdown(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut kinds = conn
        .prepare(
            "SELECT kind, encoding, count(*), sum(length(body)) FROM snapshots_named GROUP BY 1, 2 ORDER BY 4 DESC",
        )
        .unwrap();
    let rows = kinds
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
        })
        .unwrap();
    for row in rows {
        let (kind, encoding, count, bytes) = row.unwrap();
        println!(
            "  snapshots {kind:<12} encoding {encoding}: {count:>7} rows, bodies {:>7.2} MB, {:>6.0} B each",
            bytes as f64 / 1e6,
            bytes as f64 / count as f64
        );
    }
    let points: (i64, i64) = conn
        .query_row("SELECT count(*), coalesce(sum(points), 0) FROM point_blocks", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    println!("  point_blocks: {} rows holding {} points", points.0, points.1);
    let texts: i64 = conn.query_row("SELECT count(*) FROM query_texts", [], |r| r.get(0)).unwrap();
    println!("  query_texts: {texts} rows");
    // Pages per table and index, where the SQLite build has the dbstat table.
    if let Ok(mut pages) =
        conn.prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 6")
    {
        let sizes = pages.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).unwrap();
        for size in sizes {
            let (name, bytes) = size.unwrap();
            println!("  pages of {name}: {:.2} MB", bytes as f64 / 1e6);
        }
    }
}

fn main() {
    let hours: i64 = std::env::var("LOGSTAG_BENCH_HOURS").ok().and_then(|h| h.parse().ok()).unwrap_or(24);
    let fleet: usize = std::env::var("LOGSTAG_BENCH_TARGETS").ok().and_then(|h| h.parse().ok()).unwrap_or(10);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async move {
        let dir = tempfile::tempdir().unwrap();
        // LOGSTAG_BENCH_FILE keeps the file for a look at where its bytes go.
        let path = std::env::var_os("LOGSTAG_BENCH_FILE")
            .map_or_else(|| dir.path().join("history.sqlite3"), std::path::PathBuf::from);
        let store = Store::open(&path, Duration::from_secs(8 * 86_400)).unwrap();
        let rounds = hours * 3_600_000 / HIGH_MS;
        let start = Timestamp::now().millis() - rounds * HIGH_MS;
        let mut targets: Vec<day::Target> =
            (0..fleet).map(|n| day::Target::new(&format!("prod-{n}"), 0xC0FFEE + n as u64)).collect();
        let mut generating = Duration::ZERO;
        let began = Instant::now();
        for r in 0..rounds {
            for target in &mut targets {
                let made = Instant::now();
                let round = target.round(r, start + r * HIGH_MS);
                generating += made.elapsed();
                store.record(round).await.unwrap();
            }
        }
        let write = began.elapsed() - generating;
        store.flush().await.unwrap();
        let bytes = std::fs::metadata(&path).unwrap().len();
        println!(
            "history: {hours} h of {fleet} targets ({rounds} rounds of {SESSIONS} sessions each, \
             {STATEMENTS_PER_MINUTE} statements a minute): {:.1} MB on disk ({:.1} MB a target-day), \
             write {:.2} ms per target-round",
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / fleet as f64 * 24.0 / hours as f64,
            write.as_secs_f64() * 1e3 / (rounds as f64 * fleet as f64)
        );
        breakdown(&path);
        let target = || TargetId("prod-0".into());

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
            let answer =
                read(&store, &request(1_000 + u64::try_from(id).unwrap(), at, Some(Toward::Before))).await;
            steps.push(began.elapsed());
            let Some(stepped) = answer.at else { break };
            at = stepped.millis();
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
