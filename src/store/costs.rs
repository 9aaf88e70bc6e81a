//! Cost of recording, printed by an ignored test:
//! `cargo test --lib store::costs -- --ignored --nocapture`.

use super::fixtures::{activity, queries, sample, session, stat, status};
use super::*;
use crate::model::SessionState;
use crate::model::{Metric, SampleBody, Tier};
use tempfile::TempDir;

/// CPU time of the writer thread alone, so building the test rounds is not counted.
fn thread_cpu_ms(thread: &std::thread::JoinHandle<()>) -> f64 {
    use std::os::unix::thread::JoinHandleExt;
    let mut clock: libc::clockid_t = 0;
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: the thread is alive (a Store handle exists) and both out-params are ours.
    unsafe {
        assert_eq!(libc::pthread_getcpuclockid(thread.as_pthread_t(), &mut clock), 0);
        assert_eq!(libc::clock_gettime(clock, &mut ts), 0);
    }
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}

fn rss_kib(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn file_bytes(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Sessions with varied texts, numbers and states (xorshift), so compression is not
/// flattered by the identical rows of `fixtures::activity`.
fn varied_activity(n: i64, seed: u64) -> SampleBody {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    const TEXTS: [&str; 6] = [
        "SELECT o.id, o.total, o.created_at FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.id = ",
        "UPDATE accounts SET balance = balance - 10, updated_at = now() WHERE account_id = ",
        "INSERT INTO events (kind, payload, created_at) VALUES ('click', '{\"page\": 1}', now()) RETURNING ",
        "SELECT count(*) FROM sessions WHERE expires_at > now() AND user_id = ",
        "DELETE FROM cart_items WHERE cart_id = ",
        "COMMIT",
    ];
    let states = [SessionState::Active, SessionState::Idle, SessionState::IdleInTransaction];
    let sessions = (0..n)
        .map(|i| {
            let mut s = session(i);
            let r = next();
            s.id = 10_000 + (r % 90_000) as i64;
            s.user = format!("svc_{}", r % 13);
            s.application = format!("worker-{}", r % 37);
            s.client = format!("10.{}.{}.{}", r % 4, (r >> 8) % 256, (r >> 16) % 256);
            s.state = states[(r % 3) as usize];
            s.native_state = format!("{:?}", s.state).to_lowercase();
            s.query = format!("{}{}", TEXTS[(r % 6) as usize], next() % 1_000_000);
            s.query_ms = Some(next() % 60_000);
            s.xact_ms = Some(next() % 600_000);
            s.backend_ms = Some(next() % 86_400_000);
            s.state_ms = Some(next() % 60_000);
            s.extra = vec![("backend_xmin".into(), format!("{}", next() % 100_000_000))];
            s
        })
        .collect();
    SampleBody::Activity(crate::model::ActivitySnapshot { sessions, locks: Vec::new() })
}

/// A high-tier round: activity, ~35 points, status.
fn high_round(sessions: i64, at: i64) -> Vec<Sample> {
    let mut points: Vec<Metric> =
        (0..25).map(|i| Metric::new(&format!("metric_{i}"), at as f64 + i as f64)).collect();
    for k in ["Active", "Idle", "Idle in transaction", "Waiting for lock", "Other"] {
        points.push(Metric::keyed("sessions_by_state", k, at as f64));
        points.push(Metric::keyed("waits_by_class", k, at as f64));
    }
    vec![
        sample(Tier::High, at, SampleBody::Metrics(points)),
        sample(Tier::High, at, varied_activity(sessions, at as u64 + 1)),
        sample(Tier::High, at, status(at)),
    ]
}

async fn measure(label: &str, n: usize, make: impl Fn(i64) -> Vec<Sample>) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let (store, thread) = Store::open_joinable(&path, Duration::from_secs(86_400)).unwrap();
    // The first round creates series and texts; steady state is what repeats.
    store.record(make(0)).await.unwrap();
    store.flush().await.unwrap();
    let (bytes0, cpu0) = (file_bytes(&path), thread_cpu_ms(&thread));
    let mut wall = Duration::ZERO;
    for i in 1..=n as i64 {
        let round = make(i);
        let started = std::time::Instant::now();
        store.record(round).await.unwrap();
        wall += started.elapsed();
    }
    let (cpu, wall) = (thread_cpu_ms(&thread) - cpu0, wall.as_secs_f64() * 1e3);
    store.flush().await.unwrap();
    let bytes = file_bytes(&path).saturating_sub(bytes0);
    println!(
        "{label}: {:.2} ms CPU/round ({:.2} ms wall), {} bytes on disk/round, VmHWM {} KiB",
        cpu / n as f64,
        wall / n as f64,
        bytes / n as u64,
        rss_kib("VmHWM:")
    );
    let started = std::time::Instant::now();
    let pruned = store.prune(Timestamp(i64::MAX / 2)).await.unwrap();
    let ms = started.elapsed().as_secs_f64() * 1e3;
    store.flush().await.unwrap();
    println!(
        "  prune of all {n} rounds ({pruned:?}): {ms:.1} ms, file {} -> {} bytes",
        bytes + bytes0,
        file_bytes(&path)
    );
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "measurement, prints costs"]
async fn print_recording_costs() {
    println!("VmRSS at start {} KiB", rss_kib("VmRSS:"));
    for n in [100, 1_000] {
        let (json, packed) = snapshot_sizes(&activity(n)).unwrap();
        println!("activity snapshot of {n} uniform sessions: {json} bytes JSON -> {packed} bytes deflate-3");
        let (json, packed) = snapshot_sizes(&varied_activity(n, 7)).unwrap();
        println!("activity snapshot of {n} varied sessions: {json} bytes JSON -> {packed} bytes deflate-3");
    }
    let (json, packed) =
        snapshot_sizes(&queries((0..200).map(|i| stat(&format!("q{i}"), 3)).collect())).unwrap();
    println!("queries snapshot of 200 statements (stats inline): {json} bytes JSON -> {packed} bytes");

    for (n, count) in [(100, 1_000), (1_000, 40)] {
        measure(&format!("high round, {n} sessions + 35 points"), count, |i| high_round(n, 1_000 * i)).await;
    }
    measure("queries round, 200 statements", 30, |i| {
        vec![sample(Tier::Medium, 60_000 * i, queries((0..200).map(|q| stat(&format!("q{q}"), 3)).collect()))]
    })
    .await;
}
