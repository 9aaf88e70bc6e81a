//! Scheduler behaviour with scripted collectors: backoff, reconnect, per-tier problems.
use super::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// A collector whose server is down for the first `fail_connects` attempts.
struct Flaky {
    connects: Arc<AtomicU32>,
    fail_connects: u32,
    lose_after_rounds: Option<u32>,
    rounds: u32,
}

impl Collector for Flaky {
    fn endpoint(&self) -> &str {
        "test@flaky:1/db"
    }

    async fn ensure_connected(&mut self) -> Result<String, CollectError> {
        let n = self.connects.fetch_add(1, Ordering::SeqCst);
        if n < self.fail_connects {
            Err(CollectError::Connect { endpoint: "test@flaky:1/db".into(), message: "refused".into() })
        } else {
            Ok("1.0".into())
        }
    }

    async fn collect(&mut self, _tier: Tier) -> Result<Collected, CollectError> {
        self.rounds += 1;
        if Some(self.rounds) == self.lose_after_rounds {
            return Err(CollectError::ConnectionLost { endpoint: "x".into(), message: "reset".into() });
        }
        Ok(Collected { bodies: vec![SampleBody::Metrics(vec![Metric::new("x", 1.0)])], problems: vec![] })
    }

    fn disconnect(&mut self) {}
}

fn handles(tx: mpsc::Sender<Vec<Sample>>, shutdown: watch::Receiver<bool>) -> SchedulerHandles {
    SchedulerHandles {
        target: TargetId("t".into()),
        samples: tx,
        shutdown,
        connect_timeout: Duration::from_secs(1),
        round_timeout: Duration::from_secs(1),
        warmup: Duration::ZERO,
        stagger: Duration::ZERO,
        previous_schema: None,
        schema_now: None,
        retry_now: None,
        backoff_base: Duration::from_millis(10),
        backoff_cap: Duration::from_millis(40),
    }
}

fn statuses(rounds: &[Vec<Sample>]) -> Vec<&'static str> {
    rounds
        .iter()
        .flatten()
        .filter_map(|s| match &s.body {
            SampleBody::Status(h) => Some(h.status.label()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn down_then_up_with_backoff_then_lost_and_back() {
    let (tx, mut rx) = mpsc::channel(64);
    let (stop_tx, stop_rx) = watch::channel(false);
    let connects = Arc::new(AtomicU32::new(0));
    let collector =
        Flaky { connects: connects.clone(), fail_connects: 2, lose_after_rounds: Some(2), rounds: 0 };
    let intervals =
        Intervals { high: Some(Duration::from_millis(20)), medium: None, low: None, schema: None };
    let task = tokio::spawn(run(collector, intervals, handles(tx, stop_rx)));
    let mut got = Vec::new();
    while statuses(&got).iter().filter(|s| **s == "UP").count() < 2 {
        match timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Some(r)) => got.push(r),
            _ => break,
        }
    }
    let _ = stop_tx.send(true);
    let _ = timeout(Duration::from_secs(2), task).await;
    assert_eq!(statuses(&got), vec!["CONNECTING", "DOWN", "DOWN", "UP", "DOWN", "UP"]);
    assert_eq!(connects.load(Ordering::SeqCst), 4);
    // Data rounds carry the collection latency metric.
    assert!(got.iter().flatten().any(
        |s| matches!(&s.body, SampleBody::Metrics(m) if m.iter().any(|m| m.name == metric::COLLECT_MS))
    ));
}

/// Reports a problem on the medium tier only.
struct MediumProblem;

impl Collector for MediumProblem {
    fn endpoint(&self) -> &str {
        "x"
    }

    async fn ensure_connected(&mut self) -> Result<String, CollectError> {
        Ok("1.0".into())
    }

    async fn collect(&mut self, tier: Tier) -> Result<Collected, CollectError> {
        let problems = if tier == Tier::Medium { vec!["extension missing".into()] } else { vec![] };
        Ok(Collected { bodies: vec![], problems })
    }

    fn disconnect(&mut self) {}
}

#[tokio::test]
async fn a_medium_tier_problem_keeps_the_target_degraded_between_medium_rounds() {
    let (tx, mut rx) = mpsc::channel(256);
    let (stop_tx, stop_rx) = watch::channel(false);
    let intervals = Intervals {
        high: Some(Duration::from_millis(10)),
        medium: Some(Duration::from_secs(60)),
        low: None,
        schema: None,
    };
    let task = tokio::spawn(run(MediumProblem, intervals, handles(tx, stop_rx)));
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_millis(300);
    while let Ok(Some(r)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        got.push(r);
    }
    let _ = stop_tx.send(true);
    let _ = timeout(Duration::from_secs(2), task).await;
    // The first high round is clean; after the one medium round many high rounds ran,
    // and the status never went back to UP.
    assert_eq!(statuses(&got), vec!["CONNECTING", "UP", "DEGRADED"]);
    assert!(got.len() > 5);
}

#[tokio::test]
async fn all_tiers_off_reports_and_stops_on_shutdown() {
    let (tx, mut rx) = mpsc::channel(8);
    let (stop_tx, stop_rx) = watch::channel(false);
    let collector =
        Flaky { connects: Arc::new(AtomicU32::new(0)), fail_connects: 0, lose_after_rounds: None, rounds: 0 };
    let intervals = Intervals { high: None, medium: None, low: None, schema: None };
    let task = tokio::spawn(run(collector, intervals, handles(tx, stop_rx)));
    let first = timeout(Duration::from_secs(2), rx.recv()).await.ok().flatten().unwrap_or_default();
    assert_eq!(statuses(&[first]), vec!["DOWN"]);
    let _ = stop_tx.send(true);
    assert!(timeout(Duration::from_secs(2), task).await.is_ok());
}

/// Counts schema rounds.
struct SchemaCounter(Arc<AtomicU32>);

impl Collector for SchemaCounter {
    fn endpoint(&self) -> &str {
        "x"
    }

    async fn ensure_connected(&mut self) -> Result<String, CollectError> {
        Ok("1.0".into())
    }

    async fn collect(&mut self, tier: Tier) -> Result<Collected, CollectError> {
        if tier == Tier::Schema {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        Ok(Collected::default())
    }

    fn disconnect(&mut self) {}
}

#[tokio::test]
async fn a_schema_refresh_request_runs_the_schema_tier_at_once() {
    let (tx, mut rx) = mpsc::channel(256);
    let (stop_tx, stop_rx) = watch::channel(false);
    let (refresh_tx, refresh_rx) = watch::channel(0u64);
    let rounds = Arc::new(AtomicU32::new(0));
    let intervals = Intervals {
        high: Some(Duration::from_millis(50)),
        medium: None,
        low: None,
        schema: Some(Duration::from_secs(3600)),
    };
    let mut h = handles(tx, stop_rx);
    h.schema_now = Some(refresh_rx);
    let task = tokio::spawn(run(SchemaCounter(rounds.clone()), intervals, h));
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The first schema run waits (SCHEMA_FIRST_RUN_DELAY): nothing yet.
    assert_eq!(rounds.load(Ordering::SeqCst), 0);
    refresh_tx.send_modify(|n| *n += 1);
    let deadline = Instant::now() + Duration::from_secs(5);
    while rounds.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(rounds.load(Ordering::SeqCst), 1, "one schema round on request");
    let _ = stop_tx.send(true);
    let _ = timeout(Duration::from_secs(2), task).await;
    drain.abort();
}

/// Runs `run` briefly and returns whether the task ended without a panic.
async fn survives(intervals: Intervals, warmup: Duration) -> (bool, Vec<Vec<Sample>>) {
    let (tx, mut rx) = mpsc::channel(256);
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut h = handles(tx, stop_rx);
    h.warmup = warmup;
    let task = tokio::spawn(run(MediumProblem, intervals, h));
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_millis(200);
    while let Ok(Some(r)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        got.push(r);
    }
    let _ = stop_tx.send(true);
    let ended = timeout(Duration::from_secs(2), task).await;
    (matches!(ended, Ok(Ok(()))), got)
}

#[tokio::test]
async fn absurd_intervals_and_warmup_never_overflow_the_clock() {
    let huge = Intervals {
        high: Some(Duration::MAX),
        medium: Some(Duration::MAX),
        low: None,
        schema: Some(Duration::MAX),
    };
    let (ok, got) = survives(huge.clone(), Duration::ZERO).await;
    assert!(ok, "the task panicked on an interval of Duration::MAX");
    assert!(statuses(&got).contains(&"DEGRADED"), "the first round still ran: {:?}", statuses(&got));
    let (ok, _) = survives(huge, Duration::MAX).await;
    assert!(ok, "the task panicked on a warm-up of Duration::MAX");
}

/// `R` in the UI: a target that is down is tried again at once instead of after its
/// backoff (here a minute), and comes up.
#[tokio::test]
async fn a_retry_request_skips_the_backoff() {
    let (tx, mut rx) = mpsc::channel(64);
    let (_stop_tx, stop_rx) = watch::channel(false);
    let (retry_tx, retry_rx) = watch::channel(0u64);
    let connects = Arc::new(AtomicU32::new(0));
    let collector =
        Flaky { connects: connects.clone(), fail_connects: 1, lose_after_rounds: None, rounds: 0 };
    let intervals = Intervals { high: Some(Duration::from_secs(60)), medium: None, low: None, schema: None };
    let mut h = handles(tx, stop_rx);
    (h.backoff_base, h.backoff_cap) = (Duration::from_secs(60), Duration::from_secs(60));
    h.retry_now = Some(retry_rx);
    let task = tokio::spawn(run(collector, intervals, h));
    let mut got = Vec::new();
    while !statuses(&got).contains(&"DOWN") {
        got.push(timeout(Duration::from_secs(5), rx.recv()).await.ok().flatten().unwrap_or_default());
    }
    assert_eq!(connects.load(Ordering::SeqCst), 1);
    retry_tx.send_modify(|n| *n += 1);
    while !statuses(&got).contains(&"UP") {
        match timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Some(r)) => got.push(r),
            _ => break,
        }
    }
    task.abort();
    assert_eq!(connects.load(Ordering::SeqCst), 2, "retried once, at once");
    assert!(statuses(&got).contains(&"UP"), "{:?}", statuses(&got));
}
